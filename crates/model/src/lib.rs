//! Canonical entity model shared by every Chokepoint crate.
//!
//! Every official list format is parsed into [`Entity`]; screening, determination and the store
//! only ever see this shape. Fields follow what the lists actually publish: dates are partial,
//! countries are ISO 3166 alpha-2, and the list's own reference numbers are kept verbatim so an
//! entity can always be traced back to the line of the official file it came from.
#![deny(missing_docs)]

pub mod country;
pub mod date;
pub mod decimal;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use date::{DateSpec, PartialDate};

/// What kind of party a list entry describes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A natural person.
    Person,
    /// A company, government body, group or other organisation.
    Organization,
    /// A ship.
    Vessel,
    /// An aircraft.
    Aircraft,
    /// The list does not say.
    #[default]
    Unknown,
}

impl Kind {
    /// Parses the CLI/API spelling (`person`, `organization`, `vessel`, `aircraft`).
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Some(Kind::Person),
            "organization" | "organisation" | "entity" | "company" => Some(Kind::Organization),
            "vessel" | "ship" => Some(Kind::Vessel),
            "aircraft" | "airplane" => Some(Kind::Aircraft),
            "unknown" | "" => Some(Kind::Unknown),
            _ => None,
        }
    }
    /// The canonical lower-case spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Organization => "organization",
            Kind::Vessel => "vessel",
            Kind::Aircraft => "aircraft",
            Kind::Unknown => "unknown",
        }
    }
}

/// How much weight the list itself gives a name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
pub enum NameQuality {
    /// The entry's primary (main) name.
    Primary,
    /// An alias the list marks strong / good quality.
    Strong,
    /// An alias the list marks weak (OFAC "weak a.k.a.").
    Weak,
    /// An alias the list marks low quality (UN "Low", OFAC advanced `LowQuality`).
    Low,
    /// The list gives no quality.
    #[default]
    Unknown,
}

/// Name parts where the list gives them separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct NameParts {
    /// Given name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
    /// Middle / second / patronymic names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    /// Family name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
}

impl NameParts {
    /// True when no part is set.
    pub fn is_empty(&self) -> bool {
        self.first.is_none() && self.middle.is_none() && self.last.is_none()
    }
}

/// One name of an entity: the primary name or an alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// The full name as written by the list.
    pub full: String,
    /// Primary, strong, weak, low …
    pub quality: NameQuality,
    /// The list's alias type where given (`aka`, `fka`, `nka`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_type: Option<String>,
    /// Script of the name (`Latin`, `Cyrillic`, `Arabic` …), from the list or detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    /// Language of the name where the list gives it (ISO 639-1, as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Name parts where the list gives them.
    #[serde(default, skip_serializing_if = "NameParts::is_empty")]
    pub parts: NameParts,
}

impl Name {
    /// A name with only its full text and quality; the script is detected from the text.
    pub fn new(full: impl Into<String>, quality: NameQuality) -> Name {
        let full = full.into();
        let script = detect_script(&full).map(str::to_string);
        Name {
            full,
            quality,
            alias_type: None,
            script,
            lang: None,
            parts: NameParts::default(),
        }
    }
}

/// The dominant non-Latin script of a text, or `Latin` when it has letters and all are Latin.
pub fn detect_script(s: &str) -> Option<&'static str> {
    let mut latin = false;
    for c in s.chars() {
        let cp = c as u32;
        let script = match cp {
            0x0041..=0x024F | 0x1E00..=0x1EFF => {
                if c.is_alphabetic() {
                    latin = true;
                }
                continue;
            }
            0x0370..=0x03FF | 0x1F00..=0x1FFF => "Greek",
            0x0400..=0x052F => "Cyrillic",
            0x0530..=0x058F => "Armenian",
            0x0590..=0x05FF => "Hebrew",
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => "Arabic",
            0x10A0..=0x10FF => "Georgian",
            0x0E00..=0x0E7F => "Thai",
            0x1100..=0x11FF | 0xAC00..=0xD7AF | 0x3130..=0x318F => "Hangul",
            0x3040..=0x30FF => "Kana",
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => "Han",
            _ => continue,
        };
        return Some(script);
    }
    latin.then_some("Latin")
}

/// A postal address. Every part is optional because lists often give only a country or a city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    /// Street, building, P.O. box lines joined with ", ".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// City or town.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// State, province or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ISO 3166 alpha-2 country code, when the country could be resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The country as the list wrote it, when it could not be resolved to a code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_text: Option<String>,
}

impl Address {
    /// True when no part is set.
    pub fn is_empty(&self) -> bool {
        self.street.is_none()
            && self.city.is_none()
            && self.postal_code.is_none()
            && self.region.is_none()
            && self.country.is_none()
            && self.country_text.is_none()
    }

    /// Sets `country` (ISO code) or, failing that, `country_text` from a list's country text.
    pub fn set_country(&mut self, text: &str) {
        let t = text.trim();
        if t.is_empty() {
            return;
        }
        match country::to_iso2(t) {
            Some(c) => self.country = Some(c.to_string()),
            None => self.country_text = Some(t.to_string()),
        }
    }
}

/// An identifier such as a passport number, IMO number or LEI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identifier {
    /// Canonical type: `passport`, `national_id`, `tax_id`, `registration`, `imo`, `mmsi`, `lei`,
    /// `bic`, `crypto`, `other` … (see [`id_type`]).
    pub kind: String,
    /// The list's own label for the identifier type, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The identifier as written.
    pub value: String,
    /// Issuing country, ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Free-text note (issue/expiry dates, "diplomatic", "fraudulent" …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Maps a list's identifier label to a canonical identifier kind.
pub fn id_type(label: &str) -> &'static str {
    let l = label.to_ascii_lowercase();
    let has = |s: &str| l.contains(s);
    if has("diplomatic passport") || has("passport") {
        "passport"
    } else if has("imo") || l == "vessel registration identification" {
        "imo"
    } else if has("mmsi") {
        "mmsi"
    } else if has("legal entity number") || l == "lei" || has("legal entity identifier") {
        "lei"
    } else if has("swift") || has("bic") && !has("bik") {
        "bic"
    } else if has("digital currency address") || has("crypto") {
        "crypto"
    } else if has("tax")
        || has("inn")
        || has("vat")
        || has("v.a.t.")
        || has("fiscal")
        || l == "r.f.c."
        || l == "rfc"
        || has("nit #")
        || has("ruc #")
        || has("rif #")
    {
        "tax_id"
    } else if has("national id")
        || has("national identification")
        || has("cedula")
        || has("c.u.r.p.")
        || has("d.n.i.")
        || has("personal id")
        || has("identity card")
        || l == "id"
        || has("nationality id")
    {
        "national_id"
    } else if has("registration")
        || has("regnumber")
        || has("company number")
        || has("business")
        || has("commercial registry")
        || has("ogrn")
        || has("unified social credit")
        || has("chamber of commerce")
        || has("enterprise number")
    {
        "registration"
    } else if has("email") {
        "email"
    } else if has("website") {
        "website"
    } else if has("phone") {
        "phone"
    } else {
        "other"
    }
}

/// A relation the list gives between two entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// `owned_by`, `linked_to`, `acting_for` … or the list's own wording.
    pub relation: String,
    /// The other entity's id where the list identifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// The other entity's name as the list gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A listed party, in the canonical shape every parser produces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Entity {
    /// Stable id: `ofac:<uid>`, `eu:<logicalId>`, `un:<DATAID>`, `uk:<Group ID>`, `csl:<_id>`,
    /// `bis-dpl:<key>`, `ftm:<id>`.
    pub id: String,
    /// Person, organisation, vessel, aircraft or unknown.
    pub kind: Kind,
    /// The primary name (also present in `names` with quality `primary`).
    pub name: String,
    /// Every name, primary first.
    pub names: Vec<Name>,
    /// `male`, `female` or as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birth dates (or incorporation dates for organisations where the list calls them so).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<DateSpec>,
    /// Places of birth, as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<String>,
    /// Nationalities, ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<String>,
    /// Citizenships, ISO 3166 alpha-2.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenships: Vec<String>,
    /// Addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    /// Identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// Sanctions programmes / regimes as the list names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    /// Date the entry was listed (ISO 8601 date) where the list says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<String>,
    /// Remarks and other free text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
    /// Relations to other entities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// The list's own reference numbers (UN reference such as `QDi.001`, EU reference …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// Where the list is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Source-specific fields kept verbatim (CSL `source`, `license_requirement`, `license_policy`,
    /// vessel call sign, flag, tonnage …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

impl Entity {
    /// A new entity with its id, kind and primary name.
    pub fn new(id: impl Into<String>, kind: Kind, name: impl Into<String>) -> Entity {
        let name = name.into();
        Entity {
            id: id.into(),
            kind,
            names: vec![Name::new(name.clone(), NameQuality::Primary)],
            name,
            ..Default::default()
        }
    }

    /// Adds an alias unless the same text is already present.
    pub fn add_alias(&mut self, name: Name) {
        if name.full.trim().is_empty() || self.names.iter().any(|n| n.full == name.full) {
            return;
        }
        self.names.push(name);
    }

    /// Adds a country (resolved to ISO) to `nationalities`, ignoring duplicates and unknowns.
    pub fn add_nationality(&mut self, text: &str) {
        if let Some(c) = country::to_iso2(text) {
            push_unique(&mut self.nationalities, c.to_string());
        }
    }

    /// Adds a country (resolved to ISO) to `citizenships`.
    pub fn add_citizenship(&mut self, text: &str) {
        if let Some(c) = country::to_iso2(text) {
            push_unique(&mut self.citizenships, c.to_string());
        }
    }

    /// Adds an identifier unless an identical one is present.
    pub fn add_identifier(&mut self, id: Identifier) {
        if id.value.trim().is_empty() || self.identifiers.contains(&id) {
            return;
        }
        self.identifiers.push(id);
    }

    /// Folds another record of the same party into this one (lists sometimes publish one party
    /// as several records, e.g. the EU file repeats an entity under each regime).
    pub fn merge(&mut self, other: Entity) {
        for n in other.names {
            let mut n = n;
            if n.quality == NameQuality::Primary {
                n.quality = NameQuality::Strong;
            }
            self.add_alias(n);
        }
        if self.kind == Kind::Unknown {
            self.kind = other.kind;
        }
        self.gender = self.gender.take().or(other.gender);
        for d in other.birth_dates {
            if !self.birth_dates.contains(&d) {
                self.birth_dates.push(d);
            }
        }
        for v in other.birth_places {
            push_unique(&mut self.birth_places, v);
        }
        for v in other.nationalities {
            push_unique(&mut self.nationalities, v);
        }
        for v in other.citizenships {
            push_unique(&mut self.citizenships, v);
        }
        for a in other.addresses {
            if !self.addresses.contains(&a) {
                self.addresses.push(a);
            }
        }
        for i in other.identifiers {
            self.add_identifier(i);
        }
        for v in other.programs {
            push_unique(&mut self.programs, v);
        }
        for v in other.remarks {
            push_unique(&mut self.remarks, v);
        }
        for v in other.references {
            push_unique(&mut self.references, v);
        }
        for l in other.links {
            if !self.links.contains(&l) {
                self.links.push(l);
            }
        }
        if let Some(d) = other.listed_on {
            if self.listed_on.as_ref().is_none_or(|cur| &d < cur) {
                self.listed_on = Some(d);
            }
        }
        self.source_url = self.source_url.take().or(other.source_url);
        for (k, v) in other.extra {
            self.extra.entry(k).or_insert(v);
        }
    }

    /// The source prefix of the id (`ofac`, `eu`, `un`, `uk`, `csl`, `bis-dpl`, `ftm`).
    pub fn id_prefix(&self) -> &str {
        self.id.split(':').next().unwrap_or("")
    }
}

/// Pushes `v` unless it is already in `list`.
pub fn push_unique(list: &mut Vec<String>, v: String) {
    if !v.is_empty() && !list.contains(&v) {
        list.push(v);
    }
}

/// Normalises a gender as lists write it to `male` / `female`, or keeps the text.
pub fn normalise_gender(s: &str) -> Option<String> {
    let t = s.trim().to_ascii_lowercase();
    match t.as_str() {
        "" => None,
        "m" | "male" | "man" => Some("male".into()),
        "f" | "female" | "woman" => Some("female".into()),
        _ => Some(t),
    }
}
