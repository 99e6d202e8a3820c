//! Adjacent words of list names that a query writes as one word: "Malik" for "MA LI",
//! "Abdulkhakim" for "Abdul KARIM", "Nasiruddin" for "Nasim ud Din", "Abdullah" for "عبد الله".
//! The scorer joins a list name's adjacent words and compares the join with each query word
//! (see `Index::name_score`); no query word spells either half, so candidate generation finds
//! such a name only through the join, which this index holds: every join of two adjacent list
//! words, and of three where the middle one is short ("abd al qadir"), with the readings it
//! stands in.

use super::{
    deletion_variants as variants, fnv, fnv_step, Class, HashMap, Posting, Token, FNV_OFFSET,
    NO_POSITION, NO_WORD,
};
use chokepoint_names::{
    abjad_compound, abjad_compound_word, initial_semivowel_written, join_agrees, joined_part,
    spelling_similarity, How,
};
use smallvec::SmallVec;

/// A query word's joins: (join id, similarity).
pub(crate) type Apart = SmallVec<[(u32, f32); 4]>;

/// The shortest join worth indexing: a shorter one matches too many words by accident.
const MIN_JOIN: usize = 4;

/// The longest middle word of a three-word join ("ud", "al", "bin").
const MAX_MIDDLE: usize = 3;

/// The joins of the list names' adjacent words, found by the query words they may spell.
#[derive(Default)]
pub(crate) struct ListJoins {
    /// The words of each join (the third [`NO_WORD`] for two), and which of them are from a
    /// vowel-less script as the readings write them (bit per word).
    words: Vec<([u32; 3], u8)>,
    /// The readings each join stands in, lightest first (as the vocabulary's postings), at
    /// its first word's position: join `j`'s are `postings[starts[j]..starts[j + 1]]`.
    postings: Vec<Posting>,
    starts: Vec<u32>,
    /// Joins of Latin words by deletion-variant hash: one deletion on this side and up to two
    /// on the query's find the joins within the scorer's budget (a join may be 0.2 of its
    /// length from the query word) but those two edits away in both directions. Bucketed by
    /// the hash's top `bits` bits (`dir`: where each bucket starts, and the end); an entry is
    /// the hash's other bits above the join id's `bits` bits, four bytes where a pair would
    /// take eight.
    deletions: Vec<u32>,
    dir: Vec<u32>,
    bits: u32,
    /// Joins with a vowel-less word, by the joined skeleton: the scorer takes those only
    /// when the skeletons agree in full.
    skeletons: HashMap<String, Vec<u32>>,
    /// The Latin joins of two words, by their words: a query word that splits into two
    /// vocabulary words finds the joins of their spellings here, two edits or more from it
    /// where the deletion variants reach one ("Abahussain" for "Abu HUSSEIN").
    /// (second word, join id), grouped by first word: the first word `x`'s are
    /// `by_pair[pair_starts[x]..pair_starts[x + 1]]`, by second word. A query word's halves
    /// have dozens of spellings each, most of them first in no pair: the group's bounds say
    /// so in one read where a search of all pairs took seventeen.
    by_pair: Vec<(u32, u32)>,
    pair_starts: Vec<u32>,
    /// The Latin joins by the hash of their skeleton, sorted: a vowel-less query word writes
    /// as one what Latin spellings write apart ("السخني", "alskhny", for "AL-SUKHNY";
    /// "ظاهرعويس" for "Dahir AWES"), and the scorer compares the two by skeleton.
    latin_skeletons: Vec<(u32, u32)>,
}

/// The hashes of `word` and of `word` with one letter deleted (`one`), as [`variants`] makes
/// them but without a copy of the word per variant: the index side files every Latin join
/// this way. A doubled letter gives one variant, not two.
fn variants_one(word: &[u8], one: bool, out: &mut Vec<u32>) {
    out.push(word.iter().fold(FNV_OFFSET, |h, &x| fnv_step(h, x)) as u32);
    if !one {
        return;
    }
    let mut prefix = FNV_OFFSET;
    for i in 0..word.len() {
        if i == 0 || word[i] != word[i - 1] {
            out.push(word[i + 1..].iter().fold(prefix, |h, &x| fnv_step(h, x)) as u32);
        }
        prefix = fnv_step(prefix, word[i]);
    }
}

/// The words `ws` written as one, into `out`; `abjad`: which are vowel-less (bit per word).
fn join_text(tokens: &[Token], ws: impl IntoIterator<Item = u32>, abjad: u8, out: &mut String) {
    out.clear();
    for (k, w) in ws.into_iter().enumerate() {
        let t = &tokens[w as usize].text;
        out.push_str(if k > 0 {
            joined_part(t, abjad & (1 << k) != 0)
        } else {
            t
        });
    }
}

impl ListJoins {
    /// Collects the joins of every reading's adjacent words. `readings` yields each reading's
    /// global id, its words and which of them are vowel-less (bit per position);
    /// `to_postings` orders a join's readings as the vocabulary's are.
    pub(crate) fn build<'a>(
        tokens: &[Token],
        readings: impl Iterator<Item = (u32, &'a [u32], u64)> + Clone,
        to_postings: impl Fn(Vec<(u32, u8)>) -> Box<[Posting]>,
    ) -> ListJoins {
        let usable: Vec<bool> = tokens
            .iter()
            .map(|t| t.class != Class::Number && t.text.is_ascii() && !t.text.is_empty())
            .collect();
        let usable = |t: u32| usable[t as usize];
        // Every occurrence in one flat list (((words, vowel-less bits), reading, position)),
        // then grouped: a map of small lists would leave the heap in pieces the process keeps.
        // Room for every pair and triple at once: growing the list would copy it, and the copy
        // would sit beside it at the build's peak of memory (pages never written stay free).
        let most: usize = readings
            .clone()
            .map(|(_, ws, _)| (2 * ws.len()).saturating_sub(3))
            .sum();
        let mut found: Vec<(([u32; 3], u8), u32, u8)> = Vec::with_capacity(most);
        for (rid, ws, abjad) in readings {
            for j in 0..ws.len().saturating_sub(1) {
                let pos = if j < 32 { j as u8 } else { NO_POSITION };
                let bits = |n: usize| ((abjad >> j.min(63)) & ((1 << n) - 1)) as u8;
                let (x, y) = (ws[j], ws[j + 1]);
                if !usable(x) || !usable(y) {
                    continue;
                }
                found.push((([x, y, NO_WORD], bits(2)), rid, pos));
                // Three words as one only in Latin, as the scorer joins them, around a short
                // middle word.
                if let Some(&z) = ws.get(j + 2) {
                    if usable(z) && bits(3) == 0 && tokens[y as usize].text.len() <= MAX_MIDDLE {
                        found.push((([x, y, z], 0), rid, pos));
                    }
                }
            }
        }
        // In a fixed order, so that join ids do not depend on the order of the readings.
        found.sort_unstable();
        let mut joins = ListJoins::default();
        let mut text = String::new();
        joins.starts.push(0);
        // The Latin joins, whose deletion variants are filed below.
        let mut latin: Vec<u32> = Vec::new();
        let mut pairs: Vec<((u32, u32), u32)> = Vec::new();
        for group in found.chunk_by(|a, b| a.0 == b.0) {
            let (ws, abjad) = group[0].0;
            join_text(
                tokens,
                ws.into_iter().filter(|&w| w != NO_WORD),
                abjad,
                &mut text,
            );
            let id = joins.words.len() as u32;
            if abjad != 0 {
                let sk = chokepoint_names::skeleton(&text);
                let word = |k: usize| Token {
                    abjad: abjad & (1 << k) != 0,
                    ..tokens[ws[k] as usize].clone()
                };
                if sk.len() < 3 || !abjad_compound(&word(0), &word(1)) {
                    continue;
                }
                joins.skeletons.entry(sk).or_default().push(id);
            } else {
                if text.len() < MIN_JOIN {
                    continue;
                }
                latin.push(id);
                if ws[2] == NO_WORD {
                    pairs.push(((ws[0], ws[1]), id));
                }
                let sk = chokepoint_names::skeleton(&text);
                if sk.len() >= 3 {
                    joins.latin_skeletons.push((fnv(sk.as_bytes()) as u32, id));
                }
            }
            // One posting per reading (sorted by reading), as in the vocabulary's lists.
            let mut rs: Vec<(u32, u8)> = group.iter().map(|x| (x.1, x.2)).collect();
            rs.dedup_by_key(|x| x.0);
            joins.words.push((ws, abjad));
            joins.postings.extend_from_slice(&to_postings(rs));
            joins.starts.push(joins.postings.len() as u32);
        }
        drop(found);
        // In order already: the joins were made in the order of their words.
        debug_assert!(pairs.is_sorted());
        joins.pair_starts = vec![0; tokens.len() + 1];
        for &((x, _), _) in &pairs {
            joins.pair_starts[x as usize + 1] += 1;
        }
        for k in 1..joins.pair_starts.len() {
            joins.pair_starts[k] += joins.pair_starts[k - 1];
        }
        joins.by_pair = pairs.into_iter().map(|((_, y), id)| (y, id)).collect();
        joins.postings.shrink_to_fit();
        // As many buckets as joins, give or take: a bucket is a cache line or so.
        joins.bits = (usize::BITS - joins.words.len().leading_zeros()).clamp(12, 24);
        let bits = joins.bits;
        let (rest, shift) = ((1u32 << (32 - bits)) - 1, 32 - bits);
        joins.latin_skeletons.sort_unstable();
        // Counted, then placed: no list of (hash, join) pairs twice the size of the result.
        let mut keys = Vec::new();
        let mut each_key = |f: &mut dyn FnMut(u32, u32)| {
            for &id in &latin {
                join_text(tokens, joins.words(id), 0, &mut text);
                keys.clear();
                variants_one(text.as_bytes(), text.len() > MIN_JOIN, &mut keys);
                for &k in &keys {
                    f(k, id);
                }
            }
        };
        let mut dir = vec![0u32; (1 << bits) + 1];
        each_key(&mut |k, _| dir[(k >> shift) as usize + 1] += 1);
        for b in 1..dir.len() {
            dir[b] += dir[b - 1];
        }
        let mut at = dir.clone();
        let mut deletions = vec![0u32; dir[dir.len() - 1] as usize];
        each_key(&mut |k, id| {
            let b = (k >> shift) as usize;
            deletions[at[b] as usize] = ((k & rest) << bits) | id;
            at[b] += 1;
        });
        joins.dir = dir;
        joins.deletions = deletions;
        joins
    }

    /// The readings join `id` stands in.
    pub(crate) fn postings(&self, id: u32) -> &[Posting] {
        &self.postings[self.starts[id as usize] as usize..self.starts[id as usize + 1] as usize]
    }

    /// The Latin joins of two words whose first is `x`: (second word, join id), by second
    /// word.
    pub(crate) fn pairs_from(&self, x: u32) -> &[(u32, u32)] {
        match self.pair_starts.get(x as usize..x as usize + 2) {
            Some(&[from, to]) => &self.by_pair[from as usize..to as usize],
            _ => &[],
        }
    }

    /// The joins that query word `t` may be written apart as, with the similarity the scorer
    /// credits them with (the join's similarity, a little below a word's); `more`: joins found
    /// otherwise, to verify too.
    pub(crate) fn lookup(&self, tokens: &[Token], t: &Token, more: &[u32]) -> Apart {
        let mut out = SmallVec::new();
        if !matches!(t.class, Class::Word | Class::Particle)
            || !t.text.is_ascii()
            || t.text.len() < MIN_JOIN
            || self.words.is_empty()
        {
            return out;
        }
        let mut cands: SmallVec<[u32; 32]> = SmallVec::new();
        let sk = chokepoint_names::skeleton(&t.text);
        if t.abjad {
            let h = fnv(sk.as_bytes()) as u32;
            let from = self.latin_skeletons.partition_point(|x| x.0 < h);
            cands.extend(
                self.latin_skeletons[from..]
                    .iter()
                    .take_while(|x| x.0 == h)
                    .map(|x| x.1),
            );
        } else {
            self.by_deletions(t, &mut cands);
        }
        if let Some(v) = self.skeletons.get(&sk) {
            cands.extend(v.iter().copied());
        }
        cands.extend(more.iter().copied());
        cands.sort_unstable();
        cands.dedup();
        self.verify(tokens, t, cands, &mut out);
        out
    }

    /// The Latin joins within the scorer's budget of Latin word `t`, by deletion variants.
    fn by_deletions(&self, t: &Token, cands: &mut SmallVec<[u32; 32]>) {
        // As many deletions as the scorer's budget lets a join of the word's length differ
        // by (at most 0.2 of the longer, which may be 2 letters longer).
        let depth = match t.text.len() {
            0..=4 => 0,
            5..=9 => 1,
            _ => 2,
        };
        let mut keys = Vec::new();
        if depth < 2 {
            variants_one(t.text.as_bytes(), depth == 1, &mut keys);
        } else {
            variants(t.text.as_bytes(), depth, &mut keys);
            keys.sort_unstable();
            keys.dedup();
        }
        let bits = self.bits;
        let (rest, id) = ((1u32 << (32 - bits)) - 1, (1u32 << bits) - 1);
        for k in keys {
            let b = (k >> (32 - bits)) as usize;
            let (from, to) = (self.dir[b] as usize, self.dir[b + 1] as usize);
            cands.extend(
                self.deletions[from..to]
                    .iter()
                    .filter(|&&e| e >> bits == k & rest)
                    .map(|&e| e & id),
            );
        }
    }

    /// Keeps of the joins `cands` those the scorer credits to `t`, with the similarity.
    fn verify(&self, tokens: &[Token], t: &Token, cands: SmallVec<[u32; 32]>, out: &mut Apart) {
        let mut jt = Token {
            text: String::new(),
            class: Class::Word,
            abjad: false,
        };
        let first = t.text.as_bytes()[0];
        for c in cands {
            let (ws, abjad) = self.words[c as usize];
            let ws = &ws[..if ws[2] == NO_WORD { 2 } else { 3 }];
            let word = |k: usize| &tokens[ws[k] as usize];
            // As `Index::name_score` joins Latin list words: lengths within 2, the same first
            // letter, unless the query word is a vowel-less compound written as one.
            if abjad == 0 && !abjad_compound_word(t) {
                let len: usize = (0..ws.len()).map(|k| word(k).text.len()).sum();
                if t.text.len().abs_diff(len) > 2 || word(0).text.as_bytes()[0] != first {
                    continue;
                }
            }
            join_text(tokens, ws.iter().copied(), abjad, &mut jt.text);
            jt.abjad = abjad != 0;
            let (s, how) = spelling_similarity(t, &jt);
            if s < 0.8 {
                continue;
            }
            // The words as these readings write them: a vocabulary token may be the
            // vowel-less one where a reading has it in Latin (see `Index::plain`).
            let owned: SmallVec<[Token; 3]>;
            let parts: SmallVec<[&Token; 3]> =
                if (0..ws.len()).all(|k| word(k).abjad == (abjad & (1 << k) != 0)) {
                    (0..ws.len()).map(word).collect()
                } else {
                    owned = (0..ws.len())
                        .map(|k| Token {
                            abjad: abjad & (1 << k) != 0,
                            ..word(k).clone()
                        })
                        .collect();
                    owned.iter().collect()
                };
            if (!parts[1].abjad || initial_semivowel_written(&t.text, &parts[1].text))
                && (how == How::Skeleton || join_agrees(&parts, &t.text))
            {
                out.push((c, s * 0.98));
            }
        }
    }

    /// The words of join `id`.
    pub(crate) fn words(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        self.words[id as usize]
            .0
            .into_iter()
            .filter(|&w| w != NO_WORD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fnv;

    #[test]
    fn one_deletion_variants_are_the_general_ones() {
        for w in ["abdulkarim", "mali", "allah", "a", "aa", "ssss", "abcabc"] {
            let mut a = Vec::new();
            variants(w.as_bytes(), 1, &mut a);
            let mut b = Vec::new();
            variants_one(w.as_bytes(), true, &mut b);
            a.sort_unstable();
            a.dedup();
            let n = b.len();
            b.sort_unstable();
            b.dedup();
            assert_eq!(a, b, "{w}");
            assert_eq!(n, b.len(), "{w}: a variant twice");
            let mut c = Vec::new();
            variants_one(w.as_bytes(), false, &mut c);
            assert_eq!(c, vec![fnv(w.as_bytes()) as u32]);
        }
    }
}
