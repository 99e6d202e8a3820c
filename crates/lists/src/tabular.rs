//! Header-driven reading of delimited files: every column a parser needs must be in the header,
//! and each row is checked for the header's width, so a short or damaged file fails on the line
//! where it goes wrong.

use crate::error::{ParseError, Result};
use std::collections::HashMap;

/// Rows of a delimited file with named columns.
pub(crate) struct Table {
    pub cols: HashMap<String, usize>,
    pub rows: Vec<(u64, Vec<String>)>,
}

impl Table {
    /// Reads `text` (already decoded) with the given delimiter; `skip` leading lines are dropped
    /// before the header (UK files start with a "Last Updated" line).
    pub fn read(
        file: &str,
        text: &str,
        delim: u8,
        skip: usize,
        required: &[&str],
    ) -> Result<Table> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut records = rdr.records();
        for _ in 0..skip {
            records.next();
        }
        let header = match records.next() {
            Some(Ok(h)) => h,
            Some(Err(e)) => {
                return Err(ParseError::at_line(
                    file,
                    e.position().map(|p| p.line()).unwrap_or(1),
                    None,
                    format!("malformed header: {e}"),
                ))
            }
            None => return Err(ParseError::file(file, "no header row: the file is empty")),
        };
        let header_line = header.position().map(|p| p.line()).unwrap_or(1);
        let cols: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_string(), i))
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|c| !cols.contains_key(*c))
            .collect();
        if !missing.is_empty() {
            return Err(ParseError::at_line(
                file,
                header_line,
                Some("header".into()),
                format!("missing column(s): {}", missing.join(", ")),
            ));
        }
        let width = header.len();
        let mut rows = Vec::new();
        for rec in records {
            let rec = rec.map_err(|e| {
                ParseError::at_line(
                    file,
                    e.position().map(|p| p.line()).unwrap_or(0),
                    None,
                    format!("malformed row: {e}"),
                )
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.len() == 1 && rec.get(0).is_some_and(|f| f.trim().is_empty()) {
                continue;
            }
            if rec.len() != width {
                return Err(ParseError::at_line(
                    file,
                    line,
                    Some(format!("row at line {line}")),
                    format!(
                        "expected {width} fields as in the header, found {}",
                        rec.len()
                    ),
                ));
            }
            rows.push((line, rec.iter().map(str::to_string).collect()));
        }
        Ok(Table { cols, rows })
    }

    /// A cell by column name, trimmed; `None` when the column is absent or the cell empty.
    pub fn get<'a>(&self, row: &'a [String], col: &str) -> Option<&'a str> {
        let i = *self.cols.get(col)?;
        let v = row.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }
}

/// Decodes UTF-8, or reports the first invalid byte.
pub(crate) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str> {
    let s = std::str::from_utf8(bytes).map_err(|e| {
        ParseError::at_byte(
            file,
            bytes,
            e.valid_up_to() as u64,
            None,
            "invalid UTF-8: the file is not in the encoding the format requires (UTF-8)",
        )
    })?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(s))
}

/// Splits a multi-valued cell (`a; b; c`).
pub(crate) fn multi(v: Option<&str>) -> impl Iterator<Item = &str> {
    v.unwrap_or("")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
}
