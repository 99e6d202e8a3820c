//! The primer's worked examples (§7) as golden tests: the expectations in
//! `tests/golden/ear-examples.json` were typed from the primer, not produced by the engine.

use chokepoint_controls::{determine, Request};
use serde_json::Value;

fn codes(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn worked_examples_of_the_primer_us() {
    check(include_str!("golden/ear-examples.json"), 17);
}

#[test]
fn worked_examples_of_the_primer_eu() {
    check(include_str!("golden/eu-examples.json"), 8);
}

fn check(text: &str, at_least: usize) {
    let file: Value = serde_json::from_str(text).expect("golden file");
    let mut failures = Vec::new();
    let cases = file["cases"].as_array().expect("cases");
    assert!(cases.len() >= at_least);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let req: Request = serde_json::from_value(case["request"].clone()).expect(id);
        let det = match determine(&req) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{id}: error {e}"));
                continue;
            }
        };
        let got = serde_json::to_value(&det).unwrap();
        let exp = &case["expect"];
        let line = &got["lines"][0];
        let mut fail = |what: String| failures.push(format!("{id}: {what}\n  got: {line}"));
        if got["outcome"] != exp["outcome"] {
            fail(format!(
                "outcome {} != expected {}",
                got["outcome"], exp["outcome"]
            ));
        }
        let reasons: Vec<String> = line["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect();
        for c in codes(&exp["reasons"]) {
            if !reasons.contains(&c) {
                fail(format!("missing reason {c} (has {reasons:?})"));
            }
        }
        for c in codes(&exp["not_reasons"]) {
            if reasons.contains(&c) {
                fail(format!("unexpected reason {c}"));
            }
        }
        let avail: Vec<String> = line["exceptions_available"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_string())
            .collect();
        if let Some(a) = exp.get("available") {
            let want = codes(a);
            if want.is_empty() && !avail.is_empty() {
                fail(format!("no exception expected, got {avail:?}"));
            }
            for c in want {
                if !avail.contains(&c) {
                    fail(format!("exception {c} not available (has {avail:?})"));
                }
            }
        }
        let rejected = line["exceptions_rejected"].as_array().unwrap();
        for c in codes(&exp["rejected"]) {
            if !rejected.iter().any(|r| r["code"] == c.as_str()) {
                fail(format!("exception {c} not listed as rejected"));
            }
        }
        if let Some(m) = exp["rejected_mentions"].as_object() {
            for (c, text) in m {
                let ok = rejected.iter().any(|r| {
                    r["code"] == c.as_str()
                        && r["failed"]
                            .as_str()
                            .unwrap()
                            .contains(text.as_str().unwrap())
                });
                if !ok {
                    fail(format!("rejection of {c} does not say {text}"));
                }
            }
        }
        if let Some(m) = exp["review_policy"].as_object() {
            for (c, p) in m {
                let ok = line["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["code"] == c.as_str() && r["review_policy"] == *p);
                if !ok {
                    fail(format!("reason {c} lacks review policy {p}"));
                }
            }
        }
        if exp["no_obligations"] == true && !line["obligations"].as_array().unwrap().is_empty() {
            fail(format!("no obligation expected: {}", line["obligations"]));
        }
        for text in codes(&exp["obligations_mention"]) {
            let ok = line["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o.as_str().unwrap().contains(&text));
            if !ok {
                fail(format!("no obligation mentions {text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
