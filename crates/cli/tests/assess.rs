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
