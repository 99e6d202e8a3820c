//! Registered counterparties and continuous monitoring: which list snapshots each source was
//! last monitored against, and the atomic record of a monitoring run (results, cases opened,
//! notes on open cases whose list entity was removed, the new monitoring state and the audit
//! record, in one transaction).

use crate::db::{p, Row};
use crate::{Error, Result, Store};
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
    id INTEGER PRIMARY KEY,
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
    /// Identifiers (passport, IMO, LEI …, e-mail addresses, phones, websites).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<String>,
    /// Postal address, free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
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

fn row_counterparty(r: &Row) -> Counterparty {
    Counterparty {
        id: r.text(0),
        name: r.text(1),
        kind: r.opt_text(2),
        country: r.opt_text(3),
        birth_date: r.opt_text(4),
        identifiers: serde_json::from_str(&r.text(5)).unwrap_or_default(),
        registered_at: r.text(6),
        last_screened_at: r.opt_text(7),
        last_result: r.opt_text(8).and_then(|l| serde_json::from_str(&l).ok()),
        address: r.opt_text(9),
    }
}

const CP_COLUMNS: &str = "id, name, kind, country, birth_date, identifiers, registered_at, last_screened_at, last_result, address";

/// Stores made before counterparties had an address gain the column (added last, so the
/// tables of old and new stores agree).
pub(crate) const COUNTERPARTY_ADDRESS: &str = "ALTER TABLE counterparty ADD COLUMN address TEXT";

const OPEN_HITS_ON: &str =
    "SELECT DISTINCT h.case_id FROM case_hit h JOIN case_file c ON c.id = h.case_id
     WHERE c.status = 'open' AND h.kind = 'screening' AND h.reference = ?1";

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
        let tx = self.db.begin()?;
        let at = crate::cases::now();
        for c in cps {
            tx.exec(
                "INSERT INTO counterparty (id, name, kind, country, birth_date, identifiers, registered_at, registered_by, address)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind, country = excluded.country,
                   birth_date = excluded.birth_date, identifiers = excluded.identifiers, address = excluded.address",
                p![
                    c.id.as_str(),
                    c.name.as_str(),
                    c.kind.as_deref(),
                    c.country.as_deref(),
                    c.birth_date.as_deref(),
                    serde_json::to_string(&c.identifiers)?,
                    at.as_str(),
                    actor,
                    c.address.as_deref()
                ],
            )?;
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
        Ok(self
            .db
            .rows(
                &format!("SELECT {CP_COLUMNS} FROM counterparty ORDER BY id"),
                &[],
            )?
            .iter()
            .map(row_counterparty)
            .collect())
    }

    /// Up to `limit` counterparties with ids after `after` (`""`: from the first), by id: for
    /// going through many without holding them all.
    pub fn counterparties_after(&self, after: &str, limit: usize) -> Result<Vec<Counterparty>> {
        Ok(self
            .db
            .rows(
                &format!(
                    "SELECT {CP_COLUMNS} FROM counterparty WHERE id > ?1 ORDER BY id LIMIT ?2"
                ),
                p![after, limit],
            )?
            .iter()
            .map(row_counterparty)
            .collect())
    }

    /// Number of registered counterparties.
    pub fn counterparty_count(&self) -> Result<i64> {
        Ok(self
            .db
            .row("SELECT count(*) FROM counterparty", &[])?
            .map_or(0, |r| r.i64(0)))
    }

    /// One counterparty.
    pub fn counterparty(&self, id: &str) -> Result<Option<Counterparty>> {
        Ok(self
            .db
            .row(
                &format!("SELECT {CP_COLUMNS} FROM counterparty WHERE id = ?1"),
                p![id],
            )?
            .map(|r| row_counterparty(&r)))
    }

    /// The snapshot each source was last monitored against.
    pub fn monitor_state(&self) -> Result<HashMap<String, i64>> {
        Ok(self
            .db
            .rows("SELECT source, snapshot_id FROM monitor_state", &[])?
            .iter()
            .map(|r| (r.text(0), r.i64(1)))
            .collect())
    }

    /// Whether an open case already holds a screening hit of `party` on `entity_id` (so that
    /// a later screening does not open a second case for the same hit).
    pub fn open_hit_exists(&self, party: &str, entity_id: &str) -> Result<bool> {
        Ok(self
            .db
            .row(
                "SELECT 1 FROM case_hit h JOIN case_file c ON c.id = h.case_id
                 WHERE c.status = 'open' AND h.kind = 'screening' AND h.party = ?1 AND h.reference = ?2",
                p![party, entity_id],
            )?
            .is_some())
    }

    /// Notes on a case, oldest first: (when, by whom, note).
    pub fn case_notes(&self, case_id: i64) -> Result<Vec<(String, String, String)>> {
        Ok(self
            .db
            .rows(
                "SELECT at, author, note FROM case_note WHERE case_id = ?1 ORDER BY id",
                p![case_id],
            )?
            .iter()
            .map(|r| (r.text(0), r.text(1), r.text(2)))
            .collect())
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
        let tx = self.db.begin()?;
        // First, whether another run got here first: then nothing is written.
        let mut moves = Vec::new();
        for (source, from, snap) in state {
            let now: Option<i64> = tx
                .row(
                    "SELECT snapshot_id FROM monitor_state WHERE source = ?1",
                    p![source.as_str()],
                )?
                .map(|r| r.i64(0));
            if now != *from {
                if action == "monitor.run" {
                    return Err(Error::Conflict(format!(
                        "{source} was monitored by another run meanwhile (snapshot {now:?})"
                    )));
                }
                continue;
            }
            moves.push((source, snap));
        }
        let at = crate::cases::now();
        match screened_ids {
            // A monitoring run screens every counterparty against the delta.
            None => {
                tx.exec(
                    "UPDATE counterparty SET last_screened_at = ?1",
                    p![at.as_str()],
                )?;
            }
            Some(ids) => {
                for id in ids {
                    tx.exec(
                        "UPDATE counterparty SET last_screened_at = ?1 WHERE id = ?2",
                        p![at.as_str(), id.as_str()],
                    )?;
                }
            }
        }
        let seq = Self::append_audit_tx(&tx, actor, action, "counterparties", body)?;
        let mut cases_opened = Vec::new();
        for r in results {
            tx.exec(
                "UPDATE counterparty SET last_result = ?1 WHERE id = ?2",
                p![r.result.to_string(), r.id.as_str()],
            )?;
            if r.hits.is_empty() {
                continue;
            }
            let subject = format!("counterparty {}", r.id);
            let decision = serde_json::json!({"monitoring": action, "audit_seq": seq, "counterparty": r.id, "result": r.result});
            let id = Self::open_case_tx(&tx, actor, &subject, &decision.to_string())?;
            for (n, (entity, detail)) in r.hits.iter().enumerate() {
                tx.exec(
                    "INSERT INTO case_hit (case_id, hit_no, party, kind, reference, detail) VALUES (?1, ?2, ?3, 'screening', ?4, ?5)",
                    p![id, n + 1, r.id.as_str(), entity.as_str(), detail.as_str()],
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
        for (entity, why) in removed {
            let ids: Vec<i64> = tx
                .rows(OPEN_HITS_ON, p![entity.as_str()])?
                .iter()
                .map(|r| r.i64(0))
                .collect();
            for id in ids {
                tx.exec(
                    "INSERT INTO case_note (case_id, at, author, note) VALUES (?1, ?2, ?3, ?4)",
                    p![id, at.as_str(), actor, format!("{entity}: {why}")],
                )?;
                cases_noted.push(id);
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
        for (source, snap) in moves {
            tx.exec(
                "INSERT INTO monitor_state (source, snapshot_id, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source) DO UPDATE SET snapshot_id = excluded.snapshot_id, at = excluded.at",
                p![source.as_str(), *snap, at.as_str()],
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
