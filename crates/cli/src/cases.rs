//! `chokepoint users`, `cases` and `audit`: reviewers' work on held orders, and the audit log.

use anyhow::{bail, Result};
use chokepoint_store::Store;
use clap::Subcommand;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status of `audit verify` when the chain is broken.
const EXIT_TAMPERED: u8 = 9;

#[derive(Subcommand)]
pub enum UsersCmd {
    /// Add a user with a role: screener, reviewer, approver, auditor, admin
    Add {
        /// User name
        name: String,
        /// Role
        #[arg(long)]
        role: String,
    },
}

#[derive(Subcommand)]
pub enum CasesCmd {
    /// List cases (newest first)
    List {
        /// Only cases in this status: open, closed
        #[arg(long)]
        status: Option<String>,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show a case with its hits
    Show {
        /// Case id
        id: i64,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Record the disposition of one hit (reviewer)
    Dispose {
        /// Case id
        id: i64,
        /// Hit number (see `cases show`)
        hit: i64,
        /// false_positive, true_match or escalate
        #[arg(long)]
        disposition: String,
        /// Why (kept in the case and the audit log)
        #[arg(long)]
        reason: String,
    },
    /// Approve and close a case whose hits are all disposed (an approver other than the reviewers)
    Approve {
        /// Case id
        id: i64,
    },
}

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain: any edited, deleted or reordered record is reported (exit 9)
    Verify {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Write the records of a period as JSON lines, for an auditor
    Export {
        /// From this date (YYYY-MM-DD)
        #[arg(long)]
        from: Option<String>,
        /// Up to this date, inclusive
        #[arg(long)]
        to: Option<String>,
        /// Output file; default standard output
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn users(store: &mut Store, actor: &str, cmd: UsersCmd) -> Result<ExitCode> {
    store.require_role(actor, &[], "add users")?;
    match cmd {
        UsersCmd::Add { name, role } => {
            let token = store.add_user(actor, &name, &role)?;
            println!("user {name} added with role {role}; API token (shown only now):");
            println!("  {token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn cases(store: &mut Store, user: &str, cmd: CasesCmd) -> Result<ExitCode> {
    store.require_role(
        user,
        &["screener", "reviewer", "approver", "auditor"],
        "see cases",
    )?;
    match cmd {
        CasesCmd::List { status, json } => {
            let cs = store.cases(status.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&cs)?);
            } else {
                for c in &cs {
                    let open = c.hits.iter().filter(|h| h.disposition.is_none()).count();
                    println!(
                        "{:>5}  {:<7} {}  {}  {} hit(s), {open} undisposed",
                        c.id,
                        c.status,
                        c.opened_at,
                        c.subject,
                        c.hits.len()
                    );
                }
            }
        }
        CasesCmd::Show { id, json } => {
            let Some(c) = store.case(id)? else {
                bail!("no case {id}")
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                println!(
                    "case {} ({}) opened {} by {}: {}",
                    c.id, c.status, c.opened_at, c.opened_by, c.subject
                );
                for h in &c.hits {
                    println!(
                        "  hit {} [{}] {} {}: {}{}",
                        h.hit_no,
                        h.kind,
                        h.party,
                        h.reference,
                        h.detail,
                        h.disposition
                            .as_ref()
                            .map(|d| format!(
                                " → {d} by {} ({})",
                                h.disposed_by.clone().unwrap_or_default(),
                                h.reason.clone().unwrap_or_default()
                            ))
                            .unwrap_or_default()
                    );
                }
                if let Some(by) = &c.closed_by {
                    println!(
                        "  closed {} by {by}",
                        c.closed_at.clone().unwrap_or_default()
                    );
                }
            }
        }
        CasesCmd::Dispose {
            id,
            hit,
            disposition,
            reason,
        } => {
            // A false positive is remembered against the list entity's current version.
            chokepoint_service::dispose(store, user, id, hit, &disposition, &reason)?;
            println!("case {id} hit {hit}: {disposition}");
        }
        CasesCmd::Approve { id } => {
            store.approve(user, id)?;
            println!("case {id} approved by {user} and closed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn audit(store: &Store, user: &str, cmd: AuditCmd) -> Result<ExitCode> {
    store.require_role(user, &["auditor"], "read the audit log")?;
    match cmd {
        AuditCmd::Verify { json } => {
            let r = store.verify_audit()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else if r.problems.is_empty() {
                println!("audit log intact: {} records, head {}", r.records, r.head);
            } else {
                println!("audit log BROKEN ({} records):", r.records);
                for p in &r.problems {
                    println!("  {p}");
                }
            }
            Ok(if r.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_TAMPERED)
            })
        }
        AuditCmd::Export { from, to, out } => {
            crate::check_date(&from, "--from")?;
            crate::check_date(&to, "--to")?;
            let recs = store.audit_records(from.as_deref(), to.as_deref())?;
            let mut w: Box<dyn Write> = match &out {
                Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            for r in &recs {
                serde_json::to_writer(&mut w, r)?;
                w.write_all(b"\n")?;
            }
            w.flush()?;
            eprintln!("exported {} audit records", recs.len());
            Ok(ExitCode::SUCCESS)
        }
    }
}
