//! Helpers shared by the CLI test files: a temporary store and a way to run the binary on it.
#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's shipped list files.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/lists")
        .join(rel)
}

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_chokepoint"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .output()
            .unwrap()
    }
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }
    pub fn write(&self, name: &str, bytes: &[u8]) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p.display().to_string()
    }
}

/// A fresh PostgreSQL database on the server `CHOKEPOINT_TEST_POSTGRES` names (`.ci/run` starts
/// one); `None` outside CI when none is configured. Under `CI=true` it must be there.
pub fn fresh_pg() -> Option<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let Ok(base) = std::env::var("CHOKEPOINT_TEST_POSTGRES") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must test PostgreSQL: set CHOKEPOINT_TEST_POSTGRES (.ci/run does)"
        );
        eprintln!("PostgreSQL part NOT RUN: set CHOKEPOINT_TEST_POSTGRES=postgres://…/postgres");
        return None;
    };
    let name = format!(
        "cp_cli_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut c = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    Some(format!("{}/{name}", base.rsplit_once('/').unwrap().0))
}
