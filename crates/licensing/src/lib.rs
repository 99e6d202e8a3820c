//! The licensing authority's rules, read from `data/licensing/`: which role may move a licence
//! application from which state to which (`lifecycle.json`), and how each export-control
//! regime treats a partner's denial (`regimes.json`: consult before approving an essentially
//! identical transaction, or notify after; how long a denial counts). The matching of end users
//! is the screening engine's job; this crate decides what "essentially identical" means from
//! the facts it is given.
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// A party to an application or a denial.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Party {
    /// `end_user`, `consignee`, `intermediate_consignee`, `purchaser` … (applications).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    /// Name.
    pub name: String,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Country (ISO code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// An item line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Item {
    /// Control entry: ECCN (`2B001.a`), EU Annex I entry, or `EAR99`.
    pub control_entry: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<f64>,
    /// Value (in `currency`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// Currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A licence application as filed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Who applies (the exporter).
    pub exporter: Party,
    /// Parties, with their roles; at least an end user.
    pub parties: Vec<Party>,
    /// Item lines.
    pub items: Vec<Item>,
    /// Destination country (ISO code).
    pub destination: String,
    /// Declared end use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_use: Option<String>,
}

impl Application {
    /// Checks what a submission needs; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.exporter.name.trim().is_empty() {
            return Err("exporter.name: empty".into());
        }
        if self.exporter.country.as_deref().unwrap_or("").trim().len() != 2 {
            return Err("exporter.country: the exporter's ISO country code is needed (it decides the rules that apply)".into());
        }
        if self.destination.trim().len() != 2 {
            return Err(format!(
                "destination: {:?} is not an ISO country code",
                self.destination
            ));
        }
        if self.items.is_empty() {
            return Err("items: an application needs at least one item".into());
        }
        for (i, it) in self.items.iter().enumerate() {
            if it.control_entry.trim().is_empty() {
                return Err(format!("items[{i}].control_entry: empty"));
            }
        }
        if !self.parties.iter().any(|p| p.role == "end_user") {
            return Err("parties: an application needs an end_user".into());
        }
        for (i, p) in self.parties.iter().enumerate() {
            if p.name.trim().is_empty() {
                return Err(format!("parties[{i}].name: empty"));
            }
        }
        Ok(())
    }
}

/// A denial: issued by this authority (`origin` = `own`) or notified by a partner (`origin` =
/// its country code).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Denial {
    /// The denying authority's reference.
    pub reference: String,
    /// `own` or the partner's ISO country code.
    pub origin: String,
    /// Regime (`NSG`, `MTCR`, `AG`, `WA`, `EU`).
    pub regime: String,
    /// Denied parties (end users, consignees) with names and addresses.
    pub parties: Vec<Party>,
    /// Items with their control entries.
    pub items: Vec<Item>,
    /// Destination country.
    pub destination: String,
    /// The regime's denial reason.
    pub reason: String,
    /// Date of the denial (YYYY-MM-DD).
    pub denied_on: String,
}

impl Denial {
    /// Checks a denial record; the error names the field.
    pub fn validate(&self) -> Result<(), String> {
        if self.reference.trim().is_empty() {
            return Err("reference: empty".into());
        }
        regime(&self.regime).ok_or_else(|| {
            format!(
                "regime: {:?} is not one of {}",
                self.regime,
                regimes()
                    .iter()
                    .map(|r| r.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        chrono::NaiveDate::parse_from_str(&self.denied_on, "%Y-%m-%d")
            .map_err(|_| format!("denied_on: {:?} is not a date", self.denied_on))?;
        if self.parties.is_empty() || self.parties.iter().any(|p| p.name.trim().is_empty()) {
            return Err("parties: a denial names at least one party".into());
        }
        if self.items.is_empty() {
            return Err("items: a denial names at least one item".into());
        }
        if self.destination.trim().len() != 2 {
            return Err(format!(
                "destination: {:?} is not an ISO country code",
                self.destination
            ));
        }
        Ok(())
    }
}

/// A regime's practice.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Regime {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `consult` or `notify_after`.
    pub no_undercut: String,
    /// Years a denial counts.
    pub validity_years: u32,
    /// Source.
    pub citation: String,
    /// What is not verified.
    #[serde(default)]
    pub unverified: Option<String>,
}

/// One allowed move.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Transition {
    /// From state.
    pub from: String,
    /// To state.
    pub to: String,
    /// Roles that may make it (admins may too).
    pub roles: Vec<String>,
    /// Conditions: `agencies`, `all_advice`, `note`, `recommendation`, `four_eyes`,
    /// `recommendation_approve`, `consultations_done`, `denial_reason`, `validity`.
    #[serde(default)]
    pub needs: Vec<String>,
    /// What runs on it: `assessment`, `no_undercut`.
    #[serde(default)]
    pub runs: Vec<String>,
}

#[derive(Deserialize)]
struct Regimes {
    regimes: Vec<Regime>,
}

#[derive(Deserialize)]
struct Lifecycle {
    transitions: Vec<Transition>,
}

/// The regimes.
pub fn regimes() -> &'static [Regime] {
    static R: OnceLock<Vec<Regime>> = OnceLock::new();
    R.get_or_init(|| {
        serde_json::from_str::<Regimes>(include_str!("../../../data/licensing/regimes.json"))
            .expect("shipped regimes.json")
            .regimes
    })
}

/// One regime by id.
pub fn regime(id: &str) -> Option<&'static Regime> {
    regimes().iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The lifecycle's transitions.
pub fn transitions() -> &'static [Transition] {
    static T: OnceLock<Vec<Transition>> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str::<Lifecycle>(include_str!("../../../data/licensing/lifecycle.json"))
            .expect("shipped lifecycle.json")
            .transitions
    })
}

/// The transition from `from` to `to` if `role` may make it; otherwise an error that says
/// which moves exist from `from` and who makes them.
pub fn transition(from: &str, to: &str, role: &str) -> Result<&'static Transition, String> {
    let t = transitions().iter().find(|t| t.from == from && t.to == to);
    match t {
        Some(t) if role == "admin" || t.roles.iter().any(|r| r == role) => Ok(t),
        Some(t) => Err(format!(
            "moving an application from {from} to {to} needs the role {}",
            t.roles.join(" or ")
        )),
        None => {
            let allowed: Vec<String> = transitions()
                .iter()
                .filter(|t| t.from == from)
                .map(|t| format!("{} ({})", t.to, t.roles.join("/")))
                .collect();
            Err(if allowed.is_empty() {
                format!("an application that is {from} cannot move any more")
            } else {
                format!(
                    "an application that is {from} cannot become {to}; it can become: {}",
                    allowed.join(", ")
                )
            })
        }
    }
}

/// Why an application is essentially identical to a denial.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Undercut {
    /// The denial's reference.
    pub denial: String,
    /// Its origin.
    pub origin: String,
    /// Its regime.
    pub regime: String,
    /// `consult` (approval waits for a recorded consultation) or `notify_after`.
    pub rule: String,
    /// Until when the denial counts.
    pub valid_until: String,
    /// The facts: shared control entries, destination, matching parties.
    pub why: Vec<String>,
    /// The regime's citation.
    pub citation: String,
}

fn entry_key(e: &str) -> String {
    e.trim().to_ascii_uppercase()
}

/// Whether two control entries are the same entry or one is a paragraph of the other
/// (`2B001` and `2B001.a`).
pub fn same_entry(a: &str, b: &str) -> bool {
    let (a, b) = (entry_key(a), entry_key(b));
    a == b || a.starts_with(&format!("{b}.")) || b.starts_with(&format!("{a}."))
}

/// Whether `app` is essentially identical to `denial` on `date`: the denial is still valid,
/// the destination is the same, an item has the same control entry, and a party of the
/// application matches a denied party — `party_match(application party, denied party)` is
/// the screening engine's verdict (a score at or above its alert threshold), not string
/// equality.
pub fn essentially_identical(
    app: &Application,
    denial: &Denial,
    date: &str,
    party_match: &dyn Fn(&Party, &Party) -> Option<f32>,
) -> Option<Undercut> {
    let regime = regime(&denial.regime)?;
    let denied = chrono::NaiveDate::parse_from_str(&denial.denied_on, "%Y-%m-%d").ok()?;
    let until = denied
        .checked_add_months(chrono::Months::new(12 * regime.validity_years))
        .unwrap_or(denied);
    let today = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    if today < denied || today > until {
        return None;
    }
    if !app.destination.eq_ignore_ascii_case(&denial.destination) {
        return None;
    }
    let mut why = vec![format!("same destination {}", denial.destination)];
    let entries: Vec<String> = app
        .items
        .iter()
        .flat_map(|a| {
            denial
                .items
                .iter()
                .filter(move |d| same_entry(&a.control_entry, &d.control_entry))
                .map(move |d| format!("{} ~ denied {}", a.control_entry, d.control_entry))
        })
        .collect();
    if entries.is_empty() {
        return None;
    }
    why.push(format!("same control entry: {}", entries.join(", ")));
    let mut parties = Vec::new();
    for p in &app.parties {
        for d in &denial.parties {
            if let Some(score) = party_match(p, d) {
                parties.push(format!(
                    "{} {:?} matches denied {:?} (score {score:.2})",
                    if p.role.is_empty() { "party" } else { &p.role },
                    p.name,
                    d.name
                ));
            }
        }
    }
    if parties.is_empty() {
        return None;
    }
    why.extend(parties);
    Some(Undercut {
        denial: denial.reference.clone(),
        origin: denial.origin.clone(),
        regime: regime.id.clone(),
        rule: regime.no_undercut.clone(),
        valid_until: until.to_string(),
        why,
        citation: regime.citation.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_moves_say_what_is_allowed() {
        assert!(transition("draft", "submitted", "applicant").is_ok());
        let e = transition("draft", "approved", "approver").unwrap_err();
        assert!(
            e.contains("cannot become approved") && e.contains("submitted (applicant)"),
            "{e}"
        );
        let e = transition("recommended", "approved", "case_officer").unwrap_err();
        assert!(e.contains("needs the role approver"), "{e}");
        assert!(transition("issued", "draft", "admin")
            .unwrap_err()
            .contains("cannot move"));
    }

    #[test]
    fn denial_validity_follows_the_regime() {
        let app = Application {
            exporter: Party {
                name: "E".into(),
                country: Some("US".into()),
                ..Default::default()
            },
            parties: vec![Party {
                role: "end_user".into(),
                name: "X".into(),
                ..Default::default()
            }],
            items: vec![Item {
                control_entry: "2B001.a".into(),
                ..Default::default()
            }],
            destination: "IR".into(),
            end_use: None,
        };
        let denial = Denial {
            reference: "D1".into(),
            origin: "FR".into(),
            regime: "NSG".into(),
            parties: vec![Party {
                name: "X".into(),
                ..Default::default()
            }],
            items: vec![Item {
                control_entry: "2B001".into(),
                ..Default::default()
            }],
            destination: "IR".into(),
            reason: "r".into(),
            denied_on: "2024-03-01".into(),
        };
        let same = |_: &Party, _: &Party| Some(1.0);
        let never = |_: &Party, _: &Party| None;
        // NSG: three years.
        assert!(essentially_identical(&app, &denial, "2027-02-28", &same).is_some());
        assert!(essentially_identical(&app, &denial, "2027-03-02", &same).is_none());
        assert!(essentially_identical(&app, &denial, "2026-01-01", &never).is_none());
        let mut other = app.clone();
        other.destination = "SY".into();
        assert!(essentially_identical(&other, &denial, "2026-01-01", &same).is_none());
        other = app.clone();
        other.items[0].control_entry = "2B006".into();
        assert!(essentially_identical(&other, &denial, "2026-01-01", &same).is_none());
    }
}
