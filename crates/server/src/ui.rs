//! The reviewer's web UI: plain server-rendered HTML (maud escapes every value), one small
//! stylesheet, no JavaScript. The browser signs in with its API token, kept in an HttpOnly,
//! SameSite=Strict cookie; every page checks the role exactly as the API does and calls the
//! same use cases.

use crate::handlers::{blocking, ApiError, User};
use crate::AppState;
use axum::extract::{Form, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

const COOKIE: &str = "cp_token";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/ui/") }))
        .route("/ui/login", get(login_page).post(login))
        .route("/ui/logout", post(logout))
        .route("/ui/", get(queue))
        .route("/ui/cases/{id}", get(case_page))
        .route("/ui/cases/{id}/hits/{hit}", post(dispose))
        .route("/ui/cases/{id}/approve", post(approve))
        .route("/ui/screen", get(screen_page).post(screen))
        .route("/ui/lists", get(lists_page))
        .route("/ui/audit", get(audit_page))
        .merge(licensing_routes())
}

const STYLE: &str = r#"
:root { --ink: #1d2430; --muted: #5f6b7a; --line: #dde3ea; --accent: #1f5fbf; --bad: #b3261e; --ok: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f8fa; }
header { background: #102a43; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem; align-items: center; }
header a { color: #d9e2ec; text-decoration: none; } header a:hover { color: #fff; }
header .brand { font-weight: 700; color: #fff; margin-right: 1rem; }
header form { margin-left: auto; } header .who { color: #9fb3c8; margin-left: auto; }
main { max-width: 1100px; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.4rem; margin: 0 0 1rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef2f6; font-weight: 600; font-size: .85rem; color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin-bottom: 1rem; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.muted { color: var(--muted); } .bad { color: var(--bad); font-weight: 600; } .ok { color: var(--ok); font-weight: 600; }
.pill { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; background: #e6ecf3; }
.pill.alert { background: #fde2e1; color: var(--bad); } .pill.open { background: #fff3cd; } .pill.closed { background: #dcf5e3; }
input, select, button { font: inherit; padding: .35rem .5rem; border: 1px solid #b9c4d0; border-radius: 4px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
form.inline { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; margin-top: .8rem; }
.error { background: #fde2e1; border: 1px solid #f5b5b1; padding: .6rem .8rem; border-radius: 4px; margin-bottom: 1rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; margin: 0; } dt { color: var(--muted); }
code { font-size: .85rem; }
"#;

fn page(title: &str, user: Option<&User>, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Chokepoint" }
                    style { (maud::PreEscaped(STYLE)) }
                }
                body {
                    header {
                        span.brand { "Chokepoint" }
                        @if let Some(u) = user {
                            a href="/ui/" { "Cases" }
                            a href="/ui/applications" { "Applications" }
                            a href="/ui/screen" { "Screen" }
                            a href="/ui/lists" { "Lists" }
                            a href="/ui/audit" { "Audit" }
                            span.who { (u.name) " · " (u.role) }
                            form method="post" action="/ui/logout" { button.secondary type="submit" { "Sign out" } }
                        }
                    }
                    main { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// The signed-in user, from the cookie; pages send people without one to the login page.
struct UiUser(User);

impl FromRequestParts<Arc<AppState>> for UiUser {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let token =
            cookie(&parts.headers).ok_or_else(|| Redirect::to("/ui/login").into_response())?;
        match User::from_token(state, token).await {
            Ok(u) => Ok(UiUser(u)),
            Err(_) => Err(Redirect::to("/ui/login").into_response()),
        }
    }
}

fn cookie(h: &HeaderMap) -> Option<String> {
    h.get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// An error shown on a page rather than as JSON.
fn error_page(user: &User, e: ApiError) -> Response {
    let (status, msg) = e.parts();
    (
        status,
        page(
            "Error",
            Some(user),
            html! { div.error { (msg) } p { a href="javascript:history.back()" { "Back" } } },
        ),
    )
        .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    token: String,
}

async fn login_page() -> Html<String> {
    login_form(None)
}

fn login_form(error: Option<&str>) -> Html<String> {
    page(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(e) = error { div.error { (e) } }
            div.card {
                form.inline method="post" action="/ui/login" {
                    label for="token" { "API token" }
                    input #token type="password" name="token" size="70" autocomplete="off" required;
                    button #signin type="submit" { "Sign in" }
                }
                p.muted { "Your token was printed when your user was created (" code { "chokepoint users add NAME --role ROLE" } ")." }
            }
        },
    )
}

async fn login(State(st): State<Arc<AppState>>, Form(f): Form<LoginForm>) -> Response {
    let token = f.token.trim().to_string();
    match User::from_token(&st, token.clone()).await {
        Ok(_) => (
            [(
                header::SET_COOKIE,
                format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/"),
            )],
            Redirect::to("/ui/"),
        )
            .into_response(),
        Err(_) => (StatusCode::UNAUTHORIZED, login_form(Some("Unknown token."))).into_response(),
    }
}

async fn logout() -> Response {
    (
        [(
            header::SET_COOKIE,
            format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
        )],
        Redirect::to("/ui/login"),
    )
        .into_response()
}

async fn queue(State(st): State<Arc<AppState>>, UiUser(u): UiUser) -> Response {
    if let Err(e) = u.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see cases",
    ) {
        return error_page(&u, e);
    }
    let cases = match blocking(move || Ok(st.store().cases(None)?)).await {
        Ok(c) => c,
        Err(e) => return error_page(&u, e),
    };
    let open: Vec<_> = cases.iter().filter(|c| c.status == "open").collect();
    let closed: Vec<_> = cases
        .iter()
        .filter(|c| c.status != "open")
        .take(20)
        .collect();
    let table = |cs: &[&chokepoint_store::cases::Case]| {
        html! {
            table {
                thead { tr { th { "Case" } th { "Subject" } th { "Opened" } th { "By" } th { "Hits" } th { "Undisposed" } th { "Status" } } }
                tbody {
                    @for c in cs {
                        tr {
                            td { a href={ "/ui/cases/" (c.id) } { "#" (c.id) } }
                            td { (c.subject) }
                            td.muted { (c.opened_at.get(..16).unwrap_or(&c.opened_at)) }
                            td { (c.opened_by) }
                            td { (c.hits.len()) }
                            td { (c.hits.iter().filter(|h| h.disposition.is_none()).count()) }
                            td { span class={ "pill " (c.status) } { (c.status) } }
                        }
                    }
                }
            }
        }
    };
    page(
        "Cases",
        Some(&u),
        html! {
            h1 { "Open cases (" (open.len()) ")" }
            @if open.is_empty() { p.muted { "Nothing to review." } } @else { (table(&open)) }
            h2 { "Recently closed" }
            @if closed.is_empty() { p.muted { "None yet." } } @else { (table(&closed)) }
        },
    )
    .into_response()
}

/// The fields a reviewer compares, from a list entity's JSON.
fn entity_fields(e: &Value) -> Vec<(&'static str, String)> {
    let join = |v: &Value, key: Option<&str>| -> String {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|x| match key {
                Some(k) => x[k]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| x[k].to_string()),
                None => x
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| x.to_string()),
            })
            .filter(|s| !s.is_empty() && s != "null")
            .fold(Vec::<String>::new(), |mut acc, s| {
                if !acc.contains(&s) {
                    acc.push(s);
                }
                acc
            })
            .join("; ")
    };
    let date = |d: &Value| -> String {
        let mut out = d["year"].to_string();
        for k in ["month", "day"] {
            if let Some(n) = d[k].as_u64() {
                out.push_str(&format!("-{n:02}"));
            }
        }
        out
    };
    let births = e["birth_dates"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| {
            let mut s = date(&b["date"]);
            if b["to"].is_object() {
                s = format!("{s} to {}", date(&b["to"]));
            }
            if b["circa"] == true {
                s = format!("circa {s}");
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    vec![
        ("Name", e["name"].as_str().unwrap_or("").to_string()),
        ("Kind", e["kind"].as_str().unwrap_or("").to_string()),
        ("Other names", join(&e["names"], Some("full"))),
        ("Birth dates", births),
        ("Nationality", join(&e["nationalities"], None)),
        ("Citizenship", join(&e["citizenships"], None)),
        ("Addresses", join(&e["addresses"], Some("country"))),
        ("Identifiers", join(&e["identifiers"], Some("value"))),
        ("Programmes", join(&e["programs"], None)),
        (
            "Listed on",
            e["listed_on"].as_str().unwrap_or("").to_string(),
        ),
    ]
}

/// What was screened for a hit's party: from the assessment, the screening or the
/// counterparty that opened the case.
fn query_fields(decision: &Value, party: &str, cp: Option<&Value>) -> Vec<(&'static str, String)> {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    if let Some(c) = cp {
        return vec![
            ("Name", s(&c["name"])),
            ("Kind", s(&c["type"])),
            ("Birth date", s(&c["birth_date"])),
            ("Country", s(&c["country"])),
            ("Address", s(&c["address"])),
        ];
    }
    if decision["query"].is_object() {
        let q = &decision["query"];
        return vec![
            ("Name", s(&q["name"])),
            ("Kind", s(&q["type"])),
            ("Birth date", s(&q["birth_date"])),
            ("Country", s(&q["country"])),
            ("Address", s(&q["address"])),
        ];
    }
    let p = decision["transaction"]["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["id"] == party)
        .cloned()
        .unwrap_or(Value::Null);
    vec![
        ("Name", s(&p["name"])),
        ("Role", s(&p["role"])),
        ("Kind", s(&p["kind"])),
        ("Birth date", s(&p["birth_date"])),
        ("Country", s(&p["country"])),
        (
            "Address",
            [&p["address"]["street"], &p["address"]["city"]]
                .into_iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]
}

fn fields(f: &[(&str, String)]) -> Markup {
    html! { dl { @for (k, v) in f { @if !v.is_empty() { dt { (k) } dd { (v) } } } } }
}

fn explanation(m: &Value) -> Markup {
    let e = &m["explanation"];
    html! {
        p { "Score " strong { (format!("{:.3}", m["score"].as_f64().unwrap_or(0.0))) } " — name " (format!("{:.3}", e["name_score"].as_f64().unwrap_or(0.0))) }
        table {
            thead { tr { th { "Query token" } th { "List token" } th { "How" } th { "Similarity" } } }
            tbody {
                @for t in e["name"]["tokens"].as_array().into_iter().flatten() {
                    tr { td { (t["query"].as_str().unwrap_or("")) } td { (t["list"].as_str().unwrap_or("")) } td { (t["how"].as_str().unwrap_or("")) } td { (format!("{:.2}", t["similarity"].as_f64().unwrap_or(0.0))) } }
                }
                @for a in e["attributes"].as_array().into_iter().flatten() {
                    tr { td { (a["attribute"].as_str().unwrap_or("")) ": " (a["query"].as_str().unwrap_or("")) } td { (a["list"].as_array().map(|l| l.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join("/")).unwrap_or_default()) } td { (a["result"].as_str().unwrap_or("")) } td { (format!("{:+.2}", a["delta"].as_f64().unwrap_or(0.0))) } }
                }
            }
        }
    }
}

async fn case_page(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
) -> Response {
    if let Err(e) = u.need(
        &["screener", "reviewer", "approver", "auditor"],
        "see cases",
    ) {
        return error_page(&u, e);
    }
    let lists = st.lists();
    let loaded = blocking(move || {
        let store = st.store();
        let c = store
            .case(id)?
            .ok_or_else(|| ApiError::not_found(format!("no case {id}")))?;
        let cp = match c.decision["counterparty"].as_str() {
            Some(cid) => store
                .counterparty(cid)?
                .map(|x| serde_json::to_value(x).unwrap_or_default()),
            None => None,
        };
        let mut entities = Vec::new();
        for h in c.hits.iter().filter(|h| h.kind == "screening") {
            let e = store
                .entity_as_of(&h.reference, None)?
                .map(|(_, e)| serde_json::to_value(e).unwrap_or_default());
            entities.push((h.hit_no, e));
        }
        Ok((c, cp, entities))
    })
    .await;
    let (c, cp, entities) = match loaded {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    // The match with its explanation, for a hit: recorded with the screening, or recomputed
    // for the entity now (assessments and monitoring record scores only).
    let matches = c.decision["matches"]
        .as_array()
        .cloned()
        .or_else(|| c.decision["result"]["matches"].as_array().cloned())
        .unwrap_or_default();
    let recompute = |q: &[(&str, String)], entity: &str| -> Option<Value> {
        let get = |k: &str| {
            q.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let query = chokepoint_screen::batch::make_query(
            get("Name")?,
            get("Kind"),
            get("Birth date"),
            get("Country"),
            vec![],
            vec![],
        )
        .and_then(|q| chokepoint_screen::batch::with_address(q, get("Address")))
        .ok()?;
        lists
            .index
            .screen(&query, 50)
            .into_iter()
            .find(|m| m.entity_id == entity)
            .and_then(|m| serde_json::to_value(m).ok())
    };
    let undisposed = c.hits.iter().filter(|h| h.disposition.is_none()).count();
    page(
        &format!("Case {id}"),
        Some(&u),
        html! {
            h1 { "Case #" (c.id) " " span class={ "pill " (c.status) } #status { (c.status) } }
            p.muted { (c.subject) " · opened " (c.opened_at) " by " (c.opened_by)
                @if let Some(by) = &c.closed_by { " · closed " (c.closed_at.clone().unwrap_or_default()) " by " (by) } }
            @for n in &c.notes { div.card { strong { "Note " } span.muted { (n.at) } " " (n.note) } }
            @for h in &c.hits {
                div.card id={ "hit-" (h.hit_no) } {
                    h2 { "Hit " (h.hit_no) " · " (h.kind) " · " (h.reference) }
                    p { (h.detail) }
                    @if h.kind == "screening" {
                        @let q = query_fields(&c.decision, &h.party, cp.as_ref());
                        div.side {
                            div { h2 { "Screened party" } (fields(&q)) }
                            div { h2 { "List entry" }
                                @match entities.iter().find(|(n, _)| *n == h.hit_no).and_then(|(_, e)| e.as_ref()) {
                                    Some(e) => (fields(&entity_fields(e))),
                                    None => p.muted { "Not on the lists in force now." },
                                }
                            }
                        }
                        @let m = matches.iter().find(|m| m["entity_id"] == h.reference.as_str()).cloned().or_else(|| recompute(&q, &h.reference));
                        @if let Some(m) = m { h2 { "Why it matched" } (explanation(&m)) }
                    }
                    @if let Some(d) = &h.disposition {
                        p { "Disposition: " strong.disposition { (d) } " by " (h.disposed_by.clone().unwrap_or_default()) " — " (h.reason.clone().unwrap_or_default()) }
                    } @else if c.status == "open" {
                        form.inline method="post" action={ "/ui/cases/" (c.id) "/hits/" (h.hit_no) } {
                            select name="disposition" {
                                option value="false_positive" { "False positive" }
                                option value="true_match" { "True match" }
                                option value="escalate" { "Escalate" }
                            }
                            input type="text" name="reason" placeholder="Reason (required)" size="50" required;
                            button type="submit" { "Record disposition" }
                        }
                    }
                }
            }
            @if c.status == "open" {
                div.card {
                    @if undisposed > 0 { p.muted { (undisposed) " hit(s) still need a disposition before approval." } }
                    form method="post" action={ "/ui/cases/" (c.id) "/approve" } {
                        button #approve type="submit" { "Approve and close (four eyes)" }
                    }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
struct DisposeForm {
    disposition: String,
    reason: String,
}

async fn dispose(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path((id, hit)): Path<(i64, i64)>,
    Form(f): Form<DisposeForm>,
) -> Response {
    if let Err(e) = u.need(&["reviewer", "approver"], "dispose of hits") {
        return error_page(&u, e);
    }
    let name = u.name.clone();
    match blocking(move || {
        Ok(chokepoint_service::dispose(
            &mut st.store(),
            &name,
            id,
            hit,
            &f.disposition,
            &f.reason,
        )?)
    })
    .await
    {
        Ok(()) => Redirect::to(&format!("/ui/cases/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

async fn approve(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
) -> Response {
    if let Err(e) = u.need(&["approver"], "approve cases") {
        return error_page(&u, e);
    }
    let name = u.name.clone();
    match blocking(move || Ok(st.store().approve(&name, id)?)).await {
        Ok(()) => Redirect::to(&format!("/ui/cases/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

fn screen_form() -> Markup {
    html! {
        div.card {
            form.inline method="post" action="/ui/screen" {
                input #name type="text" name="name" placeholder="Name" size="40" required;
                select name="type" { option value="" { "Any kind" } option value="person" { "Person" } option value="organization" { "Organisation" } option value="vessel" { "Vessel" } option value="aircraft" { "Aircraft" } }
                input type="text" name="birth_date" placeholder="Birth date (1965, 1965-03-01)" size="22";
                input type="text" name="country" placeholder="Country" size="10";
                input type="text" name="address" placeholder="Address (street, number, city)" size="34";
                button #screen type="submit" { "Screen" }
            }
            p.muted { "An alert opens a case for review." }
        }
    }
}

async fn screen_page(UiUser(u): UiUser) -> Response {
    page(
        "Screen",
        Some(&u),
        html! { h1 { "Screen a party" } (screen_form()) },
    )
    .into_response()
}

#[derive(Deserialize)]
struct ScreenForm {
    name: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    address: String,
}

async fn screen(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Form(f): Form<ScreenForm>,
) -> Response {
    if let Err(e) = u.need(&["screener", "reviewer", "approver"], "screen parties") {
        return error_page(&u, e);
    }
    let opt = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(String::from);
    let q = match chokepoint_screen::batch::make_query(
        &f.name,
        opt(&f.kind).as_deref(),
        opt(&f.birth_date).as_deref(),
        opt(&f.country).as_deref(),
        vec![],
        vec![],
    )
    .and_then(|q| chokepoint_screen::batch::with_address(q, Some(&f.address)))
    {
        Ok(q) => q,
        Err(e) => return error_page(&u, ApiError::bad(e)),
    };
    let lists = st.lists();
    let name = u.name.clone();
    let r = blocking(move || {
        Ok(chokepoint_service::screen_for_review(
            &mut st.store(),
            &name,
            &q,
            &lists.index,
            &lists.snapshots,
        )?)
    })
    .await;
    let (matches, seq, case) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    page(
        "Screen",
        Some(&u),
        html! {
            h1 { "Screen a party" }
            (screen_form())
            h2 { "Results for “" (f.name) "”" }
            @if let Some(c) = case {
                p { span.bad { (matches.len()) " alert(s)" } " — " a #case-link href={ "/ui/cases/" (c) } { "case #" (c) " opened for review" } }
            } @else {
                p.ok #no-alert { "No alert." }
            }
            @for m in &matches {
                div.card {
                    p { span.pill.alert { "ALERT" } " " strong { (m.name) } " " span.muted { (m.entity_id) " · " (m.source) } }
                    (explanation(&serde_json::to_value(m).unwrap_or_default()))
                }
            }
            p.muted { "Audit record " (seq) }
        },
    )
    .into_response()
}

async fn lists_page(State(st): State<Arc<AppState>>, UiUser(u): UiUser) -> Response {
    let r = blocking(move || {
        let store = st.store();
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let status = store.status(&today, 7)?;
        let mut deltas = Vec::new();
        for s in store.in_force_all(None)? {
            let d = store.stored_delta(s.id)?;
            deltas.push((s.source.clone(), s.id, s.effective_date.clone(), d.counts()));
        }
        Ok((status, deltas))
    })
    .await;
    let (status, deltas) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    page(
        "Lists",
        Some(&u),
        html! {
            h1 { "Lists" }
            table {
                thead { tr { th { "Source" } th { "List date" } th { "Imported" } th { "Entities" } th { "Snapshots" } th { "Age" } } }
                tbody { @for s in &status { tr {
                    td { (s.source) } td { (s.list_date.clone().unwrap_or_default()) } td.muted { (s.imported_at.get(..16).unwrap_or(&s.imported_at)) }
                    td { (s.entities) } td { (s.snapshots) }
                    td { @if s.stale { span.bad { (s.age_days) " days" } } @else { (s.age_days) " days" } }
                } } }
            }
            h2 { "What the newest edition changed" }
            table {
                thead { tr { th { "Source" } th { "Snapshot" } th { "In force from" } th { "Added" } th { "Removed" } th { "Changed" } } }
                tbody { @for (src, id, eff, (a, r, c)) in &deltas { tr { td { (src) } td { (id) } td { (eff) } td { (a) } td { (r) } td { (c) } } } }
            }
        },
    )
    .into_response()
}

async fn audit_page(State(st): State<Arc<AppState>>, UiUser(u): UiUser) -> Response {
    if let Err(e) = u.need(&["auditor", "approver", "reviewer"], "read the audit log") {
        return error_page(&u, e);
    }
    let r = blocking(move || {
        let store = st.store();
        let check = store.verify_audit()?;
        let mut recs = store.audit_records(None, None)?;
        recs.reverse();
        recs.truncate(200);
        Ok((check, recs))
    })
    .await;
    let (check, recs) = match r {
        Ok(x) => x,
        Err(e) => return error_page(&u, e),
    };
    page(
        "Audit",
        Some(&u),
        html! {
            h1 { "Audit log" }
            @if check.problems.is_empty() {
                p.ok #chain { "Chain intact: " (check.records) " records, head " code { (check.head.get(..16).unwrap_or("")) } "…" }
            } @else {
                div.error #chain { "Chain BROKEN: " @for p in &check.problems { (p) br; } }
            }
            table #records {
                thead { tr { th { "#" } th { "When" } th { "Who" } th { "Action" } th { "Subject" } } }
                tbody { @for r in &recs { tr { td { (r.seq) } td.muted { (r.at.get(..19).unwrap_or(&r.at)) } td { (r.actor) } td { (r.action) } td { (r.subject) } } } }
            }
        },
    )
    .into_response()
}

// ---------------------------------------------------------------------------------------------
// Licensing authority: the case officer's queue and the application view

const APP_ROLES: &[&str] = &[
    "applicant",
    "case_officer",
    "adviser",
    "approver",
    "auditor",
];

pub(crate) fn licensing_routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/ui/applications", get(applications_page))
        .route("/ui/applications/{id}", get(application_page))
        .route("/ui/applications/{id}/move", post(application_move))
        .route("/ui/applications/{id}/advice", post(application_advice))
        .route("/ui/applications/{id}/consult", post(application_consult))
}

async fn applications_page(State(st): State<Arc<AppState>>, UiUser(u): UiUser) -> Response {
    if let Err(e) = u.need(APP_ROLES, "see applications") {
        return error_page(&u, e);
    }
    let mine = (u.role == "applicant").then(|| u.name.clone());
    let apps = match blocking(move || {
        let mut v = st.store().applications(None)?;
        if let Some(m) = mine {
            v.retain(|a| a.applicant == m);
        }
        Ok(v)
    })
    .await
    {
        Ok(v) => v,
        Err(e) => return error_page(&u, e),
    };
    let open: Vec<_> = apps
        .iter()
        .filter(|a| !["issued", "denied"].contains(&a.status.as_str()))
        .collect();
    let done: Vec<_> = apps
        .iter()
        .filter(|a| ["issued", "denied"].contains(&a.status.as_str()))
        .collect();
    let table = |v: &[&chokepoint_store::licensing::ApplicationRecord]| {
        html! {
            table {
                thead { tr { th { "Application" } th { "Exporter" } th { "Destination" } th { "Items" } th { "Status" } th { "Flags" } th { "Updated" } } }
                tbody { @for a in v { tr {
                    td { a href={ "/ui/applications/" (a.id) } { "#" (a.id) } }
                    td { (a.application["exporter"]["name"].as_str().unwrap_or("")) }
                    td { (a.application["destination"].as_str().unwrap_or("")) }
                    td { (a.application["items"].as_array().map(|i| i.iter().filter_map(|x| x["control_entry"].as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) }
                    td { span.pill { (a.status) } }
                    td { @if a.state["undercuts"].as_array().is_some_and(|x| !x.is_empty()) { span.pill.alert { "no-undercut" } } }
                    td.muted { (a.updated_at.get(..16).unwrap_or(&a.updated_at)) }
                } } }
            }
        }
    };
    page(
        "Applications",
        Some(&u),
        html! {
            h1 { "Licence applications (" (open.len()) " open)" }
            @if open.is_empty() { p.muted { "None open." } } @else { (table(&open)) }
            h2 { "Decided" }
            @if done.is_empty() { p.muted { "None yet." } } @else { (table(&done)) }
        },
    )
    .into_response()
}

async fn application_page(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
) -> Response {
    if let Err(e) = u.need(APP_ROLES, "see applications") {
        return error_page(&u, e);
    }
    let a = match blocking(move || {
        st.store()
            .application(id)?
            .ok_or_else(|| ApiError::not_found(format!("no application {id}")))
    })
    .await
    {
        Ok(a) if u.role != "applicant" || a.applicant == u.name => a,
        Ok(_) => return error_page(&u, ApiError::not_found(format!("no application {id}"))),
        Err(e) => return error_page(&u, e),
    };
    let app = &a.application;
    let st_ = &a.state;
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let consulted: Vec<String> = a.consultations.iter().map(|c| s(&c["denial"])).collect();
    let is = |r: &str| u.role == r || u.role == "admin";
    let mv = format!("/ui/applications/{id}/move");
    page(
        &format!("Application {id}"),
        Some(&u),
        html! {
            h1 { "Application #" (a.id) " " span.pill #status { (a.status) } }
            p.muted { "filed by " (a.applicant) " on " (a.created_at.get(..10).unwrap_or("")) }
            div.side {
                div.card {
                    h2 { "Export" }
                    dl {
                        dt { "Exporter" } dd { (s(&app["exporter"]["name"])) " (" (s(&app["exporter"]["country"])) ")" }
                        dt { "Destination" } dd { (s(&app["destination"])) }
                        dt { "End use" } dd { (s(&app["end_use"])) }
                        @for p in app["parties"].as_array().into_iter().flatten() {
                            dt { (s(&p["role"])) } dd { (s(&p["name"])) " " span.muted { (s(&p["country"])) } }
                        }
                        @for it in app["items"].as_array().into_iter().flatten() {
                            dt { (s(&it["control_entry"])) } dd { (s(&it["description"])) " " span.muted { (it["quantity"].as_f64().map(|q| format!("× {q}")).unwrap_or_default()) } }
                        }
                    }
                }
                div.card {
                    h2 { "Findings" }
                    dl {
                        @if st_["assessment"].is_object() { dt { "Assessment" } dd { (s(&st_["assessment"]["outcome"])) } }
                        @if let Some(r) = st_["referral"]["agencies"].as_array() {
                            @for ag in r { dt { "Advice " (s(ag)) } dd { @if st_["referral"]["advice"][s(ag)].is_object() { (s(&st_["referral"]["advice"][s(ag)]["advice"])) } @else { span.muted { "awaited" } } } }
                        }
                        @if st_["recommendation"].is_object() { dt { "Recommendation" } dd { (s(&st_["recommendation"]["decision"])) " by " (s(&st_["recommendation"]["by"])) } }
                        @if st_["decision"].is_object() { dt { "Decision" } dd { (s(&st_["decision"]["decision"])) " by " (s(&st_["decision"]["by"])) " " (s(&st_["decision"]["reason"])) } }
                        @if st_["licence"].is_object() { dt { "Licence" } dd #licence { (s(&st_["licence"]["number"])) " valid until " (s(&st_["licence"]["valid_until"])) } }
                    }
                }
            }
            @for un in st_["undercuts"].as_array().into_iter().flatten() {
                div.card {
                    p { span.pill.alert { "no-undercut" } " essentially identical to " strong { (s(&un["origin"])) " denial " (s(&un["denial"])) } " (" (s(&un["regime"])) ", valid until " (s(&un["valid_until"])) ")" }
                    ul { @for w in un["why"].as_array().into_iter().flatten() { li { (s(w)) } } }
                    p.muted { (s(&un["citation"])) }
                    @if consulted.contains(&s(&un["denial"])) {
                        p.ok { "Consultation recorded." }
                    } @else if s(&un["rule"]) == "consult" && (is("case_officer") || is("approver")) {
                        form.inline method="post" action={ "/ui/applications/" (id) "/consult" } {
                            input type="hidden" name="denial" value=(s(&un["denial"]));
                            input type="text" name="outcome" placeholder="Partner's answer" required;
                            input type="text" name="note" placeholder="What was said, when, with whom" size="40" required;
                            button.consult type="submit" { "Record consultation" }
                        }
                    }
                }
            }
            div.card #actions {
                h2 { "Next step" }
                @match a.status.as_str() {
                    "draft" | "returned" if is("applicant") => {
                        form method="post" action=(mv) { input type="hidden" name="to" value="submitted"; button #submit type="submit" { "Submit" } }
                    }
                    "submitted" if is("case_officer") => {
                        form method="post" action=(mv) { input type="hidden" name="to" value="under_review"; button #review type="submit" { "Start review" } }
                    }
                    "under_review" if is("case_officer") => {
                        form.inline method="post" action=(mv) {
                            input type="hidden" name="to" value="recommended";
                            select name="recommendation" { option value="approve" { "Recommend approval" } option value="deny" { "Recommend denial" } }
                            input type="text" name="note" placeholder="Note";
                            button #recommend type="submit" { "Recommend" }
                        }
                        form.inline method="post" action=(mv) {
                            input type="hidden" name="to" value="referred";
                            input type="text" name="agencies" placeholder="Agencies, comma-separated" required;
                            button type="submit" { "Refer" }
                        }
                        form.inline method="post" action=(mv) {
                            input type="hidden" name="to" value="returned";
                            input type="text" name="note" placeholder="What the applicant must fix" required;
                            button.secondary type="submit" { "Return to applicant" }
                        }
                    }
                    "referred" => {
                        @if is("adviser") {
                            form.inline method="post" action={ "/ui/applications/" (id) "/advice" } {
                                select name="agency" { @for ag in st_["referral"]["agencies"].as_array().into_iter().flatten() { option value=(s(ag)) { (s(ag)) } } }
                                input type="text" name="advice" placeholder="Advice" size="40" required;
                                button type="submit" { "Record advice" }
                            }
                        }
                        @if is("case_officer") {
                            form method="post" action=(mv) { input type="hidden" name="to" value="under_review"; button type="submit" { "Back to review" } }
                        }
                    }
                    "recommended" if is("approver") => {
                        form method="post" action=(mv) { input type="hidden" name="to" value="approved"; button #approve type="submit" { "Approve" } }
                        form.inline method="post" action=(mv) {
                            input type="hidden" name="to" value="denied";
                            select name="regime" { @for r in chokepoint_licensing::regimes() { option value=(r.id) { (r.id) } } }
                            input type="text" name="reason" placeholder="Denial reason" size="40" required;
                            button.secondary type="submit" { "Deny" }
                        }
                    }
                    "approved" if is("case_officer") => {
                        form.inline method="post" action=(mv) {
                            input type="hidden" name="to" value="issued";
                            input #valid_until type="text" name="valid_until" placeholder="Valid until (YYYY-MM-DD)" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" required;
                            input type="text" name="conditions" placeholder="Conditions, one per ;" size="40";
                            button #issue type="submit" { "Issue licence" }
                        }
                    }
                    _ => { p.muted { "Nothing for you to do at this stage." } }
                }
            }
            h2 { "History" }
            table {
                thead { tr { th { "When" } th { "Who" } th { "From" } th { "To" } } }
                tbody { @for e in &a.events { tr { td.muted { (s(&e["at"]).get(..19).unwrap_or("")) } td { (s(&e["actor"])) } td { (s(&e["from"])) } td { (s(&e["to"])) } } } }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
struct MoveForm {
    to: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    agencies: String,
    #[serde(default)]
    recommendation: String,
    #[serde(default)]
    regime: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    conditions: String,
}

async fn application_move(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
    Form(f): Form<MoveForm>,
) -> Response {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let split = |s: &str, sep: char| -> Vec<String> {
        s.split(sep)
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    };
    let req = chokepoint_service::licensing::MoveRequest {
        note: opt(&f.note),
        agencies: split(&f.agencies, ','),
        recommendation: opt(&f.recommendation),
        regime: opt(&f.regime),
        reason: opt(&f.reason),
        valid_until: opt(&f.valid_until),
        conditions: split(&f.conditions, ';'),
    };
    let lists = st.lists();
    let name = u.name.clone();
    let r = blocking(move || {
        Ok(chokepoint_service::licensing::move_to(
            &mut st.store(),
            &name,
            id,
            &f.to,
            &req,
            &lists.index,
        )?)
    })
    .await;
    match r {
        Ok(_) => Redirect::to(&format!("/ui/applications/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize)]
struct AdviceForm {
    agency: String,
    advice: String,
}

async fn application_advice(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
    Form(f): Form<AdviceForm>,
) -> Response {
    let name = u.name.clone();
    match blocking(move || {
        Ok(chokepoint_service::licensing::advise(
            &mut st.store(),
            &name,
            id,
            &f.agency,
            &f.advice,
        )?)
    })
    .await
    {
        Ok(_) => Redirect::to(&format!("/ui/applications/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}

#[derive(Deserialize)]
struct ConsultForm {
    denial: String,
    outcome: String,
    note: String,
}

async fn application_consult(
    State(st): State<Arc<AppState>>,
    UiUser(u): UiUser,
    Path(id): Path<i64>,
    Form(f): Form<ConsultForm>,
) -> Response {
    let name = u.name.clone();
    match blocking(move || {
        Ok(chokepoint_service::licensing::consult(
            &mut st.store(),
            &name,
            id,
            &f.denial,
            &f.outcome,
            &f.note,
        )?)
    })
    .await
    {
        Ok(_) => Redirect::to(&format!("/ui/applications/{id}")).into_response(),
        Err(e) => error_page(&u, e),
    }
}
