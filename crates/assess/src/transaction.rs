//! The transaction an exporter asks about: parties with roles, items, route, end use, payment,
//! ownership and the facts the red-flag rules read (field names follow red-flags.md §2).

use crate::ownership::Graph;
use serde::{Deserialize, Serialize};

/// A transaction.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    /// Caller's id.
    #[serde(default)]
    pub id: Option<String>,
    /// Evaluation date (YYYY-MM-DD); default today.
    #[serde(default)]
    pub date: Option<String>,
    /// The exporter.
    pub exporter: Exporter,
    /// Parties with roles.
    pub parties: Vec<Party>,
    /// Item lines.
    pub items: Vec<Item>,
    /// Route.
    pub route: Route,
    /// Declared end use and what is known about it.
    #[serde(default)]
    pub end_use: EndUse,
    /// Payment.
    #[serde(default)]
    pub payment: Payment,
    /// Ownership graph (party ids and owners).
    #[serde(default)]
    pub ownership: Option<Graph>,
    /// Owners in the graph that are not parties, with what screening needs (role `owner`).
    #[serde(default)]
    pub owners: Vec<Party>,
    /// Changes to ship-to, consignee, end user, routing or payer before dispatch.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Ordering channel.
    #[serde(default)]
    pub channel: Channel,
    /// Attestations by sales or warehouse staff (`unfamiliar_with_specs`,
    /// `packaging_inconsistent`, `ultimate_customer_clause_altered`).
    #[serde(default)]
    pub notes: Vec<String>,
    /// BIS letters naming parties (`supplier-list`, `project-guardian`, `red-flag`,
    /// `is-informed`).
    #[serde(default)]
    pub letters: Vec<Letter>,
    /// Contract terms.
    #[serde(default)]
    pub contract: Contract,
    /// Facts for licence exceptions and EU catch-alls (see `chokepoint determine --help`).
    #[serde(default)]
    pub facts: Vec<String>,
}

/// The exporter.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Exporter {
    /// Jurisdiction: `US` or an EU member state.
    pub country: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// A current, documented re-export risk assessment for high priority items (EU Art. 12gb).
    #[serde(default)]
    pub chp_risk_assessment: bool,
}

/// A party.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Id, as used in the ownership graph and by `payment.payer_party`.
    pub id: String,
    /// `purchaser`, `intermediate_consignee`, `ultimate_consignee`, `end_user`, `forwarder`,
    /// `payer`, `bank`, `agent`.
    pub role: String,
    /// Name.
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Country (ISO code or name).
    #[serde(default)]
    pub country: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<Address>,
    /// Identifiers (passport, LEI, IMO …).
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Birth or incorporation date (YYYY, YYYY-MM or YYYY-MM-DD) for screening.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Incorporation date (YYYY-MM-DD), for the business-background flags.
    #[serde(default)]
    pub incorporation_date: Option<String>,
    /// Country of registration.
    #[serde(default)]
    pub registration_country: Option<String>,
    /// Confirmed list status (`EL`, `DPL`, `UVL`, `MEU`, `SDN` …) from an earlier review.
    #[serde(default)]
    pub lists: Vec<String>,
    /// Entity List licence requirement, as printed.
    #[serde(default)]
    pub license_requirement: Option<String>,
    /// Entity List review policy, as printed.
    #[serde(default)]
    pub review_policy: Option<String>,
    /// Website.
    #[serde(default)]
    pub website: Option<String>,
    /// E-mail domain.
    #[serde(default)]
    pub email_domain: Option<String>,
    /// Country of the phone number.
    #[serde(default)]
    pub phone_country: Option<String>,
    /// Industry codes (what the party does).
    #[serde(default)]
    pub industry_codes: Vec<String>,
}

/// An address.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street.
    #[serde(default)]
    pub street: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// `residential`, `commercial`, `virtual_office`, `po_box`, `forwarder_warehouse`.
    #[serde(default)]
    pub geo_type: Option<String>,
}

/// An item line.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// ECCN with paragraph, or EAR99 (US exporters).
    #[serde(default)]
    pub eccn: Option<String>,
    /// Annex I entry or `none` (EU exporters).
    #[serde(default)]
    pub eu: Option<String>,
    /// Listed in Annex IV (intra-EU transfers).
    #[serde(default)]
    pub eu_annex_iv: Option<bool>,
    /// HS code.
    #[serde(default)]
    pub hs: Option<String>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<f64>,
    /// Unit price in US dollars.
    #[serde(default)]
    pub unit_price: Option<f64>,
    /// Market reference unit price, for the overpayment flag.
    #[serde(default)]
    pub reference_unit_price: Option<f64>,
    /// Sectors the item is typically used in (industry codes).
    #[serde(default)]
    pub typical_end_uses: Vec<String>,
    /// EAR99 food or medicine.
    #[serde(default)]
    pub food_or_medicine: bool,
    /// Rated supply voltage: `230`, `110/220` or a range such as `100-240` (KYC-14).
    #[serde(default, deserialize_with = "number_or_text")]
    pub voltage: Option<String>,
    /// Rated supply frequency in Hz: `60`, `50/60` (KYC-14).
    #[serde(default, deserialize_with = "number_or_text")]
    pub frequency_hz: Option<String>,
    /// IEC plug type letter (`A` … `N`) the item is fitted with (KYC-14).
    #[serde(default)]
    pub plug_type: Option<String>,
    /// The licence this line ships under (issued here or recorded with `chokepoint licences
    /// add`): checked for validity, destination, parties, item and remaining quantity and
    /// value, and drawn down when the shipment is cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
}

/// The route.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Origin country.
    #[serde(default)]
    pub origin: Option<String>,
    /// Transit and transshipment countries, in order.
    #[serde(default)]
    pub transit: Vec<String>,
    /// Destination (ship-to) country.
    pub destination: String,
    /// Region of the destination (`crimea`, `dnr`, `lnr`).
    #[serde(default)]
    pub region: Option<String>,
}

/// End use.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EndUse {
    /// `received`, `refused`, `incomplete`, `not_requested`.
    #[serde(default)]
    pub statement_status: Option<String>,
    /// The declared end use.
    #[serde(default)]
    pub declared_use: Option<String>,
    /// `none`, `stated`, `unknown`, `evasive`.
    #[serde(default)]
    pub reexport_intent: Option<String>,
    /// Installation, training or maintenance the customer declined.
    #[serde(default)]
    pub services_declined: Vec<String>,
    /// End uses the exporter knows of or has been told of (`nuclear`, `missile`,
    /// `chemical-biological`, `military`, `military-intelligence`).
    #[serde(default)]
    pub known: Vec<String>,
}

/// Payment.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// `wire`, `lc`, `cash`, `card`, `crypto`, `prepaid`, `other`.
    #[serde(default)]
    pub method: Option<String>,
    /// Paying party id.
    #[serde(default)]
    pub payer_party: Option<String>,
    /// Payer's country.
    #[serde(default)]
    pub payer_country: Option<String>,
    /// Country of the payer's bank.
    #[serde(default)]
    pub payer_bank_country: Option<String>,
    /// Consignee of a letter of credit (a party id, or `bank`).
    #[serde(default)]
    pub lc_consignee: Option<String>,
    /// Changes to the payment route before shipment.
    #[serde(default)]
    pub route_changes: Vec<Change>,
}

/// A change to a field before dispatch.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Field (`ship_to`, `consignee`, `end_user`, `routing`, `payer`, `destination`).
    #[serde(default)]
    pub field: String,
    /// Old value.
    #[serde(default)]
    pub old: Option<String>,
    /// New value.
    #[serde(default)]
    pub new: Option<String>,
    /// When.
    #[serde(default)]
    pub changed_at: Option<String>,
}

/// Ordering channel.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// Country of the order's IP address.
    #[serde(default)]
    pub order_ip_country: Option<String>,
    /// The IP is a known proxy.
    #[serde(default)]
    pub order_ip_is_proxy: bool,
}

/// A BIS letter naming parties.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Letter {
    /// `supplier-list`, `project-guardian`, `red-flag`, `is-informed`.
    pub kind: String,
    /// Party ids it names.
    pub parties: Vec<String>,
    /// Reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Contract terms.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// The contract prohibits re-export to Russia (EU Art. 12g).
    #[serde(default)]
    pub no_russia_clause: bool,
}

/// Reads a rating written as a JSON number (`120`) or as text (`"100-240"`).
fn number_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        serde_json::Value::String(t) => Ok(Some(t)),
        other => Err(serde::de::Error::custom(format!(
            "expected a rating such as 230, \"50/60\" or \"100-240\", found {other}"
        ))),
    }
}
