//! `chokepoint screen`: one name, or a CSV batch, against the lists in force.

use anyhow::{anyhow, bail, Context, Result};
use chokepoint_screen::batch::{make_query, with_address};
use chokepoint_screen::{Config, Index, DEFAULT_ALERT_THRESHOLD};
use chokepoint_service::build_index;
use chokepoint_store::Store;
use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Scores are in [0, 1]; a match at or above the alert threshold (default 0.70) is an alert.\n\
Without --top-k only alerts are listed; with --top-k N the N best candidates whatever their score.\n\
Exit status: 0 no alert, 4 at least one alert (single name), 1 error."
)]
pub struct ScreenArgs {
    /// The name to screen
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    name: Option<String>,
    /// Kind of party: person, organization, vessel, aircraft. Without it, a name may be
    /// either: an organisation's full name then does not match its acronym ("People's
    /// Liberation Army" for "PLA"), since a person's initials spell list acronyms by chance
    #[arg(long = "type", value_name = "KIND")]
    kind: Option<String>,
    /// Birth or incorporation date: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    birth_date: Option<String>,
    /// Country (nationality, residence or incorporation): ISO code or name
    #[arg(long, value_name = "COUNTRY")]
    country: Option<String>,
    /// Identifier (passport, IMO, LEI …); may be repeated. An e-mail address, phone number or
    /// website is compared with the lists' contact details: one the list gives for an entity
    /// adds 0.2 to its score
    #[arg(long = "id", value_name = "ID")]
    identifiers: Vec<String>,
    /// Postal address, free text ("90 Maksima Gorkogo St, Izhevsk 426008"): a street address
    /// the list gives for an entity that agrees with it (every house number, most street
    /// words) adds 0.2 to its score
    #[arg(long, value_name = "ADDRESS")]
    address: Option<String>,
    /// Only these sources (comma-separated prefixes: un, ofac, eu, uk, csl, bis-dpl)
    #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
    source: Vec<String>,
    /// The N best candidates whatever their score
    #[arg(long, value_name = "N")]
    top_k: Option<usize>,
    /// Screen against the lists in force on this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// CSV with a header of at least id,name,type,birth_date,country (identifiers, `;`-separated, and address may follow)
    #[arg(long, value_name = "FILE.csv")]
    batch: Option<PathBuf>,
    /// Output file for --batch (JSON lines); default standard output
    #[arg(long, value_name = "FILE.jsonl")]
    out: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
    /// Alert threshold
    #[arg(long, default_value_t = DEFAULT_ALERT_THRESHOLD, value_name = "SCORE")]
    threshold: f32,
}

/// Runs the command.
pub fn run(store: &mut Store, user: &str, a: ScreenArgs) -> Result<ExitCode> {
    crate::check_date(&a.as_of, "--as-of")?;
    store.require_role(
        user,
        &["screener", "reviewer", "approver"],
        "screen parties",
    )?;
    let snapshots: Vec<i64> = store
        .in_force_all(a.as_of.as_deref())?
        .iter()
        .map(|s| s.id)
        .collect();
    if !(0.0..=1.0).contains(&a.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let config = Config {
        alert_threshold: a.threshold,
        ..Config::default()
    };
    if let Some(batch) = &a.batch {
        let index = build_index(store, a.as_of.as_deref(), config)?;
        let (code, rows, alerts, errors) =
            run_batch(&index, batch, a.out.as_ref(), a.top_k, &a.source)?;
        let input = std::fs::read(batch)
            .map(|b| chokepoint_store::sha256_hex(&b))
            .unwrap_or_default();
        let output = a
            .out
            .as_ref()
            .and_then(|o| std::fs::read(o).ok())
            .map(|b| chokepoint_store::sha256_hex(&b));
        store.audit(
            user,
            "screen.batch",
            &batch.display().to_string(),
            &serde_json::json!({"input_sha256": input, "output_sha256": output, "rows": rows, "alerts": alerts, "errors": errors,
                "as_of": a.as_of, "snapshots": snapshots, "threshold": a.threshold, "top_k": a.top_k, "sources": a.source}),
        )?;
        return Ok(code);
    }
    let name = a.name.clone().unwrap_or_default();
    let q = make_query(
        &name,
        a.kind.as_deref(),
        a.birth_date.as_deref(),
        a.country.as_deref(),
        a.identifiers.clone(),
        a.source.clone(),
    )
    .and_then(|q| with_address(q, a.address.as_deref()))
    .map_err(anyhow::Error::msg)?;
    let index = build_index(store, a.as_of.as_deref(), config)?;
    let matches = chokepoint_service::screen(&index, &q, a.top_k);
    let alert = matches.iter().any(|m| m.alert);
    chokepoint_service::record_screening(
        store,
        user,
        &q,
        a.as_of.as_deref(),
        &snapshots,
        a.threshold,
        &matches,
    )?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"query": name, "threshold": a.threshold, "matches": matches})
            )?
        );
    } else if matches.is_empty() {
        println!(
            "no match at or above {:.2} for {name:?} among {} listed entities",
            a.threshold,
            index.len()
        );
    } else {
        for m in &matches {
            println!(
                "{:.3} {} {:<22} {}{}  [{}]",
                m.score,
                if m.alert { "ALERT" } else { "     " },
                m.entity_id,
                m.name,
                if m.matched_name != m.name {
                    format!(" (as {:?})", m.matched_name)
                } else {
                    String::new()
                },
                m.source
            );
            let t: Vec<String> = m
                .explanation
                .name
                .tokens
                .iter()
                .map(ToString::to_string)
                .collect();
            println!(
                "      name {:.3}: {}",
                m.explanation.name_score,
                t.join(", ")
            );
            for at in &m.explanation.attributes {
                println!(
                    "      {} {} vs {}: {} ({:+.2})",
                    at.attribute,
                    at.query,
                    at.list.join("/"),
                    at.result,
                    at.delta
                );
            }
        }
    }
    Ok(if alert {
        ExitCode::from(4)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_batch(
    index: &Index,
    path: &PathBuf,
    out: Option<&PathBuf>,
    top_k: Option<usize>,
    sources: &[String],
) -> Result<(ExitCode, usize, usize, usize)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    // Rows are read first (cheap), then screened in parallel and written in input order.
    let rows = chokepoint_screen::batch::read_batch(std::io::BufReader::new(file), sources)
        .map_err(|e| anyhow!("{}:{e}", path.display()))?;
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "screening {bar:30} {pos}/{len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // The output goes to a temporary file beside --out and takes its name only once every
    // row is written: an interrupted or failed batch leaves no half-written results behind.
    let mut file = match out {
        Some(p) => {
            let dir = p
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            Some(
                tempfile::NamedTempFile::new_in(dir)
                    .with_context(|| format!("creating a file in {}", dir.display()))?,
            )
        }
        None => None,
    };
    let mut w: Box<dyn Write> = match &mut file {
        Some(f) => Box::new(std::io::BufWriter::new(f.as_file_mut())),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let (mut alerts, mut errors) = (0, 0);
    // Rows are screened a chunk at a time, in parallel, and written in input order; only a
    // chunk's lines are held, whatever the size of the file.
    for chunk in rows.chunks(BATCH_CHUNK) {
        let lines: Vec<(String, bool)> = chunk
            .par_iter()
            .map(|row| {
                let line = match &row.query {
                    Ok((id, q)) => BatchLine {
                        query_id: id,
                        error: None,
                        matches: chokepoint_service::screen(index, q, top_k),
                    },
                    Err((id, e)) => BatchLine {
                        query_id: id,
                        error: Some(e),
                        matches: Vec::new(),
                    },
                };
                bar.inc(1);
                let alert = line.matches.iter().any(|m| m.alert);
                let json = serde_json::to_string(&line).expect("a batch line serialises");
                (json, alert)
            })
            .collect();
        for ((json, alert), row) in lines.iter().zip(chunk) {
            errors += usize::from(row.query.is_err());
            alerts += usize::from(*alert);
            w.write_all(json.as_bytes())?;
            w.write_all(b"\n")?;
        }
    }
    bar.finish_and_clear();
    w.flush()?;
    drop(w);
    if let (Some(f), Some(p)) = (file, out) {
        f.persist(p)
            .with_context(|| format!("writing {}", p.display()))?;
    }
    eprintln!(
        "screened {} rows: {alerts} with alerts, {errors} rejected (see \"error\" in their lines)",
        rows.len()
    );
    Ok((ExitCode::SUCCESS, rows.len(), alerts, errors))
}

/// Rows screened together before their lines are written.
const BATCH_CHUNK: usize = 4096;

/// One output line of a batch: the fields in the order the interface documents.
#[derive(serde::Serialize)]
struct BatchLine<'a> {
    query_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    matches: Vec<chokepoint_screen::Match>,
}
