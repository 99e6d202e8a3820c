//! `chokepoint serve`, `chokepoint counterparties` and `chokepoint monitor`.

use anyhow::{bail, Context, Result};
use chokepoint_service::monitor::MonitorReport;
use chokepoint_store::monitor::Counterparty;
use chokepoint_store::Store;
use clap::{Args, Subcommand};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Every endpoint but GET /health needs `Authorization: Bearer <token>`; \
`chokepoint users add NAME --role ROLE` prints a user's token. On the first start with no users, \
an admin is created and its token printed once. The API is described at /openapi.json."
)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Seconds between checks for list changes made outside this process (another instance,
    /// `chokepoint lists update`); a change rebuilds the index and monitors counterparties
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    watch_interval: u64,
}

pub fn serve(mut store: Store, a: ServeArgs) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CHOKEPOINT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    if store.user_count()? == 0 {
        let token = store.add_user("serve", "admin", "admin")?;
        println!(
            "first start: created the user \"admin\" (role admin). Its token, shown only now:"
        );
        println!("  {token}");
        println!("Add people with `chokepoint users add NAME --role reviewer` (as --user admin).");
    }
    let state = chokepoint_server::AppState::new(store)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(chokepoint_server::serve(
        state,
        chokepoint_server::Settings {
            listen: a.listen,
            watch_interval: std::time::Duration::from_secs(a.watch_interval.max(1)),
        },
        |addr| {
            println!("listening on http://{addr}  (API description: http://{addr}/openapi.json)");
            let _ = std::io::stdout().flush();
        },
    ))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum CounterpartiesCmd {
    /// Register counterparties from a CSV (header: id,name,type,birth_date,country
    /// [,identifiers][,address], identifiers `;`-separated, the address free text) or JSON
    /// lines; they are screened at once and then after every list update. All or none are
    /// registered.
    Add {
        /// The file
        file: PathBuf,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// List registered counterparties with their last screening
    List {
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum MonitorCmd {
    /// Re-screen every registered counterparty against what the lists added or changed since
    /// the last run; new hits open cases, removed entities are noted on open cases
    Run {
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(serde::Deserialize)]
struct CsvRow {
    id: String,
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    birth_date: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    identifiers: Option<String>,
    #[serde(default)]
    address: Option<String>,
}

fn none_if_empty(s: Option<String>) -> Option<String> {
    s.map(|x| x.trim().to_string()).filter(|x| !x.is_empty())
}

/// Reads counterparties; every error names the file and line.
pub fn read_counterparties(path: &PathBuf) -> Result<Vec<Counterparty>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let mut out = Vec::new();
    if first == Some(&b'{') {
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let c: Counterparty = serde_json::from_slice(line)
                .with_context(|| format!("{}:{}", path.display(), i + 1))?;
            out.push(c);
        }
    } else {
        let mut r = csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(&bytes[..]);
        for row in r.deserialize::<CsvRow>() {
            let row = row.map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                anyhow::anyhow!("{}:{line}: {e}", path.display())
            })?;
            out.push(Counterparty {
                id: row.id.trim().to_string(),
                name: row.name,
                kind: none_if_empty(row.kind),
                country: none_if_empty(row.country),
                birth_date: none_if_empty(row.birth_date),
                identifiers: row
                    .identifiers
                    .unwrap_or_default()
                    .split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
                address: none_if_empty(row.address),
                ..Default::default()
            });
        }
    }
    if out.is_empty() {
        bail!("{}: no counterparties", path.display());
    }
    let mut ids = std::collections::HashSet::new();
    for c in &out {
        if !ids.insert(c.id.as_str()) {
            bail!(
                "{}: counterparty id {:?} appears twice",
                path.display(),
                c.id
            );
        }
    }
    Ok(out)
}

fn report(r: &MonitorReport, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(r)?);
        return Ok(());
    }
    for s in &r.sources {
        println!(
            "{}: snapshot {} → {}: {} added, {} changed, {} removed",
            s.source,
            s.from
                .map(|f| f.to_string())
                .unwrap_or_else(|| "none".into()),
            s.to,
            s.added,
            s.changed,
            s.removed
        );
    }
    println!(
        "{} counterparties screened against {} list entities: {} new hit(s), {} suppressed as known false positives; cases opened {:?}, noted {:?} (audit record {})",
        r.counterparties,
        r.delta_entities,
        r.hits,
        r.suppressed,
        r.record.cases_opened,
        r.record.cases_noted,
        r.record.audit_seq
    );
    for e in &r.rejected {
        println!("  not screened: {e}");
    }
    Ok(())
}

pub fn counterparties(store: &mut Store, user: &str, cmd: CounterpartiesCmd) -> Result<ExitCode> {
    match cmd {
        CounterpartiesCmd::Add { file, json } => {
            store.require_role(
                user,
                &["screener", "reviewer", "approver"],
                "register counterparties",
            )?;
            let cps = read_counterparties(&file)?;
            let index = chokepoint_service::build_index(store, None, Default::default())?;
            let r = chokepoint_service::monitor::register(store, user, &cps, &index)
                .with_context(|| file.display().to_string())?;
            report(&r, json)?;
            Ok(if r.hits > 0 {
                ExitCode::from(4)
            } else {
                ExitCode::SUCCESS
            })
        }
        CounterpartiesCmd::List { json } => {
            store.require_role(
                user,
                &["screener", "reviewer", "approver", "auditor"],
                "see counterparties",
            )?;
            let v = store.counterparties()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                for c in &v {
                    println!(
                        "{:<16} {:<40} {:<3} last screened {}",
                        c.id,
                        c.name,
                        c.country.as_deref().unwrap_or(""),
                        c.last_screened_at.as_deref().unwrap_or("never")
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn monitor(store: &mut Store, user: &str, cmd: MonitorCmd) -> Result<ExitCode> {
    match cmd {
        MonitorCmd::Run { json } => {
            store.require_role(user, &[], "run monitoring")?;
            let index = chokepoint_service::build_index(store, None, Default::default())?;
            let r = chokepoint_service::monitor::run(store, user, &index)?;
            let n = chokepoint_service::licensing::reassess_open(store, user, &index)?;
            report(&r, json)?;
            if n > 0 && !json {
                println!("{n} open licence application(s) re-assessed");
            }
            Ok(if r.hits > 0 {
                ExitCode::from(4)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
