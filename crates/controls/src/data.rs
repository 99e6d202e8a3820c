//! The reference data, as shipped in `data/controls/` (see its PROVENANCE.md): the Commerce
//! Control List with structured licence-requirement rows, the Country Chart, the Country
//! Groups, and the hand-kept rules (embargoes, end-user controls, licence-exception
//! conditions). Everything is loaded once, read-only, and shared.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::OnceLock;

static CCL_GZ: &[u8] = include_bytes!("../../../data/controls/ear/ccl.json.gz");
static CHART: &str = include_str!("../../../data/controls/ear/country-chart.json");
static GROUPS: &str = include_str!("../../../data/controls/ear/country-groups.json");
static RULES: &str = include_str!("../../../data/controls/ear/rules.json");
static OVERRIDES: &str = include_str!("../../../data/controls/ear/ccl-overrides.json");
static EU_RULES: &str = include_str!("../../../data/controls/eu/rules.json");

/// Which paragraphs of an ECCN a licence-requirement row covers.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct Scope {
    /// The whole entry.
    #[serde(default)]
    pub all: bool,
    /// Only these paragraphs (`a`, `z.1.a` …) and their sub-paragraphs.
    #[serde(default)]
    pub only: Option<Vec<String>>,
    /// The whole entry except these paragraphs.
    #[serde(default)]
    pub except: Option<Vec<String>>,
    /// Carve-outs written in prose (e.g. 2B001 NP: "turning machines … no greater than 35 mm").
    #[serde(default)]
    pub carve_out: Option<String>,
    /// A scope written in prose that the data does not resolve; applied fail-closed.
    #[serde(default)]
    pub prose: Option<String>,
}

/// Where a licence-requirement row requires a licence.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct DestRule {
    /// A Country Chart column (`NS2`).
    #[serde(default)]
    pub column: Option<String>,
    /// Every destination.
    #[serde(default)]
    pub worldwide: bool,
    /// Named destinations.
    #[serde(default)]
    pub countries: Option<Vec<String>>,
    /// Destinations in these Country Groups.
    #[serde(default)]
    pub groups: Option<Vec<String>>,
    /// …excluding destinations in these groups.
    #[serde(default)]
    pub except_groups: Option<Vec<String>>,
    /// …excluding these destinations.
    #[serde(default)]
    pub except_countries: Option<Vec<String>>,
    /// The UN arms-embargo destinations of 746.1(b).
    #[serde(default)]
    pub un: bool,
    /// A pointer to a Part 746 section evaluated on its own (`746.8`).
    #[serde(default)]
    pub see: Option<String>,
    /// Only for this paragraph of the entry.
    #[serde(default)]
    pub paragraph: Option<String>,
    /// A destination rule in prose the data does not resolve.
    #[serde(default)]
    pub prose: Option<String>,
    /// A further reference printed with the column.
    #[serde(default)]
    pub note: Option<String>,
}

/// One licence-requirement row of an ECCN.
#[derive(Debug, Clone, Deserialize)]
pub struct Row {
    /// Reason for control (`NS`, `NP`, `AT` …).
    pub reason: Option<String>,
    /// Paragraphs covered.
    pub scope: Scope,
    /// Destinations.
    pub dest: DestRule,
    /// The row as printed in the CCL.
    pub text: String,
    /// Not machine-readable: the engine answers INDETERMINATE when it could apply.
    #[serde(default)]
    pub manual: bool,
}

/// A licence-exception flag of an ECCN (`LVS: $5000`, `GBS: Yes` …).
#[derive(Debug, Clone, Deserialize)]
pub struct Flag {
    /// `Yes`.
    #[serde(default)]
    pub yes: bool,
    /// A value limit in US dollars (LVS).
    #[serde(default)]
    pub value: Option<u64>,
    /// Not available when one of these reasons is triggered (`Yes, except N/A for MT`).
    #[serde(default)]
    pub except_reasons: Vec<String>,
    /// Eligibility written in prose (paragraph-limited); not applied automatically.
    #[serde(default)]
    pub prose: Option<String>,
}

/// One ECCN of the Commerce Control List.
#[derive(Debug, Clone, Deserialize)]
pub struct Entry {
    /// `2B001`.
    pub eccn: String,
    /// Heading text.
    pub heading: String,
    /// Reasons for control as printed.
    pub reasons: Vec<String>,
    /// Licence-requirement rows.
    pub rows: Vec<Row>,
    /// LVS value limit.
    pub lvs: Option<Flag>,
    /// GBS eligibility.
    pub gbs: Option<Flag>,
    /// TSR eligibility.
    pub tsr: Option<Flag>,
    /// No licence exception at all (738.3(a)(1)).
    #[serde(default)]
    pub no_exceptions: bool,
    /// The entry's special conditions for License Exception STA, as printed.
    #[serde(default)]
    pub sta: Option<String>,
    /// Only GOV for US-government consignees (738.3(a)(1)).
    #[serde(default)]
    pub gov_only: bool,
    /// Subject to the ITAR: outside the EAR.
    #[serde(default)]
    pub itar: bool,
    /// Why the entry's requirements cannot be read from the data, if they cannot.
    pub manual: Option<String>,
    /// Set when the rows come from the hand-kept overrides and carry a caveat.
    #[serde(skip)]
    pub unverified: Option<String>,
    /// Top-level paragraph texts (categories 1, 3, 4, 5 only), for classification help.
    #[serde(default)]
    pub paragraphs: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct CclFile {
    effective: String,
    citation: String,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Override {
    citation: String,
    unverified: Option<String>,
    rows: Vec<Row>,
}

#[derive(Deserialize)]
struct OverrideFile {
    entries: HashMap<String, Override>,
}

/// A Country Chart row.
#[derive(Debug, Clone, Deserialize)]
pub struct ChartRow {
    /// The destination as the chart names it.
    pub name: String,
    /// Columns marked X (`NS1`, `CB2` …).
    pub marks: Vec<String>,
    /// Footnote numbers.
    pub footnotes: Vec<u32>,
}

/// An embargoed destination's row: a pointer to Part 746 instead of marks.
#[derive(Debug, Clone, Deserialize)]
pub struct PointerRow {
    /// The destination as the chart names it.
    pub name: String,
    /// The pointer text.
    pub pointer: String,
}

/// A destination that follows another's row (Hong Kong → China …).
#[derive(Debug, Clone, Deserialize)]
pub struct Territory {
    /// The row it follows.
    pub row: String,
    /// Why.
    pub basis: String,
}

/// The Commerce Country Chart.
#[derive(Debug, Clone, Deserialize)]
pub struct Chart {
    /// eCFR issue date of the text.
    pub effective: String,
    /// Citation.
    pub citation: String,
    /// Rows by ISO alpha-2 code.
    pub rows: HashMap<String, ChartRow>,
    /// Embargoed rows by ISO code.
    pub pointer_rows: HashMap<String, PointerRow>,
    /// Footnote texts by number.
    pub footnotes: HashMap<String, String>,
    /// Destinations that follow another row.
    pub territories: HashMap<String, Territory>,
}

/// The Country Groups of Supp. 1 to Part 740.
#[derive(Debug, Clone, Deserialize)]
pub struct Groups {
    /// eCFR issue date of the text.
    pub effective: String,
    /// Citation.
    pub citation: String,
    /// Members (ISO codes) by group (`A:5`, `B`, `D:1` …).
    pub groups: HashMap<String, Vec<String>>,
}

/// The range of dates the data can answer for.
#[derive(Debug, Clone, Deserialize)]
pub struct DataRange {
    /// First date.
    pub from: String,
    /// Why it starts there.
    pub why: String,
}

/// A Part 746 embargo or special control.
#[derive(Debug, Clone, Deserialize)]
pub struct Embargo {
    /// Section (`746.9`).
    pub id: String,
    /// Destinations (ISO codes).
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Sub-country regions (`crimea`, `dnr`, `lnr`).
    #[serde(default)]
    pub regions: Vec<String>,
    /// First day in force.
    pub valid_from: Option<String>,
    /// Last day in force.
    pub valid_to: Option<String>,
    /// `all`, `all_but_ear99_food_medicine` or `ccl`.
    pub scope: String,
    /// Citation.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
    /// Licence review policy.
    pub review_policy: Option<String>,
    /// The only licence exceptions usable for this destination.
    pub exceptions: Vec<String>,
    /// Deemed exports of EAR99 technology are not caught.
    #[serde(default)]
    pub deemed: Option<DeemedRule>,
    /// The section does not apply to deemed exports.
    #[serde(default)]
    pub deemed_exempt: bool,
    /// Caveat from the primer.
    pub unverified: Option<String>,
}

/// How an embargo treats deemed exports.
#[derive(Debug, Clone, Deserialize)]
pub struct DeemedRule {
    /// EAR99 technology may be released to nationals of the destination.
    pub ear99_technology_exempt: bool,
    /// Citation.
    pub citation: String,
}

/// A comprehensive OFAC sanctions programme on a destination or region, with its dates.
#[derive(Debug, Clone, Deserialize)]
pub struct OfacRule {
    /// Short code (`OFAC 31 CFR 515`).
    pub id: String,
    /// Destinations.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Regions.
    #[serde(default)]
    pub regions: Vec<String>,
    /// First day in force.
    pub valid_from: Option<String>,
    /// Last day in force.
    pub valid_to: Option<String>,
    /// Citation.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
}

/// The UN arms-embargo destinations of 746.1(b).
#[derive(Debug, Clone, Deserialize)]
pub struct UnEmbargo {
    /// Citation.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
    /// Destinations.
    pub destinations: Vec<String>,
}

/// A chart footnote that adds a requirement the grid does not show.
#[derive(Debug, Clone, Deserialize)]
pub struct Footnote {
    /// Footnote number.
    pub footnote: u32,
    /// Destinations it adds a requirement for.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// ECCNs (with paragraphs) it covers.
    #[serde(default)]
    pub eccns: Vec<String>,
    /// The column the requirement is for.
    pub column: Option<String>,
    /// The destinations are the chart rows that carry this footnote.
    #[serde(default)]
    pub from_chart: bool,
    /// The provision is not in the data: decide by hand (INDETERMINATE).
    #[serde(default)]
    pub manual: bool,
    /// Citation.
    pub citation: Option<String>,
    /// The rule in words.
    pub rule: Option<String>,
}

/// An end-user control keyed by list (`DPL`, `EL`, `UVL`, `MEU`, `SDN`).
#[derive(Debug, Clone, Deserialize)]
pub struct EndUserRule {
    /// Citation.
    pub citation: String,
    /// `PROHIBITED`, `LICENSE_REQUIRED` or `NLR` (with obligations).
    pub outcome: String,
    /// No licence exception may overcome it.
    #[serde(default)]
    pub no_exceptions: bool,
    /// The rule in words.
    pub rule: String,
    /// Duties that come with it.
    #[serde(default)]
    pub obligations: Vec<String>,
    /// The licence requirement when the entry does not say.
    pub default_license_requirement: Option<String>,
    /// Caveat from the primer.
    pub unverified: Option<String>,
}

/// An end-use control (Part 744), triggered by a fact the exporter knows.
#[derive(Debug, Clone, Deserialize)]
pub struct EndUseRule {
    /// Citation.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
    /// Only for these destinations, when set.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Caveat from the primer.
    pub unverified: Option<String>,
}

/// A licence exception: its conditions, as named tests the engine runs.
#[derive(Debug, Clone, Deserialize)]
pub struct ExceptionRule {
    /// Section.
    pub citation: String,
    /// Title.
    pub title: String,
    /// First day available.
    pub valid_from: Option<String>,
    /// Conditions (`country_group:B`, `reasons_only:NS`, `fact:gift-parcel` …).
    pub conditions: Vec<String>,
    /// Duties of the exporter that the engine cannot check.
    #[serde(default)]
    pub obligations: Vec<String>,
    /// Caveat from the primer.
    pub unverified: Option<String>,
}

/// A rule switched on and off by date.
#[derive(Debug, Clone, Deserialize)]
pub struct Switch {
    /// Citation.
    pub citation: String,
    /// Periods, in order.
    pub periods: Vec<Period>,
}

/// One period of a switch.
#[derive(Debug, Clone, Deserialize)]
pub struct Period {
    /// First day.
    pub from: String,
    /// Last day, if it ended.
    pub to: Option<String>,
    /// On or off.
    pub active: bool,
    /// Caveat.
    pub unverified: Option<String>,
}

/// The hand-kept rules.
#[derive(Debug, Clone, Deserialize)]
pub struct Rules {
    /// Citation.
    pub citation: String,
    /// Dates the data can answer for.
    pub data_range: DataRange,
    /// Part 746.
    pub embargoes: Vec<Embargo>,
    /// OFAC comprehensive sanctions by destination or region.
    pub ofac_comprehensive: Vec<OfacRule>,
    /// 746.1(b).
    pub un_arms_embargo: UnEmbargo,
    /// Substantive chart footnotes.
    pub chart_footnotes: Vec<Footnote>,
    /// End-user controls by list code.
    pub end_user: HashMap<String, EndUserRule>,
    /// End-use controls by fact name.
    pub end_uses: HashMap<String, EndUseRule>,
    /// Licence exceptions by code.
    pub exceptions: BTreeMap<String, ExceptionRule>,
    /// Dated switches.
    pub switches: HashMap<String, Switch>,
}

/// All the reference data.
pub struct Data {
    /// CCL entries by ECCN.
    pub ccl: HashMap<String, Entry>,
    /// eCFR issue date of the CCL text.
    pub ccl_effective: String,
    /// CCL citation.
    pub ccl_citation: String,
    /// Country Chart.
    pub chart: Chart,
    /// Country Groups.
    pub groups: Groups,
    /// Hand-kept rules.
    pub rules: Rules,
    /// EU rules.
    pub eu: EuRules,
}

impl Data {
    /// The shipped data, parsed on first use.
    pub fn get() -> &'static Data {
        static DATA: OnceLock<Data> = OnceLock::new();
        DATA.get_or_init(|| Data::load().expect("shipped control data is valid"))
    }

    fn load() -> Result<Data, String> {
        let mut json = String::new();
        flate2::read::GzDecoder::new(CCL_GZ)
            .read_to_string(&mut json)
            .map_err(|e| format!("ccl.json.gz: {e}"))?;
        let ccl: CclFile = serde_json::from_str(&json).map_err(|e| format!("ccl: {e}"))?;
        let overrides: OverrideFile =
            serde_json::from_str(OVERRIDES).map_err(|e| format!("ccl-overrides: {e}"))?;
        let mut entries: HashMap<String, Entry> = ccl
            .entries
            .into_iter()
            .map(|e| (e.eccn.clone(), e))
            .collect();
        for (eccn, o) in overrides.entries {
            let e = entries
                .get_mut(&eccn)
                .ok_or_else(|| format!("ccl-overrides: unknown ECCN {eccn}"))?;
            e.rows = o.rows;
            e.manual = None;
            e.unverified = Some(format!(
                "{} ({})",
                o.unverified.unwrap_or_default(),
                o.citation
            ));
        }
        Ok(Data {
            ccl: entries,
            ccl_effective: ccl.effective,
            ccl_citation: ccl.citation,
            chart: serde_json::from_str(CHART).map_err(|e| format!("country-chart: {e}"))?,
            groups: serde_json::from_str(GROUPS).map_err(|e| format!("country-groups: {e}"))?,
            rules: serde_json::from_str(RULES).map_err(|e| format!("rules: {e}"))?,
            eu: serde_json::from_str(EU_RULES).map_err(|e| format!("eu rules: {e}"))?,
        })
    }

    /// Whether `country` is in Country Group `group`.
    pub fn in_group(&self, country: &str, group: &str) -> bool {
        self.groups
            .groups
            .get(group)
            .is_some_and(|m| m.iter().any(|c| c == country))
    }
}

/// A rule of the EU regime with its citation.
#[derive(Debug, Clone, Deserialize)]
pub struct EuRule {
    /// Short code (`2021/821 Art. 3(1)`).
    #[serde(default)]
    pub id: String,
    /// Citation.
    pub citation: String,
    /// The rule in words.
    pub rule: String,
    /// Destinations it applies to, when limited.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// First day in force.
    pub valid_from: Option<String>,
    /// What the data lacks for items not in Annex I.
    pub non_listed: Option<String>,
    /// Waits for the authority's decision (Art. 4(2)).
    #[serde(default)]
    pub awaits_authority: bool,
    /// Caveat.
    pub unverified: Option<String>,
}

/// The "no Russia" clause rule (Art. 12g).
#[derive(Debug, Clone, Deserialize)]
pub struct NoRussiaClause {
    /// Citation.
    pub citation: String,
    /// First day in force.
    pub valid_from: String,
    /// The rule in words.
    pub rule: String,
    /// Annex VIII partner countries (exempt).
    pub partners: Vec<String>,
    /// Six-digit HS codes of the common high priority items in the data.
    pub chp_hs6: Vec<String>,
    /// Caveat.
    pub unverified: Option<String>,
}

/// A Union General Export Authorisation.
#[derive(Debug, Clone, Deserialize)]
pub struct Ugea {
    /// Citation.
    pub citation: String,
    /// Title.
    pub title: String,
    /// Destinations, when known.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// Conditions.
    pub conditions: Vec<String>,
    /// Duties of the exporter.
    #[serde(default)]
    pub obligations: Vec<String>,
    /// Caveat.
    pub unverified: Option<String>,
}

/// The EU rules.
#[derive(Debug, Clone, Deserialize)]
pub struct EuRules {
    /// Citation.
    pub citation: String,
    /// Dates the data can answer for.
    pub data_range: DataRange,
    /// EU member states.
    pub member_states: Vec<String>,
    /// Regime of origin by the first of the three digits of an Annex I entry.
    pub regimes: Regimes,
    /// Art. 3(1).
    pub annex_i: EuRule,
    /// Art. 11.
    pub intra_eu: EuRule,
    /// Russia and Belarus bans.
    pub sanctions: Vec<EuRule>,
    /// Art. 12g.
    pub no_russia_clause: NoRussiaClause,
    /// Art. 12gb.
    pub chp_due_diligence: EuRule,
    /// Catch-alls by the fact that triggers them.
    pub catch_alls: BTreeMap<String, EuRule>,
    /// UGEAs by code.
    pub ugeas: BTreeMap<String, Ugea>,
}

/// The regime an Annex I entry comes from, read from its third character.
#[derive(Debug, Clone, Deserialize)]
pub struct Regimes {
    /// Citation.
    pub citation: String,
    /// Regime by digit.
    pub by_digit: BTreeMap<String, String>,
    /// Caveat.
    pub unverified: Option<String>,
}
