//! Ownership roll-ups: which unlisted entities a regime treats as blocked (OFAC 50 % rule),
//! owned or controlled (EU), or covered (BIS Affiliates rule, switched by date), given who is
//! listed and who owns what share of whom. Missing shares are not guessed: an entity that
//! would be caught if they were large enough is reported as `unknown`.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

static RULES: &str = include_str!("../../../data/controls/ownership.json");

/// An ownership graph.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Graph {
    /// Ids of listed (blocked) persons.
    pub listed: Vec<String>,
    /// Ownership and control edges.
    #[serde(default)]
    pub edges: Vec<Edge>,
}

/// `owner` holds `share` of `owned` (a fraction: 0.5 = 50 %), or controls it.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Owner id.
    pub owner: String,
    /// Owned id.
    pub owned: String,
    /// Fraction held; absent when unknown.
    #[serde(default)]
    pub share: Option<f64>,
    /// The owner controls the owned entity (board majority, dominant influence …).
    #[serde(default)]
    pub control: bool,
    /// Where the fact comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// As of when.
    #[serde(default)]
    pub date: Option<String>,
}

/// A regime's rule in force on a date.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Period {
    /// First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Ownership threshold (fraction).
    #[serde(default = "half")]
    pub threshold: f64,
    /// Whether reaching the threshold suffices (≥) or it must be exceeded (>).
    #[serde(default = "yes")]
    pub inclusive: bool,
    /// Whether control alone catches an entity.
    #[serde(default)]
    pub control: bool,
    /// Whether the rule applies at all on these dates.
    #[serde(default = "yes")]
    pub active: bool,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Caveat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
}

fn half() -> f64 {
    0.5
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
struct RegimeRule {
    citation: String,
    rule: String,
    periods: Vec<Period>,
}

#[derive(Deserialize)]
struct RulesFile {
    regimes: BTreeMap<String, RegimeRule>,
}

fn rules() -> &'static RulesFile {
    static R: OnceLock<RulesFile> = OnceLock::new();
    R.get_or_init(|| serde_json::from_str(RULES).expect("shipped ownership rules are valid"))
}

/// What one entity's status rests on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    /// Entity id.
    pub entity: String,
    /// `listed`, `blocked`, `unknown` or `caution`.
    pub status: String,
    /// Why, with the shares.
    pub why: String,
}

/// The answer for one regime and date.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rollup {
    /// `ofac`, `eu` or `bis`.
    pub regime: String,
    /// Evaluation date.
    pub date: String,
    /// Citation of the rule.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
    /// The period of the rule applied.
    pub period: Period,
    /// Entities treated as blocked/owned/covered (listed ones included), sorted.
    pub blocked: Vec<String>,
    /// Entities that missing shares (or unknown control) leave open, sorted.
    pub unknown: Vec<String>,
    /// Entities not caught by the rule but with listed ownership or control to look at, sorted.
    pub caution: Vec<String>,
    /// Why, per entity.
    pub findings: Vec<Finding>,
}

/// Bad input: a field that cannot be read as the rules need it.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{field}: {message}")]
pub struct Error {
    /// The field (`edges[2].share`, `regime` …).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

pub(crate) fn err(field: impl Into<String>, message: impl Into<String>) -> Error {
    Error {
        field: field.into(),
        message: message.into(),
    }
}

fn pct(x: f64) -> String {
    // `+ 0.0` turns the -0.0 of an empty sum into 0.
    let p = x * 100.0 + 0.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{} %", p.round())
    } else {
        format!("{p:.2} %")
    }
}

/// Rolls listed status up the graph under `regime` (`ofac`, `eu`, `bis`) as in force on
/// `date` (YYYY-MM-DD).
pub fn roll_up(graph: &Graph, regime: &str, date: &str) -> Result<Rollup, Error> {
    let r = rules().regimes.get(regime).ok_or_else(|| {
        err(
            "regime",
            format!("unknown regime {regime:?}: use ofac, eu or bis"),
        )
    })?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| err("date", format!("{date:?} is not a date (YYYY-MM-DD)")))?;
    validate(graph)?;
    let period = r
        .periods
        .iter()
        .find(|p| {
            p.from.as_deref().is_none_or(|f| date >= f) && p.to.as_deref().is_none_or(|t| date <= t)
        })
        .cloned()
        .unwrap_or(Period {
            from: None,
            to: r.periods.first().and_then(|p| p.from.clone()),
            threshold: 0.5,
            inclusive: true,
            control: false,
            active: false,
            note: Some("the rule was not yet in force on this date".into()),
            unverified: None,
        });
    let listed: BTreeSet<&str> = graph.listed.iter().map(String::as_str).collect();
    let mut nodes: BTreeSet<&str> = listed.clone();
    for e in &graph.edges {
        nodes.insert(&e.owner);
        nodes.insert(&e.owned);
    }
    let mut findings: BTreeMap<String, Finding> = listed
        .iter()
        .map(|x| {
            (
                x.to_string(),
                Finding {
                    entity: x.to_string(),
                    status: "listed".into(),
                    why: "listed".into(),
                },
            )
        })
        .collect();
    let meets = |s: f64| {
        if period.inclusive {
            s >= period.threshold - 1e-9
        } else {
            s > period.threshold + 1e-9
        }
    };
    // Known caught set: a fixed point over known shares (and control, where it counts).
    let fixed_point = |optimistic: bool| -> (BTreeSet<String>, BTreeMap<String, String>) {
        let mut caught: BTreeSet<String> = listed.iter().map(|s| s.to_string()).collect();
        let mut why = BTreeMap::new();
        if !period.active {
            return (caught, why);
        }
        loop {
            let mut changed = false;
            for &n in &nodes {
                if caught.contains(n) {
                    continue;
                }
                let known_all: f64 = into(graph, n).filter_map(|e| e.share).sum();
                let remainder = (1.0 - known_all).max(0.0);
                let mut parts = Vec::new();
                let mut s = 0.0;
                let mut open = false;
                for e in into(graph, n).filter(|e| caught.contains(&e.owner)) {
                    match e.share {
                        Some(x) if x > 0.0 => {
                            s += x;
                            parts.push(format!("{} {}", e.owner, pct(x)));
                        }
                        Some(_) => {}
                        None => open = true,
                    }
                }
                if optimistic && open {
                    s += remainder;
                }
                let controlled = period.control
                    && into(graph, n).any(|e| e.control && caught.contains(&e.owner));
                if meets(s) || controlled {
                    caught.insert(n.to_string());
                    let w = if meets(s) && !parts.is_empty() && !(optimistic && open) {
                        format!(
                            "owned {} in the aggregate by caught persons ({})",
                            pct(s),
                            parts.join(", ")
                        )
                    } else if controlled {
                        let by: Vec<&str> = into(graph, n)
                            .filter(|e| e.control && caught.contains(&e.owner))
                            .map(|e| e.owner.as_str())
                            .collect();
                        format!("controlled by {}", by.join(", "))
                    } else {
                        "shares unknown".into()
                    };
                    why.insert(n.to_string(), w);
                    changed = true;
                }
            }
            if !changed {
                return (caught, why);
            }
        }
    };
    let (blocked, why) = fixed_point(false);
    let (maybe, _) = fixed_point(true);
    for (n, w) in &why {
        findings.insert(
            n.clone(),
            Finding {
                entity: n.clone(),
                status: "blocked".into(),
                why: w.clone(),
            },
        );
    }
    let unknown: BTreeSet<String> = maybe.difference(&blocked).cloned().collect();
    for n in &unknown {
        let known: f64 = into(graph, n)
            .filter(|e| blocked.contains(&e.owner))
            .filter_map(|e| e.share)
            .sum();
        findings.insert(
            n.clone(),
            Finding {
                entity: n.clone(),
                status: "unknown".into(),
                why: format!(
                    "known caught ownership {}; shares missing on the path from caught persons could bring it to the threshold",
                    pct(known)
                ),
            },
        );
    }
    // Caution: listed exposure through paths the rule does not count (non-caught
    // intermediaries, control under an ownership-only rule, a suspended rule).
    let mut caution = BTreeSet::new();
    for &n in &nodes {
        if blocked.contains(n) || unknown.contains(n) {
            continue;
        }
        let exposure = exposure(graph, &listed, n);
        let controlled = graph
            .edges
            .iter()
            .any(|e| e.owned == n && e.control && blocked.contains(&e.owner));
        if exposure > 0.0 || controlled {
            caution.insert(n.to_string());
            let mut w = Vec::new();
            if exposure > 0.0 {
                w.push(format!(
                    "listed persons hold {} of it directly or through others (multiplied along the chain)",
                    pct(exposure)
                ));
            }
            if controlled {
                w.push("controlled by a caught person, which this rule does not count".into());
            }
            if !period.active {
                w.push("the rule is not in force on this date".into());
            }
            findings.insert(
                n.to_string(),
                Finding {
                    entity: n.to_string(),
                    status: "caution".into(),
                    why: w.join("; "),
                },
            );
        }
    }
    Ok(Rollup {
        regime: regime.to_string(),
        date: date.to_string(),
        citation: r.citation.clone(),
        rule: r.rule.clone(),
        period,
        blocked: blocked.into_iter().collect(),
        unknown: unknown.into_iter().collect(),
        caution: caution.into_iter().collect(),
        findings: findings.into_values().collect(),
    })
}

/// The edges into `x`.
fn into<'a>(g: &'a Graph, x: &'a str) -> impl Iterator<Item = &'a Edge> + 'a {
    g.edges.iter().filter(move |e| e.owned == x)
}

/// Listed persons' ownership of `n` multiplied along every chain (cycles cut), capped at 1.
fn exposure(graph: &Graph, listed: &BTreeSet<&str>, n: &str) -> f64 {
    fn go<'a>(g: &'a Graph, listed: &BTreeSet<&str>, n: &'a str, seen: &mut Vec<&'a str>) -> f64 {
        if listed.contains(n) {
            return 1.0;
        }
        if seen.contains(&n) || seen.len() > 16 {
            return 0.0;
        }
        seen.push(n);
        let s = g
            .edges
            .iter()
            .filter(|e| e.owned == n)
            .map(|e| e.share.unwrap_or(0.0) * go(g, listed, &e.owner, seen))
            .sum::<f64>();
        seen.pop();
        s.min(1.0)
    }
    go(graph, listed, n, &mut Vec::new())
}

fn validate(g: &Graph) -> Result<(), Error> {
    let mut total: BTreeMap<&str, f64> = BTreeMap::new();
    for (i, e) in g.edges.iter().enumerate() {
        if e.owner.trim().is_empty() || e.owned.trim().is_empty() {
            return Err(err(format!("edges[{i}]"), "owner and owned must be ids"));
        }
        if e.owner == e.owned {
            return Err(err(
                format!("edges[{i}]"),
                format!("{} cannot own itself", e.owner),
            ));
        }
        if let Some(s) = e.share {
            if !(0.0..=1.0).contains(&s) || s.is_nan() {
                return Err(err(
                    format!("edges[{i}].share"),
                    format!("{s} is not a fraction between 0 and 1 (0.5 = 50 %)"),
                ));
            }
            *total.entry(&e.owned).or_default() += s;
        }
    }
    for (n, t) in total {
        if t > 1.0 + 1e-9 {
            return Err(err(
                "edges",
                format!(
                    "the shares held in {n} add up to {}, more than 100 %",
                    pct(t)
                ),
            ));
        }
    }
    Ok(())
}
