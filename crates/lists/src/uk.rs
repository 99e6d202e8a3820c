//! UK OFSI consolidated list ("ConList"): the 2018 CSV layout (29 columns), the 2022 layout
//! (36 columns, with non-Latin names and alias quality), as CSV or as the XLSX workbook.
//!
//! Rows are names; an entity is a Group ID. Row 1 holds "Last Updated" and the list date.
//! The 2018 CSV was published in Windows-1252; it is decoded as such when it is not UTF-8.

use crate::error::{ParseError, Result};
use crate::{clean, opt, Format, ParsedList};
use chokepoint_model::{
    id_type, normalise_gender, push_unique, Address, DateSpec, Entity, Identifier, Kind, Name,
    NameParts, NameQuality,
};
use std::collections::HashMap;

const REQUIRED: &[&str] = &[
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Last Updated",
    "Group ID",
];

/// Parses a ConList CSV (either layout).
pub fn parse_csv(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    let text: std::borrow::Cow<str> = match std::str::from_utf8(bytes) {
        Ok(s) => s.strip_prefix('\u{feff}').unwrap_or(s).into(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            ParseError::at_line(
                file,
                e.position().map(|p| p.line()).unwrap_or(0),
                None,
                format!("malformed CSV: {e}"),
            )
        })?;
        rows.push((
            rec.position().map(|p| p.line()).unwrap_or(0),
            rec.iter().map(str::to_string).collect(),
        ));
    }
    from_rows(file, rows, Format::UkCsv)
}

/// Parses a ConList XLSX workbook (first sheet).
pub fn parse_xlsx(file: &str, bytes: &[u8]) -> Result<ParsedList> {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| ParseError::file(file, format!("not a readable XLSX workbook: {e}")))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| ParseError::file(file, "the workbook has no sheet"))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| ParseError::file(file, format!("cannot read sheet {sheet:?}: {e}")))?;
    let start = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let rows: Vec<(u64, Vec<String>)> = range
        .rows()
        .enumerate()
        .map(|(i, r)| {
            (
                start + i as u64 + 1,
                r.iter().map(|c| c.to_string()).collect(),
            )
        })
        .collect();
    from_rows(&format!("{file}!{sheet}"), rows, Format::UkXlsx)
}

fn from_rows(file: &str, mut rows: Vec<(u64, Vec<String>)>, format: Format) -> Result<ParsedList> {
    // Trailing empty cells/rows are common in spreadsheet exports.
    rows.retain(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
    let mut it = rows.into_iter();
    let (_, first) = it
        .next()
        .ok_or_else(|| ParseError::file(file, "the file is empty"))?;
    let (list_date, header) = if first.first().map(|s| s.trim()) == Some("Last Updated") {
        let d = first
            .get(1)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let date = DateSpec::parse_dd_mm_yyyy(&d)
            .ok()
            .map(|s| s.date.to_string());
        let (_, h) = it
            .next()
            .ok_or_else(|| ParseError::file(file, "no header row after \"Last Updated\""))?;
        (date, h)
    } else {
        (None, first)
    };
    let cols: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !cols.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(ParseError::at_line(
            file,
            2,
            Some("header".into()),
            format!("missing column(s): {}", missing.join(", ")),
        ));
    }
    let width = header
        .iter()
        .rposition(|h| !h.trim().is_empty())
        .map(|p| p + 1)
        .unwrap_or(0);
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_group: HashMap<String, usize> = HashMap::new();
    let mut records = 0usize;
    for (line, row) in it {
        if row.len() < width && format == Format::UkCsv {
            return Err(ParseError::at_line(
                file,
                line,
                None,
                format!(
                    "expected {width} fields as in the header, found {}",
                    row.len()
                ),
            ));
        }
        records += 1;
        let g = |c: &str| {
            cols.get(c)
                .and_then(|&i| row.get(i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let gid =
            g("Group ID").ok_or_else(|| ParseError::at_line(file, line, None, "empty Group ID"))?;
        let rec = || Some(format!("Group ID {gid}"));
        let kind = match g("Group Type") {
            Some("Individual") => Kind::Person,
            Some("Entity") => Kind::Organization,
            Some("Ship") => Kind::Vessel,
            _ => Kind::Unknown,
        };
        let given: Vec<&str> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5"]
            .iter()
            .filter_map(|c| g(c))
            .collect();
        let last = g("Name 6");
        let full = clean(&[given.join(" ").as_str(), last.unwrap_or("")].join(" "));
        if full.is_empty() {
            return Err(ParseError::at_line(
                file,
                line,
                rec(),
                "row has no name (Name 1–6 are empty)",
            ));
        }
        let alias_type = g("Alias Type").unwrap_or("");
        let primary = matches!(alias_type, "Primary name" | "Prime Alias");
        let quality = match (primary, g("Alias Quality")) {
            (true, _) => NameQuality::Primary,
            (_, Some("Good quality")) => NameQuality::Strong,
            (_, Some("Low quality")) => NameQuality::Low,
            _ => NameQuality::Unknown,
        };
        let mut name = Name::new(full.clone(), quality);
        name.parts = NameParts {
            first: given.first().map(|s| clean(s)),
            middle: opt(&given.get(1..).unwrap_or(&[]).join(" ")),
            last: last.map(clean),
        };
        if !primary {
            name.alias_type = Some(alias_type.to_ascii_lowercase());
        }
        let idx = *by_group.entry(gid.to_string()).or_insert_with(|| {
            let mut e = Entity::new(format!("uk:{gid}"), kind, full.clone());
            e.names.clear();
            e.source_url = Some("https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets".into());
            entities.push(e);
            entities.len() - 1
        });
        let e = &mut entities[idx];
        if primary
            && e.names
                .first()
                .is_none_or(|n| n.quality != NameQuality::Primary)
        {
            e.name = full.clone();
            e.names.insert(0, name);
        } else {
            e.add_alias(name);
        }
        if let Some(nl) = g("Name Non-Latin Script") {
            let mut n = Name::new(clean(nl), NameQuality::Strong);
            if let Some(l) = g("Non-Latin Script Language") {
                n.lang = Some(l.to_string());
            }
            e.add_alias(n);
        }
        if let Some(dob) = g("DOB") {
            let spec = DateSpec::parse_dd_mm_yyyy(dob)
                .map_err(|m| ParseError::at_line(file, line, rec(), format!("DOB: {m}")))?;
            if !e.birth_dates.contains(&spec) {
                e.birth_dates.push(spec);
            }
        }
        let pob: Vec<&str> = [g("Town of Birth"), g("Country of Birth")]
            .into_iter()
            .flatten()
            .collect();
        if !pob.is_empty() {
            push_unique(&mut e.birth_places, clean(&pob.join(", ")));
        }
        for c in split_numbered(g("Nationality")) {
            e.add_nationality(&c);
        }
        let numbers = split_numbered(g("Passport Number"));
        if !numbers.is_empty() {
            let details = split_numbered(g("Passport Details"));
            for (i, num) in numbers.iter().enumerate() {
                e.add_identifier(Identifier {
                    kind: "passport".into(),
                    label: Some("Passport".into()),
                    value: num.clone(),
                    country: None,
                    note: details.get(i).cloned(),
                });
            }
        } else if let Some(pd) = g("Passport Details") {
            e.add_identifier(Identifier {
                kind: "passport".into(),
                label: Some("Passport Details".into()),
                value: clean(pd),
                country: None,
                note: None,
            });
        }
        let ni = split_numbered(g("National Identification Number").or(g("NI Number")));
        let ni_details = split_numbered(g("National Identification Details"));
        for (i, num) in ni.iter().enumerate() {
            e.add_identifier(Identifier {
                kind: id_type("national id").into(),
                label: Some("National Identification Number".into()),
                value: num.clone(),
                country: None,
                note: ni_details.get(i).cloned(),
            });
        }
        if let Some(p) = g("Position") {
            e.extra.insert("position".into(), clean(p));
        }
        if let Some(t) = g("Title") {
            e.extra.insert("title".into(), clean(t));
        }
        let street: Vec<&str> = ["Address 1", "Address 2", "Address 3", "Address 4"]
            .iter()
            .filter_map(|c| g(c))
            .collect();
        let mut a = Address {
            street: opt(&street.join(", ")),
            city: g("Address 5").map(clean),
            region: g("Address 6").map(clean),
            postal_code: g("Post/Zip Code").map(clean),
            ..Default::default()
        };
        a.set_country(g("Country").unwrap_or(""));
        if !a.is_empty() && !e.addresses.contains(&a) {
            e.addresses.push(a);
        }
        if let Some(r) = g("Regime") {
            push_unique(&mut e.programs, r.to_string());
        }
        if let Some(info) = g("Other Information") {
            for rf in references(info) {
                push_unique(&mut e.references, rf);
            }
            if let Some(gpos) = info.find("(Gender):") {
                let gtxt = info[gpos + 9..].split(['.', '(']).next().unwrap_or("");
                e.gender = normalise_gender(gtxt);
            }
            push_unique(&mut e.remarks, clean(info));
        }
        let listed = g("UK Sanctions List Date Designated").or(g("Listed On"));
        if let Some(d) = listed.and_then(|d| DateSpec::parse_dd_mm_yyyy(d).ok()) {
            let iso = d.date.to_string();
            if e.listed_on.as_ref().is_none_or(|cur| &iso < cur) {
                e.listed_on = Some(iso);
            }
        }
    }
    for e in &mut entities {
        if e.names
            .first()
            .is_none_or(|n| n.quality != NameQuality::Primary)
        {
            // A group with only aliases: the first one stands as its name.
            if let Some(n) = e.names.first_mut() {
                n.quality = NameQuality::Primary;
                e.name = n.full.clone();
            }
        }
    }
    Ok(ParsedList {
        source: "uk".into(),
        format,
        list_date,
        entities,
        records,
        warnings: vec![],
    })
}

/// Splits "(1) A (2) B" or "1) A 2) B" into ["A", "B"].
fn split_numbered(v: Option<&str>) -> Vec<String> {
    let Some(v) = v else { return vec![] };
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = v.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // A marker is an optional "(", digits, ")" at the start or after whitespace.
        let at_boundary = i == 0 || chars[i - 1].is_whitespace();
        if at_boundary {
            let mut j = i;
            if chars[j] == '(' {
                j += 1;
            }
            let ds = j;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j > ds && j < chars.len() && chars[j] == ')' {
                let piece = clean(cur.trim().trim_end_matches(['.', ',']));
                if !piece.is_empty() {
                    out.push(piece);
                }
                cur.clear();
                i = j + 1;
                continue;
            }
        }
        cur.push(chars[i]);
        i += 1;
    }
    let piece = clean(cur.trim().trim_end_matches(['.', ',']));
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// UN and UK list references in "Other Information": `UN Ref QDe.004`, `UN REF:QE.A.146.14`,
/// `(UK Sanctions List Ref):GHR0086`.
fn references(info: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lower = info.to_ascii_lowercase();
    for pat in ["un ref", "(uk sanctions list ref)"] {
        let mut from = 0;
        while let Some(p) = lower[from..].find(pat) {
            let start = from + p + pat.len();
            let rest = info[start..].trim_start_matches([':', ' ', ')']);
            let token: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
                .collect();
            let token = token.trim_end_matches('.').to_string();
            if !token.is_empty() {
                push_unique(&mut out, token);
            }
            from = start;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lists() {
        assert_eq!(
            split_numbered(Some("(1) Germany. (2) Morocco")),
            vec!["Germany", "Morocco"]
        );
        assert_eq!(
            split_numbered(Some("1) Saudi Arabia 2) Qatar")),
            vec!["Saudi Arabia", "Qatar"]
        );
        assert_eq!(split_numbered(Some("Pakistan")), vec!["Pakistan"]);
    }

    #[test]
    fn finds_references() {
        assert_eq!(
            references("UN Ref QDe.004. Emir for the eastern zone"),
            vec!["QDe.004"]
        );
        assert_eq!(
            references("UN REF:QE.A.146.14. Also referred"),
            vec!["QE.A.146.14"]
        );
        assert_eq!(
            references("(UK Sanctions List Ref):GHR0086. (UK Statement"),
            vec!["GHR0086"]
        );
    }
}
