//! Endpoints. Each one: authenticate, check the role, run the use case on the blocking pool
//! (SQLite and scoring are synchronous), answer JSON.

use crate::api::*;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chokepoint_screen::{Config, Match};
use chokepoint_store::Store;
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use utoipa::OpenApi;

/// Largest request body (a batch of 10,000 rows fits easily).
const BODY_LIMIT: usize = 16 << 20;
/// Rows per batch request.
const MAX_BATCH: usize = 10_000;
/// Counterparties per registration request.
const MAX_REGISTER: usize = 100_000;
/// Longest a request may run.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

type S = State<Arc<AppState>>;

pub(crate) fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/v1/whoami", get(whoami))
        .route("/v1/screen", post(screen))
        .route("/v1/screen/batch", post(screen_batch))
        .route("/v1/determine", post(determine))
        .route("/v1/assess", post(assess))
        .route("/v1/cases", get(cases_list))
        .route("/v1/cases/{id}", get(case_show))
        .route("/v1/cases/{id}/hits/{hit}/disposition", post(case_dispose))
        .route("/v1/cases/{id}/approve", post(case_approve))
        .route("/v1/lists", get(lists_status))
        .route("/v1/lists/{source}/diff", get(lists_diff))
        .route("/v1/entities/{id}", get(entity))
        .route("/v1/audit/verify", get(audit_verify))
        .route("/v1/audit", get(audit_export))
        .route(
            "/v1/counterparties",
            post(counterparties_register).get(counterparties_list),
        )
        .route("/v1/counterparties/{id}", get(counterparty_show))
        .route("/v1/monitor/run", post(monitor_run))
        .route("/v1/users", post(users_add))
        .route(
            "/v1/applications",
            post(application_file).get(applications_list),
        )
        .route("/v1/applications/{id}", get(application_show))
        .route("/v1/applications/{id}/move", post(application_move))
        .route("/v1/applications/{id}/advice", post(application_advice))
        .route(
            "/v1/applications/{id}/consultations",
            post(application_consult),
        )
        .route("/v1/denials", post(denials_add).get(denials_list))
        .route("/v1/licences", post(licences_add))
        .route("/v1/licences/{number}", get(licence_show))
        .route("/v1/euv", post(euv_plan))
        .route("/v1/euv/{id}/result", post(euv_result))
        .route("/v1/euv/report", get(euv_report))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "no such endpoint") })
        .layer(axum::middleware::map_response(json_errors));
    // The UI's pages answer HTML, also for errors, so the JSON error layer stays on the API.
    crate::ui::routes()
        .merge(api)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------------
// Errors

/// An error answered as JSON `{status, code, message}`.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn parts(self) -> (StatusCode, String) {
        (self.status, self.message)
    }
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

fn code_of(s: StatusCode) -> &'static str {
    match s.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable",
        _ if s.is_server_error() => "internal",
        _ => "error",
    }
}

fn error_body(status: StatusCode, message: String) -> ErrorBody {
    ErrorBody {
        status: status.as_u16(),
        code: code_of(status).into(),
        message,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = (self.status, Json(error_body(self.status, self.message))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        if let Some(f) = e.downcast_ref::<chokepoint_service::licensing::Forbidden>() {
            return ApiError::new(StatusCode::FORBIDDEN, f.0.clone());
        }
        match e.downcast_ref::<chokepoint_store::Error>() {
            Some(chokepoint_store::Error::Conflict(_)) => {
                ApiError::new(StatusCode::CONFLICT, format!("{e:#}"))
            }
            Some(chokepoint_store::Error::Invalid(_)) | None => ApiError::bad(format!("{e:#}")),
            Some(_) => {
                tracing::error!("{e:#}");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error (logged)")
            }
        }
    }
}

impl From<chokepoint_store::Error> for ApiError {
    fn from(e: chokepoint_store::Error) -> Self {
        anyhow::Error::from(e).into()
    }
}

/// Errors made outside the handlers (unknown route, wrong method, body too large, timeout)
/// come back as JSON like every other error.
async fn json_errors(r: Response) -> Response {
    let s = r.status();
    let is_json = r
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if (s.is_client_error() || s.is_server_error()) && !is_json {
        let msg = s.canonical_reason().unwrap_or("error").to_lowercase();
        return ApiError::new(s, msg).into_response();
    }
    r
}

/// JSON body whose rejection (malformed JSON, wrong field type, missing field) is a JSON error
/// naming what is wrong.
pub(crate) struct Body<T>(T);

impl<T, St> FromRequest<St> for Body<T>
where
    Json<T>: FromRequest<St, Rejection = JsonRejection>,
    St: Send + Sync,
{
    type Rejection = ApiError;
    async fn from_request(req: axum::extract::Request, state: &St) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(rej) => {
                let status = match rej.status() {
                    StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
                    s => s,
                };
                Err(ApiError::new(status, rej.body_text()))
            }
        }
    }
}

pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        tracing::error!("task failed: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error (logged)")
    })?
}

// ---------------------------------------------------------------------------------------------
// Authentication and roles

/// The caller, from its bearer token.
pub(crate) struct User {
    pub(crate) name: String,
    pub(crate) role: String,
}

impl User {
    /// Admins may do everything; others need one of `roles`.
    pub(crate) fn need(&self, roles: &[&str], action: &str) -> Result<(), ApiError> {
        if self.role == "admin" || roles.contains(&self.role.as_str()) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!(
                    "{} ({}) may not {action}; it needs the role {}",
                    self.name,
                    self.role,
                    if roles.is_empty() {
                        "admin".to_string()
                    } else {
                        roles.join(" or ")
                    }
                ),
            ))
        }
    }
}

impl FromRequestParts<Arc<AppState>> for User {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, m);
        let h = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("missing Authorization: Bearer <token>"))?;
        let token = h
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("the Authorization header must be Bearer <token>"))?
            .to_string();
        User::from_token(state, token).await
    }
}

impl User {
    /// The user a token belongs to (cached by the token's hash).
    pub(crate) async fn from_token(state: &Arc<AppState>, token: String) -> Result<User, ApiError> {
        let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, m);
        let key = chokepoint_store::sha256_hex(token.as_bytes());
        let cached = state.users.read().expect("users lock").get(&key).cloned();
        let found = match cached {
            Some(u) => Some(u),
            None => {
                let st = state.clone();
                let found = blocking(move || Ok(st.store().user_by_token(&token)?)).await?;
                if let Some(u) = &found {
                    state
                        .users
                        .write()
                        .expect("users lock")
                        .insert(key, u.clone());
                }
                found
            }
        };
        match found {
            Some((name, role)) => Ok(User { name, role }),
            None => Err(unauthorized("unknown token")),
        }
    }
}

const SCREENERS: &[&str] = &["screener", "reviewer", "approver"];

// ---------------------------------------------------------------------------------------------
// Endpoints

#[utoipa::path(get, path = "/health", security(()), tag = "system",
    responses((status = 200, description = "Serving", body = Health)))]
pub(crate) async fn health(State(st): S) -> Json<Health> {
    let l = st.lists();
    Json(Health {
        status: "ok".into(),
        entities: l.index.len(),
        snapshots: l.snapshots.clone(),
    })
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[utoipa::path(get, path = "/v1/whoami", tag = "system",
    responses((status = 200, body = WhoAmI), (status = 401, body = ErrorBody)))]
pub(crate) async fn whoami(user: User) -> Json<WhoAmI> {
    Json(WhoAmI {
        name: user.name,
        role: user.role,
    })
}

fn matches_json(m: &[Match]) -> Vec<MatchOut> {
    m.iter()
        .map(|m| MatchOut {
            entity_id: m.entity_id.clone(),
            score: m.score,
            alert: m.alert,
            name: m.name.clone(),
            matched_name: m.matched_name.clone(),
            source: m.source.clone(),
            explanation: serde_json::to_value(&m.explanation).unwrap_or_default(),
        })
        .collect()
}

fn check_date(d: Option<&str>, what: &str) -> Result<(), ApiError> {
    if let Some(d) = d {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::bad(format!("{what}: {d:?} is not a date (YYYY-MM-DD)")))?;
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/screen", tag = "screening", request_body = ScreenRequest,
    responses((status = 200, body = ScreenResponse), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn screen(
    State(st): S,
    user: User,
    Body(r): Body<ScreenRequest>,
) -> Result<Json<ScreenResponse>, ApiError> {
    user.need(SCREENERS, "screen parties")?;
    check_date(r.as_of.as_deref(), "as_of")?;
    let q = chokepoint_screen::batch::make_query(
        &r.name,
        r.kind.as_deref(),
        r.birth_date.as_deref(),
        r.country.as_deref(),
        r.identifiers.clone(),
        r.sources.clone(),
    )
    .and_then(|q| chokepoint_screen::batch::with_address(q, r.address.as_deref()))
    .map_err(ApiError::bad)?;
    let lists = st.lists();
    blocking(move || {
        let k = r.top_k.map(|k| k.min(1000));
        let (matches, snapshots) = match &r.as_of {
            None => (
                chokepoint_service::screen(&lists.index, &q, k),
                lists.snapshots.clone(),
            ),
            Some(d) => {
                let store = st.store();
                let ix = chokepoint_service::build_index(&store, Some(d), Config::default())?;
                let snaps = chokepoint_service::snapshots_in_force(&store, Some(d))?;
                (chokepoint_service::screen(&ix, &q, k), snaps)
            }
        };
        let threshold = lists.index.config().alert_threshold;
        let seq = chokepoint_service::record_screening(
            &mut st.store(),
            &user.name,
            &q,
            r.as_of.as_deref(),
            &snapshots,
            threshold,
            &matches,
        )?;
        Ok(Json(ScreenResponse {
            query: r.name,
            threshold,
            matches: matches_json(&matches),
            audit_seq: seq,
        }))
    })
    .await
}

#[utoipa::path(post, path = "/v1/screen/batch", tag = "screening", request_body = BatchRequest,
    responses((status = 200, description = "One result per row, in input order; a bad row gets its error and the rest go on", body = BatchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody)))]
pub(crate) async fn screen_batch(
    State(st): S,
    user: User,
    Body(r): Body<BatchRequest>,
) -> Result<Json<BatchResponse>, ApiError> {
    user.need(SCREENERS, "screen parties")?;
    if r.rows.len() > MAX_BATCH {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "{} rows; at most {MAX_BATCH} per request (use `chokepoint screen --batch` for files)",
                r.rows.len()
            ),
        ));
    }
    let lists = st.lists();
    blocking(move || {
        use rayon::prelude::*;
        let k = r.top_k.map(|k| k.min(1000));
        let results: Vec<BatchResult> = r
            .rows
            .par_iter()
            .map(|row| {
                let q = chokepoint_screen::batch::make_query(
                    &row.query.name,
                    row.query.kind.as_deref(),
                    row.query.birth_date.as_deref(),
                    row.query.country.as_deref(),
                    row.query.identifiers.clone(),
                    r.sources.clone(),
                )
                .and_then(|q| {
                    chokepoint_screen::batch::with_address(q, row.query.address.as_deref())
                });
                match q {
                    Ok(q) => BatchResult {
                        query_id: row.id.clone(),
                        matches: matches_json(&chokepoint_service::screen(&lists.index, &q, k)),
                        error: None,
                    },
                    Err(e) => BatchResult {
                        query_id: row.id.clone(),
                        matches: vec![],
                        error: Some(e),
                    },
                }
            })
            .collect();
        let alerts = results
            .iter()
            .filter(|x| x.matches.iter().any(|m| m.alert))
            .count();
        let errors = results.iter().filter(|x| x.error.is_some()).count();
        let input = serde_json::to_vec(&r.rows).unwrap_or_default();
        let seq = st.store().audit(
            &user.name,
            "screen.batch",
            &format!("{} rows", r.rows.len()),
            &serde_json::json!({"input_sha256": chokepoint_store::sha256_hex(&input), "rows": r.rows.len(),
                "alerts": alerts, "errors": errors, "snapshots": lists.snapshots, "top_k": r.top_k, "sources": r.sources,
                "alert_ids": results.iter().filter(|x| x.matches.iter().any(|m| m.alert)).map(|x| &x.query_id).take(1000).collect::<Vec<_>>()}),
        )?;
        Ok(Json(BatchResponse {
            results,
            audit_seq: seq,
        }))
    })
    .await
}

#[utoipa::path(post, path = "/v1/determine", tag = "determination",
    request_body(content = Object, description = "A determination request: {destination, items: [{eccn | eu, hs, value}], parties, end_uses, facts, date, from, activity}"),
    responses((status = 200, body = DeterminationOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn determine(
    State(st): S,
    user: User,
    Body(req): Body<chokepoint_controls::Request>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(SCREENERS, "determine licence requirements")?;
    blocking(move || {
        let det = chokepoint_controls::determine(&req).map_err(|e| ApiError::bad(e.to_string()))?;
        let seq = st.store().audit(
            &user.name,
            "determine",
            &req.items
                .iter()
                .filter_map(|i| i.eccn.clone().or(i.eu.clone()))
                .collect::<Vec<_>>()
                .join(","),
            &serde_json::json!({"request": req, "determination": det}),
        )?;
        let mut v = serde_json::to_value(&det).map_err(anyhow::Error::from)?;
        v["audit_seq"] = seq.into();
        Ok(Json(v))
    })
    .await
}

#[utoipa::path(post, path = "/v1/assess", tag = "assessment",
    request_body(content = Object, description = "A transaction (see `chokepoint assess --help` and red-flags.md §2)"),
    responses((status = 200, body = AssessmentOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn assess(
    State(st): S,
    user: User,
    Body(tx): Body<chokepoint_assess::Transaction>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(SCREENERS, "assess transactions")?;
    check_date(tx.date.as_deref(), "date")?;
    let lists = st.lists();
    blocking(move || {
        let mut store = st.store();
        // The current index serves any date whose lists in force are the current ones.
        let same = match tx.date.as_deref() {
            None => true,
            Some(d) => {
                crate::sorted(chokepoint_service::snapshots_in_force(&store, Some(d))?)
                    == lists.snapshots
            }
        };
        let subject = tx.id.clone().unwrap_or_else(|| "transaction".into());
        let a = chokepoint_service::assess_and_record(
            &mut store,
            &user.name,
            &tx,
            &subject,
            same.then_some(&lists.index),
        )?;
        Ok(Json(serde_json::to_value(&a).map_err(anyhow::Error::from)?))
    })
    .await
}

fn case_json(c: chokepoint_store::cases::Case) -> Result<serde_json::Value, ApiError> {
    Ok(serde_json::to_value(c).map_err(anyhow::Error::from)?)
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct CaseFilter {
    /// `open` or `closed`.
    status: Option<String>,
}

#[utoipa::path(get, path = "/v1/cases", tag = "cases", params(CaseFilter),
    responses((status = 200, body = Vec<CaseOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn cases_list(
    State(st): S,
    user: User,
    Query(f): Query<CaseFilter>,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    user.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see cases",
    )?;
    blocking(move || {
        let cs = st.store().cases(f.status.as_deref())?;
        Ok(Json(
            cs.into_iter().map(case_json).collect::<Result<_, _>>()?,
        ))
    })
    .await
}

#[utoipa::path(get, path = "/v1/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = CaseOut), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn case_show(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see cases",
    )?;
    blocking(move || match st.store().case(id)? {
        Some(c) => Ok(Json(case_json(c)?)),
        None => Err(ApiError::not_found(format!("no case {id}"))),
    })
    .await
}

fn case_status(store: &Store, id: i64) -> Result<Json<CaseAction>, ApiError> {
    let c = store
        .case(id)?
        .ok_or_else(|| ApiError::not_found(format!("no case {id}")))?;
    Ok(Json(CaseAction {
        case_id: id,
        status: c.status,
    }))
}

#[utoipa::path(post, path = "/v1/cases/{id}/hits/{hit}/disposition", tag = "cases",
    params(("id" = i64, Path, description = "Case id"), ("hit" = i64, Path, description = "Hit number")),
    request_body = DispositionRequest,
    responses((status = 200, body = CaseAction), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn case_dispose(
    State(st): S,
    user: User,
    Path((id, hit)): Path<(i64, i64)>,
    Body(r): Body<DispositionRequest>,
) -> Result<Json<CaseAction>, ApiError> {
    user.need(&["reviewer", "approver"], "dispose of hits")?;
    blocking(move || {
        let mut store = st.store();
        if store.case(id)?.is_none() {
            return Err(ApiError::not_found(format!("no case {id}")));
        }
        chokepoint_service::dispose(&mut store, &user.name, id, hit, &r.disposition, &r.reason)?;
        case_status(&store, id)
    })
    .await
}

#[utoipa::path(post, path = "/v1/cases/{id}/approve", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, description = "Closed", body = CaseAction), (status = 400, description = "Hits undisposed, or four eyes: the approver disposed of hits", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn case_approve(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
) -> Result<Json<CaseAction>, ApiError> {
    user.need(&["approver"], "approve cases")?;
    blocking(move || {
        let mut store = st.store();
        if store.case(id)?.is_none() {
            return Err(ApiError::not_found(format!("no case {id}")));
        }
        store.approve(&user.name, id)?;
        case_status(&store, id)
    })
    .await
}

#[utoipa::path(get, path = "/v1/lists", tag = "lists",
    responses((status = 200, body = Vec<SourceStatusOut>), (status = 401, body = ErrorBody)))]
pub(crate) async fn lists_status(
    State(st): S,
    _user: User,
) -> Result<Json<serde_json::Value>, ApiError> {
    blocking(move || {
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let s = st.store().status(&today, 7)?;
        Ok(Json(serde_json::to_value(s).map_err(anyhow::Error::from)?))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct DiffParams {
    /// The lists in force on this date (YYYY-MM-DD); default: the snapshot before `to`.
    from: Option<String>,
    /// The lists in force on this date; default: the newest.
    to: Option<String>,
}

#[utoipa::path(get, path = "/v1/lists/{source}/diff", tag = "lists",
    params(("source" = String, Path, description = "Source (un, eu, ofac-sdn …)"), DiffParams),
    responses((status = 200, body = DiffOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn lists_diff(
    State(st): S,
    _user: User,
    Path(source): Path<String>,
    Query(p): Query<DiffParams>,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_date(p.from.as_deref(), "from")?;
    check_date(p.to.as_deref(), "to")?;
    blocking(move || {
        let store = st.store();
        let to = store
            .in_force(&source, p.to.as_deref())?
            .ok_or_else(|| ApiError::not_found(format!("no {source} list in force then")))?;
        let d = match &p.from {
            Some(f) => {
                let from = store.in_force(&source, Some(f))?.map(|s| s.id);
                store.diff(from, to.id)?
            }
            None => store.stored_delta(to.id)?,
        };
        Ok(Json(serde_json::to_value(d).map_err(anyhow::Error::from)?))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AsOf {
    /// The lists in force on this date (YYYY-MM-DD); default: the newest.
    as_of: Option<String>,
}

#[utoipa::path(get, path = "/v1/entities/{id}", tag = "lists",
    params(("id" = String, Path, description = "Entity id (un:6907993)"), AsOf),
    responses((status = 200, body = EntityOut), (status = 404, description = "Not listed then", body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn entity(
    State(st): S,
    _user: User,
    Path(id): Path<String>,
    Query(p): Query<AsOf>,
) -> Result<Json<serde_json::Value>, ApiError> {
    check_date(p.as_of.as_deref(), "as_of")?;
    blocking(
        move || match st.store().entity_as_of(&id, p.as_of.as_deref())? {
            Some((snap, e)) => Ok(Json(serde_json::json!({"snapshot": snap, "entity": e}))),
            None => Err(ApiError::not_found(format!(
                "{id} is not on any list in force{}",
                p.as_of.map(|d| format!(" on {d}")).unwrap_or_default()
            ))),
        },
    )
    .await
}

#[utoipa::path(get, path = "/v1/audit/verify", tag = "audit",
    responses((status = 200, description = "The check; `problems` is empty when the chain is intact", body = AuditCheckOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit_verify(
    State(st): S,
    user: User,
) -> Result<Json<AuditCheckOut>, ApiError> {
    user.need(&["auditor"], "read the audit log")?;
    blocking(move || {
        let r = st.store().verify_audit()?;
        Ok(Json(AuditCheckOut {
            records: r.records,
            head: r.head,
            problems: r.problems,
        }))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct Period {
    /// From this date or time.
    from: Option<String>,
    /// To this date or time.
    to: Option<String>,
}

#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(Period),
    responses((status = 200, body = AuditExportOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit_export(
    State(st): S,
    user: User,
    Query(p): Query<Period>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(&["auditor"], "read the audit log")?;
    blocking(move || {
        let r = st
            .store()
            .audit_records(p.from.as_deref(), p.to.as_deref())?;
        Ok(Json(serde_json::json!({ "records": r })))
    })
    .await
}

fn monitor_json(r: chokepoint_service::monitor::MonitorReport) -> Json<MonitorOut> {
    Json(MonitorOut {
        counterparties: r.counterparties,
        delta_entities: r.delta_entities,
        hits: r.hits,
        suppressed: r.suppressed,
        cases_opened: r.record.cases_opened,
        cases_noted: r.record.cases_noted,
        audit_seq: r.record.audit_seq,
        sources: r
            .sources
            .iter()
            .map(|s| serde_json::to_value(s).unwrap_or_default())
            .collect(),
    })
}

#[utoipa::path(post, path = "/v1/counterparties", tag = "monitoring", request_body = RegisterRequest,
    responses((status = 200, description = "Registered and screened against the whole lists in force; hits open cases", body = MonitorOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody)))]
pub(crate) async fn counterparties_register(
    State(st): S,
    user: User,
    Body(r): Body<RegisterRequest>,
) -> Result<Json<MonitorOut>, ApiError> {
    user.need(SCREENERS, "register counterparties")?;
    if r.counterparties.len() > MAX_REGISTER {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("at most {MAX_REGISTER} counterparties per request"),
        ));
    }
    let lists = st.lists();
    blocking(move || {
        let cps: Vec<chokepoint_store::monitor::Counterparty> = r
            .counterparties
            .into_iter()
            .map(|c| chokepoint_store::monitor::Counterparty {
                id: c.id,
                name: c.name,
                kind: c.kind,
                country: c.country,
                birth_date: c.birth_date,
                identifiers: c.identifiers,
                address: c.address,
                ..Default::default()
            })
            .collect();
        let rep =
            chokepoint_service::monitor::register(&mut st.store(), &user.name, &cps, &lists.index)?;
        Ok(monitor_json(rep))
    })
    .await
}

#[utoipa::path(get, path = "/v1/counterparties", tag = "monitoring",
    responses((status = 200, body = Vec<CounterpartyOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn counterparties_list(
    State(st): S,
    user: User,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see counterparties",
    )?;
    blocking(move || {
        let v = st.store().counterparties()?;
        Ok(Json(serde_json::to_value(v).map_err(anyhow::Error::from)?))
    })
    .await
}

#[utoipa::path(get, path = "/v1/counterparties/{id}", tag = "monitoring",
    params(("id" = String, Path, description = "Counterparty id")),
    responses((status = 200, body = CounterpartyOut), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn counterparty_show(
    State(st): S,
    user: User,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see counterparties",
    )?;
    blocking(move || match st.store().counterparty(&id)? {
        Some(c) => Ok(Json(serde_json::to_value(c).map_err(anyhow::Error::from)?)),
        None => Err(ApiError::not_found(format!("no counterparty {id}"))),
    })
    .await
}

#[utoipa::path(post, path = "/v1/monitor/run", tag = "monitoring",
    responses((status = 200, description = "Counterparties re-screened against what changed since the last run", body = MonitorOut),
        (status = 409, description = "Another instance monitored the same update first", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn monitor_run(State(st): S, user: User) -> Result<Json<MonitorOut>, ApiError> {
    user.need(&[], "run monitoring")?;
    // Pick up list changes first, so the delta is screened with the index it belongs to.
    st.refresh().await?;
    let lists = st.lists();
    blocking(move || {
        let rep = chokepoint_service::monitor::run(&mut st.store(), &user.name, &lists.index)?;
        Ok(monitor_json(rep))
    })
    .await
}

#[utoipa::path(post, path = "/v1/users", tag = "system", request_body = UserRequest,
    responses((status = 200, body = UserCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn users_add(
    State(st): S,
    user: User,
    Body(r): Body<UserRequest>,
) -> Result<Json<UserCreated>, ApiError> {
    user.need(&[], "add users")?;
    blocking(move || {
        let token = st.store().add_user(&user.name, &r.name, &r.role)?;
        Ok(Json(UserCreated {
            name: r.name,
            role: r.role,
            token,
        }))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Licensing authority

#[utoipa::path(post, path = "/v1/applications", tag = "licensing",
    request_body(content = Object, description = "An application: exporter {name, country}, parties [{role, name, country, address}] with an end_user, items [{control_entry, description, quantity, value, currency}], destination, end_use"),
    responses((status = 200, description = "Filed as a draft", body = ApplicationFiled), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn application_file(
    State(st): S,
    user: User,
    Body(app): Body<chokepoint_licensing::Application>,
) -> Result<Json<ApplicationFiled>, ApiError> {
    blocking(move || {
        let id = chokepoint_service::licensing::file(&mut st.store(), &user.name, &app)?;
        Ok(Json(ApplicationFiled {
            id,
            status: "draft".into(),
        }))
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct AppFilter {
    /// Only applications in this state.
    status: Option<String>,
}

const AUTHORITY: &[&str] = &[
    "applicant",
    "case_officer",
    "adviser",
    "approver",
    "auditor",
];

#[utoipa::path(get, path = "/v1/applications", tag = "licensing", params(AppFilter),
    responses((status = 200, body = Vec<ApplicationOut>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn applications_list(
    State(st): S,
    user: User,
    Query(f): Query<AppFilter>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(AUTHORITY, "see applications")?;
    blocking(move || {
        let mut v = st.store().applications(f.status.as_deref())?;
        // Applicants see their own applications only.
        if user.role == "applicant" {
            v.retain(|a| a.applicant == user.name);
        }
        Ok(Json(serde_json::to_value(v).map_err(anyhow::Error::from)?))
    })
    .await
}

#[utoipa::path(get, path = "/v1/applications/{id}", tag = "licensing", params(("id" = i64, Path, description = "Application id")),
    responses((status = 200, body = ApplicationOut), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn application_show(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, ApiError> {
    user.need(AUTHORITY, "see applications")?;
    blocking(move || match st.store().application(id)? {
        Some(a) if user.role != "applicant" || a.applicant == user.name => {
            Ok(Json(serde_json::to_value(a).map_err(anyhow::Error::from)?))
        }
        _ => Err(ApiError::not_found(format!("no application {id}"))),
    })
    .await
}

#[utoipa::path(post, path = "/v1/applications/{id}/move", tag = "licensing",
    params(("id" = i64, Path, description = "Application id")), request_body = MoveIn,
    responses((status = 200, description = "Moved; the assessment and no-undercut findings when they ran", body = MovedOut),
        (status = 400, description = "A move the lifecycle does not allow, or a condition not met (no-undercut consultation, four eyes, advice, …)", body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, description = "Someone else moved it first", body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn application_move(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
    Body(m): Body<MoveIn>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lists = st.lists();
    blocking(move || {
        let mut store = st.store();
        if store.application(id)?.is_none() {
            return Err(ApiError::not_found(format!("no application {id}")));
        }
        let req = chokepoint_service::licensing::MoveRequest {
            note: m.note,
            agencies: m.agencies,
            recommendation: m.recommendation,
            regime: m.regime,
            reason: m.reason,
            valid_until: m.valid_until,
            conditions: m.conditions,
        };
        let r = chokepoint_service::licensing::move_to(
            &mut store,
            &user.name,
            id,
            &m.to,
            &req,
            &lists.index,
        )?;
        Ok(Json(serde_json::to_value(r).map_err(anyhow::Error::from)?))
    })
    .await
}

#[utoipa::path(post, path = "/v1/applications/{id}/advice", tag = "licensing",
    params(("id" = i64, Path, description = "Application id")), request_body = AdviceIn,
    responses((status = 200, body = Recorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn application_advice(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
    Body(a): Body<AdviceIn>,
) -> Result<Json<Recorded>, ApiError> {
    blocking(move || {
        let seq = chokepoint_service::licensing::advise(
            &mut st.store(),
            &user.name,
            id,
            &a.agency,
            &a.advice,
        )?;
        Ok(Json(Recorded { audit_seq: seq }))
    })
    .await
}

#[utoipa::path(post, path = "/v1/applications/{id}/consultations", tag = "licensing",
    params(("id" = i64, Path, description = "Application id")), request_body = ConsultationIn,
    responses((status = 200, body = Recorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn application_consult(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
    Body(c): Body<ConsultationIn>,
) -> Result<Json<Recorded>, ApiError> {
    blocking(move || {
        let seq = chokepoint_service::licensing::consult(
            &mut st.store(),
            &user.name,
            id,
            &c.denial,
            &c.outcome,
            &c.note,
        )?;
        Ok(Json(Recorded { audit_seq: seq }))
    })
    .await
}

#[utoipa::path(post, path = "/v1/denials", tag = "licensing",
    request_body(content = Vec<Object>, description = "Denials: [{reference, origin, regime, parties [{name, address, country}], items [{control_entry, description}], destination, reason, denied_on}]; all or none are recorded"),
    responses((status = 200, body = DenialsRecorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn denials_add(
    State(st): S,
    user: User,
    Body(ds): Body<Vec<chokepoint_licensing::Denial>>,
) -> Result<Json<DenialsRecorded>, ApiError> {
    blocking(move || {
        let n = chokepoint_service::licensing::record_denials(&mut st.store(), &user.name, &ds)?;
        Ok(Json(DenialsRecorded { recorded: n }))
    })
    .await
}

#[utoipa::path(get, path = "/v1/denials", tag = "licensing",
    responses((status = 200, body = Vec<Object>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn denials_list(
    State(st): S,
    user: User,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    user.need(
        &["case_officer", "adviser", "approver", "auditor"],
        "see denials",
    )?;
    blocking(move || Ok(Json(st.store().denials()?))).await
}

#[utoipa::path(post, path = "/v1/licences", tag = "licensing",
    request_body(content = Object, description = "A licence issued elsewhere: number, holder {name, country}, items [{control_entry, quantity, value}], parties [{role, name}], destinations, valid_from, valid_until, conditions"),
    responses((status = 200, body = Recorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn licences_add(
    State(st): S,
    user: User,
    Body(l): Body<serde_json::Value>,
) -> Result<Json<Recorded>, ApiError> {
    blocking(move || {
        let seq = chokepoint_service::licences::record(&mut st.store(), &user.name, &l)?;
        Ok(Json(Recorded { audit_seq: seq }))
    })
    .await
}

#[utoipa::path(get, path = "/v1/licences/{number}", tag = "licensing",
    params(("number" = String, Path, description = "Licence number")),
    responses((status = 200, description = "The licence and what has been drawn on it", body = LicenceOut), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub(crate) async fn licence_show(
    State(st): S,
    _user: User,
    Path(number): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    blocking(
        move || match chokepoint_service::licences::show(&st.store(), &number)? {
            Some(v) => Ok(Json(v)),
            None => Err(ApiError::not_found(format!("no licence {number}"))),
        },
    )
    .await
}

#[utoipa::path(post, path = "/v1/euv", tag = "licensing",
    request_body(content = Object, description = "A check to plan: kind (pre_licence | post_shipment), party {name, country, address}, destination, due_on, licence, application"),
    responses((status = 200, body = EuvPlanned), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn euv_plan(
    State(st): S,
    user: User,
    Body(p): Body<chokepoint_service::euv::Plan>,
) -> Result<Json<EuvPlanned>, ApiError> {
    blocking(move || {
        let id = chokepoint_service::euv::plan(&mut st.store(), &user.name, &p)?;
        Ok(Json(EuvPlanned { id }))
    })
    .await
}

#[utoipa::path(post, path = "/v1/euv/{id}/result", tag = "licensing",
    params(("id" = i64, Path, description = "Check id")), request_body = EuvResultIn,
    responses((status = 200, body = Recorded), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn euv_result(
    State(st): S,
    user: User,
    Path(id): Path<i64>,
    Body(r): Body<EuvResultIn>,
) -> Result<Json<Recorded>, ApiError> {
    blocking(move || {
        let res = chokepoint_service::euv::Result_ {
            performed_on: r.performed_on,
            site: r.site,
            officer: r.officer,
            findings: r.findings,
            outcome: r.outcome,
        };
        let seq =
            chokepoint_service::euv::record(&mut st.store(), &user.name, id, &res, r.restrict)?;
        Ok(Json(Recorded { audit_seq: seq }))
    })
    .await
}

#[utoipa::path(get, path = "/v1/euv/report", tag = "licensing",
    responses((status = 200, description = "Checks due in 30 days (and overdue), outcomes by destination", body = Object), (status = 401, body = ErrorBody)))]
pub(crate) async fn euv_report(
    State(st): S,
    _user: User,
) -> Result<Json<serde_json::Value>, ApiError> {
    blocking(move || {
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        Ok(Json(chokepoint_service::euv::report(
            &st.store(),
            &today,
            30,
        )?))
    })
    .await
}
