//! Assessment speed: a 5-party, 10-line transaction (screening of every party against all
//! shipped lists, determination of every line, ownership roll-ups, every red-flag rule),
//! assessed repeatedly on one core. The operator's reference tables are configured (plausible
//! routes, sectors by country, and 5,000 suppliers to Russia with their own screening index),
//! so KYC-04, KYC-11 and LET-05 are evaluated as in a deployment that has them.
//!
//! Usage: cargo run --release -p chokepoint-bench --bin assess-bench [-- --n 2000]

use chokepoint_assess::reference::{Routes, Sectors, Suppliers};
use chokepoint_assess::transaction::{Item, Party, Route};
use chokepoint_assess::{assess_with, Reference, ScreenHit, Screener, Transaction};
use chokepoint_bench::current_lists;
use chokepoint_screen::{Config, Index, Query};
use chokepoint_service::reference::SupplierScreener;
use std::time::Instant;

struct S(Index);
impl Screener for S {
    fn screen(&self, p: &Party) -> Result<Vec<ScreenHit>, String> {
        let q = Query {
            name: p.name.clone(),
            country: p.country.clone(),
            ..Default::default()
        };
        Ok(self
            .0
            .screen(&q, 10)
            .into_iter()
            .filter(|m| m.alert)
            .map(|m| ScreenHit {
                entity_id: m.entity_id,
                name: m.matched_name,
                score: m.score,
                source: m.source,
            })
            .collect())
    }
}

fn main() {
    let n: usize = chokepoint_bench::arg("--n", 2000);
    let s = S(Index::build(current_lists(), Config::default()));
    // Synthetic trade-data rows: distinct two-word company names, as a table of this size
    // would hold.
    let words = [
        "Vostok", "Tekhno", "Baltic", "Ural", "Siber", "Nord", "Kama", "Volga", "Amur", "Pribor",
    ];
    let mut sup = String::from("name,country,hs6,last_shipment,source\n");
    for i in 0..5000 {
        sup.push_str(&format!(
            "{} {} {} Trading {i},{},854231,2025-0{}-15,trade data\n",
            words[i % 10],
            words[(i / 10) % 10],
            words[(i / 100) % 10],
            ["AE", "TR", "KZ", "AM", "CN"][i % 5],
            1 + i % 9
        ));
    }
    let reference = Reference {
        routes: Some(
            Routes::parse("origin,destination,transit\nUS,AE,\nUS,AE,TR\n", "bench").unwrap(),
        ),
        sectors: Some(Sectors::parse("country,sector\nAE,26\nAE,27\nAE,28\n", "bench").unwrap()),
        suppliers: Some(Suppliers::parse(&sup, "bench").unwrap()),
    };
    let suppliers = SupplierScreener::new(reference.suppliers.as_ref().unwrap());
    let names = [
        "Quellwerk Zerspanung Feldkirchen GmbH",
        "Nordhafen Logistik AG",
        "Ahmad Karimi Trading LLC",
        "Shenzhen Bright Star Electronics Co",
        "Banco Ejemplo SA",
    ];
    let roles = [
        "end_user",
        "forwarder",
        "intermediate_consignee",
        "purchaser",
        "bank",
    ];
    let eccns = [
        "2B001.a",
        "3A991",
        "EAR99",
        "6B002",
        "5A992.c",
        "1C350.d",
        "3A001.a.1",
        "EAR99",
        "9A991",
        "2B999",
    ];
    let tx = Transaction {
        exporter: chokepoint_assess::transaction::Exporter { country: "US".into(), ..Default::default() },
        parties: names.iter().zip(roles).enumerate().map(|(i, (n, r))| Party {
            id: format!("p{i}"), role: r.into(), name: n.to_string(), kind: Some("organization".into()), country: Some("AE".into()), ..Default::default()
        }).collect(),
        items: eccns.iter().map(|e| Item { eccn: Some(e.to_string()), hs: Some("8542.31".into()), typical_end_uses: vec!["2610".into()], quantity: Some(10.0), unit_price: Some(100.0), ..Default::default() }).collect(),
        route: Route { destination: "AE".into(), transit: vec!["TR".into()], ..Default::default() },
        date: Some("2026-11-27".into()),
        ownership: Some(serde_json::from_str(r#"{"listed": ["X"], "edges": [{"owner": "X", "owned": "p0", "share": 0.3}, {"owner": "p3", "owned": "p0", "share": 0.3}]}"#).unwrap()),
        ..Default::default()
    };
    let none = Reference::default();
    // Without the tables first: the cost the tables add is measured in the same run.
    for (label, r, sup) in [
        ("no reference tables", &none, None),
        (
            "reference tables",
            &reference,
            Some(&suppliers as &dyn Screener),
        ),
    ] {
        let run = || assess_with(&tx, &s, r, sup).unwrap();
        let d = run();
        println!(
            "{label}: decision {:?}, {} red flags, {} lines, not evaluated: {:?}",
            d.outcome,
            d.red_flags.len(),
            d.determination.lines.len(),
            d.not_evaluated
        );
        let mut lat = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            std::hint::black_box(run());
            lat.push(t.elapsed().as_secs_f64() * 1e3);
        }
        lat.sort_by(f64::total_cmp);
        let mean = lat.iter().sum::<f64>() / n as f64;
        println!(
            "{label}: 5 parties, 10 lines, one core: mean {mean:.3} ms, p50 {:.3} ms, p99 {:.3} ms ({n} runs)",
            lat[n / 2],
            lat[(n * 99) / 100]
        );
    }
}
