//! `chokepoint reference`: the operator's reference tables for the red-flag rules that need
//! facts from outside the transaction (KYC-04 sectors, KYC-11 routes, LET-05 suppliers).

use anyhow::{Context, Result};
use chokepoint_service::reference;
use chokepoint_store::Store;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ReferenceCmd {
    /// Check a table and put it in force (recorded in the audit log; admin)
    ///
    /// Tables (CSV with a header; `#` starts a comment line):
    ///   routes     origin,destination,transit — transit countries separated by `;`, origin `*`
    ///              for any; KYC-11 fires on routing through a country not listed for the
    ///              transaction's origin and destination
    ///   sectors    country,sector — one row per sector present; KYC-04 fires when none of
    ///              an item's `typical_end_uses` is present at the destination (numeric
    ///              industry codes match within their hierarchy: 26 covers 2610)
    ///   suppliers  name,country,hs6,last_shipment,source — parties found in trade data as
    ///              suppliers to Russia; LET-05 fires when the order has a high priority item
    ///              and a party matches a row shipped within the last 12 months
    /// A rule whose table is not set, or has no row for the transaction, is reported as not
    /// evaluated, never as passed.
    #[command(verbatim_doc_comment)]
    Set {
        /// routes, sectors or suppliers
        table: String,
        /// The CSV file
        file: PathBuf,
    },
    /// Withdraw a table (admin)
    Unset {
        /// routes, sectors or suppliers
        table: String,
    },
    /// The tables in force, with the audit record that set each
    Show {
        /// Print JSON (the tables' rows included)
        #[arg(long)]
        json: bool,
    },
}

pub fn run(store: &mut Store, user: &str, cmd: ReferenceCmd) -> Result<ExitCode> {
    match cmd {
        ReferenceCmd::Set { table, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let (seq, rows) =
                reference::set(store, user, &table, &text, &file.display().to_string())?;
            println!("{table}: {rows} row(s) in force (audit record {seq})");
        }
        ReferenceCmd::Unset { table } => {
            let seq = reference::unset(store, user, &table)?;
            println!("{table}: withdrawn (audit record {seq})");
        }
        ReferenceCmd::Show { json } => {
            let loaded = reference::load_current(store)?;
            let (r, v) = (&loaded.reference, &loaded.versions);
            if json {
                let mut out = serde_json::to_value(r)?;
                out["audit_records"] = serde_json::to_value(v)?;
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                for t in chokepoint_assess::reference::TABLES {
                    match v.get(t) {
                        Some(seq) => {
                            let rec = store.audit_record(*seq)?;
                            let (rows, at, file) = rec.map_or_else(Default::default, |r| {
                                (r.body["rows"].clone(), r.at, r.body["file"].clone())
                            });
                            println!(
                                "{t}: {rows} row(s) from {file}, set {at} (audit record {seq})"
                            );
                        }
                        None => println!("{t}: not set (its rule is reported as not evaluated)"),
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
