//! FollowTheMoney JSON lines, the format of OpenSanctions and its tools: import and export.
//!
//! Import keeps the "thing" schemata (Person, Organization, Company, LegalEntity, PublicBody,
//! Vessel, Airplane) as entities, folds `Sanction` records into their entity's programmes and
//! listing date, and `Ownership` records into `owned_by` links. Export writes each entity as one
//! FtM object whose id is the Chokepoint id with `:` replaced by `-`.

use crate::error::{ParseError, Result};
use crate::tabular::utf8;
use crate::{clean, Format, ParsedList};
use chokepoint_model::{
    country, normalise_gender, push_unique, Address, DateSpec, Entity, Identifier, Kind, Link,
    Name, NameQuality, PartialDate,
};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

fn strings(props: &Map<String, Value>, key: &str) -> Vec<String> {
    match props.get(key) {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => vec![],
    }
}

const ID_PROPS: &[(&str, &str)] = &[
    ("passportNumber", "passport"),
    ("idNumber", "national_id"),
    ("taxNumber", "tax_id"),
    ("innCode", "tax_id"),
    ("vatCode", "tax_id"),
    ("registrationNumber", "registration"),
    ("ogrnCode", "registration"),
    ("imoNumber", "imo"),
    ("mmsi", "mmsi"),
    ("leiCode", "lei"),
    ("swiftBic", "bic"),
    ("email", "email"),
    ("website", "website"),
    ("phone", "phone"),
];

/// Parses FtM JSON lines.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let text = utf8(file, bytes)?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut sanctions: Vec<(u64, Map<String, Value>)> = Vec::new();
    let mut ownerships: Vec<Map<String, Value>> = Vec::new();
    let mut records = 0usize;
    for (i, line) in text.lines().enumerate() {
        let ln = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        records += 1;
        let v: Value = serde_json::from_str(line)
            .map_err(|e| ParseError::at_line(file, ln, None, format!("invalid JSON: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| ParseError::at_line(file, ln, None, "a line is not a JSON object"))?;
        let id = obj
            .get("id")
            .and_then(|x| x.as_str())
            .ok_or_else(|| ParseError::at_line(file, ln, None, "missing \"id\""))?;
        let schema = obj
            .get("schema")
            .and_then(|x| x.as_str())
            .ok_or_else(|| ParseError::at_line(file, ln, Some(id.into()), "missing \"schema\""))?;
        let props = obj
            .get("properties")
            .and_then(|p| p.as_object())
            .cloned()
            .unwrap_or_default();
        let kind = match schema {
            "Person" => Kind::Person,
            "Organization" | "Company" | "PublicBody" => Kind::Organization,
            "LegalEntity" => Kind::Unknown,
            "Vessel" => Kind::Vessel,
            "Airplane" => Kind::Aircraft,
            "Sanction" => {
                sanctions.push((ln, props));
                continue;
            }
            "Ownership" => {
                ownerships.push(props);
                continue;
            }
            _ => continue,
        };
        let names = strings(&props, "name");
        let Some(primary) = names.first() else {
            return Err(ParseError::at_line(
                file,
                ln,
                Some(id.into()),
                "entity has no \"name\" property",
            ));
        };
        let mut e = Entity::new(format!("ftm:{id}"), kind, clean(primary));
        for n in names.iter().skip(1) {
            e.add_alias(Name::new(clean(n), NameQuality::Strong));
        }
        for (prop, q) in [
            ("alias", NameQuality::Strong),
            ("previousName", NameQuality::Strong),
            ("weakAlias", NameQuality::Weak),
        ] {
            for n in strings(&props, prop) {
                let mut name = Name::new(clean(&n), q);
                if prop == "previousName" {
                    name.alias_type = Some("fka".into());
                }
                e.add_alias(name);
            }
        }
        e.names[0].parts.first = strings(&props, "firstName").first().cloned();
        e.names[0].parts.middle = strings(&props, "middleName").first().cloned();
        e.names[0].parts.last = strings(&props, "lastName").first().cloned();
        e.gender = strings(&props, "gender")
            .first()
            .and_then(|g| normalise_gender(g));
        for d in strings(&props, "birthDate")
            .into_iter()
            .chain(strings(&props, "incorporationDate"))
        {
            if let Ok(p) = PartialDate::parse_iso(&d) {
                let s = DateSpec::single(p);
                if !e.birth_dates.contains(&s) {
                    e.birth_dates.push(s);
                }
            }
        }
        for p in strings(&props, "birthPlace") {
            push_unique(&mut e.birth_places, p);
        }
        for c in strings(&props, "nationality") {
            e.add_nationality(&c);
        }
        for c in strings(&props, "citizenship") {
            e.add_citizenship(&c);
        }
        for a in strings(&props, "address") {
            e.addresses.push(Address {
                street: Some(clean(&a)),
                ..Default::default()
            });
        }
        for c in strings(&props, "country")
            .into_iter()
            .chain(strings(&props, "jurisdiction"))
        {
            if let Some(cc) = country::to_iso2(&c) {
                let a = Address {
                    country: Some(cc.to_string()),
                    ..Default::default()
                };
                if !e.addresses.iter().any(|x| x.country.as_deref() == Some(cc)) {
                    e.addresses.push(a);
                }
            }
        }
        for (prop, kind) in ID_PROPS {
            for v in strings(&props, prop) {
                e.add_identifier(Identifier {
                    kind: (*kind).into(),
                    label: Some((*prop).into()),
                    value: v,
                    country: None,
                    note: None,
                });
            }
        }
        for p in strings(&props, "program")
            .into_iter()
            .chain(strings(&props, "programId"))
        {
            push_unique(&mut e.programs, p);
        }
        for n in strings(&props, "notes") {
            e.remarks.push(n);
        }
        e.source_url = strings(&props, "sourceUrl").first().cloned();
        if let Some(d) = obj.get("first_seen").and_then(|x| x.as_str()) {
            e.extra.insert("first_seen".into(), d.to_string());
        }
        if let Some(ds) = obj.get("datasets").and_then(|x| x.as_array()) {
            let names: Vec<&str> = ds.iter().filter_map(|d| d.as_str()).collect();
            if !names.is_empty() {
                e.extra.insert("datasets".into(), names.join("; "));
            }
        }
        index.insert(id.to_string(), entities.len());
        entities.push(e);
    }
    for (_, props) in sanctions {
        for ent in strings(&props, "entity") {
            if let Some(&i) = index.get(&ent) {
                let e = &mut entities[i];
                for p in strings(&props, "program")
                    .into_iter()
                    .chain(strings(&props, "programId"))
                {
                    push_unique(&mut e.programs, p);
                }
                if let Some(d) = strings(&props, "listingDate")
                    .into_iter()
                    .chain(strings(&props, "startDate"))
                    .next()
                {
                    let d = d.split('T').next().unwrap_or(&d).to_string();
                    if e.listed_on.as_ref().is_none_or(|cur| &d < cur) {
                        e.listed_on = Some(d);
                    }
                }
            }
        }
    }
    for props in ownerships {
        for owned in strings(&props, "asset") {
            if let Some(&i) = index.get(&owned) {
                for owner in strings(&props, "owner") {
                    entities[i].links.push(Link {
                        relation: "owned_by".into(),
                        entity_id: Some(format!("ftm:{owner}")),
                        name: None,
                    });
                }
            }
        }
    }
    if entities.is_empty() {
        return Err(ParseError::file(file, "no FtM entities of a party schema (Person, Organization, Company, LegalEntity, Vessel, Airplane)"));
    }
    Ok(ParsedList {
        source: "ftm".into(),
        format: Format::Ftm,
        list_date: None,
        entities,
        records,
        warnings: vec![],
    })
}

/// The FtM id for a Chokepoint id (`un:6907993` → `un-6907993`); FtM ids allow `[A-Za-z0-9.-]`.
pub fn ftm_id(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Writes one entity as an FtM object.
pub fn export(e: &Entity) -> Value {
    let schema = match e.kind {
        Kind::Person => "Person",
        Kind::Organization => "Organization",
        Kind::Vessel => "Vessel",
        Kind::Aircraft => "Airplane",
        Kind::Unknown => "LegalEntity",
    };
    let mut p: Map<String, Value> = Map::new();
    let mut add = |k: &str, v: String| {
        if v.is_empty() {
            return;
        }
        let arr = p
            .entry(k.to_string())
            .or_insert_with(|| Value::Array(vec![]));
        if let Value::Array(a) = arr {
            if !a.iter().any(|x| x.as_str() == Some(&v)) {
                a.push(Value::String(v));
            }
        }
    };
    add("name", e.name.clone());
    for n in e.names.iter().skip(1) {
        match (n.quality, n.alias_type.as_deref()) {
            (_, Some("fka")) => add("previousName", n.full.clone()),
            (NameQuality::Weak | NameQuality::Low, _) => add("weakAlias", n.full.clone()),
            _ => add("alias", n.full.clone()),
        }
    }
    if let Some(primary) = e.names.first() {
        for (k, v) in [
            ("firstName", &primary.parts.first),
            ("middleName", &primary.parts.middle),
            ("lastName", &primary.parts.last),
        ] {
            if let Some(v) = v {
                if e.kind == Kind::Person {
                    add(k, v.clone());
                }
            }
        }
    }
    if let Some(g) = &e.gender {
        add("gender", g.clone());
    }
    let date_prop = if e.kind == Kind::Person {
        "birthDate"
    } else {
        "incorporationDate"
    };
    for d in &e.birth_dates {
        add(date_prop, d.date.to_string());
        if let Some(t) = &d.to {
            add(date_prop, t.to_string());
        }
    }
    if e.kind == Kind::Person {
        for b in &e.birth_places {
            add("birthPlace", b.clone());
        }
        for c in &e.nationalities {
            add("nationality", c.to_ascii_lowercase());
        }
        for c in &e.citizenships {
            add("citizenship", c.to_ascii_lowercase());
        }
    }
    for a in &e.addresses {
        let parts: Vec<&str> = [&a.street, &a.postal_code, &a.city, &a.region]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let country_name = a
            .country
            .as_deref()
            .and_then(country::name)
            .or(a.country_text.as_deref());
        let mut full = parts.join(", ");
        if let Some(cn) = country_name {
            full = if full.is_empty() {
                cn.to_string()
            } else {
                format!("{full}, {cn}")
            };
        }
        if !parts.is_empty() {
            add("address", full);
        }
        if let Some(c) = &a.country {
            add("country", c.to_ascii_lowercase());
        }
    }
    for id in &e.identifiers {
        let prop = ID_PROPS
            .iter()
            .find(|(_, k)| *k == id.kind)
            .map(|(p, _)| *p)
            .unwrap_or("idNumber");
        add(prop, id.value.clone());
    }
    for pr in &e.programs {
        add("program", pr.clone());
    }
    for r in &e.remarks {
        add("notes", r.clone());
    }
    if let Some(u) = &e.source_url {
        add("sourceUrl", u.clone());
    }
    add("topics", "sanction".into());
    json!({
        "id": ftm_id(&e.id),
        "schema": schema,
        "properties": p,
        "datasets": [e.id_prefix()],
    })
}
