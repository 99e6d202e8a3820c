//! What the OFAC formats share: how an "ID" row of OFAC's feature table maps onto the entity.
//!
//! OFAC's `idList` (and the matching features of the advanced and enhanced formats) mixes true
//! identifiers (passports, IMO numbers, BICs …) with attributes (gender, vessel flag, directive
//! notes). Only the former become identifiers; the rest go where they belong.

use chokepoint_model::{
    country, id_type, normalise_gender, push_unique, DateSpec, Entity, Identifier, Link,
};

/// Labels that OFAC files under "ID" but that carry attributes or notes, not identifiers.
fn is_note(label: &str) -> bool {
    let l = label.to_ascii_lowercase();
    l.ends_with(':')
        || l.ends_with(" -")
        || l.contains("directive")
        || l.contains("executive order")
        || l.contains("sanctions")
        || l.contains("date")
        || l.contains("organization type")
        || l.contains("target type")
        || l.contains("aircraft model")
        || l.contains("aircraft operator")
        || l.contains("vessel flag")
        || l.contains("vessel year of build")
        || l.contains("caatsa")
        || l.contains("ifca")
        || l.contains("prohibited")
        || l.contains("peesa")
}

/// Applies one OFAC ID/feature row to an entity.
pub(crate) fn apply_id(
    e: &mut Entity,
    label: &str,
    value: &str,
    issuing: Option<&str>,
    note: Option<String>,
) {
    let label = label.trim();
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let l = label.to_ascii_lowercase();
    if l == "gender" {
        e.gender = normalise_gender(value);
        return;
    }
    if l.starts_with("nationality") && !l.contains("registration") {
        e.add_nationality(value);
        return;
    }
    if l.starts_with("citizenship") {
        e.add_citizenship(value);
        return;
    }
    if l == "organization established date" {
        if let Ok(d) = DateSpec::parse_ofac(value) {
            if !e.birth_dates.contains(&d) {
                e.birth_dates.push(d);
            }
        }
        e.extra
            .insert("incorporation_date".into(), value.to_string());
        return;
    }
    if l == "vessel flag" || l == "former vessel flag" {
        e.extra.insert(l.replace(' ', "_"), value.to_string());
        return;
    }
    if is_note(label) {
        push_unique(&mut e.remarks, format!("{label} {value}"));
        return;
    }
    let country = issuing.and_then(country::to_iso2).map(str::to_string);
    e.add_identifier(Identifier {
        kind: id_type(label).to_string(),
        label: Some(label.to_string()),
        value: value.to_string(),
        country,
        note,
    });
}

/// Extracts "Linked To: X" relations from OFAC remarks.
pub(crate) fn links_from_remarks(e: &mut Entity, remarks: &str) {
    for part in remarks.split([';', '(', ')']) {
        let p = part.trim();
        if let Some(name) = p.strip_prefix("Linked To:") {
            let name = name.trim().trim_end_matches('.').to_string();
            if !name.is_empty() && !e.links.iter().any(|l| l.name.as_deref() == Some(&name)) {
                e.links.push(Link {
                    relation: "linked_to".into(),
                    entity_id: None,
                    name: Some(name),
                });
            }
        }
    }
}

/// OFAC's relation type → link relation ("Owned or Controlled By" → `owned_by`).
pub(crate) fn relation(t: &str) -> String {
    match t {
        "Owned or Controlled By" => "owned_by".to_string(),
        other => other.to_ascii_lowercase().replace(' ', "_"),
    }
}

/// OFAC's entry type → kind.
pub(crate) fn kind(t: &str) -> chokepoint_model::Kind {
    use chokepoint_model::Kind;
    match t.trim().to_ascii_lowercase().as_str() {
        "individual" => Kind::Person,
        "entity" => Kind::Organization,
        "vessel" => Kind::Vessel,
        "aircraft" => Kind::Aircraft,
        _ => Kind::Unknown,
    }
}

/// OFAC's `MM/DD/YYYY` publication date → ISO.
pub(crate) fn us_date(s: &str) -> Option<String> {
    let p: Vec<&str> = s.trim().split('/').collect();
    if p.len() != 3 {
        return None;
    }
    let (m, d, y) = (
        p[0].parse::<u32>().ok()?,
        p[1].parse::<u32>().ok()?,
        p[2].parse::<u32>().ok()?,
    );
    chokepoint_model::PartialDate::new(y as i32, Some(m as u8), Some(d as u8))
        .ok()
        .map(|d| d.to_string())
}

/// Full name in natural order from OFAC's first/last name fields.
pub(crate) fn full_name(first: Option<&str>, last: Option<&str>) -> String {
    match (
        first.map(str::trim).filter(|s| !s.is_empty()),
        last.map(str::trim).filter(|s| !s.is_empty()),
    ) {
        (Some(f), Some(l)) => format!("{f} {l}"),
        (Some(f), None) => f.to_string(),
        (None, Some(l)) => l.to_string(),
        (None, None) => String::new(),
    }
}

/// A date interval as OFAC's advanced/enhanced formats give it → the partial date it denotes:
/// 1 Jan–31 Dec of one year is that year, the first to the last of a month is that month.
pub(crate) fn period_to_spec(
    from: (i32, u8, u8),
    to: (i32, u8, u8),
    circa: bool,
) -> Option<DateSpec> {
    use chokepoint_model::PartialDate;
    let last_day = |y: i32, m: u8| -> u8 {
        (28..=31u8)
            .rev()
            .find(|d| PartialDate::new(y, Some(m), Some(*d)).is_ok())
            .unwrap_or(28)
    };
    let one = |f: (i32, u8, u8), t: (i32, u8, u8)| -> Option<PartialDate> {
        if f == t {
            PartialDate::new(f.0, Some(f.1), Some(f.2)).ok()
        } else if f.0 == t.0 && (f.1, f.2) == (1, 1) && (t.1, t.2) == (12, 31) {
            PartialDate::new(f.0, None, None).ok()
        } else if f.0 == t.0 && f.1 == t.1 && f.2 == 1 && t.2 == last_day(t.0, t.1) {
            PartialDate::new(f.0, Some(f.1), None).ok()
        } else {
            None
        }
    };
    if let Some(d) = one(from, to) {
        return Some(DateSpec {
            date: d,
            to: None,
            circa,
        });
    }
    // A range: express each end as coarsely as it allows.
    let start = if (from.1, from.2) == (1, 1) {
        PartialDate::new(from.0, None, None)
    } else {
        PartialDate::new(from.0, Some(from.1), Some(from.2))
    };
    let end = if (to.1, to.2) == (12, 31) {
        PartialDate::new(to.0, None, None)
    } else {
        PartialDate::new(to.0, Some(to.1), Some(to.2))
    };
    Some(DateSpec {
        date: start.ok()?,
        to: Some(end.ok()?),
        circa,
    })
}

/// Builds a full name from typed parts in natural order (given names first, family name last).
pub(crate) fn assemble_parts(parts: &[(String, String)]) -> (String, chokepoint_model::NameParts) {
    let rank = |t: &str| -> u8 {
        match t.to_ascii_lowercase().as_str() {
            "first name" => 0,
            "middle name" => 1,
            "patronymic" => 2,
            "matronymic" => 3,
            "last name" => 4,
            "maiden name" => 5,
            _ => 6,
        }
    };
    let mut sorted: Vec<&(String, String)> = parts.iter().collect();
    sorted.sort_by_key(|(t, _)| rank(t));
    let full = sorted
        .iter()
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let get = |want: &[&str]| -> Option<String> {
        let v: Vec<&str> = parts
            .iter()
            .filter(|(t, _)| want.contains(&t.to_ascii_lowercase().as_str()))
            .map(|(_, v)| v.trim())
            .collect();
        (!v.is_empty()).then(|| v.join(" "))
    };
    let np = chokepoint_model::NameParts {
        first: get(&["first name"]),
        middle: get(&["middle name", "patronymic", "matronymic"]),
        last: get(&["last name"]),
    };
    (full, np)
}
