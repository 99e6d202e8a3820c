//! The reviewer's web UI end to end in headless Chromium (Debian's chromium and
//! chromium-driver, driven over the W3C WebDriver protocol): sign in, screen a name, open the
//! case it raised, dispose of every hit, approve as a second user, find it all in the audit log.
//!
//! `.ci/run` installs Chromium; under `CI=true` a missing browser fails the test. Elsewhere the
//! test says it did not run.

mod common;
use common::server::start;
use common::Env;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

struct Driver {
    child: Child,
    base: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wd(method: &str, url: &str, body: Option<Value>) -> Value {
    try_wd(method, url, body).unwrap_or_else(|e| panic!("WebDriver {method} {url}: {e}"))
}

/// A WebDriver call; `Err` holds the driver's error when it answered with one.
fn try_wd(method: &str, url: &str, body: Option<Value>) -> Result<Value, String> {
    let req = ureq::request(method, url);
    let r = match body {
        Some(b) => req
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => req.call(),
    };
    let text = match r {
        Ok(r) => r.into_string().unwrap(),
        Err(ureq::Error::Status(_, r)) => return Err(r.into_string().unwrap()),
        Err(e) => panic!("WebDriver {method} {url}: {e}"),
    };
    Ok(serde_json::from_str::<Value>(&text).unwrap()["value"].clone())
}

impl Driver {
    fn start() -> Option<Driver> {
        let (chrome, driver) = ("/usr/bin/chromium", "/usr/bin/chromedriver");
        if !std::path::Path::new(chrome).exists() || !std::path::Path::new(driver).exists() {
            assert!(
                std::env::var("CI").is_err(),
                "CI needs Debian's chromium and chromium-driver (.ci/run installs them)"
            );
            eprintln!("browser test NOT RUN: install chromium and chromium-driver to run it");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let t = Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chrome,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--window-size=1280,1000", format!("--user-data-dir={}", profile.path().display())]
        }}}});
        let v = wd("POST", &format!("{base}/session"), Some(caps));
        let session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no WebDriver session: {v}"))
            .to_string();
        std::mem::forget(profile); // Chromium holds it open until the session ends
        let d = Driver {
            child,
            base,
            session,
        };
        // Finding an element waits for it to appear (pages load after a click).
        wd(
            "POST",
            &d.url("/timeouts"),
            Some(json!({"implicit": 10_000})),
        );
        Some(d)
    }
    /// Waits until `f` holds (a click's navigation finishes after the click returns).
    fn wait(&self, what: &str, f: impl Fn(&Driver) -> bool) {
        let t = Instant::now();
        while !f(self) {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; at {}",
                self.current()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    fn wait_url(&self, suffix: &str) {
        self.wait(&format!("a URL ending {suffix}"), |d| {
            d.current().ends_with(suffix)
        });
    }
    fn url(&self, p: &str) -> String {
        format!("{}/session/{}{p}", self.base, self.session)
    }
    fn goto(&self, url: &str) {
        wd("POST", &self.url("/url"), Some(json!({"url": url})));
    }
    fn current(&self) -> String {
        wd("GET", &self.url("/url"), None)
            .as_str()
            .unwrap()
            .to_string()
    }
    fn find_all(&self, css: &str) -> Vec<String> {
        wd(
            "POST",
            &self.url("/elements"),
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e[ELEMENT].as_str().unwrap().to_string())
        .collect()
    }
    fn find(&self, css: &str) -> String {
        self.find_all(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {css} on {}: {}", self.current(), self.text("body")))
    }
    /// Finds `css` and acts on it, finding it again when the page was replaced in between
    /// (a navigation still finishing makes the element stale).
    fn on(&self, css: &str, method: &str, action: &str, body: Option<Value>) -> Value {
        for _ in 0..50 {
            let e = self.find(css);
            match try_wd(
                method,
                &self.url(&format!("/element/{e}/{action}")),
                body.clone(),
            ) {
                Ok(v) => return v,
                Err(err) if err.contains("stale element") => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                Err(err) => panic!("{action} on {css}: {err}"),
            }
        }
        panic!("{css} kept going stale")
    }
    fn text(&self, css: &str) -> String {
        self.on(css, "GET", "text", None)
            .as_str()
            .unwrap()
            .to_string()
    }
    fn click(&self, css: &str) {
        self.on(css, "POST", "click", Some(json!({})));
    }
    fn type_in(&self, css: &str, text: &str) {
        self.on(css, "POST", "value", Some(json!({"text": text})));
    }
    fn screenshot(&self, name: &str) {
        if let Ok(dir) = std::env::var("CHOKEPOINT_SCREENSHOTS") {
            use std::io::Read;
            let b64 = wd("GET", &self.url("/screenshot"), None);
            let mut out = Vec::new();
            // Decode base64 without another dependency: the engine of flate2's tests is not
            // needed; a tiny decoder will do for a debugging aid.
            let s = b64.as_str().unwrap().as_bytes();
            let val = |c: u8| match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                _ => 63,
            };
            for chunk in s.chunks(4) {
                let n = chunk.iter().filter(|&&c| c != b'=').count();
                let mut acc = 0u32;
                for (i, &c) in chunk.iter().enumerate() {
                    acc |= (if c == b'=' { 0 } else { val(c) as u32 }) << (18 - 6 * i);
                }
                out.extend_from_slice(&acc.to_be_bytes()[1..n]);
            }
            let _ = std::io::empty().read(&mut []);
            std::fs::write(format!("{dir}/{name}.png"), out).unwrap();
        }
    }
}

#[test]
fn a_reviewer_screens_disposes_and_a_second_user_approves_in_the_browser() {
    let Some(b) = Driver::start() else { return };
    let env = Env::new();
    let srv = start(&env);
    let rita = srv.add_user("rita", "reviewer");
    let arno = srv.add_user("arno", "approver");
    let login = |token: &str| {
        b.goto(&format!("{}/ui/login", srv.base));
        b.type_in("#token", token);
        b.click("#signin");
        b.wait_url("/ui/");
    };

    // Not signed in: the queue sends us to the login page; a wrong token is refused.
    b.goto(&format!("{}/ui/", srv.base));
    b.wait_url("/ui/login");
    b.type_in("#token", "cpk_wrong");
    b.click("#signin");
    assert!(b.text(".error").contains("Unknown token"));

    login(&rita);
    assert!(b.text("h1").starts_with("Open cases (0)"));
    b.goto(&format!("{}/ui/screen", srv.base));
    b.type_in("#name", "Vladimir Vladimirovich Putin");
    b.click("#screen");
    b.find("#case-link");
    b.screenshot("screen");
    assert!(b.text("main").contains("ALERT"));
    b.click("#case-link");
    b.wait("the case page", |d| d.current().contains("/ui/cases/"));
    let case_url = b.current();
    assert_eq!(b.text("#status"), "open");
    // Side by side: the screened name and the list entry.
    let page = b.text("main");
    assert!(
        page.contains("Screened party")
            && page.contains("List entry")
            && page.contains("Why it matched")
    );
    b.screenshot("case");
    let hits = b.find_all("select[name=disposition]").len();
    assert!(hits >= 1);
    for left in (0..hits).rev() {
        b.click("form.inline select[name=disposition] option[value=true_match]");
        b.type_in("form.inline input[name=reason]", "the listed person");
        b.click("form.inline button[type=submit]");
        b.wait("the disposition recorded", |d| {
            d.find_all(".disposition").len() == hits - left
        });
    }
    assert!(b.text("main").contains("true_match by rita"));
    // The reviewer may not approve her own case.
    b.click("#approve");
    assert!(b.text(".error").contains("may not approve"));
    b.goto(&case_url);
    b.click("header form button");
    b.wait_url("/ui/login");

    login(&arno);
    b.goto(&case_url);
    b.click("#approve");
    b.wait("the case closed", |d| d.text("#status") == "closed");
    b.goto(&format!("{}/ui/audit", srv.base));
    b.screenshot("audit");
    assert!(b.text("#chain").starts_with("Chain intact"));
    let log = b.text("#records");
    for line in ["rita screen", "rita case.dispose", "arno case.approve"] {
        assert!(
            log.contains(line),
            "{line} missing from the audit page:\n{log}"
        );
    }
    b.goto(&format!("{}/ui/lists", srv.base));
    assert!(b.text("main").contains("un"));
}

#[test]
fn a_case_officer_takes_an_application_to_a_licence_through_a_no_undercut_consultation() {
    let Some(b) = Driver::start() else { return };
    let env = Env::new();
    let srv = start(&env);
    let ann = srv.add_user("ann", "applicant");
    let carl = srv.add_user("carl", "case_officer");
    let abe = srv.add_user("abe", "approver");
    let denied_on = (chrono::Utc::now() - chrono::Duration::days(90))
        .format("%Y-%m-%d")
        .to_string();
    let (s, _) = srv.call(
        "POST",
        "/v1/denials",
        "/v1/denials",
        Some(&carl),
        Some(&json!([{"reference": "IT-MTCR-2026-5", "origin": "IT", "regime": "MTCR", "denied_on": denied_on,
            "destination": "PK", "reason": "missile programme end use",
            "parties": [{"name": "Al-Technique Corporation of Pakistan", "country": "PK"}],
            "items": [{"control_entry": "9A004", "description": "propulsion test equipment"}]}])),
    );
    assert_eq!(s, 200);
    let (s, v) = srv.call(
        "POST",
        "/v1/applications",
        "/v1/applications",
        Some(&ann),
        Some(&json!({"exporter": {"name": "Aero Test Systems SpA", "country": "IT"},
            "parties": [{"role": "end_user", "name": "Al Technique Corp. of Pakistan", "country": "PK"}],
            "items": [{"control_entry": "9A004.a", "description": "test stand"}],
            "destination": "PK", "end_use": "civil engine testing"})),
    );
    assert_eq!(s, 200, "{v}");
    let url = format!("{}/ui/applications/{}", srv.base, v["id"]);
    let login = |token: &str| {
        b.goto(&format!("{}/ui/login", srv.base));
        b.type_in("#token", token);
        b.click("#signin");
        b.wait_url("/ui/");
        b.goto(&url);
    };
    let logout = || {
        b.click("header form button");
        b.wait_url("/ui/login");
    };
    let status_is = |want: &str| b.wait(want, |d| d.text("#status") == want);

    login(&ann);
    b.click("#submit");
    status_is("submitted");
    assert!(
        b.text("main").contains("IT denial IT-MTCR-2026-5"),
        "the no-undercut flag shows"
    );
    logout();

    login(&carl);
    b.click("#review");
    status_is("under_review");
    b.click("#recommend");
    status_is("recommended");
    logout();

    login(&abe);
    b.click("#approve");
    assert!(b.text(".error").contains("no-undercut"));
    logout();

    login(&carl);
    b.type_in("input[name=outcome]", "no objection");
    b.type_in(
        "input[name=note]",
        "call with the Italian authority on 3 Nov",
    );
    b.click("button.consult");
    b.wait("the consultation recorded", |d| {
        d.text("main").contains("Consultation recorded.")
    });
    logout();

    login(&abe);
    b.click("#approve");
    status_is("approved");
    logout();

    login(&carl);
    b.type_in("#valid_until", "2099-12-31");
    b.click("#issue");
    status_is("issued");
    b.screenshot("application");
    assert!(b.text("#licence").starts_with("L-"));
    b.goto(&format!("{}/ui/applications", srv.base));
    assert!(b.text("main").contains("issued"));
}
