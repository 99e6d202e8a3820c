//! Property tests for the batch CSV reader: whatever the bytes — invalid UTF-8, ragged rows,
//! stray quotes, BOMs, huge fields — it never panics, and every data row comes back exactly
//! once, in order, either as a query or with its error.

use chokepoint_screen::batch::{read_batch, MAX_NAME_CHARS};
use proptest::prelude::*;

const HEADER: &[u8] = b"id,name,type,birth_date,country,identifiers\n";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..400)) {
        let mut input = HEADER.to_vec();
        input.extend(&body);
        let rows = read_batch(&input[..], &[]).expect("the header is valid");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        let mut sorted = lines.clone();
        sorted.sort();
        prop_assert_eq!(lines, sorted);
    }

    #[test]
    fn every_row_is_answered_once(rows in proptest::collection::vec(
        (("[a-z0-9]{0,4}"), ("[A-Za-zА-я ,.'-]{0,30}"), ("person|organization|vessel|robot|"),
         ("19[0-9]{2}(-[01][0-9])?|2024-02-30|"), ("[A-Z]{2}|Atlantis|"), (0usize..3)),
        0..30)) {
        let mut input = HEADER.to_vec();
        for (id, name, kind, date, country, extra) in &rows {
            // 0: a well-formed row; 1: a missing field; 2: an extra field.
            let mut line = format!("{id},\"{}\",{kind},{date},{country},P123", name);
            match extra {
                1 => { line = format!("{id},\"{}\",{kind},{date},{country}", name); }
                2 => line.push_str(",surplus"),
                _ => {}
            }
            input.extend(line.as_bytes());
            input.push(b'\n');
        }
        let out = read_batch(&input[..], &[]).unwrap();
        prop_assert_eq!(out.len(), rows.len());
        for (row, (_, name, _, _, _, extra)) in out.iter().zip(&rows) {
            if *extra != 0 {
                let (_, e) = row.query.as_ref().expect_err("wrong field count is an error");
                prop_assert!(e.contains("fields"), "{}", e);
            } else if let Ok((_, q)) = &row.query {
                // A name with letters or digits, or none at all and an identifier to go by.
                prop_assert!(q.name.chars().count() <= MAX_NAME_CHARS);
                prop_assert!(q.name.chars().any(char::is_alphanumeric) || (q.name.is_empty() && !q.identifiers.is_empty()));
                prop_assert!(q.name.is_empty() || name.chars().any(char::is_alphanumeric));
            }
        }
    }
}

#[test]
fn invalid_utf8_and_long_names_are_row_errors() {
    let mut input = HEADER.to_vec();
    input.extend(b"1,\"Jos\xe9 Garc\xeda\",person,,,\n");
    input.extend(format!("2,{},person,,,\n", "a".repeat(10_000)).as_bytes());
    input.extend(b"3,Ivan Petrov,person,1965-13-01,RU,\n");
    input.extend(b"4,Ivan Petrov,person,1965,XX,\n");
    input.extend(b"5,...,person,,,\n");
    input.extend(b"6,Ivan Petrov,person,1965,RU,\n");
    let rows = read_batch(&input[..], &[]).unwrap();
    let errs: Vec<String> = rows
        .iter()
        .map(|r| {
            r.query
                .as_ref()
                .err()
                .map(|e| e.1.clone())
                .unwrap_or_default()
        })
        .collect();
    assert!(errs[0].contains("not valid UTF-8"), "{}", errs[0]);
    assert!(errs[1].contains("characters long"), "{}", errs[1]);
    assert!(errs[2].contains("birth date"), "{}", errs[2]);
    assert!(errs[3].contains("unknown country"), "{}", errs[3]);
    assert!(errs[4].contains("no letters"), "{}", errs[4]);
    assert!(errs[5].is_empty(), "{}", errs[5]);
    assert!(read_batch(&b"id,name\n1,x\n"[..], &[])
        .unwrap_err()
        .contains("missing column"));
}
