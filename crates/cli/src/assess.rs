//! `chokepoint assess`: one decision for a transaction.

use crate::screen::{build_index, make_query};
use anyhow::{Context, Result};
use chokepoint_assess::transaction::Party;
use chokepoint_assess::{assess, Outcome, ScreenHit, Screener, Transaction};
use chokepoint_screen::{Config, Index};
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

struct IndexScreener(Index);

impl Screener for IndexScreener {
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
        Ok(self
            .0
            .screen(&q, 10)
            .into_iter()
            .filter(|m| m.alert)
            .map(|m| ScreenHit {
                entity_id: m.entity_id,
                name: m.matched_name,
                score: m.score,
                source: m.source,
            })
            .collect())
    }
}

pub fn run(store: &Store, a: AssessArgs) -> Result<ExitCode> {
    crate::check_date(&a.date, "--date")?;
    let text = std::fs::read_to_string(&a.transaction)
        .with_context(|| format!("reading {}", a.transaction.display()))?;
    let mut tx: Transaction = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid transaction", a.transaction.display()))?;
    if a.date.is_some() {
        tx.date = a.date.clone();
    }
    let index = build_index(store, tx.date.as_deref(), Config::default())?;
    let d =
        assess(&tx, &IndexScreener(index)).with_context(|| a.transaction.display().to_string())?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&d)?);
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
    }
    Ok(ExitCode::from(match d.outcome {
        Outcome::Clear => 0,
        Outcome::LicenseRequired => 5,
        Outcome::Indeterminate => 6,
        Outcome::Prohibited => 7,
        Outcome::HoldForReview => 8,
    }))
}
