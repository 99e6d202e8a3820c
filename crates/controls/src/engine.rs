//! The order of review (Part 732) over the data: parties, end uses, embargoes, the chart,
//! licence exceptions.

use crate::data::{Data, DataRange, Entry, Flag, Scope};
use crate::{
    Activity, DataVersions, Determination, Error, ExceptionAvailable, ExceptionRejected, Item,
    Line, Outcome, Reason, Request, Step,
};
use chokepoint_model::country;
use chrono::NaiveDate;

/// How an item line is classified.
enum Class<'a> {
    Ear99,
    Eccn {
        entry: &'a Entry,
        /// `a.1` for `3A001.a.1`; `None` when classified at heading level only.
        para: Option<String>,
    },
}

/// Parses `2B001.a`, `2b001.A.1`, `EAR99`; an unknown ECCN or a malformed one is an error.
fn classify_item<'a>(d: &'a Data, s: &str, field: &str) -> Result<Class<'a>, Error> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("EAR99") {
        return Ok(Class::Ear99);
    }
    let (head, para) = match entry_form(s) {
        Ok(x) => x,
        Err(Form::Head) => {
            return Err(Error::input(
                field,
                format!(
                    "{s:?} is not an ECCN (digit, A–E, three digits, then .paragraphs) or EAR99"
                ),
            ))
        }
        Err(Form::Paragraph) => {
            return Err(Error::input(field, format!("{s:?}: malformed paragraph")))
        }
    };
    let entry = d.ccl.get(&head).ok_or_else(|| {
        Error::input(
            field,
            format!(
                "{head} is not on the Commerce Control List of {} (check the number, or use EAR99)",
                d.ccl_effective
            ),
        )
    })?;
    Ok(Class::Eccn { entry, para })
}

/// What is wrong with the form of an entry number.
pub(crate) enum Form {
    /// The five characters before the paragraphs.
    Head,
    /// The paragraphs after the first dot.
    Paragraph,
}

/// Splits an entry written `2B001.a.1` into its upper-case head and lower-case paragraphs, when
/// it has the form ECCNs and Annex I entries share: a digit, a letter A–E, three digits, then
/// dot-separated alphanumeric paragraphs.
pub(crate) fn entry_form(s: &str) -> Result<(String, Option<String>), Form> {
    let (head, para) = match s.trim().split_once('.') {
        Some((h, p)) => (h, Some(p.to_ascii_lowercase())),
        None => (s.trim(), None),
    };
    let head = head.to_ascii_uppercase();
    let b = head.as_bytes();
    let well_formed = b.len() == 5
        && b[0].is_ascii_digit()
        && (b'A'..=b'E').contains(&b[1])
        && b[2..].iter().all(u8::is_ascii_digit);
    if !well_formed {
        return Err(Form::Head);
    }
    if let Some(p) = &para {
        let ok = !p.is_empty()
            && p.split('.')
                .all(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_alphanumeric()));
        if !ok {
            return Err(Form::Paragraph);
        }
    }
    Ok((head, para))
}

/// The evaluation date (today when not given), refused outside the range the data covers: a
/// past date before the data starts would be answered with later law, a future one with
/// today's.
pub(crate) fn evaluation_date(date: &Option<String>, range: &DataRange) -> Result<String, Error> {
    let today = chrono::Local::now().date_naive();
    let date = match date {
        Some(s) => parse_date(s)?,
        None => today,
    };
    let from = parse_date(&range.from)?;
    if date < from {
        return Err(Error::input(
            "date",
            format!(
                "{date} is outside the data's range: it starts on {from} ({})",
                range.why
            ),
        ));
    }
    if date > today {
        return Err(Error::input(
            "date",
            format!(
                "{date} is in the future: the data says what is in force up to today ({today})"
            ),
        ));
    }
    Ok(date.format("%Y-%m-%d").to_string())
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Error::input("date", format!("{s:?} is not a date (YYYY-MM-DD)")))
}

pub(crate) fn resolve_country(s: &str, field: &str) -> Result<String, Error> {
    country::to_iso2(s.trim())
        .map(str::to_string)
        .ok_or_else(|| Error::input(field, format!("unknown country {s:?} (ISO code or name)")))
}

/// Whether a date (YYYY-MM-DD) is within optional inclusive bounds.
pub(crate) fn in_force(date: &str, from: &Option<String>, to: &Option<String>) -> bool {
    from.as_deref().is_none_or(|f| date >= f) && to.as_deref().is_none_or(|t| date <= t)
}

/// Determines the licence requirements of every line of a request.
pub fn determine(req: &Request) -> Result<Determination, Error> {
    let d = Data::get();
    let from = req.from.as_deref().unwrap_or("US");
    let jurisdiction = resolve_country(from, "from")?;
    if d.eu.member_states.contains(&jurisdiction) {
        return crate::eu::determine(d, req, jurisdiction);
    }
    if jurisdiction != "US" {
        return Err(Error::input(
            "from",
            format!(
                "{jurisdiction}: determinations are implemented for US (EAR) and EU member-state (Regulation 2021/821) exporters"
            ),
        ));
    }
    let date = evaluation_date(&req.date, &d.rules.data_range)?;
    if req.items.is_empty() {
        return Err(Error::input("items", "no item lines"));
    }
    let classes = req
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            it.eccn
                .as_deref()
                .map(|e| classify_item(d, e, &format!("items[{i}].eccn")))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (i, u) in req.end_uses.iter().enumerate() {
        if !d.rules.end_uses.contains_key(u.as_str()) {
            let known: Vec<&str> = d.rules.end_uses.keys().map(String::as_str).collect();
            return Err(Error::input(
                format!("end_uses[{i}]"),
                format!("unknown end use {u:?}; known: {}", known.join(", ")),
            ));
        }
    }
    let region = match req.region.as_deref().map(str::to_ascii_lowercase) {
        Some(r) if ["crimea", "dnr", "lnr"].contains(&r.as_str()) => Some(r),
        Some(r) => {
            return Err(Error::input(
                "region",
                format!("unknown region {r:?}; known: crimea, dnr, lnr"),
            ))
        }
        None => None,
    };
    let deemed = req.activity == Activity::DeemedExport;
    let mut missing_all = Vec::new();
    let dests: Vec<String> = if deemed {
        let v = req
            .citizenships
            .iter()
            .enumerate()
            .map(|(i, c)| resolve_country(c, &format!("citizenships[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        if v.is_empty() {
            missing_all.push(
                "the person's citizenships and permanent residencies (a deemed export goes to the most recent country of citizenship or permanent residency, 734.13(b))".to_string(),
            );
        }
        v
    } else {
        match &req.destination {
            Some(s) => vec![resolve_country(s, "destination")?],
            None => {
                missing_all.push("the destination country".to_string());
                vec![]
            }
        }
    };
    if !deemed && dests.iter().any(|c| c == "US") {
        return Err(Error::input(
            "destination",
            "the United States is not an export destination under the EAR (a release to a foreign person in the US is a deemed export: give the activity deemed-export and the citizenships)",
        ));
    }
    if region.is_some() && dests.iter().any(|c| c != "UA") {
        return Err(Error::input(
            "region",
            "regions are regions of Ukraine (UA)",
        ));
    }
    let mut lines = Vec::with_capacity(req.items.len());
    for (i, item) in req.items.iter().enumerate() {
        let cls = classes[i].as_ref();
        let name = item.eccn.clone().unwrap_or_else(|| "(unclassified)".into());
        let mut best: Option<Line> = None;
        for dest in &dests {
            let l = line(d, req, &date, item, cls, dest, region.as_deref(), &name);
            if best.as_ref().is_none_or(|b| l.outcome > b.outcome) {
                best = Some(l);
            }
        }
        let mut l = best.unwrap_or_else(|| empty_line(&name));
        for m in &missing_all {
            l.missing.push(m.clone());
        }
        if !l.missing.is_empty() && l.outcome < Outcome::Indeterminate {
            l.outcome = Outcome::Indeterminate;
        }
        lines.push(l);
    }
    Ok(Determination {
        outcome: strictest(&lines),
        date,
        jurisdiction,
        activity: req.activity,
        destinations: dests,
        lines,
        data_versions: DataVersions {
            ccl: d.ccl_effective.clone(),
            country_chart: d.chart.effective.clone(),
            country_groups: d.groups.effective.clone(),
            rules: format!("ear-rules, in force from {}", d.rules.data_range.from),
        },
    })
}

/// The roll-up of the lines: the strictest outcome (INDETERMINATE when there is none).
pub(crate) fn strictest(lines: &[Line]) -> Outcome {
    lines
        .iter()
        .map(|l| l.outcome)
        .max()
        .unwrap_or(Outcome::Indeterminate)
}

/// A line's outcome from its findings: a prohibition, then anything missing, then the
/// requirements and whether licence exceptions overcome every one of them.
pub(crate) fn line_outcome(l: &Line) -> Outcome {
    if l.reasons.iter().any(|r| r.prohibits) {
        Outcome::Prohibited
    } else if !l.missing.is_empty() {
        Outcome::Indeterminate
    } else if l.reasons.is_empty() {
        Outcome::Nlr
    } else if l.reasons.iter().all(|r| {
        l.exceptions_available
            .iter()
            .any(|x| x.covers.contains(&r.code))
    }) {
        Outcome::LicenseExceptionAvailable
    } else {
        Outcome::LicenseRequired
    }
}

pub(crate) fn empty_line(name: &str) -> Line {
    Line {
        item: name.to_string(),
        outcome: Outcome::Indeterminate,
        reasons: vec![],
        exceptions_available: vec![],
        exceptions_rejected: vec![],
        missing: vec![],
        obligations: vec![],
        steps: vec![],
    }
}

/// A reason with the private fields set.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reason(
    code: impl Into<String>,
    family: &str,
    citation: impl Into<String>,
    text: impl Into<String>,
    review_policy: Option<String>,
    unverified: Option<String>,
    prohibits: bool,
    allowed: Option<Vec<String>>,
) -> Reason {
    Reason {
        code: code.into(),
        citation: citation.into(),
        text: text.into(),
        review_policy,
        unverified,
        prohibits,
        allowed,
        family: family.to_string(),
    }
}

/// Whether a row's paragraph scope covers the classified paragraph; fail closed when the
/// classification or the scope does not say.
fn scope_covers(scope: &Scope, para: Option<&str>) -> (bool, Option<String>) {
    let within =
        |ps: &[String], p: &str| ps.iter().any(|x| p == x || p.starts_with(&format!("{x}.")));
    if scope.prose.is_some() {
        return (
            true,
            Some(
                "the row's scope is stated in prose and applied unless shown not to cover the item"
                    .into(),
            ),
        );
    }
    let carve = scope
        .carve_out
        .as_ref()
        .map(|_| "applied unless the item falls under the row's EXCEPT carve-out".to_string());
    if let Some(only) = &scope.only {
        return match para {
            Some(p) => (within(only, p), carve),
            None => (
                true,
                Some(format!(
                    "the row covers only paragraphs {}; the item is classified at heading level, so it is applied",
                    only.join(", ")
                )),
            ),
        };
    }
    if let Some(except) = &scope.except {
        return match para {
            Some(p) => (!within(except, p), carve),
            None => (true, carve),
        };
    }
    (true, carve)
}

#[allow(clippy::too_many_arguments)]
fn line(
    d: &Data,
    req: &Request,
    date: &str,
    item: &Item,
    cls: Option<&Class>,
    dest: &str,
    region: Option<&str>,
    name: &str,
) -> Line {
    let mut l = empty_line(name);
    // The chart's own name for the destination reads best in a citation-style explanation.
    let dest_name = d
        .chart
        .rows
        .get(dest)
        .map(|r| r.name.as_str())
        .or_else(|| d.chart.pointer_rows.get(dest).map(|r| r.name.as_str()))
        .or_else(|| country::name(dest))
        .unwrap_or(dest)
        .to_string();
    let deemed = req.activity == Activity::DeemedExport;
    if deemed {
        l.steps.push(Step {
            finding: format!(
                "deemed export: the release counts as an export to {dest_name} ({dest}), the person's country of citizenship"
            ),
            citation: "15 CFR 734.13(a)(2), (b)".into(),
        });
    }
    let ear99 = matches!(cls, Some(Class::Ear99));
    if cls.is_none() {
        l.missing.push(format!(
            "the item's classification (ECCN with paragraph, or EAR99) for {name}"
        ));
    }

    // Destination: its chart row, through the territories that follow another row.
    let mut row_code = dest.to_string();
    if let Some(t) = d.chart.territories.get(dest) {
        l.steps.push(Step {
            finding: format!("{dest_name} follows the chart row of {}", t.row),
            citation: t.basis.clone(),
        });
        row_code = t.row.clone();
    }
    let pointer = d.chart.pointer_rows.get(&row_code);
    let chart_row = d.chart.rows.get(&row_code);
    if pointer.is_none() && chart_row.is_none() {
        l.missing.push(format!(
            "{dest_name} ({dest}) has no Country Chart row and follows no named row (738.3(b)); decide by hand"
        ));
    }

    // 1. Parties (General Prohibition 4, Part 744 lists, OFAC).
    let mut no_exceptions_at_all: Option<String> = None;
    for p in &req.parties {
        let who = match &p.role {
            Some(r) => format!("{} ({r})", p.name),
            None => p.name.clone(),
        };
        if !p.screened {
            l.missing.push(format!("screening of party {who}"));
        }
        for code in &p.lists {
            let code = code.trim().to_ascii_uppercase();
            let Some(rule) = d.rules.end_user.get(&code) else {
                l.steps.push(Step {
                    finding: format!(
                        "{who} is on list {code}, which adds no EAR licence rule in the data"
                    ),
                    citation: d.rules.citation.clone(),
                });
                continue;
            };
            let text = match (code.as_str(), &p.license_requirement) {
                ("EL", req) => format!(
                    "{who} is on the Entity List; licence requirement: {}",
                    req.clone()
                        .or(rule.default_license_requirement.clone())
                        .unwrap_or_default()
                ),
                _ => format!("{who} is on the {code} list: {}", rule.rule),
            };
            match rule.outcome.as_str() {
                "PROHIBITED" => l.reasons.push(reason(
                    &code,
                    &code,
                    &rule.citation,
                    text,
                    None,
                    rule.unverified.clone(),
                    true,
                    Some(vec![]),
                )),
                "LICENSE_REQUIRED" => l.reasons.push(reason(
                    &code,
                    &code,
                    &rule.citation,
                    text,
                    p.review_policy.clone(),
                    rule.unverified.clone(),
                    false,
                    rule.no_exceptions.then(Vec::new),
                )),
                _ => l.steps.push(Step {
                    finding: text,
                    citation: rule.citation.clone(),
                }),
            }
            l.obligations.extend(rule.obligations.iter().cloned());
            if rule.no_exceptions && code == "UVL" {
                no_exceptions_at_all = Some(format!(
                    "{who} is on the Unverified List: no licence exception may be used ({})",
                    rule.citation
                ));
            }
        }
    }

    // 2. End uses the exporter knows of (Part 744).
    for u in &req.end_uses {
        let rule = &d.rules.end_uses[u.as_str()];
        if !rule.destinations.is_empty() && !rule.destinations.iter().any(|c| c == dest) {
            l.steps.push(Step {
                finding: format!("{u} end use: the rule does not cover {dest_name}"),
                citation: rule.citation.clone(),
            });
            continue;
        }
        l.reasons.push(reason(
            rule.citation.trim_start_matches("15 CFR ").to_string(),
            "744",
            &rule.citation,
            format!("{u} end use known: {}", rule.rule),
            None,
            rule.unverified.clone(),
            false,
            Some(vec![]),
        ));
    }

    // 3. Embargoes and special controls (Part 746).
    for e in &d.rules.embargoes {
        let hits = e.destinations.iter().any(|c| c == dest)
            || region.is_some_and(|r| e.regions.iter().any(|x| x == r));
        if !hits || !in_force(date, &e.valid_from, &e.valid_to) {
            continue;
        }
        let covered = match e.scope.as_str() {
            "all" => true,
            "all_but_ear99_food_medicine" => !(ear99 && item.food_or_medicine),
            _ => !ear99, // "ccl": every item on the CCL
        };
        if !covered {
            l.steps.push(Step {
                finding: format!("{}: the item is outside its scope ({})", e.id, e.scope),
                citation: e.citation.clone(),
            });
            continue;
        }
        if deemed && e.deemed_exempt {
            l.steps.push(Step {
                finding: format!("{} does not apply to deemed exports", e.id),
                citation: e.citation.clone(),
            });
            continue;
        }
        if let (true, Some(dr)) = (deemed, &e.deemed) {
            if dr.ear99_technology_exempt && ear99 {
                l.steps.push(Step {
                    finding: format!(
                        "{}: EAR99 technology may be released to nationals of {dest_name}",
                        e.id
                    ),
                    citation: dr.citation.clone(),
                });
                continue;
            }
        }
        l.reasons.push(reason(
            &e.id,
            "746",
            &e.citation,
            format!("{} (destination: {dest_name})", e.rule),
            e.review_policy.clone(),
            e.unverified.clone(),
            false,
            Some(e.exceptions.clone()),
        ));
    }

    // OFAC comprehensive sanctions: OFAC authorization, which no EAR exception replaces.
    for o in &d.rules.ofac_comprehensive {
        let hits = o.destinations.iter().any(|c| c == dest)
            || region.is_some_and(|r| o.regions.iter().any(|x| x == r));
        if hits && in_force(date, &o.valid_from, &o.valid_to) && !deemed {
            l.reasons.push(reason(
                &o.id,
                "OFAC",
                &o.citation,
                format!("{} (destination: {dest_name})", o.rule),
                Some("Authorization by OFAC (general or specific licence)".into()),
                None,
                false,
                Some(vec![]),
            ));
        }
    }

    // 4. The Commerce Control List and the Country Chart (General Prohibition 1, 738.4).
    if let Some(Class::Eccn { entry, para }) = cls {
        if let Some(u) = &entry.unverified {
            l.steps.push(Step {
                finding: format!(
                    "{}: rows from the hand-kept overrides — unverified: {u}",
                    entry.eccn
                ),
                citation: d.ccl_citation.clone(),
            });
        }
        if entry.itar {
            l.missing.push(format!(
                "{} is subject to the ITAR (22 CFR 120–130), outside the EAR: route to the State Department",
                entry.eccn
            ));
        } else if let Some(why) = &entry.manual {
            l.missing.push(format!(
                "{}: {why}; determine its licence requirements by hand",
                entry.eccn
            ));
        } else {
            chart_rows(
                d,
                &mut l,
                entry,
                para.as_deref(),
                dest,
                &dest_name,
                pointer.is_some(),
                chart_row.map(|r| &r.marks[..]),
            );
        }
        // Footnotes that add requirements the grid does not show.
        let full = match para {
            Some(p) => format!("{}.{p}", entry.eccn),
            None => entry.eccn.clone(),
        };
        for f in &d.rules.chart_footnotes {
            let covered = f
                .eccns
                .iter()
                .any(|x| full == *x || full.starts_with(&format!("{x}.")));
            let here = if f.from_chart {
                chart_row.is_some_and(|r| r.footnotes.contains(&f.footnote))
            } else {
                f.destinations.iter().any(|c| c == dest)
            };
            if covered && here && f.manual {
                l.missing.push(format!(
                    "chart footnote {} for {dest_name}: {} ({}); the provision is not in the data, decide by hand",
                    f.footnote,
                    f.rule.clone().unwrap_or_default(),
                    f.citation.clone().unwrap_or_default()
                ));
            } else if covered && here {
                l.reasons.push(reason(
                    f.column.clone().unwrap_or_default(),
                    f.column.as_deref().map_or("", |c| &c[..2]),
                    f.citation.clone().unwrap_or_default(),
                    f.rule.clone().unwrap_or_default(),
                    None,
                    None,
                    false,
                    None,
                ));
            }
        }
        if entry.no_exceptions || entry.gov_only {
            for r in l.reasons.iter_mut().filter(|r| r.allowed.is_none()) {
                r.allowed = Some(if entry.gov_only {
                    vec!["GOV".into()]
                } else {
                    vec![]
                });
            }
        }
    } else if ear99 {
        l.steps.push(Step {
            finding: "EAR99: the Country Chart is not consulted".into(),
            citation: "15 CFR 734.3(c); 738.4".into(),
        });
    }

    exceptions(d, req, date, &mut l, item, cls, dest, no_exceptions_at_all);
    l.outcome = line_outcome(&l);
    l
}

#[allow(clippy::too_many_arguments)]
fn chart_rows(
    d: &Data,
    l: &mut Line,
    entry: &Entry,
    para: Option<&str>,
    dest: &str,
    dest_name: &str,
    pointer: bool,
    marks: Option<&[String]>,
) {
    const CHART_CITE: &str = "15 CFR 738.4(a)(2)(ii)(A); Supp. 1 to Part 738";
    for row in &entry.rows {
        let (covers, note) = scope_covers(&row.scope, para);
        let family = row.reason.clone().unwrap_or_default();
        if !covers {
            l.steps.push(Step {
                finding: format!(
                    "{}: row \"{}\" does not cover paragraph {}",
                    entry.eccn,
                    row.text,
                    para.unwrap_or("")
                ),
                citation: d.ccl_citation.clone(),
            });
            continue;
        }
        if row.manual {
            l.missing.push(format!(
                "{}: licence requirement written in prose, decide by hand: \"{}\"",
                entry.eccn, row.text
            ));
            continue;
        }
        let dr = &row.dest;
        if let Some(p) = &dr.paragraph {
            if para.is_some_and(|x| x != p && !x.starts_with(&format!("{p}."))) {
                continue;
            }
        }
        let mut text = format!("{} — {}", entry.eccn, row.text);
        if let Some(n) = &note {
            text.push_str(&format!("; {n}"));
        }
        if let Some(col) = &dr.column {
            if pointer {
                l.steps.push(Step {
                    finding: format!("{}: {dest_name}'s chart row is a pointer to Part 746 (no marks); the embargo rules decide", entry.eccn),
                    citation: CHART_CITE.into(),
                });
            } else if marks.is_some_and(|m| m.iter().any(|c| c == col)) {
                l.reasons.push(reason(
                    col.clone(),
                    &family,
                    CHART_CITE,
                    format!("{text}; {dest_name} has an X in {col}"),
                    None,
                    entry.unverified.clone(),
                    false,
                    None,
                ));
            } else if marks.is_some() {
                l.steps.push(Step {
                    finding: format!(
                        "{}: no X in {col} for {dest_name} ({})",
                        entry.eccn, row.text
                    ),
                    citation: "15 CFR 738.4(a)(2)(ii)(B); Supp. 1 to Part 738".into(),
                });
            }
            continue;
        }
        if let Some(s) = &dr.see {
            l.steps.push(Step {
                finding: format!(
                    "{}: row points to {s}, evaluated with the Part 746 rules",
                    entry.eccn
                ),
                citation: d.ccl_citation.clone(),
            });
            continue;
        }
        if dr.un {
            if d.rules
                .un_arms_embargo
                .destinations
                .iter()
                .any(|c| c == dest)
            {
                l.reasons.push(reason(
                    "UN",
                    "UN",
                    &d.rules.un_arms_embargo.citation,
                    format!("{text}; {dest_name} is under a UN arms embargo"),
                    None,
                    None,
                    false,
                    None,
                ));
            }
            continue;
        }
        let listed = dr
            .countries
            .as_ref()
            .is_some_and(|v| v.iter().any(|c| c == dest))
            || dr
                .groups
                .as_ref()
                .is_some_and(|g| g.iter().any(|g| d.in_group(dest, g)));
        let excluded = dr
            .except_countries
            .as_ref()
            .is_some_and(|v| v.iter().any(|c| c == dest))
            || dr
                .except_groups
                .as_ref()
                .is_some_and(|g| g.iter().any(|g| d.in_group(dest, g)));
        if !((dr.worldwide || listed) && !excluded) {
            l.steps.push(Step {
                finding: format!(
                    "{}: the destination rule of row \"{}\" does not cover {dest_name}",
                    entry.eccn, row.text
                ),
                citation: d.ccl_citation.clone(),
            });
        } else {
            l.reasons.push(reason(
                family.clone(),
                &family,
                d.ccl_citation.clone(),
                format!("{text}; the row's destination rule covers {dest_name}"),
                None,
                entry.unverified.clone(),
                false,
                None,
            ));
        }
    }
}

/// Evaluates the licence exceptions each requirement allows and records which overcome what.
#[allow(clippy::too_many_arguments)]
fn exceptions(
    d: &Data,
    req: &Request,
    date: &str,
    l: &mut Line,
    item: &Item,
    cls: Option<&Class>,
    dest: &str,
    barred: Option<String>,
) {
    let reqs: Vec<&Reason> = l.reasons.iter().filter(|r| !r.prohibits).collect();
    if reqs.is_empty() {
        return;
    }
    let mut codes: Vec<String> = Vec::new();
    for r in &reqs {
        match &r.allowed {
            Some(v) => codes.extend(v.iter().cloned()),
            None => {
                codes.extend(["LVS", "GBS", "TSR", "STA"].map(String::from));
                for (code, rule) in &d.rules.exceptions {
                    if rule.conditions.iter().any(|c| {
                        c.strip_prefix("fact:")
                            .is_some_and(|f| req.facts.iter().any(|x| x == f))
                    }) {
                        codes.push(code.clone());
                    }
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    let general: Vec<&str> = reqs
        .iter()
        .filter(|r| r.allowed.is_none())
        .map(|r| r.family.as_str())
        .collect();
    let mut available = Vec::new();
    let mut rejected = Vec::new();
    for code in codes {
        let Some(rule) = d.rules.exceptions.get(&code) else {
            rejected.push(ExceptionRejected {
                code: code.clone(),
                citation: String::new(),
                failed: format!("{code}: its conditions are not in the data; check by hand"),
            });
            continue;
        };
        let covers: Vec<String> = reqs
            .iter()
            .filter(|r| match &r.allowed {
                Some(v) => v.contains(&code),
                None => true,
            })
            .map(|r| r.code.clone())
            .collect();
        if covers.is_empty() {
            continue;
        }
        let failed = if let Some(b) = &barred {
            Some(b.clone())
        } else if !in_force(date, &rule.valid_from, &None) {
            Some(format!(
                "not available before {}",
                rule.valid_from.clone().unwrap_or_default()
            ))
        } else {
            rule.conditions
                .iter()
                .find_map(|c| condition(d, req, c, &code, item, cls, dest, &general).err())
        };
        match failed {
            Some(f) => rejected.push(ExceptionRejected {
                code,
                citation: rule.citation.clone(),
                failed: f,
            }),
            None => available.push(ExceptionAvailable {
                code,
                citation: rule.citation.clone(),
                covers,
                obligations: rule.obligations.clone(),
                unverified: rule.unverified.clone(),
            }),
        }
    }
    l.exceptions_available = available;
    l.exceptions_rejected = rejected;
}

fn flag_of<'a>(entry: &'a Entry, code: &str) -> Option<&'a Flag> {
    match code {
        "LVS" => entry.lvs.as_ref(),
        "GBS" => entry.gbs.as_ref(),
        "TSR" => entry.tsr.as_ref(),
        _ => None,
    }
}

/// One condition of a licence exception: Ok when met, Err with what failed.
#[allow(clippy::too_many_arguments)]
fn condition(
    d: &Data,
    req: &Request,
    cond: &str,
    code: &str,
    item: &Item,
    cls: Option<&Class>,
    dest: &str,
    general: &[&str],
) -> Result<(), String> {
    let (kind, arg) = cond.split_once(':').unwrap_or((cond, ""));
    let list = || arg.split(',').map(str::trim).collect::<Vec<_>>();
    match kind {
        "ccl_flag" => {
            let Some(Class::Eccn { entry, .. }) = cls else {
                return Err(format!("{code} needs an ECCN whose entry allows it"));
            };
            let Some(f) = flag_of(entry, code) else {
                return Err(format!("{code}: N/A for {}", entry.eccn));
            };
            if let Some(p) = &f.prose {
                return Err(format!(
                    "{code} for {} is limited in prose (\"{p}\"); check the paragraph by hand",
                    entry.eccn
                ));
            }
            if let Some(r) = general
                .iter()
                .find(|r| f.except_reasons.iter().any(|x| x == *r))
            {
                return Err(format!("{code}: N/A for {r} reasons in {}", entry.eccn));
            }
            Ok(())
        }
        "country_group" => {
            if d.in_group(dest, arg) {
                Ok(())
            } else {
                Err(format!("{dest} is not in Country Group {arg}"))
            }
        }
        "not_destinations" => {
            if list().contains(&dest) {
                Err(format!("{code} excludes {dest}"))
            } else {
                Ok(())
            }
        }
        "destinations" => {
            if list().contains(&dest) {
                Ok(())
            } else {
                Err(format!("{code} is only for {arg}"))
            }
        }
        "reasons_only" => {
            let other: Vec<&str> = general.iter().copied().filter(|r| *r != arg).collect();
            if other.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{code} overcomes {arg} requirements only; also triggered: {}",
                    other.join(", ")
                ))
            }
        }
        "value_within_limit" => {
            let Some(Class::Eccn { entry, .. }) = cls else {
                return Err("no ECCN".into());
            };
            let limit = flag_of(entry, code).and_then(|f| f.value);
            match (item.value, limit) {
                (_, None) => Err(format!("{code}: no value limit for {}", entry.eccn)),
                (None, Some(l)) => Err(format!("the line's value is not given (limit ${l})")),
                (Some(v), Some(l)) if v > l as f64 => Err(format!(
                    "value ${v} exceeds the {code} limit of ${l} for {}",
                    entry.eccn
                )),
                _ => Ok(()),
            }
        }
        "ear99" => match cls {
            Some(Class::Ear99) => Ok(()),
            _ => Err(format!("{code} is for EAR99 items only")),
        },
        "no_prohibited_end_use" => {
            let listed = req.parties.iter().any(|p| {
                p.lists.iter().any(|c| {
                    matches!(
                        c.to_ascii_uppercase().as_str(),
                        "EL" | "MEU" | "DPL" | "SDN"
                    )
                })
            });
            if listed || !req.end_uses.is_empty() {
                Err(format!(
                    "{code} is not available with a prohibited end use or a listed end user"
                ))
            } else {
                Ok(())
            }
        }
        "fact" => {
            if req.facts.iter().any(|f| f == arg) {
                Ok(())
            } else {
                Err(format!(
                    "condition not established: {arg} (state the fact \"{arg}\" if it holds)"
                ))
            }
        }
        "overcomes_all" => Ok(()),
        "country_group_any" => {
            if list().iter().any(|g| d.in_group(dest, g)) {
                Ok(())
            } else {
                Err(format!(
                    "{dest} is not in Country Group {}",
                    arg.replace(',', " or ")
                ))
            }
        }
        "a6_reasons_only" => {
            let other: Vec<&str> = general.iter().copied().filter(|r| *r != arg).collect();
            if d.in_group(dest, "A:6") && !d.in_group(dest, "A:5") && !other.is_empty() {
                Err(format!("{code} to an A:6 destination (740.20(c)(2)) overcomes {arg} requirements only; also triggered: {}", other.join(", ")))
            } else {
                Ok(())
            }
        }
        "not_reasons" => match general.iter().find(|r| list().contains(r)) {
            Some(r) => Err(format!("{code} is not available for {r}-controlled items")),
            None => Ok(()),
        },
        "uae_supp8" => {
            if dest == "AE" && !req.facts.iter().any(|f| f == "sta-uae-supp8-entity") {
                Err("STA to the UAE only for entities listed in Supp. 8 to Part 740 (740.2(a)(26)); state the fact \"sta-uae-supp8-entity\" if it holds".into())
            } else {
                Ok(())
            }
        }
        "ccl_sta_conditions" => {
            let Some(Class::Eccn { entry, .. }) = cls else {
                return Err(format!("{code} needs an ECCN"));
            };
            let Some(text) = &entry.sta else {
                return Ok(());
            };
            let a6 = d.in_group(dest, "A:6") && !d.in_group(dest, "A:5");
            let limits_a6 = text.contains("(c)(2)") || text.contains("Country Group A:6");
            if a6 && limits_a6 {
                Err(format!(
                    "{}'s special conditions exclude A:6 destinations: \"{text}\"",
                    entry.eccn
                ))
            } else if !a6 && limits_a6 && !text.contains("(c)(1)") {
                Ok(())
            } else {
                Err(format!(
                    "{}'s special conditions for STA are in prose; check by hand: \"{text}\"",
                    entry.eccn
                ))
            }
        }
        _ => Err(format!("unknown condition {cond:?} in the data")),
    }
}
