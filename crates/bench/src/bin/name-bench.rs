//! nomenklatura's name benchmark: 826 labelled name pairs. Each pair is scored as a query (name1)
//! against a one-name list entry (name2), with token weights from the shipped lists. Prints
//! precision, recall and F1 at the default alert threshold, per case group, a threshold sweep and
//! the calibration check (mean score per label and quality tier).
//!
//! Usage: cargo run --release -p chokepoint-bench --bin name-bench [-- --threshold 0.8]
//!
//! `-- --pair "QUERY NAME" "LISTED NAME" [Person|Organization|Vessel]` scores one pair and prints
//! its explanation, to see why a pair the benchmark misses scores as it does.

use chokepoint_bench::{current_lists, data_dir, prf};
use chokepoint_model::{Entity, Kind};
use chokepoint_screen::{Config, Index, Query, DEFAULT_ALERT_THRESHOLD};
use std::collections::BTreeMap;

/// (case group, schema, name1, name2, is_match, quality, score).
type Row = (String, String, String, String, bool, String, f32);

fn kind(schema: &str) -> Kind {
    match schema {
        "Person" => Kind::Person,
        "Organization" | "Company" | "LegalEntity" => Kind::Organization,
        "Vessel" => Kind::Vessel,
        _ => Kind::Unknown,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threshold = args
        .iter()
        .position(|a| a == "--threshold")
        .and_then(|i| args.get(i + 1))
        .and_then(|t| t.parse().ok())
        .unwrap_or(DEFAULT_ALERT_THRESHOLD);
    let verbose = args.iter().any(|a| a == "--errors");
    let mut index = Index::build(current_lists(), Config::default());
    if let Some(i) = args.iter().position(|a| a == "--pair") {
        let (Some(a), Some(b)) = (args.get(i + 1), args.get(i + 2)) else {
            eprintln!("--pair needs two names");
            std::process::exit(2);
        };
        let k = kind(args.get(i + 3).map_or("", String::as_str));
        for n in [a, b] {
            for f in chokepoint_names::analyze(n, k) {
                let words: Vec<String> = f
                    .tokens
                    .iter()
                    .map(|t| {
                        format!(
                            "{}{:?}{}",
                            t.text,
                            t.class,
                            if t.abjad { "/abjad" } else { "" }
                        )
                    })
                    .collect();
                println!("{n:?}: {}", words.join(" "));
            }
        }
        let q = Query {
            name: a.clone(),
            kind: Some(k),
            ..Default::default()
        };
        match index.compare(&q, &Entity::new("case", k, b.clone())) {
            Some(m) => println!(
                "{:.3}\n{}",
                m.score,
                serde_json::to_string_pretty(&m.explanation).expect("json")
            ),
            None => println!("no score (nothing in common)"),
        }
        return;
    }
    if args.iter().any(|a| a == "--sweep") {
        sweep(&mut index);
        return;
    }
    let mut rdr = csv::Reader::from_path(data_dir().join("eval/nomenklatura_name_bench_cases.csv"))
        .expect("cases file");
    let mut rows: Vec<Row> = Vec::new();
    for r in rdr.records() {
        let r = r.expect("row");
        let (group, schema, n1, n2, is_match, quality) = (
            r[0].to_string(),
            r[1].to_string(),
            r[2].to_string(),
            r[3].to_string(),
            &r[4] == "true",
            r[5].to_string(),
        );
        let k = kind(&schema);
        let q = Query {
            name: n1.clone(),
            kind: Some(k),
            ..Default::default()
        };
        let e = Entity::new("case", k, n2.clone());
        let score = index.compare(&q, &e).map(|m| m.score).unwrap_or(0.0);
        rows.push((group, schema, n1, n2, is_match, quality, score));
    }
    let count = |rows: &[&Row], t: f32| {
        let tp = rows.iter().filter(|r| r.4 && r.6 >= t).count();
        let fp = rows.iter().filter(|r| !r.4 && r.6 >= t).count();
        let fn_ = rows.iter().filter(|r| r.4 && r.6 < t).count();
        (tp, fp, fn_)
    };
    let all: Vec<_> = rows.iter().collect();
    let (tp, fp, fn_) = count(&all, threshold);
    let (p, r, f) = prf(tp, fp, fn_);
    println!(
        "nomenklatura name bench: {} pairs, threshold {threshold:.2}",
        rows.len()
    );
    println!(
        "overall: TP {tp} FP {fp} FN {fn_} TN {}  precision {p:.3} recall {r:.3} F1 {f:.3}",
        rows.len() - tp - fp - fn_
    );
    let mut groups: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &rows {
        groups.entry(r.0.as_str()).or_default().push(r);
    }
    println!("\n| case group | pairs | precision | recall | F1 |\n|---|---|---|---|---|");
    for (g, rs) in &groups {
        let (tp, fp, fn_) = count(rs, threshold);
        let (p, r, f) = prf(tp, fp, fn_);
        println!("| {g} | {} | {p:.3} | {r:.3} | {f:.3} |", rs.len());
    }
    println!("\nthreshold sweep:");
    for t in [0.6f32, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9] {
        let (tp, fp, fn_) = count(&all, t);
        let (p, r, f) = prf(tp, fp, fn_);
        println!("  {t:.2}: P {p:.3} R {r:.3} F1 {f:.3}");
    }
    println!("\ncalibration (mean score by label and quality):");
    let mut cal: BTreeMap<(bool, String), (f32, usize)> = BTreeMap::new();
    for r in &rows {
        let e = cal.entry((r.4, r.5.clone())).or_insert((0.0, 0));
        e.0 += r.6;
        e.1 += 1;
    }
    for ((m, q), (s, n)) in cal.iter().rev() {
        println!(
            "  match={m:<5} {q:<7} n={n:<4} mean score {:.3}",
            s / *n as f32
        );
    }
    if verbose {
        println!("\nerrors:");
        for r in &rows {
            if r.4 != (r.6 >= threshold) {
                println!(
                    "  {} {} [{}] {:?} vs {:?}: {:.3}",
                    if r.4 { "FN" } else { "FP" },
                    r.0,
                    r.5,
                    r.2,
                    r.3,
                    r.6
                );
            }
        }
    }
}

/// Grid search over the scoring weights: F1 at the best threshold with precision ≥ 0.85.
fn sweep(index: &mut Index) {
    let mut rdr = csv::Reader::from_path(data_dir().join("eval/nomenklatura_name_bench_cases.csv"))
        .expect("cases file");
    let cases: Vec<(Query, Entity, bool)> = rdr
        .records()
        .map(|r| {
            let r = r.expect("row");
            let k = kind(&r[1]);
            (
                Query {
                    name: r[2].to_string(),
                    kind: Some(k),
                    ..Default::default()
                },
                Entity::new("case", k, r[3].to_string()),
                &r[4] == "true",
            )
        })
        .collect();
    let mut best = (0.0, String::new());
    for cw in [1.0f32, 1.5, 2.0, 2.5] {
        for uq in [0.2f32, 0.35, 0.5, 0.7] {
            for ul in [0.05f32, 0.1, 0.15, 0.25] {
                let cfg = Config {
                    conflict_weight: cw,
                    unmatched_query_weight: uq,
                    unmatched_list_weight: ul,
                    ..Config::default()
                };
                index.set_config(cfg);
                let scores: Vec<(f32, bool)> = cases
                    .iter()
                    .map(|(q, e, m)| (index.compare(q, e).map(|x| x.score).unwrap_or(0.0), *m))
                    .collect();
                for t in (60..=90).step_by(2).map(|t| t as f32 / 100.0) {
                    let tp = scores.iter().filter(|(s, m)| *m && *s >= t).count();
                    let fp = scores.iter().filter(|(s, m)| !*m && *s >= t).count();
                    let fn_ = scores.iter().filter(|(s, m)| *m && *s < t).count();
                    let (p, r, f) = prf(tp, fp, fn_);
                    if p >= 0.85 && f > best.0 {
                        best = (f, format!("conflict {cw} unmatched_query {uq} unmatched_list {ul} threshold {t:.2}: P {p:.3} R {r:.3} F1 {f:.3}"));
                    }
                }
            }
        }
    }
    println!("best: {}", best.1);
}
