//! `chokepoint screen`: one name, or a CSV batch, against the lists in force.

use anyhow::{anyhow, bail, Context, Result};
use chokepoint_model::{Kind, PartialDate};
use chokepoint_screen::{Config, Index, Match, Query, DEFAULT_ALERT_THRESHOLD};
use chokepoint_store::Store;
use clap::Args;
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Longest name accepted; longer input is not a name.
const MAX_NAME_CHARS: usize = 1000;

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
    /// Kind of party: person, organization, vessel, aircraft
    #[arg(long = "type", value_name = "KIND")]
    kind: Option<String>,
    /// Birth or incorporation date: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long, value_name = "DATE")]
    birth_date: Option<String>,
    /// Country (nationality, residence or incorporation): ISO code or name
    #[arg(long, value_name = "COUNTRY")]
    country: Option<String>,
    /// Identifier (passport, IMO, LEI …); may be repeated
    #[arg(long = "id", value_name = "ID")]
    identifiers: Vec<String>,
    /// Only these sources (comma-separated prefixes: un, ofac, eu, uk, csl, bis-dpl)
    #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
    source: Vec<String>,
    /// The N best candidates whatever their score
    #[arg(long, value_name = "N")]
    top_k: Option<usize>,
    /// Screen against the lists in force on this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// CSV with a header of at least id,name,type,birth_date,country (identifiers may follow, `;`-separated)
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

/// Builds the index over the lists in force on `as_of` (newest without a date).
pub fn build_index(store: &Store, as_of: Option<&str>, config: Config) -> Result<Index> {
    let mut entities = Vec::new();
    for snap in store.in_force_all(as_of)? {
        for e in store.entities(snap.id)? {
            entities.push((snap.source.clone(), e));
        }
    }
    if entities.is_empty() {
        bail!(
            "no lists in force{}",
            as_of.map(|d| format!(" on {d}")).unwrap_or_default()
        );
    }
    Ok(Index::build(entities, config))
}

/// Validates one query's fields into a [`Query`].
pub fn make_query(
    name: &str,
    kind: Option<&str>,
    birth: Option<&str>,
    country: Option<&str>,
    ids: Vec<String>,
    sources: Vec<String>,
) -> Result<Query> {
    let name = name.trim();
    if name.is_empty() && ids.is_empty() {
        bail!("empty name");
    }
    if name.chars().count() > MAX_NAME_CHARS {
        bail!(
            "name is {} characters long; the limit is {MAX_NAME_CHARS}",
            name.chars().count()
        );
    }
    if !name.is_empty() && !name.chars().any(|c| c.is_alphanumeric()) {
        bail!("name {name:?} has no letters or digits");
    }
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(Kind::parse(k).ok_or_else(|| {
            anyhow!("unknown type {k:?}: use person, organization, vessel or aircraft")
        })?),
        None => None,
    };
    let birth_date = match birth.map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Some(PartialDate::parse_iso(b).map_err(|e| anyhow!("birth date: {e}"))?),
        None => None,
    };
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(
            chokepoint_screen::parse_country(c).ok_or_else(|| anyhow!("unknown country {c:?}"))?,
        ),
        None => None,
    };
    Ok(Query {
        name: name.to_string(),
        kind,
        birth_date,
        country,
        identifiers: ids,
        sources,
    })
}

fn select(mut m: Vec<Match>, top_k: Option<usize>) -> Vec<Match> {
    if top_k.is_none() {
        m.retain(|x| x.alert);
    }
    m
}

/// Runs the command.
pub fn run(store: &Store, a: ScreenArgs) -> Result<ExitCode> {
    crate::check_date(&a.as_of, "--as-of")?;
    if !(0.0..=1.0).contains(&a.threshold) {
        bail!("--threshold must be between 0 and 1");
    }
    let config = Config {
        alert_threshold: a.threshold,
        ..Config::default()
    };
    let k = a.top_k.unwrap_or(50);
    if let Some(batch) = &a.batch {
        let index = build_index(store, a.as_of.as_deref(), config)?;
        return run_batch(&index, batch, a.out.as_ref(), k, a.top_k, &a.source);
    }
    let name = a.name.clone().unwrap_or_default();
    let q = make_query(
        &name,
        a.kind.as_deref(),
        a.birth_date.as_deref(),
        a.country.as_deref(),
        a.identifiers.clone(),
        a.source.clone(),
    )?;
    let index = build_index(store, a.as_of.as_deref(), config)?;
    let matches = select(index.screen(&q, k), a.top_k);
    let alert = matches.iter().any(|m| m.alert);
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
                .map(|t| format!("{}→{} {} {:.2}", t.query, t.list, t.how, t.similarity))
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

/// A batch row: (query id, query), or (query id, error message).
type BatchRow = std::result::Result<(String, Query), (String, String)>;

fn run_batch(
    index: &Index,
    path: &PathBuf,
    out: Option<&PathBuf>,
    k: usize,
    top_k: Option<usize>,
    sources: &[String],
) -> Result<ExitCode> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let header = rdr
        .byte_headers()
        .with_context(|| format!("{}: cannot read the header", path.display()))?
        .clone();
    let cols: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let col = |n: &str| cols.iter().position(|c| c == n);
    let missing: Vec<&str> = ["id", "name", "type", "birth_date", "country"]
        .into_iter()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        bail!(
            "{}:1: header is missing column(s): {}",
            path.display(),
            missing.join(", ")
        );
    }
    let (ci, cn, ct, cb, cc, cid) = (
        col("id").unwrap(),
        col("name").unwrap(),
        col("type").unwrap(),
        col("birth_date").unwrap(),
        col("country").unwrap(),
        col("identifiers"),
    );
    // Rows are read first (cheap), then screened in parallel and written in input order.
    let mut rows: Vec<(u64, BatchRow)> = Vec::new();
    for (n, rec) in rdr.byte_records().enumerate() {
        let line = n as u64 + 2;
        let row = match rec {
            Err(e) => Err((
                format!("line-{line}"),
                format!("line {line}: malformed CSV: {e}"),
            )),
            Ok(r) => {
                let field = |i: usize| -> std::result::Result<String, String> {
                    let b = r.get(i).unwrap_or(b"");
                    std::str::from_utf8(b).map(str::to_string).map_err(|_| {
                        format!("line {line}: column {:?} is not valid UTF-8", cols[i])
                    })
                };
                let id = field(ci).unwrap_or_else(|_| format!("line-{line}"));
                let id = if id.trim().is_empty() {
                    format!("line-{line}")
                } else {
                    id.trim().to_string()
                };
                if r.len() != cols.len() {
                    Err((
                        id,
                        format!(
                            "line {line}: {} fields, the header has {}",
                            r.len(),
                            cols.len()
                        ),
                    ))
                } else {
                    let built = (|| -> std::result::Result<Query, String> {
                        let ids: Vec<String> = match cid {
                            Some(i) => field(i)?
                                .split(';')
                                .map(|s| s.trim().to_string())
                                .filter(|s| !s.is_empty())
                                .collect(),
                            None => vec![],
                        };
                        make_query(
                            &field(cn)?,
                            Some(&field(ct)?),
                            Some(&field(cb)?),
                            Some(&field(cc)?),
                            ids,
                            sources.to_vec(),
                        )
                        .map_err(|e| format!("line {line}: {e}"))
                    })();
                    built.map(|q| (id.clone(), q)).map_err(|e| (id, e))
                }
            }
        };
        rows.push((line, row));
    }
    let bar = indicatif::ProgressBar::new(rows.len() as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "screening {bar:30} {pos}/{len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let results: Vec<serde_json::Value> = rows
        .par_iter()
        .map(|(_, row)| {
            let v = match row {
                Ok((id, q)) => serde_json::json!({"query_id": id, "matches": select(index.screen(q, k), top_k)}),
                Err((id, e)) => serde_json::json!({"query_id": id, "error": e, "matches": []}),
            };
            bar.inc(1);
            v
        })
        .collect();
    bar.finish_and_clear();
    let mut w: Box<dyn Write> = match out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let (mut alerts, mut errors) = (0, 0);
    for v in &results {
        if v.get("error").is_some() {
            errors += 1;
        }
        if v["matches"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["alert"] == true))
        {
            alerts += 1;
        }
        serde_json::to_writer(&mut w, v)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    eprintln!(
        "screened {} rows: {alerts} with alerts, {errors} rejected (see \"error\" in their lines)",
        results.len()
    );
    Ok(ExitCode::SUCCESS)
}
