//! Reference tables an operator supplies for the red-flag rules that need facts no transaction
//! carries and no public offline source gives (red-flags.md §4):
//!
//! - `routes` (KYC-11): the transit countries the operator considers plausible from an origin
//!   to a destination;
//! - `sectors` (KYC-04): the industrial sectors present in a country;
//! - `suppliers` (LET-05): parties found in trade data as recent suppliers to Russia.
//!
//! Each is a CSV file with a header, checked on load with errors naming the line and field. A
//! rule whose table is not configured, or that has no row for the transaction's countries, is
//! reported as not evaluated, never as passed.

use crate::decide::Facts;
use chokepoint_model::country;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The names of the tables, as `chokepoint reference set NAME FILE` takes them.
pub const TABLES: [&str; 3] = ["routes", "sectors", "suppliers"];

/// All reference tables configured (any may be absent).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Reference {
    /// KYC-11: plausible routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Routes>,
    /// KYC-04: sectors present by country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sectors: Option<Sectors>,
    /// LET-05: recent suppliers to Russia from trade data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppliers: Option<Suppliers>,
}

/// One plausible route: from `origin` (`None`: any origin) to `destination`, through any of
/// `transit` (empty: direct only).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RouteRow {
    /// ISO alpha-2, or `None` for any origin (`*` in the file).
    pub origin: Option<String>,
    /// ISO alpha-2.
    pub destination: String,
    /// ISO alpha-2 codes.
    pub transit: Vec<String>,
}

/// KYC-11's table: `origin,destination,transit` with transit countries separated by `;`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Routes {
    /// The rows.
    pub rows: Vec<RouteRow>,
}

/// KYC-04's table: `country,sector`, one row per sector present in a country. Sectors are the
/// codes items give in `typical_end_uses` (ISIC or NAICS codes, or the operator's own words).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Sectors {
    /// ISO alpha-2 → sectors present (lower case).
    pub present: BTreeMap<String, BTreeSet<String>>,
}

/// A party found as a supplier to Russia.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SupplierRow {
    /// The supplier's name as the trade data writes it.
    pub name: String,
    /// Its country (ISO alpha-2), when known.
    pub country: Option<String>,
    /// HS subheadings shipped (six digits).
    pub hs6: Vec<String>,
    /// Date of the latest shipment found (YYYY-MM-DD).
    pub last_shipment: String,
    /// Where the finding comes from (data set and its date).
    pub source: String,
}

/// LET-05's table: `name,country,hs6,last_shipment,source`, HS codes separated by `;`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Suppliers {
    /// The rows.
    pub rows: Vec<SupplierRow>,
}

/// A table that failed to load: where and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{origin}: line {line}, field {field}: {message}")]
pub struct LoadError {
    /// The file (or other origin) read.
    pub origin: String,
    /// 1-based line, the header being line 1.
    pub line: u64,
    /// The column.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Reads a CSV with the given required columns, calling `row` with a getter per record.
fn read_csv(
    text: &str,
    origin: &str,
    columns: &[&str],
    mut row: impl FnMut(&dyn Fn(&str) -> String, u64) -> Result<(), (String, String)>,
) -> Result<usize, LoadError> {
    let fail = |line: u64, field: &str, message: String| LoadError {
        origin: origin.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| fail(1, "header", e.to_string()))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let mut at = BTreeMap::new();
    for c in columns {
        let i = header.iter().position(|h| h == c).ok_or_else(|| {
            fail(
                1,
                c,
                format!(
                    "missing column; the header needs {} (found {})",
                    columns.join(","),
                    header.join(",")
                ),
            )
        })?;
        at.insert(c.to_string(), i);
    }
    let mut n = 0;
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            fail(line, "record", e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let get = |c: &str| {
            at.get(c)
                .and_then(|&i| rec.get(i))
                .unwrap_or("")
                .to_string()
        };
        row(&get, line).map_err(|(field, message)| fail(line, &field, message))?;
        n += 1;
    }
    if n == 0 {
        return Err(fail(1, "rows", "the table has no rows".into()));
    }
    Ok(n)
}

fn iso2(v: &str, field: &str) -> Result<String, (String, String)> {
    country::to_iso2(v)
        .map(str::to_string)
        .ok_or_else(|| (field.to_string(), format!("unknown country {v:?}")))
}

fn required(v: String, field: &str) -> Result<String, (String, String)> {
    if v.is_empty() {
        Err((field.to_string(), "empty".into()))
    } else {
        Ok(v)
    }
}

impl Routes {
    /// Parses `origin,destination,transit`; `origin` `*` means any origin.
    pub fn parse(text: &str, origin: &str) -> Result<Routes, LoadError> {
        let mut rows = Vec::new();
        read_csv(
            text,
            origin,
            &["origin", "destination", "transit"],
            |get, _| {
                let o = required(get("origin"), "origin")?;
                let origin = if o == "*" {
                    None
                } else {
                    Some(iso2(&o, "origin")?)
                };
                let destination =
                    iso2(&required(get("destination"), "destination")?, "destination")?;
                let mut transit = Vec::new();
                for t in get("transit")
                    .split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                {
                    transit.push(iso2(t, "transit")?);
                }
                rows.push(RouteRow {
                    origin,
                    destination,
                    transit,
                });
                Ok(())
            },
        )?;
        Ok(Routes { rows })
    }

    /// The transit countries plausible from `origin` to `destination`; `None` when no row
    /// speaks of that pair (the rule cannot say).
    pub fn plausible(&self, origin: Option<&str>, destination: &str) -> Option<BTreeSet<String>> {
        let mut found = None::<BTreeSet<String>>;
        for r in &self.rows {
            let origin_ok = match (&r.origin, origin) {
                (None, _) => true,
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
            };
            if origin_ok && r.destination == destination {
                found
                    .get_or_insert_with(BTreeSet::new)
                    .extend(r.transit.iter().cloned());
            }
        }
        found
    }
}

impl Sectors {
    /// Parses `country,sector`.
    pub fn parse(text: &str, origin: &str) -> Result<Sectors, LoadError> {
        let mut present: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        read_csv(text, origin, &["country", "sector"], |get, _| {
            let c = iso2(&required(get("country"), "country")?, "country")?;
            let s = required(get("sector"), "sector")?.to_lowercase();
            present.entry(c).or_default().insert(s);
            Ok(())
        })?;
        Ok(Sectors { present })
    }

    /// Whether `sector` is present in `country` (`None`: the country is not in the table).
    /// Industry codes are hierarchical, so a numeric code matches the codes it contains or
    /// is contained in ("26" and "2610").
    pub fn present(&self, country: &str, sector: &str) -> Option<bool> {
        let set = self.present.get(country)?;
        let s = sector.trim().to_lowercase();
        let numeric = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        Some(set.iter().any(|p| {
            *p == s || (numeric(p) && numeric(&s) && (p.starts_with(&s) || s.starts_with(p)))
        }))
    }
}

impl Suppliers {
    /// Parses `name,country,hs6,last_shipment,source`.
    pub fn parse(text: &str, origin: &str) -> Result<Suppliers, LoadError> {
        let mut rows = Vec::new();
        read_csv(
            text,
            origin,
            &["name", "country", "hs6", "last_shipment", "source"],
            |get, _| {
                let name = required(get("name"), "name")?;
                if !name.chars().any(char::is_alphanumeric) {
                    return Err(("name".into(), format!("{name:?} has no letters or digits")));
                }
                let c = get("country");
                let country = if c.is_empty() {
                    None
                } else {
                    Some(iso2(&c, "country")?)
                };
                let mut hs6 = Vec::new();
                for h in get("hs6")
                    .split(';')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                {
                    let digits: String = h.chars().filter(char::is_ascii_digit).collect();
                    if digits.len() < 6 || digits.len() != h.chars().filter(|c| *c != '.').count() {
                        return Err(("hs6".into(), format!("{h:?} is not a six-digit HS code")));
                    }
                    hs6.push(digits[..6].to_string());
                }
                let last_shipment = required(get("last_shipment"), "last_shipment")?;
                if chrono::NaiveDate::parse_from_str(&last_shipment, "%Y-%m-%d").is_err() {
                    return Err((
                        "last_shipment".into(),
                        format!("{last_shipment:?} is not a date (YYYY-MM-DD)"),
                    ));
                }
                let source = required(get("source"), "source")?;
                rows.push(SupplierRow {
                    name,
                    country,
                    hs6,
                    last_shipment,
                    source,
                });
                Ok(())
            },
        )?;
        Ok(Suppliers { rows })
    }
}

impl Reference {
    /// Parses the table `name` (one of [`TABLES`]) into this reference.
    pub fn set(&mut self, name: &str, text: &str, origin: &str) -> Result<usize, LoadError> {
        match name {
            "routes" => {
                let t = Routes::parse(text, origin)?;
                let n = t.rows.len();
                self.routes = Some(t);
                Ok(n)
            }
            "sectors" => {
                let t = Sectors::parse(text, origin)?;
                let n = t.present.values().map(BTreeSet::len).sum();
                self.sectors = Some(t);
                Ok(n)
            }
            "suppliers" => {
                let t = Suppliers::parse(text, origin)?;
                let n = t.rows.len();
                self.suppliers = Some(t);
                Ok(n)
            }
            other => Err(LoadError {
                origin: origin.to_string(),
                line: 0,
                field: "table".into(),
                message: format!("unknown table {other:?}; tables: {}", TABLES.join(", ")),
            }),
        }
    }
}

/// Runs a check that reads a reference table: `None` when `c` is not one of them,
/// `Some(Err(why))` when the table or the facts it needs are missing.
pub(crate) fn check(f: &Facts, c: &serde_json::Value) -> Option<Result<Vec<String>, String>> {
    let not_set = |t: &str| {
        format!("no '{t}' reference table is configured (chokepoint reference set {t} FILE)")
    };
    Some(match c["name"].as_str().unwrap_or("") {
        "plausible_routes" => match &f.reference.routes {
            None => Err(not_set("routes")),
            Some(r) => plausible_routes(f, r),
        },
        "sector_presence" => match &f.reference.sectors {
            None => Err(not_set("sectors")),
            Some(s) => sector_presence(f, s),
        },
        "russia_supplier" => match &f.reference.suppliers {
            None => Err(not_set("suppliers")),
            Some(s) => russia_supplier(f, s, c["recent_months"].as_u64().unwrap_or(12) as u32),
        },
        _ => return None,
    })
}

fn plausible_routes(f: &Facts, r: &Routes) -> Result<Vec<String>, String> {
    let ok = r
        .plausible(Some(&f.origin), &f.dest)
        .ok_or_else(|| format!("the routes table has no row for {} → {}", f.origin, f.dest))?;
    Ok(f.transit
        .iter()
        .filter(|t| !ok.contains(*t) && **t != f.origin && **t != f.dest)
        .map(|t| {
            format!(
                "routing via {t} is not a plausible route from {} to {} (plausible: {})",
                f.origin,
                f.dest,
                if ok.is_empty() {
                    "direct only".to_string()
                } else {
                    ok.iter().cloned().collect::<Vec<_>>().join(", ")
                }
            )
        })
        .collect())
}

fn sector_presence(f: &Facts, s: &Sectors) -> Result<Vec<String>, String> {
    let lines: Vec<(usize, &crate::transaction::Item)> =
        f.tx.items
            .iter()
            .enumerate()
            .filter(|(_, i)| !i.typical_end_uses.is_empty())
            .collect();
    if lines.is_empty() {
        return Err("no item line gives its typical_end_uses".into());
    }
    let mut out = Vec::new();
    for (n, item) in lines {
        let mut absent = Vec::new();
        for sector in &item.typical_end_uses {
            match s.present(&f.dest, sector) {
                None => return Err(format!("the sectors table has no row for {}", f.dest)),
                Some(true) => {
                    absent.clear();
                    break;
                }
                Some(false) => absent.push(sector.as_str()),
            }
        }
        if !absent.is_empty() {
            out.push(format!(
                "line {}{}: sector{} {} absent in {}",
                n + 1,
                item.description
                    .as_deref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default(),
                if absent.len() > 1 { "s" } else { "" },
                absent.join(", "),
                f.dest
            ));
        }
    }
    Ok(out)
}

/// Words of a name, lower case, letters and digits only: the fallback match.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn russia_supplier(f: &Facts, s: &Suppliers, months: u32) -> Result<Vec<String>, String> {
    if !f.chp {
        return Ok(vec![]);
    }
    let date = chrono::NaiveDate::parse_from_str(&f.date, "%Y-%m-%d")
        .map_err(|_| format!("evaluation date {:?} is not YYYY-MM-DD", f.date))?;
    let since = date
        .checked_sub_months(chrono::Months::new(months))
        .unwrap_or(date);
    // A shipment after the evaluation date was not known then: replaying stays faithful.
    let recent = |r: &SupplierRow| {
        chrono::NaiveDate::parse_from_str(&r.last_shipment, "%Y-%m-%d")
            .is_ok_and(|d| d >= since && d <= date)
    };
    let items_hs: Vec<String> =
        f.tx.items
            .iter()
            .filter_map(|i| i.hs.as_deref().map(chokepoint_controls::hs6))
            .collect();
    let mut out = Vec::new();
    for p in f.tx.parties.iter().chain(&f.tx.owners) {
        let found: Vec<(usize, Option<f32>)> = match f.suppliers {
            Some(m) => m
                .screen(p)?
                .into_iter()
                .filter_map(|h| {
                    let i: usize = h.entity_id.strip_prefix("trade:")?.parse().ok()?;
                    Some((i, Some(h.score)))
                })
                .collect(),
            None => {
                let w = words(&p.name);
                s.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| words(&r.name) == w)
                    .map(|(i, _)| (i, None))
                    .collect()
            }
        };
        for (i, score) in found {
            let Some(r) = s.rows.get(i).filter(|r| recent(r)) else {
                continue;
            };
            let same: Vec<&str> = r
                .hs6
                .iter()
                .filter(|h| items_hs.contains(h))
                .map(String::as_str)
                .collect();
            out.push(format!(
                "{} ({}) is \"{}\"{} in {}: shipped to Russia up to {}{}{}",
                p.name,
                p.role,
                r.name,
                score
                    .map(|x| format!(" (score {x:.3})"))
                    .unwrap_or_default(),
                r.source,
                r.last_shipment,
                if r.hs6.is_empty() {
                    String::new()
                } else {
                    format!(", HS {}", r.hs6.join(", "))
                },
                if same.is_empty() {
                    String::new()
                } else {
                    format!("; the order has HS {} too", same.join(", "))
                }
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_union_the_rows_of_a_pair_and_wildcard_origins() {
        let r = Routes::parse(
            "origin,destination,transit\nDE,KZ,TR;GE\n*,KZ,AZ\nFR,KZ,\n",
            "routes.csv",
        )
        .unwrap();
        let de: Vec<String> = r.plausible(Some("DE"), "KZ").unwrap().into_iter().collect();
        assert_eq!(de, ["AZ", "GE", "TR"]);
        let fr: Vec<String> = r.plausible(Some("FR"), "KZ").unwrap().into_iter().collect();
        assert_eq!(fr, ["AZ"]);
        assert!(r.plausible(Some("DE"), "IN").is_none());
    }

    #[test]
    fn bad_rows_name_the_line_and_field() {
        let e = Routes::parse(
            "origin,destination,transit\nDE,KZ,TR\nDE,Narnia,\n",
            "r.csv",
        )
        .unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "destination"), "{e}");
        assert!(e
            .to_string()
            .starts_with("r.csv: line 3, field destination"));
        let e = Sectors::parse("country\nDE\n", "s.csv").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "sector"), "{e}");
        let e = Suppliers::parse(
            "name,country,hs6,last_shipment,source\nX LLC,RU,8542;85,2024-01-01,TIP\n",
            "t.csv",
        )
        .unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "hs6"), "{e}");
        let e = Suppliers::parse(
            "name,country,hs6,last_shipment,source\nX LLC,,854231,2024-13-01,TIP\n",
            "t.csv",
        )
        .unwrap_err();
        assert_eq!(e.field, "last_shipment", "{e}");
        let e = Routes::parse("origin,destination,transit\n", "r.csv").unwrap_err();
        assert_eq!(e.field, "rows");
        let e = Routes::parse("origin,destination,transit\nDE,KZ\n", "r.csv").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn numeric_sector_codes_match_within_their_hierarchy() {
        let s = Sectors::parse("country,sector\nDE,26\nDE,Mining\n", "s.csv").unwrap();
        assert_eq!(s.present("DE", "2610"), Some(true));
        assert_eq!(s.present("DE", "mining"), Some(true));
        assert_eq!(s.present("DE", "27"), Some(false));
        assert_eq!(s.present("DE", "2"), Some(true));
        assert_eq!(s.present("FR", "26"), None);
    }
}
