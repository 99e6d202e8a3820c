//! Users and roles, review cases with four-eyes approval, false-positive memory, and the
//! append-only, hash-chained audit log. Every action that changes a case writes its audit
//! record in the same SQLite transaction, so a crash leaves neither half a case nor an audit
//! record without its action.

use crate::db::{p, Db};
use crate::{sha256_hex, Error, Result, Store};
use serde::Serialize;
use serde_json::Value;

/// The audit table's guard on SQLite (PostgreSQL's is in `PG_TRIGGERS`).
pub(crate) const SQLITE_TRIGGERS: &str = r#"
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
"#;

/// The same guard on PostgreSQL, which also refuses TRUNCATE.
pub(crate) const PG_TRIGGERS: &str = r#"
CREATE OR REPLACE FUNCTION chokepoint_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit records are append-only'; END $$;
CREATE OR REPLACE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION chokepoint_audit_append_only();
CREATE OR REPLACE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION chokepoint_audit_append_only();
"#;

pub(crate) const CASES_SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS app_user (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    token_hash TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit (action, subject, seq);
CREATE TABLE IF NOT EXISTS case_file (
    id INTEGER PRIMARY KEY,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    subject TEXT NOT NULL,
    decision TEXT NOT NULL,
    status TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT
);
CREATE TABLE IF NOT EXISTS case_hit (
    case_id INTEGER NOT NULL REFERENCES case_file(id),
    hit_no INTEGER NOT NULL,
    party TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference TEXT NOT NULL,
    detail TEXT NOT NULL,
    disposition TEXT,
    reason TEXT,
    disposed_by TEXT,
    disposed_at TEXT,
    PRIMARY KEY (case_id, hit_no)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fp_memory (
    party_key TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    entity_hash TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    case_id INTEGER NOT NULL,
    PRIMARY KEY (party_key, entity_id)
) WITHOUT ROWID;
"#;

/// Roles. Exporters' compliance teams: screener, reviewer, approver, auditor; a licensing
/// authority: applicant, case_officer, adviser, approver; admin may do everything.
pub const ROLES: [&str; 8] = [
    "screener",
    "reviewer",
    "approver",
    "auditor",
    "admin",
    "applicant",
    "case_officer",
    "adviser",
];

/// A hit to review: a screening match or a red flag.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseHit {
    /// Number within the case (1, 2, …).
    pub hit_no: i64,
    /// The party concerned (its id in the transaction), or empty.
    pub party: String,
    /// `screening` or `red_flag`.
    pub kind: String,
    /// List entity id, or rule id.
    pub reference: String,
    /// What was found.
    pub detail: String,
    /// `false_positive`, `true_match`, `escalate`, or none yet.
    pub disposition: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who.
    pub disposed_by: Option<String>,
    /// When.
    pub disposed_at: Option<String>,
}

/// A case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// When it was opened.
    pub opened_at: String,
    /// By whom.
    pub opened_by: String,
    /// What it is about (transaction id or file).
    pub subject: String,
    /// The assessment that opened it (JSON: the transaction, its parties, the list snapshots
    /// and the decision).
    pub decision: Value,
    /// `open`, `closed`.
    pub status: String,
    /// When it was closed.
    pub closed_at: Option<String>,
    /// Who approved the closing.
    pub closed_by: Option<String>,
    /// Hits.
    pub hits: Vec<CaseHit>,
    /// Notes added by the system (e.g. a list entity of a hit was removed), oldest first.
    pub notes: Vec<CaseNote>,
}

/// A note on a case.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseNote {
    /// When.
    pub at: String,
    /// By whom.
    pub author: String,
    /// What.
    pub note: String,
}

/// One audit record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditRecord {
    /// Sequence number, from 1 without gaps.
    pub seq: i64,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What (`assess`, `case.open`, `case.dispose`, `case.approve`, `user.add` …).
    pub action: String,
    /// On what.
    pub subject: String,
    /// Inputs, list snapshot ids and outputs (JSON).
    pub body: Value,
    /// Hash of the previous record.
    pub prev_hash: String,
    /// SHA-256 of this record and the previous hash.
    pub hash: String,
}

/// The result of checking the audit chain.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditCheck {
    /// Records checked.
    pub records: i64,
    /// Hash of the last record (anchor it elsewhere to detect truncation).
    pub head: String,
    /// What is wrong; empty when the chain is intact.
    pub problems: Vec<String>,
}

pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn record_hash(
    prev: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    body: &str,
) -> String {
    let canonical = serde_json::json!([seq, at, actor, action, subject, body]).to_string();
    sha256_hex(format!("{prev}{canonical}").as_bytes())
}

/// A stable key for a party in the false-positive memory: its folded name and country.
pub fn party_key(name: &str, country: Option<&str>) -> String {
    let n: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    format!("{n}|{}", country.unwrap_or("").to_ascii_uppercase())
}

/// A fresh API token: 32 random bytes from the operating system, hex-encoded behind a prefix
/// that makes a leaked token easy to recognise in logs and secret scanners.
fn new_token() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|e| Error::Invalid(format!("no randomness for a token: {e}")))?;
    Ok(format!("cpk_{}", hex::encode(b)))
}

/// Deliberate crash points for the atomicity tests (`CHOKEPOINT_FAILPOINT`).
pub(crate) fn failpoint(name: &str) {
    if std::env::var("CHOKEPOINT_FAILPOINT").as_deref() == Ok(name) {
        std::process::abort();
    }
}

impl Store {
    /// Appends an audit record inside the caller's write transaction (which serialises
    /// writers, so the head read here is the head the record links to).
    pub(crate) fn append_audit_tx(
        tx: &Db,
        actor: &str,
        action: &str,
        subject: &str,
        body: &Value,
    ) -> Result<i64> {
        let (last_seq, prev) = tx
            .row("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[])?
            .map(|r| (r.i64(0), r.text(1)))
            .unwrap_or((0, "genesis".into()));
        let seq = last_seq + 1;
        let at = now();
        let body = body.to_string();
        let hash = record_hash(&prev, seq, &at, actor, action, subject, &body);
        tx.exec(
            "INSERT INTO audit (seq, at, actor, action, subject, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            p![seq, at, actor, action, subject, body, prev, hash],
        )?;
        Ok(seq)
    }

    /// Appends one audit record on its own.
    pub fn audit(&mut self, actor: &str, action: &str, subject: &str, body: &Value) -> Result<i64> {
        let tx = self.db.begin()?;
        let seq = Self::append_audit_tx(&tx, actor, action, subject, body)?;
        tx.commit()?;
        Ok(seq)
    }

    /// Adds a user with a role and returns its API token, which is shown this once: only its
    /// SHA-256 is stored.
    pub fn add_user(&mut self, actor: &str, name: &str, role: &str) -> Result<String> {
        if !ROLES.contains(&role) {
            return Err(Error::Invalid(format!(
                "unknown role {role:?}; roles: {}",
                ROLES.join(", ")
            )));
        }
        if name.trim().is_empty() {
            return Err(Error::Invalid("empty user name".into()));
        }
        let tx = self.db.begin()?;
        if tx
            .row("SELECT count(*) FROM app_user", &[])?
            .map_or(0, |r| r.i64(0))
            == 0
            && role != "admin"
        {
            return Err(Error::Invalid(
                "the first user must be an admin (who then adds the others)".into(),
            ));
        }
        if tx
            .row("SELECT role FROM app_user WHERE name = ?1", p![name])?
            .is_some()
        {
            return Err(Error::Invalid(format!("user {name} exists")));
        }
        let token = new_token()?;
        tx.exec(
            "INSERT INTO app_user (name, role, created_at, token_hash) VALUES (?1, ?2, ?3, ?4)",
            p![name, role, now(), sha256_hex(token.as_bytes())],
        )?;
        Self::append_audit_tx(
            &tx,
            actor,
            "user.add",
            name,
            &serde_json::json!({"role": role}),
        )?;
        tx.commit()?;
        Ok(token)
    }

    /// Number of users.
    pub fn user_count(&self) -> Result<i64> {
        Ok(self
            .db
            .row("SELECT count(*) FROM app_user", &[])?
            .map_or(0, |r| r.i64(0)))
    }

    /// The user (name, role) an API token belongs to.
    pub fn user_by_token(&self, token: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .db
            .row(
                "SELECT name, role FROM app_user WHERE token_hash = ?1",
                p![sha256_hex(token.as_bytes())],
            )?
            .map(|r| (r.text(0), r.text(1))))
    }

    /// A user's role.
    pub fn user_role(&self, name: &str) -> Result<Option<String>> {
        Ok(self
            .db
            .row("SELECT role FROM app_user WHERE name = ?1", p![name])?
            .map(|r| r.text(0)))
    }

    fn require(&self, user: &str, allowed: &[&str], action: &str) -> Result<String> {
        match self.user_role(user)? {
            Some(r) if allowed.contains(&r.as_str()) || r == "admin" => Ok(r),
            Some(r) => Err(Error::Invalid(format!(
                "{user} ({r}) may not {action}; it needs the role {}",
                allowed.join(" or ")
            ))),
            None => Err(Error::Invalid(format!(
                "unknown user {user:?}: add it with `chokepoint users add`"
            ))),
        }
    }

    /// Checks `user`'s role for `action` once users have been set up; before the first user is
    /// added, a single-user installation acts as whoever it says it is (the name still goes
    /// into the audit log).
    pub fn require_role(&self, user: &str, allowed: &[&str], action: &str) -> Result<()> {
        if self.user_count()? == 0 {
            return Ok(());
        }
        self.require(user, allowed, action).map(|_| ())
    }

    /// Records an assessment in the audit log and, when it holds the order, opens a case with
    /// its hits — all in one transaction. Returns (audit seq, case id if one was opened).
    pub fn record_assessment(
        &mut self,
        actor: &str,
        subject: &str,
        body: &Value,
        hits: &[(String, String, String, String)],
    ) -> Result<(i64, Option<i64>)> {
        self.record_with_case(actor, "assess", subject, body, hits)
    }

    /// Records an action (`assess`, `screen` …) and, when there are hits to review, opens a
    /// case with them — in one transaction. Returns (audit seq, case id if one was opened).
    pub fn record_with_case(
        &mut self,
        actor: &str,
        action: &str,
        subject: &str,
        body: &Value,
        hits: &[(String, String, String, String)],
    ) -> Result<(i64, Option<i64>)> {
        self.record_with_drawdowns(actor, action, subject, body, hits, &[])
    }

    /// As [`Store::record_with_case`], also drawing down licences — (licence number, control
    /// entry, quantity, value) — in the same transaction.
    pub fn record_with_drawdowns(
        &mut self,
        actor: &str,
        action: &str,
        subject: &str,
        body: &Value,
        hits: &[(String, String, String, String)],
        drawdowns: &[(String, String, f64, f64)],
    ) -> Result<(i64, Option<i64>)> {
        let tx = self.db.begin()?;
        let seq = Self::append_audit_tx(&tx, actor, action, subject, body)?;
        for (licence, entry, quantity, value) in drawdowns {
            tx.exec(
                "INSERT INTO drawdown (licence, audit_seq, at, control_entry, quantity, value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                p![licence.as_str(), seq, now(), entry.as_str(), *quantity, *value],
            )?;
        }
        let mut case = None;
        if !hits.is_empty() {
            let id = Self::open_case_tx(&tx, actor, subject, &body.to_string())?;
            failpoint("case-insert");
            for (n, (party, kind, reference, detail)) in hits.iter().enumerate() {
                tx.exec(
                    "INSERT INTO case_hit (case_id, hit_no, party, kind, reference, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    p![id, n + 1, party, kind, reference, detail],
                )?;
            }
            Self::append_audit_tx(
                &tx,
                actor,
                "case.open",
                &format!("case {id}"),
                &serde_json::json!({"audit_seq": seq, "hits": hits.len()}),
            )?;
            case = Some(id);
        }
        failpoint("before-commit");
        tx.commit()?;
        Ok((seq, case))
    }

    /// Inserts an open case; returns its id.
    pub(crate) fn open_case_tx(tx: &Db, actor: &str, subject: &str, decision: &str) -> Result<i64> {
        tx.row(
            "INSERT INTO case_file (opened_at, opened_by, subject, decision, status) VALUES (?1, ?2, ?3, ?4, 'open') RETURNING id",
            p![now(), actor, subject, decision],
        )?
        .map(|r| r.i64(0))
        .ok_or_else(|| Error::Invalid("no case id".into()))
    }

    /// Cases, newest first; only those with `status` when given.
    pub fn cases(&self, status: Option<&str>) -> Result<Vec<Case>> {
        let ids: Vec<i64> = self
            .db
            .rows(
                "SELECT id FROM case_file WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) ORDER BY id DESC",
                p![status],
            )?
            .iter()
            .map(|r| r.i64(0))
            .collect();
        ids.into_iter()
            .map(|id| self.case(id).map(|c| c.expect("listed case exists")))
            .collect()
    }

    /// One case with its hits.
    pub fn case(&self, id: i64) -> Result<Option<Case>> {
        let c = self
            .db
            .row(
                "SELECT id, opened_at, opened_by, subject, decision, status, closed_at, closed_by FROM case_file WHERE id = ?1",
                p![id],
            )?
            .map(|r| Case {
                id: r.i64(0),
                opened_at: r.text(1),
                opened_by: r.text(2),
                subject: r.text(3),
                decision: serde_json::from_str(&r.text(4)).unwrap_or(Value::Null),
                status: r.text(5),
                closed_at: r.opt_text(6),
                closed_by: r.opt_text(7),
                hits: vec![],
                notes: vec![],
            });
        let Some(mut c) = c else { return Ok(None) };
        c.hits = self
            .db
            .rows(
                "SELECT hit_no, party, kind, reference, detail, disposition, reason, disposed_by, disposed_at FROM case_hit WHERE case_id = ?1 ORDER BY hit_no",
                p![id],
            )?
            .iter()
            .map(|r| CaseHit {
                hit_no: r.i64(0),
                party: r.text(1),
                kind: r.text(2),
                reference: r.text(3),
                detail: r.text(4),
                disposition: r.opt_text(5),
                reason: r.opt_text(6),
                disposed_by: r.opt_text(7),
                disposed_at: r.opt_text(8),
            })
            .collect();
        c.notes = self
            .case_notes(id)?
            .into_iter()
            .map(|(at, author, note)| CaseNote { at, author, note })
            .collect();
        Ok(Some(c))
    }

    /// Records a reviewer's disposition of one hit. A false positive on a screening hit is
    /// remembered against the list entity's current version (`entity_hash`, when known).
    #[allow(clippy::too_many_arguments)]
    pub fn dispose(
        &mut self,
        user: &str,
        case_id: i64,
        hit_no: i64,
        disposition: &str,
        reason: &str,
        party_key: Option<&str>,
        entity_hash: Option<&str>,
    ) -> Result<()> {
        self.require(user, &["reviewer", "approver"], "dispose of hits")?;
        if !["false_positive", "true_match", "escalate"].contains(&disposition) {
            return Err(Error::Invalid(format!(
                "disposition {disposition:?}: use false_positive, true_match or escalate"
            )));
        }
        if reason.trim().is_empty() {
            return Err(Error::Invalid("a disposition needs a reason".into()));
        }
        // Checked inside the transaction: another instance may be closing the case.
        let tx = self.db.begin()?;
        let c = self
            .case(case_id)?
            .ok_or_else(|| Error::Invalid(format!("no case {case_id}")))?;
        if c.status != "open" {
            return Err(Error::Invalid(format!("case {case_id} is {}", c.status)));
        }
        let hit = c
            .hits
            .iter()
            .find(|h| h.hit_no == hit_no)
            .ok_or_else(|| Error::Invalid(format!("case {case_id} has no hit {hit_no}")))?
            .clone();
        let at = now();
        tx.exec(
            "UPDATE case_hit SET disposition = ?1, reason = ?2, disposed_by = ?3, disposed_at = ?4 WHERE case_id = ?5 AND hit_no = ?6",
            p![disposition, reason, user, at.as_str(), case_id, hit_no],
        )?;
        if disposition == "false_positive" && hit.kind == "screening" {
            if let (Some(k), Some(h)) = (party_key, entity_hash) {
                tx.exec(
                    "INSERT INTO fp_memory (party_key, entity_id, entity_hash, decided_by, decided_at, case_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (party_key, entity_id) DO UPDATE SET entity_hash = excluded.entity_hash, decided_by = excluded.decided_by,
                       decided_at = excluded.decided_at, case_id = excluded.case_id",
                    p![k, hit.reference.as_str(), h, user, at.as_str(), case_id],
                )?;
            }
        }
        Self::append_audit_tx(
            &tx,
            user,
            "case.dispose",
            &format!("case {case_id} hit {hit_no}"),
            &serde_json::json!({"disposition": disposition, "reason": reason, "reference": hit.reference, "entity_hash": entity_hash}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes a case: every hit disposed, and approved by a user other than everyone who
    /// disposed of its hits (four eyes).
    pub fn approve(&mut self, user: &str, case_id: i64) -> Result<()> {
        self.require(user, &["approver"], "approve cases")?;
        let tx = self.db.begin()?;
        let c = self
            .case(case_id)?
            .ok_or_else(|| Error::Invalid(format!("no case {case_id}")))?;
        if c.status != "open" {
            return Err(Error::Invalid(format!("case {case_id} is {}", c.status)));
        }
        if let Some(h) = c.hits.iter().find(|h| h.disposition.is_none()) {
            return Err(Error::Invalid(format!(
                "hit {} of case {case_id} has no disposition yet",
                h.hit_no
            )));
        }
        if c.hits
            .iter()
            .any(|h| h.disposed_by.as_deref() == Some(user))
        {
            return Err(Error::Invalid(format!(
                "four eyes: {user} disposed of hits in case {case_id} and cannot also approve it"
            )));
        }
        tx.exec(
            "UPDATE case_file SET status = 'closed', closed_at = ?1, closed_by = ?2 WHERE id = ?3",
            p![now(), user, case_id],
        )?;
        Self::append_audit_tx(
            &tx,
            user,
            "case.approve",
            &format!("case {case_id}"),
            &serde_json::json!({"hits": c.hits.len()}),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Whether a screening hit of this party on this entity was judged a false positive on the
    /// entity's version `entity_hash` (a changed entity comes back for review).
    pub fn suppressed(&self, party_key: &str, entity_id: &str, entity_hash: &str) -> Result<bool> {
        let h = self
            .db
            .row(
                "SELECT entity_hash FROM fp_memory WHERE party_key = ?1 AND entity_id = ?2",
                p![party_key, entity_id],
            )?
            .map(|r| r.text(0));
        Ok(h.as_deref() == Some(entity_hash))
    }

    /// The version hash of an entity in the newest of the given snapshots that holds it.
    pub fn entity_hash(&self, snapshots: &[i64], entity_id: &str) -> Result<Option<String>> {
        let mut best: Option<(i64, String)> = None;
        for &s in snapshots {
            let h = self
                .db
                .row(
                    "SELECT hash FROM snapshot_entity WHERE snapshot_id = ?1 AND entity_id = ?2",
                    p![s, entity_id],
                )?
                .map(|r| r.text(0));
            if let Some(h) = h {
                if best.as_ref().is_none_or(|b| s > b.0) {
                    best = Some((s, h));
                }
            }
        }
        Ok(best.map(|b| b.1))
    }

    /// Audit records with `at` within [from, to] (dates or timestamps; either may be open).
    pub fn audit_records(&self, from: Option<&str>, to: Option<&str>) -> Result<Vec<AuditRecord>> {
        Ok(self
            .db
            .rows(
                "SELECT seq, at, actor, action, subject, body, prev_hash, hash FROM audit
                 WHERE (CAST(?1 AS TEXT) IS NULL OR at >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR substr(at, 1, length(?2)) <= ?2) ORDER BY seq",
                p![from, to],
            )?
            .iter()
            .map(audit_row)
            .collect())
    }

    /// One audit record.
    pub fn audit_record(&self, seq: i64) -> Result<Option<AuditRecord>> {
        Ok(self
            .db
            .row(
                "SELECT seq, at, actor, action, subject, body, prev_hash, hash FROM audit WHERE seq = ?1",
                p![seq],
            )?
            .as_ref()
            .map(audit_row))
    }

    /// The number and hash of the newest audit record of `action` on `subject` (the audit log
    /// doubles as the versioned, tamper-evident home of operator settings such as reference
    /// tables), without its body: enough to tell whether what was read from it before is still
    /// current.
    pub fn latest_audit_head(&self, action: &str, subject: &str) -> Result<Option<(i64, String)>> {
        Ok(self
            .db
            .row(
                "SELECT seq, hash FROM audit WHERE action = ?1 AND subject = ?2 ORDER BY seq DESC LIMIT 1",
                p![action, subject],
            )?
            .map(|r| (r.i64(0), r.text(1))))
    }

    /// Checks the whole chain: sequence without gaps, each record's hash, each link.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        let rows = self.db.rows(
            "SELECT seq, at, actor, action, subject, body, prev_hash, hash FROM audit ORDER BY seq",
            &[],
        )?;
        let (mut prev, mut expect, mut n) = ("genesis".to_string(), 1i64, 0i64);
        let mut problems = Vec::new();
        for r in &rows {
            let (seq, at, actor, action, subject, body, prev_hash, hash) = (
                r.i64(0),
                r.text(1),
                r.text(2),
                r.text(3),
                r.text(4),
                r.text(5),
                r.text(6),
                r.text(7),
            );
            n += 1;
            if seq != expect {
                problems.push(format!("record {seq}: expected sequence number {expect} (records missing or reordered)"));
            }
            if prev_hash != prev {
                problems.push(format!(
                    "record {seq}: does not link to the record before it"
                ));
            }
            if record_hash(&prev_hash, seq, &at, &actor, &action, &subject, &body) != hash {
                problems.push(format!(
                    "record {seq}: content does not match its hash (edited)"
                ));
            }
            prev = hash;
            expect = seq + 1;
        }
        Ok(AuditCheck {
            records: n,
            head: prev,
            problems,
        })
    }
}

fn audit_row(r: &crate::db::Row) -> AuditRecord {
    let b = r.text(5);
    AuditRecord {
        seq: r.i64(0),
        at: r.text(1),
        actor: r.text(2),
        action: r.text(3),
        subject: r.text(4),
        body: serde_json::from_str(&b).unwrap_or(Value::String(b)),
        prev_hash: r.text(6),
        hash: r.text(7),
    }
}
