//! `chokepoint`: the command-line interface. It stays thin: parsing lives in `chokepoint-lists`,
//! storage in `chokepoint-store`; this file turns arguments into calls and results into text or
//! JSON.

mod assess;
mod bundled;
mod cases;
mod determine;
mod licensing;
mod ownership;
mod reference;
mod screen;
mod serve;
mod update;

use anyhow::{anyhow, bail, Context, Result};
use chokepoint_lists::{companions, parse, Format, InputFile, Limits, ParsedList};
use chokepoint_model::Entity;
use chokepoint_store::{sha256_hex, ImportItem, ImportOutcome, Snapshot, Store};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status for "not listed on that date", so scripts can tell it from an error.
const EXIT_NOT_LISTED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "chokepoint",
    version,
    about = "Export-control compliance engine: official sanctions and export-control lists, versioned by date",
    long_about = "Chokepoint ingests the official sanctions and export-control lists (OFAC, the US Consolidated \
Screening List, BIS Denied Persons, EU, UN, UK, FollowTheMoney) in their native formats and keeps every \
edition as a dated snapshot, so you can ask what a list said on any day.\n\nOn first use the store is \
filled from the official files shipped with Chokepoint; `chokepoint lists update` fetches current ones."
)]
struct Cli {
    /// The store: an SQLite file [default: <user data dir>/chokepoint/chokepoint.db], or a
    /// PostgreSQL URL (postgres://user:password@host/database) shared by several instances
    #[arg(
        long,
        visible_alias = "database",
        global = true,
        env = "CHOKEPOINT_DB",
        value_name = "PATH|URL"
    )]
    db: Option<PathBuf>,
    /// Who is acting (recorded in the audit log; case actions check the user's role)
    #[arg(
        long,
        global = true,
        env = "CHOKEPOINT_USER",
        default_value = "local",
        value_name = "NAME"
    )]
    user: String,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Import, inspect, compare and update the lists
    Lists {
        #[command(subcommand)]
        cmd: ListsCmd,
    },
    /// Screen a party (or a CSV of parties) against the lists
    Screen(screen::ScreenArgs),
    /// Does this item, to this destination, need a licence? (US EAR, with citations)
    Determine(determine::DetermineArgs),
    /// Candidate ECCNs for an item description (an aid, not a classification)
    Classify(determine::ClassifyArgs),
    /// Which entities an ownership graph makes blocked under the OFAC, EU or BIS rule
    Ownership(ownership::OwnershipArgs),
    /// One decision for a transaction: screening, ownership, determination, red flags
    Assess(assess::AssessArgs),
    /// Reference tables for the red-flag rules that need outside facts (routes, sectors,
    /// suppliers to Russia)
    Reference {
        #[command(subcommand)]
        cmd: reference::ReferenceCmd,
    },
    /// Users and roles
    Users {
        #[command(subcommand)]
        cmd: cases::UsersCmd,
    },
    /// Review cases opened by held assessments: dispositions and four-eyes approval
    Cases {
        #[command(subcommand)]
        cmd: cases::CasesCmd,
    },
    /// The append-only, hash-chained audit log
    Audit {
        #[command(subcommand)]
        cmd: cases::AuditCmd,
    },
    /// Run the HTTP API (SQLite store, shipped lists) for ERP systems and reviewers
    Serve(serve::ServeArgs),
    /// Counterparties registered for continuous monitoring
    Counterparties {
        #[command(subcommand)]
        cmd: serve::CounterpartiesCmd,
    },
    /// Re-screen registered counterparties against what changed on the lists
    Monitor {
        #[command(subcommand)]
        cmd: serve::MonitorCmd,
    },
    /// A licensing authority's applications: file, review, refer, recommend, decide, issue
    Licensing {
        #[command(subcommand)]
        cmd: licensing::LicensingCmd,
    },
    /// Denials issued by this authority or notified by partners (for no-undercut)
    Denials {
        #[command(subcommand)]
        cmd: licensing::DenialsCmd,
    },
    /// Licences: issued here, or recorded by an exporter; orders naming one draw it down
    Licences {
        #[command(subcommand)]
        cmd: licensing::LicencesCmd,
    },
    /// End-use checks: plan, record (and restrict the party), report
    Euv {
        #[command(subcommand)]
        cmd: licensing::EuvCmd,
    },
}

#[derive(Subcommand)]
enum ListsCmd {
    /// Import list files, each as one dated snapshot (format detected from content)
    ///
    /// Files may be gzip-compressed or zipped. An OFAC legacy CSV main file (sdn.csv,
    /// cons_prim.csv) takes its address, alias and comment files from the same folder. All files
    /// are parsed before anything is stored, and stored in one transaction: on any error the
    /// store is left exactly as it was. Importing the same bytes again changes nothing.
    Import {
        /// List files
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Skip detection: ofac-xml, ofac-csv, ofac-advanced, ofac-enhanced, csl, bis-dpl, eu-xml, un-xml, uk-csv, uk-xlsx, ftm
        #[arg(long, value_name = "FORMAT")]
        format: Option<String>,
        /// List date (YYYY-MM-DD) for files that carry none (OFAC CSV, CSL, FtM)
        #[arg(long, value_name = "DATE")]
        list_date: Option<String>,
        /// Refuse a compressed file that inflates past this many bytes
        #[arg(long, default_value_t = Limits::default().max_inflated, value_name = "BYTES")]
        max_inflated: u64,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show each source: list date, import time, checksum, entity count, age
    Status {
        /// Print a JSON array
        #[arg(long)]
        json: bool,
        /// Warn when a list is older than this many days
        #[arg(long, default_value_t = 7, value_name = "DAYS")]
        stale_days: i64,
    },
    /// What changed in a source between two dates (entities added, removed, changed)
    ///
    /// Compares the snapshot in force on --from with the one in force on --to. Without --to, the
    /// newest snapshot; without --from, the snapshot before the --to one.
    Diff {
        /// Source: ofac-sdn, ofac-cons, csl, bis-dpl, eu, un, uk, ftm
        source: String,
        /// Date (YYYY-MM-DD) of the older edition
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Date (YYYY-MM-DD) of the newer edition
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Show an entity as listed now, or on a past date (exit status 3 if not listed then)
    Show {
        /// Entity id, e.g. un:6907993, ofac:306, eu:13, uk:12727, csl:<_id>
        entity_id: String,
        /// Date (YYYY-MM-DD): the lists in force on that day
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Download the current lists from their official URLs and import them
    ///
    /// Each download has a timeout, is retried with back-off, is refused past a size limit, and
    /// has its size and SHA-256 logged. Each source is imported atomically; one failing source
    /// does not stop the others, but makes the exit status non-zero.
    Update {
        /// JSON file of {"sources": [{"source": ..., "url": ...}]} to use instead of the official URLs
        #[arg(long, value_name = "FILE")]
        sources: Option<PathBuf>,
        /// Only these sources (comma-separated)
        #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
        only: Vec<String>,
        /// Per-request timeout in seconds
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Attempts per file
        #[arg(long, default_value_t = 3)]
        retries: u32,
        /// Largest download accepted, in bytes
        #[arg(long, default_value_t = 512 * 1024 * 1024)]
        max_bytes: u64,
        /// Print the result as JSON
        #[arg(long)]
        json: bool,
    },
    /// Export entities as FollowTheMoney JSON lines (for OpenSanctions tools)
    Export {
        /// Only these sources (comma-separated); default all
        #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
        source: Vec<String>,
        /// The lists in force on this date (YYYY-MM-DD); default the newest
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// Output file; default standard output
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Load the official list files shipped with Chokepoint (done automatically on first use)
    LoadBundled,
}

fn main() -> ExitCode {
    chokepoint_service::allocator::tune();
    // Die quietly when a reader of our output goes away (`chokepoint lists diff un | head`),
    // as command-line tools do, instead of panicking on a broken pipe.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Opens the SQLite file or PostgreSQL database `db` names (a URL's password is not shown
/// in errors).
fn open_store(db: &Path) -> Result<Store> {
    let target = db.to_string_lossy();
    let shown = match target.split_once('@') {
        Some((creds, host)) if target.starts_with("postgres") => {
            format!("{}…@{host}", creds.split(':').next().unwrap_or(""))
        }
        _ => target.to_string(),
    };
    Store::open_any(&target).with_context(|| format!("opening store {shown}"))
}

fn default_db() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("chokepoint")
        .join("chokepoint.db")
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn check_date(d: &Option<String>, what: &str) -> Result<()> {
    if let Some(d) = d {
        let p = chokepoint_model::PartialDate::parse_iso(d).map_err(|e| anyhow!("{what}: {e}"))?;
        if p.day.is_none() {
            bail!("{what}: give a full date, YYYY-MM-DD");
        }
    }
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    // Determination and classification read only the shipped control data.
    let cli = match cli.cmd {
        Cmd::Determine(a) => {
            let db = cli.db.clone().unwrap_or_else(default_db);
            let mut store = open_store(&db)?;
            return determine::run(&mut store, &cli.user, a);
        }
        Cmd::Classify(a) => return determine::run_classify(a),
        Cmd::Ownership(a) => return ownership::run(a),
        cmd => Cli { cmd, ..cli },
    };
    let db = cli.db.unwrap_or_else(default_db);
    let mut store = open_store(&db)?;
    let cmd = match cli.cmd {
        Cmd::Lists { cmd } => cmd,
        Cmd::Determine(_) | Cmd::Classify(_) | Cmd::Ownership(_) => unreachable!("handled above"),
        Cmd::Screen(args) => {
            ensure_loaded(&mut store)?;
            return screen::run(&mut store, &cli.user, args);
        }
        Cmd::Assess(args) => {
            ensure_loaded(&mut store)?;
            return assess::run(&mut store, &cli.user, args);
        }
        Cmd::Reference { cmd } => return reference::run(&mut store, &cli.user, cmd),
        Cmd::Users { cmd } => return cases::users(&mut store, &cli.user, cmd),
        Cmd::Cases { cmd } => return cases::cases(&mut store, &cli.user, cmd),
        Cmd::Audit { cmd } => return cases::audit(&store, &cli.user, cmd),
        Cmd::Serve(args) => {
            ensure_loaded(&mut store)?;
            return serve::serve(store, args);
        }
        Cmd::Counterparties { cmd } => {
            ensure_loaded(&mut store)?;
            return serve::counterparties(&mut store, &cli.user, cmd);
        }
        Cmd::Monitor { cmd } => {
            ensure_loaded(&mut store)?;
            return serve::monitor(&mut store, &cli.user, cmd);
        }
        Cmd::Licensing { cmd } => {
            ensure_loaded(&mut store)?;
            return licensing::licensing(&mut store, &cli.user, cmd, |s| {
                chokepoint_service::build_index(s, None, Default::default())
            });
        }
        Cmd::Denials { cmd } => return licensing::denials(&mut store, &cli.user, cmd),
        Cmd::Licences { cmd } => return licensing::licences(&mut store, &cli.user, cmd),
        Cmd::Euv { cmd } => return licensing::euv(&mut store, &cli.user, cmd),
    };
    match cmd {
        ListsCmd::Import {
            files,
            format,
            list_date,
            max_inflated,
            json,
        } => {
            check_date(&list_date, "--list-date")?;
            let format = match format {
                Some(f) => Some(Format::parse(&f).ok_or_else(|| {
                    anyhow!(
                        "unknown --format {f:?}; one of {}",
                        Format::ALL
                            .iter()
                            .map(|f| f.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?),
                None => None,
            };
            let units = group_units(&files)?;
            let mut loaded = Vec::new();
            let bar = bar(units.len() as u64, "parsing");
            for unit in &units {
                bar.set_message(unit[0].display().to_string());
                let inputs: Vec<InputFile> = unit
                    .iter()
                    .map(|p| InputFile::read(p))
                    .collect::<std::result::Result<_, _>>()?;
                let parsed = parse(&inputs, format, Limits { max_inflated })?;
                loaded.push((inputs, parsed));
                bar.inc(1);
            }
            bar.finish_and_clear();
            let outcomes = store_all(
                &mut store,
                &loaded,
                &vec![list_date.as_deref(); loaded.len()],
            )?;
            report_imports(&loaded, &outcomes, json)?;
        }
        ListsCmd::LoadBundled => {
            load_bundled(&mut store, false)?;
        }
        ListsCmd::Status { json, stale_days } => {
            ensure_loaded(&mut store)?;
            let today = chrono::Utc::now().date_naive().to_string();
            let st = store.status(&today, stale_days)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&st)?);
            } else {
                println!("store: {}", db.display());
                println!("SOURCE     LIST DATE      AGE  ENTITIES SNAPS  FORMAT         SHA-256");
                for s in &st {
                    println!(
                        "{:<10} {:<11} {:>5}d {:>9} {:>5}  {:<14} {}",
                        s.source,
                        s.list_date.as_deref().unwrap_or("-"),
                        s.age_days,
                        s.entities,
                        s.snapshots,
                        s.format,
                        &s.sha256[..16]
                    );
                }
                let stale: Vec<&str> = st
                    .iter()
                    .filter(|s| s.stale)
                    .map(|s| s.source.as_str())
                    .collect();
                if !stale.is_empty() {
                    eprintln!(
                        "warning: {} list(s) older than {stale_days} days: {}. Run `chokepoint lists update` to fetch current editions.",
                        stale.len(),
                        stale.join(", ")
                    );
                }
            }
        }
        ListsCmd::Diff {
            source,
            from,
            to,
            json,
        } => {
            check_date(&from, "--from")?;
            check_date(&to, "--to")?;
            ensure_loaded(&mut store)?;
            let known = store.sources()?;
            if !known.contains(&source) {
                bail!(
                    "no snapshots of source {source:?}; known sources: {}",
                    known.join(", ")
                );
            }
            let to_snap = store.in_force(&source, to.as_deref())?.ok_or_else(|| {
                anyhow!(
                    "no {source} snapshot in force on {}",
                    to.as_deref().unwrap_or("any date")
                )
            })?;
            let from_snap = match &from {
                Some(d) => Some(
                    store
                        .in_force(&source, Some(d))?
                        .ok_or_else(|| anyhow!("no {source} snapshot in force on {d}"))?,
                ),
                None => store
                    .stored_delta(to_snap.id)?
                    .from
                    .and_then(|id| store.snapshot(id).ok().flatten()),
            };
            let delta = store.diff(from_snap.as_ref().map(|s| s.id), to_snap.id)?;
            let (a, r, c) = delta.counts();
            if json {
                let v = serde_json::json!({
                    "source": source, "from": from_snap, "to": to_snap,
                    "added": a, "removed": r, "changed": c, "changes": delta.changes,
                });
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                let label = |s: &Snapshot| {
                    format!(
                        "{} (snapshot {}, {})",
                        s.effective_date,
                        s.id,
                        s.files.join(" + ")
                    )
                };
                println!(
                    "{source}: {} → {}",
                    from_snap
                        .as_ref()
                        .map(label)
                        .unwrap_or_else(|| "(nothing)".into()),
                    label(&to_snap)
                );
                println!("{a} added, {r} removed, {c} changed");
                for ch in &delta.changes {
                    let mark = match ch.change.as_str() {
                        "added" => "+",
                        "removed" => "-",
                        _ => "~",
                    };
                    if ch.fields.is_empty() {
                        println!("{mark} {:<24} {}", ch.entity_id, ch.name);
                    } else {
                        println!(
                            "{mark} {:<24} {}  [{}]",
                            ch.entity_id,
                            ch.name,
                            ch.fields.join(", ")
                        );
                    }
                }
            }
        }
        ListsCmd::Show {
            entity_id,
            as_of,
            json,
        } => {
            check_date(&as_of, "--as-of")?;
            ensure_loaded(&mut store)?;
            match store.entity_as_of(&entity_id, as_of.as_deref())? {
                None => {
                    let when = as_of
                        .as_deref()
                        .map(|d| format!("on {d}"))
                        .unwrap_or_else(|| "in the current lists".into());
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({"entity_id": entity_id, "as_of": as_of, "listed": false})
                        );
                    }
                    eprintln!("{entity_id} is not listed {when}");
                    return Ok(ExitCode::from(EXIT_NOT_LISTED));
                }
                Some((snap, e)) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::to_string_pretty(
                                &serde_json::json!({"listed": true, "as_of": as_of, "snapshot": snap, "entity": e})
                            )?
                        );
                    } else {
                        print_entity(&e, &snap);
                    }
                }
            }
        }
        ListsCmd::Update {
            sources,
            only,
            timeout,
            retries,
            max_bytes,
            json,
        } => {
            let cfg = update::Config {
                timeout: std::time::Duration::from_secs(timeout),
                retries,
                max_bytes,
            };
            let list = update::sources(sources.as_deref())?;
            let list: Vec<_> = list
                .into_iter()
                .filter(|s| only.is_empty() || only.contains(&s.source))
                .collect();
            if list.is_empty() {
                bail!("no source selected");
            }
            let mut failed = 0;
            let mut results = Vec::new();
            for s in &list {
                match update::fetch_and_import(&mut store, s, &cfg) {
                    Ok(v) => results.push(v),
                    Err(e) => {
                        failed += 1;
                        eprintln!("error: {}: {e:#}", s.source);
                        results.push(serde_json::json!({"source": s.source, "url": s.url, "error": format!("{e:#}")}));
                    }
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                for r in &results {
                    if r.get("error").is_none() {
                        println!(
                            "{:<10} {} bytes sha256 {} → {}",
                            r["source"].as_str().unwrap_or(""),
                            r["bytes"],
                            &r["sha256"].as_str().unwrap_or("")
                                [..16.min(r["sha256"].as_str().unwrap_or("").len())],
                            r["outcome"].as_str().unwrap_or("")
                        );
                    }
                }
            }
            if failed > 0 {
                return Ok(ExitCode::from(1));
            }
        }
        ListsCmd::Export { source, as_of, out } => {
            check_date(&as_of, "--as-of")?;
            ensure_loaded(&mut store)?;
            let mut w: Box<dyn Write> = match &out {
                Some(p) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("creating {}", p.display()))?,
                )),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let mut n = 0;
            for snap in store.in_force_all(as_of.as_deref())? {
                if !source.is_empty() && !source.contains(&snap.source) {
                    continue;
                }
                for e in store.entities(snap.id)? {
                    serde_json::to_writer(&mut w, &chokepoint_lists::ftm::export(&e))?;
                    w.write_all(b"\n")?;
                    n += 1;
                }
            }
            w.flush()?;
            if out.is_some() {
                eprintln!("exported {n} entities");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template(&format!("{what} {{bar:30}} {{pos}}/{{len}} {{msg}}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    b
}

/// An OFAC companion file (add/alt/comments) is imported with its main file, not alone.
fn companion_of(p: &Path) -> Option<&'static str> {
    let n = p.file_name()?.to_str()?.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n).to_string();
    match n.as_str() {
        "add.csv" | "alt.csv" | "sdn_comments.csv" => Some("sdn.csv"),
        "cons_add.csv" | "cons_alt.csv" | "cons_comments.csv" => Some("cons_prim.csv"),
        _ => None,
    }
}

fn group_units(files: &[PathBuf]) -> Result<Vec<Vec<PathBuf>>> {
    let mut units = Vec::new();
    for f in files {
        if !f.exists() {
            bail!("{}: no such file", f.display());
        }
        if let Some(main) = companion_of(f) {
            let dir = f.parent().unwrap_or(Path::new("."));
            let covered = files.iter().any(|o| {
                o.parent().unwrap_or(Path::new(".")) == dir && companions(o).iter().any(|c| c == f)
            });
            if covered {
                continue;
            }
            bail!("{}: an OFAC companion file is imported with its main file; import {} from the same folder", f.display(), main);
        }
        let mut unit = vec![f.clone()];
        unit.extend(companions(f));
        units.push(unit);
    }
    Ok(units)
}

fn unit_sha(inputs: &[InputFile]) -> String {
    if inputs.len() == 1 {
        return sha256_hex(&inputs[0].bytes);
    }
    let joined: String = inputs
        .iter()
        .map(|i| sha256_hex(&i.bytes))
        .collect::<Vec<_>>()
        .join("\n");
    sha256_hex(joined.as_bytes())
}

/// Stores parsed units in one transaction; `stated[k]` is the list date stated for unit `k`.
fn store_all(
    store: &mut Store,
    loaded: &[(Vec<InputFile>, ParsedList)],
    stated: &[Option<&str>],
) -> Result<Vec<ImportOutcome>> {
    let shas: Vec<String> = loaded.iter().map(|(i, _)| unit_sha(i)).collect();
    let names: Vec<Vec<String>> = loaded
        .iter()
        .map(|(i, _)| i.iter().map(|f| f.name.clone()).collect())
        .collect();
    let items: Vec<ImportItem> = loaded
        .iter()
        .enumerate()
        .map(|(k, (_, p))| ImportItem {
            parsed: p,
            sha256: &shas[k],
            files: &names[k],
            stated_date: stated[k],
        })
        .collect();
    Ok(store.import_all(&items, &now())?)
}

fn report_imports(
    loaded: &[(Vec<InputFile>, ParsedList)],
    outcomes: &[ImportOutcome],
    json: bool,
) -> Result<()> {
    let mut out = Vec::new();
    for ((_, parsed), o) in loaded.iter().zip(outcomes) {
        for w in &parsed.warnings {
            eprintln!("warning: {w}");
        }
        let v = match o {
            ImportOutcome::Imported { snapshot, delta } => {
                if !json {
                    println!(
                        "imported {} ({}, list date {}): {} entities from {} records, sha256 {}; vs previous: +{} -{} ~{}",
                        snapshot.source,
                        snapshot.format,
                        snapshot.list_date.as_deref().unwrap_or("none"),
                        snapshot.entities,
                        snapshot.records,
                        &snapshot.sha256[..16],
                        delta.0,
                        delta.1,
                        delta.2
                    );
                }
                serde_json::json!({"status": "imported", "snapshot": snapshot, "added": delta.0, "removed": delta.1, "changed": delta.2})
            }
            ImportOutcome::AlreadyImported(s) => {
                if !json {
                    println!(
                        "unchanged: {} is already stored as snapshot {} ({})",
                        s.files.join(" + "),
                        s.id,
                        s.source
                    );
                }
                serde_json::json!({"status": "already_imported", "snapshot": s})
            }
        };
        out.push(v);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(())
}

fn load_bundled(store: &mut Store, quiet: bool) -> Result<()> {
    let b = bar(bundled::FILES.len() as u64, "loading shipped lists");
    let mut loaded = Vec::new();
    let mut stated = Vec::new();
    for f in bundled::FILES {
        b.set_message(f.name);
        let input = InputFile {
            name: format!("bundled:{}", f.name),
            bytes: f.bytes.to_vec(),
        };
        let parsed = parse(std::slice::from_ref(&input), None, Limits::default())?;
        loaded.push((vec![input], parsed));
        stated.push(f.stated_date);
        b.inc(1);
    }
    b.finish_and_clear();
    let outcomes = store_all(store, &loaded, &stated)?;
    if !quiet {
        report_imports(&loaded, &outcomes, false)?;
    }
    Ok(())
}

/// The first run of a reading command fills an empty store from the shipped lists.
fn ensure_loaded(store: &mut Store) -> Result<()> {
    if store.snapshot_count()? == 0 {
        eprintln!("empty store: loading the official lists shipped with Chokepoint (first run)…");
        load_bundled(store, true)?;
    }
    Ok(())
}

fn print_entity(e: &Entity, snap: &Snapshot) {
    println!("{}  {}  ({})", e.id, e.name, e.kind.as_str());
    println!(
        "  listed in: {} snapshot {} (list date {}, file {})",
        snap.source,
        snap.id,
        snap.effective_date,
        snap.files.join(" + ")
    );
    if let Some(d) = &e.listed_on {
        println!("  listed on: {d}");
    }
    for n in e.names.iter().skip(1) {
        let q = serde_json::to_value(n.quality)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        println!(
            "  alias: {} [{}{}]",
            n.full,
            q,
            n.script
                .as_deref()
                .map(|s| format!(", {s}"))
                .unwrap_or_default()
        );
    }
    if let Some(g) = &e.gender {
        println!("  gender: {g}");
    }
    for d in &e.birth_dates {
        println!("  born: {d}");
    }
    for p in &e.birth_places {
        println!("  birth place: {p}");
    }
    if !e.nationalities.is_empty() {
        println!("  nationality: {}", e.nationalities.join(", "));
    }
    if !e.citizenships.is_empty() {
        println!("  citizenship: {}", e.citizenships.join(", "));
    }
    for a in &e.addresses {
        let parts: Vec<&str> = [
            &a.street,
            &a.city,
            &a.region,
            &a.postal_code,
            &a.country,
            &a.country_text,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        println!("  address: {}", parts.join(", "));
    }
    for i in &e.identifiers {
        println!(
            "  id: {} {}{}{}",
            i.label.as_deref().unwrap_or(&i.kind),
            i.value,
            i.country
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            i.note
                .as_deref()
                .map(|n| format!(" — {n}"))
                .unwrap_or_default()
        );
    }
    if !e.programs.is_empty() {
        println!("  programmes: {}", e.programs.join("; "));
    }
    if !e.references.is_empty() {
        println!("  references: {}", e.references.join("; "));
    }
    for l in &e.links {
        println!(
            "  {}: {}",
            l.relation,
            l.entity_id.as_deref().or(l.name.as_deref()).unwrap_or("?")
        );
    }
    for r in &e.remarks {
        println!("  remark: {r}");
    }
}
