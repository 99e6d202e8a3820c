//! Classification help: candidate ECCNs for a description, from the CCL headings and item
//! text. An aid for the classifier, not a verdict — a person classifies.

use crate::data::Data;
use serde::Serialize;
use std::collections::HashMap;

/// A candidate ECCN with the passages that matched.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Candidate {
    /// ECCN.
    pub eccn: String,
    /// Relevance (BM25 over heading and paragraphs; only comparable within one search).
    pub score: f32,
    /// The heading.
    pub heading: String,
    /// Paragraphs whose text matched, as `a: text`.
    pub passages: Vec<String>,
}

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2 && !STOP.contains(w))
        .map(|w| w.trim_end_matches('s').to_string())
        .collect()
}

const STOP: &[&str] = &[
    "the",
    "and",
    "for",
    "with",
    "that",
    "are",
    "any",
    "not",
    "this",
    "than",
    "from",
    "having",
    "following",
    "specially",
    "designed",
    "other",
    "which",
    "such",
    "all",
    "being",
    "more",
];

/// The `n` best candidate ECCNs for a description.
pub fn classify(text: &str, n: usize) -> Vec<Candidate> {
    let d = Data::get();
    let q = words(text);
    if q.is_empty() {
        return vec![];
    }
    // Documents: each entry's heading and paragraph texts.
    let docs: Vec<(&str, Vec<String>)> = d
        .ccl
        .values()
        .map(|e| {
            let mut t = e.heading.clone();
            for p in e.paragraphs.values() {
                t.push(' ');
                t.push_str(p);
            }
            (e.eccn.as_str(), words(&t))
        })
        .collect();
    let mut df: HashMap<&str, f32> = HashMap::new();
    for (_, ws) in &docs {
        let mut seen: Vec<&str> = ws.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for w in seen {
            *df.entry(w).or_default() += 1.0;
        }
    }
    let nd = docs.len() as f32;
    let avg = docs.iter().map(|(_, w)| w.len() as f32).sum::<f32>() / nd.max(1.0);
    let mut scored: Vec<(f32, &str)> = docs
        .iter()
        .map(|(eccn, ws)| {
            let len = ws.len() as f32;
            let s: f32 = q
                .iter()
                .map(|t| {
                    let tf = ws.iter().filter(|w| *w == t).count() as f32;
                    if tf == 0.0 {
                        return 0.0;
                    }
                    let idf = ((nd - df[t.as_str()] + 0.5) / (df[t.as_str()] + 0.5) + 1.0).ln();
                    idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len / avg))
                })
                .sum();
            (s, *eccn)
        })
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(n)
        .map(|(score, eccn)| {
            let e = &d.ccl[eccn];
            let passages = e
                .paragraphs
                .iter()
                .filter(|(_, t)| {
                    let w = words(t);
                    q.iter().any(|x| w.contains(x))
                })
                .take(3)
                .map(|(k, t)| format!("{eccn}.{k}: {t}"))
                .collect();
            Candidate {
                eccn: eccn.to_string(),
                score: (score * 100.0).round() / 100.0,
                heading: e.heading.clone(),
                passages,
            }
        })
        .collect()
}
