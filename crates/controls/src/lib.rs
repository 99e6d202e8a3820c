//! Licence determination under the US Export Administration Regulations: does this item, to
//! this destination, for this end use and these parties, need a licence?
//!
//! The law lives in data (`data/controls/`, see [`data`]): the Commerce Control List with its
//! licence-requirement rows, the Country Chart, the Country Groups, the Part 746 embargoes,
//! end-user and end-use controls, and the conditions of the licence exceptions — each with its
//! citation and dates. The engine walks the order of review of Part 732 over that data:
//! parties (General Prohibition 4, Entity List, Unverified List, MEU, SDN), end uses (Part
//! 744), embargoes (Part 746), the chart (General Prohibition 1, 738.4), then licence
//! exceptions (Part 740) against each requirement they may overcome. Every finding carries its
//! citation; a fact the engine needs and does not have makes the answer INDETERMINATE, never
//! NLR (primer rule 0.2).
#![deny(missing_docs)]

pub mod classify;
pub mod data;
mod engine;
mod eu;

pub use engine::determine;

/// The six-digit HS heading of a code written any way (`8542.31`, `854231`, `8542 31 90`):
/// the level at which the common high priority list is kept.
pub fn hs6(code: &str) -> String {
    code.chars().filter(char::is_ascii_digit).take(6).collect()
}

use serde::{Deserialize, Serialize};

/// The outcome of a determination, from the most permissive to the strictest; a roll-up takes
/// the strictest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// No licence required.
    Nlr,
    /// A licence requirement exists and licence exceptions overcome all of it.
    LicenseExceptionAvailable,
    /// A licence is required.
    LicenseRequired,
    /// A fact is missing or a rule is not machine-readable: decide by hand.
    Indeterminate,
    /// No licence can authorise it (a denial order, a blocked party).
    Prohibited,
}

impl Outcome {
    /// The code, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Nlr => "NLR",
            Outcome::LicenseExceptionAvailable => "LICENSE_EXCEPTION_AVAILABLE",
            Outcome::LicenseRequired => "LICENSE_REQUIRED",
            Outcome::Indeterminate => "INDETERMINATE",
            Outcome::Prohibited => "PROHIBITED",
        }
    }
}

/// What is being done with the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Activity {
    /// Shipment or transmission out of the US (734.13).
    #[default]
    Export,
    /// From one foreign country to another (734.14).
    Reexport,
    /// Change of end use or end user within a foreign country (734.16).
    Transfer,
    /// Release of technology or source code to a foreign person in the US (734.13(b)).
    DeemedExport,
}

/// One item line.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// ECCN with paragraph (`2B001.a`, `3A001.b.2`), or `EAR99`.
    pub eccn: Option<String>,
    /// What it is, for the record.
    #[serde(default)]
    pub description: Option<String>,
    /// Net value in US dollars of this line (for LVS: commodities of the same ECCN in the same
    /// order).
    #[serde(default)]
    pub value: Option<f64>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<f64>,
    /// HS code.
    #[serde(default)]
    pub hs: Option<String>,
    /// EAR99 food or medicine (carved out of the North Korea, Syria and Crimea embargoes).
    #[serde(default)]
    pub food_or_medicine: bool,
    /// EU exporters: the Annex I entry of Regulation 2021/821 (`2B001`), or `none` for an item
    /// not listed in Annex I.
    #[serde(default)]
    pub eu: Option<String>,
    /// EU exporters, intra-EU transfers: whether the item is listed in Annex IV.
    #[serde(default)]
    pub eu_annex_iv: Option<bool>,
}

/// A party to the transaction and what screening found.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Name.
    pub name: String,
    /// Role (`purchaser`, `intermediate_consignee`, `ultimate_consignee`, `end_user`,
    /// `forwarder` …).
    #[serde(default)]
    pub role: Option<String>,
    /// Whether the party was screened; `false` makes the answer INDETERMINATE.
    #[serde(default = "yes")]
    pub screened: bool,
    /// Lists the party is on: `DPL`, `EL`, `UVL`, `MEU`, `SDN` (CSL source codes).
    #[serde(default)]
    pub lists: Vec<String>,
    /// The Entity List entry's licence requirement, as printed.
    #[serde(default)]
    pub license_requirement: Option<String>,
    /// The Entity List entry's licence review policy, as printed.
    #[serde(default)]
    pub review_policy: Option<String>,
}

fn yes() -> bool {
    true
}

/// A determination request.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// Exporter jurisdiction: `US` (the default, EAR) or an EU member state (Regulation
    /// 2021/821 and the Russia/Belarus sanctions).
    #[serde(default)]
    pub from: Option<String>,
    /// Destination country (ISO code or name). For a deemed export, the person's
    /// citizenships stand for the destination.
    #[serde(default)]
    pub destination: Option<String>,
    /// Sub-country region of the destination: `crimea`, `dnr`, `lnr`.
    #[serde(default)]
    pub region: Option<String>,
    /// What is being done.
    #[serde(default)]
    pub activity: Activity,
    /// Citizenships (and permanent residencies) of the person, for a deemed export.
    #[serde(default)]
    pub citizenships: Vec<String>,
    /// Item lines.
    pub items: Vec<Item>,
    /// Parties and their list status.
    #[serde(default)]
    pub parties: Vec<Party>,
    /// End uses the exporter knows of or has been told of: `nuclear`, `missile`,
    /// `chemical-biological`, `military`, `military-intelligence`.
    #[serde(default)]
    pub end_uses: Vec<String>,
    /// Facts that licence exceptions need (`gift-parcel`, `temporary-export` …), and for EU
    /// exporters the notices and knowledge behind the catch-alls (`notice-wmd`,
    /// `notice-military-embargo`, `notice-cyber-surveillance`, `aware-wmd` …) and
    /// `registered-ugea`.
    #[serde(default)]
    pub facts: Vec<String>,
    /// Evaluation date, YYYY-MM-DD; the default is today.
    #[serde(default)]
    pub date: Option<String>,
}

/// A reason a licence is required (or the transaction prohibited).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reason {
    /// `NS2`, `746.9(a)`, `EL`, `GP4` …
    pub code: String,
    /// Where the rule is.
    pub citation: String,
    /// The rule in words, with the facts that triggered it.
    pub text: String,
    /// Licence review policy, when the rule states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_policy: Option<String>,
    /// Caveat: a fact the rule rests on that the primer could not verify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
    /// The transaction cannot be authorised.
    #[serde(skip)]
    prohibits: bool,
    /// Exceptions allowed to overcome it (None: the general Part 740 exceptions).
    #[serde(skip)]
    allowed: Option<Vec<String>>,
    /// Reason for control (`NS` for `NS2`), for exceptions limited to some reasons.
    #[serde(skip)]
    family: String,
}

/// A licence exception that overcomes requirements.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExceptionAvailable {
    /// `GBS`, `LVS`, `SPP` …
    pub code: String,
    /// Section.
    pub citation: String,
    /// Requirement codes it overcomes.
    pub covers: Vec<String>,
    /// Duties that come with it, which the engine cannot check.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub obligations: Vec<String>,
    /// Caveat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unverified: Option<String>,
}

/// A licence exception considered and not available.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExceptionRejected {
    /// Code.
    pub code: String,
    /// Section.
    pub citation: String,
    /// The condition that failed.
    pub failed: String,
}

/// One step of the reasoning.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Step {
    /// What was checked and found.
    pub finding: String,
    /// Where the rule is.
    pub citation: String,
}

/// The determination of one item line.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Line {
    /// The item as classified.
    pub item: String,
    /// The line's outcome.
    pub outcome: Outcome,
    /// Why a licence is required or the line prohibited.
    pub reasons: Vec<Reason>,
    /// Licence exceptions that overcome the requirements.
    pub exceptions_available: Vec<ExceptionAvailable>,
    /// Licence exceptions considered and not available, with the failed condition.
    pub exceptions_rejected: Vec<ExceptionRejected>,
    /// Facts needed and missing, or rules to decide by hand (INDETERMINATE).
    pub missing: Vec<String>,
    /// Duties that come with the outcome (UVL statement, AES filing …).
    pub obligations: Vec<String>,
    /// The reasoning, in order.
    pub steps: Vec<Step>,
}

/// Versions of the data a determination rests on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DataVersions {
    /// CCL (eCFR issue date); US determinations.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ccl: String,
    /// Country Chart; US determinations.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country_chart: String,
    /// Country Groups; US determinations.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country_groups: String,
    /// The hand-kept rules and the first date they answer for.
    pub rules: String,
}

/// A determination: per line and rolled up (the strictest wins).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Determination {
    /// The strictest line outcome.
    pub outcome: Outcome,
    /// Evaluation date.
    pub date: String,
    /// Exporter jurisdiction.
    pub jurisdiction: String,
    /// Activity.
    pub activity: Activity,
    /// Destinations evaluated (ISO codes; several for a deemed export to a dual national).
    pub destinations: Vec<String>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Data versions.
    pub data_versions: DataVersions,
}

/// A request the engine cannot evaluate at all: bad input, not a missing fact.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum Error {
    /// A field is malformed or unknown.
    #[error("{field}: {message}")]
    Input {
        /// The field (`items[0].eccn`, `destination` …).
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    pub(crate) fn input(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Input {
            field: field.into(),
            message: message.into(),
        }
    }
}
