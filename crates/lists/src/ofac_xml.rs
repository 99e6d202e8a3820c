//! OFAC legacy XML (`sdn.xml`, `consolidated.xml`; schema `ofac_sdn_xml.xsd`).

use crate::error::Result;
use crate::ofac_common::{apply_id, full_name, kind, links_from_remarks, us_date};
use crate::xml::{Node, XmlReader};
use crate::{clean, opt, Format, ParsedList};
use chokepoint_model::{Address, DateSpec, Entity, Name, NameParts, NameQuality};

/// Parses an OFAC legacy XML file. The entry count must equal the file's own `Record_Count`.
pub fn parse(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let mut r = XmlReader::new(file, bytes)?;
    let mut entities = Vec::new();
    let mut list_date = None;
    let mut declared: Option<(usize, u64)> = None;
    let mut err = None;
    r.for_each(&["sdnEntry", "publshInformation"], |n| {
        if n.name == "publshInformation" {
            list_date = n.text_of("Publish_Date").and_then(us_date);
            declared = n
                .text_of("Record_Count")
                .and_then(|c| c.parse().ok())
                .map(|c| (c, n.offset));
            return Ok(());
        }
        match entry(&n) {
            Ok(e) => entities.push(e),
            Err(msg) => {
                if err.is_none() {
                    err = Some((n.offset, n.text_of("uid").unwrap_or("?").to_string(), msg));
                }
            }
        }
        Ok(())
    })?;
    if let Some((off, uid, msg)) = err {
        return Err(crate::ParseError::at_byte(
            file,
            bytes,
            off,
            Some(format!("sdnEntry uid={uid}")),
            msg,
        ));
    }
    if let Some((count, off)) = declared {
        if count != entities.len() {
            return Err(crate::ParseError::at_byte(
                file,
                bytes,
                off,
                Some("publshInformation".into()),
                format!(
                    "the file declares Record_Count {count} but holds {} entries",
                    entities.len()
                ),
            ));
        }
    }
    let records = entities.len();
    Ok(ParsedList {
        source: crate::ofac_source_from_name(file).into(),
        format: Format::OfacXml,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}

fn entry(n: &Node) -> std::result::Result<Entity, String> {
    let uid = n.text_of("uid").ok_or("missing <uid>")?;
    let k = kind(n.text_of("sdnType").unwrap_or(""));
    let first = n.text_of("firstName");
    let last = n.text_of("lastName");
    let name = full_name(first, last);
    if name.is_empty() {
        return Err("entry has no name".into());
    }
    let mut e = Entity::new(format!("ofac:{uid}"), k, clean(&name));
    e.names[0].parts = NameParts {
        first: first.map(clean),
        middle: None,
        last: last.map(clean),
    };
    for aka in n.all(&["akaList", "aka"]) {
        let full = full_name(aka.text_of("firstName"), aka.text_of("lastName"));
        let quality = match aka.text_of("category") {
            Some("strong") => NameQuality::Strong,
            Some("weak") => NameQuality::Weak,
            _ => NameQuality::Unknown,
        };
        let mut nm = Name::new(clean(&full), quality);
        nm.alias_type = aka
            .text_of("type")
            .map(|t| t.trim_end_matches('.').replace('.', ""));
        nm.parts = NameParts {
            first: aka.text_of("firstName").map(clean),
            middle: None,
            last: aka.text_of("lastName").map(clean),
        };
        e.add_alias(nm);
    }
    for p in n.all(&["programList", "program"]) {
        if let Some(v) = p.value() {
            chokepoint_model::push_unique(&mut e.programs, v.to_string());
        }
    }
    if let Some(t) = n.text_of("title") {
        e.extra.insert("title".into(), t.to_string());
    }
    for a in n.all(&["addressList", "address"]) {
        let street: Vec<&str> = ["address1", "address2", "address3"]
            .iter()
            .filter_map(|k| a.text_of(k))
            .collect();
        let mut addr = Address {
            street: opt(&street.join(", ")),
            city: a.text_of("city").map(clean),
            postal_code: a.text_of("postalCode").map(clean),
            region: a.text_of("stateOrProvince").map(clean),
            ..Default::default()
        };
        addr.set_country(a.text_of("country").unwrap_or(""));
        if !addr.is_empty() {
            e.addresses.push(addr);
        }
    }
    for d in n.all(&["dateOfBirthList", "dateOfBirthItem"]) {
        if let Some(v) = d.text_of("dateOfBirth") {
            let spec = DateSpec::parse_ofac(v).map_err(|m| format!("dateOfBirth: {m}"))?;
            if !e.birth_dates.contains(&spec) {
                e.birth_dates.push(spec);
            }
        }
    }
    for p in n.all(&["placeOfBirthList", "placeOfBirthItem"]) {
        if let Some(v) = p.text_of("placeOfBirth") {
            chokepoint_model::push_unique(&mut e.birth_places, clean(v));
        }
    }
    for c in n.all(&["nationalityList", "nationality"]) {
        e.add_nationality(c.text_of("country").unwrap_or(""));
    }
    for c in n.all(&["citizenshipList", "citizenship"]) {
        e.add_citizenship(c.text_of("country").unwrap_or(""));
    }
    for id in n.all(&["idList", "id"]) {
        let mut note = Vec::new();
        if let Some(d) = id.text_of("issueDate") {
            note.push(format!("issued {d}"));
        }
        if let Some(d) = id.text_of("expirationDate") {
            note.push(format!("expires {d}"));
        }
        let note = (!note.is_empty()).then(|| note.join("; "));
        apply_id(
            &mut e,
            id.text_of("idType").unwrap_or(""),
            id.text_of("idNumber").unwrap_or(""),
            id.text_of("idCountry"),
            note,
        );
    }
    if let Some(v) = n.child("vesselInfo") {
        for (tag, key) in [
            ("callSign", "call_sign"),
            ("vesselType", "vessel_type"),
            ("vesselFlag", "vessel_flag"),
            ("vesselOwner", "vessel_owner"),
            ("tonnage", "tonnage"),
            ("grossRegisteredTonnage", "gross_registered_tonnage"),
        ] {
            if let Some(x) = v.text_of(tag) {
                e.extra.insert(key.into(), clean(x));
            }
        }
    }
    for r in n.children("remarks") {
        if let Some(v) = r.value() {
            links_from_remarks(&mut e, v);
            chokepoint_model::push_unique(&mut e.remarks, clean(v));
        }
    }
    e.source_url = Some("https://sanctionslist.ofac.treas.gov/".into());
    Ok(e)
}
