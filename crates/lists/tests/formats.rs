//! Every shipped official file parses with the record counts the file itself declares
//! (PROVENANCE.md in data/lists gives each figure and where it comes from).

use chokepoint_lists::{companions, parse, Format, InputFile, Limits, ParsedList};
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/lists")
        .join(rel)
}

fn load(rel: &str) -> ParsedList {
    let p = data(rel);
    let mut inputs = vec![InputFile::read(&p).unwrap()];
    for c in companions(&p) {
        inputs.push(InputFile::read(&c).unwrap());
    }
    parse(&inputs, None, Limits::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn unique_ids(p: &ParsedList) -> usize {
    let mut ids: Vec<&str> = p.entities.iter().map(|e| e.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    ids.len()
}

#[test]
fn ofac_legacy_xml() {
    let sdn = load("ofac/sdn.xml.gz");
    assert_eq!(
        (sdn.format, sdn.source.as_str()),
        (Format::OfacXml, "ofac-sdn")
    );
    assert_eq!(sdn.entities.len(), 14_966); // Record_Count in the file
    assert_eq!(unique_ids(&sdn), 14_966);
    assert_eq!(sdn.list_date.as_deref(), Some("2024-05-07"));
    let cons = load("ofac/consolidated.xml.gz");
    assert_eq!(
        (cons.entities.len(), cons.source.as_str()),
        (443, "ofac-cons")
    );
    // uid 306 in the file: BANCO NACIONAL DE CUBA, weak a.k.a. BNC, four addresses.
    let bnc = sdn.entities.iter().find(|e| e.id == "ofac:306").unwrap();
    assert_eq!(bnc.name, "BANCO NACIONAL DE CUBA");
    assert!(bnc
        .names
        .iter()
        .any(|n| n.full == "BNC" && n.quality == chokepoint_model::NameQuality::Weak));
    assert_eq!(bnc.addresses.len(), 4);
    assert_eq!(bnc.addresses[0].country.as_deref(), Some("CH"));
}

#[test]
fn ofac_legacy_csv_sets() {
    let s2021 = load("ofac/legacy_2021/sdn.csv.gz");
    assert_eq!(s2021.entities.len(), 8_976);
    // HANIYA, Ismail Abdul Salah (9639) is in cons_prim.csv with "DOB 1962; POB Shati."
    let cons = load("ofac/cons_prim.csv.gz");
    assert_eq!(
        (cons.entities.len(), cons.source.as_str()),
        (442, "ofac-cons")
    );
    let h = cons.entities.iter().find(|e| e.id == "ofac:9639").unwrap();
    assert_eq!(h.name, "Ismail Abdul Salah HANIYA");
    assert_eq!(h.birth_dates[0].to_string(), "1962");
    assert!(
        h.names.iter().any(|n| n.full == "Ismaeel HANIYYA"),
        "alias from cons_alt.csv"
    );
    let sdn2024 = load("ofac/sdn.csv.gz");
    assert_eq!(sdn2024.entities.len(), 14_965);
}

#[test]
fn ofac_advanced_and_enhanced() {
    let adv = load("ofac/cons_advanced.xml.gz");
    assert_eq!(
        (adv.entities.len(), adv.source.as_str()),
        (375, "ofac-cons")
    );
    assert_eq!(adv.list_date.as_deref(), Some("2020-03-17"));
    let enh = load("ofac/CONS_ENHANCED.ZIP");
    assert_eq!(
        (enh.entities.len(), enh.source.as_str()),
        (443, "ofac-cons")
    );
    assert_eq!(enh.list_date.as_deref(), Some("2025-01-10"));
    for p in [&adv, &enh] {
        let h = p.entities.iter().find(|e| e.id == "ofac:9639").unwrap();
        assert_eq!(h.name, "Ismail Abdul Salah HANIYA");
        assert_eq!(h.birth_dates[0].to_string(), "1962");
        assert!(h.birth_places.iter().any(|b| b == "Shati"));
    }
}

#[test]
fn csl_keeps_sources_and_licence_columns() {
    let csl = load("csl/consolidated.csv.gz");
    assert_eq!(csl.records, 14_160);
    assert_eq!(unique_ids(&csl), 14_048); // distinct _id values in the file
    let el = csl
        .entities
        .iter()
        .filter(|e| {
            e.extra
                .get("csl_sources")
                .is_some_and(|s| s.split("; ").any(|c| c == "EL"))
        })
        .count();
    assert_eq!(el, 2_001);
    assert!(csl
        .entities
        .iter()
        .any(|e| e.extra.contains_key("license_requirement.EL")));
}

#[test]
fn bis_dpl() {
    let dpl = load("bis/dpl.txt.gz");
    assert_eq!(dpl.records, 665);
    assert_eq!(dpl.list_date.as_deref(), Some("2023-11-28"));
}

#[test]
fn eu_fsf() {
    let eu = load("eu/20240513-FULL-1_1(xsd).xml.gz");
    assert_eq!(eu.records, 4_811);
    // Three logicalIds (547, 593, 120128) occur twice, once per regime listing the party.
    assert_eq!(unique_ids(&eu), 4_808);
    assert_eq!(eu.entities.len(), 4_808);
    let asem = eu.entities.iter().find(|e| e.id == "eu:547").unwrap();
    assert!(
        asem.programs.contains(&"AFG".to_string()) && asem.programs.contains(&"TAQA".to_string())
    );
    assert_eq!(eu.list_date.as_deref(), Some("2024-05-13"));
    let saddam = eu.entities.iter().find(|e| e.id == "eu:13").unwrap();
    assert_eq!(saddam.name, "Saddam Hussein Al-Tikriti");
    assert_eq!(saddam.birth_dates[0].to_string(), "1937-04-28");
    assert_eq!(saddam.citizenships, vec!["IQ"]);
}

#[test]
fn un_both_dates() {
    let new = load("un/consolidated.xml.gz");
    assert_eq!(new.entities.len(), 730 + 273);
    assert_eq!(new.list_date.as_deref(), Some("2026-02-27"));
    let old = load("un/consolidated_2024-05-15.xml.gz");
    assert_eq!(old.entities.len(), 682 + 193);
    let badege = new.entities.iter().find(|e| e.id == "un:6907993").unwrap();
    assert_eq!(badege.references, vec!["CDi.001"]);
    assert_eq!(badege.nationalities, vec!["CD"]);
}

#[test]
fn uk_all_layouts() {
    let x = load("uk/ConList_2025-04-14.xlsx");
    assert_eq!(x.format, Format::UkXlsx);
    assert_eq!((x.records, x.entities.len()), (18_798, 4_688));
    assert_eq!(x.list_date.as_deref(), Some("2025-04-14"));
    let c = load("uk/ConList_2025-04-14.from_xlsx.csv.gz");
    assert_eq!((c.records, c.entities.len()), (18_798, 4_688));
    // The XLSX and its CSV conversion hold the same data.
    assert_eq!(x.entities, c.entities);
    let old = load("uk/ConList_2018-04-13.csv.gz");
    assert_eq!((old.records, old.entities.len()), (9_487, 2_106));
    assert_eq!(old.list_date.as_deref(), Some("2018-04-13"));
}
