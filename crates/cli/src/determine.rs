//! `chokepoint determine` and `chokepoint classify`: licence determinations under the EAR, and
//! classification help. Neither needs the list store.

use anyhow::{bail, Context, Result};
use chokepoint_controls::{classify::classify, determine, Activity, Item, Outcome, Request};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "Outcomes: NLR, LICENSE_EXCEPTION_AVAILABLE, LICENSE_REQUIRED, INDETERMINATE \
(a fact is missing or a rule must be decided by hand — never NLR on missing input), PROHIBITED. \
A request file holds several lines and parties:\n  {\"destination\": \"CN\", \"items\": [{\"eccn\": \
\"2B001.a\", \"value\": 1500}], \"parties\": [{\"name\": \"…\", \"role\": \"end_user\", \"lists\": \
[\"EL\"], \"review_policy\": \"Presumption of denial\"}], \"end_uses\": [], \"facts\": [], \"date\": \
\"2026-11-27\"}\nExit status: 0 NLR or licence exception available, 5 licence required, 6 \
indeterminate, 7 prohibited, 1 error."
)]
pub struct DetermineArgs {
    /// A request file (JSON) with several item lines and parties, instead of the flags
    request: Option<PathBuf>,
    /// ECCN with paragraph (2B001.a), or EAR99 (US exporters)
    #[arg(long)]
    eccn: Option<String>,
    /// Annex I entry of Regulation 2021/821 (2B001), or "none" (EU exporters: with --from DE …)
    #[arg(long)]
    eu: Option<String>,
    /// HS code of the item (EU: common high priority goods and the "no Russia" clause)
    #[arg(long)]
    hs: Option<String>,
    /// Destination country (ISO code or name)
    #[arg(long)]
    to: Option<String>,
    /// Exporter jurisdiction
    #[arg(long, default_value = "US")]
    from: String,
    /// Net value of the line in US dollars (for LVS)
    #[arg(long)]
    value: Option<f64>,
    /// Evaluation date (YYYY-MM-DD); default today
    #[arg(long)]
    date: Option<String>,
    /// export, reexport, transfer or deemed-export
    #[arg(long, default_value = "export", value_parser = ["export", "reexport", "transfer", "deemed-export"])]
    activity: String,
    /// For a deemed export: the person's citizenship (repeat for several)
    #[arg(long)]
    citizenship: Vec<String>,
    /// An end use known or notified: nuclear, missile, chemical-biological, military, military-intelligence (repeat for several)
    #[arg(long = "end-use")]
    end_use: Vec<String>,
    /// Region of the destination: crimea, dnr, lnr
    #[arg(long)]
    region: Option<String>,
    /// A fact a licence exception needs, e.g. gift-parcel, temporary-export (repeat for several)
    #[arg(long)]
    fact: Vec<String>,
    /// A licence you hold for this export (recorded with `chokepoint licences add`): a
    /// licence requirement it covers — valid on the date, destination, item, value left — is
    /// reported as covered by it
    #[arg(long, value_name = "NUMBER")]
    licence: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ClassifyArgs {
    /// A description of the item
    text: String,
    /// How many candidates
    #[arg(long, default_value_t = 5)]
    top_k: usize,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn run(store: &mut chokepoint_store::Store, user: &str, a: DetermineArgs) -> Result<ExitCode> {
    store.require_role(
        user,
        &["screener", "reviewer", "approver"],
        "determine licence requirements",
    )?;
    let req: Request = match &a.request {
        Some(path) => {
            if a.eccn.is_some() || a.eu.is_some() || a.to.is_some() {
                bail!("give either a request file or --eccn/--to, not both");
            }
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{}: not a valid request", path.display()))?
        }
        None => {
            if a.eccn.is_none() && a.eu.is_none() && a.hs.is_none() {
                bail!("give --eccn (or --eu for an EU exporter) and --to, or a request file; see --help");
            }
            let activity = match a.activity.as_str() {
                "reexport" => Activity::Reexport,
                "transfer" => Activity::Transfer,
                "deemed-export" => Activity::DeemedExport,
                _ => Activity::Export,
            };
            if activity != Activity::DeemedExport && a.to.is_none() {
                bail!("give --to DESTINATION (or --activity deemed-export with --citizenship)");
            }
            Request {
                from: Some(a.from.clone()),
                destination: a.to.clone(),
                region: a.region.clone(),
                activity,
                citizenships: a.citizenship.clone(),
                items: vec![Item {
                    eccn: a.eccn.clone(),
                    eu: a.eu.clone(),
                    hs: a.hs.clone(),
                    value: a.value,
                    ..Default::default()
                }],
                parties: vec![],
                end_uses: a.end_use.clone(),
                facts: a.fact.clone(),
                date: a.date.clone(),
            }
        }
    };
    let det = determine(&req)?;
    store.audit(
        user,
        "determine",
        &req.items
            .iter()
            .filter_map(|i| i.eccn.clone().or(i.eu.clone()))
            .collect::<Vec<_>>()
            .join(","),
        &serde_json::json!({"request": req, "determination": det}),
    )?;
    // A licence held for the export: does it cover the requirement?
    let covered = match &a.licence {
        None => None,
        Some(number) => {
            let item = req.items.first();
            let entry = item
                .and_then(|i| i.eccn.clone().or(i.eu.clone()))
                .unwrap_or_default();
            let problems = chokepoint_service::licences::check(
                store,
                &chokepoint_service::licences::Line {
                    licence: number,
                    entry: &entry,
                    quantity: 0.0,
                    value: item.and_then(|i| i.value).unwrap_or(0.0),
                    destination: req.destination.as_deref().unwrap_or(""),
                    parties: &[],
                    date: &det.date,
                    pending: (0.0, 0.0),
                },
            )?;
            Some((number.clone(), problems))
        }
    };
    let covers =
        matches!(&covered, Some((_, p)) if p.is_empty()) && det.outcome == Outcome::LicenseRequired;
    if a.json {
        let mut v = serde_json::to_value(&det)?;
        if let Some((number, problems)) = &covered {
            v["licence"] =
                serde_json::json!({"number": number, "covers": covers, "problems": problems});
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        if let Some((number, problems)) = &covered {
            if covers {
                println!("covered by licence {number}: the licence requirement below is met by it");
            } else if problems.is_empty() {
                println!("licence {number} applies, but no licence is required");
            } else {
                println!(
                    "licence {number} does not cover this export: {}",
                    problems.join("; ")
                );
            }
        }
        let v = &det.data_versions;
        let mut data = vec![v.rules.clone()];
        for (k, x) in [
            ("CCL", &v.ccl),
            ("chart", &v.country_chart),
            ("groups", &v.country_groups),
        ] {
            if !x.is_empty() {
                data.push(format!("{k} {x}"));
            }
        }
        println!(
            "{}  ({} {}, {} → {}; data: {})",
            det.outcome.as_str(),
            det.jurisdiction,
            serde_json::to_value(det.activity)?.as_str().unwrap_or(""),
            det.date,
            det.destinations.join("/"),
            data.join(", ")
        );
        for l in &det.lines {
            println!("\n{}: {}", l.item, l.outcome.as_str());
            for r in &l.reasons {
                println!(
                    "  licence requirement {} — {} [{}]",
                    r.code, r.text, r.citation
                );
                if let Some(p) = &r.review_policy {
                    println!("    review policy: {p}");
                }
                if let Some(u) = &r.unverified {
                    println!("    unverified: {u}");
                }
            }
            for x in &l.exceptions_available {
                println!(
                    "  exception {} available for {} [{}]",
                    x.code,
                    x.covers.join(", "),
                    x.citation
                );
                for o in &x.obligations {
                    println!("    obligation: {o}");
                }
            }
            for x in &l.exceptions_rejected {
                println!(
                    "  exception {} not available: {} [{}]",
                    x.code, x.failed, x.citation
                );
            }
            for m in &l.missing {
                println!("  missing: {m}");
            }
            for o in &l.obligations {
                println!("  obligation: {o}");
            }
            for s in &l.steps {
                println!("  · {} [{}]", s.finding, s.citation);
            }
        }
    }
    if covers {
        return Ok(ExitCode::SUCCESS);
    }
    Ok(ExitCode::from(match det.outcome {
        Outcome::Nlr | Outcome::LicenseExceptionAvailable => 0,
        Outcome::LicenseRequired => 5,
        Outcome::Indeterminate => 6,
        Outcome::Prohibited => 7,
    }))
}

pub fn run_classify(a: ClassifyArgs) -> Result<ExitCode> {
    let c = classify(&a.text, a.top_k);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else {
        if c.is_empty() {
            println!("no candidate ECCN (try other words, or the item may be EAR99)");
        }
        for x in &c {
            let heading: String = x.heading.chars().take(160).collect();
            println!("{:>6.2}  {}  {}", x.score, x.eccn, heading);
            for p in &x.passages {
                let p: String = p.chars().take(160).collect();
                println!("          {p}");
            }
        }
        println!("\nCandidates only: a person classifies (15 CFR 748.3; the item's full technical parameters decide).");
    }
    Ok(ExitCode::SUCCESS)
}
