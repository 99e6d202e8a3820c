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

/// The tables in force and their audit records (a withdrawn table is absent).
pub fn current(store: &Store) -> Result<(Reference, Versions)> {
    let mut v = Versions::new();
    for t in TABLES {
        if let Some(rec) = store.latest_audit(ACTION, t)? {
            if !rec.body["content"].is_null() {
                v.insert(t.to_string(), rec.seq);
            }
        }
    }
    Ok((at(store, &v)?, v))
}

/// The tables recorded in the given audit records.
pub fn at(store: &Store, versions: &Versions) -> Result<Reference> {
    let mut r = Reference::default();
    for (t, &seq) in versions {
        let rec = store
            .audit_record(seq)?
            .filter(|rec| rec.action == ACTION && rec.subject == *t)
            .ok_or_else(|| anyhow::anyhow!("audit record {seq} is not the '{t}' table"))?;
        let c = rec.body["content"].clone();
        let bad = || format!("audit record {seq}: '{t}' table");
        match t.as_str() {
            "routes" => r.routes = serde_json::from_value(c).with_context(bad)?,
            "sectors" => r.sectors = serde_json::from_value(c).with_context(bad)?,
            "suppliers" => r.suppliers = serde_json::from_value(c).with_context(bad)?,
            other => anyhow::bail!("audit record {seq}: unknown table {other:?}"),
        }
    }
    Ok(r)
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
