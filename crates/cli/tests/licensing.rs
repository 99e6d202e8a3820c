//! The licensing authority's side end to end through the command line: an application from
//! filing to issued licence, with referral, four eyes, the forbidden moves and their errors,
//! and a no-undercut consultation forced by a partner's essentially identical denial, whose end
//! user is spelled differently (matched by the screening engine, not by string equality).

mod common;
use common::Env;
use serde_json::Value;

const APP: &str = r#"{
  "exporter": {"name": "Precision Spindles GmbH", "country": "DE"},
  "parties": [{"role": "end_user", "name": "Tehran Precision Tooling Company", "country": "IR", "address": "Tehran"}],
  "items": [{"control_entry": "2B001.a", "description": "5-axis machining centre", "quantity": 1, "value": 450000, "currency": "EUR"}],
  "destination": "IR",
  "end_use": "manufacture of pump housings"
}"#;

fn denial(days_ago: i64, reference: &str, regime: &str) -> String {
    let d = (chrono::Utc::now() - chrono::Duration::days(days_ago))
        .format("%Y-%m-%d")
        .to_string();
    format!(
        r#"[{{"reference": "{reference}", "origin": "FR", "regime": "{regime}", "denied_on": "{d}", "destination": "IR",
             "reason": "risk of diversion to a nuclear programme",
             "parties": [{{"name": "Tehran Precision Tooling Co.", "address": "Tehran", "country": "IR"}}],
             "items": [{{"control_entry": "2B001", "description": "machine tools"}}]}}]"#
    )
}

fn err(env: &Env, args: &[&str]) -> String {
    let o = env.run(args);
    assert!(!o.status.success(), "{args:?} should fail");
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn an_application_from_filing_to_licence_with_a_no_undercut_consultation() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    for (u, r) in [
        ("ann", "applicant"),
        ("carl", "case_officer"),
        ("dora", "adviser"),
        ("abe", "approver"),
    ] {
        env.ok(&["--user", "root", "users", "add", u, "--role", r]);
    }
    let app = env.write("app.json", APP.as_bytes());
    // A partner's NSG denial of an essentially identical export, ten months ago.
    let den = env.write(
        "denials.json",
        denial(300, "FR-NSG-2026-017", "NSG").as_bytes(),
    );
    env.ok(&["--user", "carl", "denials", "add", &den]);
    assert!(err(&env, &["--user", "carl", "denials", "add", &den]).contains("already recorded"));

    assert!(err(&env, &["--user", "carl", "licensing", "file", &app]).contains("role applicant"));
    env.ok(&["--user", "ann", "licensing", "file", &app]);
    let e = err(
        &env,
        &[
            "--user",
            "ann",
            "licensing",
            "move",
            "1",
            "--to",
            "approved",
        ],
    );
    assert!(
        e.contains("cannot become approved") && e.contains("submitted (applicant)"),
        "{e}"
    );

    // Submission runs the assessment and finds the denial.
    let sub: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "ann",
        "licensing",
        "move",
        "1",
        "--to",
        "submitted",
        "--json",
    ]))
    .unwrap();
    assert!(sub["assessment"]["outcome"].is_string(), "{sub}");
    let u = &sub["undercuts"][0];
    assert_eq!(
        (u["denial"].as_str(), u["rule"].as_str()),
        (Some("FR-NSG-2026-017"), Some("consult")),
        "{sub}"
    );
    assert!(
        u["why"]
            .to_string()
            .contains("Tehran Precision Tooling Co."),
        "{u}"
    );

    env.ok(&[
        "--user",
        "carl",
        "licensing",
        "move",
        "1",
        "--to",
        "under_review",
    ]);
    assert!(err(
        &env,
        &[
            "--user",
            "carl",
            "licensing",
            "move",
            "1",
            "--to",
            "referred"
        ]
    )
    .contains("agencies"));
    env.ok(&[
        "--user",
        "carl",
        "licensing",
        "move",
        "1",
        "--to",
        "referred",
        "--agency",
        "MoD",
        "--agency",
        "Energy",
    ]);
    let e = err(
        &env,
        &[
            "--user",
            "carl",
            "licensing",
            "move",
            "1",
            "--to",
            "under_review",
        ],
    );
    assert!(e.contains("waiting for the advice of MoD, Energy"), "{e}");
    assert!(err(
        &env,
        &[
            "--user",
            "carl",
            "licensing",
            "advise",
            "1",
            "--agency",
            "MoD",
            "--advice",
            "ok"
        ]
    )
    .contains("role adviser"));
    env.ok(&[
        "--user",
        "dora",
        "licensing",
        "advise",
        "1",
        "--agency",
        "MoD",
        "--advice",
        "no objection",
    ]);
    env.ok(&[
        "--user",
        "dora",
        "licensing",
        "advise",
        "1",
        "--agency",
        "Energy",
        "--advice",
        "no objection; end use plausible",
    ]);
    env.ok(&[
        "--user",
        "carl",
        "licensing",
        "move",
        "1",
        "--to",
        "under_review",
    ]);
    env.ok(&[
        "--user",
        "carl",
        "licensing",
        "move",
        "1",
        "--to",
        "recommended",
        "--recommend",
        "approve",
    ]);
    assert!(err(
        &env,
        &[
            "--user",
            "carl",
            "licensing",
            "move",
            "1",
            "--to",
            "approved"
        ]
    )
    .contains("role approver"));

    // No-undercut: approval waits for the consultation of the denying partner.
    let e = err(
        &env,
        &[
            "--user",
            "abe",
            "licensing",
            "move",
            "1",
            "--to",
            "approved",
        ],
    );
    assert!(
        e.contains("no-undercut") && e.contains("FR-NSG-2026-017"),
        "{e}"
    );
    env.ok(&[
        "--user",
        "carl",
        "licensing",
        "consult",
        "1",
        "--denial",
        "FR-NSG-2026-017",
        "--outcome",
        "no-objection",
        "--note",
        "call with the French authority on the end user's new owner",
    ]);
    env.ok(&[
        "--user",
        "abe",
        "licensing",
        "move",
        "1",
        "--to",
        "approved",
    ]);
    assert!(err(
        &env,
        &["--user", "carl", "licensing", "move", "1", "--to", "issued"]
    )
    .contains("valid-until"));
    let issued: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "carl",
        "licensing",
        "move",
        "1",
        "--to",
        "issued",
        "--valid-until",
        "2099-12-31",
        "--condition",
        "no re-export without authorisation",
        "--json",
    ]))
    .unwrap();
    assert!(issued["licence"]["number"]
        .as_str()
        .unwrap()
        .starts_with("L-"));
    assert!(err(
        &env,
        &["--user", "root", "licensing", "move", "1", "--to", "draft"]
    )
    .contains("cannot move"));

    let shown: Value =
        serde_json::from_str(&env.ok(&["--user", "carl", "licensing", "show", "1", "--json"]))
            .unwrap();
    assert_eq!(shown["status"], "issued");
    let moves: Vec<&str> = shown["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        moves,
        [
            "submitted",
            "under_review",
            "referred",
            "under_review",
            "recommended",
            "approved",
            "issued"
        ]
    );
    assert_eq!(shown["consultations"][0]["denial"], "FR-NSG-2026-017");

    let audit = env.ok(&["--user", "root", "audit", "export"]);
    for a in [
        "application.create",
        "application.submitted",
        "application.advice",
        "application.consult",
        "application.approved",
        "application.issued",
        "denial.record",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{a}\"")),
            "{a} not audited"
        );
    }
    env.ok(&["--user", "root", "audit", "verify"]);
}

#[test]
fn four_eyes_expiry_and_other_end_users() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user",
        "root",
        "users",
        "add",
        "ann",
        "--role",
        "applicant",
    ]);
    // A denial older than the regime's three years no longer counts; a Wassenaar denial asks
    // for notification after the fact, not consultation.
    let old = env.write(
        "old.json",
        denial(4 * 365, "FR-NSG-2022-001", "NSG").as_bytes(),
    );
    env.ok(&["--user", "root", "denials", "add", &old]);
    let app = env.write("app.json", APP.as_bytes());
    env.ok(&["--user", "ann", "licensing", "file", &app]);
    let sub: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "ann",
        "licensing",
        "move",
        "1",
        "--to",
        "submitted",
        "--json",
    ]))
    .unwrap();
    assert!(sub.get("undercuts").is_none(), "expired denial: {sub}");
    let wa = env.write("wa.json", denial(100, "FR-WA-2026-004", "WA").as_bytes());
    env.ok(&["--user", "root", "denials", "add", &wa]);
    env.ok(&[
        "--user",
        "root",
        "licensing",
        "move",
        "1",
        "--to",
        "under_review",
    ]);
    env.ok(&[
        "--user",
        "root",
        "licensing",
        "move",
        "1",
        "--to",
        "recommended",
        "--recommend",
        "approve",
    ]);
    // Four eyes binds admins too.
    let e = err(
        &env,
        &[
            "--user",
            "root",
            "licensing",
            "move",
            "1",
            "--to",
            "approved",
        ],
    );
    assert!(e.contains("four eyes"), "{e}");
    env.ok(&[
        "--user", "root", "users", "add", "abe", "--role", "approver",
    ]);
    env.ok(&[
        "--user",
        "abe",
        "licensing",
        "move",
        "1",
        "--to",
        "approved",
    ]);
    let shown: Value =
        serde_json::from_str(&env.ok(&["--user", "abe", "licensing", "show", "1", "--json"]))
            .unwrap();
    assert_eq!(
        shown["state"]["notify_partners"][0]["denial"], "FR-WA-2026-004",
        "{shown}"
    );

    // A different end user is not essentially identical, however close the rest.
    let other = APP.replace("Tehran Precision Tooling Company", "Isfahan Pump Works");
    let p = env.write("other.json", other.as_bytes());
    env.ok(&["--user", "ann", "licensing", "file", &p]);
    let sub: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "ann",
        "licensing",
        "move",
        "2",
        "--to",
        "submitted",
        "--json",
    ]))
    .unwrap();
    assert!(sub.get("undercuts").is_none(), "{sub}");
}

#[test]
fn bad_input_and_a_crash_leave_nothing_half_done() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    let bad = APP.replace("\"destination\": \"IR\"", "\"destination\": \"Iran\"");
    let p = env.write("bad.json", bad.as_bytes());
    assert!(err(&env, &["--user", "root", "licensing", "file", &p]).contains("destination"));
    let csv = env.write(
        "d.csv",
        b"reference,origin,regime,denied_on,destination,reason,party_name,party_address,party_country,control_entry,item_description\n\
          D1,FR,NSG,2026-01-10,IR,diversion,Acme Tehran,,IR,2B001,lathe\n\
          D2,FR,XYZ,2026-01-10,IR,diversion,Other,,IR,2B001,lathe\n",
    );
    let e = err(&env, &["--user", "root", "denials", "add", &csv]);
    assert!(e.contains("D2") && e.contains("regime"), "{e}");
    assert_eq!(
        env.ok(&["--user", "root", "denials", "list"]).trim(),
        "[]",
        "all or none"
    );
    let short = env.write("s.csv", b"reference,origin\nD1,FR\n");
    assert!(err(&env, &["--user", "root", "denials", "add", &short]).contains("s.csv:"));

    let app = env.write("app.json", APP.as_bytes());
    env.ok(&["--user", "root", "licensing", "file", &app]);
    let before = env
        .ok(&["--user", "root", "audit", "export"])
        .lines()
        .count();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_chokepoint"))
        .env("CHOKEPOINT_FAILPOINT", "application-before-commit")
        .args([
            "--db",
            env.db().to_str().unwrap(),
            "--user",
            "root",
            "licensing",
            "move",
            "1",
            "--to",
            "submitted",
        ])
        .output()
        .unwrap();
    assert!(!o.status.success(), "the failpoint aborts");
    let shown: Value =
        serde_json::from_str(&env.ok(&["--user", "root", "licensing", "show", "1", "--json"]))
            .unwrap();
    assert_eq!(shown["status"], "draft");
    assert!(shown["events"].as_array().unwrap().is_empty());
    // The assessment committed before the move is its own complete record; the move left none.
    let after = env.ok(&["--user", "root", "audit", "export"]);
    assert!(!after.contains("application.submitted"));
    assert!(after.lines().count() >= before);
    env.ok(&["--user", "root", "audit", "verify"]);
}

#[test]
fn shipments_draw_down_a_licence_and_hold_when_it_does_not_cover_them() {
    let env = Env::new();
    let lic = env.write(
        "lic.json",
        br#"{"number": "D123456", "holder": {"name": "Acme Machine Tools Inc", "country": "US"},
             "items": [{"control_entry": "2B001.a", "quantity": 2, "value": 500000}],
             "parties": [{"role": "end_user", "name": "Quellwerk Zerspanung Feldkirchen GmbH"}],
             "destinations": ["CN"], "valid_from": "2026-08-01", "valid_until": "2026-10-31",
             "conditions": ["no reexport"]}"#,
    );
    env.ok(&["licences", "add", &lic]);
    assert!(err(&env, &["licences", "add", &lic]).contains("already recorded"));
    let tx = |name: &str, qty: u32, licence: &str| -> String {
        format!(
            r#"{{"exporter": {{"country": "US"}}, "route": {{"destination": "CN"}},
               "parties": [{{"id": "p1", "role": "end_user", "name": "{name}", "kind": "organization", "country": "CN"}}],
               "items": [{{"eccn": "2B001.a", "quantity": {qty}, "unit_price": 250000, "licence": "{licence}"}}],
               "end_use": {{"statement_status": "received", "reexport_intent": "none"}},
               "payment": {{"method": "wire", "payer_party": "p1"}}}}"#
        )
    };
    let run = |json: String, date: &str| -> (Value, i32) {
        let p = env.write("tx.json", json.as_bytes());
        let o = env.run(&["assess", &p, "--date", date, "--json"]);
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
        (v, o.status.code().unwrap())
    };
    // The determination alone says whether the licence covers the requirement.
    let o = env.run(&[
        "determine",
        "--eccn",
        "2B001.a",
        "--to",
        "CN",
        "--date",
        "2026-09-01",
        "--licence",
        "D123456",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (
            o.status.code(),
            v["outcome"].as_str(),
            v["licence"]["covers"].as_bool()
        ),
        (Some(0), Some("LICENSE_REQUIRED"), Some(true)),
        "{v}"
    );
    let o = env.run(&[
        "determine",
        "--eccn",
        "2B001.a",
        "--to",
        "RU",
        "--date",
        "2026-09-01",
        "--licence",
        "D123456",
        "--json",
    ]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(
        v["licence"]["problems"]
            .to_string()
            .contains("destination RU"),
        "{v}"
    );
    let quell = "Quellwerk Zerspanung Feldkirchen GmbH";
    // Without the licence the line needs one (US-2); with it, the shipment is cleared.
    let (v, code) = run(tx(quell, 1, ""), "2026-09-01");
    assert_eq!(
        (v["outcome"].as_str(), code),
        (Some("LICENSE_REQUIRED"), 5),
        "{v}"
    );
    let (v, code) = run(tx(quell, 1, "D123456"), "2026-09-01");
    assert_eq!((v["outcome"].as_str(), code), (Some("CLEAR"), 0), "{v}");
    let (v, _) = run(tx(quell, 1, "D123456"), "2026-09-02");
    assert_eq!(v["outcome"], "CLEAR");
    let shown: Value = serde_json::from_str(&env.ok(&["licences", "show", "D123456"])).unwrap();
    assert_eq!(shown["drawn"][0]["quantity"], 2.0);
    // The licence is used up: a third machine is an over-draw.
    let (v, code) = run(tx(quell, 1, "D123456"), "2026-09-03");
    assert_eq!(
        (v["outcome"].as_str(), code),
        (Some("HOLD_FOR_REVIEW"), 8),
        "{v}"
    );
    assert!(
        v["licences"][0]["problems"][0]
            .as_str()
            .unwrap()
            .contains("over-draw"),
        "{v}"
    );
    // A party not on the licence, an expired licence, an unknown licence: holds with the reason.
    let (v, _) = run(tx("Other Buyer Ltd", 0, "D123456"), "2026-09-03");
    assert!(
        v["licences"][0]["problems"]
            .to_string()
            .contains("not a party"),
        "{v}"
    );
    let (v, _) = run(tx(quell, 0, "D123456"), "2026-11-15");
    assert!(
        v["licences"][0]["problems"]
            .to_string()
            .contains("expired on 2026-10-31"),
        "{v}"
    );
    let (v, _) = run(tx(quell, 1, "X999"), "2026-09-03");
    assert_eq!(v["outcome"], "HOLD_FOR_REVIEW");
    assert!(v["licences"][0]["problems"]
        .to_string()
        .contains("not recorded"));
    // A hold opened a case whose hit names the licence problem; nothing more was drawn.
    let cases: Vec<Value> = serde_json::from_str(&env.ok(&["cases", "list", "--json"])).unwrap();
    assert!(cases
        .iter()
        .any(|c| c["hits"].to_string().contains("over-draw")));
    let shown: Value = serde_json::from_str(&env.ok(&["licences", "show", "D123456"])).unwrap();
    assert_eq!(shown["drawn"][0]["quantity"], 2.0);
}

#[test]
fn a_diverting_end_user_goes_on_the_own_list_and_screening_finds_it() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user",
        "root",
        "users",
        "add",
        "olga",
        "--role",
        "case_officer",
    ]);
    env.ok(&[
        "--user", "root", "users", "add", "sam", "--role", "screener",
    ]);
    let name = "Caspian Industrial Trading FZE";
    // Not on any list before.
    let o = env.run(&["--user", "sam", "screen", name]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(err(
        &env,
        &[
            "--user",
            "sam",
            "euv",
            "plan",
            "--kind",
            "post_shipment",
            "--party",
            name,
            "--destination",
            "AE",
            "--due",
            "2026-12-15"
        ]
    )
    .contains("role case_officer"));
    env.ok(&[
        "--user",
        "olga",
        "euv",
        "plan",
        "--kind",
        "post_shipment",
        "--party",
        name,
        "--country",
        "AE",
        "--destination",
        "AE",
        "--due",
        "2026-12-15",
        "--licence",
        "D123456",
    ]);
    env.ok(&[
        "--user",
        "olga",
        "euv",
        "plan",
        "--kind",
        "pre_licence",
        "--party",
        "Gulf Pumps LLC",
        "--country",
        "AE",
        "--destination",
        "AE",
        "--due",
        "2099-01-01",
    ]);
    let rep: Value =
        serde_json::from_str(&env.ok(&["--user", "olga", "euv", "report", "--days", "60"]))
            .unwrap();
    let due = rep["due"].as_array().unwrap();
    assert_eq!(due.len(), 1, "{rep}");
    assert_eq!(due[0]["check"]["party"]["name"], name);
    let e = err(
        &env,
        &[
            "--user",
            "olga",
            "euv",
            "record",
            "1",
            "--performed-on",
            "2026-11-20",
            "--site",
            "Jebel Ali",
            "--officer",
            "O. K.",
            "--findings",
            "goods not on site",
            "--outcome",
            "lost",
        ],
    );
    assert!(e.contains("outcome"), "{e}");
    assert!(err(
        &env,
        &[
            "--user",
            "olga",
            "euv",
            "record",
            "1",
            "--performed-on",
            "2026-11-20",
            "--site",
            "Jebel Ali",
            "--officer",
            "O. K.",
            "--findings",
            "all there",
            "--outcome",
            "confirmed",
            "--restrict"
        ]
    )
    .contains("confirmed"));
    env.ok(&[
        "--user",
        "olga",
        "euv",
        "record",
        "1",
        "--performed-on",
        "2026-11-20",
        "--site",
        "Jebel Ali free zone",
        "--officer",
        "O. K.",
        "--findings",
        "machine not on site; consignee says it was resold",
        "--outcome",
        "diverted",
        "--restrict",
    ]);
    assert!(err(
        &env,
        &[
            "--user",
            "olga",
            "euv",
            "record",
            "1",
            "--performed-on",
            "2026-11-21",
            "--site",
            "x",
            "--officer",
            "x",
            "--findings",
            "x",
            "--outcome",
            "confirmed"
        ]
    )
    .contains("already done"));
    // Screening now finds the party on the own list, with the reason.
    let o = env.run(&[
        "--user",
        "sam",
        "screen",
        "Caspian Industrial Trading",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["matches"][0]["entity_id"], "own:euv-1", "{v}");
    assert_eq!(v["matches"][0]["source"], "own");
    let shown = env.ok(&["lists", "show", "own:euv-1"]);
    assert!(shown.contains("diverted"), "{shown}");
    let rep: Value = serde_json::from_str(&env.ok(&["--user", "olga", "euv", "report"])).unwrap();
    assert_eq!(rep["outcomes_by_destination"]["AE"]["diverted"], 1);
    env.ok(&["--user", "root", "audit", "verify"]);
}

#[test]
fn own_denials_are_exported_signed_and_a_partner_checks_them() {
    let issuer = Env::new();
    issuer.ok(&["users", "add", "root", "--role", "admin"]);
    let own = denial(30, "NL-2026-88", "MTCR").replace("\"origin\": \"FR\"", "\"origin\": \"own\"");
    let partner_denial = denial(30, "FR-2026-1", "NSG");
    let f = issuer.write("d.json", own.as_bytes());
    issuer.ok(&["--user", "root", "denials", "add", &f]);
    let f = issuer.write("p.json", partner_denial.as_bytes());
    issuer.ok(&["--user", "root", "denials", "add", &f]);
    let key = issuer.dir.path().join("key").display().to_string();
    let out = issuer.ok(&["denials", "keygen", "--out", &key]);
    let public = out
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let export = issuer.dir.path().join("export.json").display().to_string();
    issuer.ok(&[
        "--user",
        "root",
        "denials",
        "export",
        "--key",
        &key,
        "--issuer",
        "NL export control authority",
        "--out",
        &export,
    ]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&export).unwrap()).unwrap();
    // Only this authority's own denials go out.
    assert_eq!(v["denials"].as_array().unwrap().len(), 1);
    assert_eq!(v["denials"][0]["reference"], "NL-2026-88");

    let partner = Env::new();
    partner.ok(&["users", "add", "root", "--role", "admin"]);
    partner.ok(&[
        "--user",
        "root",
        "denials",
        "import",
        &export,
        "--public-key",
        &public,
        "--origin",
        "NL",
    ]);
    let got: Value =
        serde_json::from_str(&partner.ok(&["--user", "root", "denials", "list"])).unwrap();
    assert_eq!(
        (got[0]["reference"].as_str(), got[0]["origin"].as_str()),
        (Some("NL-2026-88"), Some("NL"))
    );
    // Altered in transit, or signed with another key: refused.
    let tampered = std::fs::read_to_string(&export)
        .unwrap()
        .replace("risk of diversion", "no concern");
    let t = partner.write("t.json", tampered.as_bytes());
    assert!(err(
        &partner,
        &[
            "--user",
            "root",
            "denials",
            "import",
            &t,
            "--public-key",
            &public,
            "--origin",
            "NL",
            "--verify-only"
        ]
    )
    .contains("does not verify"));
    let other = partner.dir.path().join("k2").display().to_string();
    let out2 = partner.ok(&["denials", "keygen", "--out", &other]);
    let public2 = out2
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    assert!(err(
        &partner,
        &[
            "--user",
            "root",
            "denials",
            "import",
            &export,
            "--public-key",
            &public2,
            "--origin",
            "NL",
            "--verify-only"
        ]
    )
    .contains("does not verify"));
}

#[test]
fn open_applications_are_reassessed_when_the_picture_changes() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    let app = env.write("app.json", APP.as_bytes());
    env.ok(&["--user", "root", "licensing", "file", &app]);
    let sub: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "root",
        "licensing",
        "move",
        "1",
        "--to",
        "submitted",
        "--json",
    ]))
    .unwrap();
    assert!(sub.get("undercuts").is_none());
    // A partner's denial arrives while the application is open.
    let den = env.write("d.json", denial(10, "FR-NSG-2026-099", "NSG").as_bytes());
    env.ok(&["--user", "root", "denials", "add", &den]);
    let out = env.ok(&["--user", "root", "monitor", "run"]);
    assert!(
        out.contains("1 open licence application(s) re-assessed"),
        "{out}"
    );
    let shown: Value =
        serde_json::from_str(&env.ok(&["--user", "root", "licensing", "show", "1", "--json"]))
            .unwrap();
    assert_eq!(
        shown["state"]["undercuts"][0]["denial"], "FR-NSG-2026-099",
        "{shown}"
    );
    assert!(env
        .ok(&["--user", "root", "audit", "export"])
        .contains("\"action\":\"application.reassess\""));
}

#[test]
fn partner_denials_in_followthemoney_are_read() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    let d = (chrono::Utc::now() - chrono::Duration::days(20))
        .format("%Y-%m-%d")
        .to_string();
    let ftm = format!(
        "{{\"id\": \"ent-1\", \"schema\": \"Company\", \"properties\": {{\"name\": [\"Tehran Precision Tooling Co.\"], \"country\": [\"ir\"], \"address\": [\"Tehran\"]}}}}\n\
         {{\"id\": \"AG-DE-2026-7\", \"schema\": \"Sanction\", \"properties\": {{\"entity\": [\"ent-1\"], \"program\": [\"NSG\"], \"country\": [\"de\"], \"reason\": [\"nuclear end use\"], \"startDate\": [\"{d}\"], \"provisions\": [\"2B001\"]}}}}\n"
    );
    let f = env.write("partner.jsonl", ftm.as_bytes());
    env.ok(&["--user", "root", "denials", "add", &f]);
    let got: Value = serde_json::from_str(&env.ok(&["--user", "root", "denials", "list"])).unwrap();
    assert_eq!(got[0]["reference"], "AG-DE-2026-7");
    assert_eq!(
        (got[0]["origin"].as_str(), got[0]["destination"].as_str()),
        (Some("DE"), Some("IR"))
    );
    assert_eq!(got[0]["items"][0]["control_entry"], "2B001");
    // The imported denial catches an essentially identical application.
    let app = env.write("app.json", APP.as_bytes());
    env.ok(&["--user", "root", "licensing", "file", &app]);
    let sub: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "root",
        "licensing",
        "move",
        "1",
        "--to",
        "submitted",
        "--json",
    ]))
    .unwrap();
    assert_eq!(sub["undercuts"][0]["denial"], "AG-DE-2026-7", "{sub}");
    let bad = env.write(
        "bad.jsonl",
        b"{\"id\": \"s\", \"schema\": \"Sanction\", \"properties\": {\"entity\": [\"nope\"]}}\n",
    );
    let e = err(&env, &["--user", "root", "denials", "add", &bad]);
    assert!(e.contains("bad.jsonl:1") && e.contains("nope"), "{e}");
}
