//! Properties the law asks of every determination, over random requests drawn from the data:
//! adding a listed party or a known end use never loosens the outcome; a missing fact never
//! yields NLR; the same request on the same date gives the same answer. And bad input is an
//! error naming the field, not a guess.

use chokepoint_controls::data::Data;
use chokepoint_controls::{determine, Activity, Error, Item, Outcome, Party, Request};
use proptest::prelude::*;

fn eccns() -> Vec<String> {
    let mut v: Vec<String> = Data::get().ccl.keys().cloned().collect();
    v.sort();
    v.push("EAR99".into());
    v
}

fn dests() -> Vec<String> {
    let d = Data::get();
    let mut v: Vec<String> = d.chart.rows.keys().cloned().collect();
    v.extend(d.chart.pointer_rows.keys().cloned());
    v.extend(["HK".to_string(), "LI".to_string()]);
    v.sort();
    v
}

const PARAS: &[&str] = &["", ".a", ".b", ".a.1", ".c", ".z.1", ".y"];
const LISTS: &[&str] = &["EL", "DPL", "UVL", "MEU", "SDN", "SSI"];
const END_USES: &[&str] = &[
    "nuclear",
    "missile",
    "chemical-biological",
    "military",
    "military-intelligence",
];

fn request(e: usize, p: usize, dst: usize, deemed: bool, value: Option<u32>) -> Request {
    let (eccns, dests) = (eccns(), dests());
    let eccn = &eccns[e % eccns.len()];
    let eccn = if eccn == "EAR99" {
        eccn.clone()
    } else {
        format!("{eccn}{}", PARAS[p % PARAS.len()])
    };
    let dest = dests[dst % dests.len()].clone();
    Request {
        destination: (!deemed).then(|| dest.clone()),
        citizenships: if deemed { vec![dest] } else { vec![] },
        activity: if deemed {
            Activity::DeemedExport
        } else {
            Activity::Export
        },
        items: vec![Item {
            eccn: Some(eccn),
            value: value.map(f64::from),
            ..Default::default()
        }],
        date: Some("2026-11-27".into()),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn a_listed_party_or_end_use_never_loosens(e in 0usize..700, p in 0usize..7, dst in 0usize..210,
            deemed in any::<bool>(), value in proptest::option::of(0u32..20_000),
            list in 0usize..6, use_ in 0usize..5, by_list in any::<bool>()) {
        let base = request(e, p, dst, deemed, value);
        let before = determine(&base).unwrap();
        let mut more = base.clone();
        if by_list {
            more.parties.push(Party { name: "X".into(), lists: vec![LISTS[list].into()], screened: true, ..Default::default() });
        } else {
            more.end_uses.push(END_USES[use_].into());
        }
        let after = determine(&more).unwrap();
        prop_assert!(after.outcome >= before.outcome,
            "{:?} → {:?} after adding {:?}/{:?}", before.outcome, after.outcome, more.parties, more.end_uses);
        if before.outcome >= Outcome::LicenseRequired {
            prop_assert!(after.outcome != Outcome::Nlr);
        }
    }

    #[test]
    fn a_missing_fact_is_never_nlr(e in 0usize..700, p in 0usize..7, dst in 0usize..210, which in 0usize..4) {
        let mut r = request(e, p, dst, false, None);
        match which {
            0 => r.destination = None,
            1 => r.items[0].eccn = None,
            2 => r.parties.push(Party { name: "Unscreened Co.".into(), screened: false, ..Default::default() }),
            _ => { r.activity = Activity::DeemedExport; r.destination = None; }
        }
        let d = determine(&r).unwrap();
        prop_assert!(d.outcome >= Outcome::Indeterminate, "{:?} with fact {which} missing", d.outcome);
        prop_assert!(d.lines.iter().all(|l| l.outcome != Outcome::Nlr));
    }

    #[test]
    fn same_request_same_date_same_answer(e in 0usize..700, p in 0usize..7, dst in 0usize..210, deemed in any::<bool>()) {
        let r = request(e, p, dst, deemed, Some(500));
        prop_assert_eq!(determine(&r).unwrap(), determine(&r).unwrap());
    }
}

fn field_of(r: Result<chokepoint_controls::Determination, Error>) -> String {
    match r {
        Err(Error::Input { field, .. }) => field,
        Ok(d) => panic!("expected an error, got {:?}", d.outcome),
    }
}

#[test]
fn bad_input_is_an_error_naming_the_field() {
    let ok = request(0, 0, 0, false, None);
    let mut r = ok.clone();
    r.items[0].eccn = Some("9Z999".into());
    assert_eq!(field_of(determine(&r)), "items[0].eccn", "malformed ECCN");
    r.items[0].eccn = Some("1A000".into());
    assert_eq!(
        field_of(determine(&r)),
        "items[0].eccn",
        "ECCN not on the CCL"
    );
    r.items[0].eccn = Some("2B001..a".into());
    assert_eq!(
        field_of(determine(&r)),
        "items[0].eccn",
        "malformed paragraph"
    );
    let mut r = ok.clone();
    r.destination = Some("Atlantis".into());
    assert_eq!(field_of(determine(&r)), "destination");
    let mut r = ok.clone();
    r.date = Some("2026-02-30".into());
    assert_eq!(field_of(determine(&r)), "date", "impossible date");
    r.date = Some("2019-01-01".into());
    assert_eq!(field_of(determine(&r)), "date", "before the data's range");
    r.date = Some("2999-01-01".into());
    assert_eq!(field_of(determine(&r)), "date", "in the future");
    let mut r = ok.clone();
    r.end_uses = vec!["space-tourism".into()];
    assert_eq!(field_of(determine(&r)), "end_uses[0]");
    let mut r = ok.clone();
    r.from = Some("CN".into());
    assert_eq!(
        field_of(determine(&r)),
        "from",
        "no rules for a Chinese exporter: an error, not a US answer"
    );
    let mut r = ok.clone();
    r.from = Some("DE".into());
    r.items[0].eu = Some("2B01".into());
    assert_eq!(
        field_of(determine(&r)),
        "items[0].eu",
        "malformed Annex I entry"
    );
    r.items[0].eu = Some("2B001".into());
    r.facts = vec!["notice-of-something".into()];
    assert_eq!(field_of(determine(&r)), "facts[0]", "unknown EU fact");
    let mut r = ok.clone();
    r.items.clear();
    assert_eq!(field_of(determine(&r)), "items");
    let mut r = ok;
    r.region = Some("crimea".into());
    assert_eq!(
        field_of(determine(&r)),
        "region",
        "a region of a country other than Ukraine"
    );
}

#[test]
fn effective_dated_rules_follow_the_evaluation_date() {
    // The Syria rule of 746.9 (from 2 Sep 2025) and SPP are in force on every date the data
    // covers; the data's range starts on 23 Jul 2026, and a determination for an earlier date
    // is refused rather than answered with later law.
    let mut r = request(0, 0, 0, false, None);
    r.destination = Some("SY".into());
    r.items[0].eccn = Some("EAR99".into());
    r.date = Some("2026-07-23".into());
    assert_eq!(
        determine(&r).unwrap().outcome,
        Outcome::LicenseExceptionAvailable
    );
    r.date = Some("2026-07-22".into());
    assert!(determine(&r).is_err());
}

#[test]
fn hong_kong_follows_china_and_crimea_is_embargoed() {
    let mut r = request(0, 0, 0, false, None);
    r.items[0].eccn = Some("2B001.a".into());
    r.destination = Some("HK".into());
    let hk = determine(&r).unwrap();
    r.destination = Some("CN".into());
    let cn = determine(&r).unwrap();
    assert_eq!(hk.outcome, Outcome::LicenseRequired);
    let codes = |d: &chokepoint_controls::Determination| {
        d.lines[0]
            .reasons
            .iter()
            .map(|x| x.code.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(&hk), codes(&cn));
    let mut r = request(0, 0, 0, false, None);
    r.items[0].eccn = Some("EAR99".into());
    r.destination = Some("UA".into());
    assert_eq!(determine(&r).unwrap().outcome, Outcome::Nlr);
    r.region = Some("crimea".into());
    let d = determine(&r).unwrap();
    assert_eq!(d.outcome, Outcome::LicenseRequired);
    assert_eq!(d.lines[0].reasons[0].code, "746.6(a)(1)");
    r.items[0].food_or_medicine = true;
    // EAR99 food and medicine are carved out of 746.6; OFAC's Crimea sanctions still need its
    // authorization (a general or specific licence).
    let d = determine(&r).unwrap();
    let codes: Vec<&str> = d.lines[0].reasons.iter().map(|x| x.code.as_str()).collect();
    assert_eq!(
        codes,
        ["OFAC E.O. 13685"],
        "EAR99 food and medicine are carved out of 746.6"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(800))]

    /// EU exporters: a catch-all notice or knowledge never loosens the outcome, and an item
    /// without its Annex I classification is never NLR.
    #[test]
    fn eu_notices_never_loosen(dst in 0usize..210, listed in any::<bool>(), annex_iv in proptest::option::of(any::<bool>()),
            registered in any::<bool>(), notice in 0usize..6, hs in proptest::option::of(prop_oneof![Just("8542.31"), Just("8471.30")])) {
        const NOTICES: &[&str] = &["notice-wmd", "notice-military-embargo", "notice-military-parts", "notice-cyber-surveillance", "national-measure", "aware-wmd"];
        let dests = dests();
        let mut r = Request {
            from: Some("DE".into()),
            destination: Some(dests[dst % dests.len()].clone()),
            items: vec![Item { eu: Some(if listed { "2B001".into() } else { "none".into() }), eu_annex_iv: annex_iv, hs: hs.map(String::from), ..Default::default() }],
            facts: if registered { vec!["registered-ugea".into()] } else { vec![] },
            date: Some("2026-11-27".into()),
            ..Default::default()
        };
        let before = determine(&r).unwrap().outcome;
        r.facts.push(NOTICES[notice].into());
        let after = determine(&r).unwrap().outcome;
        prop_assert!(after >= before, "{:?} → {:?} with {}", before, after, NOTICES[notice]);
        r.items[0].eu = None;
        prop_assert!(determine(&r).unwrap().outcome >= Outcome::Indeterminate);
    }
}

#[test]
fn substantive_chart_footnotes_are_not_skipped() {
    // Footnote 10: firearms to the UK need a licence though the grid is blank.
    let mut r = request(0, 0, 0, false, None);
    r.items[0].eccn = Some("0A501.a".into());
    r.destination = Some("GB".into());
    let d = determine(&r).unwrap();
    assert_eq!(d.outcome, Outcome::LicenseRequired);
    assert!(d.lines[0]
        .reasons
        .iter()
        .any(|x| x.citation.contains("footnote 10")));
    // Footnote 7: 6A003.b.4.b still needs an RS2 licence to India.
    r.items[0].eccn = Some("6A003.b.4.b".into());
    r.destination = Some("IN".into());
    let d = determine(&r).unwrap();
    assert!(d.lines[0]
        .reasons
        .iter()
        .any(|x| x.code == "RS2" && x.citation.contains("footnote 7")));
    // Footnotes 2 to 4 (thermal imaging cameras, 0A919) are not in the data: the destinations
    // that carry them get INDETERMINATE for those items, not a guess.
    r.destination = Some("AL".into());
    let d = determine(&r).unwrap();
    assert_eq!(d.outcome, Outcome::Indeterminate);
    assert!(d.lines[0].missing.iter().any(|m| m.contains("footnote 2")));
}
