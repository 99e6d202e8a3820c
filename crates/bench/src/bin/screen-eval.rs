//! Screening quality beyond name pairs:
//! 1. Watchman's 22 cross-script pairs: is each query's expected name ranked first among the 22?
//! 2. The Senzing truth set: every watchlist↔customer match in its key found, false alerts counted.
//! 3. A test set from the lists themselves: each person the UN lists, as spelled by the EU and
//!    the UK (linked by the UN reference number), screened against the UN list: recall@1 and
//!    @10; and the alert rate on names that are on no list.
//! 4. Arabic script against Latin: each name a list writes in Arabic script, screened against
//!    its own list with every Arabic-script name taken out, so that only the list's Latin
//!    spellings can find it: is its own entity (or one the UN reference links to it) first,
//!    in the top 10, alerting; and how often another entity alerts above it.
//! 5. The same for the names lists write in Cyrillic script, and 6. in Han, Hangul or Kana.
//!
//! Usage: cargo run --release -p chokepoint-bench --bin screen-eval [-- --arabic (4. only) | --cyrillic (5. only) | --cjk (6. only)]

use chokepoint_bench::{current_lists, data_dir, prf};
use chokepoint_model::{
    Address, DateSpec, Entity, Identifier, Kind, Name, NameQuality, PartialDate,
};
use chokepoint_screen::{Config, Index, Query, DEFAULT_ALERT_THRESHOLD};
use std::collections::{HashMap, HashSet};

fn cross_script() {
    let text = std::fs::read_to_string(data_dir().join("eval/watchman_cross_script_pairs.csv"))
        .expect("pairs");
    let pairs: Vec<(String, String)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((f.first()?.to_string(), f.get(1)?.to_string()))
        })
        .collect();
    let entities: Vec<(String, Entity)> = pairs
        .iter()
        .enumerate()
        .map(|(i, (_, e))| {
            (
                "pairs".to_string(),
                Entity::new(format!("p:{i}"), Kind::Person, e.clone()),
            )
        })
        .collect();
    let index = Index::build(entities, Config::default());
    let mut first = 0;
    println!("cross-script pairs (Watchman): query → expected, rank, score");
    for (i, (q, e)) in pairs.iter().enumerate() {
        let m = index.screen(
            &Query {
                name: q.clone(),
                kind: Some(Kind::Person),
                ..Default::default()
            },
            22,
        );
        // The pairs file lists "Kim Jong Un" twice; either entry is the expected name.
        let rank = m
            .iter()
            .position(|x| x.entity_id == format!("p:{i}") || x.matched_name == *e);
        let score = rank.map(|r| m[r].score).unwrap_or(0.0);
        if rank == Some(0) {
            first += 1;
        }
        println!(
            "  {q} → {e}: rank {}, score {score:.2}",
            rank.map(|r| (r + 1).to_string())
                .unwrap_or_else(|| "-".into())
        );
    }
    println!(
        "cross-script: {first}/{} expected matches ranked first\n",
        pairs.len()
    );
}

fn mdy(s: &str) -> Option<PartialDate> {
    let p: Vec<&str> = s.trim().split('/').collect();
    if p.len() != 3 {
        return PartialDate::parse_iso(s.trim()).ok();
    }
    let (m, d, mut y) = (
        p[0].parse::<u8>().ok()?,
        p[1].parse::<u8>().ok()?,
        p[2].parse::<i32>().ok()?,
    );
    if y < 100 {
        y += 1900;
    }
    PartialDate::new(y, Some(m), Some(d)).ok()
}

fn senzing_records(file: &str) -> Vec<(String, Query, Entity)> {
    let mut rdr = csv::Reader::from_path(data_dir().join("eval/senzing_truthset").join(file))
        .expect("senzing file");
    let headers = rdr.headers().unwrap().clone();
    let mut out = Vec::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let g = |k: &str| {
            headers
                .iter()
                .position(|h| h == k)
                .and_then(|i| r.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let id = format!(
            "{}:{}",
            g("DATA_SOURCE").unwrap_or(""),
            g("RECORD_ID").unwrap_or("")
        );
        let org = g("PRIMARY_NAME_ORG");
        let name = g("PRIMARY_NAME_FULL")
            .map(String::from)
            .or(org.map(String::from))
            .unwrap_or_else(|| {
                [
                    g("PRIMARY_NAME_FIRST"),
                    g("PRIMARY_NAME_MIDDLE"),
                    g("PRIMARY_NAME_LAST"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
            });
        let kind = if g("RECORD_TYPE") == Some("ORGANIZATION") || org.is_some() {
            Kind::Organization
        } else {
            Kind::Person
        };
        let dob = g("DATE_OF_BIRTH").and_then(mdy);
        let ids: Vec<String> = [
            "PASSPORT_NUMBER",
            "SSN_NUMBER",
            "DRIVERS_LICENSE_NUMBER",
            "NATIONAL_ID_NUMBER",
            "TAX_ID_NUMBER",
        ]
        .iter()
        .filter_map(|k| g(k))
        .map(String::from)
        .collect();
        let mut e = Entity::new(id.clone(), kind, name.clone());
        if let Some(n) = g("NATIVE_NAME_FULL") {
            e.add_alias(Name::new(n, NameQuality::Strong));
        }
        if let Some(d) = dob {
            e.birth_dates.push(DateSpec::single(d));
        }
        for v in &ids {
            e.identifiers.push(Identifier {
                kind: "national_id".into(),
                label: None,
                value: v.clone(),
                country: None,
                note: None,
            });
        }
        // Contact details and the address: evidence, not identity.
        let contacts: Vec<(&str, String)> = [("email", "EMAIL_ADDRESS"), ("phone", "PHONE_NUMBER")]
            .into_iter()
            .filter_map(|(kind, k)| g(k).map(|v| (kind, v.to_string())))
            .collect();
        for (kind, v) in &contacts {
            e.identifiers.push(Identifier {
                kind: kind.to_string(),
                label: None,
                value: v.clone(),
                country: None,
                note: None,
            });
        }
        let address = g("ADDR_FULL").map(String::from).or_else(|| {
            let parts: Vec<&str> = ["ADDR_LINE1", "ADDR_CITY", "ADDR_STATE", "ADDR_POSTAL_CODE"]
                .into_iter()
                .filter_map(g)
                .collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        });
        if let Some(a) = &address {
            e.addresses.push(Address {
                street: Some(a.clone()),
                ..Default::default()
            });
        }
        let q = Query {
            name,
            kind: Some(kind),
            birth_date: dob,
            identifiers: ids
                .into_iter()
                .chain(contacts.into_iter().map(|c| c.1))
                .collect(),
            address,
            ..Default::default()
        };
        out.push((id, q, e));
    }
    out
}

fn senzing() {
    let watch = senzing_records("watchlist.csv");
    let customers = senzing_records("customers.csv");
    let mut rdr =
        csv::Reader::from_path(data_dir().join("eval/senzing_truthset/actual_truthset_key.csv"))
            .unwrap();
    let mut cluster: HashMap<String, String> = HashMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        cluster.insert(format!("{}:{}", &r[2], &r[3]), r[1].to_string());
    }
    let mut truth: HashSet<(String, String)> = HashSet::new();
    for (c, _, _) in &customers {
        for (w, _, _) in &watch {
            if cluster.contains_key(c) && cluster.get(c) == cluster.get(w) {
                truth.insert((c.clone(), w.clone()));
            }
        }
    }
    let index = Index::build(
        watch
            .iter()
            .map(|(_, _, e)| ("watchlist".to_string(), e.clone()))
            .collect(),
        Config::default(),
    );
    let mut alerts: HashSet<(String, String)> = HashSet::new();
    for (c, q, _) in &customers {
        for m in index.screen_alerts(q) {
            alerts.insert((c.clone(), m.entity_id));
        }
    }
    if std::env::var("DEBUG_FP").is_ok() {
        for a in alerts.difference(&truth) {
            let q = customers
                .iter()
                .find(|c| c.0 == a.0)
                .map(|c| c.1.name.clone());
            let w = watch
                .iter()
                .find(|w| w.2.id == a.1)
                .map(|w| w.2.name.clone());
            eprintln!("FP {:?} -> {:?} {:?}", q, a.1, w);
        }
    }
    let tp = alerts.intersection(&truth).count();
    let fp = alerts.len() - tp;
    let fn_ = truth.len() - tp;
    let (p, r, f) = prf(tp, fp, fn_);
    println!(
        "Senzing truth set: {} watchlist records, {} customers, {} true watchlist↔customer matches",
        watch.len(),
        customers.len(),
        truth.len()
    );
    println!("  found {tp}/{} true matches, {fp} false alerts, {fn_} missed: precision {p:.3} recall {r:.3} F1 {f:.3}", truth.len());
    for (c, w) in truth.difference(&alerts) {
        let q = &customers.iter().find(|x| &x.0 == c).unwrap().1;
        let e = &watch.iter().find(|x| &x.0 == w).unwrap().2;
        let score = index.compare(q, e).map_or(0.0, |m| m.score);
        println!(
            "  missed: {c} {:?} ↔ {w} {:?} (score {score:.3})",
            q.name, e.name
        );
    }
    println!();
}

/// "QDi.043" and "QDi.43" are the same UN reference.
fn un_ref_key(r: &str) -> Option<String> {
    let r = r.trim().trim_end_matches('.');
    let (prefix, num) = r.rsplit_once('.')?;
    let n: u32 = num.parse().ok()?;
    if prefix.len() < 3
        || !prefix
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
    {
        return None;
    }
    Some(format!("{}.{n}", prefix.to_ascii_uppercase()))
}

/// Street addresses across lists: an entity the EU or the UK lists with a street address (one
/// with a number), linked by its UN reference number to a UN entry that gives one too. The
/// EU's or UK's name and address are compared with the UN entry (does the address agree?) and
/// with every other UN entry (how many agree that should not?).
fn addresses_across_lists(
    lists: &[(String, Entity)],
    un_by_ref: &HashMap<String, String>,
    index: &Index,
) {
    let numbered = |e: &Entity| {
        e.addresses
            .iter()
            .filter_map(|a| a.street.as_deref())
            .any(|s| s.bytes().any(|b| b.is_ascii_digit()))
    };
    let un: Vec<&Entity> = lists
        .iter()
        .filter(|(s, _)| s == "un")
        .map(|(_, e)| e)
        .collect();
    let agrees = |q: &Query, e: &Entity| {
        index.compare(q, e).is_some_and(|m| {
            m.explanation
                .attributes
                .iter()
                .any(|a| a.attribute == "address")
        })
    };
    let (mut pairs, mut queries, mut found, mut wrong) = (0, 0, 0, 0);
    for (s, e) in lists {
        if s != "eu" && s != "uk" || !numbered(e) {
            continue;
        }
        let Some(target) = e
            .references
            .iter()
            .filter_map(|r| un_ref_key(r))
            .find_map(|k| un_by_ref.get(&k))
            .and_then(|id| un.iter().find(|u| &u.id == id))
        else {
            continue;
        };
        if !numbered(target) {
            continue;
        }
        pairs += 1;
        let mut any = false;
        for a in &e.addresses {
            let Some(street) = &a.street else { continue };
            let text = [
                Some(street.as_str()),
                a.city.as_deref(),
                a.region.as_deref(),
                a.postal_code.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let q = Query {
                name: e.name.clone(),
                kind: Some(e.kind),
                address: Some(text),
                ..Default::default()
            };
            queries += 1;
            any |= agrees(&q, target);
            for u in un
                .iter()
                .filter(|u| u.id != target.id && numbered(u) && agrees(&q, u))
            {
                wrong += 1;
                if std::env::var("DEBUG_ADDRESS").is_ok() {
                    eprintln!("AGREES {:?} ~ {} {:?}", q.address, u.id, u.addresses);
                }
            }
        }
        found += any as usize;
        if !any && std::env::var("DEBUG_ADDRESS").is_ok() {
            eprintln!("DISAGREES {:?} ~ {:?}", e.addresses, target.addresses);
        }
    }
    println!(
        "  street addresses: {found}/{pairs} EU/UK entries agree with their UN entry's; {wrong} agreements with another of the {} UN entries, over {queries} addresses",
        un.len()
    );
}

fn own_set() {
    let lists = current_lists();
    let mut un_by_ref: HashMap<String, String> = HashMap::new();
    for (s, e) in &lists {
        if s == "un" {
            for r in &e.references {
                if let Some(k) = un_ref_key(r) {
                    un_by_ref.insert(k, e.id.clone());
                }
            }
        }
    }
    let mut cases: Vec<(Query, String, String)> = Vec::new();
    for (s, e) in &lists {
        if (s == "eu" || s == "uk") && e.kind == Kind::Person {
            if let Some(target) = e
                .references
                .iter()
                .filter_map(|r| un_ref_key(r))
                .find_map(|k| un_by_ref.get(&k))
            {
                cases.push((
                    Query {
                        name: e.name.clone(),
                        kind: Some(Kind::Person),
                        sources: vec!["un".into()],
                        ..Default::default()
                    },
                    target.clone(),
                    s.clone(),
                ));
            }
        }
    }
    let index = Index::build(lists.clone(), Config::default());
    let (mut at1, mut at10) = (0, 0);
    let mut misses = Vec::new();
    for (q, target, _) in &cases {
        let m = index.screen(q, 10);
        match m.iter().position(|x| &x.entity_id == target) {
            Some(0) => {
                at1 += 1;
                at10 += 1;
            }
            Some(_) => at10 += 1,
            None => misses.push((
                q.name.clone(),
                target.clone(),
                m.first()
                    .map(|x| (x.entity_id.clone(), x.matched_name.clone())),
            )),
        }
    }
    let n = cases.len() as f64;
    println!(
        "UN-listed persons as spelled by the EU and UK ({} names: {} EU, {} UK), screened against the UN list:",
        cases.len(),
        cases.iter().filter(|c| c.2 == "eu").count(),
        cases.iter().filter(|c| c.2 == "uk").count()
    );
    println!(
        "  recall@1 {:.3}, recall@10 {:.3}",
        at1 as f64 / n,
        at10 as f64 / n
    );
    for (name, target, top) in misses.iter().take(8) {
        println!("  not in top 10: {name:?} (expected {target}, top {top:?})");
    }
    addresses_across_lists(&lists, &un_by_ref, &index);
    // Names on no list: a given name of one listed person with the family name of another,
    // kept only when no listed name contains both words.
    let persons: Vec<&Entity> = lists
        .iter()
        .map(|(_, e)| e)
        .filter(|e| e.kind == Kind::Person && e.name.split_whitespace().count() >= 2)
        .collect();
    let all_names: Vec<String> = lists
        .iter()
        .flat_map(|(_, e)| e.names.iter().map(|n| n.full.to_lowercase()))
        .collect();
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut negatives = Vec::new();
    while negatives.len() < 2000 {
        let a = persons[(next() % persons.len() as u64) as usize];
        let b = persons[(next() % persons.len() as u64) as usize];
        let first = a.name.split_whitespace().next().unwrap().to_string();
        let last = b.name.split_whitespace().last().unwrap().to_string();
        let (fl, ll) = (first.to_lowercase(), last.to_lowercase());
        if fl == ll || all_names.iter().any(|n| n.contains(&fl) && n.contains(&ll)) {
            continue;
        }
        negatives.push(format!("{first} {last}"));
    }
    // The same names typed as persons, and of no given kind, as a customer file without a
    // type column sends them (then a name's initials may be an organisation's acronym).
    for (kind, label) in [
        (Some(Kind::Person), "typed person"),
        (None, "no type given"),
    ] {
        let alerted = negatives
            .iter()
            .filter(|n| {
                index
                    .screen_alerts(&Query {
                        name: (*n).clone(),
                        kind,
                        ..Default::default()
                    })
                    .first()
                    .inspect(|m| {
                        if std::env::var("DEBUG_FP").is_ok() {
                            println!(
                                "  no-list alert ({label}): {n:?} -> {} {:?} {:.3}",
                                m.entity_id, m.matched_name, m.score
                            );
                        }
                    })
                    .is_some()
            })
            .count();
        println!(
            "  alert rate on {} names on no list (a listed given name with another listed person's family name), {label}: {:.1} % at threshold {DEFAULT_ALERT_THRESHOLD}",
            negatives.len(),
            100.0 * alerted as f64 / negatives.len() as f64
        );
    }
}

fn is_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

fn is_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

fn is_cjk(s: &str) -> bool {
    s.chars().any(|c| {
        ('\u{4E00}'..='\u{9FFF}').contains(&c)
            || ('\u{AC00}'..='\u{D7AF}').contains(&c)
            || ('\u{3040}'..='\u{30FF}').contains(&c)
    })
}

fn cjk_against_latin() {
    script_against_latin("Han, Hangul or Kana", is_cjk, "DEBUG_CJK");
}

fn arabic_against_latin() {
    script_against_latin("Arabic", is_arabic, "DEBUG_ARABIC");
}

fn cyrillic_against_latin() {
    script_against_latin("Cyrillic", is_cyrillic, "DEBUG_CYRILLIC");
}

/// Each name a list writes in one script, screened against its own list with every name in
/// that script taken out, so that only the list's Latin spellings (and translations) remain.
fn script_against_latin(script: &str, is_script: fn(&str) -> bool, debug_var: &str) {
    let lists = current_lists();
    // The entities one person or body is listed as, across lists: linked by UN reference.
    let mut group_of_ref: HashMap<String, usize> = HashMap::new();
    let mut group: HashMap<String, usize> = HashMap::new();
    for (_, e) in &lists {
        let mut g = None;
        for r in e.references.iter().filter_map(|r| un_ref_key(r)) {
            let next = group_of_ref.len();
            g = Some(*group_of_ref.entry(r).or_insert(next));
        }
        if let Some(g) = g {
            group.insert(e.id.clone(), g);
        }
    }
    let same = |a: &str, b: &str| a == b || (group.contains_key(a) && group.get(a) == group.get(b));
    let mut cases: Vec<(Query, String)> = Vec::new();
    let mut seen = HashSet::new();
    let mut latin_names: HashMap<String, Vec<String>> = HashMap::new();
    let latin: Vec<(String, Entity)> = lists
        .into_iter()
        .map(|(s, mut e)| {
            for n in e.names.iter().filter(|n| is_script(&n.full)) {
                if e.names.iter().any(|m| !is_script(&m.full)) && seen.insert(n.full.clone()) {
                    cases.push((
                        Query {
                            name: n.full.clone(),
                            kind: Some(e.kind),
                            // The same person is on several lists, most of them not linked
                            // by a UN reference: each list's own Latin names compete.
                            sources: vec![s.clone()],
                            ..Default::default()
                        },
                        e.id.clone(),
                    ));
                }
            }
            e.names.retain(|n| !is_script(&n.full));
            latin_names.insert(
                e.id.clone(),
                e.names.iter().map(|n| n.full.clone()).collect(),
            );
            if !e.names.iter().any(|n| n.full == e.name) {
                e.name = e.names.first().map(|n| n.full.clone()).unwrap_or_default();
            }
            (s, e)
        })
        .filter(|(_, e)| !e.names.is_empty())
        .collect();
    let index = Index::build(latin, Config::default());
    let (mut at1, mut at10, mut alert, mut wrong_first) = (0, 0, 0, 0);
    let debug = std::env::var(debug_var).is_ok();
    let all = std::env::var(debug_var).is_ok_and(|v| v == "all" || v == "names");
    // `names`: also each missed entity's Latin names, to see how the lists translate them.
    let names = std::env::var(debug_var).is_ok_and(|v| v == "names");
    for (q, target) in &cases {
        let m = index.screen(q, 10);
        let at = m.iter().position(|x| same(&x.entity_id, target));
        at1 += usize::from(at == Some(0));
        at10 += usize::from(at.is_some());
        alert += usize::from(at.is_some_and(|i| m[i].score >= DEFAULT_ALERT_THRESHOLD));
        let wrong = m
            .first()
            .filter(|x| !same(&x.entity_id, target) && x.score >= DEFAULT_ALERT_THRESHOLD);
        wrong_first += usize::from(wrong.is_some());
        if debug && (at != Some(0) || all) {
            println!(
                "  {:?} ({target}): rank {at:?} score {:?}, first {:?}",
                q.name,
                at.map(|i| m[i].score),
                m.first().map(|x| (&x.entity_id, &x.matched_name, x.score))
            );
            if names {
                println!("      listed as {:?}", latin_names.get(target));
            }
        }
    }
    let n = cases.len() as f64;
    println!(
        "\n{script} script against Latin ({} names the lists write in {script} script, each screened against its own list without its {script}-script names):",
        cases.len()
    );
    println!(
        "  own entity first {:.3}, in top 10 {:.3}, alerting {:.3}; another entity first and alerting {:.3}",
        at1 as f64 / n,
        at10 as f64 / n,
        alert as f64 / n,
        wrong_first as f64 / n
    );
}

fn main() {
    if std::env::args().any(|a| a == "--arabic") {
        arabic_against_latin();
        return;
    }
    if std::env::args().any(|a| a == "--cyrillic") {
        cyrillic_against_latin();
        return;
    }
    if std::env::args().any(|a| a == "--cjk") {
        cjk_against_latin();
        return;
    }
    cross_script();
    senzing();
    own_set();
    arabic_against_latin();
    cyrillic_against_latin();
    cjk_against_latin();
}
