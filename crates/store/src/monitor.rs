//! Registered counterparties and continuous monitoring: which list snapshots each source was
//! last monitored against, and the atomic record of a monitoring run (results, cases opened,
//! notes on open cases whose list entity was removed, the new monitoring state and the audit
//! record, in one transaction).

use crate::{Error, Result, Store};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

pub(crate) const MONITOR_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS counterparty (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT,
    country TEXT,
    birth_date TEXT,
    identifiers TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    last_screened_at TEXT,
    last_result TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS monitor_state (
    source TEXT PRIMARY KEY,
    snapshot_id INTEGER NOT NULL,
    at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS case_note (
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    at TEXT NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL
);
"#;

/// A counterparty registered for continuous monitoring.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Counterparty {
    /// The caller's id for it (customer number …).
    pub id: String,
    /// Name.
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Country (ISO code or name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Birth date (YYYY, YYYY-MM, YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Identifiers (passport, IMO, LEI …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// When it was registered (set by the store).
    #[serde(default, skip_deserializing)]
    pub registered_at: String,
    /// When it was last screened.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub last_screened_at: Option<String>,
    /// The hits of its last screening that found any (JSON).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub last_result: Option<Value>,
}

/// What screening found for one counterparty: the hits that go to review.
#[derive(Debug, Clone)]
pub struct CounterpartyHits {
    /// Counterparty id.
    pub id: String,
    /// (list entity id, what was found) for each new hit.
    pub hits: Vec<(String, String)>,
    /// The screening result to keep as its last result.
    pub result: Value,
}

/// What a recorded screening or monitoring run did.
#[derive(Debug, Clone, Serialize)]
pub struct MonitorRecord {
    /// Its audit record.
    pub audit_seq: i64,
    /// Cases opened, one per counterparty with new hits.
    pub cases_opened: Vec<i64>,
    /// Open cases that got a note because a list entity of theirs was removed.
    pub cases_noted: Vec<i64>,
}

fn row_counterparty(r: &rusqlite::Row<'_>) -> rusqlite::Result<Counterparty> {
    let ids: String = r.get(5)?;
    let last: Option<String> = r.get(8)?;
    Ok(Counterparty {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        country: r.get(3)?,
        birth_date: r.get(4)?,
        identifiers: serde_json::from_str(&ids).unwrap_or_default(),
        registered_at: r.get(6)?,
        last_screened_at: r.get(7)?,
        last_result: last.and_then(|l| serde_json::from_str(&l).ok()),
    })
}

const CP_COLUMNS: &str = "id, name, kind, country, birth_date, identifiers, registered_at, last_screened_at, last_result";

impl Store {
    /// Registers (or updates) counterparties, all or none, with one audit record.
    pub fn register_counterparties(&mut self, actor: &str, cps: &[Counterparty]) -> Result<i64> {
        for (i, c) in cps.iter().enumerate() {
            if c.id.trim().is_empty() {
                return Err(Error::Invalid(format!("counterparty {}: empty id", i + 1)));
            }
            if c.name.trim().is_empty() {
                return Err(Error::Invalid(format!("counterparty {}: empty name", c.id)));
            }
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let at = crate::cases::now();
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO counterparty (id, name, kind, country, birth_date, identifiers, registered_at, registered_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, country = excluded.country,
                   birth_date = excluded.birth_date, identifiers = excluded.identifiers",
            )?;
            for c in cps {
                ins.execute(params![
                    c.id,
                    c.name,
                    c.kind,
                    c.country,
                    c.birth_date,
                    serde_json::to_string(&c.identifiers)?,
                    at,
                    actor
                ])?;
            }
        }
        let ids: Vec<&str> = cps.iter().take(100).map(|c| c.id.as_str()).collect();
        let seq = Self::append_audit_tx(
            &tx,
            actor,
            "counterparty.register",
            &format!("{} counterparties", cps.len()),
            &serde_json::json!({"count": cps.len(), "ids": ids, "ids_sha256": crate::sha256_hex(cps.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join("\n").as_bytes())}),
        )?;
        tx.commit()?;
        Ok(seq)
    }

    /// Registered counterparties, ordered by id.
    pub fn counterparties(&self) -> Result<Vec<Counterparty>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {CP_COLUMNS} FROM counterparty ORDER BY id"
        ))?;
        let v = st
            .query_map([], row_counterparty)?
            .collect::<std::result::Result<_, _>>()?;
        Ok(v)
    }

    /// Up to `limit` counterparties with ids after `after` (`""`: from the first), by id: for
    /// going through many without holding them all.
    pub fn counterparties_after(&self, after: &str, limit: usize) -> Result<Vec<Counterparty>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {CP_COLUMNS} FROM counterparty WHERE id > ?1 ORDER BY id LIMIT ?2"
        ))?;
        let v = st
            .query_map(params![after, limit as i64], row_counterparty)?
            .collect::<std::result::Result<_, _>>()?;
        Ok(v)
    }

    /// Number of registered counterparties.
    pub fn counterparty_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM counterparty", [], |r| r.get(0))?)
    }

    /// One counterparty.
    pub fn counterparty(&self, id: &str) -> Result<Option<Counterparty>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {CP_COLUMNS} FROM counterparty WHERE id = ?1"),
                [id],
                row_counterparty,
            )
            .optional()?)
    }

    /// The snapshot each source was last monitored against.
    pub fn monitor_state(&self) -> Result<HashMap<String, i64>> {
        let mut st = self
            .conn
            .prepare("SELECT source, snapshot_id FROM monitor_state")?;
        let v = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(v)
    }

    /// Open cases with a screening hit on one of `entity_ids`.
    pub fn open_cases_citing(&self, entity_ids: &[String]) -> Result<Vec<(i64, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT DISTINCT h.case_id FROM case_hit h JOIN case_file c ON c.id = h.case_id
             WHERE c.status = 'open' AND h.kind = 'screening' AND h.reference = ?1",
        )?;
        let mut out = Vec::new();
        for e in entity_ids {
            for id in st.query_map([e], |r| r.get::<_, i64>(0))? {
                out.push((id?, e.clone()));
            }
        }
        Ok(out)
    }

    /// Whether an open case already holds a screening hit of `party` on `entity_id` (so that
    /// a later screening does not open a second case for the same hit).
    pub fn open_hit_exists(&self, party: &str, entity_id: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM case_hit h JOIN case_file c ON c.id = h.case_id
                 WHERE c.status = 'open' AND h.kind = 'screening' AND h.party = ?1 AND h.reference = ?2",
            )?
            .exists(params![party, entity_id])?)
    }

    /// Notes on a case, oldest first: (when, by whom, note).
    pub fn case_notes(&self, case_id: i64) -> Result<Vec<(String, String, String)>> {
        let mut st = self
            .conn
            .prepare("SELECT at, author, note FROM case_note WHERE case_id = ?1 ORDER BY rowid")?;
        let v = st
            .query_map([case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<std::result::Result<_, _>>()?;
        Ok(v)
    }

    /// Records a screening of counterparties in one transaction: each counterparty's time
    /// and hits, one case per counterparty with new hits, a note on every open case citing a
    /// removed entity, the new monitoring state — (source, snapshot it was at, snapshot it
    /// moves to); a monitoring run fails with [`Error::Conflict`] when another moved it first —
    /// and the audit record `action` with `body`.
    #[allow(clippy::too_many_arguments)]
    pub fn record_monitor(
        &mut self,
        actor: &str,
        action: &str,
        screened_ids: Option<&[String]>,
        results: &[CounterpartyHits],
        removed: &[(String, String)],
        state: &[(String, Option<i64>, i64)],
        body: &Value,
    ) -> Result<MonitorRecord> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let at = crate::cases::now();
        match screened_ids {
            // A monitoring run screens every counterparty against the delta.
            None => {
                tx.execute("UPDATE counterparty SET last_screened_at = ?1", [&at])?;
            }
            Some(ids) => {
                let mut up = tx.prepare_cached(
                    "UPDATE counterparty SET last_screened_at = ?1 WHERE id = ?2",
                )?;
                for id in ids {
                    up.execute(params![at, id])?;
                }
            }
        }
        let seq = Self::append_audit_tx(&tx, actor, action, "counterparties", body)?;
        let mut cases_opened = Vec::new();
        for r in results {
            tx.execute(
                "UPDATE counterparty SET last_result = ?1 WHERE id = ?2",
                params![r.result.to_string(), r.id],
            )?;
            if r.hits.is_empty() {
                continue;
            }
            let subject = format!("counterparty {}", r.id);
            let decision = serde_json::json!({"monitoring": action, "audit_seq": seq, "counterparty": r.id, "result": r.result});
            tx.execute(
                "INSERT INTO case_file (opened_at, opened_by, subject, decision, status) VALUES (?1, ?2, ?3, ?4, 'open')",
                params![at, actor, subject, decision.to_string()],
            )?;
            let id = tx.last_insert_rowid();
            for (n, (entity, detail)) in r.hits.iter().enumerate() {
                tx.execute(
                    "INSERT INTO case_hit (case_id, hit_no, party, kind, reference, detail) VALUES (?1, ?2, ?3, 'screening', ?4, ?5)",
                    params![id, n as i64 + 1, r.id, entity, detail],
                )?;
            }
            Self::append_audit_tx(
                &tx,
                actor,
                "case.open",
                &format!("case {id}"),
                &serde_json::json!({"audit_seq": seq, "counterparty": r.id, "hits": r.hits.len()}),
            )?;
            cases_opened.push(id);
        }
        let mut cases_noted = Vec::new();
        {
            let mut st = tx.prepare_cached(
                "SELECT DISTINCT h.case_id FROM case_hit h JOIN case_file c ON c.id = h.case_id
                 WHERE c.status = 'open' AND h.kind = 'screening' AND h.reference = ?1",
            )?;
            let mut note = tx.prepare_cached(
                "INSERT INTO case_note (case_id, at, author, note) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (entity, why) in removed {
                let ids: Vec<i64> = st
                    .query_map([entity], |r| r.get(0))?
                    .collect::<std::result::Result<_, _>>()?;
                for id in ids {
                    note.execute(params![id, at, actor, format!("{entity}: {why}")])?;
                    cases_noted.push(id);
                }
            }
        }
        for &id in &cases_noted {
            Self::append_audit_tx(
                &tx,
                actor,
                "case.note",
                &format!("case {id}"),
                &serde_json::json!({"audit_seq": seq, "removed": removed.iter().map(|r| &r.0).collect::<Vec<_>>()}),
            )?;
        }
        for (source, from, snap) in state {
            let now: Option<i64> = tx
                .query_row(
                    "SELECT snapshot_id FROM monitor_state WHERE source = ?1",
                    [source],
                    |r| r.get(0),
                )
                .optional()?;
            if now != *from {
                if action == "monitor.run" {
                    // Another instance monitored this update meanwhile: record nothing, so
                    // that no hit is reported twice.
                    return Err(Error::Conflict(format!(
                        "{source} was monitored by another run meanwhile (snapshot {now:?})"
                    )));
                }
                continue;
            }
            tx.execute(
                "INSERT INTO monitor_state (source, snapshot_id, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source) DO UPDATE SET snapshot_id = excluded.snapshot_id, at = excluded.at",
                params![source, snap, at],
            )?;
        }
        crate::cases::failpoint("monitor-before-commit");
        tx.commit()?;
        Ok(MonitorRecord {
            audit_seq: seq,
            cases_opened,
            cases_noted,
        })
    }
}
