//! The operator's reference tables (routes, sectors, suppliers: see
//! `chokepoint_assess::reference`), kept in the audit log: setting one appends a record with
//! the checked table, the newest record per table is in force, and an assessment records the
//! record numbers it used, so a replay reads the very tables of the day.

use anyhow::{Context, Result};
use chokepoint_assess::reference::TABLES;
use chokepoint_assess::transaction::Party;
use chokepoint_assess::{Reference, ScreenHit, Screener};
use chokepoint_model::{Address, Entity, Kind, Name, NameQuality};
use chokepoint_screen::{Config, Index};
use chokepoint_store::Store;
use std::collections::BTreeMap;

const ACTION: &str = "reference.set";

/// The audit records of the tables in force: table name → record number.
pub type Versions = BTreeMap<String, i64>;

/// Checks `text` as table `name` and records it; returns the audit record and the row count.
pub fn set(
    store: &mut Store,
    user: &str,
    name: &str,
    text: &str,
    origin: &str,
) -> Result<(i64, usize)> {
    store.require_role(user, &["admin"], "set reference tables")?;
    let mut r = Reference::default();
    let rows = r.set(name, text, origin)?;
    let content = match name {
        "routes" => serde_json::to_value(&r.routes)?,
        "sectors" => serde_json::to_value(&r.sectors)?,
        _ => serde_json::to_value(&r.suppliers)?,
    };
    let seq = store.audit(
        user,
        ACTION,
        name,
        &serde_json::json!({
            "file": origin,
            "sha256": chokepoint_store::sha256_hex(text.as_bytes()),
            "rows": rows,
            "content": content,
        }),
    )?;
    Ok((seq, rows))
}

/// Withdraws table `name`: the rules that read it are reported as not evaluated again.
pub fn unset(store: &mut Store, user: &str, name: &str) -> Result<i64> {
    store.require_role(user, &["admin"], "withdraw reference tables")?;
    if !TABLES.contains(&name) {
        anyhow::bail!("unknown table {name:?}; tables: {}", TABLES.join(", "));
    }
    Ok(store.audit(user, ACTION, name, &serde_json::json!({"content": null}))?)
}

/// Reference tables ready for an assessment: the tables, the audit records they come from,
/// and the suppliers' screening index.
pub struct Loaded {
    /// The tables.
    pub reference: Reference,
    /// Their audit records.
    pub versions: Versions,
    /// Matches parties against `reference.suppliers`.
    pub suppliers: Option<SupplierScreener>,
}

impl Loaded {
    /// The suppliers' matcher, as `assess_with` takes it.
    pub fn suppliers(&self) -> Option<&dyn Screener> {
        self.suppliers.as_ref().map(|s| s as &dyn Screener)
    }
}

type Key = Vec<(String, i64, String)>;
type Cache = std::sync::Mutex<Vec<(Key, std::sync::Arc<Loaded>)>>;

/// Tables parsed and indexed once per audit record: an assessment costs a lookup of each
/// table's newest record, not a parse of its rows and an index build. Records are keyed by
/// number and chain hash, so two stores in one process never share an entry by mistake.
fn cache() -> &'static Cache {
    static C: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    C.get_or_init(Default::default)
}

fn load(store: &Store, heads: Key) -> Result<std::sync::Arc<Loaded>> {
    if let Some((_, l)) = cache().lock().unwrap().iter().find(|(k, _)| *k == heads) {
        return Ok(l.clone());
    }
    let mut reference = Reference::default();
    let mut versions = Versions::new();
    // A withdrawn table's record has no content: the table is absent.
    for (t, seq, _) in &heads {
        let c = table_record(store, t, *seq)?.body["content"].take();
        if c.is_null() {
            continue;
        }
        let bad = || format!("audit record {seq}: '{t}' table");
        match t.as_str() {
            "routes" => reference.routes = serde_json::from_value(c).with_context(bad)?,
            "sectors" => reference.sectors = serde_json::from_value(c).with_context(bad)?,
            "suppliers" => reference.suppliers = serde_json::from_value(c).with_context(bad)?,
            other => anyhow::bail!("audit record {seq}: unknown table {other:?}"),
        }
        versions.insert(t.clone(), *seq);
    }
    let suppliers = reference.suppliers.as_ref().map(SupplierScreener::new);
    let l = std::sync::Arc::new(Loaded {
        reference,
        versions,
        suppliers,
    });
    let mut c = cache().lock().unwrap();
    // A few entries: the tables in force, and those of an assessment being replayed.
    if c.len() >= 4 {
        c.remove(0);
    }
    c.push((heads, l.clone()));
    Ok(l)
}

/// Audit record `seq`, which must have set (or withdrawn) table `t`.
fn table_record(store: &Store, t: &str, seq: i64) -> Result<chokepoint_store::cases::AuditRecord> {
    store
        .audit_record(seq)?
        .filter(|r| r.action == ACTION && r.subject == t)
        .ok_or_else(|| anyhow::anyhow!("audit record {seq} is not the '{t}' table"))
}

/// The tables in force and the audit records they come from (a withdrawn table is absent),
/// loaded (from the cache when they have not changed).
pub fn load_current(store: &Store) -> Result<std::sync::Arc<Loaded>> {
    let mut heads = Key::new();
    for t in TABLES {
        if let Some((seq, hash)) = store.latest_audit_head(ACTION, t)? {
            heads.push((t.to_string(), seq, hash));
        }
    }
    load(store, heads)
}

/// The tables recorded in the given audit records, loaded.
pub fn load_at(store: &Store, versions: &Versions) -> Result<std::sync::Arc<Loaded>> {
    let mut heads = Key::new();
    for (t, &seq) in versions {
        heads.push((t.clone(), seq, table_record(store, t, seq)?.hash));
    }
    load(store, heads)
}

/// Matches parties against the suppliers table with the screening engine itself, so trade
/// data spelt otherwise than the order (transliterated, reordered, legal form apart) still
/// matches, at the same alert threshold as the lists.
pub struct SupplierScreener {
    index: Index,
}

impl SupplierScreener {
    /// An index over the table's rows (entity id `trade:<row>`).
    pub fn new(s: &chokepoint_assess::reference::Suppliers) -> SupplierScreener {
        let entities = s
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let e = Entity {
                    id: format!("trade:{i}"),
                    kind: Kind::Unknown,
                    name: r.name.clone(),
                    names: vec![Name::new(r.name.clone(), NameQuality::Primary)],
                    addresses: r
                        .country
                        .iter()
                        .map(|c| Address {
                            country: Some(c.clone()),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                };
                ("trade".to_string(), e)
            })
            .collect();
        SupplierScreener {
            index: Index::build(entities, Config::default()),
        }
    }
}

impl Screener for SupplierScreener {
    fn screen(&self, p: &Party) -> Result<Vec<ScreenHit>, String> {
        let q = chokepoint_screen::batch::make_query(
            &p.name,
            p.kind.as_deref(),
            None,
            p.country.as_deref(),
            vec![],
            vec![],
        )?;
        Ok(self
            .index
            .screen(&q, 10)
            .into_iter()
            .filter(|m| m.alert)
            .map(|m| ScreenHit {
                entity_id: m.entity_id,
                name: m.matched_name,
                score: m.score,
                source: m.source,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(dir: &tempfile::TempDir, file: &str) -> Store {
        let mut s = Store::open(&dir.path().join(file)).unwrap();
        s.add_user("setup", "ada", "admin").unwrap();
        s
    }

    fn sectors(l: &Loaded) -> Vec<String> {
        l.reference
            .sectors
            .as_ref()
            .map_or(vec![], |s| s.present.keys().cloned().collect::<Vec<_>>())
    }

    // The cache must never serve tables that are no longer in force, nor another store's.
    #[test]
    fn cached_tables_follow_the_audit_log() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = store(&dir, "a.db");
        let mut b = store(&dir, "b.db");
        let first = set(&mut a, "ada", "sectors", "country,sector\nNE,07\n", "a1")
            .unwrap()
            .0;
        set(&mut b, "ada", "sectors", "country,sector\nDE,26\n", "b1").unwrap();
        assert_eq!(sectors(&load_current(&a).unwrap()), ["NE"]);
        // Same record number in the other store, other table.
        assert_eq!(sectors(&load_current(&b).unwrap()), ["DE"]);
        set(&mut a, "ada", "sectors", "country,sector\nFR,26\n", "a2").unwrap();
        assert_eq!(sectors(&load_current(&a).unwrap()), ["FR"]);
        unset(&mut a, "ada", "sectors").unwrap();
        let now = load_current(&a).unwrap();
        assert!(now.reference.sectors.is_none() && now.versions.is_empty());
        let then = load_at(&a, &Versions::from([("sectors".to_string(), first)])).unwrap();
        assert_eq!(sectors(&then), ["NE"]);
        // A record that is not that table is refused, not read as one.
        assert!(load_at(&a, &Versions::from([("routes".to_string(), first)])).is_err());
    }
}
