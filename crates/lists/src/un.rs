//! UN Security Council consolidated list XML (`sc-sanctions.xsd`).

use crate::error::{ParseError, Result};
use crate::xml::{Node, XmlReader};
use crate::{clean, Format, ParsedList};
use chokepoint_model::{
    country, id_type, normalise_gender, push_unique, Address, DateSpec, Entity, Identifier, Kind,
    Name, NameQuality, PartialDate,
};

/// Parses a UN consolidated list XML file.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let mut r = XmlReader::new(file, bytes)?;
    let mut entities = Vec::new();
    let mut err = None;
    let root = r.for_each(&["INDIVIDUAL", "ENTITY"], |n| {
        match entry(&n) {
            Ok(e) => entities.push(e),
            Err(m) if err.is_none() => {
                err = Some(ParseError::at_byte(
                    file,
                    bytes,
                    n.offset,
                    Some(format!(
                        "{} DATAID={}",
                        n.name,
                        n.text_of("DATAID").unwrap_or("?")
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
        .attr("dateGenerated")
        .map(|d| d.split('T').next().unwrap_or(d).to_string());
    let records = entities.len();
    Ok(ParsedList {
        source: "un".into(),
        format: Format::UnXml,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}

fn values<'a>(n: &'a Node, tag: &'a str) -> Vec<&'a str> {
    n.children(tag)
        .flat_map(|c| c.children("VALUE"))
        .filter_map(|v| v.value())
        .collect()
}

fn entry(n: &Node) -> std::result::Result<Entity, String> {
    let id = n.text_of("DATAID").ok_or("missing DATAID")?;
    let person = n.name == "INDIVIDUAL";
    let name: Vec<&str> = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
        .iter()
        .filter_map(|t| n.text_of(t))
        .collect();
    if name.is_empty() {
        return Err("entry has no name".into());
    }
    let mut e = Entity::new(
        format!("un:{id}"),
        if person {
            Kind::Person
        } else {
            Kind::Organization
        },
        clean(&name.join(" ")),
    );
    if let Some(orig) = n.text_of("NAME_ORIGINAL_SCRIPT") {
        e.add_alias(Name::new(clean(orig), NameQuality::Strong));
    }
    let alias_tag = if person {
        "INDIVIDUAL_ALIAS"
    } else {
        "ENTITY_ALIAS"
    };
    for a in n.children(alias_tag) {
        let Some(an) = a.text_of("ALIAS_NAME") else {
            continue;
        };
        let q = match a.text_of("QUALITY") {
            Some("Good") => NameQuality::Strong,
            Some("Low") => NameQuality::Low,
            _ => NameQuality::Unknown,
        };
        e.add_alias(Name::new(clean(an), q));
    }
    if let Some(r) = n.text_of("REFERENCE_NUMBER") {
        e.references.push(r.to_string());
    }
    if let Some(l) = n.text_of("UN_LIST_TYPE") {
        e.programs.push(l.to_string());
    }
    e.listed_on = n
        .text_of("LISTED_ON")
        .map(|d| d.split('T').next().unwrap_or(d).to_string());
    e.gender = n.text_of("GENDER").and_then(normalise_gender);
    for c in values(n, "NATIONALITY") {
        e.add_nationality(c);
    }
    for d in values(n, "DESIGNATION") {
        e.extra.insert("position".into(), clean(d));
    }
    for t in values(n, "TITLE") {
        e.extra.insert("title".into(), clean(t));
    }
    if let Some(c) = n.text_of("COMMENTS1") {
        e.remarks.push(clean(c));
    }
    let addr_tag = if person {
        "INDIVIDUAL_ADDRESS"
    } else {
        "ENTITY_ADDRESS"
    };
    for a in n.children(addr_tag) {
        let mut addr = Address {
            street: a.text_of("STREET").map(clean),
            city: a.text_of("CITY").map(clean),
            region: a.text_of("STATE_PROVINCE").map(clean),
            postal_code: a.text_of("ZIP_CODE").map(clean),
            ..Default::default()
        };
        addr.set_country(a.text_of("COUNTRY").unwrap_or(""));
        if !addr.is_empty() {
            e.addresses.push(addr);
        }
    }
    for d in n.children("INDIVIDUAL_DATE_OF_BIRTH") {
        let circa = d.text_of("TYPE_OF_DATE") == Some("APPROXIMATELY");
        let spec = if let Some(full) = d.text_of("DATE") {
            Some(DateSpec {
                date: PartialDate::parse_iso(full).map_err(|m| format!("DATE_OF_BIRTH: {m}"))?,
                to: None,
                circa,
            })
        } else if let Some(y) = d.text_of("YEAR") {
            Some(DateSpec {
                date: PartialDate::parse_iso(y).map_err(|m| format!("DATE_OF_BIRTH: {m}"))?,
                to: None,
                circa,
            })
        } else if let (Some(f), Some(t)) = (d.text_of("FROM_YEAR"), d.text_of("TO_YEAR")) {
            Some(DateSpec {
                date: PartialDate::parse_iso(f)?,
                to: Some(PartialDate::parse_iso(t)?),
                circa,
            })
        } else {
            None
        };
        if let Some(s) = spec {
            if !e.birth_dates.contains(&s) {
                e.birth_dates.push(s);
            }
        }
    }
    for p in n.children("INDIVIDUAL_PLACE_OF_BIRTH") {
        let parts: Vec<String> = ["CITY", "STATE_PROVINCE", "COUNTRY"]
            .iter()
            .filter_map(|t| p.text_of(t))
            .map(clean)
            .collect();
        if !parts.is_empty() {
            push_unique(&mut e.birth_places, parts.join(", "));
        }
    }
    for d in n.children("INDIVIDUAL_DOCUMENT") {
        let Some(num) = d.text_of("NUMBER") else {
            continue;
        };
        let label = d.text_of("TYPE_OF_DOCUMENT").unwrap_or("Document");
        let c = d
            .text_of("ISSUING_COUNTRY")
            .or(d.text_of("COUNTRY_OF_ISSUE"))
            .and_then(country::to_iso2)
            .map(str::to_string);
        let note: Vec<&str> = [
            d.text_of("TYPE_OF_DOCUMENT2"),
            d.text_of("DATE_OF_ISSUE"),
            d.text_of("NOTE"),
        ]
        .into_iter()
        .flatten()
        .collect();
        e.add_identifier(Identifier {
            kind: id_type(label).into(),
            label: Some(label.to_string()),
            value: clean(num),
            country: c,
            note: (!note.is_empty()).then(|| clean(&note.join("; "))),
        });
    }
    e.source_url =
        Some("https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list".into());
    Ok(e)
}
