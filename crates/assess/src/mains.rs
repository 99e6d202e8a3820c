//! The residential mains supply of each country (`data/controls/mains.tsv`: nominal voltage,
//! frequency, IEC plug types) and an item's electrical rating against it, for the red flag
//! "equipment configuration does not match the destination" (KYC-14: "120 V equipment for a
//! 220 V country").

use std::collections::BTreeMap;
use std::sync::OnceLock;

static MAINS: &str = include_str!("../../../data/controls/mains.tsv");

/// One country's supply.
#[derive(Debug, Clone, PartialEq)]
pub struct Supply {
    /// Nominal voltage (V).
    pub voltage: f64,
    /// Frequencies in use (Hz): one, or both where the grid is split (Japan).
    pub frequencies: Vec<f64>,
    /// IEC plug type letters.
    pub plugs: Vec<String>,
}

/// The supply of a country (ISO 3166 alpha-2), if the table has it.
pub fn supply(iso2: &str) -> Option<&'static Supply> {
    static TABLE: OnceLock<BTreeMap<String, Supply>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            MAINS
                .lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with("country\t"))
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    // The table is compiled in and checked by the tests below.
                    let f: Vec<&str> = l.split('\t').collect();
                    let row = (f.len() == 4)
                        .then(|| Some((f[1].parse().ok()?, Rating::parse(f[2]).ok()?)))
                        .flatten();
                    let Some((voltage, frequencies)) = row else {
                        panic!("data/controls/mains.tsv: bad row {l:?}");
                    };
                    let supply = Supply {
                        voltage,
                        frequencies: frequencies.values,
                        plugs: f[3].split(',').map(str::to_string).collect(),
                    };
                    (f[0].to_string(), supply)
                })
                .collect()
        })
        .get(&iso2.to_ascii_uppercase())
}

/// A rating as written on equipment: one value ("230"), alternatives ("50/60", "110/220") or
/// a range ("100-240", "100–240 V").
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    /// The values given.
    pub values: Vec<f64>,
    /// Whether they bound a range rather than list alternatives.
    pub range: bool,
}

impl Rating {
    /// Reads a rating; the error says what could not be read.
    pub fn parse(text: &str) -> Result<Rating, String> {
        let t = text
            .trim()
            .trim_end_matches(|c: char| c.is_ascii_alphabetic() || c.is_whitespace());
        let range = t.contains(['-', '–']);
        let values = t
            .split(['-', '–', '/'])
            .map(|x| x.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic()))
            .map(|x| x.trim().parse::<f64>())
            .collect::<Result<Vec<f64>, _>>()
            .map_err(|_| {
                format!("cannot read {text:?} as a rating such as 230, 50/60 or 100-240")
            })?;
        if values.is_empty() || values.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(format!("{text:?} is not a positive rating"));
        }
        if range && values.len() != 2 {
            return Err(format!("{text:?}: a range has two ends"));
        }
        Ok(Rating { values, range })
    }

    /// Whether equipment of this rating runs on `nominal`, the supply varying by `tolerance`
    /// (a fraction) either way.
    pub fn accepts(&self, nominal: f64, tolerance: f64) -> bool {
        let near = |v: f64| (v - nominal).abs() <= tolerance * nominal;
        if self.range {
            let (lo, hi) = (
                self.values[0].min(self.values[1]),
                self.values[0].max(self.values[1]),
            );
            (lo * (1.0 - tolerance)..=hi * (1.0 + tolerance)).contains(&nominal)
        } else {
            self.values.iter().any(|&v| near(v))
        }
    }
}

/// What in an item's rating does not fit the destination's supply, one phrase per mismatch.
pub fn mismatches(
    voltage: Option<&str>,
    frequency: Option<&str>,
    plug: Option<&str>,
    supply: &Supply,
    tolerance: f64,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(v) = voltage.and_then(|v| Rating::parse(v).ok()) {
        if !v.accepts(supply.voltage, tolerance) {
            out.push(format!(
                "rated {} V, the supply is {} V",
                voltage.unwrap_or_default().trim(),
                supply.voltage
            ));
        }
    }
    if let Some(f) = frequency.and_then(|f| Rating::parse(f).ok()) {
        // Frequencies are exact: a 60 Hz motor runs slow on 50 Hz whatever the tolerance.
        if !supply.frequencies.iter().any(|&s| f.accepts(s, 0.0)) {
            let grid: Vec<String> = supply.frequencies.iter().map(f64::to_string).collect();
            out.push(format!(
                "rated {} Hz, the supply is {} Hz",
                frequency.unwrap_or_default().trim(),
                grid.join("/")
            ));
        }
    }
    if let Some(p) = plug.map(str::trim).filter(|p| !p.is_empty()) {
        let p = p.trim_start_matches("Type ").trim_start_matches("type ");
        if !supply.plugs.iter().any(|s| s.eq_ignore_ascii_case(p)) {
            out.push(format!(
                "plug type {p}, the sockets are {}",
                supply.plugs.join(", ")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_the_source_values() {
        // Values as IEC World Plugs gives them (see the file's header).
        let us = supply("US").unwrap();
        assert_eq!((us.voltage, us.frequencies.clone()), (120.0, vec![60.0]));
        assert_eq!(us.plugs, ["A", "B"]);
        assert_eq!(supply("de").unwrap().voltage, 230.0);
        assert_eq!(supply("JP").unwrap().frequencies, [50.0, 60.0]);
        assert!(supply("ZZ").is_none());
    }

    #[test]
    fn equipment_for_another_supply_is_reported() {
        let de = supply("DE").unwrap();
        // The guidance's own example: 120 V equipment for a 220 V country.
        let m = mismatches(Some("120"), Some("60"), None, de, 0.1);
        assert_eq!(m.len(), 2, "{m:?}");
        // Universal and local ratings fit.
        assert!(mismatches(Some("100-240 V"), Some("50/60 Hz"), Some("F"), de, 0.1).is_empty());
        assert!(mismatches(Some("220"), Some("50"), Some("Type C"), de, 0.1).is_empty());
        // Within the supply tolerance: 110 V equipment on a 120 V supply.
        assert!(mismatches(Some("110"), None, None, supply("US").unwrap(), 0.1).is_empty());
        // Japan runs on both frequencies.
        assert!(mismatches(None, Some("60"), None, supply("JP").unwrap(), 0.1).is_empty());
        let g = mismatches(None, None, Some("G"), de, 0.1);
        assert_eq!(g, ["plug type G, the sockets are C, F"]);
    }

    #[test]
    fn ratings_that_cannot_be_read_are_errors() {
        for bad in ["", "abc", "-5", "100-200-300", "0"] {
            assert!(Rating::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Rating::parse("100–240V").unwrap(),
            Rating {
                values: vec![100.0, 240.0],
                range: true
            }
        );
    }
}
