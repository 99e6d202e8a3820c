//! `chokepoint assess`: one decision for a transaction.

use anyhow::{Context, Result};
use chokepoint_assess::{assess_with, Outcome, Transaction};
use chokepoint_screen::{Config, Index};
use chokepoint_service::IndexScreener;
use chokepoint_store::Store;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "The transaction (JSON): exporter {country}, parties [{id, role, name, kind, country, address, \
identifiers, lists …}], items [{eccn | eu, hs, quantity, unit_price …}], route {origin, transit, destination}, end_use, \
payment, ownership {listed, edges}, changes, channel, notes, letters, contract, facts — field names as in red-flags.md §2. \
KYC-04, KYC-11 and LET-05 read the operator's reference tables (`chokepoint reference set --help`); without them they are \
reported as not evaluated. \
Decision: CLEAR, LICENSE_REQUIRED, INDETERMINATE, HOLD_FOR_REVIEW, PROHIBITED. Exit status: 0 clear, 5 licence required, \
6 indeterminate, 8 hold for review, 7 prohibited, 1 error."
)]
pub struct AssessArgs {
    /// The transaction file (JSON)
    #[arg(required_unless_present = "replay", conflicts_with = "replay")]
    transaction: Option<PathBuf>,
    /// Recompute a recorded assessment (its audit record number) from its recorded inputs and
    /// list snapshots, and show what differs (exit 11 when anything does)
    #[arg(long, value_name = "AUDIT_ID")]
    replay: Option<i64>,
    /// Evaluation date (YYYY-MM-DD): the lists and rules in force then; default today
    #[arg(long)]
    date: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn run(store: &mut Store, user: &str, a: AssessArgs) -> Result<ExitCode> {
    crate::check_date(&a.date, "--date")?;
    store.require_role(
        user,
        &["screener", "reviewer", "approver"],
        "assess transactions",
    )?;
    if let Some(seq) = a.replay {
        return replay(store, user, seq, a.json);
    }
    let path = a.transaction.clone().expect("clap requires it");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut tx: Transaction = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid transaction", path.display()))?;
    if a.date.is_some() {
        tx.date = a.date.clone();
    }
    let subject = tx.id.clone().unwrap_or_else(|| path.display().to_string());
    let chokepoint_service::Assessed {
        decision: d,
        audit_seq: seq,
        case_id: case,
        licences,
    } = chokepoint_service::assess_and_record(store, user, &tx, &subject, None)
        .with_context(|| path.display().to_string())?;
    if a.json {
        let mut v = serde_json::to_value(&d)?;
        v["audit_seq"] = seq.into();
        v["case_id"] = case.into();
        if !licences.is_empty() {
            v["licences"] = serde_json::to_value(&licences)?;
        }
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
        for e in d.explanation.lines() {
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

/// Recomputes a recorded assessment from its recorded transaction, list snapshots and
/// suppressed false positives, and reports what differs.
fn replay(store: &mut Store, user: &str, seq: i64, json: bool) -> Result<ExitCode> {
    let rec = store
        .audit_records(None, None)?
        .into_iter()
        .find(|r| r.seq == seq)
        .ok_or_else(|| anyhow::anyhow!("no audit record {seq}"))?;
    if rec.action != "assess" {
        anyhow::bail!("audit record {seq} is a {}, not an assessment", rec.action);
    }
    let tx: Transaction = serde_json::from_value(rec.body["transaction"].clone())
        .with_context(|| format!("audit record {seq}: transaction"))?;
    let snapshots: Vec<i64> = serde_json::from_value(rec.body["snapshots"].clone())
        .with_context(|| format!("audit record {seq}: snapshots"))?;
    let replayed: Vec<(String, String)> =
        serde_json::from_value(rec.body["suppressed_false_positives"].clone()).unwrap_or_default();
    let mut entities = Vec::new();
    for &id in &snapshots {
        let snap = store
            .snapshot(id)?
            .ok_or_else(|| anyhow::anyhow!("snapshot {id} of record {seq} is gone"))?;
        for e in store.entities(id)? {
            entities.push((snap.source.clone(), e));
        }
    }
    // Assessments recorded before reference tables existed used none.
    let versions: chokepoint_service::reference::Versions =
        serde_json::from_value(rec.body["reference"].clone()).unwrap_or_default();
    let reference = chokepoint_service::reference::load_at(store, &versions)
        .with_context(|| format!("audit record {seq}: reference tables"))?;
    let index = Index::build(entities, Config::default());
    let screener = IndexScreener::new(&index, store, snapshots.clone(), Some(replayed));
    let now = assess_with(&tx, &screener, &reference.reference, reference.suppliers())
        .with_context(|| format!("replaying audit record {seq}"))?;
    drop(screener);
    let then = &rec.body["decision"];
    let now_v = serde_json::to_value(&now)?;
    let mut diffs = Vec::new();
    for field in ["outcome", "risk_score"] {
        if then[field] != now_v[field] {
            diffs.push(format!(
                "{field}: {} then, {} now",
                then[field], now_v[field]
            ));
        }
    }
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v["red_flags"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| h["rule"].as_str().unwrap_or("").to_string())
            .collect()
    };
    if rules(then) != rules(&now_v) {
        diffs.push(format!(
            "red flags: {:?} then, {:?} now",
            rules(then),
            rules(&now_v)
        ));
    }
    let lines = |v: &serde_json::Value| -> Vec<String> {
        v["determination"]["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                format!(
                    "{} {}",
                    l["item"].as_str().unwrap_or(""),
                    l["outcome"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    if lines(then) != lines(&now_v) {
        diffs.push(format!(
            "lines: {:?} then, {:?} now",
            lines(then),
            lines(&now_v)
        ));
    }
    if then["screening"] != now_v["screening"] {
        diffs.push("screening hits differ".into());
    }
    store.audit(
        user,
        "assess.replay",
        &format!("audit {seq}"),
        &serde_json::json!({"differences": diffs}),
    )?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"audit_seq": seq, "identical": diffs.is_empty(), "differences": diffs, "decision": now_v})
            )?
        );
    } else if diffs.is_empty() {
        println!(
            "audit record {seq}: replayed on snapshots {snapshots:?} — identical ({})",
            now_v["outcome"]
        );
    } else {
        println!("audit record {seq}: replayed on snapshots {snapshots:?} — DIFFERS:");
        for d in &diffs {
            println!("  {d}");
        }
    }
    Ok(if diffs.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(11)
    })
}
