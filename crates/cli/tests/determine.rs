//! `chokepoint determine` and `chokepoint classify` end to end: the exact interface other tools
//! call (flags, request files, JSON fields, exit status) and bad input.

mod common;
use common::Env;
use serde_json::Value;

fn json(env: &Env, args: &[&str]) -> (Value, i32) {
    let o = env.run(args);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&o.stderr)));
    (v, o.status.code().unwrap())
}

#[test]
fn flags_give_the_documented_json() {
    let env = Env::new();
    // Primer US-4: 6B002 to Brazil — NS2 required, GBS overcomes it.
    let (v, code) = json(
        &env,
        &[
            "determine",
            "--eccn",
            "6B002",
            "--to",
            "BR",
            "--date",
            "2026-11-27",
            "--json",
        ],
    );
    assert_eq!(v["outcome"], "LICENSE_EXCEPTION_AVAILABLE");
    assert_eq!(code, 0);
    let line = &v["lines"][0];
    assert_eq!(line["outcome"], "LICENSE_EXCEPTION_AVAILABLE");
    assert_eq!(line["reasons"][0]["code"], "NS2");
    assert!(line["reasons"][0]["citation"]
        .as_str()
        .unwrap()
        .contains("738.4"));
    assert!(line["exceptions_available"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["code"] == "GBS"));
    let lvs = line["exceptions_rejected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "LVS")
        .unwrap();
    assert!(
        lvs["failed"].as_str().unwrap().contains("value"),
        "LVS needs the value: {lvs}"
    );
    // With a value under the 6B002 LVS limit of $5,000, LVS is available as well.
    let (v, _) = json(
        &env,
        &[
            "determine",
            "--eccn",
            "6B002",
            "--to",
            "BR",
            "--value",
            "1500",
            "--json",
        ],
    );
    let avail: Vec<&str> = v["lines"][0]["exceptions_available"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(
        avail.contains(&"LVS") && avail.contains(&"GBS"),
        "{avail:?}"
    );
    // Primer US-18: a deemed export goes to the person's citizenship.
    let (v, code) = json(
        &env,
        &[
            "determine",
            "--eccn",
            "3E001",
            "--activity",
            "deemed-export",
            "--citizenship",
            "CN",
            "--json",
        ],
    );
    assert_eq!(
        (v["outcome"].as_str().unwrap(), code),
        ("LICENSE_REQUIRED", 5)
    );
    assert_eq!(v["destinations"][0], "CN");
    // Words for people name the outcome, the reason and its citation.
    let o = env.run(&["determine", "--eccn", "2B001.a", "--to", "China"]);
    assert_eq!(o.status.code(), Some(5));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("LICENSE_REQUIRED"), "{text}");
    assert!(text.contains("NP1") && text.contains("738.4"), "{text}");
}

#[test]
fn a_request_file_rolls_lines_up_to_the_strictest() {
    let env = Env::new();
    let path = env.dir.path().join("req.json");
    std::fs::write(
        &path,
        r#"{"destination": "BR", "date": "2026-11-27",
            "items": [{"eccn": "6B002"}, {"eccn": "3A991"}],
            "parties": [{"name": "Denied Forwarding", "role": "forwarder", "lists": ["DPL"]}]}"#,
    )
    .unwrap();
    let (v, code) = json(&env, &["determine", path.to_str().unwrap(), "--json"]);
    assert_eq!(v["outcome"], "PROHIBITED");
    assert_eq!(code, 7);
    assert_eq!(v["lines"].as_array().unwrap().len(), 2);
    assert!(v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["outcome"] == "PROHIBITED"));
    // Without the denied party: 6B002 needs GBS, 3A991 is NLR to Brazil; the roll-up is the
    // stricter of the two.
    std::fs::write(
        &path,
        r#"{"destination": "BR", "items": [{"eccn": "6B002"}, {"eccn": "3A991"}]}"#,
    )
    .unwrap();
    let (v, code) = json(&env, &["determine", path.to_str().unwrap(), "--json"]);
    assert_eq!(v["lines"][1]["outcome"], "NLR");
    assert_eq!(v["outcome"], "LICENSE_EXCEPTION_AVAILABLE");
    assert_eq!(code, 0);
    // A line with no classification is INDETERMINATE, never NLR.
    std::fs::write(
        &path,
        r#"{"destination": "BR", "items": [{"description": "widget"}]}"#,
    )
    .unwrap();
    let (v, code) = json(&env, &["determine", path.to_str().unwrap(), "--json"]);
    assert_eq!((v["outcome"].as_str().unwrap(), code), ("INDETERMINATE", 6));
    assert!(v["lines"][0]["missing"][0]
        .as_str()
        .unwrap()
        .contains("classification"));
}

#[test]
fn bad_input_is_a_clear_error() {
    let env = Env::new();
    for (args, says) in [
        (
            vec!["determine", "--eccn", "2B01", "--to", "CN"],
            "not an ECCN",
        ),
        (
            vec!["determine", "--eccn", "1A000", "--to", "CN"],
            "not on the Commerce Control List",
        ),
        (
            vec!["determine", "--eccn", "2B001", "--to", "Narnia"],
            "unknown country",
        ),
        (
            vec![
                "determine",
                "--eccn",
                "2B001",
                "--to",
                "CN",
                "--date",
                "2019-05-01",
            ],
            "outside the data's range",
        ),
        (
            vec![
                "determine",
                "--eccn",
                "2B001",
                "--to",
                "CN",
                "--date",
                "27/11/2026",
            ],
            "not a date",
        ),
        (
            vec!["determine", "--eccn", "2B001", "--to", "FR", "--from", "CN"],
            "implemented for US",
        ),
        (vec!["determine", "--eccn", "2B001"], "--to"),
    ] {
        let o = env.run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let path = env.dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"destination": "CN", "items": [{"eccn": "2B001", "colour": "red"}]}"#,
    )
    .unwrap();
    let o = env.run(&["determine", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("bad.json") && err.contains("colour"), "{err}");
}

#[test]
fn classify_points_to_the_entry_that_describes_the_item() {
    let env = Env::new();
    let (v, _) = json(
        &env,
        &[
            "classify",
            "precursor chemicals for toxic chemical agents",
            "--json",
        ],
    );
    let eccns: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["eccn"].as_str().unwrap())
        .collect();
    assert!(eccns.contains(&"1C350"), "{eccns:?}");
}

#[test]
fn an_eu_exporter_gets_the_eu_rules() {
    let env = Env::new();
    // Primer EU-1: an Annex I item from Germany to Russia is prohibited (833/2014 Art. 2).
    let (v, code) = json(
        &env,
        &[
            "determine",
            "--from",
            "DE",
            "--eu",
            "2B001",
            "--to",
            "RU",
            "--json",
        ],
    );
    assert_eq!((v["outcome"].as_str().unwrap(), code), ("PROHIBITED", 7));
    assert_eq!(v["lines"][0]["reasons"][0]["code"], "833/2014 Art. 2");
    // Primer EU-5: CHP integrated circuits to Kazakhstan need the "no Russia" clause.
    let (v, _) = json(
        &env,
        &[
            "determine",
            "--from",
            "DE",
            "--eu",
            "none",
            "--hs",
            "8542.31",
            "--to",
            "KZ",
            "--json",
        ],
    );
    assert_eq!(v["outcome"], "NLR");
    assert!(v["lines"][0]["obligations"][0]
        .as_str()
        .unwrap()
        .contains("No Russia"));
}

#[test]
fn ownership_graph_under_each_regime() {
    let env = Env::new();
    let path = env.dir.path().join("graph.json");
    // Primer OF-5: 40 % owned by SDN X and controlled by X's nominee — not blocked by OFAC's
    // ownership-only rule (caution), caught by the EU's ownership-or-control rule.
    std::fs::write(
        &path,
        r#"{"listed": ["X"], "edges": [{"owner": "X", "owned": "D", "share": 0.4, "control": true}]}"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let (v, code) = json(
        &env,
        &[
            "ownership",
            p,
            "--regime",
            "ofac",
            "--date",
            "2026-11-27",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(v["blocked"], serde_json::json!(["X"]));
    assert_eq!(v["unknown"], serde_json::json!([]));
    assert_eq!(v["caution"], serde_json::json!(["D"]));
    let (v, _) = json(
        &env,
        &[
            "ownership",
            p,
            "--regime",
            "eu",
            "--date",
            "2026-11-27",
            "--json",
        ],
    );
    assert_eq!(v["blocked"], serde_json::json!(["D", "X"]));
    // A share given as a percentage is an error naming the edge.
    std::fs::write(
        &path,
        r#"{"listed": ["X"], "edges": [{"owner": "X", "owned": "D", "share": 40}]}"#,
    )
    .unwrap();
    let o = env.run(&["ownership", p, "--regime", "ofac"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("edges[0].share"));
}
