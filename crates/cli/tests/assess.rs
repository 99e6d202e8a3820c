//! Golden transactions end to end through `chokepoint assess` (expected decisions typed from
//! the primer and red-flags.md, see the file's header), and malformed transactions.

mod common;
use common::Env;
use serde_json::Value;

#[test]
fn golden_transactions() {
    let env = Env::new();
    let file: Value = serde_json::from_str(include_str!("golden/transactions.json")).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    let mut failures = Vec::new();
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let path = env.dir.path().join(format!("{id}.json"));
        std::fs::write(&path, c["transaction"].to_string()).unwrap();
        let tables: Vec<(&String, &Value)> = c["reference"]
            .as_object()
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        for (t, csv) in &tables {
            let f = env.dir.path().join(format!("{id}-{t}.csv"));
            std::fs::write(&f, csv.as_str().unwrap()).unwrap();
            let o = env.run(&["reference", "set", t, f.to_str().unwrap()]);
            assert!(o.status.success(), "{id}: reference set {t}: {o:?}");
        }
        let o = env.run(&[
            "assess",
            path.to_str().unwrap(),
            "--date",
            "2026-11-27",
            "--json",
        ]);
        let v: Value = match serde_json::from_slice(&o.stdout) {
            Ok(v) => v,
            Err(_) => {
                failures.push(format!(
                    "{id}: no JSON; stderr: {}",
                    String::from_utf8_lossy(&o.stderr)
                ));
                continue;
            }
        };
        let e = &c["expect"];
        if v["outcome"] != e["decision"] {
            failures.push(format!(
                "{id} ({}): decision {} != {}; explanation: {}",
                c["from"], v["outcome"], e["decision"], v["explanation"]
            ));
        }
        if o.status.code() != e["exit"].as_i64().map(|x| x as i32) {
            failures.push(format!("{id}: exit {:?} != {}", o.status.code(), e["exit"]));
        }
        let fired: Vec<&str> = v["red_flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["rule"].as_str().unwrap())
            .collect();
        for want in e["red_flags"].as_array().into_iter().flatten() {
            if !fired.contains(&want.as_str().unwrap()) {
                failures.push(format!("{id}: red flag {want} did not fire ({fired:?})"));
            }
        }
        // A rule expected to be evaluated is not among those reported as not evaluated.
        for rule in e["evaluated"].as_array().into_iter().flatten() {
            let rule = rule.as_str().unwrap();
            let skipped = v["not_evaluated"].as_array().unwrap();
            if skipped
                .iter()
                .any(|x| x.as_str().unwrap().starts_with(rule))
            {
                failures.push(format!("{id}: {rule} not evaluated: {skipped:?}"));
            }
        }
        for (t, _) in &tables {
            assert!(env.run(&["reference", "unset", t]).status.success());
        }
        // Every point of the risk score is accounted for.
        let sum: f64 = v["contributions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["amount"].as_f64().unwrap())
            .sum();
        let score = v["risk_score"].as_f64().unwrap();
        if (score - sum.min(1.0)).abs() > 0.002 {
            failures.push(format!(
                "{id}: risk {score} is not the sum of its contributions {sum}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn malformed_transactions_are_errors_never_clear() {
    let env = Env::new();
    let cases = [
        (
            r#"{"exporter": {"country": "US"}, "parties": [], "items": [{"eccn": "EAR99"}], "route": {"destination": "DE"}}"#,
            "parties",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co"}], "items": [{"eccn": "EAR99"}], "route": {}}"#,
            "destination",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co"}], "items": [{"eccn": "EAR99"}], "route": {"destination": "Narnia"}}"#,
            "route.destination",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co", "colour": "red"}], "items": [{"eccn": "EAR99"}], "route": {"destination": "DE"}}"#,
            "colour",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co"}], "items": [{"eccn": "9Z999"}], "route": {"destination": "DE"}}"#,
            "items[0].eccn",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co"}], "items": [{"eccn": "EAR99", "voltage": "mains"}], "route": {"destination": "DE"}}"#,
            "items[0].voltage",
        ),
        (
            r#"{"exporter": {"country": "US"}, "parties": [{"id": "a", "role": "end_user", "name": "X Co"}], "items": [{"eccn": "EAR99", "frequency_hz": [50]}], "route": {"destination": "DE"}}"#,
            "expected a rating",
        ),
    ];
    for (i, (tx, says)) in cases.iter().enumerate() {
        let path = env.dir.path().join(format!("bad{i}.json"));
        std::fs::write(&path, tx).unwrap();
        let o = env.run(&["assess", path.to_str().unwrap(), "--date", "2026-11-27"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "case {i}: {err}");
        assert!(err.contains(says), "case {i}: {err}");
    }
}

#[test]
fn reference_tables_are_checked_recorded_and_replayed() {
    let env = Env::new();
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "origin,destination,transit\nUS,Atlantis,\n").unwrap();
    let o = env.run(&["reference", "set", "routes", bad.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("bad.csv: line 2, field destination"),
        "the error names file, line and field: {err}"
    );
    let routes = env.dir.path().join("routes.csv");
    std::fs::write(&routes, "origin,destination,transit\nUS,CL,PE\n").unwrap();
    env.ok(&["reference", "set", "routes", routes.to_str().unwrap()]);
    let tx = env.dir.path().join("tx.json");
    std::fs::write(
        &tx,
        serde_json::json!({
            "exporter": {"country": "US"},
            "route": {"origin": "US", "transit": ["PA"], "destination": "CL"},
            "parties": [{"id": "p1", "role": "end_user", "name": "Quellwerk Mineria SpA",
                         "kind": "organization", "country": "CL", "website": "https://example.cl",
                         "email_domain": "example.cl"}],
            "items": [{"eccn": "EAR99", "quantity": 1, "unit_price": 100}],
            "end_use": {"statement_status": "received", "reexport_intent": "none"},
            "payment": {"method": "wire", "payer_party": "p1"}
        })
        .to_string(),
    )
    .unwrap();
    let assess = || {
        let o = env.run(&[
            "assess",
            tx.to_str().unwrap(),
            "--date",
            "2026-11-27",
            "--json",
        ]);
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    let held = assess();
    assert_eq!(held["outcome"], "HOLD_FOR_REVIEW", "{}", held["red_flags"]);
    env.ok(&["reference", "unset", "routes"]);
    let now = assess();
    assert_eq!(now["outcome"], "CLEAR");
    assert!(now["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x.as_str().unwrap().starts_with("KYC-11")));
    // The replay reads the table recorded with the assessment, not today's (none).
    let seq = held["audit_seq"].as_i64().unwrap().to_string();
    let o = env.run(&["assess", "--replay", &seq, "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["identical"], true, "{v}");
    assert_eq!(v["decision"]["outcome"], "HOLD_FOR_REVIEW");
    // Only an administrator sets tables, once users exist.
    env.ok(&["users", "add", "root", "--role", "admin"]);
    env.ok(&[
        "--user", "root", "users", "add", "sam", "--role", "screener",
    ]);
    let o = env.run(&["--user", "sam", "reference", "unset", "routes"]);
    assert!(!o.status.success());
}
