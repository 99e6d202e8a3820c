//! Property tests: name analysis and token comparison never panic, whatever the input.

use chokepoint_model::Kind;
use chokepoint_names::{analyze, fold, osa_bounded, token_similarity, MAX_READINGS};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn analyze_never_panics(s in "\\PC{0,200}", k in 0u8..5) {
        let kind = [Kind::Person, Kind::Organization, Kind::Vessel, Kind::Aircraft, Kind::Unknown][k as usize];
        for f in analyze(&s, kind) {
            for t in &f.tokens {
                prop_assert!(!t.text.is_empty());
            }
            for a in &f.tokens {
                for b in &f.tokens {
                    let (sim, _) = token_similarity(a, b);
                    prop_assert!((0.0..=1.0).contains(&sim));
                }
            }
        }
        let _ = fold(&s);
    }

    #[test]
    fn mixed_scripts_and_punctuation(s in "[a-zA-Z .,;'&()/0-9А-яا-ي가-힣一-龥-]{0,60}") {
        let forms = analyze(&s, Kind::Unknown);
        prop_assert!(forms.len() <= MAX_READINGS);
    }

    #[test]
    fn bounded_edit_distance_is_exact_within_budget(a in "[a-e]{0,70}", b in "[a-e]{0,70}", budget in 0usize..5) {
        let full = strsim::osa_distance(&a, &b);
        let got = osa_bounded(a.as_bytes(), b.as_bytes(), budget);
        if full <= budget {
            prop_assert_eq!(got, full);
        } else {
            prop_assert!(got > budget);
        }
    }

    /// Near misses, where the bit-parallel (lower-case words) or the banded computation (any
    /// other bytes) decides: a word and a copy with a few edits (substitutions, deletions,
    /// insertions, swaps of neighbours).
    #[test]
    fn bounded_edit_distance_on_near_misses(
        a in "[a-d]{1,40}|[ab1A]{1,70}",
        edits in proptest::collection::vec((0u8..4, 0usize..40, 0u8..4), 0..5),
        budget in 0usize..5,
    ) {
        let mut b: Vec<u8> = a.bytes().collect();
        for (op, at, c) in edits {
            let at = at % (b.len() + 1);
            let c = b"ab1A"[c as usize];
            match op {
                0 if at < b.len() => b[at] = c,
                1 if at < b.len() => { b.remove(at); }
                2 => b.insert(at, c),
                3 if at + 1 < b.len() => b.swap(at, at + 1),
                _ => {}
            }
        }
        let b = String::from_utf8(b).unwrap();
        let full = strsim::osa_distance(&a, &b);
        let got = osa_bounded(a.as_bytes(), b.as_bytes(), budget);
        if full <= budget {
            prop_assert_eq!(got, full, "{} / {}", a, b);
        } else {
            prop_assert!(got > budget, "{} / {}: {}", a, b, got);
        }
    }
}
