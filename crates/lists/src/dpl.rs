//! BIS Denied Persons List: tab-separated, quoted, one row per (denied party, address).
//!
//! The list has no ids. One denial order — the same name with the same effective date — is one
//! entity (a person denied under one order may have several address rows); its key is the name
//! and effective date, which do not change while the order stands: `bis-dpl:<name-slug>-<YYYYMMDD>`.

use crate::error::{ParseError, Result};
use crate::tabular::{utf8, Table};
use crate::{clean, Format, ParsedList};
use chokepoint_model::{push_unique, Address, Entity, Kind};
use std::collections::HashMap;

const REQUIRED: &[&str] = &[
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
];

fn mdy(s: &str) -> Option<String> {
    crate::ofac_common::us_date(s)
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Parses the DPL file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let text = utf8(file, bytes)?;
    let t = Table::read(file, text, b'\t', 0, REQUIRED)?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut list_date: Option<String> = None;
    for (line, row) in &t.rows {
        let g = |c: &str| t.get(row, c);
        let name = g("Name").ok_or_else(|| ParseError::at_line(file, *line, None, "empty Name"))?;
        let eff_raw = g("Effective_Date").unwrap_or("");
        let eff = mdy(eff_raw);
        if !eff_raw.is_empty() && eff.is_none() {
            return Err(ParseError::at_line(
                file,
                *line,
                Some(clean(name)),
                format!("Effective_Date {eff_raw:?} is not a valid MM/DD/YYYY date"),
            ));
        }
        let key = format!(
            "{}-{}",
            slug(name),
            eff.as_deref().unwrap_or("undated").replace('-', "")
        );
        let idx = *by_key.entry(key.clone()).or_insert_with(|| {
            let mut e = Entity::new(format!("bis-dpl:{key}"), Kind::Unknown, clean(name));
            e.listed_on = eff.clone();
            e.source_url = Some("https://www.bis.gov/dpl".into());
            e.programs.push("Denied Persons List".into());
            entities.push(e);
            entities.len() - 1
        });
        let e = &mut entities[idx];
        let mut a = Address {
            street: g("Street_Address").map(clean),
            city: g("City").map(clean),
            region: g("State").map(clean),
            postal_code: g("Postal_Code").map(clean),
            ..Default::default()
        };
        a.set_country(g("Country").unwrap_or(""));
        if !a.is_empty() && !e.addresses.contains(&a) {
            e.addresses.push(a);
        }
        if let Some(x) = g("Expiration_Date").and_then(mdy) {
            e.extra.insert("expiration_date".into(), x);
        }
        for (c, k) in [("Standard_Order", "standard_order"), ("Action", "action")] {
            if let Some(v) = g(c) {
                e.extra.insert(k.into(), clean(v));
            }
        }
        if let Some(fr) = g("FR_Citation") {
            push_unique(&mut e.references, clean(fr));
        }
        if let Some(u) = g("Last_Update") {
            if list_date.as_deref().is_none_or(|d| u > d)
                && chokepoint_model::PartialDate::parse_iso(u).is_ok()
            {
                list_date = Some(u.to_string());
            }
        }
    }
    Ok(ParsedList {
        source: "bis-dpl".into(),
        format: Format::Dpl,
        list_date,
        entities,
        records: t.rows.len(),
        warnings: vec![],
    })
}
