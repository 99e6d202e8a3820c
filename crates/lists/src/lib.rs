//! Parsers for the official sanctions and export-control list formats.
//!
//! Each format module turns one published file (or, for the OFAC legacy CSV set, a main file and
//! its companions) into a [`ParsedList`] of canonical [`Entity`] values. Format is detected from
//! content ([`detect`]); compressed inputs (gzip, zip) are opened with a limit on inflated size.
//! Parsers are pure: they never touch the store, so an error leaves nothing half-imported.
#![deny(missing_docs)]

pub mod csl;
pub mod dpl;
pub mod error;
pub mod eu;
pub mod ftm;
pub mod ofac_advanced;
mod ofac_common;
pub mod ofac_csv;
pub mod ofac_enhanced;
pub mod ofac_xml;
mod tabular;
pub mod uk;
pub mod un;
pub mod xml;

use chokepoint_model::Entity;
pub use error::{Location, ParseError, Result};
use std::io::Read;

/// Every list format Chokepoint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OFAC legacy XML (`sdn.xml`, `consolidated.xml`).
    OfacXml,
    /// OFAC legacy CSV set (`sdn.csv` + `add.csv` + `alt.csv` + `sdn_comments.csv`, or `cons_*.csv`).
    OfacCsv,
    /// OFAC advanced XML (`sdn_advanced.xml`, `cons_advanced.xml`).
    OfacAdvanced,
    /// OFAC enhanced XML (`SDN_ENHANCED.XML`, `CONS_ENHANCED.XML`, possibly zipped).
    OfacEnhanced,
    /// trade.gov Consolidated Screening List CSV.
    Csl,
    /// BIS Denied Persons List, tab-separated.
    Dpl,
    /// EU Financial Sanctions Files XML 1.1.
    EuXml,
    /// UN Security Council consolidated list XML.
    UnXml,
    /// UK OFSI consolidated list, CSV (2018 or 2022 layout).
    UkCsv,
    /// UK OFSI consolidated list, XLSX.
    UkXlsx,
    /// FollowTheMoney JSON lines (OpenSanctions).
    Ftm,
}

impl Format {
    /// Every format, for `--help` and errors.
    pub const ALL: [Format; 11] = [
        Format::OfacXml,
        Format::OfacCsv,
        Format::OfacAdvanced,
        Format::OfacEnhanced,
        Format::Csl,
        Format::Dpl,
        Format::EuXml,
        Format::UnXml,
        Format::UkCsv,
        Format::UkXlsx,
        Format::Ftm,
    ];

    /// The name used by `--format`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Format::OfacXml => "ofac-xml",
            Format::OfacCsv => "ofac-csv",
            Format::OfacAdvanced => "ofac-advanced",
            Format::OfacEnhanced => "ofac-enhanced",
            Format::Csl => "csl",
            Format::Dpl => "bis-dpl",
            Format::EuXml => "eu-xml",
            Format::UnXml => "un-xml",
            Format::UkCsv => "uk-csv",
            Format::UkXlsx => "uk-xlsx",
            Format::Ftm => "ftm",
        }
    }

    /// Parses a `--format` value.
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// The result of parsing one list file (or file set).
#[derive(Debug, Clone)]
pub struct ParsedList {
    /// The list stream this snapshot belongs to: `ofac-sdn`, `ofac-cons`, `csl`, `bis-dpl`, `eu`,
    /// `un`, `uk`, `ftm`.
    pub source: String,
    /// The format it was read from.
    pub format: Format,
    /// Publication date (ISO 8601 date) read from the file, when it has one.
    pub list_date: Option<String>,
    /// The entities, in file order.
    pub entities: Vec<Entity>,
    /// Records in the file: entries, or rows for row-per-name formats (UK, CSL, DPL), which
    /// group several rows into one entity.
    pub records: usize,
    /// Non-fatal notes (e.g. a companion file that was not found).
    pub warnings: Vec<String>,
}

impl ParsedList {
    /// Canonical entities parsed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }
    /// True when no entity was parsed.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// One input file: its name as given and its raw bytes (hashed as-is for the snapshot).
#[derive(Debug, Clone)]
pub struct InputFile {
    /// File name or path as the user gave it.
    pub name: String,
    /// Raw bytes, possibly compressed.
    pub bytes: Vec<u8>,
}

impl InputFile {
    /// Reads a file from disk.
    pub fn read(path: &std::path::Path) -> Result<InputFile> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| ParseError::file(&name, format!("cannot read: {e}")))?;
        Ok(InputFile { name, bytes })
    }
}

/// Limits applied while opening inputs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest decompressed size accepted for one file (gzip member or zip entry).
    pub max_inflated: u64,
}

impl Default for Limits {
    fn default() -> Self {
        // The largest official list today (OFAC sdn_advanced.xml) inflates to ~100 MB.
        Limits {
            max_inflated: 512 * 1024 * 1024,
        }
    }
}

/// The plain content of an input after decompression.
#[derive(Debug, Clone)]
pub struct Opened {
    /// Name used in error messages (`archive.zip!member.xml` for a zip entry).
    pub name: String,
    /// Decompressed bytes.
    pub bytes: Vec<u8>,
    /// True when the input was an XLSX workbook (kept zipped for the XLSX reader).
    pub xlsx: bool,
}

fn read_limited(name: &str, r: impl Read, limits: Limits) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limits.max_inflated + 1)
        .read_to_end(&mut out)
        .map_err(|e| ParseError::file(name, format!("cannot decompress: {e}")))?;
    if out.len() as u64 > limits.max_inflated {
        return Err(ParseError::file(
            name,
            format!(
                "decompresses to more than {} bytes; refusing (possible decompression bomb)",
                limits.max_inflated
            ),
        ));
    }
    Ok(out)
}

/// Decompresses gzip and zip inputs (a zip must hold one list file, or be an XLSX workbook).
pub fn open(input: &InputFile, limits: Limits) -> Result<Opened> {
    let b = &input.bytes;
    if b.is_empty() {
        return Err(ParseError::file(&input.name, "the file is empty"));
    }
    if b.starts_with(&[0x1f, 0x8b]) {
        let out = read_limited(
            &input.name,
            flate2::read::MultiGzDecoder::new(&b[..]),
            limits,
        )?;
        if out.is_empty() {
            return Err(ParseError::file(
                &input.name,
                "the file is empty once decompressed",
            ));
        }
        return Ok(Opened {
            name: input.name.clone(),
            bytes: out,
            xlsx: false,
        });
    }
    if b.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&b[..])).map_err(|e| {
            ParseError::file(&input.name, format!("not a readable zip archive: {e}"))
        })?;
        if zip.index_for_name("xl/workbook.xml").is_some() {
            return Ok(Opened {
                name: input.name.clone(),
                bytes: b.clone(),
                xlsx: true,
            });
        }
        let members: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok())
            .filter(|n| !n.ends_with('/') && !n.starts_with("__MACOSX"))
            .map(|n| n.to_string())
            .collect();
        let [member] = members.as_slice() else {
            return Err(ParseError::file(
                &input.name,
                format!(
                    "the zip holds {} files; expected exactly one list file",
                    members.len()
                ),
            ));
        };
        let name = format!("{}!{}", input.name, member);
        let f = zip
            .by_name(member)
            .map_err(|e| ParseError::file(&name, format!("cannot open zip entry: {e}")))?;
        if f.size() > limits.max_inflated {
            return Err(ParseError::file(
                &name,
                format!("declares {} bytes uncompressed, over the limit of {}; refusing (possible decompression bomb)", f.size(), limits.max_inflated),
            ));
        }
        let out = read_limited(&name, f, limits)?;
        if out.is_empty() {
            return Err(ParseError::file(&name, "the file is empty"));
        }
        return Ok(Opened {
            name,
            bytes: out,
            xlsx: false,
        });
    }
    Ok(Opened {
        name: input.name.clone(),
        bytes: b.clone(),
        xlsx: false,
    })
}

/// The role of a file in the OFAC legacy CSV set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfacCsvPart {
    /// `sdn.csv` / `cons_prim.csv`: one row per entry.
    Main,
    /// `add.csv` / `cons_add.csv`.
    Addresses,
    /// `alt.csv` / `cons_alt.csv`.
    Aliases,
    /// `sdn_comments.csv` / `cons_comments.csv`.
    Comments,
}

/// Detects a format from content (and, for the OFAC CSV set, which part a file is).
pub fn detect(opened: &Opened) -> Result<Format> {
    if opened.xlsx {
        return Ok(Format::UkXlsx);
    }
    let b = &opened.bytes;
    let text_start = String::from_utf8_lossy(&b[..b.len().min(4096)]);
    let t = text_start.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        let Some((root, ns)) = xml::sniff_root(b) else {
            return Err(ParseError::file(
                &opened.name,
                "looks like XML but no root element could be read",
            ));
        };
        return match root.as_str() {
            "sdnList" => Ok(Format::OfacXml),
            "Sanctions" if ns.contains("sanctions") => Ok(Format::OfacAdvanced),
            "sanctionsData" => Ok(Format::OfacEnhanced),
            "export" if ns.contains("fsd") => Ok(Format::EuXml),
            "CONSOLIDATED_LIST" => Ok(Format::UnXml),
            _ => Err(ParseError::file(&opened.name, format!("unknown XML format (root element <{root}>, namespace {ns:?}); use --format to say which"))),
        };
    }
    if t.starts_with('{') {
        if t.contains("\"schema\"") {
            return Ok(Format::Ftm);
        }
        return Err(ParseError::file(
            &opened.name,
            "JSON that is not FollowTheMoney entities (no \"schema\" field)",
        ));
    }
    let first = t.lines().next().unwrap_or("");
    if first.starts_with("_id,source,entity_number") {
        return Ok(Format::Csl);
    }
    if first.starts_with("\"Name\"\t\"Street_Address\"")
        || first.starts_with("Name\tStreet_Address")
    {
        return Ok(Format::Dpl);
    }
    if first.starts_with("Last Updated") || first.starts_with("Name 6,") {
        return Ok(Format::UkCsv);
    }
    if ofac_csv::part_of(t).is_some() {
        return Ok(Format::OfacCsv);
    }
    Err(ParseError::file(
        &opened.name,
        format!(
            "unknown format: the content matches none of {}; use --format to say which",
            Format::ALL
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ))
}

/// Groups paths into import units: an OFAC main CSV takes its companion files from the same
/// folder (`sdn.csv` → `add.csv`, `alt.csv`, `sdn_comments.csv`; `cons_prim.csv` → `cons_add.csv` …).
pub fn companions(path: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return vec![];
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let lower = name.to_ascii_lowercase();
    let lower = lower.strip_suffix(".gz").unwrap_or(&lower).to_string();
    let names: &[&str] = if lower == "sdn.csv" {
        &["add.csv", "alt.csv", "sdn_comments.csv"]
    } else if lower == "cons_prim.csv" {
        &["cons_add.csv", "cons_alt.csv", "cons_comments.csv"]
    } else {
        &[]
    };
    names
        .iter()
        .filter_map(|n| {
            [dir.join(n), dir.join(format!("{n}.gz"))]
                .into_iter()
                .find(|p| p.exists())
        })
        .collect()
}

/// Parses one import unit: a single file, or an OFAC CSV main file followed by its companions.
pub fn parse(inputs: &[InputFile], format: Option<Format>, limits: Limits) -> Result<ParsedList> {
    let Some(first) = inputs.first() else {
        return Err(ParseError::file("-", "no input file"));
    };
    let opened: Vec<Opened> = inputs
        .iter()
        .map(|i| open(i, limits))
        .collect::<Result<_>>()?;
    let fmt = match format {
        Some(f) => f,
        None => detect(&opened[0])?,
    };
    if fmt != Format::OfacCsv && inputs.len() > 1 {
        return Err(ParseError::file(
            &first.name,
            "only the OFAC legacy CSV format is read from several files at once",
        ));
    }
    let o = &opened[0];
    match fmt {
        Format::OfacXml => ofac_xml::parse(&o.name, &o.bytes),
        Format::OfacCsv => ofac_csv::parse(&opened),
        Format::OfacAdvanced => ofac_advanced::parse(&o.name, &o.bytes),
        Format::OfacEnhanced => ofac_enhanced::parse(&o.name, &o.bytes),
        Format::Csl => csl::parse(&o.name, &o.bytes),
        Format::Dpl => dpl::parse(&o.name, &o.bytes),
        Format::EuXml => eu::parse(&o.name, &o.bytes),
        Format::UnXml => un::parse(&o.name, &o.bytes),
        Format::UkCsv => uk::parse_csv(&o.name, &o.bytes),
        Format::UkXlsx => uk::parse_xlsx(&o.name, &o.bytes),
        Format::Ftm => ftm::parse(&o.name, &o.bytes),
    }
}

/// Which OFAC stream a file belongs to, from its name: files named `cons…`/`consolidated…` are
/// the non-SDN consolidated list, everything else the SDN list (the two share one schema).
pub(crate) fn ofac_source_from_name(name: &str) -> &'static str {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    if base.starts_with("cons") || base.contains("consolidated") || base.contains("non-sdn") {
        "ofac-cons"
    } else {
        "ofac-sdn"
    }
}

/// Collapses runs of whitespace and trims.
pub(crate) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Some(cleaned)` unless empty.
pub(crate) fn opt(s: &str) -> Option<String> {
    let c = clean(s);
    (!c.is_empty()).then_some(c)
}

/// OFAC and the CSL write individuals as "LAST, First Middle"; returns natural order and parts.
/// Other kinds, and names without that comma, are kept as written.
pub(crate) fn last_first(
    raw: &str,
    kind: chokepoint_model::Kind,
) -> (String, chokepoint_model::NameParts) {
    if kind == chokepoint_model::Kind::Person {
        if let Some((last, first)) = raw.split_once(", ") {
            let (last, first) = (last.trim(), first.trim());
            if !first.is_empty() && !last.is_empty() {
                let parts = chokepoint_model::NameParts {
                    first: Some(first.to_string()),
                    middle: None,
                    last: Some(last.to_string()),
                };
                return (format!("{first} {last}"), parts);
            }
        }
    }
    (
        raw.trim().to_string(),
        chokepoint_model::NameParts::default(),
    )
}
