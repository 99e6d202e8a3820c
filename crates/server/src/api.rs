//! The API's request and response shapes, and the OpenAPI document generated from them and
//! from the handlers' annotations. Response types that the engine crates already serialise
//! (matches, decisions) are described here field by field so that the document says what a
//! client can rely on; the contract test checks live responses against these schemas.

use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

/// Every error: the HTTP status, a stable code and a message for people.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// HTTP status.
    pub status: u16,
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`, `payload_too_large`,
    /// `timeout`, `internal`.
    pub code: String,
    /// What went wrong.
    pub message: String,
}

/// Health.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Entities in the screening index.
    pub entities: usize,
    /// Snapshot ids the index was built from.
    pub snapshots: Vec<i64>,
}

/// One party to screen.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    /// The name.
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// ISO code or name.
    #[serde(default)]
    pub country: Option<String>,
    /// Passport, IMO, LEI …; an e-mail address, phone number or website is compared with
    /// the lists' contact details (evidence, not identity).
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Postal address, free text: a listed street address that agrees adds to the score.
    #[serde(default)]
    pub address: Option<String>,
    /// Source prefixes (`un`, `ofac`, `eu`, `uk`, `csl`, `bis-dpl`).
    #[serde(default)]
    pub sources: Vec<String>,
    /// The N best candidates whatever their score (default: alerts only).
    #[serde(default)]
    pub top_k: Option<usize>,
    /// Screen against the lists in force on this date (slower: builds an index for it).
    #[serde(default)]
    pub as_of: Option<String>,
}

/// A match, with its explanation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchOut {
    /// List entity id (`un:6907993`).
    pub entity_id: String,
    /// Calibrated score in [0, 1].
    pub score: f32,
    /// At or above the alert threshold.
    pub alert: bool,
    /// The entity's primary name.
    pub name: String,
    /// The name (primary or alias) that matched best.
    pub matched_name: String,
    /// The list source.
    pub source: String,
    /// Token alignment and attributes, each with how it moved the score.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
}

/// The result of screening one party.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ScreenResponse {
    /// The name screened.
    pub query: String,
    /// The alert threshold.
    pub threshold: f32,
    /// Best first.
    pub matches: Vec<MatchOut>,
    /// The audit record of this screening.
    pub audit_seq: i64,
}

/// One row of a batch.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BatchRow {
    /// The caller's id for the row.
    pub id: String,
    /// The party.
    #[serde(flatten)]
    pub query: BatchQuery,
}

/// A batch row's party.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct BatchQuery {
    /// The name.
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// ISO code or name.
    #[serde(default)]
    pub country: Option<String>,
    /// Identifiers, e-mail addresses, phone numbers, websites.
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Postal address, free text.
    #[serde(default)]
    pub address: Option<String>,
}

/// A batch to screen.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// At most 10,000 rows.
    pub rows: Vec<BatchRow>,
    /// The N best candidates per row whatever their score (default: alerts only).
    #[serde(default)]
    pub top_k: Option<usize>,
    /// Source prefixes.
    #[serde(default)]
    pub sources: Vec<String>,
}

/// One row's result: its matches, or why it was rejected.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchResult {
    /// The row's id.
    pub query_id: String,
    /// Best first.
    pub matches: Vec<MatchOut>,
    /// Why the row could not be screened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A batch's results, in input order.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    /// One per row.
    pub results: Vec<BatchResult>,
    /// The audit record of this batch.
    pub audit_seq: i64,
}

/// A licence determination (see `chokepoint determine --help` for the request).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeterminationOut {
    /// `NLR`, `LICENSE_EXCEPTION_AVAILABLE`, `LICENSE_REQUIRED`, `INDETERMINATE`, `PROHIBITED`.
    pub outcome: String,
    /// `US` or an EU member state.
    pub jurisdiction: String,
    /// Evaluation date.
    pub date: String,
    /// One per item line, with reasons, exceptions and citations.
    #[schema(value_type = Vec<Object>)]
    pub lines: Vec<serde_json::Value>,
    /// The audit record.
    pub audit_seq: i64,
}

/// An assessment's decision (see `chokepoint assess --help` for the transaction).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AssessmentOut {
    /// `CLEAR`, `HOLD_FOR_REVIEW`, `LICENSE_REQUIRED`, `PROHIBITED`, `INDETERMINATE`.
    pub outcome: String,
    /// Risk score with its contributions.
    pub risk_score: f64,
    /// Which rule, which party, how much.
    #[schema(value_type = Vec<Object>)]
    pub contributions: Vec<serde_json::Value>,
    /// The explanation tree.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
    /// The audit record.
    pub audit_seq: i64,
    /// The case opened on a hold.
    pub case_id: Option<i64>,
}

/// A hit in a case.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseHitOut {
    /// Number within the case.
    pub hit_no: i64,
    /// The party (transaction party id or counterparty id), or empty.
    pub party: String,
    /// `screening` or `red_flag`.
    pub kind: String,
    /// List entity id or rule id.
    pub reference: String,
    /// What was found.
    pub detail: String,
    /// `false_positive`, `true_match`, `escalate`, or null.
    pub disposition: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who.
    pub disposed_by: Option<String>,
    /// When.
    pub disposed_at: Option<String>,
}

/// A review case.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseOut {
    /// Id.
    pub id: i64,
    /// When opened.
    pub opened_at: String,
    /// By whom.
    pub opened_by: String,
    /// What it is about.
    pub subject: String,
    /// `open` or `closed`.
    pub status: String,
    /// When closed.
    pub closed_at: Option<String>,
    /// Who approved the closing.
    pub closed_by: Option<String>,
    /// The assessment or screening that opened it.
    #[schema(value_type = Object)]
    pub decision: serde_json::Value,
    /// Hits.
    pub hits: Vec<CaseHitOut>,
    /// System notes (e.g. a hit's list entity was removed).
    #[schema(value_type = Vec<Object>)]
    pub notes: Vec<serde_json::Value>,
}

/// A disposition of one hit.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionRequest {
    /// `false_positive`, `true_match` or `escalate`.
    pub disposition: String,
    /// Why (required).
    pub reason: String,
}

/// The state of a case after an action.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CaseAction {
    /// The case.
    pub case_id: i64,
    /// Its status now.
    pub status: String,
}

/// One list source.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SourceStatusOut {
    /// Source.
    pub source: String,
    /// List date of the newest snapshot.
    pub list_date: Option<String>,
    /// When imported.
    pub imported_at: String,
    /// Entities.
    pub entities: i64,
    /// Snapshots kept.
    pub snapshots: i64,
    /// Days since the list date.
    pub age_days: i64,
    /// Older than 7 days.
    pub stale: bool,
}

/// What changed between two snapshots of a source.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DiffOut {
    /// Older snapshot.
    pub from: Option<i64>,
    /// Newer snapshot.
    pub to: i64,
    /// Changes, by entity id.
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<serde_json::Value>,
}

/// A list entity as it stood on a date.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EntityOut {
    /// The snapshot that held it.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    /// The entity.
    #[schema(value_type = Object)]
    pub entity: serde_json::Value,
}

/// The audit chain check.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditCheckOut {
    /// Records checked.
    pub records: i64,
    /// Hash of the last record.
    pub head: String,
    /// Empty when intact.
    pub problems: Vec<String>,
}

/// Audit records of a period.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AuditExportOut {
    /// Records, by sequence number.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<serde_json::Value>,
}

/// A counterparty to monitor.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct CounterpartyIn {
    /// The caller's id (customer number …).
    pub id: String,
    /// Name.
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// ISO code or name.
    #[serde(default)]
    pub country: Option<String>,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// Identifiers, e-mail addresses, phone numbers, websites.
    #[serde(default)]
    pub identifiers: Vec<String>,
    /// Postal address, free text.
    #[serde(default)]
    pub address: Option<String>,
}

/// Counterparties to register.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// At most 100,000 per request.
    pub counterparties: Vec<CounterpartyIn>,
}

/// A registered counterparty and its last screening.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CounterpartyOut {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// When registered.
    pub registered_at: String,
    /// When last screened (absent: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_screened_at: Option<String>,
    /// The last screening that found anything (absent: none did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub last_result: Option<serde_json::Value>,
}

/// What a registration or monitoring run did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MonitorOut {
    /// Counterparties screened.
    pub counterparties: usize,
    /// List entities screened against.
    pub delta_entities: usize,
    /// New hits.
    pub hits: usize,
    /// Hits left out as known false positives.
    pub suppressed: usize,
    /// Cases opened.
    pub cases_opened: Vec<i64>,
    /// Open cases noted because an entity was removed.
    pub cases_noted: Vec<i64>,
    /// The audit record.
    pub audit_seq: i64,
    /// Sources with a new snapshot (monitoring runs).
    #[schema(value_type = Vec<Object>)]
    pub sources: Vec<serde_json::Value>,
}

/// A user to add.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    /// Name.
    pub name: String,
    /// `screener`, `reviewer`, `approver`, `auditor`, `admin`.
    pub role: String,
}

/// A user added, with its token (shown this once).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserCreated {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Bearer token; only its hash is stored.
    pub token: String,
}

/// Who the token belongs to.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
}

/// An application filed.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationFiled {
    /// Its id.
    pub id: i64,
    /// `draft`.
    pub status: String,
}

/// An application with its history.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ApplicationOut {
    /// Id.
    pub id: i64,
    /// Who filed it.
    pub applicant: String,
    /// `draft`, `submitted`, `under_review`, `referred`, `returned`, `recommended`,
    /// `approved`, `denied`, `issued`.
    pub status: String,
    /// As filed.
    #[schema(value_type = Object)]
    pub application: serde_json::Value,
    /// What the process established: referral and advice, recommendation, assessment,
    /// no-undercut findings, decision, licence.
    #[schema(value_type = Object)]
    pub state: serde_json::Value,
    /// Every move.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
    /// Consultations recorded.
    #[schema(value_type = Vec<Object>)]
    pub consultations: Vec<serde_json::Value>,
}

/// A move through the lifecycle (`data/licensing/lifecycle.json`).
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveIn {
    /// The new state.
    pub to: String,
    /// Why (returns, sending back).
    #[serde(default)]
    pub note: Option<String>,
    /// Agencies to refer it to.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// `approve` or `deny` (recommendations).
    #[serde(default)]
    pub recommendation: Option<String>,
    /// The regime of a denial.
    #[serde(default)]
    pub regime: Option<String>,
    /// The denial reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Last valid day of the licence (issue).
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Licence conditions (issue).
    #[serde(default)]
    pub conditions: Vec<String>,
}

/// What a move did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MovedOut {
    /// Application id.
    pub id: i64,
    /// From.
    pub from: String,
    /// Now.
    pub status: String,
    /// The audit record.
    pub audit_seq: i64,
    /// Essentially identical denials found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub undercuts: Vec<serde_json::Value>,
    /// The assessment, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub assessment: Option<serde_json::Value>,
    /// The licence issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object)]
    pub licence: Option<serde_json::Value>,
}

/// An agency's advice.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceIn {
    /// The agency.
    pub agency: String,
    /// Its advice.
    pub advice: String,
}

/// A consultation of a denying partner.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationIn {
    /// The denial's reference.
    pub denial: String,
    /// The partner's answer.
    pub outcome: String,
    /// What was said.
    pub note: String,
}

/// Something recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Recorded {
    /// Its audit record.
    pub audit_seq: i64,
}

/// Denials recorded.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DenialsRecorded {
    /// How many.
    pub recorded: usize,
}

/// A licence and its use.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LicenceOut {
    /// The licence.
    #[schema(value_type = Object)]
    pub licence: serde_json::Value,
    /// Drawn so far, per control entry: quantity and value.
    #[schema(value_type = Vec<Object>)]
    pub drawn: Vec<serde_json::Value>,
}

/// A check planned.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EuvPlanned {
    /// Its id.
    pub id: i64,
}

/// What an end-use check found.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EuvResultIn {
    /// When (YYYY-MM-DD).
    pub performed_on: String,
    /// Where.
    pub site: String,
    /// Who.
    pub officer: String,
    /// What was found.
    pub findings: String,
    /// `confirmed`, `not_verified`, `diverted`.
    pub outcome: String,
    /// Put the party on the own restricted list.
    #[serde(default)]
    pub restrict: bool,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Chokepoint",
        description = "Export-control compliance: screening, determination, assessment, review cases, audit, counterparty monitoring. Every endpoint except /health needs `Authorization: Bearer <token>` (`chokepoint users add NAME --role ROLE` prints one)."
    ),
    paths(
        crate::handlers::health,
        crate::handlers::whoami,
        crate::handlers::screen,
        crate::handlers::screen_batch,
        crate::handlers::determine,
        crate::handlers::assess,
        crate::handlers::cases_list,
        crate::handlers::case_show,
        crate::handlers::case_dispose,
        crate::handlers::case_approve,
        crate::handlers::lists_status,
        crate::handlers::lists_diff,
        crate::handlers::entity,
        crate::handlers::audit_verify,
        crate::handlers::audit_export,
        crate::handlers::counterparties_register,
        crate::handlers::counterparties_list,
        crate::handlers::counterparty_show,
        crate::handlers::monitor_run,
        crate::handlers::users_add,
        crate::handlers::application_file,
        crate::handlers::applications_list,
        crate::handlers::application_show,
        crate::handlers::application_move,
        crate::handlers::application_advice,
        crate::handlers::application_consult,
        crate::handlers::denials_add,
        crate::handlers::denials_list,
        crate::handlers::licences_add,
        crate::handlers::licence_show,
        crate::handlers::euv_plan,
        crate::handlers::euv_result,
        crate::handlers::euv_report,
    ),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;
