//! End-to-end tests of the `chokepoint` binary on the shipped official files.

mod common;

use common::{data, Env};
use std::io::{Read, Write};

fn path(rel: &str) -> String {
    data(rel).display().to_string()
}

/// DATAIDs in the 2024-05-15 UN file that are absent from the 2026-02-27 file (found by
/// comparing the two files' <DATAID> values; 875 and 1003 entries, 141 added, 13 removed).
const UN_REMOVED: &[&str] = &[
    "111800", "112038", "3020633", "690781", "6908121", "6908396", "6908416", "6908436", "6908456",
    "6909003", "6909004", "6909005", "6909006",
];

#[test]
fn un_point_in_time_and_diff() {
    let env = Env::new();
    env.ok(&[
        "lists",
        "import",
        &path("un/consolidated_2024-05-15.xml.gz"),
    ]);
    env.ok(&["lists", "import", &path("un/consolidated.xml.gz")]);
    let d = env.json(&[
        "lists",
        "diff",
        "un",
        "--from",
        "2024-06-01",
        "--to",
        "2026-03-01",
        "--json",
    ]);
    assert_eq!(d["added"], 141);
    assert_eq!(d["removed"], 13);
    let mut removed: Vec<String> = d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "removed")
        .map(|c| {
            c["entity_id"]
                .as_str()
                .unwrap()
                .trim_start_matches("un:")
                .to_string()
        })
        .collect();
    removed.sort();
    let mut want: Vec<String> = UN_REMOVED.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(removed, want);
    // YAZD METALLURGY INDUSTRIES (DATAID 110326) is among the re-imposed Iran entries of 2026.
    assert!(d["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["entity_id"] == "un:110326" && c["change"] == "added"));

    // Point in time: listed in 2026, not in 2024, and not before the first edition we hold.
    let now = env.json(&[
        "lists",
        "show",
        "un:110326",
        "--as-of",
        "2026-03-01",
        "--json",
    ]);
    assert_eq!(now["entity"]["name"], "YAZD METALLURGY INDUSTRIES (YMI)");
    assert_eq!(
        env.run(&["lists", "show", "un:110326", "--as-of", "2025-01-01"])
            .status
            .code(),
        Some(3)
    );
    // A removed entry was listed in 2024 and is not now.
    let id = format!("un:{}", UN_REMOVED[0]);
    assert!(env
        .run(&["lists", "show", &id, "--as-of", "2024-05-15"])
        .status
        .success());
    assert_eq!(env.run(&["lists", "show", &id]).status.code(), Some(3));
    assert_eq!(
        env.run(&["lists", "show", "un:6907993", "--as-of", "2020-01-01"])
            .status
            .code(),
        Some(3)
    );
    // ERIC BADEGE: CDi.001, listed 2012-12-31, in both editions.
    let e = env.json(&[
        "lists",
        "show",
        "un:6907993",
        "--as-of",
        "2024-12-31",
        "--json",
    ]);
    assert_eq!(e["entity"]["references"][0], "CDi.001");
    assert_eq!(e["entity"]["listed_on"], "2012-12-31");
}

#[test]
fn same_bytes_twice_is_a_noop_and_status_reports() {
    let env = Env::new();
    let f = path("bis/dpl.txt.gz");
    let first = env.json(&["lists", "import", &f, "--json"]);
    assert_eq!(first[0]["status"], "imported");
    let second = env.json(&["lists", "import", &f, "--json"]);
    assert_eq!(second[0]["status"], "already_imported");
    let st = env.json(&["lists", "status", "--json"]);
    let st = st.as_array().unwrap();
    assert_eq!(st.len(), 1);
    assert_eq!(st[0]["source"], "bis-dpl");
    assert_eq!(st[0]["list_date"], "2023-11-28");
    assert_eq!(st[0]["snapshots"], 1);
    // SHA-256 of the shipped file's bytes.
    let bytes = std::fs::read(data("bis/dpl.txt.gz")).unwrap();
    use sha2::Digest;
    assert_eq!(st[0]["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    assert!(st[0]["imported_at"].is_string());
    assert!(st[0]["entities"].as_i64().unwrap() > 0);
}

#[test]
fn ofac_csv_set_imports_as_one_snapshot() {
    let env = Env::new();
    let dir = data("ofac/legacy_2021");
    // Companions named on the command line are taken with their main file, not alone.
    let r = env.json(&[
        "lists",
        "import",
        &dir.join("sdn.csv.gz").display().to_string(),
        &dir.join("add.csv.gz").display().to_string(),
        "--list-date",
        "2021-07-07",
        "--json",
    ]);
    assert_eq!(r.as_array().unwrap().len(), 1);
    assert_eq!(r[0]["snapshot"]["files"].as_array().unwrap().len(), 4);
    assert_eq!(r[0]["snapshot"]["entities"], 8976);
    assert_eq!(r[0]["snapshot"]["date_basis"], "stated");
    let o = env.run(&[
        "lists",
        "import",
        &dir.join("alt.csv.gz").display().to_string(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("companion"));
}

/// Each bad input gets one clear error naming the file (and where), and the store is unchanged.
#[test]
fn bad_inputs_leave_the_store_unchanged() {
    let env = Env::new();
    env.ok(&["lists", "import", &path("bis/dpl.txt.gz")]);
    let before = env.ok(&["lists", "status", "--json"]);

    let un = {
        let mut s = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(data("un/consolidated.xml.gz")).unwrap())
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let truncated = env.write("truncated.xml", &un.as_bytes()[..un.len() / 2]);
    let mut latin1 = un.clone().into_bytes();
    let pos = un.find("<FIRST_NAME>").unwrap() + 12;
    latin1[pos] = 0xE9; // a Latin-1 "é" in a UTF-8 file
    let wrong_enc = env.write("latin1.xml", &latin1);
    let csl_head = "_id,source,entity_number,type,programs,name\n1,x,1,Entity,P,ACME\n";
    let missing_col = env.write("short.csv", csl_head.as_bytes());
    let empty = env.write("empty.xml", b"");
    let laughs = env.write(
        "laughs.xml",
        br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&lol2;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"#,
    );
    let unknown = env.write("notes.txt", b"hello, this is not a sanctions list\n");
    let bomb = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("list.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        let zeros = vec![b' '; 1 << 20];
        for _ in 0..4 {
            z.write_all(&zeros).unwrap();
        }
        z.finish().unwrap();
        env.write("bomb.zip", &buf.into_inner())
    };

    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        (&truncated, vec![], "truncated"),
        (&wrong_enc, vec![], "invalid UTF-8"),
        (&missing_col, vec![], "missing column"),
        (&empty, vec![], "empty"),
        (&laughs, vec![], "entit"),
        (&unknown, vec![], "unknown format"),
        (
            &bomb,
            vec!["--max-inflated", "1000000"],
            "decompression bomb",
        ),
    ];
    for (file, extra, expect) in cases {
        let mut args = vec!["lists", "import", file];
        args.extend(extra);
        let o = env.run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains(file), "error must name the file: {err}");
        assert!(err.contains(expect), "{file}: expected {expect:?} in {err}");
        assert_eq!(
            err.lines().filter(|l| l.starts_with("error")).count(),
            1,
            "one error: {err}"
        );
        assert_eq!(
            env.ok(&["lists", "status", "--json"]),
            before,
            "{file} changed the store"
        );
    }
    // Location: the truncated file's error gives a line, the encoding error the byte offset.
    let o = env.run(&["lists", "import", &truncated]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("truncated.xml:"));
    let o = env.run(&["lists", "import", &wrong_enc]);
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("(byte {pos})")));

    // Several files with one bad: nothing is imported.
    let o = env.run(&[
        "lists",
        "import",
        &path("un/consolidated.xml.gz"),
        &truncated,
    ]);
    assert!(!o.status.success());
    assert_eq!(env.ok(&["lists", "status", "--json"]), before);
}

/// A tiny HTTP server on 127.0.0.1 serving shipped files; the first request to /flaky fails.
fn serve(routes: Vec<(&'static str, Vec<u8>)>) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut flaky_seen = false;
        listener.set_nonblocking(false).unwrap();
        for _ in 0..(routes.len() * 3 + 4) {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]).to_string();
            let p = req.split_whitespace().nth(1).unwrap_or("/").to_string();
            if p == "/stop" {
                return;
            }
            if p.starts_with("/flaky") && !flaky_seen {
                flaky_seen = true;
                let _ = s.write_all(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                continue;
            }
            let body = routes
                .iter()
                .find(|(r, _)| p.ends_with(r))
                .map(|(_, b)| b.clone());
            match body {
                Some(b) => {
                    let _ = write!(
                        s,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        b.len()
                    );
                    let _ = s.write_all(&b);
                }
                None => {
                    let _ = s.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    );
                }
            }
        }
    });
    (addr, handle)
}

#[test]
fn update_downloads_from_a_local_server() {
    let env = Env::new();
    let un = std::fs::read(data("un/consolidated.xml.gz")).unwrap();
    let dpl = std::fs::read(data("bis/dpl.txt.gz")).unwrap();
    let (base, handle) = serve(vec![("/flaky/consolidated.xml", un), ("/dpl.txt", dpl)]);
    let sources = serde_json::json!({"sources": [
        {"source": "un", "url": format!("{base}/flaky/consolidated.xml")},
        {"source": "bis-dpl", "url": format!("{base}/dpl.txt")},
    ]});
    let f = env.write("sources.json", sources.to_string().as_bytes());
    let out = env.json(&[
        "lists",
        "update",
        "--sources",
        &f,
        "--retries",
        "3",
        "--timeout",
        "10",
        "--json",
    ]);
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["outcome"], "imported", "{out:?}");
    assert_eq!(out[0]["snapshot"]["list_date"], "2026-02-27");
    assert_eq!(out[1]["source"], "bis-dpl");
    // A missing file and an over-size body are errors for that source only.
    let bad = serde_json::json!({"sources": [{"source": "uk", "url": format!("{base}/missing.csv")}, {"source": "un", "url": format!("{base}/flaky/consolidated.xml")}]});
    let f2 = env.write("bad.json", bad.to_string().as_bytes());
    let o = env.run(&[
        "lists",
        "update",
        "--sources",
        &f2,
        "--max-bytes",
        "1000",
        "--retries",
        "1",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v[0]["error"].as_str().unwrap().contains("404"));
    assert!(v[1]["error"].as_str().unwrap().contains("limit"));
    let _ = std::net::TcpStream::connect(base.trim_start_matches("http://"))
        .and_then(|mut s| s.write_all(b"GET /stop HTTP/1.1\r\n\r\n"));
    let _ = handle.join();
}

#[test]
fn ftm_export_round_trips() {
    let env = Env::new();
    env.ok(&["lists", "import", &path("un/consolidated.xml.gz")]);
    let out = env.dir.path().join("un.ftm.jsonl").display().to_string();
    env.ok(&["lists", "export", "--source", "un", "--out", &out]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 1003);
    let first: serde_json::Value =
        serde_json::from_str(text.lines().find(|l| l.contains("\"un-6907993\"")).unwrap()).unwrap();
    assert_eq!(first["schema"], "Person");
    assert_eq!(first["properties"]["name"][0], "ERIC BADEGE");
    assert_eq!(first["properties"]["birthDate"][0], "1971");
    assert_eq!(first["properties"]["nationality"][0], "cd");
    let r = env.json(&["lists", "import", &out, "--json"]);
    assert_eq!(r[0]["snapshot"]["source"], "ftm");
    assert_eq!(r[0]["snapshot"]["entities"], 1003);
    let back = env.json(&["lists", "show", "ftm:un-6907993", "--json"]);
    assert_eq!(back["entity"]["name"], "ERIC BADEGE");
    assert_eq!(back["entity"]["nationalities"][0], "CD");
}
