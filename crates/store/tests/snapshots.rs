//! Store behaviour on real lists: deltas stay right when editions arrive out of order, and a
//! failing multi-list import stores nothing.

use chokepoint_lists::{parse, InputFile, Limits, ParsedList};
use chokepoint_store::{ImportItem, ImportOutcome, Store};
use std::path::Path;

fn load(rel: &str) -> (ParsedList, String) {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/lists")
        .join(rel);
    let input = InputFile::read(&p).unwrap();
    let sha = chokepoint_store::sha256_hex(&input.bytes);
    (parse(&[input], None, Limits::default()).unwrap(), sha)
}

const NOW: &str = "2026-11-27T00:00:00Z";

#[test]
fn out_of_order_import_keeps_deltas_right() {
    let (new, new_sha) = load("un/consolidated.xml.gz");
    let (old, old_sha) = load("un/consolidated_2024-05-15.xml.gz");
    let mut s = Store::in_memory().unwrap();
    // The 2026 edition first: everything is "added".
    let ImportOutcome::Imported {
        snapshot: s26,
        delta,
    } = s
        .import(&new, &new_sha, &["2026".into()], None, NOW)
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(delta, (1003, 0, 0));
    // Then the 2024 edition: it becomes the predecessor, and the 2026 delta is recomputed.
    s.import(&old, &old_sha, &["2024".into()], None, NOW)
        .unwrap();
    let d = s.stored_delta(s26.id).unwrap();
    assert_eq!((d.counts().0, d.counts().1), (141, 13));
    assert_eq!(
        s.in_force("un", Some("2025-06-30"))
            .unwrap()
            .unwrap()
            .list_date
            .as_deref(),
        Some("2024-05-15")
    );
    assert_eq!(s.in_force("un", Some("2024-05-14")).unwrap(), None);
    // Point in time reads the 2024 edition for a 2024 date.
    let e = s
        .entity_as_of("un:6907993", Some("2024-06-01"))
        .unwrap()
        .unwrap();
    assert_eq!(e.1.name, "ERIC BADEGE");
}

#[test]
fn failing_batch_stores_nothing() {
    let (un, sha) = load("un/consolidated.xml.gz");
    let mut dup = un.clone();
    dup.entities.push(dup.entities[0].clone());
    let mut s = Store::in_memory().unwrap();
    let files = vec!["a".to_string()];
    let items = [
        ImportItem {
            parsed: &un,
            sha256: &sha,
            files: &files,
            stated_date: None,
        },
        ImportItem {
            parsed: &dup,
            sha256: "other",
            files: &files,
            stated_date: None,
        },
    ];
    let err = s.import_all(&items, NOW).unwrap_err();
    assert!(err.to_string().contains("occurs twice"), "{err}");
    assert_eq!(s.snapshot_count().unwrap(), 0);
}
