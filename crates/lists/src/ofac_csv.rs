//! OFAC legacy CSV set: a main file (`sdn.csv` / `cons_prim.csv`) joined by entity number with
//! its address, alias and comment files. `-0-` marks an empty cell. Files have no header, so the
//! role of each file is recognised by its shape (12, 6, 5 or 2 columns, the first numeric).

use crate::error::{ParseError, Result};
use crate::ofac_common::{apply_id, kind, links_from_remarks};
use crate::{clean, Format, OfacCsvPart, Opened, ParsedList};
use chokepoint_model::{push_unique, Address, DateSpec, Entity, Name, NameQuality};
use std::collections::HashMap;

fn cell(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || t == "-0-" {
        None
    } else {
        Some(clean(t))
    }
}

/// Which part of the set a file is, from its first row.
pub fn part_of(text: &str) -> Option<OfacCsvPart> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rec = rdr.records().next()?.ok()?;
    if !rec.get(0)?.trim().chars().all(|c| c.is_ascii_digit()) || rec.get(0)?.trim().is_empty() {
        return None;
    }
    match rec.len() {
        12 => Some(OfacCsvPart::Main),
        6 => Some(OfacCsvPart::Addresses),
        5 => Some(OfacCsvPart::Aliases),
        2 => Some(OfacCsvPart::Comments),
        _ => None,
    }
}

struct Rows {
    rows: Vec<(u64, Vec<String>)>,
}

fn read_rows(o: &Opened, width: usize) -> Result<Rows> {
    let text = std::str::from_utf8(&o.bytes).map_err(|e| {
        ParseError::at_byte(
            &o.name,
            &o.bytes,
            e.valid_up_to() as u64,
            None,
            "invalid UTF-8 (OFAC CSV files are UTF-8)",
        )
    })?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            ParseError::at_line(&o.name, line, None, format!("malformed CSV: {e}"))
        })?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        // OFAC ends its files with a DOS end-of-file byte (0x1A) on a line of its own.
        if rec.len() == 1
            && rec.get(0).is_some_and(|f| {
                f.trim_matches(|c: char| c == '\u{1a}' || c.is_whitespace())
                    .is_empty()
            })
        {
            continue;
        }
        if rec.len() != width {
            return Err(ParseError::at_line(
                &o.name,
                line,
                Some(format!("ent_num {}", rec.get(0).unwrap_or("?").trim())),
                format!("expected {width} fields, found {}", rec.len()),
            ));
        }
        rows.push((line, rec.iter().map(str::to_string).collect()));
    }
    Ok(Rows { rows })
}

/// Parses the set. `files[0]` must be the main file; the others may come in any order.
pub fn parse(files: &[Opened]) -> Result<ParsedList> {
    let main = &files[0];
    let head = String::from_utf8_lossy(&main.bytes[..main.bytes.len().min(8192)]).to_string();
    match part_of(&head) {
        Some(OfacCsvPart::Main) => {}
        Some(p) => {
            return Err(ParseError::file(
                &main.name,
                format!("this is an OFAC {p:?} file, not a main file; import the sdn.csv / cons_prim.csv beside it"),
            ))
        }
        None => return Err(ParseError::file(&main.name, "not an OFAC legacy CSV file (expected 12 columns, first the entity number)")),
    }
    let rows = read_rows(main, 12)?;
    let mut entities: Vec<Entity> = Vec::with_capacity(rows.rows.len());
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut remarks: Vec<String> = Vec::new();
    for (line, r) in &rows.rows {
        let ent = r[0].trim().to_string();
        let rec = || Some(format!("ent_num {ent}"));
        if ent.is_empty() || !ent.chars().all(|c| c.is_ascii_digit()) {
            return Err(ParseError::at_line(
                &main.name,
                *line,
                rec(),
                "ent_num is not a number",
            ));
        }
        let raw_name = cell(&r[1])
            .ok_or_else(|| ParseError::at_line(&main.name, *line, rec(), "SDN_Name is empty"))?;
        let k = match cell(&r[2]) {
            None => chokepoint_model::Kind::Organization,
            Some(t) => kind(&t),
        };
        let (full, parts) = crate::last_first(&raw_name, k);
        let mut e = Entity::new(format!("ofac:{ent}"), k, full);
        e.names[0].parts = parts;
        if let Some(p) = cell(&r[3]) {
            for prog in p.split("] [") {
                push_unique(
                    &mut e.programs,
                    prog.trim_matches(['[', ']', ' ']).to_string(),
                );
            }
        }
        for (i, key) in [
            (4, "title"),
            (5, "call_sign"),
            (6, "vessel_type"),
            (7, "tonnage"),
            (8, "gross_registered_tonnage"),
            (9, "vessel_flag"),
            (10, "vessel_owner"),
        ] {
            if let Some(v) = cell(&r[i]) {
                e.extra.insert(key.into(), v);
            }
        }
        if index.insert(ent.clone(), entities.len()).is_some() {
            return Err(ParseError::at_line(
                &main.name,
                *line,
                rec(),
                "duplicate ent_num",
            ));
        }
        remarks.push(cell(&r[11]).unwrap_or_default());
        e.source_url = Some("https://sanctionslist.ofac.treas.gov/".into());
        entities.push(e);
    }
    let mut warnings = Vec::new();
    for f in &files[1..] {
        let head = String::from_utf8_lossy(&f.bytes[..f.bytes.len().min(8192)]).to_string();
        let part = part_of(&head)
            .ok_or_else(|| ParseError::file(&f.name, "not an OFAC legacy CSV companion file"))?;
        let width = match part {
            OfacCsvPart::Main => {
                return Err(ParseError::file(
                    &f.name,
                    "a second main file in one OFAC CSV set",
                ))
            }
            OfacCsvPart::Addresses => 6,
            OfacCsvPart::Aliases => 5,
            OfacCsvPart::Comments => 2,
        };
        for (line, r) in read_rows(f, width)?.rows {
            let ent = r[0].trim();
            let Some(&i) = index.get(ent) else {
                return Err(ParseError::at_line(
                    &f.name,
                    line,
                    Some(format!("ent_num {ent}")),
                    "refers to an entity number that the main file does not have",
                ));
            };
            let e = &mut entities[i];
            match part {
                OfacCsvPart::Addresses => {
                    let mut a = Address {
                        street: cell(&r[2]),
                        city: cell(&r[3]),
                        ..Default::default()
                    };
                    a.set_country(&cell(&r[4]).unwrap_or_default());
                    if !a.is_empty() {
                        e.addresses.push(a);
                    }
                }
                OfacCsvPart::Aliases => {
                    if let Some(n) = cell(&r[3]) {
                        let (full, parts) = crate::last_first(&n, e.kind);
                        let mut name = Name::new(full, NameQuality::Strong);
                        name.parts = parts;
                        name.alias_type = cell(&r[2]).map(|t| t.replace('.', ""));
                        e.add_alias(name);
                    }
                }
                OfacCsvPart::Comments => {
                    // The comments file carries the overflow of remarks cut at the column limit.
                    if let Some(c) = cell(&r[1]) {
                        remarks[i].push_str(&c);
                    }
                }
                OfacCsvPart::Main => unreachable!(),
            }
        }
    }
    if files.len() == 1 {
        warnings.push(format!(
            "{}: no address/alias/comment files found beside it; imported the main file alone",
            main.name
        ));
    }
    for (e, r) in entities.iter_mut().zip(remarks) {
        if !r.is_empty() {
            apply_remarks(e, &r);
            e.remarks.push(r);
        }
    }
    let records = entities.len();
    Ok(ParsedList {
        source: crate::ofac_source_from_name(&main.name).into(),
        format: Format::OfacCsv,
        list_date: None,
        entities,
        records,
        warnings,
    })
}

/// Reads the structured facts OFAC packs into the legacy CSV's remarks column.
fn apply_remarks(e: &mut Entity, remarks: &str) {
    links_from_remarks(e, remarks);
    for seg in remarks.trim_end_matches('.').split("; ") {
        let s = seg.trim().trim_end_matches('.');
        let s = s.strip_prefix("alt. ").unwrap_or(s);
        if let Some(d) = s.strip_prefix("DOB ") {
            if let Ok(spec) = DateSpec::parse_ofac(d) {
                if !e.birth_dates.contains(&spec) {
                    e.birth_dates.push(spec);
                }
            }
        } else if let Some(p) = s.strip_prefix("POB ") {
            push_unique(&mut e.birth_places, clean(p));
        } else if let Some(c) = s.strip_prefix("nationality ") {
            e.add_nationality(c);
        } else if let Some(c) = s.strip_prefix("citizen ") {
            e.add_citizenship(c);
        } else if let Some(g) = s.strip_prefix("Gender ") {
            e.gender = chokepoint_model::normalise_gender(g);
        } else if let Some((t, rest)) = ["a.k.a. ", "f.k.a. ", "n.k.a. "]
            .iter()
            .find_map(|p| s.strip_prefix(p).map(|r| (*p, r)))
        {
            for q in rest.split(", ") {
                let n = q.trim().trim_matches('\'').trim();
                if !n.is_empty() {
                    let mut name = Name::new(clean(n), NameQuality::Weak);
                    name.alias_type = Some(t.trim().replace('.', ""));
                    e.add_alias(name);
                }
            }
        } else {
            for label in ID_LABELS {
                if let Some(rest) = s.strip_prefix(label).and_then(|r| r.strip_prefix(' ')) {
                    let (value, country) = match rest.rsplit_once(" (") {
                        Some((v, c)) if c.ends_with(')') => (v, Some(c.trim_end_matches(')'))),
                        _ => (rest, None),
                    };
                    apply_id(e, label, value, country, None);
                    break;
                }
            }
        }
    }
}

/// Identifier labels OFAC uses in remarks, longest first so prefixes do not shadow each other.
const ID_LABELS: &[&str] = &[
    "Vessel Registration Identification",
    "Diplomatic Passport",
    "National ID No.",
    "Tax ID No.",
    "Registration Number",
    "Registration ID",
    "Identification Number",
    "Cedula No.",
    "C.U.R.P.",
    "D.N.I.",
    "R.F.C.",
    "NIT #",
    "RUC #",
    "SWIFT/BIC",
    "Passport",
    "MMSI",
    "IMO",
    "Website",
    "Email Address",
    "Legal Entity Number",
    "Business Registration Number",
    "Company Number",
];
