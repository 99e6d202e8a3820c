//! `chokepoint assess`: one decision for a transaction.

use crate::screen::{build_index, make_query};
use anyhow::{Context, Result};
use chokepoint_assess::transaction::Party;
use chokepoint_assess::{assess, Outcome, ScreenHit, Screener, Transaction};
use chokepoint_screen::{Config, Index};
use chokepoint_store::cases::party_key;
use chokepoint_store::Store;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "The transaction (JSON): exporter {country}, parties [{id, role, name, kind, country, address, \
identifiers, lists …}], items [{eccn | eu, hs, quantity, unit_price …}], route {origin, transit, destination}, end_use, \
payment, ownership {listed, edges}, changes, channel, notes, letters, contract, facts — field names as in red-flags.md §2. \
Decision: CLEAR, LICENSE_REQUIRED, INDETERMINATE, HOLD_FOR_REVIEW, PROHIBITED. Exit status: 0 clear, 5 licence required, \
6 indeterminate, 8 hold for review, 7 prohibited, 1 error."
)]
pub struct AssessArgs {
    /// The transaction file (JSON)
    transaction: PathBuf,
    /// Evaluation date (YYYY-MM-DD): the lists and rules in force then; default today
    #[arg(long)]
    date: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Screens with the index over the lists in force, leaving out hits a reviewer judged false
/// positives on the same version of the list entity.
struct IndexScreener<'a> {
    index: Index,
    store: &'a Store,
    snapshots: Vec<i64>,
}

impl Screener for IndexScreener<'_> {
    fn screen(&self, p: &Party) -> Result<Vec<ScreenHit>, String> {
        let q = make_query(
            &p.name,
            p.kind.as_deref(),
            p.birth_date.as_deref(),
            p.country.as_deref(),
            p.identifiers.clone(),
            vec![],
        )
        .map_err(|e| e.to_string())?;
        let key = party_key(&p.name, q.country.as_deref());
        let mut out = Vec::new();
        for m in self.index.screen(&q, 10).into_iter().filter(|m| m.alert) {
            let hash = self
                .store
                .entity_hash(&self.snapshots, &m.entity_id)
                .map_err(|e| e.to_string())?;
            let known_fp = match &hash {
                Some(h) => self
                    .store
                    .suppressed(&key, &m.entity_id, h)
                    .map_err(|e| e.to_string())?,
                None => false,
            };
            if !known_fp {
                out.push(m);
            }
        }
        Ok(out
            .into_iter()
            .map(|m| ScreenHit {
                entity_id: m.entity_id,
                name: m.matched_name,
                score: m.score,
                source: m.source,
            })
            .collect())
    }
}

pub fn run(store: &mut Store, user: &str, a: AssessArgs) -> Result<ExitCode> {
    crate::check_date(&a.date, "--date")?;
    let text = std::fs::read_to_string(&a.transaction)
        .with_context(|| format!("reading {}", a.transaction.display()))?;
    let mut tx: Transaction = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid transaction", a.transaction.display()))?;
    if a.date.is_some() {
        tx.date = a.date.clone();
    }
    let index = build_index(store, tx.date.as_deref(), Config::default())?;
    let snapshots: Vec<i64> = store
        .in_force_all(tx.date.as_deref())?
        .iter()
        .map(|s| s.id)
        .collect();
    let screener = IndexScreener {
        index,
        store,
        snapshots: snapshots.clone(),
    };
    let d = assess(&tx, &screener).with_context(|| a.transaction.display().to_string())?;
    drop(screener);
    // The record: inputs, the list snapshots used, the outputs; a hold opens a case with its
    // hits, in the same transaction.
    let subject = tx
        .id
        .clone()
        .unwrap_or_else(|| a.transaction.display().to_string());
    let mut hits: Vec<(String, String, String, String)> = Vec::new();
    if d.outcome == Outcome::HoldForReview {
        for s in &d.screening {
            for h in &s.hits {
                hits.push((
                    s.party.clone(),
                    "screening".into(),
                    h.entity_id.clone(),
                    format!("\"{}\" ({}, score {:.3})", h.name, h.source, h.score),
                ));
            }
        }
        for f in d
            .red_flags
            .iter()
            .filter(|f| f.rule != "KYC-01" && f.severity != "INFO")
        {
            hits.push((
                String::new(),
                "red_flag".into(),
                f.rule.clone(),
                format!("{} ({}): {}", f.indicator, f.severity, f.facts.join("; ")),
            ));
        }
    }
    let body = serde_json::json!({
        "transaction": tx,
        "parties": tx.parties.iter().map(|p| serde_json::json!({
            "id": p.id,
            "name": p.name,
            "country": p.country.as_deref().and_then(chokepoint_screen::parse_country),
        })).collect::<Vec<_>>(),
        "snapshots": snapshots,
        "decision": d,
    });
    let (seq, case) = store.record_assessment(user, &subject, &body, &hits)?;
    if a.json {
        let mut v = serde_json::to_value(&d)?;
        v["audit_seq"] = seq.into();
        v["case_id"] = case.into();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{}  (risk {:.2}, {})",
            serde_json::to_value(d.outcome)?.as_str().unwrap_or(""),
            d.risk_score,
            d.date
        );
        for c in &d.contributions {
            println!(
                "  +{:.2} {}{}: {}",
                c.amount,
                c.source,
                c.party
                    .as_ref()
                    .map(|p| format!(" [{p}]"))
                    .unwrap_or_default(),
                c.why
            );
        }
        for e in &d.explanation {
            println!("  {e}");
        }
        println!(
            "audit record {seq}{}",
            case.map(|c| format!("; case {c} opened for review"))
                .unwrap_or_default()
        );
    }
    Ok(ExitCode::from(match d.outcome {
        Outcome::Clear => 0,
        Outcome::LicenseRequired => 5,
        Outcome::Indeterminate => 6,
        Outcome::Prohibited => 7,
        Outcome::HoldForReview => 8,
    }))
}
