//! Shared helpers for the benchmark binaries: loading the shipped lists and eval files.

use chokepoint_lists::{parse, InputFile, Limits};
use chokepoint_model::Entity;
use std::path::{Path, PathBuf};

/// The repository's data folder.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")
}

/// The newest shipped edition of every list, as (source, entity) pairs: OFAC SDN and
/// consolidated, CSL, BIS DPL, EU, UN, UK.
pub fn current_lists() -> Vec<(String, Entity)> {
    let files = [
        "ofac/sdn.xml.gz",
        "ofac/CONS_ENHANCED.ZIP",
        "csl/consolidated.csv.gz",
        "bis/dpl.txt.gz",
        "eu/20240513-FULL-1_1(xsd).xml.gz",
        "un/consolidated.xml.gz",
        "uk/ConList_2025-04-14.xlsx",
    ];
    let mut out = Vec::new();
    for f in files {
        let input = InputFile::read(&data_dir().join("lists").join(f)).expect("shipped list file");
        let p = parse(&[input], None, Limits::default()).expect("shipped list parses");
        out.extend(p.entities.into_iter().map(|e| (p.source.clone(), e)));
    }
    out
}

/// Precision, recall, F1 from counts.
pub fn prf(tp: usize, fp: usize, fn_: usize) -> (f64, f64, f64) {
    let p = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let r = if tp + fn_ == 0 {
        1.0
    } else {
        tp as f64 / (tp + fn_) as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// The value after `--name` on the command line, or `default` when absent or unreadable.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
