//! A `chokepoint serve` process on a loopback port for the tests, and calls checked against
//! the OpenAPI document it publishes.

use super::Env;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub fn json_of(r: ureq::Response) -> Value {
    serde_json::from_str(&r.into_string().unwrap()).unwrap()
}

pub struct Server {
    child: Child,
    pub base: String,
    pub admin: String,
    pub doc: Value,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(env: &Env) -> Server {
    start_with(env, true)
}

pub fn start_with(env: &Env, first: bool) -> Server {
    start_at(&env.db().display().to_string(), first)
}

/// A server on the store `db` (an SQLite path or a PostgreSQL URL).
pub fn start_at(db: &str, first: bool) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chokepoint"))
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0", "--watch-interval", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut admin, mut base) = (String::new(), String::new());
    for line in lines.by_ref() {
        let line = line.unwrap();
        let t = line.trim();
        if t.starts_with("cpk_") {
            admin = t.to_string();
        }
        if let Some(rest) = t.strip_prefix("listening on ") {
            base = rest.split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    assert_eq!(
        !admin.is_empty(),
        first,
        "only the first start prints an admin token"
    );
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let doc: Value = json_of(ureq::get(&format!("{base}/openapi.json")).call().unwrap());
    Server {
        child,
        base,
        admin,
        doc,
    }
}

impl Server {
    /// Calls the API and checks the answer against the document: `template` is the documented
    /// path (`/v1/cases/{id}`), `path` the concrete one.
    pub fn call(
        &self,
        method: &str,
        template: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let mut req = ureq::request(method, &format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        let resp = match body {
            Some(b) => req
                .set("Content-Type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        let resp = match resp {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        assert_eq!(
            resp.content_type(),
            "application/json",
            "{method} {path}: every answer is JSON"
        );
        let v: Value = json_of(resp);
        self.conforms(method, template, status, &v);
        (status, v)
    }

    pub fn conforms(&self, method: &str, template: &str, status: u16, body: &Value) {
        let op = &self.doc["paths"][template][method.to_lowercase()];
        assert!(op.is_object(), "{method} {template} is not in the document");
        let resp = &op["responses"][status.to_string()];
        assert!(
            resp.is_object(),
            "{method} {template}: status {status} is not documented: {body}"
        );
        let schema = &resp["content"]["application/json"]["schema"];
        let mut root = schema.clone();
        root["components"] = self.doc["components"].clone();
        let v = jsonschema::validator_for(&root).unwrap();
        let errors: Vec<String> = v.iter_errors(body).map(|e| e.to_string()).collect();
        assert!(
            errors.is_empty(),
            "{method} {template} {status}: the body does not match the document: {errors:?}\n{body}"
        );
    }

    pub fn add_user(&self, name: &str, role: &str) -> String {
        let (s, v) = self.call(
            "POST",
            "/v1/users",
            "/v1/users",
            Some(&self.admin),
            Some(&json!({"name": name, "role": role})),
        );
        assert_eq!(s, 200, "{v}");
        v["token"].as_str().unwrap().to_string()
    }
}
