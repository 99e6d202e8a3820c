//! EU Financial Sanctions Files, XML 1.1 (namespace `http://eu.europa.ec/fpi/fsd/export`).

use crate::error::{ParseError, Result};
use crate::xml::{Node, XmlReader};
use crate::{clean, opt, Format, ParsedList};
use chokepoint_model::{
    country, id_type, normalise_gender, push_unique, Address, DateSpec, Entity, Identifier, Kind,
    Name, NameParts, NameQuality, PartialDate,
};

/// Parses an EU FSF XML file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let mut r = XmlReader::new(file, bytes)?;
    let mut entities: Vec<chokepoint_model::Entity> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut records = 0usize;
    let mut err = None;
    let root = r.for_each(&["sanctionEntity"], |n| {
        records += 1;
        match entity(&n) {
            // The file repeats a party under each regime that lists it, with the same logicalId.
            Ok(e) => match index.get(&e.id) {
                Some(&i) => entities[i].merge(e),
                None => {
                    index.insert(e.id.clone(), entities.len());
                    entities.push(e);
                }
            },
            Err(m) if err.is_none() => {
                err = Some(ParseError::at_byte(
                    file,
                    bytes,
                    n.offset,
                    Some(format!(
                        "sanctionEntity logicalId={}",
                        n.attr("logicalId").unwrap_or("?")
                    )),
                    m,
                ))
            }
            Err(_) => {}
        }
        Ok(())
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    let list_date = root
        .attr("generationDate")
        .map(|d| d.split('T').next().unwrap_or(d).to_string());
    Ok(ParsedList {
        source: "eu".into(),
        format: Format::EuXml,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}

fn iso(c: Option<&str>) -> Option<String> {
    c.filter(|c| *c != "00")
        .and_then(country::to_iso2)
        .map(str::to_string)
}

fn entity(n: &Node) -> std::result::Result<Entity, String> {
    let id = n.attr("logicalId").ok_or("missing logicalId")?;
    let kind = match n.child("subjectType").and_then(|s| s.attr("code")) {
        Some("person") => Kind::Person,
        Some("enterprise") => Kind::Organization,
        _ => Kind::Unknown,
    };
    let mut names = Vec::new();
    let mut gender = None;
    for a in n.children("nameAlias") {
        let Some(whole) = a.attr("wholeName") else {
            continue;
        };
        let mut nm = Name::new(
            clean(whole),
            if a.attr("strong") == Some("false") {
                NameQuality::Weak
            } else {
                NameQuality::Strong
            },
        );
        nm.lang = a.attr("nameLanguage").map(|l| l.to_ascii_lowercase());
        nm.parts = NameParts {
            first: a.attr("firstName").map(clean),
            middle: a.attr("middleName").map(clean),
            last: a.attr("lastName").map(clean),
        };
        if gender.is_none() {
            gender = a.attr("gender").and_then(normalise_gender);
        }
        names.push(nm);
    }
    // The FSF marks no primary name. The first alias in Latin script without a language tag is
    // the one the English regulation lists first; failing that, the first in Latin script.
    let latin = |x: &Name| x.script.as_deref().is_none_or(|s| s == "Latin");
    let pi = names
        .iter()
        .position(|x| x.lang.is_none() && latin(x))
        .or_else(|| names.iter().position(latin))
        .unwrap_or(0);
    if names.is_empty() {
        return Err("entity has no nameAlias with a wholeName".into());
    }
    let mut primary = names.remove(pi);
    primary.quality = NameQuality::Primary;
    let mut e = Entity::new(format!("eu:{id}"), kind, primary.full.clone());
    e.names = vec![primary];
    for nm in names {
        e.add_alias(nm);
    }
    e.gender = gender;
    for rf in [n.attr("euReferenceNumber"), n.attr("unitedNationId")]
        .into_iter()
        .flatten()
    {
        push_unique(&mut e.references, rf.to_string());
    }
    if let Some(d) = n.attr("designationDetails") {
        e.remarks.push(clean(d));
    }
    for reg in n.children("regulation") {
        if let Some(p) = reg.attr("programme") {
            push_unique(&mut e.programs, p.to_string());
        }
        if let Some(d) = reg.attr("publicationDate") {
            if e.listed_on.as_ref().is_none_or(|cur| d < cur.as_str()) {
                e.listed_on = Some(d.to_string());
            }
        }
        if e.source_url.is_none() {
            e.source_url = reg.text_of("publicationUrl").map(str::to_string);
        }
    }
    for c in n.children("citizenship") {
        if let Some(code) = iso(c.attr("countryIso2Code")) {
            push_unique(&mut e.citizenships, code.clone());
            push_unique(&mut e.nationalities, code);
        }
    }
    for b in n.children("birthdate") {
        let circa = b.attr("circa") == Some("true");
        let date = if let Some(full) = b.attr("birthdate") {
            PartialDate::parse_iso(full).ok()
        } else if let Some(y) = b.attr("year").and_then(|y| y.parse::<i32>().ok()) {
            let m = b.attr("monthOfYear").and_then(|m| m.parse::<u8>().ok());
            let d = b
                .attr("dayOfMonth")
                .and_then(|d| d.parse::<u8>().ok())
                .filter(|_| m.is_some());
            PartialDate::new(y, m, d).ok()
        } else {
            None
        };
        let to = b
            .attr("yearRangeTo")
            .and_then(|y| y.parse::<i32>().ok())
            .and_then(|y| PartialDate::new(y, None, None).ok());
        let from = b
            .attr("yearRangeFrom")
            .and_then(|y| y.parse::<i32>().ok())
            .and_then(|y| PartialDate::new(y, None, None).ok());
        let spec = match (date, from, to) {
            (Some(d), _, _) => Some(DateSpec {
                date: d,
                to: None,
                circa,
            }),
            (None, Some(f), t) => Some(DateSpec {
                date: f,
                to: t,
                circa,
            }),
            _ => None,
        };
        if let Some(s) = spec {
            if !e.birth_dates.contains(&s) {
                e.birth_dates.push(s);
            }
        }
        let place: Vec<String> = [
            b.attr("city"),
            b.attr("place"),
            b.attr("region"),
            b.attr("countryDescription").filter(|c| *c != "UNKNOWN"),
        ]
        .into_iter()
        .flatten()
        .map(clean)
        .collect();
        if !place.is_empty() {
            push_unique(&mut e.birth_places, place.join(", "));
        }
    }
    for a in n.children("address") {
        let street: Vec<&str> = [a.attr("street"), a.attr("place")]
            .into_iter()
            .flatten()
            .collect();
        let mut addr = Address {
            street: opt(&street.join(", ")),
            city: a.attr("city").map(clean),
            postal_code: a.attr("zipCode").map(clean),
            region: a.attr("region").map(clean),
            country: iso(a.attr("countryIso2Code")),
            country_text: None,
        };
        if let Some(pb) = a.attr("poBox") {
            addr.street = Some(match addr.street.take() {
                Some(s) => format!("{s}, P.O. Box {pb}"),
                None => format!("P.O. Box {pb}"),
            });
        }
        if !addr.is_empty() {
            e.addresses.push(addr);
        }
    }
    for i in n.children("identification") {
        let Some(num) = i.attr("number").or(i.attr("latinNumber")) else {
            continue;
        };
        let code = i.attr("identificationTypeCode").unwrap_or("other");
        let kind = match code {
            "passport" => "passport",
            "id" => "national_id",
            "fiscalcode" => "tax_id",
            "regnumber" => "registration",
            "imo" => "imo",
            "swiftbic" => "bic",
            _ => id_type(i.attr("identificationTypeDescription").unwrap_or("")),
        };
        let mut notes = Vec::new();
        for flag in [
            "diplomatic",
            "knownExpired",
            "knownFalse",
            "reportedLost",
            "revokedByIssuer",
        ] {
            if i.attr(flag) == Some("true") {
                notes.push(flag.to_string());
            }
        }
        e.add_identifier(Identifier {
            kind: kind.into(),
            label: i.attr("identificationTypeDescription").map(str::to_string),
            value: clean(num),
            country: iso(i.attr("countryIso2Code")),
            note: (!notes.is_empty()).then(|| notes.join(", ")),
        });
    }
    for rm in n.children("remark") {
        if let Some(v) = rm.value() {
            push_unique(&mut e.remarks, clean(v));
        }
    }
    Ok(e)
}
