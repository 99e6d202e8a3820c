//! End-to-end tests of `chokepoint screen` on the shipped lists.

mod common;

use common::Env;

#[test]
fn single_name_finds_explains_and_rejects_bad_input() {
    let env = Env::new();
    // Vladimir Vladimirovich PUTIN is on the OFAC SDN list (uid 35096) and the EU and UK lists,
    // born 7 October 1952.
    let o = env.run(&[
        "screen",
        "Putin, Vladimir",
        "--type",
        "person",
        "--birth-date",
        "1952-10-07",
        "--country",
        "RU",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "an alert exits 4: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = &v["matches"].as_array().unwrap();
    assert!(m
        .iter()
        .any(|m| m["entity_id"] == "ofac:35096" && m["alert"] == true));
    let top = &m[0];
    assert!(top["name"]
        .as_str()
        .unwrap()
        .to_uppercase()
        .contains("PUTIN"));
    let ex = &top["explanation"];
    assert!(ex["name"]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["query"] == "putin" && t["list"] == "putin" && t["how"] == "exact"));
    assert!(ex["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["attribute"] == "birth_date" && a["result"] == "exact"));

    // Cyrillic and top-k: the N best whatever their score, restricted to one source.
    let o = env.run(&[
        "screen",
        "Владимир Путин",
        "--source",
        "ofac",
        "--top-k",
        "3",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let m = v["matches"].as_array().unwrap();
    assert_eq!(m.len(), 3);
    assert_eq!(m[0]["entity_id"], "ofac:35096");
    assert!(m
        .iter()
        .all(|m| m["source"].as_str().unwrap().starts_with("ofac")));

    for (args, expect) in [
        (vec!["screen", ""], "empty name"),
        (vec!["screen", "!!! ---"], "no letters or digits"),
        (
            vec!["screen", "Ivan Petrov", "--country", "Atlantis"],
            "unknown country",
        ),
        (
            vec!["screen", "Ivan Petrov", "--birth-date", "1965-02-30"],
            "does not exist",
        ),
        (
            vec!["screen", "Ivan Petrov", "--type", "robot"],
            "unknown type",
        ),
    ] {
        let o = env.run(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn batch_keeps_order_and_reports_bad_rows() {
    let env = Env::new();
    let long = "A".repeat(10_000);
    let mut csv = Vec::new();
    csv.extend_from_slice(b"id,name,type,birth_date,country,identifiers,address\n");
    csv.extend_from_slice(b"r1,Vladimir Putin,person,1952,RU,,\n");
    csv.extend_from_slice(b"r2,,person,,,,\n");
    csv.extend_from_slice(format!("r3,{long},person,,,,\n").as_bytes());
    csv.extend_from_slice(b"r4,Na\xffme,person,,,,\n");
    csv.extend_from_slice(b"r5,too,many,fields,here,x,y,z\n");
    csv.extend_from_slice(b"r6,Ivan Petrov,person,,ZZ,,\n");
    csv.extend_from_slice(b"r7,Ivan Petrov,person,1965-13,,,\n");
    csv.extend_from_slice(b"r8,Zzyzx Qwertyuiop,organization,,,,\n");
    // OFAC lists JSC Izhevsk Motor Plant Aksion Holding (ofac:47749) at "90 Maksima Gorkogo
    // Street", Izhevsk 426008.
    csv.extend_from_slice(
        b"r9,Izhevsk Motor Plant,organization,,,,\"90 Maksima Gorkogo St., Izhevsk\"\n",
    );
    csv.extend_from_slice(b"r10,Izhevsk Motor Plant,organization,,,,--\n");
    let input = env.dir.path().join("in.csv");
    std::fs::write(&input, csv).unwrap();
    let out = env.dir.path().join("out.jsonl");
    let o = env.run(&[
        "screen",
        "--batch",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    // Each line leads with its query id, as the interface documents, and its scores print
    // as the decimals they are: an f32 widened to f64 prints "0.05999999865889549".
    assert!(
        text.lines().all(|l| l.starts_with("{\"query_id\":")),
        "{text}"
    );
    let long_digits = long_decimal(&text);
    assert!(long_digits.is_none(), "{long_digits:?}");
    // Only the output file is left in its folder: the temporary file took its name.
    let left: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["query_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"]
    );
    assert!(lines[0]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["entity_id"] == "ofac:35096"));
    for (i, expect) in [
        (1, "empty name"),
        (2, "limit"),
        (3, "UTF-8"),
        (4, "fields"),
        (5, "unknown country"),
        (6, "month 13"),
        (9, "address"),
    ] {
        let e = lines[i]["error"]
            .as_str()
            .unwrap_or_else(|| panic!("row {} should be an error: {}", i + 1, lines[i]));
        assert!(e.contains(expect), "row {}: {e}", i + 1);
    }
    assert!(lines[7].get("error").is_none());
    let plant = lines[8]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["entity_id"] == "ofac:47749")
        .unwrap_or_else(|| panic!("{}", lines[8]));
    assert!(
        plant["explanation"]["attributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["attribute"] == "address"
                && a["list"][0] == "90 Maksima Gorkogo Street, Izhevsk, 426008"),
        "{plant}"
    );
    assert!(lines[7]["matches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["alert"] == false));
}

#[test]
fn as_of_screens_the_lists_in_force_on_that_date() {
    let env = Env::new();
    // YAS AIR (UN DATAID 110327) is in the UN list of 2026-02-27 and not in the 2024-05-15
    // edition (the diff of the two shipped UN files lists it as added).
    let newest = env.run(&["screen", "Yas Air", "--source", "un", "--json"]);
    assert_eq!(
        newest.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&newest.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&newest.stdout).unwrap();
    assert_eq!(v["matches"][0]["entity_id"], "un:110327");
    let then = env.run(&[
        "screen",
        "Yas Air",
        "--source",
        "un",
        "--as-of",
        "2024-06-01",
        "--json",
    ]);
    assert_eq!(
        then.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&then.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&then.stdout).unwrap();
    assert!(
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["entity_id"] != "un:110327"),
        "{v}"
    );
    // Before any list was in force there is nothing to screen against: an error, not "clear".
    let before = env.run(&["screen", "Yas Air", "--as-of", "1990-01-01"]);
    assert_eq!(before.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&before.stderr).contains("no lists in force"));
}

/// The first number in `text` with more than eight digits after its decimal point.
fn long_decimal(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' && i > 0 && b[i - 1].is_ascii_digit() {
            let n = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n > 8 {
                return Some(text[i - 1..i + 1 + n].to_string());
            }
            i += n;
        }
        i += 1;
    }
    None
}
