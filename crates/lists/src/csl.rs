//! trade.gov Consolidated Screening List CSV (29 columns, multi-valued cells separated by `;`).
//!
//! One entity per `_id`: the same party appears on several lists of the CSL (an SDN that is
//! also on the CAPTA list has one row for each, with the same `_id`), and those rows are merged,
//! keeping every source and each source's licence requirement and policy.

use crate::error::Result;
use crate::tabular::{multi, utf8, Table};
use crate::{clean, Format, ParsedList};
use chokepoint_model::{
    country, id_type, normalise_gender, push_unique, Address, DateSpec, Entity, Identifier, Kind,
    Name, NameQuality, PartialDate,
};
use std::collections::HashMap;

const REQUIRED: &[&str] = &[
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
];

/// The short code of a CSL source, e.g. `Entity List (EL) - Bureau of Industry and Security` → `EL`.
pub fn source_code(source: &str) -> String {
    match (source.rfind('('), source.rfind(')')) {
        (Some(a), Some(b)) if b > a => source[a + 1..b].trim().to_string(),
        _ => source.trim().to_string(),
    }
}

/// Parses the CSL CSV.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let text = utf8(file, bytes)?;
    let t = Table::read(file, text, b',', 0, REQUIRED)?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut warnings = Vec::new();
    for (line, row) in &t.rows {
        let g = |c: &str| t.get(row, c);
        let Some(id) = g("_id") else {
            return Err(crate::ParseError::at_line(file, *line, None, "empty _id"));
        };
        let Some(raw_name) = g("name") else {
            return Err(crate::ParseError::at_line(
                file,
                *line,
                Some(format!("_id {id}")),
                "empty name",
            ));
        };
        let kind = match g("type").unwrap_or("") {
            "Individual" => Kind::Person,
            "Entity" => Kind::Organization,
            "Vessel" => Kind::Vessel,
            "Aircraft" => Kind::Aircraft,
            _ => Kind::Unknown,
        };
        let source = g("source").unwrap_or("").to_string();
        let code = source_code(&source);
        let idx = match by_id.get(id) {
            Some(&i) => i,
            None => {
                let (full, parts) = crate::last_first(raw_name, kind);
                let mut e = Entity::new(format!("csl:{id}"), kind, clean(&full));
                e.names[0].parts = parts;
                by_id.insert(id.to_string(), entities.len());
                entities.push(e);
                entities.len() - 1
            }
        };
        let e = &mut entities[idx];
        let mut codes: Vec<String> = e
            .extra
            .get("csl_sources")
            .map(|s| s.split("; ").map(String::from).collect())
            .unwrap_or_default();
        push_unique(&mut codes, code.clone());
        e.extra.insert("csl_sources".into(), codes.join("; "));
        push_unique(&mut e.references, source.clone());
        for (col, key) in [
            ("license_requirement", "license_requirement"),
            ("license_policy", "license_policy"),
            ("standard_order", "standard_order"),
            ("end_date", "end_date"),
        ] {
            if let Some(v) = g(col) {
                e.extra.insert(format!("{key}.{code}"), clean(v));
            }
        }
        if let Some(v) = g("federal_register_notice") {
            push_unique(&mut e.references, clean(v));
        }
        if let Some(v) = g("entity_number") {
            e.extra.insert("entity_number".into(), v.to_string());
        }
        for (col, key) in [
            ("title", "title"),
            ("call_sign", "call_sign"),
            ("vessel_type", "vessel_type"),
            ("gross_tonnage", "tonnage"),
            ("gross_registered_tonnage", "gross_registered_tonnage"),
            ("vessel_flag", "vessel_flag"),
            ("vessel_owner", "vessel_owner"),
        ] {
            if let Some(v) = g(col) {
                e.extra.insert(key.into(), clean(v));
            }
        }
        for p in multi(g("programs")) {
            push_unique(&mut e.programs, p.to_string());
        }
        if let Some(d) = g("start_date") {
            if e.listed_on.as_ref().is_none_or(|cur| d < cur.as_str()) {
                e.listed_on = Some(d.to_string());
            }
        }
        for a in multi(g("alt_names")) {
            let (full, parts) = crate::last_first(a, kind);
            let mut n = Name::new(clean(&full), NameQuality::Unknown);
            n.parts = parts;
            e.add_alias(n);
        }
        for a in multi(g("addresses")) {
            let parts: Vec<&str> = a.split(", ").collect();
            let mut addr = Address::default();
            let (last, rest) = parts
                .split_last()
                .map(|(l, r)| (*l, r))
                .unwrap_or(("", &[]));
            if last.len() == 2 && country::is_iso2(last) {
                addr.country = Some(last.to_string());
                addr.street = (!rest.is_empty()).then(|| rest.join(", "));
            } else {
                addr.street = Some(a.to_string());
            }
            if !addr.is_empty() && !e.addresses.contains(&addr) {
                e.addresses.push(addr);
            }
        }
        for c in multi(g("citizenships")) {
            e.add_citizenship(c);
        }
        for c in multi(g("nationalities")) {
            e.add_nationality(c);
        }
        for p in multi(g("places_of_birth")) {
            push_unique(&mut e.birth_places, clean(p));
        }
        for d in multi(g("dates_of_birth")) {
            match PartialDate::parse_iso(d)
                .map(DateSpec::single)
                .or_else(|_| DateSpec::parse_ofac(d))
            {
                Ok(spec) if !e.birth_dates.contains(&spec) => e.birth_dates.push(spec),
                Ok(_) => {}
                Err(m) => warnings.push(format!(
                    "{file}:{line}: _id {id}: dates_of_birth {d:?} kept as a remark: {m}"
                )),
            }
        }
        for i in multi(g("ids")) {
            let parts: Vec<&str> = i.split(", ").collect();
            let Some((label, rest)) = parts.split_last() else {
                continue;
            };
            let label = label.trim();
            if label == "Gender" {
                e.gender = rest.first().and_then(|g| normalise_gender(g));
                continue;
            }
            let (cc, rest) = match rest.first() {
                Some(c) if rest.len() >= 2 && c.len() == 2 && country::is_iso2(c) => {
                    (Some(c.to_string()), &rest[1..])
                }
                _ => (None, rest),
            };
            let Some(value) = rest.last() else { continue };
            let kind = id_type(label);
            if kind == "other"
                && (label.ends_with(':') || label.ends_with('-') || label.contains("Date"))
            {
                push_unique(&mut e.remarks, format!("{label} {}", rest.join(", ")));
                continue;
            }
            let note = (rest.len() > 1).then(|| rest[..rest.len() - 1].join(", "));
            e.add_identifier(Identifier {
                kind: kind.into(),
                label: Some(label.into()),
                value: value.trim().into(),
                country: cc,
                note,
            });
        }
        if let Some(r) = g("remarks") {
            crate::ofac_common::links_from_remarks(e, r);
            push_unique(&mut e.remarks, clean(r));
        }
        if e.source_url.is_none() {
            e.source_url = g("source_list_url")
                .or(g("source_information_url"))
                .map(str::to_string);
        }
    }
    Ok(ParsedList {
        source: "csl".into(),
        format: Format::Csl,
        list_date: None,
        entities,
        records: t.rows.len(),
        warnings,
    })
}
