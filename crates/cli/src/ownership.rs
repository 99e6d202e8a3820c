//! `chokepoint ownership`: roll listed status up an ownership graph under one regime.

use anyhow::{Context, Result};
use chokepoint_assess::ownership::{roll_up, Graph};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
#[command(
    after_help = "The graph: {\"listed\": [\"X\", …], \"edges\": [{\"owner\": \"X\", \"owned\": \"A\", \"share\": 0.5}, …]} — \
shares are fractions (0.5 = 50 %); leave a share out when it is unknown; \"control\": true marks control (counted by the EU rule). \
The output lists \"blocked\" (listed ones included), \"unknown\" (missing shares leave it open) and \"caution\" (listed ownership or \
control the rule does not count), with the reason for each."
)]
pub struct OwnershipArgs {
    /// The ownership graph (JSON)
    graph: PathBuf,
    /// ofac (50 % rule), eu (ownership or control), bis (Affiliates rule, switched by date)
    #[arg(long, value_parser = ["ofac", "eu", "bis"])]
    regime: String,
    /// Evaluation date (YYYY-MM-DD); default today
    #[arg(long)]
    date: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub fn run(a: OwnershipArgs) -> Result<ExitCode> {
    let text = std::fs::read_to_string(&a.graph)
        .with_context(|| format!("reading {}", a.graph.display()))?;
    let g: Graph = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a valid ownership graph", a.graph.display()))?;
    let date = a.date.clone().unwrap_or_else(|| {
        chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string()
    });
    let r = roll_up(&g, &a.regime, &date).with_context(|| a.graph.display().to_string())?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("{} on {}: {}", r.regime, r.date, r.citation);
        if let Some(n) = &r.period.note {
            println!("  note: {n}");
        }
        if let Some(u) = &r.period.unverified {
            println!("  unverified: {u}");
        }
        for f in &r.findings {
            println!("  {:<8} {}: {}", f.status, f.entity, f.why);
        }
    }
    Ok(ExitCode::SUCCESS)
}
