//! Continuous monitoring end to end, on two real UN editions (2024-05-15 and 2026-02-27; between
//! them the UN added 141 entries — Iranian entities under the 2025 snapback among them —,
//! changed 167 and removed 13).

mod common;
use common::Env;
use serde_json::Value;

#[test]
fn monitoring_screens_the_delta_opens_cases_and_notes_removals() {
    let env = Env::new();
    let un = |f: &str| common::data(&format!("un/{f}"));
    env.ok(&[
        "lists",
        "import",
        un("consolidated_2024-05-15.xml.gz").to_str().unwrap(),
    ]);
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user", "root", "users", "add", "alice", "--role", "reviewer",
    ]);
    env.ok(&[
        "--user", "root", "users", "add", "bob", "--role", "approver",
    ]);
    // un:110326 YAZD METALLURGY INDUSTRIES is added in 2026; un:112038 LIONEL DUMONT is removed;
    // un:110554 ABDUL LATIF MANSUR changes (birth places).
    let csv = env.write(
        "cps.csv",
        b"id,name,type,birth_date,country,identifiers\n\
         c1,Yazd Metallurgy Industries,organization,,IR,\n\
         c2,Lionel Dumont,person,,FR,\n\
         c3,Abdul Latif Mansur,person,,AF,\n\
         c4,Hans Mueller Maschinenbau GmbH,organization,,DE,\n",
    );
    let o = env.run(&["--user", "alice", "counterparties", "add", &csv, "--json"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let reg: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(reg["counterparties"], 4);
    let cases: Vec<Value> =
        serde_json::from_str(&env.ok(&["--user", "alice", "cases", "list", "--json"])).unwrap();
    let case_of = |cases: &[Value], cp: &str| -> Vec<Value> {
        cases
            .iter()
            .filter(|c| c["subject"] == format!("counterparty {cp}"))
            .cloned()
            .collect()
    };
    let refs = |c: &Value| -> Vec<String> {
        c["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["reference"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(case_of(&cases, "c1").is_empty(), "not listed in 2024");
    assert!(case_of(&cases, "c4").is_empty());
    let dumont = case_of(&cases, "c2");
    assert!(refs(&dumont[0]).contains(&"un:112038".to_string()));
    let mansur = case_of(&cases, "c3");
    assert!(refs(&mansur[0]).contains(&"un:110554".to_string()));
    // Mansur's hit is judged a false positive and the case closed (four eyes).
    let mid = mansur[0]["id"].to_string();
    for h in mansur[0]["hits"].as_array().unwrap() {
        env.ok(&[
            "--user",
            "alice",
            "cases",
            "dispose",
            &mid,
            &h["hit_no"].to_string(),
            "--disposition",
            "false_positive",
            "--reason",
            "other person, other birth date",
        ]);
    }
    env.ok(&["--user", "bob", "cases", "approve", &mid]);

    // Nothing new on the lists: nothing to screen.
    let idle: Value =
        serde_json::from_str(&env.ok(&["--user", "root", "monitor", "run", "--json"])).unwrap();
    assert_eq!(idle["sources"].as_array().unwrap().len(), 0);
    assert_eq!(idle["hits"], 0);

    env.ok(&[
        "lists",
        "import",
        un("consolidated.xml.gz").to_str().unwrap(),
    ]);
    let o = env.run(&["--user", "root", "monitor", "run", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let run: Value = serde_json::from_slice(&o.stdout).unwrap();
    let src = &run["sources"][0];
    assert_eq!(
        (
            src["source"].as_str(),
            src["added"].as_u64(),
            src["changed"].as_u64(),
            src["removed"].as_u64()
        ),
        (Some("un"), Some(141), Some(167), Some(13)),
        "{run}"
    );
    // Only the delta is screened: added and changed entities, not the whole list.
    assert_eq!(run["delta_entities"], 141 + 167);
    assert_eq!(run["counterparties"], 4);

    let cases: Vec<Value> =
        serde_json::from_str(&env.ok(&["--user", "alice", "cases", "list", "--json"])).unwrap();
    // The newly listed entity opens a case.
    let yazd = case_of(&cases, "c1");
    assert_eq!(yazd.len(), 1, "{cases:?}");
    assert!(refs(&yazd[0]).contains(&"un:110326".to_string()));
    // The changed entry comes back although it was judged a false positive on its old version.
    let mansur_now = case_of(&cases, "c3");
    assert_eq!(mansur_now.len(), 2);
    assert!(mansur_now
        .iter()
        .any(|c| c["status"] == "open" && refs(c).contains(&"un:110554".to_string())));
    // The removed entry closes nothing silently: its open case gets a note.
    let dumont_now = case_of(&cases, "c2");
    assert_eq!(dumont_now.len(), 1, "no second case for the same hit");
    assert_eq!(dumont_now[0]["status"], "open");
    let notes = dumont_now[0]["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["note"]
            .as_str()
            .unwrap()
            .starts_with("un:112038: removed from un")),
        "{notes:?}"
    );
    assert!(case_of(&cases, "c4").is_empty());

    // A second run finds nothing new.
    let again: Value =
        serde_json::from_str(&env.ok(&["--user", "root", "monitor", "run", "--json"])).unwrap();
    assert_eq!(again["sources"].as_array().unwrap().len(), 0);
    // The audit log holds every step and is intact.
    let check: Value =
        serde_json::from_str(&env.ok(&["--user", "root", "audit", "verify", "--json"])).unwrap();
    assert_eq!(check["problems"].as_array().unwrap().len(), 0);
    let audit = env.ok(&["--user", "root", "audit", "export"]);
    for action in [
        "counterparty.register",
        "counterparty.screen",
        "monitor.run",
        "case.note",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{action}\"")),
            "{action} missing"
        );
    }
}

#[test]
fn a_bad_counterparty_file_registers_nothing() {
    let env = Env::new();
    let csv = env.write(
        "cps.csv",
        b"id,name,type,birth_date,country\nc1,Good Name Ltd,organization,,DE\nc2,Bad Date,person,1965-13-40,FR\n",
    );
    let o = env.run(&["counterparties", "add", &csv]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("counterparty c2") && err.contains("birth date"),
        "{err}"
    );
    let list: Value = serde_json::from_str(&env.ok(&["counterparties", "list", "--json"])).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    let short = env.write(
        "short.csv",
        b"id,name,type,birth_date,country\nc1,Only Three,person\n",
    );
    let o = env.run(&["counterparties", "add", &short]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("short.csv:2"), "{err}");
}
