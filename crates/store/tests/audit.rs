//! The audit log is append-only and hash-chained: the store refuses to edit or delete a record,
//! and `verify_audit` detects records edited, deleted or reordered behind its back (here by
//! writing to the database file directly). Cases need four eyes; false-positive memory follows
//! the list entity's version.

use chokepoint_store::Store;
use serde_json::json;

fn store_with_records(path: &std::path::Path, n: usize) -> Store {
    let mut s = Store::open(path).unwrap();
    for i in 0..n {
        s.audit("tester", "assess", &format!("tx-{i}"), &json!({"i": i}))
            .unwrap();
    }
    s
}

#[test]
fn tampering_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let s = store_with_records(&path, 5);
    let ok = s.verify_audit().unwrap();
    assert_eq!((ok.records, ok.problems.len()), (5, 0));
    drop(s);

    let raw = rusqlite::Connection::open(&path).unwrap();
    // The store's own guard: no UPDATE or DELETE on audit rows.
    assert!(raw
        .execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2", [])
        .is_err());
    assert!(raw.execute("DELETE FROM audit WHERE seq = 2", []).is_err());
    // Someone with the file drops the guard and edits a record.
    raw.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    raw.execute("UPDATE audit SET body = '{\"i\":99}' WHERE seq = 3", [])
        .unwrap();
    drop(raw);
    let r = Store::open(&path).unwrap().verify_audit().unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("record 3") && p.contains("edited")),
        "{:?}",
        r.problems
    );

    // Deleting a record breaks the sequence and the link.
    let path2 = dir.path().join("s2.db");
    drop(store_with_records(&path2, 5));
    let raw = rusqlite::Connection::open(&path2).unwrap();
    raw.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    drop(raw);
    let r = Store::open(&path2).unwrap().verify_audit().unwrap();
    assert!(
        r.problems.iter().any(|p| p.starts_with("record 3")),
        "{:?}",
        r.problems
    );

    // Reordering two records (swapping their sequence numbers) is caught too.
    let path3 = dir.path().join("s3.db");
    drop(store_with_records(&path3, 5));
    let raw = rusqlite::Connection::open(&path3).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET seq = 100 WHERE seq = 2;
         UPDATE audit SET seq = 2 WHERE seq = 4;
         UPDATE audit SET seq = 4 WHERE seq = 100;",
    )
    .unwrap();
    drop(raw);
    let r = Store::open(&path3).unwrap().verify_audit().unwrap();
    assert!(!r.problems.is_empty());
}

#[test]
fn four_eyes_roles_and_false_positive_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(&dir.path().join("s.db")).unwrap();
    assert!(
        s.add_user("admin", "alice", "reviewer").is_err(),
        "the first user is an admin"
    );
    s.add_user("admin", "root", "admin").unwrap();
    s.add_user("root", "alice", "reviewer").unwrap();
    s.add_user("root", "bob", "approver").unwrap();
    s.add_user("root", "sam", "screener").unwrap();
    assert!(s.add_user("root", "eve", "god").is_err());
    let hits = vec![(
        "p1".to_string(),
        "screening".to_string(),
        "ofac:1".to_string(),
        "X ~ Y".to_string(),
    )];
    let (_, case) = s
        .record_assessment(
            "sam",
            "tx-1",
            &json!({"decision": {"outcome": "HOLD_FOR_REVIEW"}}),
            &hits,
        )
        .unwrap();
    let case = case.unwrap();
    // A screener may not dispose; nobody may approve before every hit is disposed.
    assert!(s
        .dispose("sam", case, 1, "false_positive", "not him", None, None)
        .is_err());
    assert!(s
        .approve("bob", case,)
        .unwrap_err()
        .to_string()
        .contains("no disposition"));
    assert!(
        s.dispose("alice", case, 1, "false_positive", "", None, None)
            .is_err(),
        "a reason is required"
    );
    s.dispose(
        "alice",
        case,
        1,
        "false_positive",
        "different birth date",
        Some("x y|DE"),
        Some("hash-v1"),
    )
    .unwrap();
    // The reviewer cannot approve their own work; an approver can.
    s.add_user("root", "alice2", "approver").unwrap();
    assert!(s.approve("alice", case).is_err());
    s.approve("bob", case).unwrap();
    assert_eq!(s.case(case).unwrap().unwrap().status, "closed");
    assert!(
        s.dispose(
            "alice",
            case,
            1,
            "true_match",
            "changed my mind",
            None,
            None
        )
        .is_err(),
        "closed"
    );
    // Memory: the same hit on the same version is suppressed; a new version comes back.
    assert!(s.suppressed("x y|DE", "ofac:1", "hash-v1").unwrap());
    assert!(!s.suppressed("x y|DE", "ofac:1", "hash-v2").unwrap());
    assert!(!s.suppressed("x z|DE", "ofac:1", "hash-v1").unwrap());
    // Every step is in the chain.
    let actions: Vec<String> = s
        .audit_records(None, None)
        .unwrap()
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(
        actions.ends_with(&[
            "assess".into(),
            "case.open".into(),
            "case.dispose".into(),
            "user.add".into(),
            "case.approve".into()
        ]),
        "{actions:?}"
    );
    assert!(s.verify_audit().unwrap().problems.is_empty());
}
