//! The licensing authority's records: applications with their history, denials (own and
//! partners'), and consultations. Every change writes its audit record in the same
//! transaction, and a move checks, inside that transaction, that the application is still in
//! the state the caller saw — two officers cannot both move it.

use crate::db::{p, Row};
use crate::{Error, Result, Store};
use serde::Serialize;
use serde_json::Value;

pub(crate) const SQLITE_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS application (
    id INTEGER PRIMARY KEY,
    applicant TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS application_event (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS denial (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    regime TEXT NOT NULL,
    body TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS consultation (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES application(id),
    denial_reference TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS licence (
    number TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    body TEXT NOT NULL,
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS euv_check (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    destination TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    outcome TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS drawdown (
    id INTEGER PRIMARY KEY,
    licence TEXT NOT NULL REFERENCES licence(number),
    audit_seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    control_entry TEXT NOT NULL,
    quantity REAL NOT NULL,
    value REAL NOT NULL
);
"#;

/// What has been drawn on a licence: (control entry, quantity, value) totals.
pub type Drawn = Vec<(String, f64, f64)>;

/// An application with its history.
#[derive(Debug, Clone, Serialize)]
pub struct ApplicationRecord {
    /// Id (the application number).
    pub id: i64,
    /// Who filed it.
    pub applicant: String,
    /// `draft`, `submitted`, `under_review`, `referred`, `returned`, `recommended`,
    /// `approved`, `denied`, `issued`.
    pub status: String,
    /// The application as filed (JSON).
    pub application: Value,
    /// What the process has established (JSON): agencies and their advice, recommendation,
    /// assessment, no-undercut findings, decision, licence.
    pub state: Value,
    /// Filed.
    pub created_at: String,
    /// Last changed.
    pub updated_at: String,
    /// Every move: (when, who, from, to, data).
    pub events: Vec<Value>,
    /// Consultations recorded.
    pub consultations: Vec<Value>,
}

fn row_app(r: &Row) -> ApplicationRecord {
    ApplicationRecord {
        id: r.i64(0),
        applicant: r.text(1),
        status: r.text(2),
        application: serde_json::from_str(&r.text(3)).unwrap_or(Value::Null),
        state: serde_json::from_str(&r.text(4)).unwrap_or(Value::Null),
        created_at: r.text(5),
        updated_at: r.text(6),
        events: vec![],
        consultations: vec![],
    }
}

const APP_COLS: &str = "id, applicant, status, body, state, created_at, updated_at";

impl Store {
    /// Files a draft application; returns its id.
    pub fn create_application(&mut self, actor: &str, application: &Value) -> Result<i64> {
        let tx = self.db.begin()?;
        let at = crate::cases::now();
        let id = tx
            .row(
                "INSERT INTO application (applicant, status, body, state, created_at, updated_at) VALUES (?1, 'draft', ?2, '{}', ?3, ?3) RETURNING id",
                p![actor, application.to_string(), at.as_str()],
            )?
            .map(|r| r.i64(0))
            .ok_or_else(|| Error::Invalid("no application id".into()))?;
        Self::append_audit_tx(
            &tx,
            actor,
            "application.create",
            &format!("application {id}"),
            &serde_json::json!({"application": application}),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// One application with its events and consultations.
    pub fn application(&self, id: i64) -> Result<Option<ApplicationRecord>> {
        let Some(mut a) = self
            .db
            .row(
                &format!("SELECT {APP_COLS} FROM application WHERE id = ?1"),
                p![id],
            )?
            .map(|r| row_app(&r))
        else {
            return Ok(None);
        };
        a.events = self
            .db
            .rows(
                "SELECT at, actor, from_status, to_status, data FROM application_event WHERE application_id = ?1 ORDER BY id",
                p![id],
            )?
            .iter()
            .map(|r| {
                serde_json::json!({"at": r.text(0), "actor": r.text(1), "from": r.text(2), "to": r.text(3),
                    "data": serde_json::from_str::<Value>(&r.text(4)).unwrap_or(Value::Null)})
            })
            .collect();
        a.consultations = self.consultations(id)?;
        Ok(Some(a))
    }

    /// Applications, newest first; only those with `status` when given.
    pub fn applications(&self, status: Option<&str>) -> Result<Vec<ApplicationRecord>> {
        Ok(self
            .db
            .rows(
                &format!("SELECT {APP_COLS} FROM application WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) ORDER BY id DESC"),
                p![status],
            )?
            .iter()
            .map(row_app)
            .collect())
    }

    /// Moves an application from `from` to `to`, replacing its process state with `state`
    /// and recording `data` with the event — atomically, and only if it is still `from`.
    #[allow(clippy::too_many_arguments)]
    pub fn move_application(
        &mut self,
        actor: &str,
        id: i64,
        from: &str,
        to: &str,
        state: &Value,
        data: &Value,
        licence: Option<&Value>,
    ) -> Result<i64> {
        let tx = self.db.begin()?;
        let now: Option<String> = tx
            .row("SELECT status FROM application WHERE id = ?1", p![id])?
            .map(|r| r.text(0));
        match now.as_deref() {
            None => return Err(Error::Invalid(format!("no application {id}"))),
            Some(s) if s != from => {
                return Err(Error::Conflict(format!(
                    "application {id} is {s} now, not {from}"
                )))
            }
            _ => {}
        }
        let at = crate::cases::now();
        tx.exec(
            "UPDATE application SET status = ?1, state = ?2, updated_at = ?3 WHERE id = ?4",
            p![to, state.to_string(), at.as_str(), id],
        )?;
        tx.exec(
            "INSERT INTO application_event (application_id, at, actor, from_status, to_status, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![id, at.as_str(), actor, from, to, data.to_string()],
        )?;
        let seq = Self::append_audit_tx(
            &tx,
            actor,
            &format!("application.{to}"),
            &format!("application {id}"),
            &serde_json::json!({"from": from, "to": to, "data": data}),
        )?;
        if let Some(l) = licence {
            Self::insert_licence(&tx, actor, l, "issued")?;
        }
        crate::cases::failpoint("application-before-commit");
        tx.commit()?;
        Ok(seq)
    }

    /// Updates an application's process state without moving it (e.g. an adviser's advice).
    pub fn note_application(
        &mut self,
        actor: &str,
        id: i64,
        status: &str,
        state: &Value,
        action: &str,
        data: &Value,
    ) -> Result<i64> {
        let tx = self.db.begin()?;
        let n = tx.exec(
            "UPDATE application SET state = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4",
            p![state.to_string(), crate::cases::now(), id, status],
        )?;
        if n == 0 {
            return Err(Error::Conflict(format!(
                "application {id} is no longer {status}"
            )));
        }
        let seq = Self::append_audit_tx(&tx, actor, action, &format!("application {id}"), data)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Records a denial (own or a partner's); the reference must be new.
    pub fn add_denials(
        &mut self,
        actor: &str,
        denials: &[(String, String, String, Value)],
    ) -> Result<usize> {
        let tx = self.db.begin()?;
        let at = crate::cases::now();
        for (reference, origin, regime, body) in denials {
            if tx
                .row(
                    "SELECT 1 FROM denial WHERE reference = ?1",
                    p![reference.as_str()],
                )?
                .is_some()
            {
                return Err(Error::Invalid(format!(
                    "denial {reference} is already recorded"
                )));
            }
            tx.exec(
                "INSERT INTO denial (reference, origin, regime, body, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                p![reference.as_str(), origin.as_str(), regime.as_str(), body.to_string(), at.as_str(), actor],
            )?;
        }
        Self::append_audit_tx(
            &tx,
            actor,
            "denial.record",
            &format!("{} denials", denials.len()),
            &serde_json::json!({"references": denials.iter().map(|d| &d.0).collect::<Vec<_>>()}),
        )?;
        tx.commit()?;
        Ok(denials.len())
    }

    /// Every denial recorded (JSON bodies), oldest first.
    pub fn denials(&self) -> Result<Vec<Value>> {
        Ok(self
            .db
            .rows("SELECT body FROM denial ORDER BY id", &[])?
            .iter()
            .filter_map(|r| serde_json::from_str(&r.text(0)).ok())
            .collect())
    }

    /// Records a consultation with the authority that issued `denial`.
    pub fn record_consultation(
        &mut self,
        actor: &str,
        application: i64,
        denial: &str,
        outcome: &str,
        note: &str,
    ) -> Result<i64> {
        if note.trim().is_empty() {
            return Err(Error::Invalid(
                "a consultation needs a note of what was said".into(),
            ));
        }
        let tx = self.db.begin()?;
        if tx
            .row("SELECT 1 FROM application WHERE id = ?1", p![application])?
            .is_none()
        {
            return Err(Error::Invalid(format!("no application {application}")));
        }
        if tx
            .row("SELECT 1 FROM denial WHERE reference = ?1", p![denial])?
            .is_none()
        {
            return Err(Error::Invalid(format!("no denial {denial}")));
        }
        tx.exec(
            "INSERT INTO consultation (application_id, denial_reference, at, actor, outcome, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![application, denial, crate::cases::now(), actor, outcome, note],
        )?;
        let seq = Self::append_audit_tx(
            &tx,
            actor,
            "application.consult",
            &format!("application {application}"),
            &serde_json::json!({"denial": denial, "outcome": outcome, "note": note}),
        )?;
        tx.commit()?;
        Ok(seq)
    }

    /// Consultations recorded for an application.
    pub fn consultations(&self, application: i64) -> Result<Vec<Value>> {
        Ok(self
            .db
            .rows(
                "SELECT denial_reference, at, actor, outcome, note FROM consultation WHERE application_id = ?1 ORDER BY id",
                p![application],
            )?
            .iter()
            .map(|r| serde_json::json!({"denial": r.text(0), "at": r.text(1), "actor": r.text(2), "outcome": r.text(3), "note": r.text(4)}))
            .collect())
    }
}

impl Store {
    fn insert_licence(tx: &crate::db::Db, actor: &str, l: &Value, source: &str) -> Result<()> {
        let number = l["number"].as_str().unwrap_or("").trim().to_string();
        if number.is_empty() {
            return Err(Error::Invalid("licence: number is empty".into()));
        }
        if tx
            .row(
                "SELECT 1 FROM licence WHERE number = ?1",
                p![number.as_str()],
            )?
            .is_some()
        {
            return Err(Error::Invalid(format!(
                "licence {number} is already recorded"
            )));
        }
        let holder = l["holder"]["name"].as_str().unwrap_or("").to_string();
        tx.exec(
            "INSERT INTO licence (number, holder, body, source, recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            p![number.as_str(), holder, l.to_string(), source, crate::cases::now(), actor],
        )?;
        Ok(())
    }

    /// Records a licence issued elsewhere (an exporter's own licences), with an audit record.
    pub fn add_licence(&mut self, actor: &str, licence: &Value) -> Result<i64> {
        let tx = self.db.begin()?;
        Self::insert_licence(&tx, actor, licence, "recorded")?;
        let seq = Self::append_audit_tx(
            &tx,
            actor,
            "licence.record",
            licence["number"].as_str().unwrap_or(""),
            &serde_json::json!({"licence": licence}),
        )?;
        tx.commit()?;
        Ok(seq)
    }

    /// A licence (JSON) with what has been drawn on it: (control entry, quantity, value) totals.
    pub fn licence(&self, number: &str) -> Result<Option<(Value, Drawn)>> {
        let Some(body) = self
            .db
            .row("SELECT body FROM licence WHERE number = ?1", p![number])?
            .map(|r| r.text(0))
        else {
            return Ok(None);
        };
        let drawn = self
            .db
            .rows(
                "SELECT control_entry, SUM(quantity), SUM(value) FROM drawdown WHERE licence = ?1 GROUP BY control_entry ORDER BY control_entry",
                p![number],
            )?
            .iter()
            .map(|r| (r.text(0), r.f64(1), r.f64(2)))
            .collect();
        Ok(Some((serde_json::from_str(&body)?, drawn)))
    }

    /// Every licence recorded or issued (JSON), by number.
    pub fn licences(&self) -> Result<Vec<Value>> {
        Ok(self
            .db
            .rows("SELECT body FROM licence ORDER BY number", &[])?
            .iter()
            .filter_map(|r| serde_json::from_str(&r.text(0)).ok())
            .collect())
    }
}

impl Store {
    /// Plans an end-use check (`pre_licence` or `post_shipment`); `body` holds the party,
    /// licence or application and what is to be verified.
    pub fn plan_euv(
        &mut self,
        actor: &str,
        kind: &str,
        destination: &str,
        due_on: &str,
        body: &Value,
    ) -> Result<i64> {
        let tx = self.db.begin()?;
        let id = tx
            .row(
                "INSERT INTO euv_check (kind, destination, due_on, status, body, created_by, created_at) VALUES (?1, ?2, ?3, 'planned', ?4, ?5, ?6) RETURNING id",
                p![kind, destination, due_on, body.to_string(), actor, crate::cases::now()],
            )?
            .map(|r| r.i64(0))
            .ok_or_else(|| Error::Invalid("no check id".into()))?;
        Self::append_audit_tx(&tx, actor, "euv.plan", &format!("check {id}"), body)?;
        tx.commit()?;
        Ok(id)
    }

    /// End-use checks: (id, kind, destination, due on, status, outcome, body), by due date.
    pub fn euv_checks(&self) -> Result<Vec<Value>> {
        Ok(self
            .db
            .rows(
                "SELECT id, kind, destination, due_on, status, outcome, body FROM euv_check ORDER BY due_on, id",
                &[],
            )?
            .iter()
            .map(|r| {
                serde_json::json!({"id": r.i64(0), "kind": r.text(1), "destination": r.text(2), "due_on": r.text(3),
                    "status": r.text(4), "outcome": r.opt_text(5),
                    "check": serde_json::from_str::<Value>(&r.text(6)).unwrap_or(Value::Null)})
            })
            .collect())
    }

    /// Records a check's result; with `restrict`, the organisation's own restricted list
    /// (source `own`) gets a new snapshot in the same transaction, so screening finds the
    /// party from then on.
    pub fn record_euv(
        &mut self,
        actor: &str,
        id: i64,
        result: &Value,
        outcome: &str,
        restrict: Option<crate::ImportItem<'_>>,
    ) -> Result<i64> {
        let tx = self.db.begin()?;
        let body: Value =
            match tx.row("SELECT status, body FROM euv_check WHERE id = ?1", p![id])? {
                None => return Err(Error::Invalid(format!("no end-use check {id}"))),
                Some(r) if r.text(0) != "planned" => {
                    return Err(Error::Invalid(format!(
                        "end-use check {id} is already {}",
                        r.text(0)
                    )))
                }
                Some(r) => serde_json::from_str(&r.text(1))?,
            };
        let mut body = body;
        body["result"] = result.clone();
        tx.exec(
            "UPDATE euv_check SET status = 'done', outcome = ?1, body = ?2 WHERE id = ?3",
            p![outcome, body.to_string(), id],
        )?;
        if let Some(item) = restrict {
            crate::import_in(&tx, &item, &crate::cases::now())?;
        }
        let seq = Self::append_audit_tx(
            &tx,
            actor,
            "euv.record",
            &format!("check {id}"),
            &serde_json::json!({"outcome": outcome, "result": result}),
        )?;
        tx.commit()?;
        Ok(seq)
    }
}
