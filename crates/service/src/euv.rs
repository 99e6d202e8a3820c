//! End-use verification: pre-licence checks and post-shipment verifications, planned and then
//! performed (date, site, officer, findings) with an outcome. A party that could not be
//! verified or was found diverting can be put on the organisation's own restricted list — a
//! list source (`own`) like any other, so screening and monitoring find it from then on.

use anyhow::{anyhow, bail, Result};
use chokepoint_lists::{Format, ParsedList};
use chokepoint_model::{Entity, Kind};
use chokepoint_store::{ImportItem, Store};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The outcomes a check can have.
pub const OUTCOMES: [&str; 3] = ["confirmed", "not_verified", "diverted"];

fn need_officer(store: &Store, user: &str) -> Result<()> {
    let role = store.user_role(user)?.unwrap_or_default();
    if !["case_officer", "adviser", "approver", "admin"].contains(&role.as_str()) {
        return Err(anyhow::Error::new(crate::licensing::Forbidden(format!(
            "{user} ({role}) may not plan or record end-use checks; it needs the role case_officer or adviser"
        ))));
    }
    Ok(())
}

fn date(s: &str, what: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| anyhow!("{what}: {s:?} is not a date (YYYY-MM-DD)"))
}

/// A check to plan.
#[derive(Debug, Clone, Deserialize)]
pub struct Plan {
    /// `pre_licence` or `post_shipment`.
    pub kind: String,
    /// The party to verify.
    pub party: chokepoint_licensing::Party,
    /// Destination country.
    pub destination: String,
    /// When it is due.
    pub due_on: String,
    /// The licence it concerns.
    pub licence: Option<String>,
    /// The application it concerns.
    pub application: Option<i64>,
}

/// Plans a check.
pub fn plan(store: &mut Store, user: &str, p: &Plan) -> Result<i64> {
    need_officer(store, user)?;
    if !["pre_licence", "post_shipment"].contains(&p.kind.as_str()) {
        bail!(
            "kind: {:?} is neither pre_licence nor post_shipment",
            p.kind
        );
    }
    if p.party.name.trim().is_empty() {
        bail!("party: empty name");
    }
    if p.destination.trim().len() != 2 {
        bail!(
            "destination: {:?} is not an ISO country code",
            p.destination
        );
    }
    date(&p.due_on, "due")?;
    let body = json!({"party": p.party, "licence": p.licence, "application": p.application});
    Ok(store.plan_euv(
        user,
        &p.kind,
        &p.destination.to_ascii_uppercase(),
        &p.due_on,
        &body,
    )?)
}

/// What was found on site.
#[derive(Debug, Clone, Deserialize)]
pub struct Result_ {
    /// When.
    pub performed_on: String,
    /// Where.
    pub site: String,
    /// Who.
    pub officer: String,
    /// What was found.
    pub findings: String,
    /// `confirmed`, `not_verified`, `diverted`.
    pub outcome: String,
}

/// Records a check's result; with `restrict` (only for `not_verified` or `diverted`) the
/// party goes on the own restricted list in the same transaction.
pub fn record(store: &mut Store, user: &str, id: i64, r: &Result_, restrict: bool) -> Result<i64> {
    need_officer(store, user)?;
    if !OUTCOMES.contains(&r.outcome.as_str()) {
        bail!(
            "outcome: {:?} is not one of {}",
            r.outcome,
            OUTCOMES.join(", ")
        );
    }
    date(&r.performed_on, "performed on")?;
    if r.findings.trim().is_empty() || r.officer.trim().is_empty() || r.site.trim().is_empty() {
        bail!("a check records its site, officer and findings");
    }
    if restrict && r.outcome == "confirmed" {
        bail!("a confirmed end use puts nobody on the restricted list");
    }
    let check = store
        .euv_checks()?
        .into_iter()
        .find(|c| c["id"] == id)
        .ok_or_else(|| anyhow!("no end-use check {id}"))?;
    let result = json!({"performed_on": r.performed_on, "site": r.site, "officer": r.officer, "findings": r.findings});
    if !restrict {
        return Ok(store.record_euv(user, id, &result, &r.outcome, None)?);
    }
    // The own list's next edition: the current one plus this party.
    let mut entities: Vec<Entity> = match store.in_force("own", None)? {
        Some(s) => store.entities(s.id)?,
        None => vec![],
    };
    let party = &check["check"]["party"];
    let name = party["name"].as_str().unwrap_or("").to_string();
    let mut e = Entity::new(format!("own:euv-{id}"), Kind::Unknown, name.as_str());
    if let Some(c) = party["country"].as_str() {
        e.nationalities.push(c.to_string());
    }
    e.programs.push("OWN-RESTRICTED".into());
    e.remarks.push(format!(
        "end-use check {id} ({}, {}): {} on {} — {}",
        check["kind"].as_str().unwrap_or(""),
        check["destination"].as_str().unwrap_or(""),
        r.outcome,
        r.performed_on,
        r.findings
    ));
    e.listed_on = Some(r.performed_on.clone());
    entities.retain(|x| x.id != e.id);
    entities.push(e);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let parsed = ParsedList {
        source: "own".into(),
        format: Format::Ftm,
        list_date: Some(today),
        records: entities.len(),
        entities,
        warnings: vec![],
    };
    let bytes = serde_json::to_vec(&parsed.entities)?;
    let sha = chokepoint_store::sha256_hex(&bytes);
    let files = vec![format!("own restricted list (end-use check {id})")];
    let item = ImportItem {
        parsed: &parsed,
        sha256: &sha,
        files: &files,
        stated_date: None,
    };
    Ok(store.record_euv(user, id, &result, &r.outcome, Some(item))?)
}

/// Checks due within `days` of `today` (and overdue ones), and outcomes by destination.
pub fn report(store: &Store, today: &str, days: i64) -> Result<Value> {
    let t = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")?;
    let horizon = (t + chrono::Duration::days(days)).to_string();
    let checks = store.euv_checks()?;
    let due: Vec<Value> = checks
        .iter()
        .filter(|c| {
            c["status"] == "planned" && c["due_on"].as_str().unwrap_or("") <= horizon.as_str()
        })
        .map(|c| {
            let mut c = c.clone();
            c["overdue"] = json!(c["due_on"].as_str().unwrap_or("") < today);
            c
        })
        .collect();
    let mut by: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for c in checks.iter().filter(|c| c["status"] == "done") {
        *by.entry(c["destination"].as_str().unwrap_or("").to_string())
            .or_default()
            .entry(c["outcome"].as_str().unwrap_or("").to_string())
            .or_default() += 1;
    }
    Ok(json!({"due": due, "outcomes_by_destination": by}))
}
