//! One decision per transaction: screening of every party, ownership roll-ups, the licence
//! determination of every line with the parties' list status, the red-flag rules
//! (`data/controls/red-flags.json`), and a risk score whose every contribution is listed.

use crate::ownership::{err, roll_up, Error, Rollup};
use crate::reference::Reference;
use crate::transaction::{Party, Transaction};
use chokepoint_controls as controls;
use chokepoint_model::country;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

static RED_FLAGS: &str = include_str!("../../../data/controls/red-flags.json");

/// A possible list match of a party, from screening.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScreenHit {
    /// List entity id.
    pub entity_id: String,
    /// The listed name that matched.
    pub name: String,
    /// Score in [0, 1].
    #[serde(serialize_with = "chokepoint_model::decimal::f32")]
    pub score: f32,
    /// List source.
    pub source: String,
}

/// Screens a party against the lists in force (the CLI backs it with the screening index).
pub trait Screener {
    /// Alerts for this party, best first.
    fn screen(&self, party: &Party) -> Result<Vec<ScreenHit>, String>;
}

/// The decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// May proceed (no licence needed, or a licence exception overcomes the requirement).
    Clear,
    /// A licence is required.
    LicenseRequired,
    /// A fact is missing or a rule must be decided by hand.
    Indeterminate,
    /// Stops until a reviewer resolves it.
    HoldForReview,
    /// May not proceed.
    Prohibited,
}

/// A red-flag rule that fired.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Hit {
    /// Rule id (`KYC-05`, `DIV-23` …).
    pub rule: String,
    /// `BLOCK`, `HOLD`, `ELEVATE`, `INFO`.
    pub severity: String,
    /// The indicator.
    pub indicator: String,
    /// Where it comes from.
    pub citation: String,
    /// The facts that triggered it.
    pub facts: Vec<String>,
}

/// A node of the explanation tree.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Node {
    /// What was found.
    pub finding: String,
    /// Where the rule is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    /// What it rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

impl Node {
    fn new(finding: impl Into<String>, citation: Option<String>) -> Node {
        Node {
            finding: finding.into(),
            citation,
            children: vec![],
        }
    }

    /// The tree as indented lines.
    pub fn lines(&self) -> Vec<String> {
        fn go(n: &Node, depth: usize, out: &mut Vec<String>) {
            let cite = n
                .citation
                .as_ref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            out.push(format!("{}{}{cite}", "  ".repeat(depth), n.finding));
            for c in &n.children {
                go(c, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        go(self, 0, &mut out);
        out
    }
}

/// One contribution to the risk score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contribution {
    /// What contributed (`KYC-01`, a red-flag id, `escalation`, `ownership`).
    pub source: String,
    /// The party concerned, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// How much.
    #[serde(serialize_with = "chokepoint_model::decimal::f32")]
    pub amount: f32,
    /// Why.
    pub why: String,
}

/// A party's screening.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PartyScreening {
    /// Party id.
    pub party: String,
    /// Alerts.
    pub hits: Vec<ScreenHit>,
}

/// The decision on a transaction, with everything it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// Evaluation date.
    pub date: String,
    /// Risk score in [0, 1].
    #[serde(serialize_with = "chokepoint_model::decimal::f32")]
    pub risk_score: f32,
    /// Every contribution to the score.
    pub contributions: Vec<Contribution>,
    /// Why the outcome: a tree from the decision down to list entries, chart cells and rules.
    pub explanation: Node,
    /// Screening of every party.
    pub screening: Vec<PartyScreening>,
    /// Ownership roll-ups (when a graph was given).
    pub ownership: Vec<Rollup>,
    /// The licence determination of the lines.
    pub determination: controls::Determination,
    /// Red flags that fired.
    pub red_flags: Vec<Hit>,
    /// Red-flag rules the transaction format cannot evaluate yet.
    pub not_evaluated: Vec<String>,
}

#[derive(Deserialize)]
struct Rule {
    id: String,
    severity: String,
    citation: String,
    indicator: String,
    #[serde(default)]
    check: Option<serde_json::Value>,
    #[serde(default)]
    not_evaluated: Option<String>,
}

#[derive(Deserialize)]
struct Codes {
    #[serde(default)]
    countries: Vec<String>,
    #[serde(default)]
    codes: Vec<String>,
}

#[derive(Deserialize)]
struct Escalation {
    elevate_hits_to_hold: usize,
    with_item_of_concern: bool,
    citation: String,
}

#[derive(Deserialize)]
struct ScreeningRule {
    weight_per_score: f32,
    citation: String,
}

#[derive(Deserialize)]
struct RedFlags {
    severity_weights: BTreeMap<String, f32>,
    escalation: Escalation,
    screening: ScreeningRule,
    hub_countries: Codes,
    coalition_countries: Codes,
    concern_eccns: Codes,
    free_mail_domains: Vec<String>,
    rules: Vec<Rule>,
}

fn red_flags() -> &'static RedFlags {
    static R: OnceLock<RedFlags> = OnceLock::new();
    R.get_or_init(|| serde_json::from_str(RED_FLAGS).expect("shipped red-flag rules are valid"))
}

fn iso(s: &Option<String>, field: &str) -> Result<Option<String>, Error> {
    match s.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        None => Ok(None),
        Some(x) => country::to_iso2(x)
            .map(|c| Some(c.to_string()))
            .ok_or_else(|| err(field, format!("unknown country {x:?}"))),
    }
}

/// The checked facts of a transaction, resolved once.
pub(crate) struct Facts<'a> {
    pub(crate) tx: &'a Transaction,
    pub(crate) dest: String,
    pub(crate) transit: Vec<String>,
    pub(crate) party_country: BTreeMap<&'a str, Option<String>>,
    pub(crate) chp: bool,
    pub(crate) concern: bool,
    pub(crate) eu_exporter: bool,
    pub(crate) today: String,
    /// The evaluation date.
    pub(crate) date: String,
    /// Route origin (or the exporter's country).
    pub(crate) origin: String,
    pub(crate) reference: &'a Reference,
    pub(crate) suppliers: Option<&'a dyn Screener>,
}

/// Assesses a transaction with no reference tables configured (KYC-04, KYC-11 and LET-05
/// are then reported as not evaluated).
pub fn assess(tx: &Transaction, screener: &dyn Screener) -> Result<Decision, Error> {
    assess_with(tx, screener, &Reference::default(), None)
}

/// Assesses a transaction with the operator's reference tables. `suppliers` matches a party
/// against the rows of `reference.suppliers` (hits with entity id `trade:<row>`); without it,
/// only a party whose name is the same as a row's, word for word, matches.
pub fn assess_with(
    tx: &Transaction,
    screener: &dyn Screener,
    reference: &Reference,
    suppliers: Option<&dyn Screener>,
) -> Result<Decision, Error> {
    let rf = red_flags();
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let date = tx.date.clone().unwrap_or_else(|| today.clone());
    if tx.parties.is_empty() {
        return Err(err(
            "parties",
            "no parties: an assessment needs at least the purchaser or end user",
        ));
    }
    if tx.items.is_empty() {
        return Err(err("items", "no item lines"));
    }
    let mut ids = BTreeSet::new();
    for (i, p) in tx.parties.iter().chain(&tx.owners).enumerate() {
        if p.id.trim().is_empty() || !ids.insert(p.id.as_str()) {
            return Err(err(
                format!("parties[{i}].id"),
                "every party needs its own id",
            ));
        }
        if p.name.trim().is_empty() {
            return Err(err(format!("parties[{i}].name"), "empty name"));
        }
    }
    for (i, item) in tx.items.iter().enumerate() {
        for (field, v) in [
            ("voltage", &item.voltage),
            ("frequency_hz", &item.frequency_hz),
        ] {
            if let Some(v) = v {
                crate::mains::Rating::parse(v)
                    .map_err(|e| err(format!("items[{i}].{field}"), e))?;
            }
        }
    }
    let dest = iso(&Some(tx.route.destination.clone()), "route.destination")?
        .ok_or_else(|| err("route.destination", "the destination country is required"))?;
    let mut transit = Vec::new();
    for (i, t) in tx.route.transit.iter().enumerate() {
        transit.extend(iso(&Some(t.clone()), &format!("route.transit[{i}]"))?);
    }
    let mut party_country = BTreeMap::new();
    for (i, p) in tx.parties.iter().enumerate() {
        party_country.insert(
            p.id.as_str(),
            iso(&p.country, &format!("parties[{i}].country"))?,
        );
    }
    let route_origin = iso(&tx.route.origin, "route.origin")?;
    let exporter =
        iso(&Some(tx.exporter.country.clone()), "exporter.country")?.ok_or_else(|| {
            err(
                "exporter.country",
                "the exporter's jurisdiction is required",
            )
        })?;
    let eu_rules = &controls::data::Data::get().eu;
    let chp = tx.items.iter().any(|i| {
        i.hs.as_deref().is_some_and(|h| {
            eu_rules
                .no_russia_clause
                .chp_hs6
                .contains(&controls::hs6(h))
        })
    });
    let concern = tx.items.iter().any(|i| {
        i.eccn.as_deref().is_some_and(|e| {
            rf.concern_eccns
                .codes
                .iter()
                .any(|c| e.to_ascii_uppercase().starts_with(c.as_str()))
        })
    });
    let f = Facts {
        tx,
        dest: dest.clone(),
        transit,
        party_country,
        chp,
        concern,
        eu_exporter: exporter != "US",
        today,
        date: date.clone(),
        origin: route_origin.unwrap_or_else(|| exporter.clone()),
        reference,
        suppliers,
    };

    let mut contributions = Vec::new();
    let mut explanation = Vec::new();
    let mut hits: Vec<Hit> = Vec::new();

    // 1. Screening.
    let mut screening = Vec::new();
    // Owners in the ownership graph are screened too: a possible match on an owner leaves the
    // status of what it owns open.
    for p in tx.parties.iter().chain(&tx.owners) {
        let found = screener
            .screen(p)
            .map_err(|e| err(format!("parties[{}]", p.id), e))?;
        for h in &found {
            contributions.push(Contribution {
                source: "KYC-01".into(),
                party: Some(p.id.clone()),
                amount: h.score * rf.screening.weight_per_score,
                why: format!(
                    "{} resembles {} \"{}\" ({}, score {:.3})",
                    p.name, h.entity_id, h.name, h.source, h.score
                ),
            });
        }
        if !found.is_empty() {
            let rule = rf.rules.iter().find(|r| r.id == "KYC-01");
            hits.push(Hit {
                rule: "KYC-01".into(),
                severity: rule.map_or("HOLD".into(), |r| r.severity.clone()),
                indicator: rule.map_or(String::new(), |r| r.indicator.clone()),
                citation: rf.screening.citation.clone(),
                facts: found
                    .iter()
                    .map(|h| format!("{} ~ {} ({:.3})", p.name, h.entity_id, h.score))
                    .collect(),
            });
        }
        screening.push(PartyScreening {
            party: p.id.clone(),
            hits: found,
        });
    }

    // 2. Ownership.
    let mut ownership = Vec::new();
    let mut derived: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut prohibited_by_ownership = Vec::new();
    if let Some(g) = &tx.ownership {
        let regimes: &[&str] = if f.eu_exporter {
            &["eu"]
        } else {
            &["ofac", "bis"]
        };
        for reg in regimes {
            let r = roll_up(g, reg, &date)
                .map_err(|e| err(format!("ownership ({reg}): {}", e.field), e.message))?;
            for p in &tx.parties {
                let listed = g.listed.contains(&p.id);
                if r.blocked.contains(&p.id) && !listed {
                    match *reg {
                        "ofac" => prohibited_by_ownership.push(format!(
                            "{} is blocked under the OFAC 50 % rule ({})",
                            p.name, r.citation
                        )),
                        "bis" => derived.entry(p.id.clone()).or_default().push("EL".into()),
                        _ => derived
                            .entry(p.id.clone())
                            .or_default()
                            .push("EU-OWNED".into()),
                    }
                    explanation.push(format!(
                        "ownership ({reg}): {} is caught — {}",
                        p.name,
                        r.findings
                            .iter()
                            .find(|x| x.entity == p.id)
                            .map_or("", |x| x.why.as_str())
                    ));
                }
                if r.unknown.contains(&p.id) {
                    hits.push(Hit {
                        rule: "DIV-05".into(),
                        severity: "HOLD".into(),
                        indicator: "Ownership by listed persons cannot be ruled out: shares unknown".into(),
                        citation: r.citation.clone(),
                        facts: vec![format!("{} ({reg}): missing shares could bring listed ownership to the threshold", p.name)],
                    });
                }
            }
            // Owners and parties with possible matches, counted as listed: what they would make
            // blocked stays open until a reviewer resolves the match.
            let possible: Vec<String> = screening
                .iter()
                .filter(|s| !s.hits.is_empty() && !g.listed.contains(&s.party))
                .map(|s| s.party.clone())
                .collect();
            if !possible.is_empty() {
                let mut alt = g.clone();
                alt.listed.extend(possible.iter().cloned());
                let ra = roll_up(&alt, reg, &date)
                    .map_err(|e| err(format!("ownership ({reg}): {}", e.field), e.message))?;
                for p in &tx.parties {
                    if ra.blocked.contains(&p.id)
                        && !r.blocked.contains(&p.id)
                        && !possible.contains(&p.id)
                    {
                        hits.push(Hit {
                            rule: "DIV-05".into(),
                            severity: "HOLD".into(),
                            indicator: "Ownership by listed persons cannot be ruled out: an owner may be listed".into(),
                            citation: r.citation.clone(),
                            facts: vec![format!(
                                "{} ({reg}) would be caught if the possible list match of {} is confirmed",
                                p.name,
                                possible.join(", ")
                            )],
                        });
                    }
                }
            }
            ownership.push(r);
        }
    }

    // 3. Determination of every line, with the parties' list status.
    let req = controls::Request {
        from: Some(tx.exporter.country.clone()),
        destination: Some(tx.route.destination.clone()),
        region: tx.route.region.clone(),
        activity: controls::Activity::Export,
        citizenships: vec![],
        items: tx
            .items
            .iter()
            .map(|i| controls::Item {
                eccn: i.eccn.clone(),
                description: i.description.clone(),
                value: i.unit_price.zip(i.quantity).map(|(p, q)| p * q),
                quantity: i.quantity,
                hs: i.hs.clone(),
                food_or_medicine: i.food_or_medicine,
                eu: i.eu.clone(),
                eu_annex_iv: i.eu_annex_iv,
            })
            .collect(),
        parties: tx
            .parties
            .iter()
            .map(|p| {
                let mut lists = p.lists.clone();
                lists.extend(derived.get(&p.id).cloned().unwrap_or_default());
                controls::Party {
                    name: p.name.clone(),
                    role: Some(p.role.clone()),
                    screened: true,
                    lists,
                    license_requirement: p.license_requirement.clone(),
                    review_policy: p.review_policy.clone(),
                }
            })
            .collect(),
        end_uses: tx.end_use.known.clone(),
        facts: tx.facts.clone(),
        date: Some(date.clone()),
    };
    let determination = controls::determine(&req).map_err(|e| match e {
        controls::Error::Input { field, message } => {
            err(format!("determination: {field}"), message)
        }
    })?;

    // 4. Red flags.
    let mut not_evaluated = Vec::new();
    for r in &rf.rules {
        if r.id == "KYC-01" {
            continue;
        }
        if let Some(why) = &r.not_evaluated {
            not_evaluated.push(format!("{}: {why}", r.id));
            continue;
        }
        let Some(check) = &r.check else { continue };
        let found = match crate::reference::check(&f, check) {
            Some(Err(why)) => {
                not_evaluated.push(format!("{}: {why}", r.id));
                continue;
            }
            Some(Ok(found)) => found,
            None => run_check(rf, &f, check, &hits, &ownership),
        };
        if !found.is_empty() {
            hits.push(Hit {
                rule: r.id.clone(),
                severity: r.severity.clone(),
                indicator: r.indicator.clone(),
                citation: r.citation.clone(),
                facts: found,
            });
        }
    }
    for h in &hits {
        let w = rf.severity_weights.get(&h.severity).copied().unwrap_or(0.0);
        if h.rule != "KYC-01" && w > 0.0 {
            contributions.push(Contribution {
                source: h.rule.clone(),
                party: None,
                amount: w,
                why: format!("{} ({}): {}", h.indicator, h.severity, h.facts.join("; ")),
            });
        }
    }
    // Several ELEVATE hits, or one with an item of concern, make a HOLD.
    let elevate = hits.iter().filter(|h| h.severity == "ELEVATE").count();
    let escalated = elevate >= rf.escalation.elevate_hits_to_hold
        || (elevate >= 1 && rf.escalation.with_item_of_concern && (f.chp || f.concern));
    if escalated {
        let w = rf.severity_weights.get("HOLD").copied().unwrap_or(0.0);
        contributions.push(Contribution {
            source: "escalation".into(),
            party: None,
            amount: w,
            why: format!(
                "{elevate} ELEVATE hit(s){} ({})",
                if f.chp || f.concern {
                    " with an item of concern"
                } else {
                    ""
                },
                rf.escalation.citation
            ),
        });
    }

    // 5. The decision.
    let det = determination.outcome;
    let blocked = hits.iter().any(|h| h.severity == "BLOCK");
    let hold = escalated || hits.iter().any(|h| h.severity == "HOLD");
    let outcome =
        if det == controls::Outcome::Prohibited || blocked || !prohibited_by_ownership.is_empty() {
            Outcome::Prohibited
        } else if hold {
            Outcome::HoldForReview
        } else if det == controls::Outcome::Indeterminate {
            Outcome::Indeterminate
        } else if det == controls::Outcome::LicenseRequired {
            Outcome::LicenseRequired
        } else {
            Outcome::Clear
        };
    let name = serde_json::to_value(outcome)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    // The explanation tree: the decision, then each thing it rests on, down to list entries,
    // chart cells and rules, each with its citation.
    let mut root = Node::new(format!("decision {name}"), None);
    if !prohibited_by_ownership.is_empty() || !ownership.is_empty() {
        let mut n = Node::new("ownership", None);
        for p in &prohibited_by_ownership {
            n.children.push(Node::new(format!("prohibited: {p}"), None));
        }
        for r in &ownership {
            let mut rn = Node::new(
                format!("{} on {}", r.regime, r.date),
                Some(r.citation.clone()),
            );
            for f in r.findings.iter().filter(|f| f.status != "listed") {
                rn.children.push(Node::new(
                    format!("{} {}: {}", f.status, f.entity, f.why),
                    None,
                ));
            }
            n.children.push(rn);
        }
        n.children
            .extend(explanation.into_iter().map(|e| Node::new(e, None)));
        root.children.push(n);
    }
    let mut sn = Node::new(
        "screening of every party against the lists in force",
        Some(rf.screening.citation.clone()),
    );
    for s in &screening {
        let mut pn = Node::new(
            format!("party {}: {} possible match(es)", s.party, s.hits.len()),
            None,
        );
        for h in &s.hits {
            pn.children.push(Node::new(
                format!(
                    "{} \"{}\" ({}), score {:.3}",
                    h.entity_id, h.name, h.source, h.score
                ),
                None,
            ));
        }
        sn.children.push(pn);
    }
    root.children.push(sn);
    let mut dn = Node::new(format!("determination {}", det.as_str()), None);
    for l in &determination.lines {
        let mut ln = Node::new(format!("line {}: {}", l.item, l.outcome.as_str()), None);
        for r in &l.reasons {
            ln.children.push(Node::new(
                format!("licence requirement {} — {}", r.code, r.text),
                Some(r.citation.clone()),
            ));
        }
        for x in &l.exceptions_available {
            ln.children.push(Node::new(
                format!(
                    "licence exception {} overcomes {}",
                    x.code,
                    x.covers.join(", ")
                ),
                Some(x.citation.clone()),
            ));
        }
        for x in &l.exceptions_rejected {
            ln.children.push(Node::new(
                format!("licence exception {} not available: {}", x.code, x.failed),
                Some(x.citation.clone()),
            ));
        }
        for m in &l.missing {
            ln.children.push(Node::new(format!("missing: {m}"), None));
        }
        dn.children.push(ln);
    }
    root.children.push(dn);
    let mut rn = Node::new(
        format!(
            "red flags: {} fired, {} not evaluated",
            hits.len(),
            not_evaluated.len()
        ),
        None,
    );
    for h in &hits {
        let mut hn = Node::new(
            format!("{} ({}): {}", h.rule, h.severity, h.indicator),
            Some(h.citation.clone()),
        );
        hn.children
            .extend(h.facts.iter().map(|f| Node::new(f.clone(), None)));
        rn.children.push(hn);
    }
    if escalated {
        rn.children.push(Node::new(
            format!("{elevate} ELEVATE hit(s) escalate to HOLD"),
            Some(rf.escalation.citation.clone()),
        ));
    }
    if hold {
        rn.children.push(Node::new(
            "unresolved red flags are \"reason to know\": the order waits for a reviewer's resolution; proceeding with knowledge of a violation is General Prohibition 10",
            Some("15 CFR 732 Supp. 3 (a); 736.2(b)(10); Part 744".into()),
        ));
    }
    root.children.push(rn);
    // `+ 0.0` turns the -0.0 of an empty sum into 0.
    let risk: f32 = contributions.iter().map(|c| c.amount).sum::<f32>().min(1.0) + 0.0;
    Ok(Decision {
        outcome,
        date,
        risk_score: (risk * 1000.0).round() / 1000.0,
        contributions,
        explanation: root,
        screening,
        ownership,
        determination,
        red_flags: hits,
        not_evaluated,
    })
}

fn param<'a>(c: &'a serde_json::Value, k: &str) -> Vec<&'a str> {
    c[k].as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default()
}

/// Runs one named check; returns the facts that make it fire (empty: it does not).
// One arm per check keeps each rule's test in one place; guards would split them.
#[allow(clippy::collapsible_match)]
fn run_check(
    rf: &RedFlags,
    f: &Facts,
    c: &serde_json::Value,
    earlier: &[Hit],
    own: &[Rollup],
) -> Vec<String> {
    let tx = f.tx;
    // Annex VIII of Reg. 833/2014: the partner countries the EU's "no Russia" rules exempt.
    let partners = &controls::data::Data::get().eu.no_russia_clause.partners;
    let hub = |c: &str| rf.hub_countries.countries.iter().any(|h| h == c);
    let pc = |p: &Party| f.party_country.get(p.id.as_str()).cloned().flatten();
    let by_role = |roles: &[&str]| {
        tx.parties
            .iter()
            .filter(|p| roles.is_empty() || roles.contains(&p.role.as_str()))
            .collect::<Vec<_>>()
    };
    let end_user = tx
        .parties
        .iter()
        .find(|p| p.role == "end_user")
        .or_else(|| tx.parties.iter().find(|p| p.role == "ultimate_consignee"));
    let purchaser = tx.parties.iter().find(|p| p.role == "purchaser");
    let mut out = Vec::new();
    match c["name"].as_str().unwrap_or("") {
        "field_in" => {
            let values = param(c, "values");
            let v = match c["field"].as_str().unwrap_or("") {
                "end_use.statement_status" => tx.end_use.statement_status.clone(),
                "end_use.reexport_intent" => tx.end_use.reexport_intent.clone(),
                "payment.method" => tx.payment.method.clone(),
                _ => None,
            };
            if let Some(v) = v.filter(|v| values.contains(&v.as_str())) {
                out.push(format!("{} is {v}", c["field"].as_str().unwrap_or("")));
            }
        }
        "nonempty" => {
            let n = match c["field"].as_str().unwrap_or("") {
                "end_use.services_declined" => tx.end_use.services_declined.join(", "),
                "changes" => tx
                    .changes
                    .iter()
                    .map(|x| {
                        format!(
                            "{} {} → {}",
                            x.field,
                            x.old.clone().unwrap_or_default(),
                            x.new.clone().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                "payment.route_changes" => tx
                    .payment
                    .route_changes
                    .iter()
                    .map(|x| {
                        format!(
                            "{} → {}",
                            x.old.clone().unwrap_or_default(),
                            x.new.clone().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            };
            if !n.is_empty() {
                out.push(format!("{}: {n}", c["field"].as_str().unwrap_or("")));
            }
        }
        "note_flag" => {
            let flag = c["flag"].as_str().unwrap_or("");
            if tx.notes.iter().any(|n| n == flag) {
                out.push(format!("attestation: {flag}"));
            }
        }
        "party_younger_than" => {
            let years = c["years"].as_i64().unwrap_or(2) as i32;
            for p in by_role(&param(c, "roles")) {
                if let Some(d) = p
                    .incorporation_date
                    .as_deref()
                    .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                {
                    let today =
                        chrono::NaiveDate::parse_from_str(&f.today, "%Y-%m-%d").unwrap_or(d);
                    if (today - d).num_days() < 365 * years as i64 {
                        out.push(format!("{} incorporated on {d}", p.name));
                    }
                }
            }
        }
        "party_geo_type" => {
            let values = param(c, "values");
            for p in by_role(&param(c, "roles")) {
                if let Some(g) = p
                    .address
                    .as_ref()
                    .and_then(|a| a.geo_type.as_deref())
                    .filter(|g| values.contains(g))
                {
                    out.push(format!("{} ({}) at a {g} address", p.name, p.role));
                }
            }
        }
        "forwarder_as_end_user" => {
            let fwd: Vec<&Party> = tx
                .parties
                .iter()
                .filter(|p| p.role == "forwarder")
                .collect();
            if !fwd.is_empty() && end_user.is_none() {
                out.push(format!("forwarder {} and no end user named", fwd[0].name));
            }
            for p in tx
                .parties
                .iter()
                .filter(|p| p.role == "end_user" || p.role == "ultimate_consignee")
            {
                if p.address.as_ref().and_then(|a| a.geo_type.as_deref())
                    == Some("forwarder_warehouse")
                {
                    out.push(format!(
                        "{} ({}) is at a forwarder's warehouse",
                        p.name, p.role
                    ));
                }
            }
        }
        "ownership_caution" => {
            let min = c["min_share"].as_f64().unwrap_or(0.0);
            for r in own {
                for x in r.findings.iter().filter(|x| x.status == "caution") {
                    if tx.parties.iter().any(|p| p.id == x.entity)
                        && (min == 0.0 || share_at_least(tx, &x.entity, min))
                    {
                        out.push(format!("{} ({}): {}", x.entity, r.regime, x.why));
                    }
                }
            }
        }
        "ownership_unknown" => {
            if let Some(g) = &tx.ownership {
                let opaque: Vec<&str> = g
                    .edges
                    .iter()
                    .filter(|e| e.share.is_none() && !e.control)
                    .map(|e| e.owned.as_str())
                    .collect();
                for p in tx
                    .parties
                    .iter()
                    .filter(|p| opaque.contains(&p.id.as_str()))
                {
                    out.push(format!("{}: an owner's share is unknown", p.name));
                }
            }
        }
        "ship_to_differs_via_hub" => {
            if let Some(eu) = end_user.and_then(pc) {
                if eu != f.dest && (hub(&f.dest) || f.transit.iter().any(|t| hub(t))) {
                    out.push(format!("ship-to {} differs from the end user's country {eu} and a transshipment hub is involved", f.dest));
                }
            }
        }
        "chp_to_hub" => {
            if f.chp {
                for p in tx
                    .parties
                    .iter()
                    .filter(|p| ["ultimate_consignee", "end_user"].contains(&p.role.as_str()))
                {
                    if pc(p).is_some_and(|x| hub(&x)) {
                        out.push(format!(
                            "high priority item to {} in hub {}",
                            p.name,
                            pc(p).unwrap_or_default()
                        ));
                    }
                }
            }
        }
        "third_party_payer" => {
            if let Some(payer) = &tx.payment.payer_party {
                let named = tx
                    .parties
                    .iter()
                    .any(|p| &p.id == payer && (p.role == "purchaser" || p.role == "end_user"));
                if !named {
                    out.push(format!(
                        "payer {payer} is neither the purchaser nor the end user"
                    ));
                }
            }
            if let Some(pcn) = country_of(&tx.payment.payer_country) {
                let ok: Vec<String> = [purchaser, end_user]
                    .into_iter()
                    .flatten()
                    .filter_map(pc)
                    .collect();
                if !ok.is_empty() && !ok.contains(&pcn) {
                    out.push(format!(
                        "payment from {pcn}, not the purchaser's or end user's country"
                    ));
                }
            }
        }
        "bank_country_mismatch" => {
            let payer = tx
                .payment
                .payer_party
                .as_ref()
                .and_then(|id| tx.parties.iter().find(|p| &p.id == id))
                .or(purchaser);
            if let (Some(bank), Some(p)) = (country_of(&tx.payment.payer_bank_country), payer) {
                if let Some(reg) = country_of(&p.registration_country).or_else(|| pc(p)) {
                    if bank != reg {
                        out.push(format!(
                            "{} registered in {reg} pays through a bank in {bank}",
                            p.name
                        ));
                    }
                }
            }
        }
        "ip_mismatch" => {
            if let (Some(ip), Some(p)) = (country_of(&tx.channel.order_ip_country), purchaser) {
                if pc(p).is_some_and(|c| c != ip) {
                    out.push(format!(
                        "order placed from an IP in {ip}; purchaser in {}",
                        pc(p).unwrap_or_default()
                    ));
                }
            }
            if tx.channel.order_ip_is_proxy {
                out.push("order placed through a proxy".into());
            }
        }
        "changed_from_countries" => {
            let cs = param(c, "countries");
            for ch in &tx.changes {
                if let Some(old) = country_of(&ch.old) {
                    if cs.contains(&old.as_str()) {
                        out.push(format!(
                            "{} changed from {old} to {}",
                            ch.field,
                            ch.new.clone().unwrap_or_default()
                        ));
                    }
                }
            }
        }
        "free_mail" => {
            for p in &tx.parties {
                if let Some(d) = &p.email_domain {
                    if rf
                        .free_mail_domains
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(d.trim()))
                    {
                        out.push(format!("{} uses {d}", p.name));
                    }
                }
            }
        }
        "no_web_presence" => {
            for p in by_role(&["purchaser", "end_user", "ultimate_consignee"]) {
                if p.website.as_deref().is_none_or(|w| w.trim().is_empty())
                    && p.email_domain.is_some()
                    && p.kind.as_deref() != Some("person")
                {
                    out.push(format!("{} has no website", p.name));
                }
            }
        }
        "residential_no_web" => {
            for p in by_role(&["purchaser", "end_user", "ultimate_consignee"]) {
                let res =
                    p.address.as_ref().and_then(|a| a.geo_type.as_deref()) == Some("residential");
                if res
                    && p.website.as_deref().is_none_or(|w| w.trim().is_empty())
                    && p.kind.as_deref() != Some("person")
                {
                    out.push(format!(
                        "{} at a residential address with no website",
                        p.name
                    ));
                }
            }
        }
        "lc_to_bank" => {
            if tx.payment.method.as_deref() == Some("lc")
                && tx.payment.lc_consignee.as_deref().is_some_and(|x| {
                    x == "bank" || tx.parties.iter().any(|p| p.id == x && p.role == "bank")
                })
            {
                out.push("letter of credit consigned to a bank".into());
            }
        }
        "phone_mismatch" => {
            for p in by_role(&["purchaser", "end_user", "ultimate_consignee"]) {
                if let Some(ph) = country_of(&p.phone_country) {
                    if ph != f.dest && pc(p).is_none_or(|c| c != ph) {
                        out.push(format!("{}'s phone is in {ph}", p.name));
                    }
                }
            }
        }
        "mains_mismatch" => {
            let tolerance = c["tolerance"].as_f64().unwrap_or(0.1);
            if let Some(supply) = crate::mains::supply(&f.dest) {
                for i in &tx.items {
                    let m = crate::mains::mismatches(
                        i.voltage.as_deref(),
                        i.frequency_hz.as_deref(),
                        i.plug_type.as_deref(),
                        supply,
                        tolerance,
                    );
                    if !m.is_empty() {
                        out.push(format!(
                            "{} for {}: {}",
                            i.description.clone().unwrap_or_else(|| "item".into()),
                            f.dest,
                            m.join("; ")
                        ));
                    }
                }
            }
        }
        "item_outside_industry" => {
            if let Some(eu) = end_user.or(purchaser) {
                for i in &tx.items {
                    if !i.typical_end_uses.is_empty()
                        && !eu.industry_codes.is_empty()
                        && !i
                            .typical_end_uses
                            .iter()
                            .any(|u| eu.industry_codes.contains(u))
                    {
                        out.push(format!(
                            "{} ({}) outside {}'s industries",
                            i.description.clone().unwrap_or_default(),
                            i.typical_end_uses.join(", "),
                            eu.name
                        ));
                    }
                }
            }
        }
        "overpayment" => {
            let r = c["ratio"].as_f64().unwrap_or(1.5);
            for i in &tx.items {
                if let (Some(p), Some(rp)) = (i.unit_price, i.reference_unit_price) {
                    if rp > 0.0 && p / rp >= r {
                        out.push(format!(
                            "{} priced at {:.1} × the market price",
                            i.description.clone().unwrap_or_default(),
                            p / rp
                        ));
                    }
                }
            }
        }
        "new_company_chp" => {
            let after = c["after"].as_str().unwrap_or("2022-02-24");
            if f.chp {
                for p in by_role(&[
                    "purchaser",
                    "end_user",
                    "ultimate_consignee",
                    "intermediate_consignee",
                ]) {
                    let coalition = &rf.coalition_countries.codes;
                    let far = pc(p).is_none_or(|c| hub(&c) || !coalition.contains(&c));
                    if p.incorporation_date.as_deref().is_some_and(|d| d > after) && far {
                        out.push(format!(
                            "{} incorporated {} trades in high priority items",
                            p.name,
                            p.incorporation_date.clone().unwrap_or_default()
                        ));
                    }
                }
            }
        }
        "routing_via_hub" => {
            for t in &f.transit {
                if hub(t)
                    && *t != f.dest
                    && country_of(&tx.route.origin).as_deref() != Some(t.as_str())
                {
                    out.push(format!("routed through transshipment hub {t}"));
                }
            }
        }
        "concern_item_hub_or_hit" => {
            let other = earlier.iter().any(|h| h.rule.starts_with("DIV"));
            if f.concern && (hub(&f.dest) || f.transit.iter().any(|t| hub(t)) || other) {
                out.push(
                    "item of special concern (BIS FAQs 2022) with a hub or another diversion flag"
                        .into(),
                );
            }
        }
        "eu_no_russia_clause_missing" => {
            if f.eu_exporter
                && f.chp
                && !tx.contract.no_russia_clause
                && !partners.contains(&f.dest)
                && !["RU", "BY"].contains(&f.dest.as_str())
            {
                out.push(format!(
                    "high priority goods to {} without a \"no Russia\" clause in the contract",
                    f.dest
                ));
            }
        }
        "eu_chp_no_risk_assessment" => {
            if f.eu_exporter
                && f.chp
                && !tx.exporter.chp_risk_assessment
                && !partners.contains(&f.dest)
            {
                out.push("no current re-export risk assessment for high priority items".into());
            }
        }
        "letter" => {
            let kind = c["kind"].as_str().unwrap_or("");
            for l in tx.letters.iter().filter(|l| l.kind == kind) {
                for p in tx.parties.iter().filter(|p| l.parties.contains(&p.id)) {
                    out.push(format!(
                        "{} named in a {kind} letter{}",
                        p.name,
                        l.reference
                            .as_ref()
                            .map(|r| format!(" ({r})"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn country_of(s: &Option<String>) -> Option<String> {
    s.as_deref().and_then(country::to_iso2).map(str::to_string)
}

/// Whether listed owners hold at least `min` of `entity` directly.
fn share_at_least(tx: &Transaction, entity: &str, min: f64) -> bool {
    tx.ownership.as_ref().is_some_and(|g| {
        g.edges
            .iter()
            .filter(|e| e.owned == entity && g.listed.contains(&e.owner))
            .map(|e| e.share.unwrap_or(0.0))
            .sum::<f64>()
            >= min
    })
}
