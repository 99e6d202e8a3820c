//! Continuous monitoring: counterparties are screened in full when registered, then after each
//! list update only against the entities that the update added or changed — the snapshot
//! delta — scored exactly as against the whole lists ([`Index::build_against`]).

use anyhow::{Context, Result};
use chokepoint_screen::batch::{make_query, with_address};
use chokepoint_screen::{Index, Match, Query};
use chokepoint_store::cases::party_key;
use chokepoint_store::monitor::{Counterparty, CounterpartyHits, MonitorRecord};
use chokepoint_store::Store;
use rayon::prelude::*;
use serde::Serialize;

/// Counterparties read from the store at a time during a monitoring run.
const PAGE: usize = 20_000;

/// The query for a counterparty; the error names it and the field.
pub fn query_of(c: &Counterparty) -> Result<Query, String> {
    make_query(
        &c.name,
        c.kind.as_deref(),
        c.birth_date.as_deref(),
        c.country.as_deref(),
        c.identifiers.clone(),
        vec![],
    )
    .and_then(|q| with_address(q, c.address.as_deref()))
    .map_err(|e| format!("counterparty {}: {e}", c.id))
}

/// How one source changed since it was last monitored.
#[derive(Debug, Clone, Serialize)]
pub struct SourceDelta {
    /// Source.
    pub source: String,
    /// Snapshot last monitored against (`None`: never).
    pub from: Option<i64>,
    /// Snapshot now in force.
    pub to: i64,
    /// Entities added.
    pub added: usize,
    /// Entities changed.
    pub changed: usize,
    /// Entities removed.
    pub removed: usize,
}

/// What a monitoring run did.
#[derive(Debug, Clone, Serialize)]
pub struct MonitorReport {
    /// Sources with a new snapshot since the last run.
    pub sources: Vec<SourceDelta>,
    /// Counterparties screened.
    pub counterparties: usize,
    /// Counterparties that could not be screened (bad stored data), with why.
    pub rejected: Vec<String>,
    /// List entities they were screened against (added or changed).
    pub delta_entities: usize,
    /// New hits (after false-positive memory and already open cases).
    pub hits: usize,
    /// Hits left out because a reviewer judged them false positives on this entity version.
    pub suppressed: usize,
    /// The record.
    #[serde(flatten)]
    pub record: MonitorRecord,
}

/// Screens `cps` on all cores; returns per counterparty its alerts, and the rejected.
fn screen_all<'a>(
    index: &Index,
    cps: &'a [Counterparty],
) -> (Vec<(&'a Counterparty, Vec<Match>)>, Vec<String>) {
    let out: Vec<Result<(&Counterparty, Vec<Match>), String>> = cps
        .par_iter()
        .map(|c| {
            let q = query_of(c)?;
            Ok((
                c,
                index
                    .screen(&q, 10)
                    .into_iter()
                    .filter(|m| m.alert)
                    .collect(),
            ))
        })
        .collect();
    let mut hits = Vec::new();
    let mut rejected = Vec::new();
    for r in out {
        match r {
            Ok((c, m)) if !m.is_empty() => hits.push((c, m)),
            Ok(_) => {}
            Err(e) => rejected.push(e),
        }
    }
    (hits, rejected)
}

/// Turns alerts into the hits that go to review: known false positives on the same entity
/// version and hits already in an open case are left out. Returns (hits, suppressed count).
fn to_review(
    store: &Store,
    snapshots: &[i64],
    found: Vec<(&Counterparty, Vec<Match>)>,
) -> Result<(Vec<CounterpartyHits>, usize)> {
    let mut out = Vec::new();
    let mut suppressed = 0;
    for (c, matches) in found {
        let key = party_key(&c.name, query_of(c).ok().and_then(|q| q.country).as_deref());
        let mut hits = Vec::new();
        for m in &matches {
            let hash = store.entity_hash(snapshots, &m.entity_id)?;
            if let Some(h) = &hash {
                if store.suppressed(&key, &m.entity_id, h)? {
                    suppressed += 1;
                    continue;
                }
            }
            if store.open_hit_exists(&c.id, &m.entity_id)? {
                continue;
            }
            hits.push((
                m.entity_id.clone(),
                format!(
                    "\"{}\" ({}, score {:.3})",
                    m.matched_name, m.source, m.score
                ),
            ));
        }
        let result = serde_json::json!({
            "snapshots": snapshots,
            "matches": matches.iter().map(|m| serde_json::json!({"entity_id": m.entity_id, "name": m.matched_name, "source": m.source, "score": chokepoint_screen::decimal(m.score)})).collect::<Vec<_>>(),
        });
        out.push(CounterpartyHits {
            id: c.id.clone(),
            hits,
            result,
        });
    }
    Ok((out, suppressed))
}

/// Registers counterparties and screens them at once against the whole lists in force
/// (`index` must be the index over the newest snapshots). Sources never monitored before
/// start their monitoring from the snapshots screened here.
pub fn register(
    store: &mut Store,
    user: &str,
    cps: &[Counterparty],
    index: &Index,
) -> Result<MonitorReport> {
    // Reject the whole request on any bad row: nothing half-registered.
    for c in cps {
        query_of(c).map_err(anyhow::Error::msg)?;
    }
    store.register_counterparties(user, cps)?;
    let snaps = store.in_force_all(None)?;
    let snapshots: Vec<i64> = snaps.iter().map(|s| s.id).collect();
    let (found, rejected) = screen_all(index, cps);
    let (results, suppressed) = to_review(store, &snapshots, found)?;
    let state = store.monitor_state()?;
    let baseline: Vec<(String, Option<i64>, i64)> = snaps
        .iter()
        .filter(|s| !state.contains_key(&s.source))
        .map(|s| (s.source.clone(), None, s.id))
        .collect();
    let ids: Vec<String> = cps.iter().map(|c| c.id.clone()).collect();
    let hits = results.iter().map(|r| r.hits.len()).sum();
    let body = serde_json::json!({"counterparties": ids.len(), "snapshots": snapshots, "hits": hits, "suppressed": suppressed});
    let record = store.record_monitor(
        user,
        "counterparty.screen",
        Some(&ids),
        &results,
        &[],
        &baseline,
        &body,
    )?;
    Ok(MonitorReport {
        sources: vec![],
        counterparties: cps.len(),
        rejected,
        delta_entities: index.len(),
        hits,
        suppressed,
        record,
    })
}

/// Re-screens every registered counterparty against what changed on the lists since the last
/// run; new hits open cases, removed entities are noted on the open cases that cite them.
/// `reference` is the index over the newest snapshots (for token statistics).
pub fn run(store: &mut Store, user: &str, reference: &Index) -> Result<MonitorReport> {
    let state = store.monitor_state()?;
    let snaps = store.in_force_all(None)?;
    let mut sources = Vec::new();
    let mut entities = Vec::new();
    let mut removed = Vec::new();
    let mut new_state = Vec::new();
    for s in &snaps {
        let from = state.get(&s.source).copied();
        if from == Some(s.id) {
            continue;
        }
        let delta = store
            .diff(from, s.id)
            .with_context(|| format!("delta of {}", s.source))?;
        let (mut a, mut c, mut r) = (0, 0, 0);
        for ch in &delta.changes {
            match ch.change.as_str() {
                "removed" => {
                    r += 1;
                    removed.push((
                        ch.entity_id.clone(),
                        format!(
                            "removed from {} in snapshot {} (in force from {})",
                            s.source, s.id, s.effective_date
                        ),
                    ));
                }
                kind => {
                    if kind == "added" {
                        a += 1
                    } else {
                        c += 1
                    }
                    if let Some(e) = store.entity_in(s.id, &ch.entity_id)? {
                        entities.push((s.source.clone(), e));
                    }
                }
            }
        }
        sources.push(SourceDelta {
            source: s.source.clone(),
            from,
            to: s.id,
            added: a,
            changed: c,
            removed: r,
        });
        new_state.push((s.source.clone(), from, s.id));
    }
    let snapshots: Vec<i64> = snaps.iter().map(|s| s.id).collect();
    let delta_entities = entities.len();
    // Counterparties are read a page at a time and only those with alerts are kept, so a
    // million of them never sit in memory at once.
    let mut results = Vec::new();
    let mut rejected = Vec::new();
    let mut suppressed = 0;
    if !entities.is_empty() {
        let index = Index::build_against(entities, reference);
        let mut after = String::new();
        loop {
            let page = store.counterparties_after(&after, PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.id.clone();
            let (found, rej) = screen_all(&index, &page);
            let (r, s) = to_review(store, &snapshots, found)?;
            results.extend(r);
            rejected.extend(rej);
            suppressed += s;
        }
    }
    let hits = results.iter().map(|r| r.hits.len()).sum();
    let counterparties = store.counterparty_count()? as usize;
    let body = serde_json::json!({
        "sources": sources, "snapshots": snapshots, "counterparties": counterparties,
        "delta_entities": delta_entities, "hits": hits, "suppressed": suppressed, "rejected": rejected.len(),
    });
    let record = store.record_monitor(
        user,
        "monitor.run",
        None,
        &results,
        &removed,
        &new_state,
        &body,
    )?;
    Ok(MonitorReport {
        sources,
        counterparties,
        rejected,
        delta_entities,
        hits,
        suppressed,
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counterparty's address is screened with its name; one that is no address is an error
    /// naming the counterparty.
    #[test]
    fn a_counterparty_s_address_is_part_of_its_query() {
        let mut c = Counterparty {
            id: "c9".into(),
            name: "Izhevsk Motor Plant Works".into(),
            address: Some("90 Maksima Gorkogo St, Izhevsk".into()),
            ..Default::default()
        };
        let q = query_of(&c).unwrap();
        assert_eq!(q.address.as_deref(), Some("90 Maksima Gorkogo St, Izhevsk"));
        c.address = Some(" -- ".into());
        let e = query_of(&c).unwrap_err();
        assert!(e.contains("c9") && e.contains("address"), "{e}");
    }
}
