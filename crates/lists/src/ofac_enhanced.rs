//! OFAC enhanced XML (`SDN_ENHANCED.XML`, `CONS_ENHANCED.XML`, often shipped zipped).

use crate::error::{ParseError, Result};
use crate::ofac_common::{apply_id, assemble_parts, period_to_spec};
use crate::xml::{Node, XmlReader};
use crate::{clean, Format, ParsedList};
use chokepoint_model::{push_unique, Address, Entity, Kind, Link, Name, NameQuality};

fn iso_ymd(s: &str) -> Option<(i32, u8, u8)> {
    let d = s.split('T').next()?;
    let p: Vec<&str> = d.split('-').collect();
    Some((
        p.first()?.parse().ok()?,
        p.get(1)?.parse().ok()?,
        p.get(2)?.parse().ok()?,
    ))
}

/// Parses an OFAC enhanced XML file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let mut r = XmlReader::new(file, bytes)?;
    let mut entities = Vec::new();
    let mut list_date = None;
    let mut source = crate::ofac_source_from_name(file).to_string();
    let mut err: Option<ParseError> = None;
    r.for_each(&["entity", "publicationInfo"], |n| {
        if n.name == "publicationInfo" {
            list_date = n
                .text_of("dataAsOf")
                .map(|d| d.split('T').next().unwrap_or(d).to_string());
            let lists: Vec<&str> = n
                .all(&["filters", "sanctionsLists", "sanctionsList"])
                .iter()
                .filter_map(|l| l.value())
                .collect();
            if lists.contains(&"SDN List") {
                source = "ofac-sdn".into();
            } else if lists.iter().any(|l| l.contains("Consolidated")) {
                source = "ofac-cons".into();
            }
            return Ok(());
        }
        match entity(&n) {
            Ok(e) => entities.push(e),
            Err(msg) if err.is_none() => {
                err = Some(ParseError::at_byte(
                    file,
                    bytes,
                    n.offset,
                    Some(format!("entity id={}", n.attr("id").unwrap_or("?"))),
                    msg,
                ))
            }
            Err(_) => {}
        }
        Ok(())
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    let records = entities.len();
    Ok(ParsedList {
        source,
        format: Format::OfacEnhanced,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}

fn entity(n: &Node) -> std::result::Result<Entity, String> {
    let id = n.attr("id").ok_or("missing id attribute")?;
    let kind = match n
        .path(&["generalInfo", "entityType"])
        .and_then(|t| t.value())
        .unwrap_or("")
    {
        "Individual" => Kind::Person,
        "Entity" => Kind::Organization,
        "Vessel" => Kind::Vessel,
        "Aircraft" => Kind::Aircraft,
        _ => Kind::Unknown,
    };
    let mut names = Vec::new();
    for name in n.all(&["names", "name"]) {
        let primary = name.text_of("isPrimary") == Some("true");
        let low = name.text_of("isLowQuality") == Some("true");
        let alias_type = name
            .text_of("aliasType")
            .map(|t| t.to_ascii_lowercase().replace('.', ""));
        for tr in name.all(&["translations", "translation"]) {
            let parts: Vec<(String, String)> = tr
                .all(&["nameParts", "namePart"])
                .iter()
                .filter_map(|p| {
                    Some((
                        p.text_of("type")?.to_string(),
                        p.text_of("value")?.to_string(),
                    ))
                })
                .collect();
            let (mut full, np) = assemble_parts(&parts);
            if full.is_empty() {
                full = tr.text_of("formattedFullName").unwrap_or("").to_string();
            }
            if full.trim().is_empty() {
                continue;
            }
            let tr_primary = tr.text_of("isPrimary") == Some("true");
            let quality = if primary && tr_primary {
                NameQuality::Primary
            } else if low {
                NameQuality::Low
            } else {
                NameQuality::Strong
            };
            let mut nm = Name::new(clean(&full), quality);
            nm.parts = np;
            if quality != NameQuality::Primary {
                nm.alias_type = alias_type.clone();
            }
            if let Some(s) = tr.text_of("script") {
                nm.script = Some(s.to_string());
            }
            names.push(nm);
        }
    }
    names.sort_by_key(|x| x.quality != NameQuality::Primary);
    let first = names.first().ok_or("entity has no name")?;
    let mut e = Entity::new(format!("ofac:{id}"), kind, first.full.clone());
    e.names.clear();
    for nm in names {
        e.add_alias(nm);
    }
    for l in n.all(&["sanctionsLists", "sanctionsList"]) {
        if let Some(v) = l.value() {
            push_unique(&mut e.references, v.to_string());
        }
        if let Some(d) = l.attr("datePublished") {
            if e.listed_on.as_ref().is_none_or(|cur| d < cur.as_str()) {
                e.listed_on = Some(d.to_string());
            }
        }
    }
    for p in n.all(&["sanctionsPrograms", "sanctionsProgram"]) {
        if let Some(v) = p.value() {
            push_unique(&mut e.programs, v.to_string());
        }
    }
    for a in n.all(&["addresses", "address"]) {
        let mut addr = Address::default();
        if let Some(c) = a.text_of("country") {
            addr.set_country(c);
        }
        if let Some(tr) = a.all(&["translations", "translation"]).into_iter().next() {
            let mut street = Vec::new();
            for p in tr.all(&["addressParts", "addressPart"]) {
                let Some(v) = p.text_of("value") else {
                    continue;
                };
                match p.text_of("type").unwrap_or("") {
                    "CITY" => addr.city = Some(clean(v)),
                    "STATE/PROVINCE" | "REGION" => addr.region = Some(clean(v)),
                    "POSTAL CODE" => addr.postal_code = Some(clean(v)),
                    _ => street.push(clean(v)),
                }
            }
            if !street.is_empty() {
                addr.street = Some(street.join(", "));
            }
        }
        if !addr.is_empty() {
            e.addresses.push(addr);
        }
    }
    for f in n.all(&["features", "feature"]) {
        let label = f.text_of("type").unwrap_or("");
        if let Some(vd) = f.child("valueDate") {
            let from = vd.text_of("fromDateBegin").and_then(iso_ymd);
            let to = vd.text_of("toDateEnd").and_then(iso_ymd).or(from);
            let circa = vd.text_of("isApproximate") == Some("true");
            if let (Some(a), Some(b)) = (from, to) {
                if let Some(spec) = period_to_spec(a, b, circa) {
                    if label == "Birthdate" {
                        if !e.birth_dates.contains(&spec) {
                            e.birth_dates.push(spec);
                        }
                        continue;
                    }
                }
            }
        }
        let Some(v) = f.text_of("value") else {
            continue;
        };
        if label == "Place of Birth" {
            push_unique(&mut e.birth_places, clean(v));
        } else {
            apply_id(&mut e, label, v, None, None);
        }
    }
    for d in n.all(&["identityDocuments", "identityDocument"]) {
        let label = d.text_of("type").unwrap_or("Identification");
        let note = (d.text_of("isValid") == Some("false")).then(|| "not valid".to_string());
        apply_id(
            &mut e,
            label,
            d.text_of("documentNumber").unwrap_or(""),
            d.text_of("issuingCountry"),
            note,
        );
    }
    for rel in n.all(&["relationships", "relationship"]) {
        let t = rel.text_of("type").unwrap_or("related to");
        let relation = crate::ofac_common::relation(t);
        let other = rel.child("relatedEntity");
        e.links.push(Link {
            relation,
            entity_id: other
                .and_then(|o| o.attr("entityId"))
                .map(|i| format!("ofac:{i}")),
            name: other.and_then(|o| o.value()).map(str::to_string),
        });
    }
    if let Some(rm) = n.text_of("remarks") {
        e.remarks.push(clean(rm));
    }
    e.source_url = Some("https://sanctionslist.ofac.treas.gov/".into());
    Ok(e)
}
