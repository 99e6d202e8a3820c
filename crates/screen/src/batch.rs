//! Screening requests from user input: one query's fields validated into a [`Query`], and a
//! CSV batch read into one result per data row — a row that cannot be screened gets its error,
//! never a silent skip, and no input makes the reader panic.

use crate::{parse_country, Query};
use chokepoint_model::{Kind, PartialDate};
use std::io::Read;

/// Longest name accepted; longer input is not a name.
pub const MAX_NAME_CHARS: usize = 1000;

/// The columns a batch file must have.
pub const REQUIRED_COLUMNS: [&str; 5] = ["id", "name", "type", "birth_date", "country"];

/// Validates one query's fields into a [`Query`]; the error says what is wrong.
pub fn make_query(
    name: &str,
    kind: Option<&str>,
    birth: Option<&str>,
    country: Option<&str>,
    ids: Vec<String>,
    sources: Vec<String>,
) -> Result<Query, String> {
    let name = name.trim();
    if name.is_empty() && ids.is_empty() {
        return Err("empty name".into());
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "name is {} characters long; the limit is {MAX_NAME_CHARS}",
            name.chars().count()
        ));
    }
    if !name.is_empty() && !name.chars().any(|c| c.is_alphanumeric()) {
        return Err(format!("name {name:?} has no letters or digits"));
    }
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Some(Kind::parse(k).ok_or_else(|| {
            format!("unknown type {k:?}: use person, organization, vessel or aircraft")
        })?),
        None => None,
    };
    let birth_date = match birth.map(str::trim).filter(|b| !b.is_empty()) {
        Some(b) => Some(PartialDate::parse_iso(b).map_err(|e| format!("birth date: {e}"))?),
        None => None,
    };
    let country = match country.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(parse_country(c).ok_or_else(|| format!("unknown country {c:?}"))?),
        None => None,
    };
    Ok(Query {
        name: name.to_string(),
        kind,
        birth_date,
        country,
        identifiers: ids,
        sources,
        address: None,
    })
}

/// Adds a postal address (free text) to a query; empty is none.
pub fn with_address(mut q: Query, address: Option<&str>) -> Result<Query, String> {
    let a = address.map(str::trim).filter(|a| !a.is_empty());
    if let Some(a) = a {
        if a.chars().count() > MAX_NAME_CHARS {
            return Err(format!(
                "address is {} characters long; the limit is {MAX_NAME_CHARS}",
                a.chars().count()
            ));
        }
        if !a.chars().any(|c| c.is_alphanumeric()) {
            return Err(format!("address {a:?} has no letters or digits"));
        }
    }
    q.address = a.map(String::from);
    Ok(q)
}

/// One data row of a batch: its line number and the query, or the row's id and error.
#[derive(Debug)]
pub struct BatchRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// `(query id, query)`, or `(query id, error)`; a row without an id is `line-N`.
    pub query: Result<(String, Query), (String, String)>,
}

/// Reads a batch CSV: a header with at least [`REQUIRED_COLUMNS`] (more may follow:
/// `identifiers`, `;`-separated, and `address`, free text), then one row per party. The error is for the file as a
/// whole (no header, missing columns); every data row yields one [`BatchRow`].
pub fn read_batch<R: Read>(input: R, sources: &[String]) -> Result<Vec<BatchRow>, String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let header = rdr
        .byte_headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .clone();
    let cols: Vec<String> = header
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let col = |n: &str| cols.iter().position(|c| c == n);
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .into_iter()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "1: header is missing column(s): {}",
            missing.join(", ")
        ));
    }
    let at = |n: &str| col(n).unwrap_or(0);
    let (ci, cn, ct, cb, cc, cid, ca) = (
        at("id"),
        at("name"),
        at("type"),
        at("birth_date"),
        at("country"),
        col("identifiers"),
        col("address"),
    );
    let mut rows = Vec::new();
    for (n, rec) in rdr.byte_records().enumerate() {
        let line = n as u64 + 2;
        let query = match rec {
            Err(e) => Err((
                format!("line-{line}"),
                format!("line {line}: malformed CSV: {e}"),
            )),
            Ok(r) => {
                let field = |i: usize| -> Result<String, String> {
                    let b = r.get(i).unwrap_or(b"");
                    std::str::from_utf8(b).map(str::to_string).map_err(|_| {
                        format!("line {line}: column {:?} is not valid UTF-8", cols[i])
                    })
                };
                let id = field(ci).unwrap_or_default();
                let id = if id.trim().is_empty() {
                    format!("line-{line}")
                } else {
                    id.trim().to_string()
                };
                if r.len() != cols.len() {
                    Err((
                        id,
                        format!(
                            "line {line}: {} fields, the header has {}",
                            r.len(),
                            cols.len()
                        ),
                    ))
                } else {
                    let built = (|| -> Result<Query, String> {
                        let ids: Vec<String> = match cid {
                            Some(i) => field(i)?
                                .split(';')
                                .map(|s| s.trim().to_string())
                                .filter(|s| !s.is_empty())
                                .collect(),
                            None => vec![],
                        };
                        let address = ca.map(field).transpose()?;
                        make_query(
                            &field(cn)?,
                            Some(&field(ct)?),
                            Some(&field(cb)?),
                            Some(&field(cc)?),
                            ids,
                            sources.to_vec(),
                        )
                        .and_then(|q| with_address(q, address.as_deref()))
                        .map_err(|e| format!("line {line}: {e}"))
                    })();
                    built.map(|q| (id.clone(), q)).map_err(|e| (id, e))
                }
            }
        };
        rows.push(BatchRow { line, query });
    }
    Ok(rows)
}
