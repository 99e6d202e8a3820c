//! The store's behaviour, the same on both databases: SQLite in a file, and PostgreSQL when
//! `CHOKEPOINT_TEST_POSTGRES` names a server (`.ci/run` starts one; under `CI=true` it must).
//! Each PostgreSQL test gets a database of its own.

use chokepoint_lists::{parse, InputFile, Limits, ParsedList};
use chokepoint_store::monitor::Counterparty;
use chokepoint_store::{ImportOutcome, Store};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

/// A fresh PostgreSQL database, or `None` when no server is configured outside CI.
fn fresh_pg() -> Option<String> {
    let Ok(base) = std::env::var("CHOKEPOINT_TEST_POSTGRES") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must test PostgreSQL: set CHOKEPOINT_TEST_POSTGRES (.ci/run does)"
        );
        eprintln!("PostgreSQL part NOT RUN: set CHOKEPOINT_TEST_POSTGRES=postgres://…/postgres");
        return None;
    };
    let name = format!(
        "cp_store_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut c = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(format!("{}/{name}", base.rsplit_once('/').unwrap().0))
}

/// Runs `f` on an SQLite store and, when configured, a PostgreSQL one; `f` gets a way to open
/// a second connection to the same store.
fn on_both(f: impl Fn(&str, &dyn Fn() -> Store)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db").display().to_string();
    f("sqlite", &|| Store::open_any(&path).unwrap());
    if let Some(url) = fresh_pg() {
        f("postgres", &|| Store::open_any(&url).unwrap());
    }
}

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
fn snapshots_deltas_and_point_in_time() {
    let (old, old_sha) = load("un/consolidated_2024-05-15.xml.gz");
    let (new, new_sha) = load("un/consolidated.xml.gz");
    on_both(|db, open| {
        let mut s = open();
        assert!(s.is_postgres() == (db == "postgres"));
        s.import(&new, &new_sha, &["new".into()], None, NOW)
            .unwrap();
        // Out of order: the older edition arrives second; both deltas must be right.
        s.import(&old, &old_sha, &["old".into()], None, NOW)
            .unwrap();
        let newest = s.in_force("un", None).unwrap().unwrap();
        assert_eq!(newest.list_date.as_deref(), Some("2026-02-27"), "{db}");
        let d = s.stored_delta(newest.id).unwrap();
        // The UN's own changes between the two editions.
        assert_eq!(d.counts(), (141, 13, 167), "{db}");
        let then = s.in_force("un", Some("2025-01-01")).unwrap().unwrap();
        assert_eq!(then.list_date.as_deref(), Some("2024-05-15"), "{db}");
        // un:110326 was added in 2026; un:112038 removed.
        assert!(s
            .entity_as_of("un:110326", Some("2025-01-01"))
            .unwrap()
            .is_none());
        assert!(s.entity_as_of("un:110326", None).unwrap().is_some());
        assert!(s
            .entity_as_of("un:112038", Some("2025-01-01"))
            .unwrap()
            .is_some());
        assert_eq!(s.entities(then.id).unwrap().len() as i64, then.entities);
        // The same bytes again change nothing.
        let again = s
            .import(&new, &new_sha, &["new".into()], None, NOW)
            .unwrap();
        assert!(matches!(again, ImportOutcome::AlreadyImported(_)), "{db}");
        assert_eq!(s.snapshot_count().unwrap(), 2);
    });
}

#[test]
fn cases_four_eyes_memory_and_audit_chain() {
    on_both(|db, open| {
        let mut s = open();
        assert!(
            s.add_user("x", "alice", "reviewer").is_err(),
            "{db}: first user is an admin"
        );
        let root = s.add_user("x", "root", "admin").unwrap();
        let alice = s.add_user("root", "alice", "reviewer").unwrap();
        s.add_user("root", "bob", "approver").unwrap();
        assert!(
            s.add_user("root", "alice", "approver").is_err(),
            "{db}: exists"
        );
        assert_eq!(
            s.user_by_token(&alice).unwrap(),
            Some(("alice".into(), "reviewer".into()))
        );
        assert_eq!(s.user_by_token(&root).unwrap().unwrap().1, "admin");
        assert!(s.user_by_token("cpk_nope").unwrap().is_none());
        let hits = vec![(
            "p1".to_string(),
            "screening".to_string(),
            "un:1".to_string(),
            "x".to_string(),
        )];
        let (seq, case) = s
            .record_assessment("alice", "tx", &json!({"parties": []}), &hits)
            .unwrap();
        let case = case.unwrap();
        assert!(s.approve("bob", case).is_err(), "{db}: undisposed");
        s.dispose(
            "alice",
            case,
            1,
            "false_positive",
            "namesake",
            Some("k|DE"),
            Some("h1"),
        )
        .unwrap();
        assert!(
            s.approve("alice", case).is_err(),
            "{db}: a reviewer does not approve"
        );
        s.approve("bob", case).unwrap();
        assert_eq!(s.case(case).unwrap().unwrap().status, "closed");
        assert!(s.suppressed("k|DE", "un:1", "h1").unwrap());
        assert!(
            !s.suppressed("k|DE", "un:1", "h2").unwrap(),
            "{db}: entity changed"
        );
        assert_eq!(s.cases(Some("open")).unwrap().len(), 0);
        assert_eq!(s.cases(None).unwrap().len(), 1);
        let check = s.verify_audit().unwrap();
        assert!(check.problems.is_empty(), "{db}: {:?}", check.problems);
        // 3 users, assess, case.open, dispose, approve.
        assert_eq!(check.records, 7, "{db}");
        assert!(seq >= 4);
        assert_eq!(s.audit_records(Some("2000-01-01"), None).unwrap().len(), 7);
        assert_eq!(s.audit_records(None, Some("2000-01-01")).unwrap().len(), 0);
    });
}

#[test]
fn monitoring_state_refuses_a_second_run_of_the_same_update() {
    on_both(|db, open| {
        let mut s = open();
        let cps = vec![Counterparty {
            id: "c1".into(),
            name: "Acme".into(),
            address: Some("90 Maksima Gorkogo St, Izhevsk".into()),
            ..Default::default()
        }];
        s.register_counterparties("sam", &cps).unwrap();
        assert_eq!(s.counterparty_count().unwrap(), 1);
        let back = s.counterparty("c1").unwrap().unwrap();
        assert_eq!(back.address, cps[0].address, "{db}");
        let state = vec![("un".to_string(), None, 5)];
        let hits = vec![chokepoint_store::monitor::CounterpartyHits {
            id: "c1".into(),
            hits: vec![("un:9".into(), "Acme ~ ACME".into())],
            result: json!({"matches": []}),
        }];
        let r = s
            .record_monitor("m", "monitor.run", None, &hits, &[], &state, &json!({}))
            .unwrap();
        assert_eq!(r.cases_opened.len(), 1);
        assert!(s.open_hit_exists("c1", "un:9").unwrap());
        // Another instance that read the same state comes second: nothing is written.
        let mut other = open();
        let before = other.verify_audit().unwrap().records;
        let e = other
            .record_monitor("m", "monitor.run", None, &hits, &[], &state, &json!({}))
            .unwrap_err();
        assert!(
            matches!(e, chokepoint_store::Error::Conflict(_)),
            "{db}: {e}"
        );
        assert_eq!(other.verify_audit().unwrap().records, before);
        assert_eq!(other.cases(None).unwrap().len(), 1);
        // A removed entity is noted on the open case citing it.
        let r = other
            .record_monitor(
                "m",
                "monitor.run",
                None,
                &[],
                &[("un:9".into(), "removed from un".into())],
                &[("un".to_string(), Some(5), 6)],
                &json!({}),
            )
            .unwrap();
        assert_eq!(r.cases_noted, vec![1]);
        assert_eq!(other.case(1).unwrap().unwrap().notes.len(), 1);
        assert_eq!(other.monitor_state().unwrap()["un"], 6);
    });
}

#[test]
fn concurrent_writers_keep_one_unbroken_chain() {
    on_both(|db, open| {
        let threads = 4;
        let each = 25;
        std::thread::scope(|sc| {
            for t in 0..threads {
                let mut s = open();
                sc.spawn(move || {
                    for i in 0..each {
                        let hits = vec![(
                            format!("p{t}"),
                            "screening".to_string(),
                            format!("un:{i}"),
                            "x".to_string(),
                        )];
                        s.record_assessment("w", &format!("t{t}-{i}"), &json!({}), &hits)
                            .unwrap();
                    }
                });
            }
        });
        let s = open();
        let check = s.verify_audit().unwrap();
        assert!(check.problems.is_empty(), "{db}: {:?}", check.problems);
        assert_eq!(check.records, (threads * each * 2) as i64, "{db}");
        assert_eq!(s.cases(None).unwrap().len(), threads * each, "{db}");
    });
}

#[test]
fn postgres_refuses_edits_and_verify_finds_them() {
    let Some(url) = fresh_pg() else { return };
    let mut s = Store::open_any(&url).unwrap();
    for i in 0..5 {
        s.audit("t", "assess", &format!("tx-{i}"), &json!({"i": i}))
            .unwrap();
    }
    let mut raw = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    assert!(raw
        .execute("UPDATE audit SET actor = 'mallory' WHERE seq = 2", &[])
        .is_err());
    assert!(raw.execute("DELETE FROM audit WHERE seq = 2", &[]).is_err());
    assert!(raw.batch_execute("TRUNCATE audit").is_err());
    // A database owner drops the guard and edits a record, then deletes one.
    raw.batch_execute(
        "ALTER TABLE audit DISABLE TRIGGER audit_no_change;
         UPDATE audit SET body = '{\"i\":99}' WHERE seq = 3;",
    )
    .unwrap();
    let r = s.verify_audit().unwrap();
    assert!(
        r.problems
            .iter()
            .any(|p| p.starts_with("record 3") && p.contains("edited")),
        "{:?}",
        r.problems
    );
    raw.batch_execute("DELETE FROM audit WHERE seq = 4;")
        .unwrap();
    let r = s.verify_audit().unwrap();
    assert!(
        r.problems.iter().any(|p| p.starts_with("record 5")),
        "{:?}",
        r.problems
    );
}
