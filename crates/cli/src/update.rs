//! `lists update`: fetch the official files over HTTP(S) and import them.

use anyhow::{anyhow, bail, Context, Result};
use chokepoint_lists::{parse, InputFile, Limits};
use chokepoint_store::{sha256_hex, ImportItem, ImportOutcome, Store};
use serde::Deserialize;
use std::io::Read;
use std::time::Duration;

/// One source and where it is published.
#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    /// Source name (`un`, `eu` …), for filtering and messages.
    pub source: String,
    /// Download URL.
    pub url: String,
}

#[derive(Deserialize)]
struct SourcesFile {
    sources: Vec<Source>,
}

/// Download settings.
pub struct Config {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Attempts per file.
    pub retries: u32,
    /// Largest body accepted.
    pub max_bytes: u64,
}

/// The official sources, or those of a user file.
pub fn sources(path: Option<&std::path::Path>) -> Result<Vec<Source>> {
    let text = match path {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        None => include_str!("../data/sources.json").to_string(),
    };
    let f: SourcesFile = serde_json::from_str(&text)
        .context("sources file: expected {\"sources\": [{\"source\": ..., \"url\": ...}]}")?;
    Ok(f.sources)
}

fn download(url: &str, cfg: &Config) -> Result<Vec<u8>> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(cfg.timeout.min(Duration::from_secs(30)))
        .timeout(cfg.timeout)
        .build();
    let mut last = None;
    for attempt in 1..=cfg.retries.max(1) {
        match agent.get(url).call() {
            Ok(resp) => {
                if let Some(len) = resp
                    .header("Content-Length")
                    .and_then(|l| l.parse::<u64>().ok())
                {
                    if len > cfg.max_bytes {
                        bail!(
                            "{url}: Content-Length {len} is over the limit of {} bytes",
                            cfg.max_bytes
                        );
                    }
                }
                let mut body = Vec::new();
                resp.into_reader()
                    .take(cfg.max_bytes + 1)
                    .read_to_end(&mut body)
                    .with_context(|| format!("{url}: reading body"))?;
                if body.len() as u64 > cfg.max_bytes {
                    bail!("{url}: body is over the limit of {} bytes", cfg.max_bytes);
                }
                return Ok(body);
            }
            // 4xx other than 408/429 will not get better by retrying.
            Err(ureq::Error::Status(code, _))
                if (400..500).contains(&code) && code != 408 && code != 429 =>
            {
                bail!("{url}: HTTP {code}");
            }
            Err(e) => {
                eprintln!("warning: {url}: attempt {attempt} failed: {e}");
                last = Some(e);
                if attempt < cfg.retries {
                    std::thread::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1)));
                }
            }
        }
    }
    Err(anyhow!(
        "{url}: giving up after {} attempts: {}",
        cfg.retries.max(1),
        last.map(|e| e.to_string()).unwrap_or_default()
    ))
}

/// Downloads one source and imports it; returns a JSON summary.
pub fn fetch_and_import(store: &mut Store, s: &Source, cfg: &Config) -> Result<serde_json::Value> {
    let body = download(&s.url, cfg)?;
    let sha = sha256_hex(&body);
    eprintln!("fetched {} ({} bytes, sha256 {sha})", s.url, body.len());
    let name = s
        .url
        .rsplit('/')
        .next()
        .unwrap_or(&s.url)
        .split('?')
        .next()
        .unwrap_or("download")
        .to_string();
    let input = InputFile {
        name: format!("{} ({})", name, s.url),
        bytes: body,
    };
    let parsed = parse(std::slice::from_ref(&input), None, Limits::default())?;
    let files = vec![s.url.clone()];
    let outcome = store.import_all(
        &[ImportItem {
            parsed: &parsed,
            sha256: &sha,
            files: &files,
            stated_date: None,
        }],
        &crate::now(),
    )?;
    let (status, snap) = match &outcome[0] {
        ImportOutcome::Imported { snapshot, .. } => ("imported", snapshot),
        ImportOutcome::AlreadyImported(s) => ("already_imported", s),
    };
    Ok(serde_json::json!({
        "source": parsed.source, "url": s.url, "bytes": input.bytes.len(), "sha256": sha,
        "outcome": status, "snapshot": snap,
    }))
}
