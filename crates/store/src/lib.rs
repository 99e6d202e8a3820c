//! The embedded snapshot store: every imported list file is one immutable, dated snapshot.
//!
//! Entity bodies are content-addressed (SHA-256 of their canonical JSON), so an entity that does
//! not change between two snapshots is stored once. A snapshot is the set of (entity id, version)
//! pairs it holds; its delta against the previous snapshot of its source is computed at import and
//! kept. Point-in-time questions ("was X listed on D?") pick, per source, the snapshot in force on
//! D: the one with the latest effective date on or before D. Every import runs in one SQLite
//! transaction, so a failed import leaves the store exactly as it was.
#![deny(missing_docs)]

pub mod cases;
mod db;
pub mod licensing;
pub mod monitor;

use chokepoint_lists::ParsedList;
use chokepoint_model::Entity;
use db::{p, Db, Row};
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// PostgreSQL failed.
    #[error("database error: {0}")]
    Postgres(String),
    /// A stored body could not be decoded.
    #[error("corrupt stored entity: {0}")]
    Json(#[from] serde_json::Error),
    /// The request cannot be met.
    #[error("{0}")]
    Invalid(String),
    /// Someone else changed the same thing first; nothing was written.
    #[error("conflict: {0}")]
    Conflict(String),
}

/// Result alias.
pub type Result<T> = std::result::Result<T, Error>;

/// One imported list file (or OFAC CSV file set).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Snapshot {
    /// Row id.
    pub id: i64,
    /// List stream: `ofac-sdn`, `ofac-cons`, `csl`, `bis-dpl`, `eu`, `un`, `uk`, `ftm`.
    pub source: String,
    /// Format it was read from.
    pub format: String,
    /// Publication date read from the file (or stated on import); `None` if neither.
    pub list_date: Option<String>,
    /// Where `list_date` came from: `file`, `stated`, or `none`.
    pub date_basis: String,
    /// The date from which this snapshot is taken to be in force: the list date, or the import
    /// date when the file has none.
    pub effective_date: String,
    /// RFC 3339 import time.
    pub imported_at: String,
    /// SHA-256 of the file bytes (for a file set: of the files' hashes in order).
    pub sha256: String,
    /// Input file names.
    pub files: Vec<String>,
    /// Entities held.
    pub entities: i64,
    /// Records in the file (rows for row-per-name formats).
    pub records: i64,
}

/// How an entity differs between two snapshots.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Entity id.
    pub entity_id: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// For `changed`: the top-level fields that differ.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// The entity's primary name (from the newer version, or the removed one).
    pub name: String,
}

/// The delta between two snapshots of one source.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Delta {
    /// The older snapshot (`None`: the newer is the first of its source).
    pub from: Option<i64>,
    /// The newer snapshot.
    pub to: i64,
    /// Every change, ordered by entity id.
    pub changes: Vec<Change>,
}

impl Delta {
    /// Counts of (added, removed, changed).
    pub fn counts(&self) -> (usize, usize, usize) {
        let c = |k: &str| self.changes.iter().filter(|c| c.change == k).count();
        (c("added"), c("removed"), c("changed"))
    }
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub enum ImportOutcome {
    /// A new snapshot was stored, with its delta against the previous one of its source.
    Imported {
        /// The snapshot.
        snapshot: Snapshot,
        /// (added, removed, changed) against the previous snapshot of the source.
        delta: (usize, usize, usize),
    },
    /// These exact bytes were imported before; nothing changed.
    AlreadyImported(Snapshot),
}

/// The store: SQLite in one file (the default) or a PostgreSQL database shared by several
/// instances — same tables, same behaviour.
pub struct Store {
    db: Db,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS snapshot (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    list_date TEXT,
    date_basis TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    files TEXT NOT NULL,
    entity_count INTEGER NOT NULL,
    record_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS snapshot_source ON snapshot(source, effective_date, id);
CREATE TABLE IF NOT EXISTS entity_version (
    hash TEXT PRIMARY KEY,
    entity_id TEXT NOT NULL,
    body TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot_entity (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),
    entity_id TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES entity_version(hash),
    PRIMARY KEY (snapshot_id, entity_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS snapshot_entity_by_id ON snapshot_entity(entity_id);
CREATE TABLE IF NOT EXISTS snapshot_delta (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id),
    base_snapshot_id INTEGER,
    entity_id TEXT NOT NULL,
    change TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, entity_id)
) WITHOUT ROWID;
"#;

/// Every SQLite table, written for PostgreSQL: the schemas are written once, in SQLite's
/// dialect, and translated (PostgreSQL gets BIGINT, DOUBLE PRECISION and serial keys, no
/// `WITHOUT ROWID`); only the audit table's trigger is written for each.
fn pg_schema() -> String {
    let tables = [
        SCHEMA,
        cases::CASES_SCHEMA,
        monitor::MONITOR_SCHEMA,
        licensing::SQLITE_SCHEMA,
    ]
    .concat()
    .replace("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY")
    .replace(" INTEGER", " BIGINT")
    .replace(" REAL", " DOUBLE PRECISION")
    .replace(") WITHOUT ROWID;", ");");
    format!(
        "{tables}{}{APP_USER_TOKEN}{};",
        cases::PG_TRIGGERS,
        monitor::COUNTERPARTY_ADDRESS.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS")
    )
}

/// The API token column, which stores made before tokens existed lack.
const APP_USER_TOKEN_COLUMN: &str = "ALTER TABLE app_user ADD COLUMN token_hash TEXT";

/// Runs `alter` (an `ADD COLUMN`) on an SQLite store whose `table` lacks `column`: a store
/// made before the column existed.
fn add_missing_column(conn: &Connection, table: &str, column: &str, alter: &str) -> Result<()> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
        [table, column],
        |r| r.get(0),
    )?;
    if n == 0 {
        conn.execute_batch(alter)?;
    }
    Ok(())
}

/// API tokens are unique (the column came after the table, so it is indexed separately).
const APP_USER_TOKEN: &str =
    "CREATE UNIQUE INDEX IF NOT EXISTS app_user_token ON app_user (token_hash);";

fn row_snapshot(r: &Row) -> Snapshot {
    Snapshot {
        id: r.i64(0),
        source: r.text(1),
        format: r.text(2),
        list_date: r.opt_text(3),
        date_basis: r.text(4),
        effective_date: r.text(5),
        imported_at: r.text(6),
        sha256: r.text(7),
        files: serde_json::from_str(&r.text(8)).unwrap_or_default(),
        entities: r.i64(9),
        records: r.i64(10),
    }
}

const SNAP_COLS: &str = "id, source, format, list_date, date_basis, effective_date, imported_at, sha256, files, entity_count, record_count";

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Store {
    /// Opens (creating if needed) a store file.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::Invalid(format!("cannot create {}: {e}", dir.display())))?;
            }
        }
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// An in-memory store (tests, benchmarks).
    pub fn in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?)
    }

    /// Opens a PostgreSQL store (`postgres://user:pass@host/db`), creating its tables if
    /// needed.
    pub fn open_postgres(url: &str) -> Result<Store> {
        let db = Db::postgres(url)?;
        // Two instances starting at once must not both create the tables.
        let tx = db.begin()?;
        tx.batch(&pg_schema())?;
        tx.commit()?;
        Ok(Store { db })
    }

    /// Opens `target`: a PostgreSQL URL or an SQLite file path.
    pub fn open_any(target: &str) -> Result<Store> {
        if target.starts_with("postgres://") || target.starts_with("postgresql://") {
            Self::open_postgres(target)
        } else {
            Self::open(Path::new(target))
        }
    }

    /// Whether the store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.db.is_postgres()
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(cases::CASES_SCHEMA)?;
        conn.execute_batch(cases::SQLITE_TRIGGERS)?;
        // Stores made before API tokens existed gain the column (users without a token can
        // still act through the command line, never through the server).
        add_missing_column(&conn, "app_user", "token_hash", APP_USER_TOKEN_COLUMN)?;
        conn.execute_batch(APP_USER_TOKEN)?;
        conn.execute_batch(monitor::MONITOR_SCHEMA)?;
        add_missing_column(
            &conn,
            "counterparty",
            "address",
            monitor::COUNTERPARTY_ADDRESS,
        )?;
        conn.execute_batch(licensing::SQLITE_SCHEMA)?;
        Ok(Store {
            db: Db::sqlite(conn),
        })
    }

    /// Number of snapshots stored.
    pub fn snapshot_count(&self) -> Result<i64> {
        Ok(self
            .db
            .row("SELECT COUNT(*) FROM snapshot", &[])?
            .map_or(0, |r| r.i64(0)))
    }

    /// Imports a parsed list as one snapshot, atomically. `sha256` identifies the bytes;
    /// `stated_date` supplies a list date for files that carry none.
    pub fn import(
        &mut self,
        parsed: &ParsedList,
        sha256: &str,
        files: &[String],
        stated_date: Option<&str>,
        now: &str,
    ) -> Result<ImportOutcome> {
        let item = ImportItem {
            parsed,
            sha256,
            files,
            stated_date,
        };
        Ok(self.import_all(&[item], now)?.remove(0))
    }

    /// Imports several lists in one transaction: either all are stored or none is.
    pub fn import_all(
        &mut self,
        items: &[ImportItem<'_>],
        now: &str,
    ) -> Result<Vec<ImportOutcome>> {
        let tx = self.db.begin()?;
        let mut done = Vec::new();
        for it in items {
            done.push(import_one(&tx, it, now)?);
        }
        tx.commit()?;
        let mut out = Vec::new();
        for d in done {
            out.push(match d {
                Done::Existing(id) => ImportOutcome::AlreadyImported(
                    self.snapshot(id)?
                        .ok_or_else(|| Error::Invalid("snapshot vanished".into()))?,
                ),
                Done::New(id, counts) => ImportOutcome::Imported {
                    snapshot: self
                        .snapshot(id)?
                        .ok_or_else(|| Error::Invalid("snapshot vanished".into()))?,
                    delta: counts,
                },
            });
        }
        Ok(out)
    }

    /// A snapshot by id.
    pub fn snapshot(&self, id: i64) -> Result<Option<Snapshot>> {
        Ok(self
            .db
            .row(
                &format!("SELECT {SNAP_COLS} FROM snapshot WHERE id = ?1"),
                p![id],
            )?
            .map(|r| row_snapshot(&r)))
    }

    /// Every snapshot, by source then effective date.
    pub fn snapshots(&self) -> Result<Vec<Snapshot>> {
        Ok(self
            .db
            .rows(
                &format!("SELECT {SNAP_COLS} FROM snapshot ORDER BY source, effective_date, id"),
                &[],
            )?
            .iter()
            .map(row_snapshot)
            .collect())
    }

    /// The sources present.
    pub fn sources(&self) -> Result<Vec<String>> {
        Ok(self
            .db
            .rows("SELECT DISTINCT source FROM snapshot ORDER BY source", &[])?
            .iter()
            .map(|r| r.text(0))
            .collect())
    }

    /// The snapshot of `source` in force on `date` (ISO date), or the newest when `date` is `None`.
    pub fn in_force(&self, source: &str, date: Option<&str>) -> Result<Option<Snapshot>> {
        let sql = format!(
            "SELECT {SNAP_COLS} FROM snapshot WHERE source = ?1 AND effective_date <= ?2 ORDER BY effective_date DESC, id DESC LIMIT 1"
        );
        Ok(self
            .db
            .row(&sql, p![source, date.unwrap_or("9999-12-31")])?
            .map(|r| row_snapshot(&r)))
    }

    /// The snapshots in force on `date` for every source (newest per source without a date).
    pub fn in_force_all(&self, date: Option<&str>) -> Result<Vec<Snapshot>> {
        let mut out = Vec::new();
        for s in self.sources()? {
            out.extend(self.in_force(&s, date)?);
        }
        Ok(out)
    }

    /// An entity as held by one snapshot.
    pub fn entity_in(&self, snapshot: i64, entity_id: &str) -> Result<Option<Entity>> {
        let body: Option<String> = self
            .db
            .row(
                "SELECT v.body FROM snapshot_entity s JOIN entity_version v ON v.hash = s.hash WHERE s.snapshot_id = ?1 AND s.entity_id = ?2",
                p![snapshot, entity_id],
            )?
            .map(|r| r.text(0));
        Ok(match body {
            Some(b) => Some(serde_json::from_str(&b)?),
            None => None,
        })
    }

    /// The entity as listed on `date` (newest lists without a date): searched in every source's
    /// snapshot in force then. `None` means it was not listed on that date.
    pub fn entity_as_of(
        &self,
        entity_id: &str,
        date: Option<&str>,
    ) -> Result<Option<(Snapshot, Entity)>> {
        for snap in self.in_force_all(date)? {
            if let Some(e) = self.entity_in(snap.id, entity_id)? {
                return Ok(Some((snap, e)));
            }
        }
        Ok(None)
    }

    /// All entities of one snapshot, in id order.
    pub fn entities(&self, snapshot: i64) -> Result<Vec<Entity>> {
        let rows = self.db.rows(
            "SELECT v.body FROM snapshot_entity s JOIN entity_version v ON v.hash = s.hash WHERE s.snapshot_id = ?1 ORDER BY s.entity_id",
            p![snapshot],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(serde_json::from_str(&r.text(0))?);
        }
        Ok(out)
    }

    /// The delta stored with a snapshot at import (against the previous snapshot of its source).
    pub fn stored_delta(&self, snapshot: i64) -> Result<Delta> {
        let rows = self.db.rows(
            "SELECT d.base_snapshot_id, d.entity_id, d.change, d.fields, v.body FROM snapshot_delta d
             LEFT JOIN snapshot_entity s ON s.snapshot_id = COALESCE(CASE WHEN d.change = 'removed' THEN d.base_snapshot_id END, d.snapshot_id) AND s.entity_id = d.entity_id
             LEFT JOIN entity_version v ON v.hash = s.hash
             WHERE d.snapshot_id = ?1 ORDER BY d.entity_id",
            p![snapshot],
        )?;
        let mut delta = Delta {
            from: None,
            to: snapshot,
            changes: vec![],
        };
        for row in rows {
            let (base, id, change, fields, body) = (
                row.opt_i64(0),
                row.text(1),
                row.text(2),
                row.text(3),
                row.opt_text(4),
            );
            delta.from = base;
            let name = body
                .and_then(|b| serde_json::from_str::<Entity>(&b).ok())
                .map(|e| e.name)
                .unwrap_or_default();
            delta.changes.push(Change {
                entity_id: id,
                change,
                fields: serde_json::from_str(&fields)?,
                name,
            });
        }
        if delta.from.is_none() {
            let snap = self
                .snapshot(snapshot)?
                .ok_or_else(|| Error::Invalid(format!("no snapshot {snapshot}")))?;
            delta.from = prev_snapshot(&self.db, &snap.source, &snap.effective_date, snap.id)?;
        }
        Ok(delta)
    }

    /// The delta between any two snapshots (`from = None`: everything in `to` is added).
    pub fn diff(&self, from: Option<i64>, to: i64) -> Result<Delta> {
        compute_delta(&self.db, from, to)
    }
}

/// One list to import: the parsed file, the SHA-256 of its bytes, its file names and, for files
/// that carry no date, the list date the user states.
pub struct ImportItem<'a> {
    /// The parsed list.
    pub parsed: &'a ParsedList,
    /// SHA-256 of the input bytes.
    pub sha256: &'a str,
    /// Input file names.
    pub files: &'a [String],
    /// List date to use when the file has none.
    pub stated_date: Option<&'a str>,
}

enum Done {
    Existing(i64),
    New(i64, (usize, usize, usize)),
}

/// Imports one list inside the caller's transaction (the own restricted list, updated with the
/// record that adds to it).
pub(crate) fn import_in(tx: &Db, it: &ImportItem<'_>, now: &str) -> Result<()> {
    import_one(tx, it, now).map(|_| ())
}

fn import_one(tx: &Db, it: &ImportItem<'_>, now: &str) -> Result<Done> {
    let parsed = it.parsed;
    let existing: Option<i64> = tx
        .row("SELECT id FROM snapshot WHERE sha256 = ?1", p![it.sha256])?
        .map(|r| r.i64(0));
    if let Some(id) = existing {
        return Ok(Done::Existing(id));
    }
    let mut seen = std::collections::HashSet::new();
    for e in &parsed.entities {
        if !seen.insert(e.id.as_str()) {
            return Err(Error::Invalid(format!(
                "{}: entity id {} occurs twice",
                it.files.join(", "),
                e.id
            )));
        }
    }
    let (list_date, basis) = match (&parsed.list_date, it.stated_date) {
        (Some(d), _) => (Some(d.clone()), "file"),
        (None, Some(d)) => (Some(d.to_string()), "stated"),
        (None, None) => (None, "none"),
    };
    let effective = list_date.clone().unwrap_or_else(|| now[..10].to_string());
    let sid = tx
        .row(
            "INSERT INTO snapshot (source, format, list_date, date_basis, effective_date, imported_at, sha256, files, entity_count, record_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
            p![
                parsed.source.as_str(),
                parsed.format.as_str(),
                list_date.clone(),
                basis,
                effective.as_str(),
                now,
                it.sha256,
                serde_json::to_string(it.files)?,
                parsed.entities.len(),
                parsed.records
            ],
        )?
        .map(|r| r.i64(0))
        .ok_or_else(|| Error::Invalid("no snapshot id".into()))?;
    for e in &parsed.entities {
        let body = serde_json::to_string(e)?;
        let h = sha256_hex(body.as_bytes());
        tx.exec(
            "INSERT INTO entity_version (hash, entity_id, body) VALUES (?1, ?2, ?3) ON CONFLICT (hash) DO NOTHING",
            p![h.as_str(), e.id.as_str(), body],
        )?;
        tx.exec(
            "INSERT INTO snapshot_entity (snapshot_id, entity_id, hash) VALUES (?1, ?2, ?3)",
            p![sid, e.id.as_str(), h],
        )?;
    }
    // The delta of this snapshot, and of the one after it when this import was out of order.
    let prev = prev_snapshot(tx, &parsed.source, &effective, sid)?;
    let delta = store_delta(tx, prev, sid)?;
    if let Some(next) = next_snapshot(tx, &parsed.source, &effective, sid)? {
        tx.exec(
            "DELETE FROM snapshot_delta WHERE snapshot_id = ?1",
            p![next],
        )?;
        store_delta(tx, Some(sid), next)?;
    }
    Ok(Done::New(sid, delta.counts()))
}

fn prev_snapshot(db: &Db, source: &str, effective: &str, id: i64) -> Result<Option<i64>> {
    Ok(db
        .row(
            "SELECT id FROM snapshot WHERE source = ?1 AND id != ?3 AND (effective_date < ?2 OR (effective_date = ?2 AND id < ?3))
             ORDER BY effective_date DESC, id DESC LIMIT 1",
            p![source, effective, id],
        )?
        .map(|r| r.i64(0)))
}

fn next_snapshot(db: &Db, source: &str, effective: &str, id: i64) -> Result<Option<i64>> {
    Ok(db
        .row(
            "SELECT id FROM snapshot WHERE source = ?1 AND id != ?3 AND (effective_date > ?2 OR (effective_date = ?2 AND id > ?3))
             ORDER BY effective_date ASC, id ASC LIMIT 1",
            p![source, effective, id],
        )?
        .map(|r| r.i64(0)))
}

fn versions(db: &Db, snapshot: i64) -> Result<HashMap<String, String>> {
    Ok(db
        .rows(
            "SELECT entity_id, hash FROM snapshot_entity WHERE snapshot_id = ?1",
            p![snapshot],
        )?
        .iter()
        .map(|r| (r.text(0), r.text(1)))
        .collect())
}

fn body(db: &Db, hash: &str) -> Result<serde_json::Value> {
    let b = db
        .row("SELECT body FROM entity_version WHERE hash = ?1", p![hash])?
        .map(|r| r.text(0))
        .ok_or_else(|| Error::Invalid(format!("entity version {hash} is missing")))?;
    Ok(serde_json::from_str(&b)?)
}

fn name_of(v: &serde_json::Value) -> String {
    v.get("name")
        .and_then(|n| n.as_str())
        .unwrap_or("")
        .to_string()
}

fn compute_delta(db: &Db, from: Option<i64>, to: i64) -> Result<Delta> {
    let conn = db;
    let new = versions(conn, to)?;
    let old = match from {
        Some(f) => versions(conn, f)?,
        None => HashMap::new(),
    };
    let mut changes = Vec::new();
    for (id, h) in &new {
        match old.get(id) {
            None => changes.push(Change {
                entity_id: id.clone(),
                change: "added".into(),
                fields: vec![],
                name: name_of(&body(conn, h)?),
            }),
            Some(oh) if oh != h => {
                let (a, b) = (body(conn, oh)?, body(conn, h)?);
                let empty = serde_json::Map::new();
                let (ao, bo) = (
                    a.as_object().unwrap_or(&empty),
                    b.as_object().unwrap_or(&empty),
                );
                let keys: std::collections::BTreeSet<&String> =
                    ao.keys().chain(bo.keys()).collect();
                let fields = keys
                    .into_iter()
                    .filter(|k| ao.get(*k) != bo.get(*k))
                    .cloned()
                    .collect();
                changes.push(Change {
                    entity_id: id.clone(),
                    change: "changed".into(),
                    fields,
                    name: name_of(&b),
                });
            }
            Some(_) => {}
        }
    }
    for (id, h) in &old {
        if !new.contains_key(id) {
            changes.push(Change {
                entity_id: id.clone(),
                change: "removed".into(),
                fields: vec![],
                name: name_of(&body(conn, h)?),
            });
        }
    }
    changes.sort();
    Ok(Delta { from, to, changes })
}

fn store_delta(db: &Db, base: Option<i64>, sid: i64) -> Result<Delta> {
    let d = compute_delta(db, base, sid)?;
    for c in &d.changes {
        db.exec(
            "INSERT INTO snapshot_delta (snapshot_id, base_snapshot_id, entity_id, change, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
            p![sid, base, c.entity_id.as_str(), c.change.as_str(), serde_json::to_string(&c.fields)?],
        )?;
    }
    Ok(d)
}

/// Per-source summary for `lists status`.
#[derive(Debug, Clone, Serialize)]
pub struct SourceStatus {
    /// Source name.
    pub source: String,
    /// List date of the newest snapshot.
    pub list_date: Option<String>,
    /// Import time of the newest snapshot.
    pub imported_at: String,
    /// SHA-256 of the newest snapshot's bytes.
    pub sha256: String,
    /// Entities in the newest snapshot.
    pub entities: i64,
    /// Snapshots kept for this source.
    pub snapshots: i64,
    /// Days between the list date (or import date) and today.
    pub age_days: i64,
    /// True when older than the staleness threshold.
    pub stale: bool,
    /// Format of the newest snapshot.
    pub format: String,
}

impl Store {
    /// Status of every source, judged against `today` (ISO date) and a staleness threshold.
    pub fn status(&self, today: &str, stale_after_days: i64) -> Result<Vec<SourceStatus>> {
        let all = self.snapshots()?;
        let mut per: BTreeMap<String, Vec<&Snapshot>> = BTreeMap::new();
        for s in &all {
            per.entry(s.source.clone()).or_default().push(s);
        }
        let today = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d")
            .map_err(|e| Error::Invalid(format!("bad date {today}: {e}")))?;
        let mut out = Vec::new();
        for (source, snaps) in per {
            let newest = snaps.last().expect("non-empty");
            let d = chrono::NaiveDate::parse_from_str(&newest.effective_date, "%Y-%m-%d")
                .unwrap_or(today);
            let age = (today - d).num_days();
            out.push(SourceStatus {
                source,
                list_date: newest.list_date.clone(),
                imported_at: newest.imported_at.clone(),
                sha256: newest.sha256.clone(),
                entities: newest.entities,
                snapshots: snaps.len() as i64,
                age_days: age,
                stale: age > stale_after_days,
                format: newest.format.clone(),
            });
        }
        Ok(out)
    }
}
