//! Determination speed: single-item determinations per second on one core, over every ECCN of
//! the CCL (plus EAR99) × every Country Chart destination, with and without paragraphs, and
//! the same with the JSON rendering a caller would do.
//!
//! Usage: cargo run --release -p chokepoint-bench --bin determine-bench [-- --n 300000]

use chokepoint_controls::data::Data;
use chokepoint_controls::{determine, Item, Outcome, Request};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let n: usize = chokepoint_bench::arg("--n", 300_000);
    let d = Data::get();
    let mut eccns: Vec<String> = d.ccl.keys().cloned().collect();
    eccns.sort();
    let mut with_para: Vec<String> = eccns.iter().map(|e| format!("{e}.a")).collect();
    with_para.extend(eccns.iter().cloned());
    with_para.push("EAR99".into());
    let mut dests: Vec<String> = d.chart.rows.keys().cloned().collect();
    dests.extend(d.chart.pointer_rows.keys().cloned());
    dests.sort();
    // A fixed pseudo-random walk over (item, destination) pairs.
    let reqs: Vec<Request> = (0..4096usize)
        .map(|i| {
            let k = i.wrapping_mul(2654435761) % (with_para.len() * dests.len());
            Request {
                destination: Some(dests[k % dests.len()].clone()),
                items: vec![Item {
                    eccn: Some(with_para[k / dests.len()].clone()),
                    value: Some(1000.0),
                    ..Default::default()
                }],
                date: Some("2026-11-27".into()),
                ..Default::default()
            }
        })
        .collect();
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    for r in &reqs {
        let o = determine(r)
            .map(|d| d.outcome)
            .unwrap_or(Outcome::Indeterminate);
        *outcomes.entry(o.as_str()).or_default() += 1;
    }
    println!(
        "requests: {} distinct (ECCN or ECCN.a or EAR99 × {} destinations); outcomes {outcomes:?}",
        reqs.len(),
        dests.len()
    );
    let t = Instant::now();
    for i in 0..n {
        std::hint::black_box(determine(&reqs[i % reqs.len()]).ok());
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "single thread: {n} determinations in {s:.2} s: {:.0} per second ({:.2} µs each)",
        n as f64 / s,
        s * 1e6 / n as f64
    );
    let t = Instant::now();
    let mut bytes = 0usize;
    for i in 0..n / 4 {
        if let Ok(det) = determine(&reqs[i % reqs.len()]) {
            bytes += serde_json::to_string(&det).map(|s| s.len()).unwrap_or(0);
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "with JSON output: {} in {s:.2} s: {:.0} per second (mean {} bytes)",
        n / 4,
        (n / 4) as f64 / s,
        bytes / (n / 4).max(1)
    );
}
