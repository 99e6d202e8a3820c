//! The HTTP API end to end: `chokepoint serve` on a loopback port, driven over HTTP. Every
//! response is checked against the OpenAPI document the server publishes (status documented,
//! body valid against the schema), every endpoint but /health refuses a request without a
//! token, and roles are enforced.

mod common;
use common::server::{json_of, start, start_at};
use common::Env;
use serde_json::{json, Value};

const PUTIN_TX: &str = r#"{"id": "order-42", "exporter": {"country": "US"}, "route": {"destination": "DE"},
  "parties": [{"id": "p1", "role": "end_user", "name": "Vladimir Vladimirovich Putin", "kind": "person", "country": "RU"}],
  "items": [{"eccn": "EAR99"}], "end_use": {"statement_status": "received", "reexport_intent": "none"}}"#;

#[test]
fn the_api_answers_as_documented_and_checks_every_role() {
    let env = Env::new();
    let srv = start(&env);

    // Without a token, every endpoint but /health is refused with 401 (JSON).
    let paths = srv.doc["paths"].as_object().unwrap().clone();
    assert!(paths.len() >= 18, "{:?}", paths.keys());
    for (template, ops) in &paths {
        let concrete = template
            .replace("{id}", "1")
            .replace("{hit}", "1")
            .replace("{source}", "un");
        for method in ops.as_object().unwrap().keys() {
            let body = (method == "post").then(|| json!({}));
            let (s, v) = srv.call(
                &method.to_uppercase(),
                template,
                &concrete,
                None,
                body.as_ref(),
            );
            if template == "/health" {
                assert_eq!(s, 200);
                assert!(v["entities"].as_u64().unwrap() > 10_000);
            } else {
                assert_eq!(s, 401, "{method} {template} must need a token: {v}");
                assert_eq!(v["code"], "unauthorized");
            }
        }
    }
    let (s, _) = srv.call("GET", "/v1/whoami", "/v1/whoami", Some("cpk_forged"), None);
    assert_eq!(s, 401);

    let sam = srv.add_user("sam", "screener");
    let alice = srv.add_user("alice", "reviewer");
    let bob = srv.add_user("bob", "approver");
    let ada = srv.add_user("ada", "auditor");
    let (s, v) = srv.call("GET", "/v1/whoami", "/v1/whoami", Some(&alice), None);
    assert_eq!(
        (s, v["name"].as_str(), v["role"].as_str()),
        (200, Some("alice"), Some("reviewer"))
    );
    // Only an admin adds users.
    let (s, v) = srv.call(
        "POST",
        "/v1/users",
        "/v1/users",
        Some(&sam),
        Some(&json!({"name": "eve", "role": "admin"})),
    );
    assert_eq!((s, v["code"].as_str()), (403, Some("forbidden")));

    // Screening.
    let (s, v) = srv.call(
        "POST",
        "/v1/screen",
        "/v1/screen",
        Some(&sam),
        Some(&json!({"name": "Vladimir Vladimirovich Putin", "type": "person", "birth_date": "1952-10-07"})),
    );
    assert_eq!(s, 200, "{v}");
    assert!(v["matches"][0]["alert"].as_bool().unwrap());
    assert!(v["matches"][0]["name"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("putin"));
    // A street address OFAC gives for JSC Izhevsk Motor Plant Aksion Holding (ofac:47749),
    // written in Russian, agrees with the listed one and says so.
    let (s, v) = srv.call(
        "POST",
        "/v1/screen",
        "/v1/screen",
        Some(&sam),
        Some(
            &json!({"name": "Izhevsk Motor Plant", "type": "organization",
            "address": "ул. Максима Горького, д. 90, Ижевск", "top_k": 3}),
        ),
    );
    assert_eq!(s, 200, "{v}");
    let plant = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entity_id"] == "ofac:47749")
        .unwrap_or_else(|| panic!("{v}"));
    assert!(
        plant["explanation"]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["attribute"] == "address" && a["result"] == "match"),
        "{plant}"
    );
    // An auditor may not screen.
    let (s, _) = srv.call(
        "POST",
        "/v1/screen",
        "/v1/screen",
        Some(&ada),
        Some(&json!({"name": "x"})),
    );
    assert_eq!(s, 403);
    // Bad input: a clear JSON error naming the problem.
    for (body, needle) in [
        (json!({"name": ""}), "empty name"),
        (
            json!({"name": "Jo", "birth_date": "1965-13-01"}),
            "birth date",
        ),
        (json!({"name": "Jo", "type": "planet"}), "unknown type"),
        (json!({"name": "Jo", "address": "--"}), "address"),
        (json!({"nme": "Jo"}), "unknown field"),
        (json!({"name": 5}), "invalid type"),
    ] {
        let (s, v) = srv.call("POST", "/v1/screen", "/v1/screen", Some(&sam), Some(&body));
        assert_eq!(s, 400, "{body}: {v}");
        assert!(
            v["message"].as_str().unwrap().contains(needle),
            "{body}: {v}"
        );
    }
    let malformed = ureq::post(&format!("{}/v1/screen", srv.base))
        .set("Authorization", &format!("Bearer {sam}"))
        .set("Content-Type", "application/json")
        .send_string("{\"name\": ");
    match malformed {
        Err(ureq::Error::Status(400, r)) => {
            let v: Value = json_of(r);
            assert_eq!(v["code"], "bad_request");
        }
        other => panic!("malformed JSON: {other:?}"),
    }
    let huge = "a".repeat(17 << 20);
    match ureq::post(&format!("{}/v1/screen", srv.base))
        .set("Authorization", &format!("Bearer {sam}"))
        .set("Content-Type", "application/json")
        .send_string(&format!("{{\"name\": \"{huge}\"}}"))
    {
        Err(ureq::Error::Status(413, r)) => {
            let v: Value = json_of(r);
            assert_eq!(v["code"], "payload_too_large");
        }
        Err(ureq::Error::Transport(_)) => {} // the server may close before reading it all
        other => panic!("oversized body: {other:?}"),
    }

    // Batch: a bad row gets its error, the others their matches, in input order.
    let (s, v) = srv.call(
        "POST",
        "/v1/screen/batch",
        "/v1/screen/batch",
        Some(&sam),
        Some(&json!({"rows": [
            {"id": "r1", "name": "Vladimir Putin", "type": "person"},
            {"id": "r2", "name": "!!!"},
            {"id": "r3", "name": "Hans Mueller Maschinenbau GmbH", "country": "DE"}
        ]})),
    );
    assert_eq!(s, 200, "{v}");
    let r = v["results"].as_array().unwrap();
    assert_eq!(
        r.iter()
            .map(|x| x["query_id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["r1", "r2", "r3"]
    );
    assert!(r[0]["matches"][0]["alert"].as_bool().unwrap());
    assert!(r[1]["error"].as_str().unwrap().contains("no letters"));

    // Determination: EAR99 to Germany needs no licence (EAR 734.3(c); Country Chart).
    let (s, v) = srv.call(
        "POST",
        "/v1/determine",
        "/v1/determine",
        Some(&sam),
        Some(&json!({"destination": "DE", "items": [{"eccn": "EAR99"}], "date": "2026-11-27"})),
    );
    assert_eq!((s, v["outcome"].as_str()), (200, Some("NLR")), "{v}");

    // Assessment: a listed end user holds the order and opens a case.
    let tx: Value = serde_json::from_str(PUTIN_TX).unwrap();
    let (s, v) = srv.call("POST", "/v1/assess", "/v1/assess", Some(&sam), Some(&tx));
    assert_eq!(
        (s, v["outcome"].as_str()),
        (200, Some("HOLD_FOR_REVIEW")),
        "{v}"
    );
    let case = v["case_id"].as_i64().unwrap();
    let (s, v) = srv.call(
        "POST",
        "/v1/assess",
        "/v1/assess",
        Some(&sam),
        Some(&json!({"parties": "x"})),
    );
    assert_eq!(s, 400, "{v}");

    // Review: dispositions by a reviewer, approval by a second person.
    let (s, list) = srv.call(
        "GET",
        "/v1/cases",
        "/v1/cases?status=open",
        Some(&alice),
        None,
    );
    assert_eq!(s, 200);
    assert!(list.as_array().unwrap().iter().any(|c| c["id"] == case));
    let cpath = format!("/v1/cases/{case}");
    let (s, c) = srv.call("GET", "/v1/cases/{id}", &cpath, Some(&alice), None);
    assert_eq!(s, 200);
    let (s, _) = srv.call(
        "GET",
        "/v1/cases/{id}",
        "/v1/cases/999999",
        Some(&alice),
        None,
    );
    assert_eq!(s, 404);
    let approve = format!("/v1/cases/{case}/approve");
    let (s, v) = srv.call("POST", "/v1/cases/{id}/approve", &approve, Some(&bob), None);
    assert_eq!(s, 400, "undisposed hits: {v}");
    for h in c["hits"].as_array().unwrap() {
        let p = format!("/v1/cases/{case}/hits/{}/disposition", h["hit_no"]);
        let t = "/v1/cases/{id}/hits/{hit}/disposition";
        let (s, _) = srv.call(
            "POST",
            t,
            &p,
            Some(&sam),
            Some(&json!({"disposition": "true_match", "reason": "x"})),
        );
        assert_eq!(s, 403, "a screener may not dispose");
        let (s, v) = srv.call(
            "POST",
            t,
            &p,
            Some(&alice),
            Some(&json!({"disposition": "maybe", "reason": "x"})),
        );
        assert_eq!(s, 400, "{v}");
        let (s, v) = srv.call(
            "POST",
            t,
            &p,
            Some(&alice),
            Some(&json!({"disposition": "true_match", "reason": "listed person"})),
        );
        assert_eq!(s, 200, "{v}");
    }
    let (s, _) = srv.call(
        "POST",
        "/v1/cases/{id}/approve",
        &approve,
        Some(&alice),
        None,
    );
    assert_eq!(s, 403, "a reviewer may not approve");
    let (s, v) = srv.call("POST", "/v1/cases/{id}/approve", &approve, Some(&bob), None);
    assert_eq!((s, v["status"].as_str()), (200, Some("closed")), "{v}");

    // Lists.
    let (s, v) = srv.call("GET", "/v1/lists", "/v1/lists", Some(&sam), None);
    assert_eq!(s, 200);
    assert!(v.as_array().unwrap().iter().any(|x| x["source"] == "un"));
    let (s, _) = srv.call(
        "GET",
        "/v1/lists/{source}/diff",
        "/v1/lists/un/diff",
        Some(&sam),
        None,
    );
    assert_eq!(s, 200);
    let (s, v) = srv.call(
        "GET",
        "/v1/entities/{id}",
        "/v1/entities/un:110326",
        Some(&sam),
        None,
    );
    assert_eq!(s, 200, "{v}");
    let (s, _) = srv.call(
        "GET",
        "/v1/entities/{id}",
        "/v1/entities/un:110326?as_of=1999-01-01",
        Some(&sam),
        None,
    );
    assert_eq!(s, 404);

    // Counterparties: registered, screened at once, a hit opens a case.
    let (s, v) = srv.call(
        "POST",
        "/v1/counterparties",
        "/v1/counterparties",
        Some(&sam),
        Some(&json!({"counterparties": [
            {"id": "k1", "name": "Vladimir Putin", "type": "person", "country": "RU"},
            {"id": "k2", "name": "Hans Mueller Maschinenbau GmbH", "country": "DE"}
        ]})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["counterparties"], 2);
    assert_eq!(v["cases_opened"].as_array().unwrap().len(), 1);
    let (s, v) = srv.call(
        "GET",
        "/v1/counterparties/{id}",
        "/v1/counterparties/k1",
        Some(&sam),
        None,
    );
    assert_eq!(s, 200);
    assert!(
        !v["last_result"]["matches"].as_array().unwrap().is_empty(),
        "{v}"
    );
    let (s, _) = srv.call(
        "GET",
        "/v1/counterparties/{id}",
        "/v1/counterparties/nobody",
        Some(&sam),
        None,
    );
    assert_eq!(s, 404);
    let (s, v) = srv.call(
        "GET",
        "/v1/counterparties",
        "/v1/counterparties",
        Some(&ada),
        None,
    );
    assert_eq!((s, v.as_array().unwrap().len()), (200, 2));
    let (s, v) = srv.call(
        "POST",
        "/v1/counterparties",
        "/v1/counterparties",
        Some(&sam),
        Some(&json!({"counterparties": [{"id": "k3", "name": "Ok"}, {"id": "k4", "name": "", "type": "person"}]})),
    );
    assert_eq!(s, 400, "{v}");
    let (s, v) = srv.call(
        "POST",
        "/v1/monitor/run",
        "/v1/monitor/run",
        Some(&sam),
        None,
    );
    assert_eq!(s, 403, "{v}");
    let (s, v) = srv.call(
        "POST",
        "/v1/monitor/run",
        "/v1/monitor/run",
        Some(&srv.admin),
        None,
    );
    assert_eq!(
        (s, v["hits"].as_u64()),
        (200, Some(0)),
        "nothing changed: {v}"
    );

    // Audit: everything above is recorded, by whom, and the chain is intact.
    let (s, _) = srv.call(
        "GET",
        "/v1/audit/verify",
        "/v1/audit/verify",
        Some(&sam),
        None,
    );
    assert_eq!(s, 403);
    let (s, v) = srv.call(
        "GET",
        "/v1/audit/verify",
        "/v1/audit/verify",
        Some(&ada),
        None,
    );
    assert_eq!(s, 200);
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    let (s, v) = srv.call("GET", "/v1/audit", "/v1/audit", Some(&ada), None);
    assert_eq!(s, 200);
    let recs = v["records"].as_array().unwrap();
    for (actor, action) in [
        ("sam", "screen"),
        ("sam", "screen.batch"),
        ("sam", "determine"),
        ("sam", "assess"),
        ("alice", "case.dispose"),
        ("bob", "case.approve"),
        ("sam", "counterparty.register"),
        ("admin", "user.add"),
    ] {
        assert!(
            recs.iter()
                .any(|r| r["actor"] == actor && r["action"] == action),
            "no {action} by {actor}"
        );
    }
    // No token reaches the audit log or the store in clear.
    let mut db = std::fs::read(env.db()).unwrap();
    db.extend(std::fs::read(format!("{}-wal", env.db().display())).unwrap_or_default());
    for t in [&sam, &alice, &bob, &ada, &srv.admin] {
        assert!(!v.to_string().contains(t.as_str()));
        assert!(
            db.windows(t.len()).all(|w| w != t.as_bytes()),
            "token stored in clear"
        );
    }
}

#[test]
fn two_instances_on_one_store_lose_and_duplicate_nothing() {
    let env = Env::new();
    two_instances(&env.db().display().to_string());
}

#[test]
fn two_instances_on_one_postgres_lose_and_duplicate_nothing() {
    if let Some(url) = common::fresh_pg() {
        two_instances(&url);
    }
}

fn two_instances(db: &str) {
    let a = start_at(db, true);
    let mut b = start_at(db, false);
    b.admin = a.admin.clone();
    let sam = a.add_user("sam", "screener");
    let tx: Value = serde_json::from_str(PUTIN_TX).unwrap();
    let per_thread = 15;
    let seqs: Vec<(i64, i64)> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|t| {
                let srv = if t % 2 == 0 { &a } else { &b };
                let (sam, tx) = (&sam, &tx);
                s.spawn(move || {
                    (0..per_thread)
                        .map(|_| {
                            let (st, v) =
                                srv.call("POST", "/v1/assess", "/v1/assess", Some(sam), Some(tx));
                            assert_eq!(st, 200, "{v}");
                            (
                                v["audit_seq"].as_i64().unwrap(),
                                v["case_id"].as_i64().unwrap(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let n = 4 * per_thread;
    let mut audit: Vec<i64> = seqs.iter().map(|x| x.0).collect();
    let mut cases: Vec<i64> = seqs.iter().map(|x| x.1).collect();
    audit.sort();
    audit.dedup();
    cases.sort();
    cases.dedup();
    assert_eq!(
        (audit.len(), cases.len()),
        (n, n),
        "every assessment its own record and case"
    );
    let auditor = a.add_user("ada", "auditor");
    let (_, list) = b.call("GET", "/v1/cases", "/v1/cases", Some(&auditor), None);
    assert_eq!(list.as_array().unwrap().len(), n);
    let (_, v) = a.call(
        "GET",
        "/v1/audit/verify",
        "/v1/audit/verify",
        Some(&auditor),
        None,
    );
    assert!(v["problems"].as_array().unwrap().is_empty(), "{v}");
    // user.add for admin, sam and ada, then (assess, case.open) per assessment.
    assert_eq!(v["records"].as_i64().unwrap(), 3 + 2 * n as i64);
}

#[test]
fn a_list_update_made_elsewhere_is_picked_up_and_monitored() {
    // The store holds only the 2024 UN edition; the server runs on it.
    let env = Env::new();
    let un = |f: &str| common::data(&format!("un/{f}"));
    env.ok(&[
        "lists",
        "import",
        un("consolidated_2024-05-15.xml.gz").to_str().unwrap(),
    ]);
    let srv = start(&env);
    let sam = srv.add_user("sam", "screener");
    let (s, v) = srv.call(
        "POST",
        "/v1/counterparties",
        "/v1/counterparties",
        Some(&sam),
        Some(&json!({"counterparties": [
            {"id": "c1", "name": "Yazd Metallurgy Industries", "type": "organization", "country": "IR"}
        ]})),
    );
    assert_eq!(
        (s, v["hits"].as_u64()),
        (200, Some(0)),
        "not listed in 2024: {v}"
    );
    // The 2026 edition (which adds un:110326 YAZD METALLURGY INDUSTRIES) is imported by the
    // command line, not through the server.
    env.ok(&[
        "lists",
        "import",
        un("consolidated.xml.gz").to_str().unwrap(),
    ]);
    let t = std::time::Instant::now();
    let case = loop {
        let (_, cases) = srv.call("GET", "/v1/cases", "/v1/cases", Some(&sam), None);
        if let Some(c) = cases
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["subject"] == "counterparty c1")
        {
            break c.clone();
        }
        assert!(
            t.elapsed() < std::time::Duration::from_secs(60),
            "no monitoring case after the update"
        );
        std::thread::sleep(std::time::Duration::from_millis(250));
    };
    assert_eq!(case["hits"][0]["reference"], "un:110326");
    assert_eq!(case["opened_by"], "monitor");
    // The server now screens against the new lists.
    let (_, v) = srv.call(
        "POST",
        "/v1/screen",
        "/v1/screen",
        Some(&sam),
        Some(&json!({"name": "Yazd Metallurgy Industries"})),
    );
    assert!(v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["entity_id"] == "un:110326"));
}

#[test]
fn the_licensing_lifecycle_through_the_api() {
    let env = Env::new();
    let srv = start(&env);
    let ann = srv.add_user("ann", "applicant");
    let carl = srv.add_user("carl", "case_officer");
    let abe = srv.add_user("abe", "approver");
    let denied_on = (chrono::Utc::now() - chrono::Duration::days(200))
        .format("%Y-%m-%d")
        .to_string();
    let denial = json!([{"reference": "DE-AG-2026-3", "origin": "DE", "regime": "AG", "denied_on": denied_on,
        "destination": "SY", "reason": "chemical weapons programme risk",
        "parties": [{"name": "Scientific Studies and Research Centre", "country": "SY"}],
        "items": [{"control_entry": "2B350", "description": "reaction vessels"}]}]);
    let (s, _) = srv.call(
        "POST",
        "/v1/denials",
        "/v1/denials",
        Some(&ann),
        Some(&denial),
    );
    assert_eq!(s, 403, "an applicant records no denials");
    let (s, v) = srv.call(
        "POST",
        "/v1/denials",
        "/v1/denials",
        Some(&carl),
        Some(&denial),
    );
    assert_eq!((s, v["recorded"].as_u64()), (200, Some(1)), "{v}");
    let app = json!({"exporter": {"name": "Chem Plant Equipment BV", "country": "NL"},
        "parties": [{"role": "end_user", "name": "Scientific Studies & Research Center", "country": "SY"}],
        "items": [{"control_entry": "2B350.c", "description": "glass-lined reactor"}],
        "destination": "SY", "end_use": "pharmaceutical production"});
    let (s, _) = srv.call(
        "POST",
        "/v1/applications",
        "/v1/applications",
        Some(&carl),
        Some(&app),
    );
    assert_eq!(s, 403);
    let (s, v) = srv.call(
        "POST",
        "/v1/applications",
        "/v1/applications",
        Some(&ann),
        Some(&app),
    );
    assert_eq!(s, 200, "{v}");
    let id = v["id"].as_i64().unwrap();
    let mv = format!("/v1/applications/{id}/move");
    let t = "/v1/applications/{id}/move";
    let go = |tok: &str, body: Value| srv.call("POST", t, &mv, Some(tok), Some(&body));
    let (s, v) = go(&ann, json!({"to": "approved"}));
    assert_eq!(s, 400, "{v}");
    assert!(v["message"]
        .as_str()
        .unwrap()
        .contains("cannot become approved"));
    let (s, v) = go(&carl, json!({"to": "submitted"}));
    assert_eq!(s, 403, "only the applicant submits: {v}");
    let (s, v) = go(&ann, json!({"to": "submitted"}));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["undercuts"][0]["denial"], "DE-AG-2026-3", "{v}");
    let (s, v) = go(&ann, json!({"to": "submitted"}));
    assert_eq!(s, 400, "already submitted: {v}");
    assert_eq!(go(&carl, json!({"to": "under_review"})).0, 200);
    assert_eq!(
        go(
            &carl,
            json!({"to": "recommended", "recommendation": "approve"})
        )
        .0,
        200
    );
    let (s, v) = go(&abe, json!({"to": "approved"}));
    assert_eq!(s, 400);
    assert!(
        v["message"].as_str().unwrap().contains("no-undercut"),
        "{v}"
    );
    let cp = format!("/v1/applications/{id}/consultations");
    let (s, _) = srv.call(
        "POST",
        "/v1/applications/{id}/consultations",
        &cp,
        Some(&carl),
        Some(&json!({"denial": "DE-AG-2026-3", "outcome": "objection withdrawn", "note": "end user's new ownership verified"})),
    );
    assert_eq!(s, 200);
    assert_eq!(go(&abe, json!({"to": "approved"})).0, 200);
    let (s, v) = go(&carl, json!({"to": "issued", "valid_until": "2099-01-31"}));
    assert_eq!(s, 200, "{v}");
    assert!(v["licence"]["number"].is_string());
    let ap = format!("/v1/applications/{id}");
    let (s, v) = srv.call("GET", "/v1/applications/{id}", &ap, Some(&ann), None);
    assert_eq!((s, v["status"].as_str()), (200, Some("issued")));
    let (s, v) = srv.call(
        "GET",
        "/v1/applications",
        "/v1/applications?status=issued",
        Some(&abe),
        None,
    );
    assert_eq!((s, v.as_array().unwrap().len()), (200, 1));
}

#[test]
fn licences_draw_down_and_end_use_checks_through_the_api() {
    let env = Env::new();
    let srv = start(&env);
    let sam = srv.add_user("sam", "screener");
    let olga = srv.add_user("olga", "case_officer");
    let lic = json!({"number": "D777", "holder": {"name": "Acme Machine Tools Inc", "country": "US"},
        "items": [{"control_entry": "2B001.a", "quantity": 2}], "destinations": ["CN"],
        "parties": [{"role": "end_user", "name": "Quellwerk Zerspanung Feldkirchen GmbH"}],
        "valid_from": "2026-08-01", "valid_until": "2026-12-31"});
    let (s, v) = srv.call(
        "POST",
        "/v1/licences",
        "/v1/licences",
        Some(&sam),
        Some(&lic),
    );
    assert_eq!(s, 200, "{v}");
    let (s, _) = srv.call(
        "POST",
        "/v1/licences",
        "/v1/licences",
        Some(&sam),
        Some(&json!({"number": "X"})),
    );
    assert_eq!(s, 400);
    let tx = json!({"date": "2026-09-01", "exporter": {"country": "US"}, "route": {"destination": "CN"},
        "parties": [{"id": "p1", "role": "end_user", "name": "Quellwerk Zerspanung Feldkirchen GmbH", "kind": "organization", "country": "CN"}],
        "items": [{"eccn": "2B001.a", "quantity": 1, "unit_price": 250000, "licence": "D777"}],
        "end_use": {"statement_status": "received", "reexport_intent": "none"},
        "payment": {"method": "wire", "payer_party": "p1"}});
    for want in ["CLEAR", "CLEAR", "HOLD_FOR_REVIEW"] {
        let (s, v) = srv.call("POST", "/v1/assess", "/v1/assess", Some(&sam), Some(&tx));
        assert_eq!((s, v["outcome"].as_str()), (200, Some(want)), "{v}");
    }
    let (s, v) = srv.call(
        "GET",
        "/v1/licences/{number}",
        "/v1/licences/D777",
        Some(&sam),
        None,
    );
    assert_eq!(
        (s, v["drawn"][0]["quantity"].as_f64()),
        (200, Some(2.0)),
        "{v}"
    );
    let (s, _) = srv.call(
        "GET",
        "/v1/licences/{number}",
        "/v1/licences/NOPE",
        Some(&sam),
        None,
    );
    assert_eq!(s, 404);

    let plan = json!({"kind": "post_shipment", "party": {"name": "Quellwerk Zerspanung Feldkirchen GmbH", "country": "CN"},
        "destination": "CN", "due_on": "2026-12-01", "licence": "D777"});
    let (s, _) = srv.call("POST", "/v1/euv", "/v1/euv", Some(&sam), Some(&plan));
    assert_eq!(s, 403, "a screener plans no checks");
    let (s, v) = srv.call("POST", "/v1/euv", "/v1/euv", Some(&olga), Some(&plan));
    assert_eq!(s, 200, "{v}");
    let p = format!("/v1/euv/{}/result", v["id"]);
    let (s, v) = srv.call("POST", "/v1/euv/{id}/result", &p, Some(&olga),
        Some(&json!({"performed_on": "2026-11-20", "site": "Suzhou plant", "officer": "O. K.", "findings": "machine installed and in use", "outcome": "confirmed"})));
    assert_eq!(s, 200, "{v}");
    let (s, v) = srv.call("GET", "/v1/euv/report", "/v1/euv/report", Some(&olga), None);
    assert_eq!(
        (s, v["outcomes_by_destination"]["CN"]["confirmed"].as_u64()),
        (200, Some(1)),
        "{v}"
    );
}
