//! The licensing authority's use cases: filing and moving applications through the lifecycle
//! of `data/licensing/lifecycle.json`, with the full assessment of parties and items on
//! submission, the no-undercut search against recorded denials (end users matched by the
//! screening engine), consultations, four-eyes decisions and licence issue.

use anyhow::{anyhow, bail, Context, Result};
use chokepoint_licensing::{essentially_identical, transition, Application, Denial, Undercut};
use chokepoint_model::{Entity, Kind};
use chokepoint_screen::Index;
use chokepoint_store::Store;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// What a move may carry.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// A note (why it is returned, sent back, …).
    #[serde(default)]
    pub note: Option<String>,
    /// Agencies to refer it to.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// `approve` or `deny` (a case officer's recommendation).
    #[serde(default)]
    pub recommendation: Option<String>,
    /// The regime whose denial reason applies (denials).
    #[serde(default)]
    pub regime: Option<String>,
    /// The denial reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// Last day the licence is valid (issue).
    #[serde(default)]
    pub valid_until: Option<String>,
    /// Licence conditions (issue).
    #[serde(default)]
    pub conditions: Vec<String>,
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// A refusal for lack of the right role (the server answers it with 403).
#[derive(Debug)]
pub struct Forbidden(pub String);

impl std::fmt::Display for Forbidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Forbidden {}

fn forbidden(msg: String) -> anyhow::Error {
    anyhow::Error::new(Forbidden(msg))
}

fn role_of(store: &Store, user: &str) -> Result<String> {
    store
        .user_role(user)?
        .ok_or_else(|| anyhow!("unknown user {user:?}: add it with `chokepoint users add`"))
}

/// Files a draft application (an applicant's).
pub fn file(store: &mut Store, user: &str, app: &Application) -> Result<i64> {
    let role = role_of(store, user)?;
    if role != "applicant" && role != "admin" {
        return Err(forbidden(format!(
            "{user} ({role}) may not file applications; it needs the role applicant"
        )));
    }
    app.validate().map_err(|e| anyhow!("application: {e}"))?;
    Ok(store.create_application(user, &serde_json::to_value(app)?)?)
}

/// Records denials after checking each; all or none.
pub fn record_denials(store: &mut Store, user: &str, denials: &[Denial]) -> Result<usize> {
    let role = role_of(store, user)?;
    if !["case_officer", "approver", "admin"].contains(&role.as_str()) {
        return Err(forbidden(format!(
            "{user} ({role}) may not record denials; it needs the role case_officer or approver"
        )));
    }
    let mut rows = Vec::new();
    for d in denials {
        d.validate()
            .map_err(|e| anyhow!("denial {}: {e}", d.reference))?;
        rows.push((
            d.reference.clone(),
            d.origin.clone(),
            d.regime.to_ascii_uppercase(),
            serde_json::to_value(d)?,
        ));
    }
    Ok(store.add_denials(user, &rows)?)
}

/// Reads denials from the documented CSV layout: one row per denied party and item,
/// rows with the same `reference` forming one denial. Header:
/// `reference,origin,regime,denied_on,destination,reason,party_name,party_address,party_country,control_entry,item_description`.
pub fn read_denials_csv(bytes: &[u8], file: &str) -> Result<Vec<Denial>> {
    #[derive(Deserialize)]
    struct Row {
        reference: String,
        origin: String,
        regime: String,
        denied_on: String,
        destination: String,
        reason: String,
        party_name: String,
        #[serde(default)]
        party_address: String,
        #[serde(default)]
        party_country: String,
        control_entry: String,
        #[serde(default)]
        item_description: String,
    }
    let mut out: Vec<Denial> = Vec::new();
    let mut r = csv::Reader::from_reader(bytes);
    for row in r.deserialize::<Row>() {
        let row = row.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            anyhow!("{file}:{line}: {e}")
        })?;
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let d = match out.iter_mut().find(|d| d.reference == row.reference) {
            Some(d) => d,
            None => {
                out.push(Denial {
                    reference: row.reference.clone(),
                    origin: row.origin.clone(),
                    regime: row.regime.clone(),
                    parties: vec![],
                    items: vec![],
                    destination: row.destination.clone(),
                    reason: row.reason.clone(),
                    denied_on: row.denied_on.clone(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        let party = chokepoint_licensing::Party {
            role: String::new(),
            name: row.party_name.trim().to_string(),
            address: opt(&row.party_address),
            country: opt(&row.party_country),
        };
        if !party.name.is_empty() && !d.parties.contains(&party) {
            d.parties.push(party);
        }
        let item = chokepoint_licensing::Item {
            control_entry: row.control_entry.trim().to_string(),
            description: row.item_description.trim().to_string(),
            ..Default::default()
        };
        if !item.control_entry.is_empty() && !d.items.contains(&item) {
            d.items.push(item);
        }
    }
    Ok(out)
}

/// The recorded denials an application is essentially identical to on `date`. Parties are
/// matched by the screening engine: each denied party becomes an entity in a small index
/// scored with the whole lists' token statistics (`reference`), and an application party
/// matches when it alerts on it.
pub fn undercuts(
    store: &Store,
    app: &Application,
    date: &str,
    reference: &Index,
) -> Result<Vec<Undercut>> {
    let denials: Vec<Denial> = store
        .denials()?
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    let mut out = Vec::new();
    for d in &denials {
        let entities: Vec<(String, Entity)> = d
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut e = Entity::new(
                    format!("denial:{}:{i}", d.reference),
                    Kind::Unknown,
                    &p.name,
                );
                if let Some(c) = &p.country {
                    e.nationalities.push(c.clone());
                }
                ("denials".to_string(), e)
            })
            .collect();
        let index = Index::build_against(entities, reference);
        let matcher = |a: &chokepoint_licensing::Party, dp: &chokepoint_licensing::Party| {
            let i = d.parties.iter().position(|x| x == dp)?;
            let q = chokepoint_screen::batch::make_query(
                &a.name,
                None,
                None,
                a.country.as_deref(),
                vec![],
                vec![],
            )
            .ok()?;
            let id = format!("denial:{}:{i}", d.reference);
            index
                .screen(&q, 10)
                .into_iter()
                .find(|m| m.alert && m.entity_id == id)
                .map(|m| m.score)
        };
        if let Some(u) = essentially_identical(app, d, date, &matcher) {
            out.push(u);
        }
    }
    Ok(out)
}

/// The transaction the assessment runs on: the application's parties, items and route.
fn transaction_of(id: i64, app: &Application) -> Result<chokepoint_assess::Transaction> {
    let v = json!({
        "id": format!("application {id}"),
        "exporter": {"country": app.exporter.country, "name": app.exporter.name},
        "parties": app.parties.iter().enumerate().map(|(i, p)| json!({
            "id": format!("p{}", i + 1), "role": p.role, "name": p.name, "country": p.country,
            "address": p.address.as_ref().map(|a| json!({"street": a, "country": p.country})),
        })).collect::<Vec<_>>(),
        "items": app.items.iter().map(|it| json!({"eccn": it.control_entry, "description": it.description, "quantity": it.quantity, "unit_price": it.value})).collect::<Vec<_>>(),
        "route": {"destination": app.destination},
        "end_use": {"declared_use": app.end_use, "statement_status": "received", "reexport_intent": "none"},
    });
    serde_json::from_value(v).context("building the application's transaction")
}

/// The full assessment of an application's parties and items, recorded (a hold opens a
/// case); an application the assessment cannot read is INDETERMINATE, with the reason.
fn assess_application(
    store: &mut Store,
    user: &str,
    id: i64,
    app: &Application,
    reference: &Index,
) -> Result<Value> {
    let tx = transaction_of(id, app)?;
    Ok(
        match crate::assess_and_record(
            store,
            user,
            &tx,
            &format!("application {id}"),
            Some(reference),
        ) {
            Ok(a) => {
                json!({"outcome": a.decision.outcome, "risk_score": a.decision.risk_score, "audit_seq": a.audit_seq, "case_id": a.case_id})
            }
            Err(e) => json!({"outcome": "INDETERMINATE", "error": format!("{e:#}")}),
        },
    )
}

/// What a move did.
#[derive(Debug, Serialize)]
pub struct Moved {
    /// The application now.
    pub id: i64,
    /// From.
    pub from: String,
    /// To.
    pub status: String,
    /// The audit record of the move.
    pub audit_seq: i64,
    /// Essentially identical denials found on this move.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub undercuts: Vec<Undercut>,
    /// The assessment's decision, when one ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Value>,
    /// The licence issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licence: Option<Value>,
}

/// Moves application `id` to `to`, checking the lifecycle, the role, and every condition the
/// move needs; runs the assessment and the no-undercut search where the lifecycle says.
pub fn move_to(
    store: &mut Store,
    user: &str,
    id: i64,
    to: &str,
    req: &MoveRequest,
    reference: &Index,
) -> Result<Moved> {
    let role = role_of(store, user)?;
    let rec = store
        .application(id)?
        .ok_or_else(|| anyhow!("no application {id}"))?;
    let from = rec.status.clone();
    let t = transition(&from, to, &role).map_err(|e| {
        if e.contains("needs the role") {
            forbidden(format!("application {id}: {e}"))
        } else {
            anyhow!("application {id}: {e}")
        }
    })?;
    let app: Application = serde_json::from_value(rec.application.clone())
        .with_context(|| format!("application {id} as stored"))?;
    let mut state = if rec.state.is_object() {
        rec.state.clone()
    } else {
        json!({})
    };
    let note = req.note.clone().filter(|n| !n.trim().is_empty());
    let mut data = json!({"role": role});
    if let Some(n) = &note {
        data["note"] = json!(n);
    }
    let date = today();
    let mut found = Vec::new();
    let mut assessment = None;
    let mut licence = None;
    for need in &t.needs {
        match need.as_str() {
            "note" if note.is_none() => {
                bail!("application {id}: moving it to {to} needs a note saying why")
            }
            "agencies" => {
                if req.agencies.is_empty() {
                    bail!("application {id}: a referral names the agencies (--agency)");
                }
                state["referral"] = json!({"agencies": req.agencies, "advice": {}});
                data["agencies"] = json!(req.agencies);
            }
            "all_advice" => {
                let r = &state["referral"];
                let missing: Vec<String> = r["agencies"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.as_str())
                    .filter(|a| r["advice"][*a].is_null())
                    .map(String::from)
                    .collect();
                if !missing.is_empty() {
                    bail!(
                        "application {id}: still waiting for the advice of {}",
                        missing.join(", ")
                    );
                }
            }
            "recommendation" => {
                let r = req.recommendation.as_deref().unwrap_or("");
                if r != "approve" && r != "deny" {
                    bail!("application {id}: a recommendation is approve or deny (--recommend)");
                }
                state["recommendation"] = json!({"by": user, "decision": r, "note": note});
                data["recommendation"] = json!(r);
            }
            "four_eyes" if state["recommendation"]["by"] == user => {
                bail!("four eyes: {user} recommended application {id} and cannot also decide it");
            }
            "recommendation_approve" if state["recommendation"]["decision"] != "approve" => {
                bail!("application {id}: the case officer recommended denial; send it back to review (under_review) or deny it");
            }
            "consultations_done" => {
                let consulted: Vec<String> = store
                    .consultations(id)?
                    .iter()
                    .filter_map(|c| c["denial"].as_str().map(String::from))
                    .collect();
                let now = undercuts(store, &app, &date, reference)?;
                let open: Vec<String> = now
                    .iter()
                    .filter(|u| u.rule == "consult" && !consulted.contains(&u.denial))
                    .map(|u| {
                        format!(
                            "{} ({} denial {} under {})",
                            u.origin, u.regime, u.denial, u.citation
                        )
                    })
                    .collect();
                if !open.is_empty() {
                    bail!(
                        "application {id}: no-undercut — it is essentially identical to a partner's denial; record a consultation first with: {}",
                        open.join("; ")
                    );
                }
                let notify: Vec<&Undercut> =
                    now.iter().filter(|u| u.rule == "notify_after").collect();
                if !notify.is_empty() {
                    state["notify_partners"] = json!(notify);
                }
                found = now;
            }
            "denial_reason" => {
                let regime = req
                    .regime
                    .as_deref()
                    .and_then(chokepoint_licensing::regime)
                    .ok_or_else(|| anyhow!("application {id}: a denial names the regime (--regime NSG|MTCR|AG|WA|EU)"))?;
                let reason = req
                    .reason
                    .clone()
                    .filter(|r| !r.trim().is_empty())
                    .ok_or_else(|| {
                        anyhow!("application {id}: a denial states the regime's reason (--reason)")
                    })?;
                state["decision"] = json!({"by": user, "decision": "denied", "regime": regime.id, "reason": reason, "on": date});
            }
            "validity" => {
                let until = req.valid_until.as_deref().ok_or_else(|| {
                    anyhow!("application {id}: a licence needs its last valid day (--valid-until)")
                })?;
                let d = chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d")
                    .map_err(|_| anyhow!("--valid-until: {until:?} is not a date"))?;
                if d.to_string() <= date {
                    bail!("--valid-until: {until} is not in the future");
                }
                let l = json!({
                    "number": format!("L-{}-{id:06}", &date[..4]),
                    "holder": app.exporter,
                    "items": app.items,
                    "parties": app.parties,
                    "destinations": [app.destination],
                    "valid_from": date,
                    "valid_until": until,
                    "conditions": req.conditions,
                    "issued_by": user,
                });
                state["licence"] = l.clone();
                licence = Some(l);
            }
            _ => {}
        }
    }
    if to == "approved" {
        state["decision"] = json!({"by": user, "decision": "approved", "on": date});
    }
    for run in &t.runs {
        match run.as_str() {
            "assessment" => {
                let a = assess_application(store, user, id, &app, reference)?;
                state["assessment"] = a.clone();
                assessment = Some(a);
            }
            "no_undercut" if found.is_empty() => {
                found = undercuts(store, &app, &date, reference)?;
                state["undercuts"] = json!(found);
            }
            _ => {}
        }
    }
    if !found.is_empty() {
        data["undercuts"] = json!(found.iter().map(|u| &u.denial).collect::<Vec<_>>());
    }
    let seq = store.move_application(user, id, &from, to, &state, &data, licence.as_ref())?;
    Ok(Moved {
        id,
        from,
        status: to.to_string(),
        audit_seq: seq,
        undercuts: found,
        assessment,
        licence,
    })
}

/// Records an adviser's advice on a referred application.
pub fn advise(store: &mut Store, user: &str, id: i64, agency: &str, advice: &str) -> Result<i64> {
    let role = role_of(store, user)?;
    if role != "adviser" && role != "admin" {
        return Err(forbidden(format!(
            "{user} ({role}) may not advise; it needs the role adviser"
        )));
    }
    let rec = store
        .application(id)?
        .ok_or_else(|| anyhow!("no application {id}"))?;
    if rec.status != "referred" {
        bail!("application {id} is {}, not referred", rec.status);
    }
    let mut state = rec.state.clone();
    let agencies: Vec<&str> = state["referral"]["agencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str())
        .collect();
    if !agencies.contains(&agency) {
        bail!(
            "application {id} was referred to {}, not {agency}",
            agencies.join(", ")
        );
    }
    if advice.trim().is_empty() {
        bail!("advice: empty");
    }
    state["referral"]["advice"][agency] = json!({"by": user, "advice": advice});
    Ok(store.note_application(
        user,
        id,
        "referred",
        &state,
        "application.advice",
        &json!({"agency": agency, "advice": advice}),
    )?)
}

/// Records a consultation (case officers and approvers).
pub fn consult(
    store: &mut Store,
    user: &str,
    id: i64,
    denial: &str,
    outcome: &str,
    note: &str,
) -> Result<i64> {
    let role = role_of(store, user)?;
    if !["case_officer", "approver", "admin"].contains(&role.as_str()) {
        return Err(forbidden(format!(
            "{user} ({role}) may not record consultations; it needs the role case_officer or approver"
        )));
    }
    Ok(store.record_consultation(user, id, denial, outcome, note)?)
}

/// The format tag of a signed denial export.
pub const EXPORT_FORMAT: &str = "chokepoint-denials/1";

/// A new Ed25519 signing key: (secret seed hex, public key hex).
pub fn keygen() -> Result<(String, String)> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("no randomness: {e}"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    Ok((
        hex::encode(seed),
        hex::encode(key.verifying_key().to_bytes()),
    ))
}

fn signed_part(v: &Value) -> Result<Vec<u8>> {
    // The signature covers everything but itself, serialised with sorted keys.
    let mut c = v.clone();
    c.as_object_mut()
        .ok_or_else(|| anyhow!("not a denial export"))?
        .remove("signature");
    Ok(serde_json::to_vec(&c)?)
}

/// This authority's own denials, signed with `seed_hex` (Ed25519) so that partners can check
/// origin and integrity.
pub fn export_signed(store: &Store, issuer: &str, seed_hex: &str) -> Result<Value> {
    let seed: [u8; 32] = hex::decode(seed_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("the signing key is not a 32-byte hex seed"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    let own: Vec<Value> = store
        .denials()?
        .into_iter()
        .filter(|d| d["origin"] == "own")
        .collect();
    let mut v = json!({
        "format": EXPORT_FORMAT,
        "issuer": issuer,
        "exported_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "public_key": hex::encode(key.verifying_key().to_bytes()),
        "denials": own,
    });
    use ed25519_dalek::Signer;
    let sig = key.sign(&signed_part(&v)?);
    v["signature"] = json!(hex::encode(sig.to_bytes()));
    Ok(v)
}

/// Checks a signed export against the partner's public key (obtained out of band) and
/// returns its denials, their origin set to `origin` (the partner's country code).
pub fn verify_export(v: &Value, public_key_hex: &str, origin: &str) -> Result<Vec<Denial>> {
    if v["format"] != EXPORT_FORMAT {
        bail!("not a {EXPORT_FORMAT} file");
    }
    let pk: [u8; 32] = hex::decode(public_key_hex.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("the public key is not 32 bytes of hex"))?;
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(&pk).map_err(|e| anyhow!("bad public key: {e}"))?;
    let sig: [u8; 64] = v["signature"]
        .as_str()
        .and_then(|s| hex::decode(s).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("the file carries no signature"))?;
    key.verify_strict(
        &signed_part(v)?,
        &ed25519_dalek::Signature::from_bytes(&sig),
    )
    .map_err(|_| {
        anyhow!("signature does not verify: the file was altered or not signed with this key")
    })?;
    let mut out: Vec<Denial> = serde_json::from_value(v["denials"].clone())?;
    for d in &mut out {
        d.origin = origin.to_ascii_uppercase();
    }
    Ok(out)
}

/// States in which an application is open (under consideration).
pub const OPEN: [&str; 4] = ["submitted", "under_review", "referred", "recommended"];

/// Re-runs the assessment and the no-undercut search of every open application (after a
/// list update or a new denial), keeping the findings on the application. Returns how many
/// were re-assessed.
pub fn reassess_open(store: &mut Store, user: &str, reference: &Index) -> Result<usize> {
    let open: Vec<_> = store
        .applications(None)?
        .into_iter()
        .filter(|a| OPEN.contains(&a.status.as_str()))
        .collect();
    let date = today();
    for a in &open {
        let app: Application = serde_json::from_value(a.application.clone())?;
        let assessment = assess_application(store, user, a.id, &app, reference)?;
        let found = undercuts(store, &app, &date, reference)?;
        let mut state = a.state.clone();
        if !state.is_object() {
            state = json!({});
        }
        let changed = state["assessment"]["outcome"] != assessment["outcome"]
            || state["undercuts"] != json!(found);
        state["assessment"] = assessment.clone();
        state["undercuts"] = json!(found);
        store.note_application(
            user,
            a.id,
            &a.status,
            &state,
            "application.reassess",
            &json!({"outcome": assessment["outcome"], "undercuts": found.iter().map(|u| &u.denial).collect::<Vec<_>>(), "changed": changed}),
        )?;
    }
    Ok(open.len())
}

/// Reads partners' denials from FollowTheMoney JSON lines: each `Sanction` is one denial —
/// `program` the regime, `reason`, `startDate` (or `listingDate`) the date, `country` the
/// denying state, `provisions` the control entries — of the entity its `entity` property
/// names (a Person, Company, Organization or LegalEntity, whose `name`, `address` and `country`
/// give the denied party and the destination).
pub fn read_denials_ftm(bytes: &[u8], file: &str) -> Result<Vec<Denial>> {
    let text = std::str::from_utf8(bytes).map_err(|e| anyhow!("{file}: not UTF-8: {e}"))?;
    let first = |p: &Value, k: &str| -> Option<String> {
        p[k].as_array()
            .and_then(|a| a.first())
            .and_then(|x| x.as_str())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let mut parties = std::collections::HashMap::new();
    let mut sanctions = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| anyhow!("{file}:{}: {e}", i + 1))?;
        let id = v["id"]
            .as_str()
            .ok_or_else(|| anyhow!("{file}:{}: missing \"id\"", i + 1))?;
        match v["schema"].as_str() {
            Some("Sanction") => sanctions.push((i + 1, id.to_string(), v["properties"].clone())),
            Some("Person" | "Company" | "Organization" | "LegalEntity" | "PublicBody") => {
                parties.insert(id.to_string(), v["properties"].clone());
            }
            Some(_) => {}
            None => bail!("{file}:{}: missing \"schema\"", i + 1),
        }
    }
    let mut out = Vec::new();
    for (line, id, p) in sanctions {
        let at = |what: &str| anyhow!("{file}:{line}: Sanction {id}: {what}");
        let entity = first(&p, "entity").ok_or_else(|| at("no \"entity\""))?;
        let party = parties
            .get(&entity)
            .ok_or_else(|| at(&format!("entity {entity} is not in the file")))?;
        let country = first(party, "country").or_else(|| first(party, "jurisdiction"));
        let items: Vec<chokepoint_licensing::Item> = p["provisions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str())
            .map(|e| chokepoint_licensing::Item {
                control_entry: e.trim().to_string(),
                ..Default::default()
            })
            .collect();
        out.push(Denial {
            reference: id.clone(),
            origin: first(&p, "country")
                .unwrap_or_default()
                .to_ascii_uppercase(),
            regime: first(&p, "program").ok_or_else(|| at("no \"program\" (the regime)"))?,
            parties: vec![chokepoint_licensing::Party {
                role: String::new(),
                name: first(party, "name").ok_or_else(|| at("its entity has no name"))?,
                address: first(party, "address"),
                country: country.clone().map(|c| c.to_ascii_uppercase()),
            }],
            items,
            destination: country.unwrap_or_default().to_ascii_uppercase(),
            reason: first(&p, "reason").unwrap_or_default(),
            denied_on: first(&p, "startDate")
                .or_else(|| first(&p, "listingDate"))
                .ok_or_else(|| at("no \"startDate\""))?,
        });
    }
    Ok(out)
}
