//! Chokepoint's use cases, shared by the command line and the HTTP server so that both do
//! exactly the same thing and write the same audit records: screening a party, assessing a
//! transaction (and opening a case on a hold), and monitoring registered counterparties
//! against each list update.
#![deny(missing_docs)]

pub mod allocator;
pub mod euv;
pub mod licences;
pub mod licensing;
pub mod monitor;
pub mod reference;

use anyhow::{bail, Context, Result};
use chokepoint_assess::transaction::Party;
use chokepoint_assess::{assess_with, Decision, Outcome, ScreenHit, Screener, Transaction};
use chokepoint_screen::{Config, Index, Match, Query};
use chokepoint_store::cases::party_key;
use chokepoint_store::Store;
use serde::Serialize;

/// Builds the index over the lists in force on `as_of` (the newest without a date).
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

/// The ids of the snapshots in force on `as_of` (the newest without a date).
pub fn snapshots_in_force(store: &Store, as_of: Option<&str>) -> Result<Vec<i64>> {
    Ok(store.in_force_all(as_of)?.iter().map(|s| s.id).collect())
}

/// A screening as asked: the `top_k` best matches whatever their score, or else the alerts
/// only (the cheaper search: see [`Index::screen_alerts`]).
pub fn screen(index: &Index, q: &Query, top_k: Option<usize>) -> Vec<Match> {
    match top_k {
        Some(k) => index.screen(q, k),
        None => index.screen_alerts(q),
    }
}

/// Writes the audit record of one screening: the query, the snapshots, the matches' ids and
/// scores.
pub fn record_screening(
    store: &mut Store,
    user: &str,
    q: &Query,
    as_of: Option<&str>,
    snapshots: &[i64],
    threshold: f32,
    matches: &[Match],
) -> Result<i64> {
    Ok(store.audit(
        user,
        "screen",
        &q.name,
        &serde_json::json!({
            "query": {"name": q.name, "type": q.kind.map(|k| format!("{k:?}").to_lowercase()), "birth_date": q.birth_date.map(|d| d.to_string()), "country": q.country, "identifiers": q.identifiers, "address": q.address, "sources": q.sources},
            "as_of": as_of, "snapshots": snapshots, "threshold": threshold,
            "matches": matches.iter().map(|m| serde_json::json!({"entity_id": m.entity_id, "score": chokepoint_screen::decimal(m.score), "alert": m.alert})).collect::<Vec<_>>(),
        }),
    )?)
}

/// Screens with an index over the lists in force, leaving out hits a reviewer judged false
/// positives on the same version of the list entity.
pub struct IndexScreener<'a> {
    index: &'a Index,
    store: &'a Store,
    snapshots: Vec<i64>,
    /// On replay: exactly the hits suppressed then; otherwise the memory as it stands.
    replayed: Option<Vec<(String, String)>>,
    /// (party key, entity id) of the hits left out, for the record.
    suppressed: std::cell::RefCell<Vec<(String, String)>>,
}

impl<'a> IndexScreener<'a> {
    /// A screener over `index`, built from `snapshots` of `store`. With `replayed`, exactly
    /// those (party key, entity id) hits are suppressed, as they were when first recorded.
    pub fn new(
        index: &'a Index,
        store: &'a Store,
        snapshots: Vec<i64>,
        replayed: Option<Vec<(String, String)>>,
    ) -> Self {
        IndexScreener {
            index,
            store,
            snapshots,
            replayed,
            suppressed: Default::default(),
        }
    }

    /// The hits left out as known false positives so far.
    pub fn suppressed(&self) -> Vec<(String, String)> {
        self.suppressed.borrow().clone()
    }
}

impl Screener for IndexScreener<'_> {
    fn screen(&self, p: &Party) -> Result<Vec<ScreenHit>, String> {
        let q = chokepoint_screen::batch::make_query(
            &p.name,
            p.kind.as_deref(),
            p.birth_date.as_deref(),
            p.country.as_deref(),
            p.identifiers.iter().chain(&p.website).cloned().collect(),
            vec![],
        )?;
        // KYC-01: the party's address is screened with its name.
        let address = p.address.as_ref().map(|a| {
            [a.street.as_deref(), a.city.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        });
        let q = chokepoint_screen::batch::with_address(q, address.as_deref())?;
        let key = party_key(&p.name, q.country.as_deref());
        let mut out = Vec::new();
        for m in self.index.screen_alerts(&q) {
            let hash = self
                .store
                .entity_hash(&self.snapshots, &m.entity_id)
                .map_err(|e| e.to_string())?;
            let known_fp = match (&self.replayed, &hash) {
                (Some(r), _) => r.iter().any(|(k, e)| *k == key && *e == m.entity_id),
                (None, Some(h)) => self
                    .store
                    .suppressed(&key, &m.entity_id, h)
                    .map_err(|e| e.to_string())?,
                (None, None) => false,
            };
            if known_fp {
                self.suppressed
                    .borrow_mut()
                    .push((key.clone(), m.entity_id.clone()));
            } else {
                out.push(m);
            }
        }
        Ok(out
            .into_iter()
            .map(|m| ScreenHit {
                entity_id: m.entity_id,
                name: m.matched_name,
                score: m.score,
                source: m.source,
            })
            .collect())
    }
}

/// A recorded assessment.
#[derive(Debug, Serialize)]
pub struct Assessed {
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
    /// Its audit record.
    pub audit_seq: i64,
    /// The case opened for review, on a hold.
    pub case_id: Option<i64>,
    /// Licences named on the order: covered, or why not.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub licences: Vec<licences::LicenceUse>,
}

/// Assesses a transaction against the lists in force on its date, records it in the audit log
/// and, on a hold, opens a case with its hits — atomically. `index` must be the index over
/// the lists in force on the transaction's date (`None`: build it).
pub fn assess_and_record(
    store: &mut Store,
    user: &str,
    tx: &Transaction,
    subject: &str,
    index: Option<&Index>,
) -> Result<Assessed> {
    let built;
    let index = match index {
        Some(i) => i,
        None => {
            built = build_index(store, tx.date.as_deref(), Config::default())?;
            &built
        }
    };
    let snapshots = snapshots_in_force(store, tx.date.as_deref())?;
    let screener = IndexScreener::new(index, store, snapshots.clone(), None);
    let reference = reference::load_current(store)?;
    let mut d = assess_with(tx, &screener, &reference.reference, reference.suppliers())
        .with_context(|| subject.to_string())?;
    let suppressed = screener.suppressed();
    drop(screener);
    let (licences, drawdowns) = licences::apply(store, tx, &mut d)?;
    let mut hits: Vec<(String, String, String, String)> = Vec::new();
    if d.outcome == Outcome::HoldForReview {
        for s in &d.screening {
            for h in &s.hits {
                hits.push((
                    s.party.clone(),
                    "screening".into(),
                    h.entity_id.clone(),
                    format!("\"{}\" ({}, score {:.3})", h.name, h.source, h.score),
                ));
            }
        }
        for f in d
            .red_flags
            .iter()
            .filter(|f| f.rule != "KYC-01" && f.severity != "INFO")
        {
            hits.push((
                String::new(),
                "red_flag".into(),
                f.rule.clone(),
                format!("{} ({}): {}", f.indicator, f.severity, f.facts.join("; ")),
            ));
        }
        for u in licences.iter().filter(|u| !u.problems.is_empty()) {
            hits.push((
                String::new(),
                "licence".into(),
                u.licence.clone(),
                format!("line {}: {}", u.line, u.problems.join("; ")),
            ));
        }
    }
    let body = serde_json::json!({
        "transaction": tx,
        "parties": tx.parties.iter().map(|p| serde_json::json!({
            "id": p.id,
            "name": p.name,
            "country": p.country.as_deref().and_then(chokepoint_screen::parse_country),
        })).collect::<Vec<_>>(),
        "snapshots": snapshots,
        "suppressed_false_positives": suppressed,
        "reference": reference.versions,
        "decision": d,
        "licences": licences,
        "drawdowns": drawdowns,
    });
    let (seq, case) =
        store.record_with_drawdowns(user, "assess", subject, &body, &hits, &drawdowns)?;
    Ok(Assessed {
        decision: d,
        audit_seq: seq,
        case_id: case,
        licences,
    })
}

/// Records a reviewer's disposition of a hit. A false positive on a screening hit is
/// remembered for the party (from the assessment or the counterparty that opened the case)
/// against the list entity's current version, so it comes back when the entity changes.
pub fn dispose(
    store: &mut Store,
    user: &str,
    case_id: i64,
    hit_no: i64,
    disposition: &str,
    reason: &str,
) -> Result<()> {
    let (mut key, mut hash) = (None, None);
    let c = store.case(case_id)?;
    if let Some(c) = &c {
        if let Some(h) = c
            .hits
            .iter()
            .find(|h| h.hit_no == hit_no && h.kind == "screening")
        {
            let parties = c.decision["parties"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if let Some(p) = parties.iter().find(|p| p["id"] == h.party.as_str()) {
                key = Some(party_key(
                    p["name"].as_str().unwrap_or(""),
                    p["country"].as_str(),
                ));
            } else if let Some(cp) = c.decision["counterparty"]
                .as_str()
                .map(|id| store.counterparty(id))
                .transpose()?
                .flatten()
            {
                let country = cp
                    .country
                    .as_deref()
                    .and_then(chokepoint_screen::parse_country);
                key = Some(party_key(&cp.name, country.as_deref()));
            }
            let snaps = snapshots_in_force(store, None)?;
            hash = store.entity_hash(&snaps, &h.reference)?;
        }
    }
    store.dispose(
        user,
        case_id,
        hit_no,
        disposition,
        reason,
        key.as_deref(),
        hash.as_deref(),
    )?;
    Ok(())
}

/// Screens one party and, when it alerts, opens a case with the alerts for review (the web
/// UI's "screen" page): the audit record and the case are written in one transaction. The
/// party is recorded like an assessment's, so a false-positive disposition is remembered.
pub fn screen_for_review(
    store: &mut Store,
    user: &str,
    q: &Query,
    index: &Index,
    snapshots: &[i64],
) -> Result<(Vec<Match>, i64, Option<i64>)> {
    let matches = index.screen_alerts(q);
    let hits: Vec<(String, String, String, String)> = matches
        .iter()
        .map(|m| {
            (
                "q".to_string(),
                "screening".to_string(),
                m.entity_id.clone(),
                format!(
                    "\"{}\" ({}, score {:.3})",
                    m.matched_name, m.source, m.score
                ),
            )
        })
        .collect();
    let body = serde_json::json!({
        "query": {"name": q.name, "type": q.kind.map(|k| k.as_str()), "birth_date": q.birth_date.map(|d| d.to_string()), "country": q.country, "identifiers": q.identifiers, "address": q.address},
        "parties": [{"id": "q", "name": q.name, "country": q.country}],
        "snapshots": snapshots,
        "threshold": index.config().alert_threshold,
        "matches": matches,
    });
    let (seq, case) = store.record_with_case(user, "screen", &q.name, &body, &hits)?;
    Ok((matches, seq, case))
}
