//! Partial dates as lists publish them: a year, a year and month, a full date, a range, "circa".

use serde::{Deserialize, Serialize};
use std::fmt;

/// A date of which only the year, or the year and month, may be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PartialDate {
    /// Year.
    pub year: i32,
    /// Month 1–12, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    /// Day of month, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl PartialDate {
    /// Builds a partial date, rejecting impossible ones (month 13, 30 February …).
    pub fn new(year: i32, month: Option<u8>, day: Option<u8>) -> Result<PartialDate, String> {
        if !(1000..=2999).contains(&year) {
            return Err(format!("year {year} is out of range"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(format!("month {m} does not exist"));
            }
            if let Some(d) = day {
                if d == 0 || d > days_in_month(year, m) {
                    return Err(format!("day {d} does not exist in {year}-{m:02}"));
                }
            }
        } else if day.is_some() {
            return Err("a day without a month".into());
        }
        Ok(PartialDate { year, month, day })
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a time part after `T` is ignored).
    pub fn parse_iso(s: &str) -> Result<PartialDate, String> {
        let s = s.trim();
        let s = s.split('T').next().unwrap_or(s);
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, what: &str| -> Result<u32, String> {
            if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) || p.len() > 4 {
                return Err(format!("invalid {what} {p:?} in date {s:?}"));
            }
            p.parse::<u32>()
                .map_err(|_| format!("invalid {what} in date {s:?}"))
        };
        match parts.as_slice() {
            [y] if y.len() == 4 => PartialDate::new(num(y, "year")? as i32, None, None),
            [y, m] if y.len() == 4 => {
                PartialDate::new(num(y, "year")? as i32, Some(num(m, "month")? as u8), None)
            }
            [y, m, d] if y.len() == 4 => PartialDate::new(
                num(y, "year")? as i32,
                Some(num(m, "month")? as u8),
                Some(num(d, "day")? as u8),
            ),
            _ => Err(format!(
                "invalid date {s:?}: expected YYYY, YYYY-MM or YYYY-MM-DD"
            )),
        }
    }

    /// Whether two partial dates can denote the same day (unknown parts match anything).
    pub fn compatible(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// A date as a list states it: one partial date, or a range, possibly approximate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateSpec {
    /// The date, or the start of the range.
    pub date: PartialDate,
    /// End of the range, when the list gives a range ("1960 to 1962").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    /// The list says "circa" / "approximately".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub circa: bool,
}

impl DateSpec {
    /// A single exact-as-given date.
    pub fn single(date: PartialDate) -> DateSpec {
        DateSpec {
            date,
            to: None,
            circa: false,
        }
    }

    /// Parses OFAC's legacy spelling: `10 Dec 1948`, `Dec 1948`, `1948`, `circa 1948`,
    /// `1960 to 1962`, `01 Jan 1960 to 31 Dec 1962`.
    pub fn parse_ofac(s: &str) -> Result<DateSpec, String> {
        let t = s.trim();
        let (circa, t) = match t
            .strip_prefix("circa ")
            .or_else(|| t.strip_prefix("Circa "))
        {
            Some(rest) => (true, rest.trim()),
            None => (false, t),
        };
        if let Some((a, b)) = t.split_once(" to ") {
            let from = parse_dmy_words(a)?;
            let to = parse_dmy_words(b)?;
            return Ok(DateSpec {
                date: from,
                to: Some(to),
                circa,
            });
        }
        Ok(DateSpec {
            date: parse_dmy_words(t)?,
            to: None,
            circa,
        })
    }

    /// Parses `DD/MM/YYYY`, `MM/YYYY` or `YYYY`, where `00` marks an unknown day or month
    /// (UK OFSI style).
    pub fn parse_dd_mm_yyyy(s: &str) -> Result<DateSpec, String> {
        let t = s.trim();
        let parts: Vec<&str> = t.split('/').collect();
        let n = |p: &str| {
            p.trim()
                .parse::<u32>()
                .map_err(|_| format!("invalid date {t:?}: expected DD/MM/YYYY"))
        };
        let (d, m, y) = match parts.as_slice() {
            [d, m, y] => (n(d)?, n(m)?, n(y)?),
            [m, y] => (0, n(m)?, n(y)?),
            [y] => (0, 0, n(y)?),
            _ => return Err(format!("invalid date {t:?}: expected DD/MM/YYYY")),
        };
        let month = (m != 0).then_some(m as u8);
        let day = (d != 0 && month.is_some()).then_some(d as u8);
        Ok(DateSpec::single(PartialDate::new(y as i32, month, day)?))
    }

    /// Whether a query date can be this date (within the range, unknown parts matching).
    pub fn matches(&self, q: &PartialDate) -> bool {
        match &self.to {
            None => self.date.compatible(q),
            Some(to) => {
                let lo = (
                    self.date.year,
                    self.date.month.unwrap_or(1),
                    self.date.day.unwrap_or(1),
                );
                let hi = (to.year, to.month.unwrap_or(12), to.day.unwrap_or(31));
                let qlo = (q.year, q.month.unwrap_or(1), q.day.unwrap_or(1));
                let qhi = (q.year, q.month.unwrap_or(12), q.day.unwrap_or(31));
                qhi >= lo && qlo <= hi
            }
        }
    }
}

impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.circa {
            write!(f, "circa ")?;
        }
        write!(f, "{}", self.date)?;
        if let Some(to) = &self.to {
            write!(f, " to {to}")?;
        }
        Ok(())
    }
}

fn month_from_word(w: &str) -> Option<u8> {
    let w = w.trim_end_matches('.').to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    if w.len() < 3 {
        return None;
    }
    months
        .iter()
        .position(|m| w.starts_with(m))
        .map(|i| i as u8 + 1)
}

/// `10 Dec 1948`, `Dec 1948`, `1948`, or ISO forms.
fn parse_dmy_words(s: &str) -> Result<PartialDate, String> {
    let t = s.trim();
    if t.contains('-') && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return PartialDate::parse_iso(t);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let year = |w: &str| {
        w.parse::<i32>()
            .map_err(|_| format!("invalid year {w:?} in date {t:?}"))
    };
    match words.as_slice() {
        [y] => PartialDate::new(year(y)?, None, None),
        [m, y] => {
            let m =
                month_from_word(m).ok_or_else(|| format!("invalid month {m:?} in date {t:?}"))?;
            PartialDate::new(year(y)?, Some(m), None)
        }
        [d, m, y] => {
            let m =
                month_from_word(m).ok_or_else(|| format!("invalid month {m:?} in date {t:?}"))?;
            let d = d
                .parse::<u8>()
                .map_err(|_| format!("invalid day {d:?} in date {t:?}"))?;
            PartialDate::new(year(y)?, Some(m), Some(d))
        }
        _ => Err(format!("unrecognised date {t:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ofac_forms() {
        assert_eq!(
            DateSpec::parse_ofac("10 Dec 1948").unwrap().to_string(),
            "1948-12-10"
        );
        assert_eq!(
            DateSpec::parse_ofac("Dec 1948").unwrap().to_string(),
            "1948-12"
        );
        assert_eq!(
            DateSpec::parse_ofac("circa 1948").unwrap().to_string(),
            "circa 1948"
        );
        let r = DateSpec::parse_ofac("1960 to 1962").unwrap();
        assert_eq!(r.to_string(), "1960 to 1962");
        assert!(r.matches(&PartialDate::new(1961, Some(5), None).unwrap()));
        assert!(!r.matches(&PartialDate::new(1963, None, None).unwrap()));
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(PartialDate::parse_iso("1965-02-30").is_err());
        assert!(PartialDate::parse_iso("1965-13").is_err());
        assert!(PartialDate::parse_iso("1965-02-29").is_err());
        assert!(PartialDate::parse_iso("1964-02-29").is_ok());
        assert!(PartialDate::parse_iso("65").is_err());
    }

    #[test]
    fn uk_zero_parts_are_unknown() {
        assert_eq!(
            DateSpec::parse_dd_mm_yyyy("00/00/1980")
                .unwrap()
                .to_string(),
            "1980"
        );
        assert_eq!(
            DateSpec::parse_dd_mm_yyyy("00/03/1980")
                .unwrap()
                .to_string(),
            "1980-03"
        );
    }
}
