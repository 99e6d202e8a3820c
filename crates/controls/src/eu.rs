//! Determinations for exporters established in an EU member state: Regulation (EU) 2021/821
//! (Annex I listing, intra-EU transfers of Annex IV items, the catch-alls driven by notices and
//! knowledge, the Union general export authorisations) and the Russia/Belarus measures of
//! 833/2014 and 765/2006 (the Annex I ban; the "no Russia" clause for common high priority
//! goods). The Annex I entry is the exporter's classification, given as input.

use crate::data::{Data, Ugea};
use crate::engine::{
    empty_line, entry_form, evaluation_date, in_force, line_outcome, reason, resolve_country,
    strictest,
};
use crate::{
    Activity, DataVersions, Determination, Error, ExceptionAvailable, ExceptionRejected, Item,
    Line, Request, Step,
};

/// How an item is classified under Regulation 2021/821.
enum EuClass {
    /// In Annex I under this entry.
    Listed(String),
    /// Not in Annex I.
    NotListed,
}

fn classify(s: &str, field: &str) -> Result<EuClass, Error> {
    let t = s.trim();
    if ["none", "not-listed", "not listed", "-"].contains(&t.to_ascii_lowercase().as_str()) {
        return Ok(EuClass::NotListed);
    }
    match entry_form(t) {
        Ok((head, None)) => Ok(EuClass::Listed(head)),
        Ok((head, Some(para))) => Ok(EuClass::Listed(format!("{head}.{para}"))),
        Err(_) => Err(Error::input(
            field,
            format!("{t:?} is not an Annex I entry (digit, A–E, three digits, then .paragraphs) or \"none\""),
        )),
    }
}

pub(crate) fn determine(
    d: &Data,
    req: &Request,
    jurisdiction: String,
) -> Result<Determination, Error> {
    let eu = &d.eu;
    let date = evaluation_date(&req.date, &eu.data_range)?;
    if req.items.is_empty() {
        return Err(Error::input("items", "no item lines"));
    }
    if req.activity == Activity::DeemedExport {
        return Err(Error::input(
            "activity",
            "deemed exports are a US concept; under Regulation 2021/821 use export (technology transmitted outside the Union)",
        ));
    }
    for (i, f) in req.facts.iter().enumerate() {
        let known = eu.catch_alls.contains_key(f)
            || eu.ugeas.values().any(|u| {
                u.conditions
                    .iter()
                    .any(|c| c.strip_prefix("fact:") == Some(f))
            });
        if !known {
            let mut names: Vec<&str> = eu.catch_alls.keys().map(String::as_str).collect();
            names.extend(
                eu.ugeas
                    .values()
                    .flat_map(|u| &u.conditions)
                    .filter_map(|c| c.strip_prefix("fact:")),
            );
            names.sort_unstable();
            names.dedup();
            return Err(Error::input(
                format!("facts[{i}]"),
                format!(
                    "unknown fact {f:?} for an EU exporter; known: {}",
                    names.join(", ")
                ),
            ));
        }
    }
    if !req.end_uses.is_empty() {
        return Err(Error::input(
            "end_uses",
            "for an EU exporter give the authority's notice or the exporter's knowledge as facts (notice-wmd, notice-military-embargo, aware-wmd …)",
        ));
    }
    let dest = match &req.destination {
        Some(s) => Some(resolve_country(s, "destination")?),
        None => None,
    };
    let classes = req
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            it.eu
                .as_deref()
                .map(|e| classify(e, &format!("items[{i}].eu")))
                .transpose()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut lines = Vec::new();
    for (item, cls) in req.items.iter().zip(&classes) {
        let name = item
            .eu
            .clone()
            .or(item.hs.clone().map(|h| format!("HS {h}")))
            .unwrap_or_else(|| "(unclassified)".into());
        let mut l = empty_line(&name);
        match &dest {
            Some(dest) => line(d, req, &date, item, cls.as_ref(), dest, &mut l),
            None => l.missing.push("the destination country".into()),
        }
        l.outcome = line_outcome(&l);
        lines.push(l);
    }
    Ok(Determination {
        outcome: strictest(&lines),
        date,
        jurisdiction,
        activity: req.activity,
        destinations: dest.into_iter().collect(),
        lines,
        data_versions: DataVersions {
            ccl: String::new(),
            country_chart: String::new(),
            country_groups: String::new(),
            rules: format!("eu-rules, in force from {}", eu.data_range.from),
        },
    })
}

fn line(
    d: &Data,
    req: &Request,
    date: &str,
    item: &Item,
    cls: Option<&EuClass>,
    dest: &str,
    l: &mut Line,
) {
    let eu = &d.eu;
    let intra = eu.member_states.iter().any(|m| m == dest);
    let catch_alls: Vec<&String> = req
        .facts
        .iter()
        .filter(|f| eu.catch_alls.contains_key(*f))
        .collect();
    for p in &req.parties {
        if !p.screened {
            l.missing.push(format!("screening of party {}", p.name));
        } else if !p.lists.is_empty() {
            l.missing.push(format!(
                "party {} is listed ({}): what an EU listing means for the transaction (asset freeze, ownership) is decided in the assessment, not here",
                p.name,
                p.lists.join(", ")
            ));
        }
    }
    if cls.is_none() {
        l.missing.push(format!(
            "the item's Annex I classification under Regulation 2021/821 (an entry such as 2B001, or \"none\"){}",
            if item.eccn.is_some() { "; a US ECCN is not an EU classification" } else { "" }
        ));
    }
    // The catch-alls: a notice from the authority, or the exporter's own knowledge.
    for f in &catch_alls {
        let r = &eu.catch_alls[*f];
        if r.awaits_authority {
            l.missing.push(format!(
                "the competent authority's decision after notification: {} ({})",
                r.rule, r.citation
            ));
            continue;
        }
        l.reasons.push(reason(
            &r.id,
            "catch-all",
            &r.citation,
            r.rule.clone(),
            None,
            r.unverified.clone(),
            false,
            Some(vec![]),
        ));
    }
    // Russia and Belarus.
    for s in &eu.sanctions {
        if !s.destinations.iter().any(|c| c == dest) {
            continue;
        }
        match cls {
            Some(EuClass::Listed(e)) => l.reasons.push(reason(
                &s.id,
                "sanctions",
                &s.citation,
                format!("{} (item: Annex I {e})", s.rule),
                None,
                s.unverified.clone(),
                true,
                Some(vec![]),
            )),
            Some(EuClass::NotListed) => l.missing.push(format!(
                "{}: {} — state by hand whether the item is caught ({})",
                s.id,
                s.non_listed.clone().unwrap_or_default(),
                s.citation
            )),
            None => {}
        }
    }
    // Annex I: export (Art. 3) or intra-EU transfer (Art. 11, Annex IV items only).
    if let Some(EuClass::Listed(e)) = cls {
        let digit = e.get(2..3).unwrap_or("");
        let regime = eu
            .regimes
            .by_digit
            .get(digit)
            .map_or("no multilateral regime (EU-only entry)", String::as_str);
        l.steps.push(Step {
            finding: format!(
                "Annex I {e}: regime of origin {regime}{}",
                eu.regimes
                    .unverified
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            ),
            citation: eu.regimes.citation.clone(),
        });
        if intra {
            match item.eu_annex_iv {
                Some(true) => l.reasons.push(reason(
                    &eu.intra_eu.id,
                    "annex-iv",
                    &eu.intra_eu.citation,
                    format!("{} (item: Annex I {e}, listed in Annex IV)", eu.intra_eu.rule),
                    None,
                    None,
                    false,
                    Some(vec![]),
                )),
                Some(false) => l.steps.push(Step {
                    finding: format!("intra-EU transfer of {e}, not in Annex IV: no authorisation for the transfer"),
                    citation: eu.intra_eu.citation.clone(),
                }),
                None => l.missing.push(format!("whether {e} is listed in Annex IV (intra-EU transfer, Art. 11)")),
            }
        } else {
            l.reasons.push(reason(
                &eu.annex_i.id,
                "annex-i",
                &eu.annex_i.citation,
                format!("{} (item: Annex I {e})", eu.annex_i.rule),
                None,
                None,
                false,
                Some(eu.ugeas.keys().cloned().collect()),
            ));
        }
    } else if matches!(cls, Some(EuClass::NotListed)) && catch_alls.is_empty() {
        l.steps.push(Step {
            finding: "not listed in Annex I and no catch-all notice or knowledge: no authorisation under Regulation 2021/821".into(),
            citation: "Regulation (EU) 2021/821 Arts. 3, 4, 5".into(),
        });
    }
    // Obligations for sales to third countries of common high priority goods.
    if let Some(hs) = &item.hs {
        let hs6 = crate::hs6(hs);
        let c = &eu.no_russia_clause;
        let third = !intra
            && !eu
                .sanctions
                .iter()
                .any(|s| s.destinations.iter().any(|x| x == dest));
        if c.chp_hs6.contains(&hs6) && third && in_force(date, &Some(c.valid_from.clone()), &None) {
            if c.partners.iter().any(|p| p == dest) {
                l.steps.push(Step {
                    finding: format!("HS {hs} is a common high priority item, but {dest} is an Annex VIII partner country: no \"no Russia\" clause needed"),
                    citation: c.citation.clone(),
                });
            } else {
                l.obligations
                    .push(format!("\"No Russia\" clause: {} ({})", c.rule, c.citation));
                let dd = &eu.chp_due_diligence;
                if in_force(date, &dd.valid_from, &None) {
                    l.obligations.push(format!(
                        "CHP due diligence: {} ({}{})",
                        dd.rule,
                        dd.citation,
                        dd.unverified
                            .as_ref()
                            .map(|u| format!("; unverified: {u}"))
                            .unwrap_or_default()
                    ));
                }
            }
        } else if third && !c.chp_hs6.contains(&hs6) {
            l.steps.push(Step {
                finding: format!(
                    "HS {hs}: not among the common high priority codes in the data; {}",
                    c.unverified.clone().unwrap_or_default()
                ),
                citation: c.citation.clone(),
            });
        }
    }
    ugeas(d, req, l, dest, !catch_alls.is_empty());
}

fn ugeas(d: &Data, req: &Request, l: &mut Line, dest: &str, catch_all: bool) {
    let reqs: Vec<(String, Vec<String>)> = l
        .reasons
        .iter()
        .filter(|r| !r.prohibits)
        .map(|r| (r.code.clone(), r.allowed.clone().unwrap_or_default()))
        .collect();
    let mut codes: Vec<&String> = reqs.iter().flat_map(|(_, a)| a.iter()).collect();
    codes.sort();
    codes.dedup();
    for code in codes {
        let Some(u) = d.eu.ugeas.get(code) else {
            continue;
        };
        let covers: Vec<String> = reqs
            .iter()
            .filter(|(_, a)| a.contains(code))
            .map(|(c, _)| c.clone())
            .collect();
        match ugea_condition(u, req, dest, catch_all) {
            Some(failed) => l.exceptions_rejected.push(ExceptionRejected {
                code: code.clone(),
                citation: u.citation.clone(),
                failed,
            }),
            None => l.exceptions_available.push(ExceptionAvailable {
                code: code.clone(),
                citation: u.citation.clone(),
                covers,
                obligations: u.obligations.clone(),
                unverified: u.unverified.clone(),
            }),
        }
    }
}

/// The first condition of a UGEA that fails, if any.
fn ugea_condition(u: &Ugea, req: &Request, dest: &str, catch_all: bool) -> Option<String> {
    if !u.destinations.is_empty() && !u.destinations.iter().any(|c| c == dest) {
        return Some(format!(
            "{dest} is not among its destinations ({})",
            u.destinations.join(", ")
        ));
    }
    for c in &u.conditions {
        let failed = match c.split_once(':') {
            Some(("fact", f)) if !req.facts.iter().any(|x| x == f) => {
                Some(format!("condition not established: {f} (state the fact \"{f}\" if it holds)"))
            }
            Some(_) => None,
            None if c == "no_catch_all" && catch_all => {
                Some("never usable once the exporter has been informed of, or is aware of, a catch-all use".into())
            }
            None if c == "item_scope_not_in_data" => Some(format!(
                "its item scope is not in the data ({}); check Annex II by hand",
                u.unverified.clone().unwrap_or_default()
            )),
            None => None,
        };
        if failed.is_some() {
            return failed;
        }
    }
    None
}
