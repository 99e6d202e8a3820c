//! The primer's ownership examples as golden tests (expectations typed from the primer), bad
//! input, and properties of the roll-up.

use chokepoint_assess::ownership::{roll_up, Edge, Graph};
use proptest::prelude::*;
use serde_json::Value;

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn primer_examples() {
    let file: Value = serde_json::from_str(include_str!("golden/ownership.json")).unwrap();
    let mut failures = Vec::new();
    for c in file["cases"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        let g: Graph = serde_json::from_value(c["graph"].clone()).unwrap();
        let r = roll_up(
            &g,
            c["regime"].as_str().unwrap(),
            c["date"].as_str().unwrap(),
        )
        .unwrap();
        let e = &c["expect"];
        if r.blocked != strs(&e["blocked"]) {
            failures.push(format!(
                "{id}: blocked {:?} != {:?}",
                r.blocked,
                strs(&e["blocked"])
            ));
        }
        if e.get("unknown").is_some() && r.unknown != strs(&e["unknown"]) {
            failures.push(format!(
                "{id}: unknown {:?} != {:?}",
                r.unknown,
                strs(&e["unknown"])
            ));
        }
        for x in strs(&e["caution_includes"]) {
            if !r.caution.contains(&x) {
                failures.push(format!(
                    "{id}: {x} not flagged for caution ({:?})",
                    r.caution
                ));
            }
        }
        if e["period_unverified"] == true && r.period.unverified.is_none() {
            failures.push(format!("{id}: the period's caveat is not reported"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_input_names_the_field() {
    let g = |edges: Vec<Edge>| Graph {
        listed: vec!["X".into()],
        edges,
    };
    let e = |o: &str, d: &str, s: Option<f64>| Edge {
        owner: o.into(),
        owned: d.into(),
        share: s,
        ..Default::default()
    };
    assert_eq!(
        roll_up(&g(vec![e("X", "A", Some(50.0))]), "ofac", "2026-11-27")
            .unwrap_err()
            .field,
        "edges[0].share"
    );
    assert_eq!(
        roll_up(&g(vec![e("A", "A", Some(0.5))]), "ofac", "2026-11-27")
            .unwrap_err()
            .field,
        "edges[0]"
    );
    let over = g(vec![e("X", "A", Some(0.7)), e("Y", "A", Some(0.6))]);
    assert!(roll_up(&over, "ofac", "2026-11-27")
        .unwrap_err()
        .message
        .contains("more than 100 %"));
    assert_eq!(
        roll_up(&g(vec![]), "un", "2026-11-27").unwrap_err().field,
        "regime"
    );
    assert_eq!(
        roll_up(&g(vec![]), "ofac", "27.11.2026").unwrap_err().field,
        "date"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Random graphs: listed persons are always blocked; blocked and unknown never overlap;
    /// adding a listed person or raising a known share never unblocks anyone.
    #[test]
    fn roll_up_is_monotone(edges in proptest::collection::vec((0usize..6, 0usize..6, 1u32..=100, any::<bool>()), 0..12),
                           listed in proptest::collection::btree_set(0usize..6, 0..3), regime in 0usize..3, extra in 0usize..6) {
        let name = |i: usize| format!("N{i}");
        let mut per_target = [0u32; 6];
        let mut es = Vec::new();
        for (a, b, pct, known) in edges {
            if a == b || per_target[b] + pct > 100 { continue; }
            per_target[b] += pct;
            es.push(Edge { owner: name(a), owned: name(b), share: known.then_some(pct as f64 / 100.0), ..Default::default() });
        }
        let g = Graph { listed: listed.iter().map(|&i| name(i)).collect(), edges: es };
        let reg = ["ofac", "eu", "bis"][regime];
        let r = roll_up(&g, reg, "2026-11-27").unwrap();
        for l in &g.listed { prop_assert!(r.blocked.contains(l)); }
        for u in &r.unknown { prop_assert!(!r.blocked.contains(u)); }
        let mut g2 = g.clone();
        g2.listed.push(name(extra));
        let r2 = roll_up(&g2, reg, "2026-11-27").unwrap();
        for b in &r.blocked { prop_assert!(r2.blocked.contains(b), "{b} unblocked by listing {}", name(extra)); }
    }
}
