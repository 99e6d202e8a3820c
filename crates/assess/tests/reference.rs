//! The red-flag rules that read operator reference tables (KYC-04, KYC-11, LET-05): they fire
//! on what the tables say, stay quiet otherwise, and are reported as not evaluated — never as
//! passed — when the table or the row they need is missing.

use chokepoint_assess::reference::{Routes, Sectors, Suppliers};
use chokepoint_assess::transaction::Party;
use chokepoint_assess::{assess_with, Reference, ScreenHit, Screener, Transaction};

struct Nobody;
impl Screener for Nobody {
    fn screen(&self, _: &Party) -> Result<Vec<ScreenHit>, String> {
        Ok(vec![])
    }
}

fn tx(dest: &str, transit: &[&str], name: &str, item: serde_json::Value) -> Transaction {
    serde_json::from_value(serde_json::json!({
        "date": "2026-11-27",
        "exporter": {"country": "US"},
        "route": {"origin": "US", "transit": transit, "destination": dest},
        "parties": [{"id": "p1", "role": "end_user", "name": name, "kind": "organization", "country": dest}],
        "items": [item],
    }))
    .unwrap()
}

fn fired(tx: &Transaction, r: &Reference) -> (Vec<String>, Vec<String>) {
    let d = assess_with(tx, &Nobody, r, None).unwrap();
    (
        d.red_flags.iter().map(|h| h.rule.clone()).collect(),
        d.not_evaluated,
    )
}

fn skipped(ne: &[String], rule: &str) -> bool {
    ne.iter().any(|x| x.starts_with(rule))
}

#[test]
fn routes() {
    let item = serde_json::json!({"eccn": "EAR99"});
    let none = Reference::default();
    let (f, ne) = fired(&tx("CL", &["PA"], "A SpA", item.clone()), &none);
    assert!(!f.contains(&"KYC-11".to_string()) && skipped(&ne, "KYC-11"));
    let r = Reference {
        routes: Some(
            Routes::parse("origin,destination,transit\nUS,CL,PE\nDE,CL,PA\n", "t").unwrap(),
        ),
        ..Default::default()
    };
    let (f, ne) = fired(&tx("CL", &["PA"], "A SpA", item.clone()), &r);
    assert!(f.contains(&"KYC-11".to_string()) && !skipped(&ne, "KYC-11"));
    let (f, ne) = fired(&tx("CL", &["PE"], "A SpA", item.clone()), &r);
    assert!(!f.contains(&"KYC-11".to_string()) && !skipped(&ne, "KYC-11"));
    // No row for US → AR: the table cannot say.
    let (f, ne) = fired(&tx("AR", &["PA"], "A SA", item), &r);
    assert!(!f.contains(&"KYC-11".to_string()) && skipped(&ne, "KYC-11"));
}

#[test]
fn sectors() {
    let r = Reference {
        sectors: Some(Sectors::parse("country,sector\nNE,07\nDE,26\n", "t").unwrap()),
        ..Default::default()
    };
    let item = |uses: &[&str]| serde_json::json!({"eccn": "EAR99", "typical_end_uses": uses});
    let (f, _) = fired(&tx("NE", &[], "A SARL", item(&["2610"])), &r);
    assert!(f.contains(&"KYC-04".to_string()));
    let (f, ne) = fired(&tx("DE", &[], "A GmbH", item(&["2610"])), &r);
    assert!(!f.contains(&"KYC-04".to_string()) && !skipped(&ne, "KYC-04"));
    // An item usable in a sector that is present is no red flag.
    let (f, _) = fired(&tx("NE", &[], "A SARL", item(&["2610", "0710"])), &r);
    assert!(!f.contains(&"KYC-04".to_string()));
    let (_, ne) = fired(&tx("FR", &[], "A SA", item(&["2610"])), &r);
    assert!(skipped(&ne, "KYC-04"), "no row for FR: {ne:?}");
    let (_, ne) = fired(&tx("NE", &[], "A SARL", item(&[])), &r);
    assert!(skipped(&ne, "KYC-04"), "no typical_end_uses: {ne:?}");
}

#[test]
fn suppliers() {
    let r = Reference {
        suppliers: Some(
            Suppliers::parse(
                "name,country,hs6,last_shipment,source\n\
                 Recent Trading LLC,AE,854231,2026-03-01,t\n\
                 Stale Trading LLC,AE,854231,2025-03-01,t\n\
                 Future Trading LLC,AE,854231,2027-01-01,t\n",
                "t",
            )
            .unwrap(),
        ),
        ..Default::default()
    };
    let chp = serde_json::json!({"eccn": "EAR99", "hs": "854231"});
    let other = serde_json::json!({"eccn": "EAR99", "hs": "940360"});
    let hit = |name: &str, item: &serde_json::Value| {
        let (f, ne) = fired(&tx("AE", &[], name, item.clone()), &r);
        assert!(!skipped(&ne, "LET-05"));
        f.contains(&"LET-05".to_string())
    };
    assert!(hit("Recent Trading LLC", &chp));
    assert!(!hit("Recent Trading LLC", &other), "no high priority item");
    assert!(
        !hit("Stale Trading LLC", &chp),
        "shipments over 12 months old"
    );
    assert!(
        !hit("Future Trading LLC", &chp),
        "unknown on the evaluation date"
    );
    assert!(!hit("Unrelated Trading LLC", &chp));
}
