//! Country names as the lists write them → ISO 3166-1 alpha-2.
//!
//! The table is data (`data/countries.tsv`, generated from the datasets/country-codes package,
//! and `data/countries_aliases.tsv`, the spellings lists use that ISO does not: "Korea, North",
//! "Burma", "Palestinian" …), embedded at compile time.

use std::collections::HashMap;
use std::sync::OnceLock;

struct Table {
    by_name: HashMap<String, &'static str>,
    codes: HashMap<String, &'static str>,
    names: HashMap<&'static str, &'static str>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Table {
            by_name: HashMap::new(),
            codes: HashMap::new(),
            names: HashMap::new(),
        };
        let iso = include_str!("../data/countries.tsv");
        let aliases = include_str!("../data/countries_aliases.tsv");
        for line in iso
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut f = line.split('\t');
            let (Some(a2), Some(a3), Some(names)) = (f.next(), f.next(), f.next()) else {
                continue;
            };
            t.codes.insert(a2.to_string(), a2);
            t.codes.insert(a3.to_string(), a2);
            if let Some(first) = names.split('|').next() {
                t.names.insert(a2, first);
            }
            for n in names.split('|') {
                t.by_name.entry(key(n)).or_insert(a2);
            }
        }
        for line in aliases
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut f = line.split('\t');
            let (Some(a2), Some(names)) = (f.next(), f.next()) else {
                continue;
            };
            t.codes.entry(a2.to_string()).or_insert(a2);
            if a2 == "XK" {
                t.names.insert(a2, "Kosovo");
            }
            for n in names.split('|') {
                // Aliases override: "Congo" on the lists means the Republic of the Congo.
                t.by_name.insert(key(n), a2);
            }
        }
        t
    })
}

/// Lower-cases, folds common Latin accents, drops punctuation and a leading/trailing "the".
fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' | 'Å' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            '’' | '\'' => continue,
            c => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    let mut k = out.trim().to_string();
    if let Some(rest) = k.strip_prefix("the ") {
        k = rest.to_string();
    }
    if let Some(rest) = k.strip_suffix(" the") {
        k = rest.to_string();
    }
    k
}

/// Resolves a country name or ISO code (alpha-2 or alpha-3) to ISO 3166-1 alpha-2.
pub fn to_iso2(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let tab = table();
    // Codes: FtM writes them lower-case ("cd"), the lists upper-case.
    if (t.len() == 2 || t.len() == 3) && t.chars().all(|c| c.is_ascii_alphabetic()) {
        if let Some(c) = tab.codes.get(&t.to_ascii_uppercase()) {
            return Some(c);
        }
    }
    tab.by_name.get(&key(t)).copied()
}

/// True when `code` is a known alpha-2 code.
pub fn is_iso2(code: &str) -> bool {
    code.len() == 2 && table().codes.get(code).is_some_and(|c| *c == code)
}

/// The English short name of an alpha-2 code.
pub fn name(code: &str) -> Option<&'static str> {
    table().names.get(code).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_list_spellings() {
        assert_eq!(to_iso2("Korea, North"), Some("KP"));
        assert_eq!(to_iso2("Democratic People's Republic of Korea"), Some("KP"));
        assert_eq!(to_iso2("Russia"), Some("RU"));
        assert_eq!(to_iso2("Iran (Islamic Republic of)"), Some("IR"));
        assert_eq!(to_iso2("Burma"), Some("MM"));
        assert_eq!(to_iso2("United Republic of Tanzania"), Some("TZ"));
        assert_eq!(to_iso2("Côte d'Ivoire"), Some("CI"));
        assert_eq!(to_iso2("IRAQ"), Some("IQ"));
        assert_eq!(to_iso2("DEU"), Some("DE"));
        assert_eq!(to_iso2("Atlantis"), None);
        assert!(is_iso2("AF"));
        assert!(!is_iso2("ZZ"));
    }
}
