//! Licences in use: a transaction line that names a licence is checked against it — recorded,
//! valid on the date, the destination and every party on it, the item on it, enough quantity
//! and value left — and a cleared shipment draws it down. A failed check holds the order with
//! the reason; lines whose licence requirement a valid licence covers no longer need one.

use anyhow::Result;
use chokepoint_assess::{Decision, Node, Outcome, Transaction};
use chokepoint_licensing::same_entry;
use chokepoint_store::cases::party_key;
use chokepoint_store::Store;
use serde::Serialize;

/// A drawdown to record: (licence number, control entry, quantity, value).
pub type Drawdown = (String, String, f64, f64);

/// What was found for one line.
#[derive(Debug, Clone, Serialize)]
pub struct LicenceUse {
    /// Line number (1-based).
    pub line: usize,
    /// The licence named.
    pub licence: String,
    /// Covered, or why not.
    pub problems: Vec<String>,
    /// Drawn on clearance: (quantity, value).
    pub draws: (f64, f64),
}

/// Checks every line that names a licence and adjusts the decision: a problem holds the
/// order; licence requirements covered by valid licences are lifted. Returns what was found
/// and the drawdowns to record if the order is cleared.
pub fn apply(
    store: &Store,
    tx: &Transaction,
    d: &mut Decision,
) -> Result<(Vec<LicenceUse>, Vec<Drawdown>)> {
    let mut uses = Vec::new();
    let date = d.date.clone();
    for (i, item) in tx.items.iter().enumerate() {
        let Some(number) = item
            .licence
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        else {
            continue;
        };
        let entry = item.eccn.clone().or(item.eu.clone()).unwrap_or_default();
        let qty = item.quantity.unwrap_or(0.0);
        let value = qty * item.unit_price.unwrap_or(0.0);
        // Earlier lines of this order draw on it too.
        let (pq, pv) = uses
            .iter()
            .filter(|u: &&LicenceUse| u.licence == number && u.problems.is_empty())
            .fold((0.0, 0.0), |a, u| (a.0 + u.draws.0, a.1 + u.draws.1));
        let parties: Vec<(String, String)> = tx
            .parties
            .iter()
            .map(|p| (p.role.clone(), p.name.clone()))
            .collect();
        let problems = check(
            store,
            &Line {
                licence: number,
                entry: &entry,
                quantity: qty,
                value,
                destination: &tx.route.destination,
                parties: &parties,
                date: &date,
                pending: (pq, pv),
            },
        )?;
        uses.push(LicenceUse {
            line: i + 1,
            licence: number.to_string(),
            problems,
            draws: (qty, value),
        });
    }
    if uses.is_empty() {
        return Ok((uses, vec![]));
    }
    let mut node = Node {
        finding: "licences named on the order".into(),
        citation: None,
        children: vec![],
    };
    for u in &uses {
        node.children.push(Node {
            finding: if u.problems.is_empty() {
                format!("line {}: covered by licence {}", u.line, u.licence)
            } else {
                format!(
                    "line {}: licence {}: {}",
                    u.line,
                    u.licence,
                    u.problems.join("; ")
                )
            },
            citation: None,
            children: vec![],
        });
    }
    let problem = uses.iter().any(|u| !u.problems.is_empty());
    if problem && d.outcome < Outcome::HoldForReview {
        d.outcome = Outcome::HoldForReview;
        node.finding = "a licence named on the order does not cover it: hold".into();
    } else if !problem && d.outcome == Outcome::LicenseRequired {
        let needing: Vec<usize> = d
            .determination
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.outcome == chokepoint_controls::Outcome::LicenseRequired)
            .map(|(i, _)| i + 1)
            .collect();
        if needing.iter().all(|n| uses.iter().any(|u| u.line == *n)) {
            d.outcome = Outcome::Clear;
            node.finding = "every licence requirement is covered by a valid licence".into();
        }
    }
    d.explanation.children.push(node);
    let draws = if d.outcome == Outcome::Clear {
        uses.iter()
            .map(|u| {
                let it = &tx.items[u.line - 1];
                (
                    u.licence.clone(),
                    it.eccn.clone().or(it.eu.clone()).unwrap_or_default(),
                    u.draws.0,
                    u.draws.1,
                )
            })
            .collect()
    } else {
        vec![]
    };
    Ok((uses, draws))
}

/// Records a licence issued elsewhere (an exporter's own), after checking the fields the
/// checks need; the error names the field.
pub fn record(store: &mut Store, user: &str, l: &serde_json::Value) -> Result<i64> {
    let role = store.user_role(user)?.unwrap_or_default();
    if store.user_count()? > 0
        && !["screener", "reviewer", "approver", "case_officer", "admin"].contains(&role.as_str())
    {
        return Err(anyhow::Error::new(crate::licensing::Forbidden(format!(
            "{user} ({role}) may not record licences"
        ))));
    }
    for (field, ok) in [
        (
            "number",
            l["number"].as_str().is_some_and(|n| !n.trim().is_empty()),
        ),
        (
            "items",
            l["items"]
                .as_array()
                .is_some_and(|a| !a.is_empty() && a.iter().all(|i| i["control_entry"].is_string())),
        ),
        (
            "destinations",
            l["destinations"].as_array().is_some_and(|a| !a.is_empty()),
        ),
        ("parties", l["parties"].is_array()),
        (
            "valid_until",
            l["valid_until"]
                .as_str()
                .is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()),
        ),
    ] {
        if !ok {
            anyhow::bail!("licence: field {field} is missing or malformed");
        }
    }
    Ok(store.add_licence(user, l)?)
}

/// A licence with what has been drawn on it.
pub fn show(store: &Store, number: &str) -> Result<Option<serde_json::Value>> {
    Ok(store.licence(number)?.map(|(l, drawn)| {
        let drawn: Vec<serde_json::Value> = drawn
            .iter()
            .map(|(e, q, v)| serde_json::json!({"control_entry": e, "quantity": q, "value": v}))
            .collect();
        serde_json::json!({"licence": l, "drawn": drawn})
    }))
}

/// One use of a licence to check.
pub struct Line<'a> {
    /// Licence number.
    pub licence: &'a str,
    /// Control entry of the item.
    pub entry: &'a str,
    /// Quantity.
    pub quantity: f64,
    /// Value.
    pub value: f64,
    /// Destination country.
    pub destination: &'a str,
    /// (role, name) of the parties.
    pub parties: &'a [(String, String)],
    /// Date of the shipment.
    pub date: &'a str,
    /// Already claimed by earlier lines of the same order: (quantity, value).
    pub pending: (f64, f64),
}

/// Why `l_` is not covered by its licence (empty: covered).
pub fn check(store: &Store, l_: &Line<'_>) -> Result<Vec<String>> {
    let number = l_.licence;
    let (entry, qty, value, date) = (
        l_.entry.to_string(),
        l_.quantity,
        l_.value,
        l_.date.to_string(),
    );
    let mut problems = Vec::new();
    match store.licence(number)? {
        None => problems.push(format!("licence {number} is not recorded")),
        Some((l, drawn)) => {
            let from = l["valid_from"].as_str().unwrap_or("");
            let until = l["valid_until"].as_str().unwrap_or("");
            if date.as_str() < from {
                problems.push(format!("licence {number} is valid only from {from}"));
            }
            if !until.is_empty() && date.as_str() > until {
                problems.push(format!("licence {number} expired on {until}"));
            }
            let dests: Vec<&str> = l["destinations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|x| x.as_str())
                .collect();
            if !dests.iter().any(|x| x.eq_ignore_ascii_case(l_.destination)) {
                problems.push(format!(
                    "destination {} is not on licence {number} ({})",
                    l_.destination,
                    dests.join(", ")
                ));
            }
            let on_licence: Vec<String> = l["parties"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str())
                .map(|n| party_key(n, None))
                .collect();
            for (role, name) in l_.parties.iter().filter(|(role, _)| {
                [
                    "end_user",
                    "ultimate_consignee",
                    "intermediate_consignee",
                    "purchaser",
                ]
                .contains(&role.as_str())
            }) {
                if !on_licence.contains(&party_key(name, None)) {
                    problems.push(format!(
                        "{role} {name:?} is not a party to licence {number}"
                    ));
                }
            }
            let licensed = l["items"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|x| same_entry(x["control_entry"].as_str().unwrap_or(""), &entry));
            match licensed {
                None => problems.push(format!("item {entry} is not on licence {number}")),
                Some(x) => {
                    let (dq, dv) = drawn
                        .iter()
                        .filter(|(e, _, _)| same_entry(e, &entry))
                        .fold((0.0, 0.0), |a, (_, q, v)| (a.0 + q, a.1 + v));
                    let (pq, pv) = l_.pending;
                    if let Some(lq) = x["quantity"].as_f64() {
                        if dq + pq + qty > lq + 1e-9 {
                            problems.push(format!(
                                    "over-draw: licence {number} allows {lq} of {entry}, {} already used, this order needs {qty}",
                                    dq + pq
                                ));
                        }
                    }
                    if let Some(lv) = x["value"].as_f64() {
                        if dv + pv + value > lv + 1e-6 {
                            problems.push(format!(
                                    "over-draw: licence {number} allows a value of {lv} for {entry}, {} already used, this order needs {value}",
                                    dv + pv
                                ));
                        }
                    }
                }
            }
        }
    }
    Ok(problems)
}
