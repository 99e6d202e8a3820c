//! Cases and audit end to end: a held assessment opens a case, a reviewer disposes of its hits,
//! a second user approves; a false positive stays suppressed on the next screening; a crash in
//! the middle of recording leaves nothing half-written.

mod common;
use common::Env;
use serde_json::Value;

const PUTIN_TX: &str = r#"{"id": "order-42", "exporter": {"country": "US"}, "route": {"destination": "DE"},
  "parties": [{"id": "p1", "role": "end_user", "name": "Vladimir Vladimirovich Putin", "kind": "person", "country": "RU"}],
  "items": [{"eccn": "EAR99"}], "end_use": {"statement_status": "received", "reexport_intent": "none"}}"#;

fn assess(env: &Env, path: &str) -> (Value, i32) {
    let o = env.run(&[
        "--user",
        "sam",
        "assess",
        path,
        "--date",
        "2026-11-27",
        "--json",
    ]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)));
    (v, o.status.code().unwrap())
}

#[test]
fn hold_case_four_eyes_memory_and_audit() {
    let env = Env::new();
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user", "root", "users", "add", "alice", "--role", "reviewer",
    ]);
    env.ok(&[
        "--user", "root", "users", "add", "bob", "--role", "approver",
    ]);
    env.ok(&[
        "--user", "root", "users", "add", "sam", "--role", "screener",
    ]);
    env.ok(&["--user", "root", "users", "add", "ada", "--role", "auditor"]);
    let path = env.dir.path().join("tx.json");
    std::fs::write(&path, PUTIN_TX).unwrap();
    let p = path.to_str().unwrap();
    let (v, code) = assess(&env, p);
    assert_eq!(
        (v["outcome"].as_str().unwrap(), code),
        ("HOLD_FOR_REVIEW", 8)
    );
    let case = v["case_id"].as_i64().expect("a hold opens a case");
    let shown: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "alice",
        "cases",
        "show",
        &case.to_string(),
        "--json",
    ]))
    .unwrap();
    let hits = shown["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.iter().all(|h| h["kind"] == "screening"));
    // alice disposes of every hit; she cannot also approve; bob can.
    for h in hits {
        env.ok(&[
            "--user",
            "alice",
            "cases",
            "dispose",
            &case.to_string(),
            &h["hit_no"].to_string(),
            "--disposition",
            "false_positive",
            "--reason",
            "customer is a namesake, born 1990",
        ]);
    }
    let o = env.run(&["--user", "alice", "cases", "approve", &case.to_string()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("approve"));
    env.ok(&["--user", "bob", "cases", "approve", &case.to_string()]);
    let shown: Value = serde_json::from_str(&env.ok(&[
        "--user",
        "alice",
        "cases",
        "show",
        &case.to_string(),
        "--json",
    ]))
    .unwrap();
    assert_eq!(shown["status"], "closed");
    assert_eq!(shown["closed_by"], "bob");
    // The same party on the same list versions: the false positives are remembered.
    let (v, code) = assess(&env, p);
    assert_eq!(
        (v["outcome"].as_str().unwrap(), code),
        ("CLEAR", 0),
        "{}",
        v["explanation"]
    );
    assert!(v["case_id"].is_null());
    // Every step is in the audit log, and the chain is intact.
    let verify: Value =
        serde_json::from_str(&env.ok(&["--user", "ada", "audit", "verify", "--json"])).unwrap();
    assert_eq!(verify["problems"], serde_json::json!([]));
    // Only auditors read the audit log.
    let o = env.run(&["--user", "sam", "audit", "export"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("may not read the audit log"));
    let export = env.ok(&["--user", "ada", "audit", "export"]);
    let actions: Vec<String> = export
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for a in [
        "user.add",
        "assess",
        "case.open",
        "case.dispose",
        "case.approve",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    let first: Value = export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|r| r["action"] == "assess")
        .unwrap();
    assert_eq!(first["action"], "assess");
    assert!(
        first["body"]["snapshots"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "the record names the list snapshots"
    );
    // Replay: the first assessment (before any false positive was recorded) recomputes to the
    // same hold from its recorded inputs and snapshots; the second (with the hits suppressed)
    // to the same clearance.
    let seqs: Vec<i64> = export
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["action"] == "assess")
        .map(|r| r["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs.len(), 2);
    for (seq, outcome) in seqs.iter().zip(["HOLD_FOR_REVIEW", "CLEAR"]) {
        let o = env.run(&[
            "--user",
            "sam",
            "assess",
            "--replay",
            &seq.to_string(),
            "--json",
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["identical"], true, "{v}");
        assert_eq!(v["decision"]["outcome"], outcome);
    }
    let o = env.run(&["--user", "sam", "assess", "--replay", "1"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not an assessment"));
}

#[test]
fn a_crash_while_recording_leaves_nothing_half_written() {
    let env = Env::new();
    let path = env.dir.path().join("tx.json");
    std::fs::write(&path, PUTIN_TX).unwrap();
    let p = path.to_str().unwrap();
    env.ok(&["lists", "status"]);
    for point in ["case-insert", "before-commit"] {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_chokepoint"))
            .args([
                "--db",
                env.db().to_str().unwrap(),
                "assess",
                p,
                "--date",
                "2026-11-27",
            ])
            .env("CHOKEPOINT_FAILPOINT", point)
            .output()
            .unwrap();
        assert!(
            !o.status.success(),
            "the failpoint {point} aborts the process"
        );
        let cases: Value = serde_json::from_str(&env.ok(&["cases", "list", "--json"])).unwrap();
        assert_eq!(
            cases,
            serde_json::json!([]),
            "no case after a crash at {point}"
        );
        let verify: Value = serde_json::from_str(&env.ok(&["audit", "verify", "--json"])).unwrap();
        assert_eq!(
            verify["records"], 0,
            "no audit record after a crash at {point}"
        );
    }
    // Without the crash, both are written.
    let (v, _) = assess(&env, p);
    assert!(v["case_id"].as_i64().is_some());
    let verify: Value = serde_json::from_str(&env.ok(&["audit", "verify", "--json"])).unwrap();
    assert_eq!(verify["records"], 2);
}

#[test]
fn roles_are_checked() {
    let env = Env::new();
    let o = env.run(&["users", "add", "sam", "--role", "screener"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("first user must be an admin"));
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user", "root", "users", "add", "sam", "--role", "screener",
    ]);
    let o = env.run(&["--user", "sam", "users", "add", "x", "--role", "admin"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("may not add users"));
    let o = env.run(&["--user", "sam", "cases", "approve", "1"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("may not approve"));
    let o = env.run(&[
        "--user",
        "nobody",
        "cases",
        "dispose",
        "1",
        "1",
        "--disposition",
        "false_positive",
        "--reason",
        "x",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown user"));
    let o = env.run(&["--user", "root", "users", "add", "eve", "--role", "god"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown role"));
}

#[test]
fn screening_and_determination_are_recorded() {
    let env = Env::new();
    env.run(&["screen", "Vladimir Putin", "--country", "RU"]);
    env.run(&["determine", "--eccn", "2B001.a", "--to", "CN"]);
    let batch = env.dir.path().join("b.csv");
    std::fs::write(
        &batch,
        "id,name,type,birth_date,country\n1,Ivan Petrov,person,,RU\n",
    )
    .unwrap();
    env.ok(&["screen", "--batch", batch.to_str().unwrap()]);
    let export = env.ok(&["audit", "export"]);
    let recs: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let actions: Vec<&str> = recs.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["screen", "determine", "screen.batch"]);
    assert!(recs[0]["body"]["matches"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));
    assert!(recs[0]["body"]["snapshots"]
        .as_array()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(
        recs[1]["body"]["determination"]["outcome"],
        "LICENSE_REQUIRED"
    );
    assert_eq!(recs[2]["body"]["rows"], 1);
    assert_eq!(
        recs[2]["body"]["input_sha256"].as_str().map(str::len),
        Some(64)
    );
}

#[test]
fn a_false_positive_comes_back_when_the_list_entry_changes() {
    // UN DATAID 110554, ABDUL LATIF MANSUR, changed between the 2024-05-15 and 2026-02-27 UN
    // editions (its birth places; `lists diff un` lists it as changed).
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
    let path = env.dir.path().join("tx.json");
    std::fs::write(
        &path,
        r#"{"exporter": {"country": "US"}, "route": {"destination": "DE"},
            "parties": [{"id": "p1", "role": "end_user", "name": "Abdul Latif Mansur", "kind": "person", "country": "AF"}],
            "items": [{"eccn": "EAR99"}], "end_use": {"statement_status": "received", "reexport_intent": "none"}}"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let run = |date: &str| -> Value {
        let o = env.run(&["--user", "root", "assess", p, "--date", date, "--json"]);
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&o.stderr)))
    };
    let v = run("2026-11-27");
    assert_eq!(v["outcome"], "HOLD_FOR_REVIEW");
    let hits = &v["screening"][0]["hits"];
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["entity_id"] == "un:110554"),
        "{hits}"
    );
    let case = v["case_id"].as_i64().unwrap().to_string();
    let shown: Value =
        serde_json::from_str(&env.ok(&["--user", "alice", "cases", "show", &case, "--json"]))
            .unwrap();
    for h in shown["hits"].as_array().unwrap() {
        env.ok(&[
            "--user",
            "alice",
            "cases",
            "dispose",
            &case,
            &h["hit_no"].to_string(),
            "--disposition",
            "false_positive",
            "--reason",
            "different person",
        ]);
    }
    // Same list edition: suppressed.
    let v = run("2026-11-27");
    assert_eq!(v["outcome"], "CLEAR", "{}", v["explanation"]);
    // A new edition in which the entry changed: the hit is back for review.
    env.ok(&[
        "lists",
        "import",
        un("consolidated.xml.gz").to_str().unwrap(),
    ]);
    let v = run("2026-11-27");
    assert_eq!(v["outcome"], "HOLD_FOR_REVIEW");
    assert!(v["screening"][0]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["entity_id"] == "un:110554"));
}
