//! The screening engine: an immutable in-memory index over list entities, candidate generation
//! that does not lose matches, a name score built from token alignment, attribute evidence, and
//! an explanation of every number.
//!
//! Scoring in short (the constants are in [`Config`], documented there):
//! 1. Each name is analysed into tokens ([`chokepoint_names::analyze`]).
//! 2. Query tokens are aligned one-to-one with a list name's tokens, best pairs first; a token may
//!    also align with two adjacent tokens written as one ("AlisherUsmanov").
//! 3. Each token weighs by its rarity in the index (inverse document frequency), particles and
//!    legal forms weigh little. The name score is the weighted share of the query that aligned,
//!    lowered a little by list tokens left over.
//! 4. Attributes move the score: an agreeing birth date or country up, a conflicting one down,
//!    an identical identifier makes a match, a street address or contact detail the list gives
//!    for the entity adds 0.2 (`place`), a different kind of party counts against.
#![deny(missing_docs)]

pub mod batch;
mod list_joins;
mod place;

use ahash::AHashMap as HashMap;
use chokepoint_model::{country, DateSpec, Entity, Kind, Name, NameQuality, PartialDate};
use chokepoint_names::{
    abjad_compound, abjad_compound_word, analyze, initial_semivowel_written, join_agrees,
    joined_part, spelling_similarity, token_similarity, Class, How, NameForm, Token,
    INITIAL_SIMILARITY,
};
use list_joins::{Apart, ListJoins};
use place::{Places, QueryPlace, LOCATION_MATCH, NO_PLACES};
use rayon::prelude::*;
use serde::Serialize;
use smallvec::SmallVec;

/// Scoring constants. The defaults were set on the name benchmark and are documented in
/// BENCHMARKS.md; change them per request, not per process.
#[derive(Debug, Clone)]
pub struct Config {
    /// Score at or above which a match is an alert.
    pub alert_threshold: f32,
    /// Weight of query tokens left unmatched (a name the list omits), relative to matched ones.
    pub unmatched_query_weight: f32,
    /// Weight of list tokens left unmatched (a name the query omits).
    pub unmatched_list_weight: f32,
    /// Extra weight when both sides have unmatched tokens: a conflicting name, not an omission.
    pub conflict_weight: f32,
    /// Factor applied to a match on a weak or low-quality alias.
    pub weak_alias_factor: f32,
    /// Candidates fully scored per query at least, best estimate first.
    pub candidates: usize,
    /// Past `candidates`, scoring goes on while a candidate's estimate comes within this margin
    /// of the `top_k`-th score found so far (the estimate can be this far below the score).
    pub estimate_margin: f32,
    /// Candidates fully scored per query at most, where the answer holds up to
    /// `max_candidates / 4` matches (a longer answer scores four candidates per match); also
    /// the most alerts an alerts-only screening returns.
    pub max_candidates: usize,
    /// Candidates fully scored per alerts-only query at least ([`Index::screen_alerts`]),
    /// whatever their estimate: an estimate misses some evidence (a word standing for an
    /// initial), so the best few are scored anyway.
    pub alert_candidates: usize,
    /// A candidate's readings (names) whose estimate falls this far below its best reading's
    /// are not scored.
    pub reading_margin: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alert_threshold: DEFAULT_ALERT_THRESHOLD,
            unmatched_query_weight: 0.35,
            unmatched_list_weight: 0.1,
            conflict_weight: 2.0,
            weak_alias_factor: 0.9,
            candidates: 32,
            estimate_margin: 0.1,
            max_candidates: 64,
            alert_candidates: 16,
            reading_margin: 0.15,
        }
    }
}

/// The weight of a query's words left unmatched by a list name of one word (see
/// [`Index::name_score`]), relative to matched ones.
const MONONYM_UNMATCHED_QUERY_WEIGHT: f32 = 1.0;

/// Candidates scored per match returned, past `Config::max_candidates`: an alerts-only
/// screening returns up to `max_candidates` matches, a `top_k` one may ask for more.
const CANDIDATES_PER_RESULT: usize = 4;

/// The lengths of an acronym that stands for a name's words ("PLA"). Two letters are no
/// evidence: one of the 676 pairs is the initials of most two-word names ("SL", Sendero
/// Luminoso, is no "Sudokhodnaya Lyukstrans").
const ACRONYM_LEN: std::ops::RangeInclusive<usize> = 3..=6;

/// The documented default alert threshold.
pub const DEFAULT_ALERT_THRESHOLD: f32 = 0.70;

/// A screening request.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// The name to screen.
    pub name: String,
    /// Kind of party, when known.
    pub kind: Option<Kind>,
    /// Birth (or incorporation) date, when known.
    pub birth_date: Option<PartialDate>,
    /// Country (nationality, residence or incorporation), ISO alpha-2.
    pub country: Option<String>,
    /// Identifiers (passport, IMO, LEI …), any spelling; an e-mail address, phone number or
    /// website among them is compared with the lists' contact details.
    pub identifiers: Vec<String>,
    /// Postal address, free text ("1602 Brenville Pl, San Francisco, CA 94105"): a street
    /// address the list gives for an entity that agrees with it adds to that entity's score.
    pub address: Option<String>,
    /// Restrict to these sources (prefixes: `un`, `ofac`, `eu`, `uk`, `csl`, `bis-dpl` …).
    pub sources: Vec<String>,
}

/// What a screening returns.
#[derive(Clone, Copy)]
enum Want {
    /// The best `k` matches, whatever their score.
    Top(usize),
    /// The matches at or above the alert threshold.
    Alerts,
}

impl Want {
    /// The most matches returned: alerts stop at the most candidates scored.
    fn limit(self, c: &Config) -> usize {
        match self {
            Want::Top(k) => k,
            Want::Alerts => c.max_candidates,
        }
    }
}

/// One reading of one of an entity's names: a range of [`IndexedEntity::tokens`]. Kept flat so
/// that scoring a candidate reads one contiguous block instead of chasing a pointer per name.
#[derive(Clone, Copy)]
struct Reading {
    /// Index in `Entity::names`.
    name_idx: u32,
    /// Index of this reading among the name's readings.
    li: u16,
    native: bool,
    /// Whether the name has a native (Han/Hangul/Kana) reading at all.
    name_has_native: bool,
    start: u32,
    len: u32,
    /// Bit k: the reading's token k is from a vowel-less script. The vocabulary keeps one
    /// token per text, marked vowel-less if any reading's is (see [`Index::intern`]); a Latin
    /// "b" or "la" must still be compared as Latin where it is written in Latin.
    abjad: u64,
}

struct IndexedEntity {
    entity: Entity,
    /// Global id of the first of `readings` (see [`ReadingInfo`]).
    first_reading: u32,
    source: String,
    readings: Box<[Reading]>,
    tokens: Box<[u32]>,
    countries: Vec<String>,
    /// `countries` as [`country_code`]s, for comparing many entities quickly.
    country_codes: Box<[u16]>,
    ids: Vec<(String, String)>,
}

impl IndexedEntity {
    /// The token ids of one of its readings.
    fn words(&self, r: &Reading) -> &[u32] {
        &self.tokens[r.start as usize..(r.start + r.len) as usize]
    }
}

/// The most the attributes of an entity can move its score, whatever the query's exact date,
/// and for most entities the exact change: compact (24 bytes, one array in entity order), so
/// candidate generation can weigh hundreds of candidates without reading their entities.
#[derive(Clone, Copy)]
struct AttributeHint {
    /// Range of the birth years given (`lo > hi`: none).
    lo: i16,
    hi: i16,
    /// [`country_code`]s, the first four; `n_codes` counts them all.
    codes: [u16; 4],
    n_codes: u8,
    kind: Kind,
    /// The birth dates when there are at most [`HINT_DATES`] and none is a range (year,
    /// month, day; 0: not given); `n_dates` counts them, [`NOT_COMPACT`] when they do not fit.
    dates: [(i16, u8, u8); HINT_DATES],
    n_dates: u8,
}

/// Birth dates an [`AttributeHint`] holds.
const HINT_DATES: usize = 2;
/// An [`AttributeHint::n_dates`] for dates that only the entity holds.
const NOT_COMPACT: u8 = u8::MAX;

impl AttributeHint {
    fn of(e: &Entity, codes: &[u16]) -> AttributeHint {
        let years = e.birth_dates.iter().flat_map(|d| {
            [d.date.year]
                .into_iter()
                .chain(d.to.map(|t| t.year))
                .map(|y| y.clamp(i16::MIN as i32, i16::MAX as i32) as i16)
        });
        let mut c = [0u16; 4];
        for (slot, &x) in c.iter_mut().zip(codes) {
            *slot = x;
        }
        let mut dates = [(0i16, 0u8, 0u8); HINT_DATES];
        let compact = e.birth_dates.len() <= HINT_DATES
            && e.birth_dates.iter().all(|d| {
                d.to.is_none()
                    && i16::try_from(d.date.year).is_ok()
                    && d.date.month != Some(0)
                    && d.date.day != Some(0)
            });
        if compact {
            for (slot, d) in dates.iter_mut().zip(&e.birth_dates) {
                *slot = (
                    d.date.year as i16,
                    d.date.month.unwrap_or(0),
                    d.date.day.unwrap_or(0),
                );
            }
        }
        AttributeHint {
            lo: years.clone().min().unwrap_or(i16::MAX),
            hi: years.max().unwrap_or(i16::MIN),
            codes: c,
            n_codes: codes.len().min(255) as u8,
            kind: e.kind,
            dates,
            n_dates: if compact {
                e.birth_dates.len() as u8
            } else {
                NOT_COMPACT
            },
        }
    }

    /// The change the country, birth date and kind make, as [`Index::attribute_evidence`]
    /// computes it, when the hint holds all of them; `None` when only the entity does.
    fn evidence(&self, q: &Query, qcode: Option<u16>) -> Option<f32> {
        let mut x = 0.0;
        if let (Some(qc), true) = (qcode, self.n_codes > 0) {
            if self.n_codes > 4 {
                return None;
            }
            x += if self.codes[..self.n_codes as usize].contains(&qc) {
                COUNTRY_MATCH
            } else {
                COUNTRY_MISMATCH
            };
        }
        if let (Some(qd), true) = (&q.birth_date, self.n_dates > 0) {
            if self.n_dates == NOT_COMPACT {
                return None;
            }
            let spec = |&(y, m, d): &(i16, u8, u8)| DateSpec {
                date: PartialDate {
                    year: y as i32,
                    month: (m > 0).then_some(m),
                    day: (d > 0).then_some(d),
                },
                to: None,
                circa: false,
            };
            let n = self.n_dates as usize;
            let list: [DateSpec; HINT_DATES] = std::array::from_fn(|i| spec(&self.dates[i]));
            x += date_evidence(qd, &list[..n]).1;
        }
        if let Some(qk) = q.kind {
            x += kind_delta(qk, self.kind);
        }
        Some(x)
    }

    /// The largest [`AttributeHint::bound`] of any entity for this query: its country and
    /// birth date agreeing, its kind no other than the query's.
    fn most(q: &Query) -> f32 {
        let country = q.country.as_ref().map_or(0.0, |_| COUNTRY_MATCH);
        let date = q.birth_date.as_ref().map_or(0.0, |d| {
            if d.day.is_some() {
                DATE_EXACT
            } else {
                DATE_COMPATIBLE
            }
        });
        country + date
    }

    /// An upper bound of [`Index::attribute_evidence`]'s change for this entity (identifiers
    /// aside, which stage 1 puts first anyway).
    fn bound(&self, q: &Query, qcode: Option<u16>) -> f32 {
        let mut b = 0.0;
        if let (Some(qc), true) = (qcode, self.n_codes > 0) {
            let n = (self.n_codes as usize).min(4);
            b += if self.n_codes > 4 || self.codes[..n].contains(&qc) {
                COUNTRY_MATCH
            } else {
                COUNTRY_MISMATCH
            };
        }
        if let (Some(qd), true) = (&q.birth_date, self.lo <= self.hi) {
            let (lo, hi) = (self.lo as i32, self.hi as i32);
            b += if (lo..=hi).contains(&qd.year) {
                if qd.day.is_some() {
                    DATE_EXACT
                } else {
                    DATE_COMPATIBLE
                }
            } else if (lo - 1..=hi + 1).contains(&qd.year) {
                DATE_NEAR
            } else {
                DATE_MISMATCH
            };
        }
        if let Some(qk) = q.kind {
            b += kind_delta(qk, self.kind);
        }
        b
    }
}

/// What candidate generation needs of one reading, by global reading id (an entity's readings
/// are numbered in order, across the index).
#[derive(Default, Clone, Copy)]
struct ReadingInfo {
    entity: u32,
    /// Σ token weight: what a partial match leaves unmatched on the list side.
    weight: f32,
    native: bool,
    /// A weak or low-quality alias, whose score the scorer discounts.
    weak: bool,
}

/// An immutable index over entities. Build a new one when the lists change and swap it in
/// (e.g. behind an `Arc`); queries never see a half-built index.
pub struct Index {
    entities: Vec<IndexedEntity>,
    /// Per entity, what its attributes can do to a score.
    hints: Vec<AttributeHint>,
    vocab: HashMap<String, u32>,
    tokens: Vec<Token>,
    df: Vec<u32>,
    /// Per vocabulary token, the readings that contain it, lightest first (see
    /// [`LONG_POSTINGS`]): candidates are estimated per reading, as the scorer aligns one name
    /// at a time. Each posting carries the reading's info, so that a reading is credited
    /// without reading anything else.
    postings: Vec<Box<[Posting]>>,
    /// The global ids of the readings that contain each token, while the index is built.
    raw_postings: Vec<Vec<(u32, u8)>>,
    reading_info: Vec<ReadingInfo>,
    /// Per reading, the first letters of its first [`LETTER_POSITIONS`] words (5 bits each,
    /// 1–26; 0 for none): a query's initial pairs with a list word of its letter.
    first_letters: Vec<u64>,
    /// Per acronym ("pla"), the non-native readings whose words' initials spell it.
    acronyms: HashMap<String, Box<[Posting]>>,
    /// Per vocabulary token, the tokens that are it joined to another vocabulary token:
    /// (the other, the compound) — "mahmud" → ("zadeh", "mahmudzadeh"). See
    /// [`Index::joined_ids`].
    compounds: HashMap<u32, Vec<(u32, u32)>>,
    /// Adjacent list words that a query word may be written as one ("Malik" for "MA LI").
    list_joins: ListJoins,
    /// Unique per index built in this process: per-thread scratch arrays sized by its readings
    /// are tied to it.
    id: u64,
    by_key: HashMap<String, Vec<u32>>,
    trigrams: HashMap<[u8; 3], TrigramList>,
    /// (deletion-variant hash, vocabulary id), sorted: see [`deletion_keys`].
    deletions: Vec<(u32, u32)>,
    /// Where each bucket of `deletions` (by the key's top bits) starts, and one past the end: a
    /// lookup reads one bucket instead of binary-searching megabytes.
    deletion_dir: Vec<u32>,
    tri_len: Vec<u16>,
    /// Per vocabulary token, its length (capped at 127) and whether it is from a vowel-less
    /// script (bit 7), and its length with "x" written "ks" (high byte), as the similarity
    /// measures it against a word without "x": the length pre-check reads this compact array,
    /// not the token.
    len_abjad: Vec<u16>,
    /// Per token with more than [`LONG_POSTINGS`] postings, the postings past the head whose
    /// entity gives a birth year (an entity with several years, or a short range, under each),
    /// ordered by year. A common given name ties hundreds of entities on the name alone, and
    /// the attributes rank them: with a birth year in the query, the entities born in that
    /// year are the ones that rise, however deep in the list.
    year_tails: HashMap<u32, YearTail>,
    /// Vocabulary tokens marked vowel-less that some readings write in Latin ("abd", "amr"
    /// are words of both): the token as those readings have it.
    plain: HashMap<u32, Plain>,
    /// Per vocabulary token, its verified neighbours ([`Index::expand`]: token id, similarity,
    /// how), found the first time a query has the token, or all at once by [`Index::warm`]: a
    /// query word on a list then costs one lookup, not a search of the vocabulary.
    neighbours: Vec<std::sync::OnceLock<Neighbours>>,
    /// Per vocabulary token, the list joins it may be written apart as
    /// ([`Index::joins_apart`]), found the first time a query has the token.
    apart: Vec<std::sync::OnceLock<CachedJoins>>,
    weights: Vec<f32>,
    id_index: HashMap<String, Vec<u32>>,
    /// (street key, entity), in order: the entities whose street may agree with a query's
    /// address ([`place::street_keys`]).
    street_index: Vec<(u32, u32)>,
    /// Entities by [`place::contact_key`] of their e-mail addresses, phones and websites.
    contact_index: HashMap<Box<str>, Vec<u32>>,
    /// The street addresses and contact details of the entities that have any, for a query
    /// that gives its own (kept apart: most queries give none, and half the entities have
    /// none).
    places: HashMap<u32, Places>,
    config: Config,
    /// Token statistics of a larger index to weigh tokens by (see [`Index::build_against`]).
    reference: Option<Box<Reference>>,
}

/// The postings of a long list's tail that give a birth year, by year (see
/// [`Index::year_tails`]).
struct YearTail {
    years: Box<[i16]>,
    postings: Box<[Posting]>,
}

/// The year under which [`Index::year_tails`] files the people without a birth date.
const UNDATED: i16 = i16::MIN;

/// The widest range of birth years an entity is filed under in [`Index::year_tails`]: a wider
/// one is no telling agreement.
const YEAR_TAIL_SPAN: i16 = 3;

/// Document frequencies and entity count borrowed from another index.
struct Reference {
    df: HashMap<String, u32>,
    n: usize,
}

/// A vocabulary token's list joins: (join id, similarity).
type CachedJoins = Box<[(u32, f32)]>;

/// A vowel-less vocabulary token as readings that write it in Latin have it, with its
/// neighbours and joins when a query writes it so: kept as [`Index::neighbours`] and
/// [`Index::apart`] keep the vowel-less token's, instead of found again for every query.
struct Plain {
    token: Token,
    neighbours: std::sync::OnceLock<Neighbours>,
    apart: std::sync::OnceLock<CachedJoins>,
}

/// Verified neighbours of a vocabulary token: (token id, similarity, how).
type Neighbours = Box<[(u32, f32, How)]>;
/// One query token's verified matches: vocabulary id → (similarity, how).
type TokenMatches<'a> = Near<'a>;

/// A query token's verified matches, sorted by vocabulary id: borrowed from the neighbour
/// cache when the token is in the vocabulary, computed for this query when it is not.
enum Near<'a> {
    Cached(&'a [(u32, f32, How)]),
    Owned(Vec<(u32, f32, How)>),
}

impl Near<'_> {
    fn as_slice(&self) -> &[(u32, f32, How)] {
        match self {
            Near::Cached(s) => s,
            Near::Owned(v) => v,
        }
    }

    fn get(&self, id: u32) -> Option<(f32, How)> {
        let s = self.as_slice();
        s.binary_search_by_key(&id, |x| x.0)
            .ok()
            .map(|i| (s[i].1, s[i].2))
    }
}

/// The names of an entity with their readings: interned in the index, or analysed on the spot
/// (for [`Index::compare`]).
enum ListNames<'a> {
    Indexed(&'a Index, &'a IndexedEntity),
    Owned(&'a [(usize, Vec<NameForm>)]),
}

impl ListNames<'_> {
    /// Calls `f(name index, form index, name has a native reading, form is native, tokens,
    /// token ids — empty outside the index)` for every reading of every name that `keep`
    /// accepts by its token ids (looking tokens up is the costly part).
    fn each(
        &self,
        keep: impl Fn(usize, &[u32]) -> bool,
        mut f: impl FnMut(usize, usize, bool, bool, &[&Token], &[u32]),
    ) {
        let mut buf: SmallVec<[&Token; 16]> = SmallVec::new();
        match self {
            ListNames::Indexed(ix, ie) => {
                for (k, r) in ie.readings.iter().enumerate() {
                    let ids = ie.words(r);
                    if !keep(k, ids) {
                        continue;
                    }
                    buf.clear();
                    buf.extend(ids.iter().enumerate().map(|(k, &t)| {
                        let tok = &ix.tokens[t as usize];
                        if tok.abjad && k < 64 && r.abjad >> k & 1 == 0 {
                            ix.plain.get(&t).map_or(tok, |p| &p.token)
                        } else {
                            tok
                        }
                    }));
                    f(
                        r.name_idx as usize,
                        r.li as usize,
                        r.name_has_native,
                        r.native,
                        &buf,
                        ids,
                    );
                }
            }
            ListNames::Owned(names) => {
                for (ni, forms) in names.iter() {
                    let has_native = forms.iter().any(|f| f.native);
                    for (li, form) in forms.iter().enumerate() {
                        buf.clear();
                        buf.extend(form.tokens.iter());
                        f(*ni, li, has_native, form.native, &buf, &[]);
                    }
                }
            }
        }
    }
}

/// A candidate's score, before its match and explanation are written out.
struct Scored {
    entity: usize,
    score: f32,
    name_score: f32,
    /// (name index, reading index, query form index) of the best-scoring name.
    best: Option<(usize, usize, usize)>,
}

/// A query's verified token matches: per query form and token, vocabulary id → similarity; and
/// every vocabulary id that can take part in a match (for skipping names quickly).
struct Memo<'a> {
    tokens: Vec<Vec<Near<'a>>>,
    shared: Bits,
    /// Per query form, each token's weight.
    weights: Vec<Vec<f32>>,
    /// The query may be an acronym of a list name, which then shares no token with it.
    acronym: bool,
    /// Per query form, per pair of adjacent words, the list words they may be written as one
    /// ([`Index::joined_ids`]): the token set and candidate generation both need them.
    joins: Vec<Vec<Vec<(u32, f32)>>>,
    /// Per query form and token, the adjacent list words it may be written apart as
    /// ([`ListJoins::lookup`]): join id, similarity.
    list_joins: Vec<Vec<Apart>>,
    /// Per query form, per pair of adjacent words whose article the other script writes on
    /// the other word ([`article_on`]), the list joins of their join: "عبد الرحمن" for "Abdul
    /// Rahman".
    moved: Vec<Vec<Apart>>,
    /// Per query form, the words that split into two vocabulary words of which one is from a
    /// vowel-less script: (query word, halves). Those halves join by skeleton, with other
    /// spellings of either ("abdallah" is "abd al" too), and candidate generation credits
    /// each on its own (Latin halves are the list joins' words).
    abjad_halves: Vec<Vec<(usize, u32, u32)>>,
    /// The entities whose address or contact details agree with the query's, in order
    /// ([`Index::located`]): no other entity's are compared.
    located: Vec<u32>,
}

/// Which word of two adjacent ones carries the article, where that differs between the
/// scripts: Latin writes it on the first ("Abdul Rahman", "Abdel", "Abul"), a vowel-less
/// script on the second ("عبد الرحمن", abd·alrhmn), so that neither word alone spells the
/// other script's.
#[derive(PartialEq, Eq, Clone, Copy)]
enum ArticleOn {
    First,
    Second,
}

/// Which of adjacent words `a` and `b` carries the article the other script writes on the
/// other, if either does (see [`ArticleOn`]).
fn article_on(a: &Token, b: &Token) -> Option<ArticleOn> {
    if !a.abjad && !b.abjad {
        let t = a.text.as_bytes();
        (t.len() >= 4
            && t.ends_with(b"l")
            && matches!(t[t.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u'))
        .then_some(ArticleOn::First)
    } else {
        (a.abjad && b.abjad && abjad_compound(a, b) && {
            let rest = joined_part(&b.text, true);
            rest.starts_with('l') && rest.len() >= 3
        })
        .then_some(ArticleOn::Second)
    }
}

/// `%skeleton` and, for skeletons of four or more consonants, each one-deletion of it.
fn skeleton_keys(sk: &str) -> Vec<String> {
    let mut out = vec![format!("%{sk}")];
    if sk.len() >= 4 {
        for i in 0..sk.len() {
            out.push(format!("%{}{}", &sk[..i], &sk[i + 1..]));
        }
    }
    out
}

/// The keys of the Latin words whose skeleton a vowel-less word's skeleton `sk` may stand
/// for without being it ("#" and the skeleton, as each vocabulary token is filed): one letter
/// written two ways (`SKELETON_VARIANTS`: "mrtd", مرتضی, for "Morteza", m·r·t·s), or the
/// article on one side only ("lskhn" for "SEKHNI", "lmsr" for "MASRI"), as the scorer accepts
/// them: the article where the vowel-less word writes it, on a name of two consonants or
/// more; a letter two ways, or the article where the Latin word writes it, in skeletons of
/// four or more.
fn latin_skeleton_keys(sk: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(rest) = sk.strip_prefix('l').filter(|r| r.len() >= 2) {
        out.push(format!("#{rest}"));
    }
    if sk.len() < 4 {
        return out;
    }
    let b = sk.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        for v in chokepoint_names::skeleton_variants(c) {
            let mut k = Vec::with_capacity(b.len() + 1);
            k.push(b'#');
            k.extend_from_slice(&b[..i]);
            k.push(v);
            k.extend_from_slice(&b[i + 1..]);
            out.extend(String::from_utf8(k).ok());
        }
    }
    out.push(format!("#l{sk}"));
    out
}

/// A set of vocabulary ids: one bit each, so that testing every token of every candidate name
/// costs a shift and a mask.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    fn contains(&self, i: u32) -> bool {
        self.0
            .get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

impl Extend<u32> for Bits {
    fn extend<I: IntoIterator<Item = u32>>(&mut self, it: I) {
        for i in it {
            if let Some(w) = self.0.get_mut(i as usize / 64) {
                *w |= 1 << (i % 64);
            }
        }
    }
}

/// A reading in a postings list, with what estimating it needs.
#[derive(Default, Clone, Copy)]
struct Posting {
    reading: u32,
    info: ReadingInfo,
    /// Where the token stands in the reading, [`NO_POSITION`] when it stands in several
    /// places or past the 32 that [`Acc::used`] tracks (it fits the padding of `info`).
    pos: u8,
}

/// How many of a reading's words [`Index::first_letters`] holds.
const LETTER_POSITIONS: usize = 12;

/// A word's first letter as [`Index::first_letters`] keeps it: 1–26 for "a"–"z", none for
/// other letters and for numbers.
fn letter_code(t: &Token) -> Option<u8> {
    match t.text.as_bytes().first() {
        Some(&c) if c.is_ascii_lowercase() && t.class != Class::Number => Some(c - b'a' + 1),
        _ => None,
    }
}

/// A [`Posting::pos`] that is not tracked.
const NO_POSITION: u8 = u8::MAX;

/// In [`ListJoins`]: no third word.
const NO_WORD: u32 = u32::MAX;

/// The bit of a list word position in [`Acc::used`]; none for an untracked one.
fn position_bit(pos: u8) -> u32 {
    if pos < 32 {
        1 << pos
    } else {
        0
    }
}

/// One reading's credit during candidate generation: the totals of its best pairs (as the
/// scorer sums them), and the pair the current pass has credited so far. The readings a query
/// touches get consecutive slots, so that crediting them stays in a few kilobytes of cache
/// instead of one line in megabytes per reading.
#[derive(Default, Clone, Copy)]
struct Acc {
    posting: Posting,
    /// The pass (query token, joined pair …) that last credited this reading.
    pass: u32,
    cur: f32,
    cur_w: f32,
    cur_l: f32,
    sum: f32,
    sum_w: f32,
    sum_q: f32,
    sum_l: f32,
    /// Whether a pair that is evidence on its own credited the reading (see
    /// [`Credit::content`]).
    content: bool,
    /// The list word position of the current pass's pair.
    cur_pos: u8,
    /// The pass that first credited this reading (`u32::MAX`: none, only the tails'
    /// second scan).
    found: u32,
    /// The list word positions that earlier passes' pairs took: the scorer pairs each list
    /// word with one query word, so a later query word cannot take it again ("Ahmad Ali Ahma"
    /// is not "Ahmad" twice).
    used: u32,
    /// The current pass's best pair at another list word than its best's: the word's
    /// position ([`NO_POSITION`]: none), credit, pair weight and list weight.
    alt_pos: u8,
    alt_ws: f32,
    alt_w: f32,
    alt_wl: f32,
    /// The list word the reading's previous pass took, that pair's similarity, and the
    /// previous pass's other pair (its position, [`NO_POSITION`] for none, and what taking it
    /// instead changes in `sum`, `sum_w` and `sum_l`). The scorer pairs the most similar words
    /// first, so where a later pass's pair is more similar on the word the previous pass
    /// took ("Ali AZLI": "azli" took "ali" at 0.75 before "ali" came with 1.0), the previous
    /// pass trades it for its other pair ("fazli"). Kept as a difference: the credit record is
    /// read for every posting, and its size shows in the cache misses.
    prev_pos: u8,
    prev_s: f32,
    prev_alt_pos: u8,
    trade: [f32; 3],
}

static NEXT_INDEX_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// `deletions` is bucketed by the top 32 − this many bits of the key.
const DELETION_SHIFT: u32 = 12;

/// Past this many postings, a list credits only the readings other passes found (see
/// [`Index::candidates`]).
const LONG_POSTINGS: usize = 256;

/// Asks the CPU to start loading the cache line at `p`. Candidate generation touches one
/// random line per reading in arrays of hundreds of kilobytes; asking for each a few readings
/// ahead overlaps the waits instead of taking them one after another.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it reads nothing and never faults, whatever the
    // address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// How many postings ahead [`prefetch`] asks for a reading's slot.
const PREFETCH_AHEAD: usize = 8;

/// One list of readings a pass credits, with the pair it credits them with.
struct Credit<'a> {
    rs: &'a [Posting],
    /// Pair weight.
    w: f32,
    /// Similarity.
    s: f32,
    /// List weight covered.
    wl: f32,
    /// Whether the pair is evidence of the same name on its own (an initial is not).
    content: bool,
    /// The postings past a long list's head whose entity was born in the query's birth year
    /// (see [`Index::year_tails`]): credited in full with the head.
    by_year: &'a [Posting],
    /// Those whose entity is a person with no birth date, which the query's cannot
    /// contradict.
    undated: &'a [Posting],
}

/// Per-thread buffers reused across queries, so a query allocates little.
#[derive(Default)]
struct Scratch {
    tri_counts: Vec<u16>,
    tri_touched: Vec<u32>,
    /// The credits of the readings the current query form touched, in the order touched.
    acc: Vec<Acc>,
    /// Per reading of the index [`Scratch::index`], its slot in `acc` plus one; 0: none.
    slot_of: Vec<u32>,
    /// The [`Index::id`] that `slot_of`, `touched` and `est` are sized for.
    index: u64,
    /// The readings that have a slot, one bit each (a few kilobytes: testing it misses no
    /// cache).
    touched: Bits,
    /// Per reading, its best estimate over the query forms, kept until the candidates are
    /// scored.
    est: Vec<f32>,
    /// The readings whose `est` is set.
    reading_est_touched: Vec<u32>,
    /// Per entity, the best estimate of its readings.
    best: Vec<f32>,
    best_touched: Vec<u32>,
    /// The readings that the tail of a long list skipped in an earlier pass of this query
    /// form, and every reading a tail skipped, pass after pass.
    tail_seen: Bits,
    tail_all: Vec<u32>,
    /// The readings to credit again from the tails that skipped them: those that tails of
    /// two passes skipped, and those that a pass found after a tail skipped them; one bit
    /// each and in a list.
    twice: Bits,
    twice_list: Vec<u32>,
    /// [`Memo::shared`]'s bits, all clear between queries.
    shared: Bits,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// [`Index::name_score`]'s buffer for words joined across a space.
    static JOIN_BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// The OFAC listing that a CSL entry copies: the CSL gives an SDN entry the SDN's own uid
/// (`csl:7837` is `ofac:7837`).
fn ofac_twin(id: &str) -> Option<String> {
    let uid = id.strip_prefix("csl:")?;
    (!uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit())).then(|| format!("ofac:{uid}"))
}

/// A name's words, folded and sorted: the CSL writes "GARCIA, Carlos Alberto" as "Carlos
/// Alberto GARCIA".
fn name_key(full: &str) -> Vec<String> {
    let mut words: Vec<String> = chokepoint_names::fold(full)
        .split_whitespace()
        .map(String::from)
        .collect();
    words.sort_unstable();
    words
}

/// The qualities OFAC gives the names of a CSL entry's original, for the names the copy gives
/// none: (name index in `copy`, quality). OFAC marks its weak AKAs (a lone "SAMIR", "OSCAR",
/// "PATRICIA" beside a full name), which the scorer discounts; the CSL's copy of an SDN entry
/// drops the mark, and "Samir RIOS" alerted on the copy's "SAMIR" where the original's scored
/// below the threshold.
fn alias_qualities(copy: &Entity, original: &Entity) -> Vec<(usize, NameQuality)> {
    if name_key(&original.name) != name_key(&copy.name) {
        return Vec::new();
    }
    let quality: HashMap<Vec<String>, NameQuality> = original
        .names
        .iter()
        .map(|n| (name_key(&n.full), n.quality))
        .collect();
    copy.names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.quality == NameQuality::Unknown)
        .filter_map(|(k, n)| Some((k, *quality.get(&name_key(&n.full))?)))
        .collect()
}

/// Gives the CSL's copies of SDN entries their names' OFAC qualities (see
/// [`alias_qualities`]), the originals found among `entities` or by `elsewhere`.
fn carry_alias_quality<'a>(
    entities: &mut [(String, Entity)],
    elsewhere: impl Fn(&str) -> Option<&'a Entity>,
) {
    let updates: Vec<(usize, usize, NameQuality)> = {
        let here: HashMap<&str, usize> = entities
            .iter()
            .enumerate()
            .filter(|(_, (_, e))| e.id.starts_with("ofac:"))
            .map(|(k, (_, e))| (e.id.as_str(), k))
            .collect();
        entities
            .iter()
            .enumerate()
            .filter_map(|(k, (_, e))| {
                let id = ofac_twin(&e.id)?;
                let original = match here.get(id.as_str()) {
                    Some(&j) => &entities[j].1,
                    None => elsewhere(&id)?,
                };
                Some((k, alias_qualities(e, original)))
            })
            .flat_map(|(k, v)| v.into_iter().map(move |(n, q)| (k, n, q)))
            .collect()
    };
    for (k, n, q) in updates {
        entities[k].1.names[n].quality = q;
    }
}

/// The first letters of a name's words and initials: the acronym the name would have. None
/// for a name in a vowel-less script, whose transliteration's first letters spell no
/// acronym anyone writes ("سنندج مرکزی زندان" is no "СМЗ").
fn initials<'a>(tokens: impl IntoIterator<Item = &'a Token>) -> String {
    initials_at(tokens).0
}

/// [`initials`], with the positions of the words they are the first letters of.
fn initials_at<'a>(tokens: impl IntoIterator<Item = &'a Token>) -> (String, Vec<usize>) {
    let (mut out, mut at) = (String::new(), Vec::new());
    for (i, t) in tokens.into_iter().enumerate() {
        if t.abjad {
            return (String::new(), Vec::new());
        }
        if matches!(t.class, Class::Word | Class::Initial) {
            out.extend(t.text.chars().next());
            at.push(i);
        }
    }
    (out, at)
}

/// Every country an entity is tied to (nationality, citizenship, address), sorted, unique.
fn entity_countries(e: &Entity) -> Vec<String> {
    let mut c: Vec<String> = e
        .nationalities
        .iter()
        .chain(&e.citizenships)
        .cloned()
        .collect();
    c.extend(e.addresses.iter().filter_map(|a| a.country.clone()));
    c.sort();
    c.dedup();
    c
}

/// A country code as a number: two-letter codes exactly, others by hash (with the top bit set,
/// so they never equal a two-letter code). Only candidate estimates use it; scores compare the
/// strings.
fn country_code(code: &str) -> u16 {
    match code.as_bytes() {
        &[a, b] => (a as u16) << 8 | b as u16,
        other => fnv(other) as u16 | 0x8000,
    }
}

/// The identifiers that can identify an entity (not websites, e-mails or phones), normalised.
fn entity_ids(e: &Entity) -> Vec<(String, String)> {
    e.identifiers
        .iter()
        .filter(|i| !matches!(i.kind.as_str(), "website" | "email" | "phone" | "other"))
        .map(|i| (i.kind.clone(), normalise_id(&i.value)))
        .filter(|(_, v)| v.len() >= 4)
        .collect()
}

/// Normalises an identifier for comparison: letters and digits only, upper-case.
pub fn normalise_id(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// How many deletions a token's entries in the deletion index go down to: as many as the typo
/// budget of [`chokepoint_names::token_similarity`] allows at that length, capped at 2. Pairs
/// whose longer word has 10 letters or more may be 3 edits apart: those are found by trigrams
/// (see [`TRIGRAM_LONG`]).
fn deletion_depth(len: usize) -> usize {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// The length from which the typo budget (3) exceeds [`deletion_depth`]: only pairs whose longer
/// word is this long need the trigram lists.
const TRIGRAM_LONG: usize = 10;

/// The most the typo budget lets two words' lengths differ by.
const MAX_LEN_GAP: usize = 3;

/// The vocabulary tokens that contain one trigram, longest first, with where the ones shorter
/// than [`TRIGRAM_LONG`] and than `TRIGRAM_LONG - MAX_LEN_GAP` start: a query word reads only
/// the part of the list its budget can reach past the deletion index.
#[derive(Default)]
struct TrigramList {
    ids: Vec<u32>,
    long_end: u32,
    reach_end: u32,
}

/// A word's length with "x" written "ks", as the similarity measures it against a word
/// without "x" ("Alexandrov" is "aleksandrov", 11 letters).
fn ks_len(word: &str) -> usize {
    word.len() + word.matches('x').count()
}

/// The word with "x" written "ks" ("Alexei", "Aleksei"), when it has one: the similarity
/// compares that spelling, so the deletion index holds its variants too.
fn ks_form(word: &str) -> Option<String> {
    word.contains('x').then(|| word.replace('x', "ks"))
}

/// [`deletion_keys`] of a word and of its [`ks_form`], merged.
fn all_deletion_keys(word: &str) -> Vec<u32> {
    let mut keys = deletion_keys(word);
    if let Some(ks) = ks_form(word) {
        keys.extend(deletion_keys(&ks));
        keys.sort_unstable();
        keys.dedup();
    }
    keys
}

/// FNV-1a: a fixed hash, so that the deletion index is the same in every process.
fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(FNV_OFFSET, |h, &x| fnv_step(h, x))
}

/// [`fnv`]'s starting value.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// [`fnv`] with one more byte.
fn fnv_step(h: u64, x: u8) -> u64 {
    (h ^ x as u64).wrapping_mul(0x0100_0000_01b3)
}

/// The hashes of `word` with up to `depth` letters deleted (`word` itself included), each
/// as often as it is made (unsorted).
fn deletion_variants(word: &[u8], depth: usize, out: &mut Vec<u32>) {
    fn go(s: &mut Vec<u8>, depth: usize, from: usize, out: &mut Vec<u32>) {
        out.push(fnv(s) as u32);
        if depth == 0 {
            return;
        }
        for i in from..s.len() {
            let c = s.remove(i);
            go(s, depth - 1, i, out);
            s.insert(i, c);
        }
    }
    go(&mut word.to_vec(), depth, 0, out);
}

/// Hashes of `word` with up to [`deletion_depth`] letters deleted (`word` itself included),
/// sorted and deduplicated. Two words within `d` edits of each other share a variant with at
/// most `d` deletions on each side, so these keys find every misspelling within the budget,
/// including the ones that share no trigram ("Ghaih" for "Ghiath").
/// The hash is cut to 32 bits: a collision only adds a candidate, which is then verified.
fn deletion_keys(word: &str) -> Vec<u32> {
    let mut out = Vec::new();
    deletion_variants(word.as_bytes(), deletion_depth(word.len()), &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

fn trigrams(s: &str) -> Vec<[u8; 3]> {
    let b: Vec<u8> = std::iter::once(b'^')
        .chain(s.bytes())
        .chain(std::iter::once(b'$'))
        .collect();
    let mut v: Vec<[u8; 3]> = b.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    v.sort();
    v.dedup();
    v
}

/// Credits one reading with one pair of a pass, as the scorer sums pairs: per pass the best
/// pair, added up over passes.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn credit_one(
    sc: &mut Scratch,
    p: &Posting,
    pass: u32,
    ws: f32,
    w: f32,
    wl: f32,
    wq: f32,
    content: bool,
) {
    let r = p.reading;
    let slot = sc.slot_of[r as usize];
    if slot == 0 {
        sc.acc.push(Acc {
            posting: *p,
            pass,
            cur: ws,
            cur_w: w,
            cur_l: wl,
            sum: ws,
            sum_w: w,
            sum_q: wq,
            sum_l: wl,
            content,
            cur_pos: p.pos,
            found: pass,
            used: 0,
            alt_pos: NO_POSITION,
            alt_ws: 0.0,
            alt_w: 0.0,
            alt_wl: 0.0,
            prev_pos: NO_POSITION,
            prev_s: 0.0,
            prev_alt_pos: NO_POSITION,
            trade: [0.0; 3],
        });
        sc.slot_of[r as usize] = sc.acc.len() as u32;
        sc.touched.extend([r]);
        // A tail of an earlier pass skipped it: credit it from there (see `candidates`).
        if sc.tail_seen.contains(r) && !sc.twice.contains(r) {
            sc.twice.extend([r]);
            sc.twice_list.push(r);
        }
        return;
    }
    let a = &mut sc.acc[slot as usize - 1];
    if a.pass != pass {
        // The previous pass is over: its pair's list word is taken.
        a.used |= position_bit(a.cur_pos);
        a.prev_pos = a.cur_pos;
        a.prev_s = if a.cur_w > 0.0 { a.cur / a.cur_w } else { 0.0 };
        a.prev_alt_pos = a.alt_pos;
        a.trade = [a.alt_ws - a.cur, a.alt_w - a.cur_w, a.alt_wl - a.cur_l];
        a.alt_pos = NO_POSITION;
        a.alt_ws = 0.0;
    }
    let bit = position_bit(p.pos);
    if a.used & bit != 0 {
        // Taken: by the previous pass with a less similar pair that it can trade for its
        // other one (see `Acc::prev_pos`), or for good.
        let alt_bit = position_bit(a.prev_alt_pos);
        if p.pos != a.prev_pos
            || alt_bit == 0
            || a.used & alt_bit != 0
            || a.pass == pass && (a.cur_pos == a.prev_alt_pos || ws <= a.cur)
            || ws <= a.prev_s * w
        {
            return;
        }
        a.sum += a.trade[0];
        a.sum_w += a.trade[1];
        a.sum_l += a.trade[2];
        a.used = (a.used & !bit) | alt_bit;
        a.prev_pos = a.prev_alt_pos;
        a.prev_alt_pos = NO_POSITION;
    }
    a.content |= content;
    if a.pass != pass {
        a.pass = pass;
        a.cur_pos = p.pos;
        a.cur = ws;
        a.cur_w = w;
        a.cur_l = wl;
        a.sum += ws;
        a.sum_w += w;
        a.sum_q += wq;
        a.sum_l += wl;
    } else if ws > a.cur {
        if p.pos != a.cur_pos && a.cur > a.alt_ws {
            a.alt_pos = a.cur_pos;
            a.alt_ws = a.cur;
            a.alt_w = a.cur_w;
            a.alt_wl = a.cur_l;
        }
        a.cur_pos = p.pos;
        a.sum += ws - a.cur;
        a.sum_w += w - a.cur_w;
        a.sum_l += wl - a.cur_l;
        a.cur = ws;
        a.cur_w = w;
        a.cur_l = wl;
    } else if p.pos != a.cur_pos && ws > a.alt_ws {
        a.alt_pos = p.pos;
        a.alt_ws = ws;
        a.alt_w = w;
        a.alt_wl = wl;
    }
}

impl Index {
    fn empty(capacity: usize, config: Config, reference: Option<Box<Reference>>) -> Index {
        Index {
            entities: Vec::with_capacity(capacity),
            vocab: HashMap::new(),
            tokens: Vec::new(),
            df: Vec::new(),
            postings: Vec::new(),
            raw_postings: Vec::new(),
            reading_info: Vec::new(),
            first_letters: Vec::new(),
            hints: Vec::new(),
            acronyms: HashMap::new(),
            compounds: HashMap::new(),
            list_joins: ListJoins::default(),
            id: NEXT_INDEX_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            by_key: HashMap::new(),
            trigrams: HashMap::new(),
            deletions: Vec::new(),
            deletion_dir: Vec::new(),
            tri_len: Vec::new(),
            len_abjad: Vec::new(),
            plain: HashMap::new(),
            year_tails: HashMap::new(),
            neighbours: Vec::new(),
            apart: Vec::new(),
            weights: Vec::new(),
            id_index: HashMap::new(),
            street_index: Vec::new(),
            contact_index: HashMap::new(),
            places: HashMap::new(),
            config,
            reference,
        }
    }

    /// Builds the index. `entities` pairs each entity with the source it was listed in.
    pub fn build(mut entities: Vec<(String, Entity)>, config: Config) -> Index {
        carry_alias_quality(&mut entities, |_| None);
        let mut ix = Index::empty(entities.len(), config, None);
        // Name analysis is the costly part and independent per entity: it runs on every core,
        // a chunk at a time so the analysed forms do not all sit in memory at once; interning
        // stays in order, so ids do not depend on the number of threads.
        let mut entities = entities.into_iter().peekable();
        while entities.peek().is_some() {
            let chunk: Vec<(String, Entity)> = entities.by_ref().take(4096).collect();
            let analysed: Vec<Vec<Vec<NameForm>>> = chunk
                .par_iter()
                .map(|(_, e)| e.names.iter().map(|n| analyze(&n.full, e.kind)).collect())
                .collect();
            for ((source, e), names) in chunk.into_iter().zip(analysed) {
                ix.add_entity(source, e, names);
            }
        }
        ix.finish()
    }

    /// Builds an index over a few entities (a list update's delta) that scores exactly as
    /// `reference`, the index over all the lists, would: a token's rarity is judged over the
    /// whole lists, not over the delta, where every token would look rare.
    pub fn build_against(mut entities: Vec<(String, Entity)>, reference: &Index) -> Index {
        let r = Reference {
            df: reference
                .vocab
                .iter()
                .map(|(t, &i)| (t.clone(), reference.df[i as usize]))
                .collect(),
            n: reference.entities.len(),
        };
        let by_id: HashMap<&str, usize> = reference
            .entities
            .iter()
            .enumerate()
            .map(|(k, ie)| (ie.entity.id.as_str(), k))
            .collect();
        carry_alias_quality(&mut entities, |id| {
            by_id.get(id).map(|&k| &reference.entities[k].entity)
        });
        let mut ix = Index::empty(entities.len(), reference.config.clone(), Some(Box::new(r)));
        for (source, e) in entities {
            let names = e.names.iter().map(|n| analyze(&n.full, e.kind)).collect();
            ix.add_entity(source, e, names);
        }
        ix.finish()
    }

    fn add_entity(&mut self, source: String, e: Entity, names: Vec<Vec<NameForm>>) {
        let ix = self;
        {
            let eidx = ix.entities.len() as u32;
            let mut readings = Vec::new();
            let mut tokens: Vec<u32> = Vec::new();
            for (ni, forms) in names.into_iter().enumerate() {
                let has_native = forms.iter().any(|f| f.native);
                for (li, f) in forms.into_iter().enumerate() {
                    let start = tokens.len() as u32;
                    let abjad = f
                        .tokens
                        .iter()
                        .take(64)
                        .enumerate()
                        .fold(0u64, |m, (k, t)| m | ((t.abjad as u64) << k));
                    tokens.extend(f.tokens.into_iter().map(|t| ix.intern(t)));
                    readings.push(Reading {
                        name_idx: ni as u32,
                        li: li as u16,
                        native: f.native,
                        name_has_native: has_native,
                        start,
                        len: tokens.len() as u32 - start,
                        abjad,
                    });
                }
            }
            let mut seen_tokens = tokens.clone();
            seen_tokens.sort_unstable();
            seen_tokens.dedup();
            for t in seen_tokens {
                ix.df[t as usize] += 1;
            }
            for r in &readings {
                let rid = ix.reading_info.len() as u32;
                let ids = &tokens[r.start as usize..(r.start + r.len) as usize];
                for (k, &t) in ids.iter().enumerate() {
                    let first = ids.iter().position(|&x| x == t) == Some(k);
                    let once = ids.iter().filter(|&&x| x == t).count() == 1;
                    if first {
                        let pos = if once && k < 32 { k as u8 } else { NO_POSITION };
                        ix.raw_postings[t as usize].push((rid, pos));
                    }
                }
                ix.reading_info.push(ReadingInfo {
                    entity: eidx,
                    weight: 0.0,
                    native: r.native,
                    weak: matches!(
                        e.names[r.name_idx as usize].quality,
                        NameQuality::Weak | NameQuality::Low
                    ),
                });
            }
            let countries = entity_countries(&e);
            let country_codes: Box<[u16]> = countries.iter().map(|c| country_code(c)).collect();
            let ids = entity_ids(&e);
            for (_, v) in &ids {
                ix.id_index.entry(v.clone()).or_default().push(eidx);
            }
            ix.hints.push(AttributeHint::of(&e, &country_codes));
            let places = Places::of(&e);
            for s in places.streets.iter() {
                ix.street_index
                    .extend(place::street_keys(s).into_iter().map(|k| (k, eidx)));
            }
            for c in places.contacts.iter() {
                ix.contact_index.entry(c.clone()).or_default().push(eidx);
            }
            if !places.is_empty() {
                ix.places.insert(eidx, places);
            }
            // Screening reads an entity's id, kind, names and birth dates (its countries and
            // identifiers are kept above); the rest of the record (addresses, remarks, links,
            // programmes, name parts …) stays in the store. Kept whole, the records were a
            // quarter of the index's memory.
            let entity = Entity {
                id: e.id,
                kind: e.kind,
                name: e.name,
                names: e
                    .names
                    .into_iter()
                    .map(|n| Name {
                        full: n.full,
                        quality: n.quality,
                        alias_type: None,
                        script: None,
                        lang: None,
                        parts: Default::default(),
                    })
                    .collect(),
                birth_dates: e.birth_dates,
                ..Default::default()
            };
            ix.entities.push(IndexedEntity {
                first_reading: (ix.reading_info.len() - readings.len()) as u32,
                entity,
                source,
                readings: readings.into_boxed_slice(),
                tokens: tokens.into_boxed_slice(),
                countries,
                country_codes,
                ids,
            });
        }
    }

    /// Everything that needs the whole vocabulary: weights, keys, trigrams, deletions.
    fn finish(mut self) -> Index {
        let ix = &mut self;
        ix.street_index.sort_unstable();
        ix.street_index.dedup();
        ix.weights = ix.tokens.iter().map(|t| ix.token_weight(t)).collect();
        // Acronym keys: the initials of each name's words, so that "PLA" finds "People's
        // Liberation Army" (the reverse direction looks up the query's initials as a token).
        let mut acronyms: HashMap<String, Vec<(u32, u8)>> = HashMap::new();
        ix.first_letters = vec![0; ix.reading_info.len()];
        for ie in &ix.entities {
            for (k, r) in ie.readings.iter().enumerate() {
                let rid = ie.first_reading as usize + k;
                let f = ie.words(r);
                ix.reading_info[rid].weight = f.iter().map(|&t| ix.weights[t as usize]).sum();
                ix.first_letters[rid] =
                    f.iter()
                        .take(LETTER_POSITIONS)
                        .enumerate()
                        .fold(0, |m, (p, &t)| match letter_code(&ix.tokens[t as usize]) {
                            Some(c) => m | (c as u64) << (5 * p),
                            None => m,
                        });
                if !r.native {
                    let ini = initials(f.iter().map(|&t| &ix.tokens[t as usize]));
                    if ACRONYM_LEN.contains(&ini.len()) {
                        acronyms
                            .entry(ini)
                            .or_default()
                            .push((rid as u32, NO_POSITION));
                    }
                }
            }
        }
        // Lightest readings first: see [`LONG_POSTINGS`].
        let info = &ix.reading_info;
        let to_postings = |mut rs: Vec<(u32, u8)>| -> Box<[Posting]> {
            rs.sort_by(|&(a, _), &(b, _)| {
                info[a as usize]
                    .weight
                    .total_cmp(&info[b as usize].weight)
                    .then(a.cmp(&b))
            });
            rs.into_iter()
                .map(|(r, pos)| Posting {
                    reading: r,
                    info: info[r as usize],
                    pos,
                })
                .collect()
        };
        ix.postings = std::mem::take(&mut ix.raw_postings)
            .into_iter()
            .map(to_postings)
            .collect();
        ix.acronyms = acronyms
            .into_iter()
            .map(|(k, rs)| (k, to_postings(rs)))
            .collect();
        ix.list_joins = ListJoins::build(
            &ix.tokens,
            ix.entities.iter().flat_map(|ie| {
                ie.readings
                    .iter()
                    .enumerate()
                    .map(move |(k, r)| (ie.first_reading + k as u32, ie.words(r), r.abjad))
            }),
            to_postings,
        );
        let splits: Vec<(u32, u32, u32)> = (0..ix.tokens.len())
            .into_par_iter()
            .flat_map_iter(|t| {
                let text = &ix.tokens[t].text;
                let halves = if ix.tokens[t].abjad {
                    vec![]
                } else {
                    ix.split_halves(text)
                };
                halves.into_iter().map(move |(a, b)| (a, b, t as u32))
            })
            .collect();
        for (a, b, t) in splits {
            ix.compounds.entry(a).or_default().push((b, t));
        }
        for (t, ps) in ix.postings.iter().enumerate() {
            if ps.len() <= LONG_POSTINGS {
                continue;
            }
            let mut by_year: Vec<(i16, Posting)> = Vec::new();
            for p in &ps[LONG_POSTINGS..] {
                let h = &ix.hints[p.info.entity as usize];
                if h.lo <= h.hi && h.hi - h.lo <= YEAR_TAIL_SPAN {
                    by_year.extend((h.lo..=h.hi).map(|y| (y, *p)));
                } else if h.lo > h.hi && matches!(h.kind, Kind::Person | Kind::Unknown) {
                    // No birth date: nothing against the query's, where the head's may
                    // conflict. (A query with a birth date is a person's.)
                    by_year.push((UNDATED, *p));
                }
            }
            // Stable: within a year, lightest readings first, as in the list.
            by_year.sort_by_key(|x| x.0);
            ix.year_tails.insert(
                t as u32,
                YearTail {
                    years: by_year.iter().map(|x| x.0).collect(),
                    postings: by_year.into_iter().map(|x| x.1).collect(),
                },
            );
        }
        // Skeletons of tokens from vowel-less scripts, and each with one consonant deleted: a
        // one-consonant difference is found by a shared deletion.
        // A skeleton of three whose first is the article's l is also filed without it (the
        // deletions of longer ones hold theirs): "الأمين", al-Amin, is "Amin".
        for (i, t) in ix.tokens.iter().enumerate() {
            if t.abjad {
                let sk = chokepoint_names::skeleton(&t.text);
                let bare =
                    (sk.len() == 3 && t.text.starts_with("al")).then(|| format!("%{}", &sk[1..]));
                for k in skeleton_keys(&sk).into_iter().chain(bare) {
                    ix.by_key.entry(k).or_default().push(i as u32);
                }
            }
        }
        for (i, t) in ix.tokens.iter().enumerate() {
            ix.by_key
                .entry(chokepoint_names::phonetic_key(&t.text))
                .or_default()
                .push(i as u32);
            ix.by_key
                .entry(format!("#{}", chokepoint_names::skeleton(&t.text)))
                .or_default()
                .push(i as u32);
            // The skeletons a vowel-less word may give a Latin one as: a "sh" as two letters
            // ("Ishaq", "إسحاق"), a "v" as the Persian و ("Mousavi", "موسوی").
            if !t.abjad {
                let alts = chokepoint_names::skeleton_apart(&t.text)
                    .into_iter()
                    .chain(chokepoint_names::skeleton_v_as_waw(&t.text));
                for alt in alts {
                    ix.by_key
                        .entry(format!("#{alt}"))
                        .or_default()
                        .push(i as u32);
                }
            }
            let grams = if t.text.len() >= 3 && t.text.is_ascii() {
                trigrams(&t.text)
            } else {
                Vec::new()
            };
            ix.tri_len.push(grams.len() as u16);
            let ks = ks_len(&t.text).min(127) as u16;
            ix.len_abjad
                .push(t.text.len().min(127) as u16 | if t.abjad { 0x80 } else { 0 } | ks << 8);
            // Every class the similarity compares by spelling: particles and legal forms have
            // misspellings too ("holdin").
            if t.text.is_ascii() && !matches!(t.class, Class::Initial | Class::Number) {
                ix.deletions.extend(
                    all_deletion_keys(&t.text)
                        .into_iter()
                        .map(|k| (k, i as u32)),
                );
            }
            for g in grams {
                ix.trigrams.entry(g).or_default().ids.push(i as u32);
            }
        }
        // Lengths as the similarity measures them, with "x" written "ks".
        let ks_len: Vec<usize> = ix.tokens.iter().map(|t| ks_len(&t.text)).collect();
        let len_of = |i: u32| ks_len[i as usize];
        for list in ix.trigrams.values_mut() {
            list.ids.sort_by_key(|&i| (std::cmp::Reverse(len_of(i)), i));
            let end = |min: usize| list.ids.partition_point(|&i| len_of(i) >= min) as u32;
            list.long_end = end(TRIGRAM_LONG);
            list.reach_end = end(TRIGRAM_LONG - MAX_LEN_GAP);
        }
        ix.deletions.sort_unstable();
        ix.deletions.shrink_to_fit();
        let buckets = 1usize << (32 - DELETION_SHIFT);
        ix.deletion_dir = (0..=buckets)
            .map(|b| {
                ix.deletions
                    .partition_point(|x| ((x.0 as u64) >> DELETION_SHIFT) < b as u64)
                    as u32
            })
            .collect();
        self.neighbours = (0..self.tokens.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        self.apart = (0..self.tokens.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        self
    }

    fn intern(&mut self, t: Token) -> u32 {
        if let Some(&i) = self.vocab.get(&t.text) {
            // The same text can come from a vowel-less script in one name and not in another;
            // remember the weaker (skeleton) comparison so either side can use it.
            let known = &mut self.tokens[i as usize];
            if known.abjad != t.abjad {
                // Keep the Latin reading of the text for the readings that write it in Latin.
                let latin = if t.abjad { known.clone() } else { t };
                self.plain.entry(i).or_insert(Plain {
                    token: latin,
                    neighbours: Default::default(),
                    apart: Default::default(),
                });
                known.abjad = true;
            }
            return i;
        }
        let i = self.tokens.len() as u32;
        self.vocab.insert(t.text.clone(), i);
        self.tokens.push(t);
        self.df.push(0);
        self.raw_postings.push(Vec::new());
        i
    }

    /// The postings past the head of `t`'s list whose entity was born in `year` (see
    /// [`Index::year_tails`]).
    fn year_tail(&self, t: u32, year: Option<i16>) -> &[Posting] {
        if self.postings[t as usize].len() <= LONG_POSTINGS {
            return &[];
        }
        let (Some(y), Some(yt)) = (year, self.year_tails.get(&t)) else {
            return &[];
        };
        let lo = yt.years.partition_point(|&x| x < y);
        let hi = yt.years.partition_point(|&x| x <= y);
        &yt.postings[lo..hi]
    }

    /// The postings past the head of `t`'s list whose entity is a person with no birth date
    /// (see [`Index::year_tails`]); none when the query gives no birth date.
    fn undated_tail(&self, t: u32, year: Option<i16>) -> &[Posting] {
        match year {
            Some(_) => self.year_tail(t, Some(UNDATED)),
            None => &[],
        }
    }

    /// Finds every vocabulary token's spellings now, on all cores, instead of on the first
    /// query that has the token. A long-lived index (the server's) is worth it: about half a
    /// second on two cores for the shipped lists, after which no list word is searched for
    /// again; a one-off screening of a few names is not.
    pub fn warm(&self) {
        (0..self.tokens.len())
            .into_par_iter()
            .for_each_init(Scratch::default, |sc, i| {
                self.neighbours[i]
                    .get_or_init(|| self.expand(&self.tokens[i], sc).into_boxed_slice());
            });
    }

    /// Number of name readings indexed (each name, in each of its romanisations).
    pub fn readings(&self) -> usize {
        self.reading_info.len()
    }

    /// Number of entities indexed.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replaces the scoring configuration (the index itself does not depend on it).
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
    }

    fn weight_of_df(&self, df: u32) -> f32 {
        let n = match &self.reference {
            Some(r) => r.n,
            None => self.entities.len(),
        }
        .max(1) as f32;
        // Inverse document frequency, scaled so a token on one entity in a thousand weighs ~1.
        (1.0 + (n / (df as f32 + 1.0)).ln()) / (1.0 + 1000f32.ln())
    }

    fn class_factor(c: Class) -> f32 {
        match c {
            Class::Word => 1.0,
            Class::Initial => 0.5,
            Class::Particle => 0.15,
            Class::LegalForm => 0.2,
            Class::Number => 1.2,
        }
    }

    fn token_weight(&self, t: &Token) -> f32 {
        let df = match &self.reference {
            Some(r) => r.df.get(&t.text).copied().unwrap_or(0),
            None => self
                .vocab
                .get(&t.text)
                .map(|&i| self.df[i as usize])
                .unwrap_or(0),
        };
        self.weight_of_df(df).clamp(0.2, 2.0) * Self::class_factor(t.class)
    }

    /// Every vocabulary token that a query token matches (similarity > 0), with its similarity.
    /// The phonetic, skeleton and trigram indexes find a superset cheaply; each member is then
    /// verified with the same similarity function the scorer uses, so candidates are exactly the
    /// entities that can score.
    fn expand(&self, t: &Token, scratch: &mut Scratch) -> Vec<(u32, f32, How)> {
        let exact = self.vocab.get(&t.text).copied();
        let mut out: Vec<(u32, f32, How)> =
            exact.map(|i| (i, 1.0, How::Exact)).into_iter().collect();
        if t.class == Class::Initial
            || t.class == Class::Number
            || (t.text.len() < 2 && !t.abjad)
            || !t.text.is_ascii()
        {
            return out;
        }
        let mut cands: Vec<u32> = Vec::new();
        let sk = chokepoint_names::skeleton(&t.text);
        let mut keys = vec![chokepoint_names::phonetic_key(&t.text), format!("#{sk}")];
        keys.extend(skeleton_keys(&sk));
        if t.abjad {
            keys.extend(latin_skeleton_keys(&sk));
            // ة, written "h", read "t" (see `chokepoint_names::similarity`).
            if t.text.ends_with('h') {
                keys.push(format!("#{sk}t"));
            }
        } else {
            if sk.len() >= 3 && sk.ends_with('t') {
                keys.push(format!("%{}", &sk[..sk.len() - 1]));
            }
            // (See the vocabulary's keys: a Latin "sh" may be two letters, a "v" a Persian
            // و.)
            if let Some(apart) = chokepoint_names::skeleton_apart(&t.text) {
                keys.extend(skeleton_keys(&apart));
            }
            keys.extend(chokepoint_names::skeleton_v_as_waw(&t.text).map(|k| format!("#{k}")));
        }
        for key in keys {
            if let Some(v) = self.by_key.get(&key) {
                cands.extend(v.iter().copied());
            }
        }
        // Nicknames are other words altogether ("Ed", "Edward"): only the table finds them,
        // and their lengths may differ by more than a misspelling's ("Cathy", "Katherine").
        let nicks: SmallVec<[u32; 8]> = chokepoint_names::nicknames(&t.text)
            .iter()
            .filter_map(|n| self.vocab.get(n).copied())
            .collect();
        cands.extend(nicks.iter().copied());
        for k in all_deletion_keys(&t.text) {
            let b = (k >> DELETION_SHIFT) as usize;
            let bucket = match (self.deletion_dir.get(b), self.deletion_dir.get(b + 1)) {
                (Some(&from), Some(&to)) => &self.deletions[from as usize..to as usize],
                _ => &[][..],
            };
            cands.extend(bucket.iter().filter(|x| x.0 == k).map(|x| x.1));
        }
        // Past the deletion index's reach: pairs whose longer word has `TRIGRAM_LONG` letters
        // or more, within `MAX_LEN_GAP` of each other in length. A shorter query word reaches
        // only the long words of each list; a long one, every word it may be 3 edits from.
        let qlen_ks = ks_len(&t.text);
        let grams = if qlen_ks + MAX_LEN_GAP >= TRIGRAM_LONG {
            trigrams(&t.text)
        } else {
            Vec::new()
        };
        scratch.tri_counts.resize(self.tokens.len(), 0);
        for g in &grams {
            if let Some(list) = self.trigrams.get(g) {
                let end = if qlen_ks >= TRIGRAM_LONG {
                    list.reach_end
                } else {
                    list.long_end
                };
                for &ti in &list.ids[..end as usize] {
                    let c = &mut scratch.tri_counts[ti as usize];
                    if *c == 0 {
                        scratch.tri_touched.push(ti);
                    }
                    *c += 1;
                }
            }
        }
        let n = grams.len() as f32;
        for &ti in &scratch.tri_touched {
            let c = scratch.tri_counts[ti as usize] as f32;
            let other = self.tri_len[ti as usize] as f32;
            if 2.0 * c / (n + other) >= 0.3 {
                cands.push(ti);
            }
            scratch.tri_counts[ti as usize] = 0;
        }
        scratch.tri_touched.clear();
        // The keys, deletions and trigrams find many tokens more than once: verify each once.
        cands.sort_unstable();
        cands.dedup();
        let qlen = t.text.len().min(127);
        // Each candidate is a random token of a large vocabulary: its length, its entry and
        // its letters are three cache misses, asked for a few candidates ahead.
        for (k, &c) in cands.iter().enumerate() {
            if let Some(&a) = cands.get(k + PREFETCH_AHEAD) {
                prefetch(self.len_abjad.as_ptr().wrapping_add(a as usize));
                prefetch(self.tokens.as_ptr().wrapping_add(a as usize));
            }
            if let Some(&a) = cands.get(k + PREFETCH_AHEAD / 2) {
                prefetch(self.tokens[a as usize].text.as_ptr());
            }
            let la = self.len_abjad[c as usize];
            // "Aleksandrovich" is 3 edits from "Alexandrov" ("aleksandrov"), 4 letters
            // longer as written.
            if ((la & 0x7f) as usize).abs_diff(qlen) > 3
                && ((la >> 8) as usize).abs_diff(qlen_ks.min(127)) > 3
                && !(t.abjad || la & 0x80 != 0)
                && !nicks.contains(&c)
            {
                continue;
            }
            if Some(c) == exact {
                continue;
            }
            let (s, how) = token_similarity(t, &self.tokens[c as usize]);
            if s > 0.0 {
                out.push((c, s, how));
            }
        }
        out.sort_unstable_by_key(|x| x.0);
        out
    }

    /// Vocabulary words that two adjacent query words written as one may be, with the
    /// similarity to credit: the join itself, its particle's other vowels, its skeleton (1.0),
    /// and the joins of the two words' spellings (`na`, `nb`: their verified neighbours) that
    /// the scorer accepts, at the scorer's similarity ("Mahmoud ZADEH" for "MAHMUDZADEH",
    /// "Abdul Razaaq" for "ABDELRAZAQ").
    fn joined_ids(
        &self,
        a: &Token,
        b: &Token,
        na: &[(u32, f32, How)],
        nb: &[(u32, f32, How)],
    ) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = self
            .joined_exact(a, b)
            .into_iter()
            .map(|t| (t, 1.0))
            .collect();
        if a.abjad || b.abjad || !a.text.is_ascii() || !b.text.is_ascii() {
            return out;
        }
        // The words' spellings in the vocabulary that stand joined in a vocabulary word: each
        // piece of a join keeps its own word's typo budget (see `join_agrees`), however low
        // the similarity of a short word's misspelling ("ung" for "hung": "Nam Ung" is
        // "NAMHUNG" at 0.84, although "ung" alone is "hung" at 0.68).
        let close = |t: &Token, n: &'_ [(u32, f32, How)]| {
            self.vocab
                .get(t.text.as_str())
                .copied()
                .into_iter()
                .chain(
                    n.iter()
                        .filter(|x| x.1 >= 0.8 || x.2 == How::Fuzzy)
                        .map(|x| x.0),
                )
                .collect::<SmallVec<[u32; 16]>>()
        };
        let (sa, sb) = (close(a, na), close(b, nb));
        let mut query_join = Token {
            text: String::with_capacity(a.text.len() + b.text.len()),
            class: Class::Word,
            abjad: false,
        };
        query_join.text.push_str(&a.text);
        query_join.text.push_str(&b.text);
        for x in &sa {
            let Some(joins) = self.compounds.get(x) else {
                continue;
            };
            for &(y, id) in joins {
                if !sb.contains(&y) || out.iter().any(|o| o.0 == id) {
                    continue;
                }
                // As the scorer joins them (see `Index::name_score`).
                let lt = &self.tokens[id as usize];
                let (sim, how) = spelling_similarity(&query_join, lt);
                if sim >= 0.8 && (how == How::Skeleton || join_agrees(&[a, b], &lt.text)) {
                    out.push((id, sim * 0.98));
                }
            }
        }
        out
    }

    /// The list joins that query word `t` may be written apart as ([`ListJoins::lookup`]),
    /// with those of the spellings of its two halves where it splits into two vocabulary words
    /// ("aba" + "hussain": "Abu HUSSEIN").
    /// Kept per vocabulary token, as its neighbours are: a word's halves' spellings make
    /// hundreds of pairs to look up.
    fn joins_apart(&self, t: &Token, sc: &mut Scratch) -> Apart {
        if let Some(&i) = self.vocab.get(&t.text) {
            let v = &self.tokens[i as usize];
            if v.class == t.class && v.abjad == t.abjad {
                return self.apart[i as usize]
                    .get_or_init(|| self.joins_apart_uncached(t, sc).into_iter().collect())
                    .iter()
                    .copied()
                    .collect();
            }
            if let Some(p) = self.plain_of(i, t) {
                return p
                    .apart
                    .get_or_init(|| self.joins_apart_uncached(t, sc).into_iter().collect())
                    .iter()
                    .copied()
                    .collect();
            }
        }
        self.joins_apart_uncached(t, sc)
    }

    /// Vocabulary token `i` as the readings that write it in Latin have it, where query
    /// token `t` is that.
    fn plain_of(&self, i: u32, t: &Token) -> Option<&Plain> {
        self.plain
            .get(&i)
            .filter(|p| p.token.class == t.class && p.token.abjad == t.abjad)
    }

    fn joins_apart_uncached(&self, t: &Token, sc: &mut Scratch) -> Apart {
        let mut more: SmallVec<[u32; 8]> = SmallVec::new();
        if !t.abjad {
            for (x, y) in self.split_halves(&t.text) {
                if self.tokens[x as usize].abjad || self.tokens[y as usize].abjad {
                    continue;
                }
                let spellings = |h: u32, sc: &mut Scratch| -> SmallVec<[u32; 16]> {
                    std::iter::once(h)
                        .chain(
                            self.expand_cached(&self.tokens[h as usize], sc)
                                .as_slice()
                                .iter()
                                .map(|n| n.0),
                        )
                        .collect()
                };
                let (nx, ny) = (spellings(x, sc), spellings(y, sc));
                // Only pairs that the lookup's first checks keep (the same first letter, a
                // length within 2): of hundreds of pairs, few.
                let (first, len) = (t.text.as_bytes()[0], t.text.len());
                for &a in &nx {
                    let a_text = &self.tokens[a as usize].text;
                    if a_text.as_bytes()[0] != first {
                        continue;
                    }
                    // Most spellings stand first in no pair: one search finds that.
                    let pairs = self.list_joins.pairs_from(a);
                    if pairs.is_empty() {
                        continue;
                    }
                    more.extend(
                        ny.iter()
                            .filter(|&&b| {
                                (a_text.len() + self.tokens[b as usize].text.len()).abs_diff(len)
                                    <= 2
                            })
                            .filter_map(|&b| {
                                let k = pairs.binary_search_by_key(&b, |p| p.0).ok()?;
                                Some(pairs[k].1)
                            }),
                    );
                }
            }
        }
        self.list_joins.lookup(&self.tokens, t, &more)
    }

    /// [`Index::joined_ids`]'s words credited in full: the join as written, with its
    /// particle's other vowels, or by skeleton in vowel-less scripts.
    fn joined_exact(&self, a: &Token, b: &Token) -> Vec<u32> {
        let joined = format!("{}{}", a.text, joined_part(&b.text, b.abjad));
        let mut out: Vec<u32> = self.vocab.get(&joined).copied().into_iter().collect();
        // A particle changes its vowel as it joins ("abd al" is "abdul", "abdel"): the scorer
        // accepts it (see `join_agrees`), so look those spellings up too.
        for (t, at) in [(a, 0), (b, a.text.len())] {
            if t.class != Class::Particle || !t.text.is_ascii() {
                continue;
            }
            for (k, c) in t.text.bytes().enumerate() {
                if !b"aeiou".contains(&c) {
                    continue;
                }
                for v in b"aeiou".iter().filter(|&&v| v != c) {
                    let mut variant = joined.clone().into_bytes();
                    variant[at + k] = *v;
                    if let Some(&i) = std::str::from_utf8(&variant)
                        .ok()
                        .and_then(|w| self.vocab.get(w))
                    {
                        out.push(i);
                    }
                }
            }
        }
        if let Some(v) = self
            .by_key
            .get(&format!("#{}", chokepoint_names::skeleton(&joined)))
        {
            if a.abjad || b.abjad {
                out.extend(v.iter().copied().take(512));
            } else {
                // Two Latin words may spell one vowel-less compound written as one ("Abdul
                // Rahman", "عبدالرحمن"): the scorer compares them by skeleton.
                out.extend(
                    v.iter()
                        .copied()
                        .filter(|&i| abjad_compound_word(&self.tokens[i as usize]))
                        .take(512),
                );
            }
        }
        out
    }

    /// Vocabulary pairs that a word splits into ("alisherusmanov" → "alisher" + "usmanov").
    fn split_halves(&self, text: &str) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        if text.len() >= 5 && text.is_ascii() {
            for cut in 2..text.len() - 1 {
                let (a, b) = text.split_at(cut);
                if let (Some(&x), Some(&y)) = (self.vocab.get(a), self.vocab.get(b)) {
                    out.push((x, y));
                }
            }
        }
        out
    }

    /// [`Self::expand`], read from the index for a vocabulary token.
    fn expand_cached(&self, t: &Token, scratch: &mut Scratch) -> Near<'_> {
        if let Some(&i) = self.vocab.get(&t.text) {
            let v = &self.tokens[i as usize];
            if v.class == t.class && v.abjad == t.abjad {
                let n = self.neighbours[i as usize]
                    .get_or_init(|| self.expand(t, scratch).into_boxed_slice());
                return Near::Cached(n);
            }
            if let Some(p) = self.plain_of(i, t) {
                return Near::Cached(
                    p.neighbours
                        .get_or_init(|| self.expand(t, scratch).into_boxed_slice()),
                );
            }
        }
        Near::Owned(self.expand(t, scratch))
    }

    fn query_weights(&self, forms: &[NameForm]) -> Vec<Vec<f32>> {
        forms
            .iter()
            .map(|f| f.tokens.iter().map(|t| self.token_weight(t)).collect())
            .collect()
    }

    fn source_ok(&self, e: &IndexedEntity, q: &Query) -> bool {
        q.sources.is_empty()
            || q.sources
                .iter()
                .any(|s| e.source.starts_with(s.as_str()) || e.entity.id_prefix() == s)
    }

    /// Screens one query: the `top_k` best matches, best first.
    pub fn screen(&self, q: &Query, top_k: usize) -> Vec<Match> {
        self.screen_with(q, Want::Top(top_k), false)
    }

    /// Scores every entity (no candidate generation): the reference the index is measured
    /// against.
    pub fn screen_exhaustive(&self, q: &Query, top_k: usize) -> Vec<Match> {
        self.screen_with(q, Want::Top(top_k), true)
    }

    /// The alerts only: every match scoring at or above the alert threshold, best first (at
    /// most `Config::max_candidates`). What a screening reports by default; cheaper than
    /// [`Index::screen`], which must also rank the best of the weak matches: candidates whose
    /// estimate falls clearly below the threshold are not scored, and only alerts are
    /// explained.
    pub fn screen_alerts(&self, q: &Query) -> Vec<Match> {
        self.screen_with(q, Want::Alerts, false)
    }

    /// [`Index::screen_alerts`] by scoring every entity: its reference.
    pub fn screen_alerts_exhaustive(&self, q: &Query) -> Vec<Match> {
        self.screen_with(q, Want::Alerts, true)
    }

    /// The entities whose street address or contact details agree with the query's, in order
    /// (each gets [`LOCATION_MATCH`]): candidates whatever their names.
    fn located(&self, qp: &QueryPlace) -> Vec<u32> {
        let mut found: Vec<u32> = qp
            .contacts()
            .iter()
            .filter_map(|c| self.contact_index.get(c.as_str()))
            .flatten()
            .copied()
            .collect();
        for k in qp.street_keys() {
            let holders = self.street_holders(k);
            if holders.len() <= place::MAX_KEY_ENTITIES {
                found.extend(holders.iter().map(|&(_, e)| e));
            }
        }
        found.sort_unstable();
        found.dedup();
        found
            .into_iter()
            .filter(|&e| {
                qp.agreement(self.places_of(e as usize), &|k| self.distinctive(k))
                    .is_some()
            })
            .collect()
    }

    /// The (key, entity) entries of a street key ([`place::street_keys`]).
    fn street_holders(&self, k: u32) -> &[(u32, u32)] {
        let from = self.street_index.partition_point(|&(x, _)| x < k);
        let to = self.street_index.partition_point(|&(x, _)| x <= k);
        &self.street_index[from..to]
    }

    /// Whether a street key locates few enough entities to locate one.
    fn distinctive(&self, k: u32) -> bool {
        self.street_holders(k).len() <= place::MAX_KEY_ENTITIES
    }

    /// An entity's street addresses and contact details.
    fn places_of(&self, ei: usize) -> &Places {
        self.places.get(&(ei as u32)).unwrap_or(&NO_PLACES)
    }

    /// [`Index::places_of`] when the query has an address or contacts to compare with them
    /// (most have none: no lookup then).
    fn places_for(&self, q: &Query, ei: usize) -> &Places {
        if q.address.is_some() || !q.identifiers.is_empty() {
            self.places_of(ei)
        } else {
            &NO_PLACES
        }
    }

    fn screen_with(&self, q: &Query, want: Want, exhaustive: bool) -> Vec<Match> {
        let top_k = want.limit(&self.config);
        let forms = analyze(&q.name, q.kind.unwrap_or(Kind::Unknown));
        if forms.is_empty() && q.identifiers.is_empty() && q.address.is_none() {
            return vec![];
        }
        SCRATCH.with(|cell| {
            let mut scratch = cell.borrow_mut();
            if exhaustive {
                let scored = (0..self.entities.len())
                    .filter(|&i| self.source_ok(&self.entities[i], q))
                    .filter_map(|i| self.score(&forms, q, i, None, None))
                    .collect();
                self.best_matches(&forms, q, scored, want, None)
            } else {
                let tokens: Vec<Vec<Near>> = forms
                    .iter()
                    .map(|f| {
                        f.tokens
                            .iter()
                            .map(|t| self.expand_cached(t, &mut scratch))
                            .collect()
                    })
                    .collect();
                // Reused across queries: a fresh bitset of the vocabulary's size costs an
                // allocation and its zeroing, each query.
                let mut shared = std::mem::take(&mut scratch.shared);
                shared.0.resize(self.tokens.len().div_ceil(64), 0);
                shared.extend(
                    tokens
                        .iter()
                        .flatten()
                        .flat_map(|m| m.as_slice().iter().map(|x| x.0)),
                );
                let mut joins = Vec::with_capacity(forms.len());
                let mut list_joins = Vec::with_capacity(forms.len());
                let mut abjad_halves = Vec::with_capacity(forms.len());
                let mut moved = Vec::with_capacity(forms.len());
                for (fi, f) in forms.iter().enumerate() {
                    let mut halves = Vec::new();
                    for (i, t) in f.tokens.iter().enumerate() {
                        for (a, b) in self.split_halves(&t.text) {
                            if self.tokens[a as usize].abjad || self.tokens[b as usize].abjad {
                                shared.extend([a, b]);
                                halves.push((i, a, b));
                            }
                        }
                    }
                    abjad_halves.push(halves);
                    let form_joins: Vec<Vec<(u32, f32)>> = f
                        .tokens
                        .windows(2)
                        .zip(tokens[fi].windows(2))
                        .map(|(p, n)| {
                            self.joined_ids(&p[0], &p[1], n[0].as_slice(), n[1].as_slice())
                        })
                        .collect();
                    shared.extend(form_joins.iter().flatten().map(|x| x.0));
                    joins.push(form_joins);
                    let apart: Vec<Apart> = f
                        .tokens
                        .iter()
                        .map(|t| self.joins_apart(t, &mut scratch))
                        .collect();
                    for &(j, _) in apart.iter().flatten() {
                        shared.extend(self.list_joins.words(j));
                    }
                    list_joins.push(apart);
                    let form_moved: Vec<Apart> = f
                        .tokens
                        .windows(2)
                        .map(|p| {
                            if article_on(&p[0], &p[1]).is_none() {
                                return Apart::new();
                            }
                            let t = Token {
                                text: format!(
                                    "{}{}",
                                    p[0].text,
                                    joined_part(&p[1].text, p[1].abjad)
                                ),
                                class: Class::Word,
                                abjad: p[0].abjad,
                            };
                            self.list_joins.lookup(&self.tokens, &t, &[])
                        })
                        .collect();
                    for &(j, _) in form_moved.iter().flatten() {
                        shared.extend(self.list_joins.words(j));
                    }
                    moved.push(form_moved);
                    let ini = initials(&f.tokens);
                    shared.extend(self.vocab.get(&ini).copied());
                }
                let acronym = forms.iter().any(|f| {
                    f.tokens
                        .iter()
                        .filter(|t| matches!(t.class, Class::Word | Class::Number))
                        .count()
                        <= 2
                        && f.tokens
                            .iter()
                            .any(|t| t.class == Class::Word && ACRONYM_LEN.contains(&t.text.len()))
                });
                let located = QueryPlace::of(q.address.as_deref(), &q.identifiers)
                    .map_or_else(Vec::new, |qp| self.located(&qp));
                let memo = Memo {
                    weights: self.query_weights(&forms),
                    tokens,
                    shared,
                    acronym,
                    joins,
                    list_joins,
                    moved,
                    abjad_halves,
                    located,
                };
                // Alerts only: a name estimate below this cannot make an alert (the candidate
                // would not be scored), nor a reading worth scoring beside a better one.
                let need = match want {
                    Want::Top(_) => f32::NEG_INFINITY,
                    Want::Alerts => {
                        self.config.alert_threshold
                            - self.config.estimate_margin
                            - self.config.reading_margin
                            - q.birth_date.map_or(0.0, |_| DATE_EXACT)
                            - q.country.as_ref().map_or(0.0, |_| COUNTRY_MATCH)
                            - if memo.located.is_empty() {
                                0.0
                            } else {
                                LOCATION_MATCH
                            }
                    }
                };
                // A few times the answer's length: estimates rank the best few well but not
                // in order (the 64 alerts of "Ibrahim Muhammad", of hundreds, are the best
                // 64 only when more are scored).
                let pool = self
                    .config
                    .max_candidates
                    .max(CANDIDATES_PER_RESULT * top_k);
                let cands = self.candidates(&forms, &memo, q, need, pool, &mut scratch);
                // Score in order of the estimate; stop once the estimates fall clearly below
                // the `top_k`-th score found (kept ascending in `kth`).
                let mut scored = Vec::new();
                let mut kth: Vec<f32> = Vec::with_capacity(top_k + 1);
                // Alerts only: what cannot reach the threshold does not matter, however many
                // candidates that leaves.
                let (min_scored, floor) = match want {
                    Want::Top(_) => (self.config.candidates, f32::NEG_INFINITY),
                    Want::Alerts => (self.config.alert_candidates, self.config.alert_threshold),
                };
                for (n, &(e, est)) in cands.iter().enumerate() {
                    // Past the `top_k`-th score found so far (and the floor), an entity can
                    // matter.
                    let useful = if kth.len() >= top_k {
                        kth[0].max(floor)
                    } else {
                        floor
                    };
                    if n >= min_scored && est + self.config.estimate_margin < useful {
                        break;
                    }
                    // Scoring reads the entity, its readings, their token ids and each
                    // token: a chain of loads from all over the index. Ask for the next
                    // candidates' first links while this one is scored.
                    if let Some(&(a, _)) = cands.get(n + 2) {
                        prefetch(self.entities.as_ptr().wrapping_add(a as usize));
                    }
                    if let Some(&(a, _)) = cands.get(n + 1) {
                        let ie = &self.entities[a as usize];
                        prefetch(ie.readings.as_ptr());
                        prefetch(ie.tokens.as_ptr());
                        prefetch(ie.entity.names.as_ptr());
                        prefetch(scratch.est.as_ptr().wrapping_add(ie.first_reading as usize));
                    }
                    let i = e as usize;
                    if !self.source_ok(&self.entities[i], q) {
                        continue;
                    }
                    // An entity found only by an identifier has no reading estimates.
                    let ests = (est.is_finite()).then_some((&scratch.est[..], useful));
                    if let Some(s) = self.score(&forms, q, i, Some(&memo), ests) {
                        let at = kth.partition_point(|&x| x < s.score);
                        kth.insert(at, s.score);
                        if kth.len() > top_k {
                            kth.remove(0);
                        }
                        scored.push(s);
                    }
                }
                let Scratch {
                    est,
                    reading_est_touched,
                    ..
                } = &mut *scratch;
                for r in reading_est_touched.drain(..) {
                    est[r as usize] = 0.0;
                }
                let out = self.best_matches(&forms, q, scored, want, Some(&memo));
                let mut shared = memo.shared;
                shared.0.fill(0);
                scratch.shared = shared;
                out
            }
        })
    }

    /// The `top_k` best of the scored entities, best first (ties by entity id, on the rounded
    /// score that is shown), written out as matches.
    fn best_matches(
        &self,
        forms: &[NameForm],
        q: &Query,
        mut scored: Vec<Scored>,
        want: Want,
        memo: Option<&Memo>,
    ) -> Vec<Match> {
        if let Want::Alerts = want {
            scored.retain(|s| s.score >= self.config.alert_threshold);
        }
        let top_k = want.limit(&self.config);
        let shown = |s: &Scored| (s.score * 1000.0).round() as i32;
        let order = |a: &Scored, b: &Scored| {
            shown(b).cmp(&shown(a)).then_with(|| {
                self.entities[a.entity]
                    .entity
                    .id
                    .cmp(&self.entities[b.entity].entity.id)
            })
        };
        if scored.len() > top_k && top_k > 0 {
            scored.select_nth_unstable_by(top_k - 1, order);
        }
        scored.truncate(top_k);
        scored.sort_by(order);
        scored
            .iter()
            .map(|s| self.to_match(forms, q, s, memo))
            .collect()
    }

    /// The entities worth scoring, best estimate first. Every reading (one name, one
    /// romanisation) sharing a verified token with the query is credited as the scorer would
    /// credit it (Σ weight × similarity, the weight of the pairs, the query and list weight they
    /// cover), which estimates its name score; an entity's estimate is its best reading's, plus
    /// the attributes.
    fn candidates(
        &self,
        forms: &[NameForm],
        memo: &Memo,
        q: &Query,
        need: f32,
        pool: usize,
        sc: &mut Scratch,
    ) -> Vec<(u32, f32)> {
        if sc.index != self.id {
            let n = self.reading_info.len();
            sc.slot_of = vec![0; n];
            sc.est = vec![0.0; n];
            sc.touched = Bits::new(n);
            sc.tail_seen = Bits::new(n);
            sc.twice = Bits::new(n);
            sc.index = self.id;
        }
        sc.best.resize(self.entities.len(), 0.0);
        // Each pass (one query token, or one joined pair, acronym …) credits each reading with
        // its best pair: (credit w × s, pair weight w, list weight covered), added to the
        // reading's totals with the query weight `wq` the pass covers. `only_touched`: credit
        // only readings that an earlier pass found, and note the others (see below).
        let credit_readings = |sc: &mut Scratch,
                               pass: u32,
                               rs: &[Posting],
                               c: &Credit,
                               wq: f32,
                               only_touched: bool| {
            let (w, wl) = (c.w, c.wl);
            let ws = w * c.s;
            for (k, p) in rs.iter().enumerate() {
                if let Some(ahead) = rs.get(k + PREFETCH_AHEAD) {
                    let a = ahead.reading;
                    if !only_touched || sc.touched.contains(a) {
                        prefetch(sc.slot_of.as_ptr().wrapping_add(a as usize));
                    }
                }
                let r = p.reading;
                if only_touched && !sc.touched.contains(r) {
                    if sc.tail_seen.contains(r) && !sc.twice.contains(r) {
                        sc.twice.extend([r]);
                        sc.twice_list.push(r);
                    }
                    sc.tail_all.push(r);
                    continue;
                }
                credit_one(sc, p, pass, ws, w, wl, wq, c.content);
            }
        };
        let cfg = &self.config;
        let q_year = q.birth_date.as_ref().map(|d| d.year as i16);
        let mut pass = 0u32;
        for (((((f, fm), form_joins), apart_joins), apart), form_moved) in forms
            .iter()
            .zip(&memo.tokens)
            .zip(&memo.joins)
            .zip(&memo.list_joins)
            .zip(&memo.abjad_halves)
            .zip(&memo.moved)
        {
            // (query weight covered, credits) per pass.
            let mut passes: Vec<(f32, Vec<Credit>)> = Vec::new();
            let by_token = |ti: u32, w: f32, s: f32| Credit {
                rs: &self.postings[ti as usize],
                w,
                s,
                wl: self.weights[ti as usize],
                content: true,
                by_year: self.year_tail(ti, q_year),
                undated: self.undated_tail(ti, q_year),
            };
            // The readings where list words stand side by side as list join `j` (see
            // `ListJoins`), credited at least half the words' weight.
            let by_join = |j: u32, w: f32, s: f32| {
                let wl: f32 = self
                    .list_joins
                    .words(j)
                    .map(|x| self.weights[x as usize])
                    .sum();
                Credit {
                    rs: self.list_joins.postings(j),
                    w: w.max(0.5 * wl),
                    s,
                    wl,
                    content: true,
                    by_year: &[],
                    undated: &[],
                }
            };
            // Each list initial is credited once (the scorer pairs it with one word at most),
            // to the query word it may stand for that is on the fewest list names: a name
            // with the initial most likely matches the commoner word in full ("A. Ahmed" for
            // "Ahmad Alawi"), and its credit must not be lost to the same pass as that word.
            // (initial, query word, credit, postings of the word's expansion).
            let mut initial_for: SmallVec<[(u32, usize, f32, usize); 8]> = SmallVec::new();
            for (i, (t, m)) in f.tokens.iter().zip(fm).enumerate() {
                if t.class != Class::Word || !t.text.is_ascii() {
                    continue;
                }
                let Some(&ti) = t.text.get(..1).and_then(|x| self.vocab.get(x)) else {
                    continue;
                };
                if self.tokens[ti as usize].class != Class::Initial {
                    continue;
                }
                let w = self.token_weight(t).min(self.weights[ti as usize]);
                let n: usize = m
                    .as_slice()
                    .iter()
                    .map(|&(x, _, _)| self.postings[x as usize].len())
                    .sum();
                match initial_for.iter_mut().find(|x| x.0 == ti) {
                    Some(x) if n < x.3 => *x = (ti, i, w, n),
                    Some(_) => {}
                    None => initial_for.push((ti, i, w, n)),
                }
            }
            // (The readings where a query word's halves stand side by side, "AlisherUsmanov"
            // for "Alisher USMANOV", are the list joins': see `ListJoins`; vowel-less halves
            // are credited each on its own: see `Memo::abjad_halves`.)
            for (i, (t, m)) in f.tokens.iter().zip(fm).enumerate() {
                let w = self.token_weight(t);
                let mut cs: Vec<Credit> = m
                    .as_slice()
                    .iter()
                    .map(|&(ti, s, _)| by_token(ti, w.max(0.5 * self.weights[ti as usize]), s))
                    .collect();
                // The scorer credits the halves only standing together, so a reading it
                // credits holds both: the rarer finds it. The commoner alone would credit
                // thousands that hold only it ("al" of "الحسن", al + حسن: every "AL-…"), each
                // as if the whole word matched, and crowd the true candidates out.
                for &(_, x, y) in apart.iter().filter(|h| h.0 == i) {
                    let rarer =
                        if self.postings[x as usize].len() <= self.postings[y as usize].len() {
                            x
                        } else {
                            y
                        };
                    cs.push(by_token(rarer, w * 0.5, 1.0));
                }
                // Adjacent list words that the query word writes as one ("Malik", "MA LI").
                cs.extend(apart_joins[i].iter().map(|&(j, s)| by_join(j, w, s)));
                // An initial on the list side ("Hasan Ahmed S. Adnan"), which the scorer
                // credits as much as its lighter side, and which is no evidence on its own.
                for &(ti, _, wi, _) in initial_for.iter().filter(|x| x.1 == i) {
                    cs.push(Credit {
                        content: false,
                        ..by_token(ti, wi, INITIAL_SIMILARITY)
                    });
                }
                passes.push((w, cs));
            }
            let wf: f32 = f.tokens.iter().map(|t| self.token_weight(t)).sum();
            // The query's initials, as letters 1–26 with their weights (see
            // `Index::first_letters`).
            let q_initials: SmallVec<[(u8, f32); 4]> = f
                .tokens
                .iter()
                .filter(|t| t.class == Class::Initial)
                .filter_map(|t| Some((letter_code(t)?, self.token_weight(t))))
                .collect();
            // What may be cut (alerts only: `need`) is bounded with the query's initials
            // matched: the scorer pairs one with any list word of its letter, which the
            // estimates credit only where a word of the reading's first 12 is free, and
            // counting one unmatched charges it as a conflict too ("A-DAJANI Sa'ad" estimates
            // "Nadim S. AL-DAJANI" at 0.56 for a score of 0.80).
            let wf_unmatched = wf
                - f.tokens
                    .iter()
                    .filter(|t| t.class == Class::Initial)
                    .map(|t| self.token_weight(t))
                    .sum::<f32>();
            // Acronyms either way round.
            for t in &f.tokens {
                if ACRONYM_LEN.contains(&t.text.len()) && t.class == Class::Word && !t.abjad {
                    if let Some(v) = self.acronyms.get(&t.text) {
                        let c = Credit {
                            rs: v,
                            w: wf,
                            s: 0.85,
                            wl: f32::INFINITY,
                            content: true,
                            by_year: &[],
                            undated: &[],
                        };
                        passes.push((wf, vec![c]));
                    }
                }
            }
            // The query's initials as a list word ("People's Liberation Army" for "PLA"), as
            // the scorer takes them: a word (not the particle "al" for "Ali LEDKOV"), and only
            // for a query that says it names no person (see `Naming::query_party`).
            let ini = initials(&f.tokens);
            if ACRONYM_LEN.contains(&ini.len()) && declared_party(q) {
                if let Some(&ti) = self.vocab.get(&ini) {
                    if self.tokens[ti as usize].class == Class::Word {
                        passes.push((wf, vec![by_token(ti, wf, 0.85)]));
                    }
                }
            }
            // Adjacent query words written as one on the list ("Jong Un" → "jongun"; for
            // vowel-less scripts by skeleton: "عبد الله" → "Abdullah").
            for ((pair, joined), moved) in f.tokens.windows(2).zip(form_joins).zip(form_moved) {
                let w = self.token_weight(&pair[0]) + self.token_weight(&pair[1]);
                for &(ti, s) in joined {
                    passes.push((w, vec![by_token(ti, w, s)]));
                }
                // And as two list words whose article is on the other word ("Abdul Rahman",
                // "عبد الرحمن").
                let cs: Vec<Credit> = moved.iter().map(|&(j, s)| by_join(j, w, s)).collect();
                if !cs.is_empty() {
                    passes.push((w, cs));
                }
            }
            // Short lists first, the shortest in full. A long list after it (a common name:
            // "Mohammad" is in thousands of names) is credited in full only to its lightest
            // readings (postings are sorted by reading weight): a reading it alone matches
            // estimates lower the heavier it is, so past those it only adds to readings that
            // other passes found.
            passes.sort_by_key(|(_, cs)| cs.iter().map(|c| c.rs.len()).sum::<usize>());
            // The postings the `k`-th pass credits in full, before its tail. A pass that
            // credits nothing (a query word on no list) is no shortest list.
            let in_full = passes
                .iter()
                .position(|(_, cs)| cs.iter().any(|c| !c.rs.is_empty()))
                .unwrap_or(0);
            // A pair that is no evidence on its own (a list initial) estimates nothing alone:
            // it only adds to readings that other pairs found, all its list a tail.
            // With a floor on the estimates worth having (`need`, alerts only), the longest
            // lists whose pairs together cannot lift a reading to it credit only readings
            // that shorter lists found (MaxScore): a reading they alone match estimates at
            // most Σw / (Σw + unmatched_query_weight × the query weight they leave), since
            // every pair's similarity is at most 1. Those readings are found in full by the
            // passes before, so what these lists skip needs no second look.
            let mut essential = passes.len();
            if need > 0.0 {
                let (mut w, mut wq) = (0.0f32, 0.0f32);
                for (k, (pq, cs)) in passes.iter().enumerate().rev() {
                    w += cs.iter().map(|c| c.w).fold(0.0, f32::max);
                    wq += pq;
                    let uq = (wf_unmatched - wq).max(0.0);
                    if w / (w + cfg.unmatched_query_weight * uq).max(1e-6) >= need {
                        break;
                    }
                    essential = k;
                }
            }
            let head_len = |k: usize, c: &Credit| {
                if !c.content || k >= essential {
                    0
                } else if k <= in_full {
                    c.rs.len()
                } else {
                    c.rs.len().min(LONG_POSTINGS)
                }
            };
            for (k, (wq, cs)) in passes.iter().enumerate() {
                pass += 1;
                let from = sc.tail_all.len();
                // Every head of the pass before any tail: a reading that one list's head finds
                // ("ale" for "ali", a short list) takes the better pair a long list's tail holds
                // for it ("ali" itself).
                for c in cs {
                    let head = head_len(k, c);
                    credit_readings(sc, pass, &c.rs[..head], c, *wq, false);
                    if head < c.rs.len() && c.content && k < essential {
                        credit_readings(sc, pass, c.by_year, c, *wq, false);
                        credit_readings(sc, pass, c.undated, c, *wq, false);
                    }
                }
                for c in cs {
                    credit_readings(sc, pass, &c.rs[head_len(k, c)..], c, *wq, true);
                }
                if k >= essential {
                    sc.tail_all.truncate(from);
                }
                // Marked once the pass is over: two lists of one pass are not two passes.
                let Scratch {
                    tail_seen,
                    tail_all,
                    ..
                } = &mut *sc;
                tail_seen.extend(tail_all[from..].iter().copied());
            }
            // A reading deep in two long lists ("Mohammad Ali Jafari" for "Muhammad Ali": both
            // words are in thousands of names, and the rare third word makes the reading
            // heavy) was found by no head, but the tails of two passes skipped it. A reading
            // that a tail skipped before a later pass found it ("Ali JUMUL": "Ali" is in
            // thousands of names and skipped it, "Jumul" found it) lacks that word's credit.
            // Scan the tails again for both, crediting them with the passes that skipped them.
            if !sc.twice_list.is_empty() {
                let first = pass - passes.len() as u32;
                for (k, (wq, cs)) in passes.iter().enumerate() {
                    let pid = first + k as u32 + 1;
                    for c in cs {
                        let ws = c.w * c.s;
                        for p in &c.rs[head_len(k, c)..] {
                            let r = p.reading as usize;
                            if !sc.twice.contains(p.reading) {
                                continue;
                            }
                            let slot = sc.slot_of[r];
                            // Found by this pass or an earlier one: this tail credited it.
                            if slot != 0 && sc.acc[slot as usize - 1].found <= pid {
                                continue;
                            }
                            credit_one(sc, p, pid, ws, c.w, c.wl, *wq, c.content);
                            if slot == 0 {
                                // Found by no pass: every tail skipped it.
                                let n = sc.slot_of[r] as usize;
                                sc.acc[n - 1].found = u32::MAX;
                            }
                        }
                    }
                }
            }
            // Clearing word by word costs more than clearing all once tails have skipped a
            // reading per word or so (common names skip thousands).
            if sc.tail_all.len() > sc.tail_seen.0.len() / 4 {
                sc.tail_seen.0.fill(0);
                sc.twice.0.fill(0);
            } else {
                for &r in &sc.tail_all {
                    sc.tail_seen.0[r as usize / 64] = 0;
                    sc.twice.0[r as usize / 64] = 0;
                }
            }
            sc.tail_all.clear();
            sc.twice_list.clear();

            for k in 0..sc.acc.len() {
                if let Some(ahead) = sc.acc.get(k + PREFETCH_AHEAD) {
                    prefetch(sc.est.as_ptr().wrapping_add(ahead.posting.reading as usize));
                    prefetch(
                        sc.best
                            .as_ptr()
                            .wrapping_add(ahead.posting.info.entity as usize),
                    );
                }
                let a = sc.acc[k];
                let r = a.posting.reading as usize;
                let ri = a.posting.info;
                // Free the slot for the next form; the estimate stays.
                sc.slot_of[r] = 0;
                sc.touched.0[r / 64] = 0;
                if ri.native == f.native && a.content {
                    // The query's initials, which the scorer pairs with a list word of their
                    // letter that no other query word took ("M." with "MAHSUD" in "Abdul Aziz
                    // MAHSUD" for "Maher Abdulaziz M. MUTREB"): credited where the reading has
                    // such a word, at the initial's weight (the lighter side, as a rule).
                    let (mut ini_s, mut ini_w) = (0.0f32, 0.0f32);
                    if !q_initials.is_empty() {
                        let letters = self.first_letters[r];
                        let mut taken = a.used | position_bit(a.cur_pos);
                        for &(c, wi) in &q_initials {
                            let free = (0..LETTER_POSITIONS).find(|&p| {
                                (letters >> (5 * p)) & 31 == c as u64 && taken & (1 << p) == 0
                            });
                            if let Some(p) = free {
                                taken |= 1 << p;
                                ini_s += INITIAL_SIMILARITY * wi;
                                ini_w += wi;
                            }
                        }
                    }
                    let estimate = |wf: f32| {
                        let (sum_q, sum_l) = (a.sum_q + ini_w, a.sum_l + ini_w);
                        let uq = (wf - sum_q).max(0.0);
                        let ul = (ri.weight - sum_l).max(0.0);
                        let x = (a.sum + ini_s)
                            / (a.sum_w
                                + ini_w
                                + cfg.unmatched_query_weight * uq
                                + cfg.unmatched_list_weight * ul
                                + cfg.conflict_weight * uq.min(ul))
                            .max(1e-6);
                        let x = if ri.weak {
                            x * cfg.weak_alias_factor
                        } else {
                            x
                        };
                        x.max(f32::MIN_POSITIVE)
                    };
                    let x = estimate(wf);
                    // Alerts only: a reading estimated below `need` is not scored (its
                    // entity's best reading is at least `reading_margin` above it, or the
                    // entity is not scored at all), nor an entity whose best is. What is cut
                    // is estimated with the query's initials matched.
                    let hi = if x < need + cfg.reading_margin && wf_unmatched < wf {
                        estimate(wf_unmatched).max(x)
                    } else {
                        x
                    };
                    if hi < need {
                        continue;
                    }
                    let est = &mut sc.est[r];
                    if *est == 0.0 {
                        sc.reading_est_touched.push(r as u32);
                    }
                    *est = est.max(x);
                    let e = ri.entity as usize;
                    if hi < need + cfg.reading_margin {
                        continue;
                    }
                    if sc.best[e] == 0.0 {
                        sc.best_touched.push(e as u32);
                    }
                    sc.best[e] = sc.best[e].max(x);
                }
            }
            sc.acc.clear();
        }
        // An identical identifier is a match whatever the name.
        for id in &q.identifiers {
            if let Some(v) = self.id_index.get(&normalise_id(id)) {
                for &e in v {
                    if sc.best[e as usize] == 0.0 {
                        sc.best_touched.push(e);
                    }
                    sc.best[e as usize] = f32::INFINITY;
                }
            }
        }
        // So is an agreeing address worth scoring, whatever the name.
        let located = &memo.located[..];
        for &e in located {
            if sc.best[e as usize] == 0.0 {
                sc.best_touched.push(e);
                sc.best[e as usize] = f32::MIN_POSITIVE;
            }
        }
        let place = |e: u32| {
            if located.binary_search(&e).is_ok() {
                LOCATION_MATCH
            } else {
                0.0
            }
        };
        // Stage 1: the best name estimates, with every entity tied at the cut (a common given
        // name ties hundreds of entities; which of them rank first is decided by what else
        // they carry).
        // Only the sources asked for compete for the cut: entities of others, dropped later,
        // would take the places of those that can be returned.
        let mut est: Vec<(u32, f32)> = sc
            .best_touched
            .iter()
            .filter(|&&e| q.sources.is_empty() || self.source_ok(&self.entities[e as usize], q))
            .map(|&e| (e, sc.best[e as usize]))
            .collect();
        for &e in &sc.best_touched {
            sc.best[e as usize] = 0.0;
        }
        sc.best_touched.clear();
        let c = self.config.candidates;
        let pre = (4 * c).max(pool).min(est.len());
        let mut below = Vec::new();
        if pre < est.len() {
            est.select_nth_unstable_by(pre, |a, b| b.1.total_cmp(&a.1));
            let cut = est[pre].1;
            below = est.split_off(pre);
            // The first 2,000 tied move up (`est` has the room); the others tied are dropped.
            let mut tied = 0;
            below.retain(|&x| {
                if x.1 < cut {
                    return true;
                }
                if tied < 2000 {
                    est.push(x);
                    tied += 1;
                }
                false
            });
        }
        // Stage 2: the attributes, which move the score by up to a few tenths; keep the best
        // `pool`.
        let qcode = q.country.as_deref().map(country_code);
        let with_attributes = |est: &mut [(u32, f32)]| {
            for k in 0..est.len() {
                if let Some(&(e, _)) = est.get(k + PREFETCH_AHEAD) {
                    prefetch(self.hints.as_ptr().wrapping_add(e as usize));
                }
                let (e, x) = &mut est[k];
                *x += match self.hints[*e as usize].evidence(q, qcode) {
                    Some(d) => d,
                    None => self.entity_attributes(&self.entities[*e as usize], q, qcode),
                };
            }
            if !located.is_empty() {
                for (e, x) in est.iter_mut() {
                    *x += place(*e);
                }
            }
        };
        with_attributes(&mut est);
        // A name estimate below the cut still makes the best `pool` when its
        // attributes agree where theirs conflict (a customer's exact birth date and country
        // against names of other people's): those that could, given the most their attributes
        // can add (`AttributeHint::bound`, read from one compact array), are weighed too.
        if !below.is_empty() {
            // `est` is put in order below anyway: selecting in place costs no copy.
            let kth = match pool.checked_sub(1).filter(|&m| m < est.len()) {
                Some(m) => {
                    let (_, kth, _) = est.select_nth_unstable_by(m, |a, b| b.1.total_cmp(&a.1));
                    kth.1
                }
                None => f32::NEG_INFINITY,
            };
            // The most any entity's attributes can add bounds most of them without reading
            // their hints, a cache miss each.
            let most = AttributeHint::most(q)
                + if located.is_empty() {
                    0.0
                } else {
                    LOCATION_MATCH
                };
            below.retain(|&(_, x)| x + most >= kth);
            let mut lifted = Vec::new();
            for (k, &(e, x)) in below.iter().enumerate() {
                if let Some(&(a, _)) = below.get(k + PREFETCH_AHEAD) {
                    prefetch(self.hints.as_ptr().wrapping_add(a as usize));
                }
                let b = self.hints[e as usize].bound(q, qcode);
                if x + b >= kth || !located.is_empty() && x + b + place(e) >= kth {
                    lifted.push((e, x));
                }
            }
            with_attributes(&mut lifted);
            est.extend(lifted);
        }
        if est.len() > pool {
            est.select_nth_unstable_by(pool, |a, b| b.1.total_cmp(&a.1));
            est.truncate(pool);
        }
        est.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
        est
    }

    /// The change an entity's country, birth date and kind make to a candidate's estimate, read
    /// from the entity (see [`AttributeHint::evidence`] for most entities).
    fn entity_attributes(&self, ie: &IndexedEntity, q: &Query, qcode: Option<u16>) -> f32 {
        let mut x = 0.0;
        if let (Some(qc), false) = (qcode, ie.countries.is_empty()) {
            x += if ie.country_codes.contains(&qc) {
                COUNTRY_MATCH
            } else {
                COUNTRY_MISMATCH
            };
        }
        if let (Some(qd), false) = (&q.birth_date, ie.entity.birth_dates.is_empty()) {
            x += date_evidence(qd, &ie.entity.birth_dates).1;
        }
        if let Some(qk) = q.kind {
            x += kind_delta(qk, ie.entity.kind);
        }
        x
    }

    /// Scores one indexed entity without writing out the explanation: most candidates never
    /// reach the top `k`, and the explanation's strings cost more than the score.
    fn score(
        &self,
        forms: &[NameForm],
        q: &Query,
        ei: usize,
        memo: Option<&Memo>,
        reading_est: Option<(&[f32], f32)>,
    ) -> Option<Scored> {
        let ie = &self.entities[ei];
        let names = ListNames::Indexed(self, ie);
        let ests = reading_est.map(|(v, useful)| {
            (
                &v[ie.first_reading as usize..ie.first_reading as usize + ie.readings.len()],
                useful,
            )
        });
        self.score_names(
            forms,
            q,
            &ie.entity,
            &ie.countries,
            &ie.ids,
            match memo {
                Some(m) if m.located.binary_search(&(ei as u32)).is_err() => &NO_PLACES,
                _ => self.places_for(q, ei),
            },
            &names,
            memo,
            ests,
            Some(&self.hints[ei]),
        )
        .map(|s| Scored { entity: ei, ..s })
    }

    /// Writes out the match and its explanation for a scored indexed entity.
    fn to_match(&self, forms: &[NameForm], q: &Query, s: &Scored, memo: Option<&Memo>) -> Match {
        let ie = &self.entities[s.entity];
        let names = ListNames::Indexed(self, ie);
        self.explain(
            forms,
            q,
            &ie.entity,
            &ie.source,
            &ie.countries,
            &ie.ids,
            self.places_for(q, s.entity),
            &names,
            s,
            memo,
        )
    }

    /// Scores a query against one entity that need not be in the index (its tokens weigh by
    /// this index's frequencies). Used to evaluate name pairs.
    pub fn compare(&self, q: &Query, e: &Entity) -> Option<Match> {
        let forms = analyze(&q.name, q.kind.unwrap_or(Kind::Unknown));
        let owned: Vec<(usize, Vec<NameForm>)> = e
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (i, analyze(&n.full, e.kind)))
            .collect();
        let names = ListNames::Owned(&owned);
        let countries = entity_countries(e);
        let ids = entity_ids(e);
        let places = Places::of(e);
        let s = self.score_names(
            &forms, q, e, &countries, &ids, &places, &names, None, None, None,
        )?;
        Some(self.explain(
            &forms, q, e, "", &countries, &ids, &places, &names, &s, None,
        ))
    }

    /// The best name of an entity for the query, and the score with attributes.
    #[allow(clippy::too_many_arguments)]
    fn score_names(
        &self,
        forms: &[NameForm],
        q: &Query,
        e: &Entity,
        countries: &[String],
        ids: &[(String, String)],
        places: &Places,
        names: &ListNames,
        memo: Option<&Memo>,
        reading_est: Option<(&[f32], f32)>,
        hint: Option<&AttributeHint>,
    ) -> Option<Scored> {
        // Best (score, name index, list form index, query form index).
        let best: std::cell::Cell<Option<(f32, usize, usize, usize)>> = Default::default();
        let q_native = forms.iter().any(|f| f.native);
        let naming = Naming::of(e, q);
        let owned_weights;
        let qweights: &[Vec<f32>] = match memo {
            Some(m) => &m.weights,
            None => {
                owned_weights = self.query_weights(forms);
                &owned_weights
            }
        };
        // A name with nothing in common with the query cannot score.
        // Nor can a reading whose estimate is far below the entity's best reading's.
        let floor = reading_est.map_or(f32::NEG_INFINITY, |(v, _)| {
            v.iter().copied().fold(0.0, f32::max) - self.config.reading_margin
        });
        let shared = |lids: &[u32]| match memo {
            Some(m) if !m.acronym => lids.iter().any(|id| m.shared.contains(*id)),
            _ => true,
        };
        let keep = |k: usize, lids: &[u32]| {
            !reading_est.is_some_and(|(v, _)| v[k] < floor) && shared(lids)
        };
        let score_reading =
            |ni: usize, li: usize, has_native: bool, l_nat: bool, list: &[&Token], lids: &[u32]| {
                let quality = e.names[ni].quality;
                // Both written in Han/Hangul/Kana: compare as written, not through romanisations.
                let native_only = q_native && has_native;
                for (fi, qf) in forms.iter().enumerate() {
                    if qf.native != l_nat || (l_nat != native_only) {
                        continue;
                    }
                    let fmemo = memo.map(|m| (&m.tokens[fi][..], lids, &m.shared));
                    let (mut s, _) =
                        self.name_score(&qf.tokens, &qweights[fi], list, naming, fmemo, false);
                    if matches!(quality, NameQuality::Weak | NameQuality::Low) {
                        s *= self.config.weak_alias_factor;
                    }
                    if best.get().is_none_or(|b| s > b.0) {
                        best.set(Some((s, ni, li, fi)));
                    }
                }
            };
        names.each(keep, score_reading);
        // The estimates know nothing of word order or lineage ("bin Muhammad bin Awad"), which
        // can cut the score of the best-estimated reading well below its estimate: then the
        // readings within the margin of the score found are scored too ("Usama BIN LADEN"
        // beside "Usama bin Muhammad bin Awad BIN LADIN").
        // Only readings that could still beat the `top_k`-th score found (`useful`): a score
        // may exceed its estimate by the margin, and the attributes add at most
        // `DATE_EXACT + COUNTRY_MATCH`.
        if let Some((v, useful)) = reading_est {
            let found = best.get().map_or(0.0, |b| b.0);
            let margin = self.config.reading_margin;
            let lower = (found - margin).max(useful - margin - DATE_EXACT - COUNTRY_MATCH);
            // (A reading no query word credited has no estimate: 0.)
            let lower = lower.max(f32::MIN_POSITIVE);
            if found < floor && v.iter().any(|&x| x < floor && x >= lower) {
                names.each(
                    |k, lids| v[k] < floor && v[k] >= lower && shared(lids),
                    score_reading,
                );
            }
        }
        let best = best.get();
        let name_score = best.map_or(0.0, |b| b.0);
        // The entity's compact hint gives the same change without reading its dates and
        // countries from all over the heap, when it holds them all and no identifier is
        // given (a two-letter country's code is the code: see `country_code`).
        let compact = hint
            .filter(|_| {
                q.identifiers.is_empty()
                    && q.address.is_none()
                    && q.country.as_deref().is_none_or(|c| c.len() == 2)
            })
            .and_then(|h| h.evidence(q, q.country.as_deref().map(country_code)));
        let (delta, found) = match compact {
            Some(d) => (d, false),
            None => self.attribute_evidence(q, e, countries, ids, places, name_score, None),
        };
        if name_score <= 0.0 && !found {
            return None;
        }
        Some(Scored {
            // Set by the caller that knows the index position (`score`); `compare` has none.
            entity: 0,
            score: (name_score + delta).clamp(0.0, 1.0),
            name_score,
            best: best.map(|(_, ni, li, fi)| (ni, li, fi)),
        })
    }

    /// How the attributes move a name score: the total change, whether an identifier, an
    /// address or a contact detail matched (a match whatever the name), and (when `out` is
    /// given) each attribute's evidence.
    #[allow(clippy::too_many_arguments)]
    fn attribute_evidence(
        &self,
        q: &Query,
        e: &Entity,
        countries: &[String],
        ids: &[(String, String)],
        places: &Places,
        name_score: f32,
        mut out: Option<&mut Vec<Attribute>>,
    ) -> (f32, bool) {
        let mut delta_total = 0.0f32;
        // Identifiers: an identical one is a match whatever the name.
        let mut id_hit = false;
        for qid in &q.identifiers {
            let n = normalise_id(qid);
            if n.len() < 4 {
                continue;
            }
            if let Some((kind, _)) = ids.iter().find(|(_, v)| *v == n) {
                id_hit = true;
                if let Some(out) = out.as_deref_mut() {
                    out.push(Attribute {
                        attribute: "identifier",
                        query: qid.clone(),
                        list: vec![format!("{kind} {n}")],
                        result: "exact_match",
                        delta: 0.0,
                    });
                }
            }
        }
        if id_hit {
            delta_total = name_score.max(0.97) - name_score;
            if let Some(a) = out.as_deref_mut().and_then(|o| o.last_mut()) {
                a.delta = delta_total;
            }
        }
        let mut located = false;
        if !places.is_empty() {
            if let Some(a) = QueryPlace::of(q.address.as_deref(), &q.identifiers).and_then(|qp| {
                qp.agreement(places, &|k| self.distinctive(k))
                    .map(|a| (a.attribute, a.list.to_string()))
            }) {
                located = true;
                delta_total += LOCATION_MATCH;
                if let Some(out) = out.as_deref_mut() {
                    let query = match a.0 {
                        "address" => q.address.clone().unwrap_or_default(),
                        _ => q.identifiers.join("; "),
                    };
                    out.push(Attribute {
                        attribute: a.0,
                        query,
                        list: vec![a.1],
                        result: "match",
                        delta: LOCATION_MATCH,
                    });
                }
            }
        }
        if let Some(qd) = &q.birth_date {
            if !e.birth_dates.is_empty() {
                let (result, delta) = date_evidence(qd, &e.birth_dates);
                delta_total += delta;
                if let Some(out) = out.as_deref_mut() {
                    out.push(Attribute {
                        attribute: "birth_date",
                        query: qd.to_string(),
                        list: e.birth_dates.iter().map(DateSpec::to_string).collect(),
                        result,
                        delta,
                    });
                }
            }
        }
        if let Some(qc) = &q.country {
            if !countries.is_empty() {
                let (result, delta) = if countries.contains(qc) {
                    ("match", COUNTRY_MATCH)
                } else {
                    ("mismatch", COUNTRY_MISMATCH)
                };
                delta_total += delta;
                if let Some(out) = out.as_deref_mut() {
                    out.push(Attribute {
                        attribute: "country",
                        query: qc.clone(),
                        list: countries.to_vec(),
                        result,
                        delta,
                    });
                }
            }
        }
        if let Some(qk) = q.kind {
            let delta = kind_delta(qk, e.kind);
            if delta != 0.0 {
                delta_total += delta;
                if let Some(out) = out {
                    out.push(Attribute {
                        attribute: "kind",
                        query: qk.as_str().into(),
                        list: vec![e.kind.as_str().into()],
                        result: "mismatch",
                        delta,
                    });
                }
            }
        }
        (delta_total, id_hit || located)
    }

    /// The match for a scored entity, with the explanation of its best name and attributes.
    #[allow(clippy::too_many_arguments)]
    fn explain(
        &self,
        forms: &[NameForm],
        q: &Query,
        e: &Entity,
        source: &str,
        countries: &[String],
        ids: &[(String, String)],
        places: &Places,
        names: &ListNames,
        s: &Scored,
        memo: Option<&Memo>,
    ) -> Match {
        let mut name_ex = NameExplanation::default();
        let ni = s.best.map_or(0, |b| b.0);
        if let Some((bni, bli, fi)) = s.best {
            // Only the best reading is written out: skip gathering the others' tokens.
            let best_reading = |k: usize, _: &[u32]| match names {
                ListNames::Indexed(_, ie) => {
                    let r = &ie.readings[k];
                    r.name_idx as usize == bni && r.li as usize == bli
                }
                ListNames::Owned(_) => true,
            };
            names.each(best_reading, |ni, li, _, _, list, lids| {
                if ni != bni || li != bli {
                    return;
                }
                let fmemo = memo.map(|m| (&m.tokens[fi][..], lids, &m.shared));
                let owned;
                let wq = match memo {
                    Some(m) => &m.weights[fi][..],
                    None => {
                        owned = forms[fi]
                            .tokens
                            .iter()
                            .map(|t| self.token_weight(t))
                            .collect::<Vec<f32>>();
                        &owned[..]
                    }
                };
                name_ex = self
                    .name_score(&forms[fi].tokens, wq, list, Naming::of(e, q), fmemo, true)
                    .1
                    .unwrap_or_default();
            });
            if matches!(e.names[bni].quality, NameQuality::Weak | NameQuality::Low) {
                name_ex.weak_alias_factor = Some(self.config.weak_alias_factor);
            }
        }
        let mut attributes = Vec::new();
        self.attribute_evidence(
            q,
            e,
            countries,
            ids,
            places,
            s.name_score,
            Some(&mut attributes),
        );
        let n = &e.names[ni];
        Match {
            entity_id: e.id.clone(),
            score: (s.score * 1000.0).round() / 1000.0,
            alert: s.score >= self.config.alert_threshold,
            name: e.name.clone(),
            matched_name: n.full.clone(),
            source: source.to_string(),
            explanation: Explanation {
                name_score: (s.name_score * 1000.0).round() / 1000.0,
                name: name_ex,
                attributes,
            },
        }
    }

    /// Scores a query name against a list name (token sequences); with `explain`, also says how.
    /// `memo`, on the index path, holds each query token's verified similarities by vocabulary
    /// id, with the list name's token ids; it spares recomputing a pair across candidates.
    #[allow(clippy::too_many_arguments)]
    fn name_score(
        &self,
        q: &[Token],
        wq: &[f32],
        l: &[&Token],
        naming: Naming,
        memo: Option<(&[TokenMatches], &[u32], &Bits)>,
        explain: bool,
    ) -> (f32, Option<NameExplanation>) {
        let kind = naming.kind;
        if q.is_empty() || l.is_empty() || q.len() > 64 || l.len() > 64 {
            return (0.0, None);
        }
        #[derive(Clone, Copy)]
        struct Pair {
            s: f32,
            qa: u8,
            qn: u8,
            la: u8,
            ln: u8,
            how: &'static str,
        }
        let pair = |s: f32, qa: usize, qn: usize, la: usize, ln: usize, how: &'static str| Pair {
            s,
            qa: qa as u8,
            qn: qn as u8,
            la: la as u8,
            ln: ln as u8,
            how,
        };
        let mut pairs: SmallVec<[Pair; 32]> = SmallVec::new();
        for (i, qt) in q.iter().enumerate() {
            for (j, lt) in l.iter().enumerate() {
                let (s, how) = match memo {
                    Some((m, ids, shared))
                        if ids.len() == l.len()
                            && qt.class != Class::Initial
                            && lt.class != Class::Initial
                            // Neighbours were found with the vocabulary's token, which may
                            // be the vowel-less one where this reading's is Latin (then
                            // `lt` is another token: see `ListNames::each`).
                            && std::ptr::eq(*lt, &self.tokens[ids[j] as usize]) =>
                    {
                        // Most of a name's other words spell no query word: a bit says so.
                        if shared.contains(ids[j]) {
                            m[i].get(ids[j]).unwrap_or((0.0, How::None))
                        } else {
                            (0.0, How::None)
                        }
                    }
                    _ => token_similarity(qt, lt),
                };
                if s > 0.0 {
                    pairs.push(pair(s, i, 1, j, 1, how.as_str()));
                }
            }
        }
        // First byte: tokens are lower-case ASCII, or Han/Hangul/Kana whose first byte still
        // tells two words apart well enough for a pre-check (and slicing one could panic).
        let first = |t: &str| t.as_bytes().first().copied();
        // Words written as one are compared letter for letter (up to the typo budget, each
        // word its own: see `join_agrees`), or by skeleton in vowel-less scripts: see
        // `spelling_similarity`.
        let join_ok = |s: f32| s >= 0.8;
        // Joined words, either way round ("AlisherUsmanov", "vanderbilt"). A word matched
        // exactly takes that match before any join (joins score at most 0.98), so joins that
        // need it are not tried; nor are joins of words that all match exactly.
        // A word is sure of its exact match only when no other word of its name claims the
        // same one: of two query words "abd" and one list word "abd", one is left for a join
        // ("abd allh" for "Abdullah").
        let mut q_claims = [0u8; 64];
        let mut l_claims = [0u8; 64];
        for p in pairs.iter().filter(|p| p.s >= 1.0) {
            q_claims[p.qa as usize] += 1;
            l_claims[p.la as usize] += 1;
        }
        let mut q_exact = [false; 64];
        let mut l_exact = [false; 64];
        for p in pairs.iter().filter(|p| p.s >= 1.0) {
            q_exact[p.qa as usize] |= l_claims[p.la as usize] == 1;
            l_exact[p.la as usize] |= q_claims[p.qa as usize] == 1;
        }
        // One buffer for every joined word, kept per thread, instead of a string per try.
        let mut jt = Token {
            text: JOIN_BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut())),
            class: Class::Word,
            abjad: false,
        };
        let join_into = |jt: &mut Token, parts: &[&Token]| {
            jt.text.clear();
            for (k, t) in parts.iter().enumerate() {
                jt.text.push_str(if k == 0 {
                    &t.text
                } else {
                    joined_part(&t.text, t.abjad)
                });
            }
            jt.abjad = parts.iter().any(|t| t.abjad);
        };
        // Which words are vowel-less compounds written as one, each read once.
        let q_compound: SmallVec<[bool; 16]> = q.iter().map(abjad_compound_word).collect();
        let l_compound: SmallVec<[bool; 16]> = l.iter().map(|t| abjad_compound_word(t)).collect();
        // Which adjacent pairs carry the article on one word of the two, each read once.
        let articles = |ts: &[&Token]| -> SmallVec<[Option<ArticleOn>; 16]> {
            ts.windows(2).map(|p| article_on(p[0], p[1])).collect()
        };
        let q_refs: SmallVec<[&Token; 16]> = q.iter().collect();
        let (q_article, l_article) = (articles(&q_refs), articles(l));
        for i in 0..q.len() {
            let qlen = q[i].text.len();
            for j in 0..l.len() {
                // Vowel-less transliterations are shorter and may lack the initial vowel
                // ("عبد الله" is "bd allh" for "Abdullah"): their lengths say nothing. So is
                // a Latin particle before a word that the script writes with it ("الأسد",
                // "alsd", is "al-Assad"); any other Latin join begins with a vowel more
                // often than it spells such a word ("Ali Salem" is no "السلام").
                let abjad_l = j + 1 < l.len()
                    && (l[j].abjad
                        || l[j + 1].abjad
                        || (q[i].abjad && l[j].class == Class::Particle));
                if !q_exact[i]
                    && j + 1 < l.len()
                    && !(l_exact[j] && l_exact[j + 1])
                    && (abjad_l
                        || q_compound[i]
                        || (qlen.abs_diff(l[j].text.len() + l[j + 1].text.len()) <= 2
                            && first(&q[i].text) == first(&l[j].text)))
                    && abjad_compound(l[j], l[j + 1])
                {
                    join_into(&mut jt, &[l[j], l[j + 1]]);
                    let (s, how) = spelling_similarity(&q[i], &jt);
                    // The second word's first letter is lost inside the join.
                    if join_ok(s)
                        && (!l[j + 1].abjad
                            || initial_semivowel_written(&q[i].text, &l[j + 1].text))
                        && (how == How::Skeleton || join_agrees(&[l[j], l[j + 1]], &q[i].text))
                    {
                        pairs.push(pair(s * 0.98, i, 1, j, 2, how.as_str()));
                    }
                }
                if !q_exact[i]
                    && j + 2 < l.len()
                    && !(l_exact[j] && l_exact[j + 1] && l_exact[j + 2])
                    && qlen.abs_diff(l[j].text.len() + l[j + 1].text.len() + l[j + 2].text.len())
                        <= 2
                    && first(&q[i].text) == first(&l[j].text)
                {
                    join_into(&mut jt, &[l[j], l[j + 1], l[j + 2]]);
                    let (s, how) = spelling_similarity(&q[i], &jt);
                    if join_ok(s)
                        && (how == How::Skeleton
                            || join_agrees(&[l[j], l[j + 1], l[j + 2]], &q[i].text))
                    {
                        pairs.push(pair(s * 0.98, i, 1, j, 3, how.as_str()));
                    }
                }
                let abjad = i + 1 < q.len() && (q[i].abjad || q[i + 1].abjad);
                // A vowel-less list word is compared without the "a" of its initial vowel
                // letter here: Latin words joined begin with a vowel far more often than
                // they spell such a word ("Ali HUSAYN" is not "الحسینی", al-Husayni).
                let lj = joined_part(&l[j].text, l[j].abjad);
                if i + 1 < q.len()
                    && !l_exact[j]
                    && !(q_exact[i] && q_exact[i + 1])
                    && (abjad
                        || (l[j].abjad && q[i].class == Class::Particle)
                        || l_compound[j]
                        || (lj.len().abs_diff(qlen + q[i + 1].text.len()) <= 2
                            && first(lj) == first(&q[i].text)))
                    && abjad_compound(&q[i], &q[i + 1])
                {
                    join_into(&mut jt, &[&q[i], &q[i + 1]]);
                    let (s, how) = spelling_similarity(&jt, l[j]);
                    if join_ok(s)
                        && (!q[i + 1].abjad
                            || initial_semivowel_written(&l[j].text, &q[i + 1].text))
                        && (how == How::Skeleton || join_agrees(&[&q[i], &q[i + 1]], &l[j].text))
                    {
                        pairs.push(pair(s * 0.98, i, 2, j, 1, how.as_str()));
                    }
                }
                // Two words each side, the article on the first word in Latin and on the
                // second in the script: "Abdul Rahman" is "عبد الرحمن" (abd·alrhmn), which
                // neither word alone spells.
                if i + 1 < q.len() && j + 1 < l.len() {
                    let (qp, lp) = ([&q[i], &q[i + 1]], [l[j], l[j + 1]]);
                    let (qa, la) = (q_article[i], l_article[j]);
                    if qa.is_some()
                        && la.is_some()
                        && qa != la
                        && !(q_exact[i] && q_exact[i + 1])
                        && !(l_exact[j] && l_exact[j + 1])
                    {
                        join_into(&mut jt, &qp);
                        let jq = jt.clone();
                        join_into(&mut jt, &lp);
                        let (s, how) = spelling_similarity(&jq, &jt);
                        if join_ok(s) && how == How::Skeleton {
                            pairs.push(pair(s * 0.98, i, 2, j, 2, how.as_str()));
                        }
                    }
                }
            }
        }
        JOIN_BUFFER.with(|b| *b.borrow_mut() = jt.text);
        // Acronyms: a short token spelling the initials of the other name's words ("PLA" for
        // "People's Liberation Army"), either way round. The acronym must stand for most of its
        // own name (at most one other word beside it, as in "PLA China"), and for all the words
        // of the other name, particles and legal forms aside.
        let content = |ts: &mut dyn Iterator<Item = &Token>| {
            ts.filter(|t| matches!(t.class, Class::Word | Class::Number))
                .count()
        };
        // People are not named by acronyms: "Bob" is not "Boris Olegovich Bernikov".
        let acronyms = kind != Kind::Person;
        if acronyms && content(&mut q.iter()) <= 2 {
            let (ini, at) = initials_at(l.iter().copied());
            if ACRONYM_LEN.contains(&ini.len()) {
                for (i, t) in q.iter().enumerate() {
                    if t.class == Class::Word && !t.abjad && t.text == ini && at.len() >= 2 {
                        let (a, b) = (at[0], *at.last().unwrap());
                        pairs.push(pair(0.85, i, 1, a, b - a + 1, "acronym"));
                    }
                }
            }
        }
        if acronyms && naming.query_party && content(&mut l.iter().copied()) <= 2 {
            let (ini, at) = initials_at(q);
            if ACRONYM_LEN.contains(&ini.len()) {
                for (j, t) in l.iter().enumerate() {
                    if t.class == Class::Word && !t.abjad && t.text == ini && at.len() >= 2 {
                        let (a, b) = (at[0], *at.last().unwrap());
                        pairs.push(pair(0.85, a, b - a + 1, j, 1, "acronym"));
                    }
                }
            }
        }
        // Of equal pairs, the one whose words stand nearer the same place: a word written
        // twice goes to the occurrence in its own part of the name.
        pairs.sort_by(|a, b| {
            b.s.total_cmp(&a.s)
                .then(b.qn.cmp(&a.qn))
                .then(a.qa.abs_diff(a.la).cmp(&b.qa.abs_diff(b.la)))
        });
        let mut q_used = [false; 64];
        let mut l_used = [false; 64];
        let wl: SmallVec<[f32; 16]> = match memo {
            // Interned list tokens have their weight precomputed.
            Some((_, ids, _)) if ids.len() == l.len() => {
                ids.iter().map(|&i| self.weights[i as usize]).collect()
            }
            _ => l.iter().map(|t| self.token_weight(t)).collect(),
        };
        let (mut matched, mut matched_weight) = (0.0f32, 0.0f32);
        let (mut surplus_q, mut surplus_l) = (0.0f32, 0.0f32);
        let mut n_content = 0usize;
        let mut only_abbrev = true;
        let mut order: SmallVec<[(usize, usize); 16]> = SmallVec::new();
        let mut ex = explain.then(NameExplanation::default);
        for p in pairs {
            let (qr, lr) = (
                p.qa as usize..(p.qa + p.qn) as usize,
                p.la as usize..(p.la + p.ln) as usize,
            );
            if qr.clone().any(|i| q_used[i]) || lr.clone().any(|j| l_used[j]) {
                continue;
            }
            qr.clone().for_each(|i| q_used[i] = true);
            lr.clone().for_each(|j| l_used[j] = true);
            // A pair weighs at least half its list side: a rare list token matched through a
            // common query spelling is still evidence.
            let (sq, sl) = (
                qr.clone().map(|i| wq[i]).sum::<f32>(),
                lr.clone().map(|j| wl[j]).sum::<f32>(),
            );
            // An initial or an acronym carries only as much as its lighter side: "S." says
            // little about "Sabouni", however rare the word it might stand for.
            let w = if matches!(p.how, "initial" | "acronym") {
                sq.min(sl)
            } else {
                sq.max(sl * 0.5)
            };
            // An initial vouches for one letter of the word it stands for: the rest of that
            // word is as unmatched as a word left over, and with a word left over on the
            // other side, a conflict ("Dmitry AUNG" is not "Dmitry A. PUMPIANSKY").
            if p.how == "initial" {
                if q[p.qa as usize].class == Class::Initial {
                    surplus_l += sl - w;
                } else {
                    surplus_q += sq - w;
                }
            }
            matched += w * p.s;
            matched_weight += w;
            // Evidence of the same name needs a word matched as a word: an initial standing for
            // a word, or a word standing for an initial, alone proves nothing ("I. Ash" is not
            // "Ikolaj Zabolotnev").
            if p.how != "initial"
                && qr
                    .clone()
                    .any(|i| matches!(q[i].class, Class::Word | Class::Number))
            {
                n_content += 1;
                if p.how != "acronym" {
                    only_abbrev = false;
                }
            }
            order.push((qr.start, lr.start));
            if let Some(ex) = ex.as_mut() {
                ex.tokens.push(TokenMatch {
                    query: spaced(qr.map(|i| q[i].text.as_str())),
                    list: spaced(lr.map(|j| l[j].text.as_str())),
                    how: p.how,
                    similarity: (p.s * 1000.0).round() / 1000.0,
                    weight: (w * 1000.0).round() / 1000.0,
                });
            }
        }
        if n_content == 0 {
            // Only particles, initials or legal forms in common: no evidence of the same party.
            return (0.0, ex);
        }
        let (mut uq, mut ul) = (surplus_q, surplus_l);
        for i in 0..q.len() {
            if !q_used[i] {
                uq += wq[i];
                if let Some(ex) = ex.as_mut() {
                    ex.unmatched_query.push(q[i].text.clone());
                }
            }
        }
        for j in 0..l.len() {
            if !l_used[j] {
                ul += wl[j];
                if let Some(ex) = ex.as_mut() {
                    ex.unmatched_list.push(l[j].text.clone());
                }
            }
        }
        // A token missing on one side is an omitted name (a middle name, a patronymic); tokens
        // left over on both sides are a conflict: "Ben Ali" where the list says "Ben Mohamed".
        let conflict = uq.min(ul);
        let c = &self.config;
        // A list name of one word (a given name or nickname listed as an alias: "SAMIR",
        // "Ismail") confirms no other word of a query that has more: those are not names the
        // list omits, as a middle name is, but names it cannot check. They weigh as much as
        // the words matched.
        let words = |ts: &mut dyn Iterator<Item = &Token>| {
            ts.filter(|t| matches!(t.class, Class::Word)).count()
        };
        let wuq = if uq > 0.0 && words(&mut l.iter().copied()) == 1 && words(&mut q.iter()) >= 2 {
            MONONYM_UNMATCHED_QUERY_WEIGHT
        } else {
            c.unmatched_query_weight
        };
        let mut s = matched
            / (matched_weight
                + wuq * uq
                + c.unmatched_list_weight * ul
                + c.conflict_weight * conflict);
        // A name after "bin"/"ibn" is the father's: if a name that follows it on one side does
        // not follow it on the other, the two names describe different people.
        let patronymic =
            |t: &Token| matches!(t.text.as_str(), "bin" | "ibn" | "ben" | "bint" | "binti");
        let lineage_conflict = q.iter().any(patronymic)
            && l.iter().any(|t| patronymic(t))
            && order
                .iter()
                .any(|&(i, j)| (i > 0 && patronymic(&q[i - 1])) != (j > 0 && patronymic(l[j - 1])));
        order.sort_unstable();
        let crossed = order.windows(2).any(|w| w[1].1 < w[0].1);
        if lineage_conflict || crossed {
            let factor = if lineage_conflict { 0.7 } else { 0.95 };
            s *= factor;
            if let Some(ex) = ex.as_mut() {
                ex.order_factor = Some(factor);
            }
        }
        // Initials and acronyms alone do not identify a person ("N.N.").
        if only_abbrev && kind == Kind::Person {
            return (0.0, ex);
        }
        (s.clamp(0.0, 1.0), ex)
    }
}

/// Words joined by single spaces, in one allocation.
fn spaced<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for w in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The naming rules that apply when comparing a query's name with an entity's.
#[derive(Clone, Copy)]
struct Naming {
    /// A person on either side: people are not named by acronyms, nor by initials alone.
    kind: Kind,
    /// Whether the query's words may be the long form of a list acronym ("People's Liberation
    /// Army" for "PLA"): only where the query says it names an organisation, vessel or
    /// aircraft. A name of unknown kind is as likely a person's, whose initials spell one
    /// of the lists' thousands of two- and three-letter tokens by chance ("Habil Siregar"
    /// is no "HS STAR", "Maghomed Maghomedzakirovich Kislyak" no "MMK").
    query_party: bool,
}

impl Naming {
    fn of(e: &Entity, q: &Query) -> Naming {
        Naming {
            kind: if q.kind == Some(Kind::Person) {
                Kind::Person
            } else {
                party_kind(e, q)
            },
            query_party: declared_party(q),
        }
    }
}

/// Whether the query names an organisation, vessel or aircraft.
fn declared_party(q: &Query) -> bool {
    matches!(
        q.kind,
        Some(Kind::Organization | Kind::Vessel | Kind::Aircraft)
    )
}

/// The kind of party a name belongs to: the list's, or where the list does not say, the
/// query's.
fn party_kind(e: &Entity, q: &Query) -> Kind {
    match (e.kind, q.kind) {
        (Kind::Unknown, Some(k)) => k,
        (k, _) => k,
    }
}

/// How a known kind that differs from the query's moves the score: a person is never an
/// organisation, while an organisation, vessel or aircraft may be listed under another of these.
fn kind_delta(query: Kind, list: Kind) -> f32 {
    if query == Kind::Unknown || list == Kind::Unknown || query == list {
        0.0
    } else if query == Kind::Person || list == Kind::Person {
        -0.25
    } else {
        -0.1
    }
}

/// What an exact birth date adds: the most a date can add.
const DATE_EXACT: f32 = 0.06;
/// A birth date the list's agrees with as far as both go (the same year, say).
const DATE_COMPATIBLE: f32 = 0.03;
/// A full birth date with its day and month swapped: nearly as telling as an exact one
/// (one date in a year in 365 is), but either side may be another person's.
const DATE_TRANSPOSED: f32 = 0.03;
/// A year off by one.
const DATE_NEAR: f32 = -0.05;
/// No birth date within a year of the query's.
const DATE_MISMATCH: f32 = -0.15;
/// What a country the entity is linked to adds.
const COUNTRY_MATCH: f32 = 0.03;
/// What a country the entity is not linked to takes away.
const COUNTRY_MISMATCH: f32 = -0.08;

fn date_evidence(q: &PartialDate, list: &[DateSpec]) -> (&'static str, f32) {
    if list
        .iter()
        .any(|d| d.to.is_none() && d.date.day.is_some() && q.day.is_some() && d.date == *q)
    {
        return ("exact", DATE_EXACT);
    }
    if list.iter().any(|d| d.matches(q)) {
        return ("compatible", DATE_COMPATIBLE);
    }
    // 1973-11-12 for 1973-12-11: one side wrote the month first (a US record against a
    // list's day-first date, or a clerk's slip). Equal day and month is the exact date, above.
    if list.iter().any(|d| {
        d.to.is_none()
            && d.date.year == q.year
            && d.date.month.is_some()
            && d.date.day.is_some()
            && (d.date.month, d.date.day) == (q.day, q.month)
    }) {
        return ("transposed", DATE_TRANSPOSED);
    }
    if list.iter().any(|d| {
        (d.date.year - q.year).abs() <= 1 || d.to.is_some_and(|t| (t.year - q.year).abs() <= 1)
    }) {
        return ("near", DATE_NEAR);
    }
    ("mismatch", DATE_MISMATCH)
}

pub use chokepoint_model::decimal::decimal;
use chokepoint_model::decimal::{f32 as short_f32, opt_f32 as short_opt_f32};

/// One aligned pair of tokens.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenMatch {
    /// Query token(s).
    pub query: String,
    /// List token(s).
    pub list: String,
    /// `exact`, `fuzzy`, `consonant_skeleton`, `initial`, `nickname`, `acronym`.
    pub how: &'static str,
    /// Token similarity.
    #[serde(serialize_with = "short_f32")]
    pub similarity: f32,
    /// Weight of the pair in the name score (rarer tokens weigh more).
    #[serde(serialize_with = "short_f32")]
    pub weight: f32,
}

/// "query→list how similarity", as the CLI lists an alignment.
impl std::fmt::Display for TokenMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}→{} {} {:.2}",
            self.query, self.list, self.how, self.similarity
        )
    }
}

/// How the name score came about.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct NameExplanation {
    /// Aligned tokens.
    pub tokens: Vec<TokenMatch>,
    /// Query tokens with no counterpart.
    pub unmatched_query: Vec<String>,
    /// List tokens with no counterpart.
    pub unmatched_list: Vec<String>,
    /// Set when the match is on a weak/low-quality alias.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "short_opt_f32"
    )]
    pub weak_alias_factor: Option<f32>,
    /// Set when the aligned tokens come in a different order.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "short_opt_f32"
    )]
    pub order_factor: Option<f32>,
}

/// One attribute's effect on the score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attribute {
    /// `birth_date`, `country`, `identifier`, `address`, `contact`, `kind`.
    pub attribute: &'static str,
    /// Query value.
    pub query: String,
    /// List values.
    pub list: Vec<String>,
    /// `exact`, `compatible`, `transposed`, `near`, `mismatch`, `match`, `exact_match`.
    pub result: &'static str,
    /// How much it moved the score.
    #[serde(serialize_with = "short_f32")]
    pub delta: f32,
}

/// Everything that went into a score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// Score of the best-matching name before attributes.
    #[serde(serialize_with = "short_f32")]
    pub name_score: f32,
    /// Token alignment of that name.
    pub name: NameExplanation,
    /// Attribute evidence.
    pub attributes: Vec<Attribute>,
}

/// One screening hit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Match {
    /// Entity id.
    pub entity_id: String,
    /// Calibrated score in [0, 1].
    #[serde(serialize_with = "short_f32")]
    pub score: f32,
    /// At or above the alert threshold.
    pub alert: bool,
    /// The entity's primary name.
    pub name: String,
    /// The name (primary or alias) that matched best.
    pub matched_name: String,
    /// The list source (`un`, `ofac-sdn`, `eu` …).
    pub source: String,
    /// Why.
    pub explanation: Explanation,
}

/// Resolves a country given by a user (code or name) to alpha-2.
pub fn parse_country(s: &str) -> Option<String> {
    country::to_iso2(s).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chokepoint_model::{Entity, Name};

    fn ix() -> Index {
        let mut putin = Entity::new("t:1", Kind::Person, "Vladimir Vladimirovich PUTIN");
        putin.birth_dates.push(DateSpec::single(
            PartialDate::new(1952, Some(10), Some(7)).unwrap(),
        ));
        putin.nationalities.push("RU".into());
        putin.add_alias(Name::new(
            "Владимир Владимирович Путин",
            NameQuality::Strong,
        ));
        let mut bank = Entity::new("t:2", Kind::Organization, "BANCO NACIONAL DE CUBA");
        bank.add_alias(Name::new("BNC", NameQuality::Weak));
        let ivan = Entity::new("t:3", Kind::Person, "Ivan PETROV");
        Index::build(
            vec![("t".into(), putin), ("t".into(), bank), ("t".into(), ivan)],
            Config::default(),
        )
    }

    /// Finding every word's spellings up front gives what finding them on first use gives:
    /// the same matches, scores and explanations, for list words, misspellings and words on
    /// no list.
    #[test]
    fn a_warmed_index_screens_as_a_cold_one() {
        let (cold, warm) = (ix(), ix());
        warm.warm();
        for name in [
            "Vladimir Putin",
            "Wladimir Vladimirovitch Poutine",
            "Putin Vladimir",
            "Banco Nacional de Cuba",
            "bnc",
            "Iwan Petrow",
            "Ivan Petrova Smith",
        ] {
            let q = Query {
                name: name.into(),
                ..Default::default()
            };
            let (a, b) = (cold.screen(&q, 5), warm.screen(&q, 5));
            assert!(!a.is_empty(), "{name}: no match");
            assert_eq!(a, b, "{name}");
        }
    }

    /// The compact attribute record gives candidate generation and the scorer the same change
    /// as the entity's own attributes, for every mix of dates (none, years, full dates,
    /// ranges, more than it holds), countries (none, a few, more than it holds) and kinds.
    #[test]
    fn compact_attributes_agree_with_the_entity() {
        let d = |y: i32, m: Option<u8>, day: Option<u8>| {
            DateSpec::single(PartialDate::new(y, m, day).unwrap())
        };
        let date_sets: Vec<Vec<DateSpec>> = vec![
            vec![],
            vec![d(1960, None, None)],
            vec![d(1960, Some(3), Some(1))],
            vec![d(1960, Some(3), None), d(1962, None, None)],
            vec![DateSpec {
                to: Some(PartialDate::new(1963, None, None).unwrap()),
                ..d(1960, None, None)
            }],
            vec![
                d(1959, None, None),
                d(1960, Some(3), Some(2)),
                d(1971, None, None),
            ],
        ];
        let country_sets: Vec<Vec<&str>> = vec![
            vec![],
            vec!["RU"],
            vec!["IR", "SY"],
            vec!["AF", "IQ", "SY", "LB", "RU"],
        ];
        let mut entities = Vec::new();
        for (i, dates) in date_sets.iter().enumerate() {
            for (j, cs) in country_sets.iter().enumerate() {
                for kind in [Kind::Person, Kind::Organization] {
                    let id = format!("t:{i}-{j}-{}", kind.as_str());
                    let mut e = Entity::new(id, kind, "Ivan PETROV");
                    e.birth_dates = dates.clone();
                    e.nationalities = cs.iter().map(|c| c.to_string()).collect();
                    entities.push(("t".to_string(), e));
                }
            }
        }
        let ix = Index::build(entities, Config::default());
        let mut compact = 0;
        for qd in [
            None,
            PartialDate::new(1960, None, None).ok(),
            PartialDate::new(1960, Some(3), Some(1)).ok(),
            PartialDate::new(1960, Some(3), Some(5)).ok(),
            PartialDate::new(1961, None, None).ok(),
            PartialDate::new(1971, Some(1), None).ok(),
            PartialDate::new(1990, None, None).ok(),
        ] {
            for qc in [None, Some("RU"), Some("SY"), Some("DE")] {
                for qk in [None, Some(Kind::Person), Some(Kind::Organization)] {
                    let q = Query {
                        name: "Ivan Petrov".into(),
                        kind: qk,
                        birth_date: qd,
                        country: qc.map(String::from),
                        ..Query::default()
                    };
                    let code = q.country.as_deref().map(country_code);
                    for (h, ie) in ix.hints.iter().zip(&ix.entities) {
                        let full = ix.entity_attributes(ie, &q, code);
                        if let Some(x) = h.evidence(&q, code) {
                            compact += 1;
                            assert_eq!(x, full, "{} for {q:?}", ie.entity.id);
                        }
                        assert!(h.bound(&q, code) >= full - 1e-6, "{}", ie.entity.id);
                    }
                }
            }
        }
        // Most entities are held in full: dates past the second, a range or a fifth
        // country are the exceptions.
        assert!(compact > 1000, "{compact}");
    }

    /// A made-up word, distinct for each `i` below 26^`letters`: `prefix` and `i` in base 26.
    fn made_up_word(prefix: &str, mut i: usize, letters: usize) -> String {
        let mut w = String::from(prefix);
        for _ in 0..letters {
            w.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
        }
        w
    }

    /// Hundreds of light person names, more than [`LONG_POSTINGS`] per given name: each is a
    /// given name from `given` (in turn) and a distinct letter-only word, so that the filler
    /// names share nothing else.
    fn fillers(given: &[&str]) -> Vec<(String, Entity)> {
        (0..given.len() * LONG_POSTINGS + 200)
            .map(|i| {
                let name = format!("{} {}", given[i % given.len()], made_up_word("Q", i, 4));
                let e = Entity::new(format!("t:{i}"), Kind::Person, name);
                ("t".to_string(), e)
            })
            .collect()
    }

    /// `entities` with persons of these ids and names added.
    fn with_persons(
        mut entities: Vec<(String, Entity)>,
        persons: &[(&str, &str)],
    ) -> Vec<(String, Entity)> {
        for &(id, name) in persons {
            entities.push(("t".into(), Entity::new(id, Kind::Person, name)));
        }
        entities
    }

    /// Screens the person `name` exhaustively and with the index: exhaustive scoring must rank
    /// "t:target" in its top `k`, and the index must return it with the same score.
    fn assert_index_finds_target(entities: Vec<(String, Entity)>, name: &str, k: usize) {
        let q = Query {
            name: name.into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        assert_index_finds_target_for(entities, &q, k);
    }

    /// [`assert_index_finds_target`] for any query.
    fn assert_index_finds_target_for(entities: Vec<(String, Entity)>, q: &Query, k: usize) {
        let ix = Index::build(entities, Config::default());
        let full = ix.screen_exhaustive(q, k);
        let want = full.iter().find(|m| m.entity_id == "t:target");
        let want = want.unwrap_or_else(|| panic!("not in the exhaustive top {k}: {full:?}"));
        let fast = ix.screen(q, 10);
        let got = fast.iter().find(|m| m.entity_id == "t:target");
        assert_eq!(got.map(|m| m.score), Some(want.score), "{fast:?}");
    }

    /// The index finds `listed` for `query` as exhaustive scoring does, among fillers that
    /// share the word `filler` with it, and it comes first and alerts.
    fn assert_found_first_alerting(listed: &str, query: &str, filler: &str) {
        let mut entities = fillers(&[filler]);
        entities.push(("t".into(), Entity::new("t:target", Kind::Person, listed)));
        assert_index_finds_target(entities.clone(), query, 1);
        let q = Query {
            name: query.into(),
            ..Default::default()
        };
        let first = &Index::build(entities, Config::default()).screen(&q, 1)[0];
        assert!(
            first.entity_id == "t:target" && first.alert,
            "{query}: {first:?}"
        );
    }

    /// Hundreds of "Igor …" names, `filler_year` their birth year, a heavier "Igor Olegovich
    /// Kostyukov" ("t:target", born in `target_year`), and a rarer query word on a few other
    /// names: its list, the shortest, is credited in full, and the given name's only in its
    /// head. Screens "Igor Viktorovich", born 1959.
    fn assert_common_name_s_bearer_found(filler_year: Option<i32>, target_year: Option<i32>) {
        let born = |e: &mut Entity, y: Option<i32>| {
            e.birth_dates
                .extend(y.map(|y| DateSpec::single(PartialDate::new(y, None, None).unwrap())));
        };
        let mut entities = fillers(&["Igor"]);
        for (_, e) in &mut entities {
            born(e, filler_year);
        }
        let mut e = Entity::new("t:target", Kind::Person, "Igor Olegovich Kostyukov");
        born(&mut e, target_year);
        entities.push(("t".into(), e));
        for i in 0..3 {
            let name = format!("Pavel Viktorovich {}", made_up_word("Z", i, 4));
            entities.push((
                "t".into(),
                Entity::new(format!("v:{i}"), Kind::Person, name),
            ));
        }
        let q = Query {
            name: "Igor Viktorovich".into(),
            kind: Some(Kind::Person),
            birth_date: Some(PartialDate::new(1959, None, None).unwrap()),
            ..Default::default()
        };
        assert_index_finds_target_for(entities, &q, 4);
    }

    /// Hundreds of names share only a common given name with the query, and the birth year
    /// ranks them: the one born in the query's year is found however heavy its name (deep in
    /// the given name's list, past the head that is credited in full).
    #[test]
    fn a_common_name_s_bearer_born_in_the_query_s_year_is_found() {
        assert_common_name_s_bearer_found(None, Some(1959));
    }

    /// The same with the lighter names born in another year: a name with no birth date, which
    /// nothing contradicts, outranks them, and is found however deep in the list.
    #[test]
    fn a_common_name_s_bearer_with_no_birth_date_outranks_those_born_otherwise() {
        assert_common_name_s_bearer_found(Some(1900), None);
    }

    /// A Latin article written apart is written on the word in the script ("الأسد", "alsd",
    /// al-Assad, whose lengths differ by more than a misspelling's), either side the query;
    /// and a name of two consonants may go without it ("Asad").
    #[test]
    fn a_latin_article_apart_is_on_the_vowel_less_word() {
        assert_found_first_alerting("Maher AL-ASSAD", "ماهر الاسد", "Maher");
        assert_found_first_alerting("ماهر الاسد", "Maher al-Assad", "Maher");
        assert_found_first_alerting("ماهر الأسد", "Maher Asad", "Maher");
    }

    /// A screening restricted to some sources ranks only their entities: hundreds of
    /// lighter namesakes on another list, estimated higher, do not take their places.
    #[test]
    fn a_screening_of_one_source_ranks_its_entities() {
        let mut entities = fillers(&["Igor"]);
        let target = Entity::new("b:target", Kind::Person, "Igor Petrovich SIDOROV");
        entities.push(("b".into(), target));
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Igor".into(),
            sources: vec!["b".into()],
            ..Default::default()
        };
        let full = ix.screen_exhaustive(&q, 1);
        assert_eq!(full.len(), 1);
        let fast = ix.screen(&q, 1);
        assert_eq!(fast.first().map(|m| &m.entity_id), Some(&full[0].entity_id));
    }

    /// An organisation's name in Arabic, Chinese or Korean script finds the translation a
    /// list gives it, and a translation finds the list's Arabic-script name, by index as
    /// exhaustively, over bodies that share some of its words (names from the UN, EU and UK
    /// lists, which give both).
    #[test]
    fn an_organisation_is_found_by_its_translation() {
        let bodies = [
            "Islamic Jihad Union",
            "Armed Islamic Group",
            "Moroccan Islamic Combatant Group",
            "Islamic Army of Aden",
            "Tunisian Combatant Group",
            "Libyan Society",
            "Korea Ryonbong General Corporation",
            "Korea Mining Development Trading Corporation",
            "Hong Kong Electronics",
            "Dongguan Hongda CNC Equipment Co., Ltd",
        ];
        let build = |target: &str| {
            let mut entities = fillers(&["Islamic"]);
            for (i, b) in bodies.iter().enumerate() {
                let e = Entity::new(format!("o:{i}"), Kind::Organization, *b);
                entities.push(("t".into(), e));
            }
            let e = Entity::new("t:target", Kind::Organization, target);
            entities.push(("t".into(), e));
            Index::build(entities, Config::default())
        };
        for (listed, query, kind) in [
            (
                "Libyan Islamic Fighting Group",
                "الجماعة الإسلامية المقاتلة الليبية",
                Some(Kind::Organization),
            ),
            // Given no type: "institute" says it is a body.
            (
                "المعهد العالي للعلوم التطبيقية والتكنولوجيا",
                "Higher Institute for Applied Sciences and Technology",
                None,
            ),
            (
                "Korea Rungrado General Trading Corporation",
                "조선릉라도무역총회사",
                Some(Kind::Organization),
            ),
            (
                "HK HENGBANGWEI ELECTRONICS LIMITED",
                "香港恒邦微電子有限公司",
                None,
            ),
            (
                "DONGGUAN SHENGYIN CNC EQUIPMENT CO., LTD",
                "东莞圣寅数控设备有限公司",
                None,
            ),
        ] {
            let ix = build(listed);
            let q = Query {
                name: query.into(),
                kind,
                ..Default::default()
            };
            let full = ix.screen_exhaustive(&q, 1);
            assert!(
                full[0].entity_id == "t:target" && full[0].alert,
                "{query}: {full:?}"
            );
            let fast = ix.screen(&q, 1);
            assert_eq!(fast[0].entity_id, "t:target", "{query}");
            assert_eq!(fast[0].score, full[0].score, "{query}");
        }
    }

    /// The article on the first of two words in Latin and on the second in the script:
    /// "Abdul Rahman" is "عبد الرحمن" (abd·alrhmn), either side the query, in the scorer and
    /// in the index.
    #[test]
    fn the_article_moves_between_two_words() {
        assert_found_first_alerting("عبد الرحمن", "Abdul Rahman", "Rahman");
        assert_found_first_alerting("Abdel Karim", "عبد الكريم", "Karim");
        // Neither word alone is any spelling of the other script's ("aziz", "العزيز"): the
        // join is all that finds it.
        assert_found_first_alerting("Abdul Aziz", "عبد العزيز", "Abdul");
        // Another name is not: "Abdul Rahim" is no "عبد الرحمن".
        let ix = Index::build(
            vec![("t".into(), Entity::new("t:1", Kind::Person, "عبد الرحمن"))],
            Config::default(),
        );
        let q = Query {
            name: "Abdul Rahim".into(),
            ..Default::default()
        };
        assert!(ix.screen_exhaustive(&q, 1).iter().all(|m| !m.alert));
    }

    /// A vowel-less query word that splits into two vocabulary words ("الحسن", the article
    /// and حسن) is credited through the rarer: the scorer pairs the halves only standing
    /// together. Crediting the article alone estimated every "Ibrahim AL-…" as a full
    /// match, and the true alert, estimated lower, was never scored.
    #[test]
    fn a_vowel_less_word_is_not_credited_through_its_article() {
        let mut entities: Vec<(String, Entity)> = (0..LONG_POSTINGS + 200)
            .map(|i| {
                let name = format!("Ibrahim al-{}", made_up_word("Q", i, 4));
                (
                    "t".to_string(),
                    Entity::new(format!("t:{i}"), Kind::Person, name),
                )
            })
            .collect();
        entities = with_persons(
            entities,
            &[
                ("t:hasan", "حسن"),
                ("t:target", "Barzan Ibrahim Hassan al-Tikriti"),
            ],
        );
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "ابراهيم الحسن".into(),
            ..Default::default()
        };
        let full = ix.screen_alerts_exhaustive(&q);
        assert!(full.iter().any(|m| m.entity_id == "t:target"), "{full:?}");
        let fast = ix.screen_alerts(&q);
        assert!(fast.iter().any(|m| m.entity_id == "t:target"), "{fast:?}");
    }

    /// More entities alert than an alerts-only screening returns (`max_candidates`): it
    /// returns the best of them, as exhaustive scoring ranks them, here names in the query's
    /// order before names with its words the other way round. (This small index passes with
    /// only as many scored as returned too; the lists' "إبراهيم محمد" did not.)
    #[test]
    fn an_alerts_only_screening_returns_the_best_alerts() {
        let ix = Index::build(
            (0..200)
                .map(|i| {
                    let rest = made_up_word("Q", i, 4);
                    let name = if i % 2 == 0 {
                        format!("Ibrahim Mohammed {rest}")
                    } else {
                        format!("Mohammed Ibrahim {rest}")
                    };
                    (
                        "t".to_string(),
                        Entity::new(format!("t:{i}"), Kind::Person, name),
                    )
                })
                .collect(),
            Config::default(),
        );
        let q = Query {
            name: "Ibrahim Mohammed".into(),
            ..Default::default()
        };
        let full = ix.screen_alerts_exhaustive(&q);
        assert_eq!(full.len(), ix.config().max_candidates);
        let fast = ix.screen_alerts(&q);
        let scores = |v: &[Match]| v.iter().map(|m| m.score).collect::<Vec<_>>();
        assert_eq!(scores(&fast), scores(&full));
    }

    /// A name in a vowel-less script has no acronym: the first letters of its transliteration
    /// ("سنندج مرکزی زندان", s·m·z) spell none that anyone writes ("SMZ").
    #[test]
    fn a_vowel_less_name_has_no_acronym() {
        let ix = Index::build(
            vec![
                ("t".into(), Entity::new("t:1", Kind::Organization, "SMZ")),
                (
                    "t".into(),
                    Entity::new("t:2", Kind::Organization, "Sanandaj Markazi Zendan"),
                ),
            ],
            Config::default(),
        );
        let q = |n: &str| Query {
            name: n.into(),
            kind: Some(Kind::Organization),
            ..Default::default()
        };
        let found = ix.screen_exhaustive(&q("سنندج مرکزی زندان"), 10);
        assert!(found.iter().all(|m| m.entity_id != "t:1"), "{found:?}");
        // The Latin name's acronym still is one.
        let found = ix.screen(&q("SMZ"), 10);
        assert!(
            found.iter().any(|m| m.entity_id == "t:2" && m.alert),
            "{found:?}"
        );
    }

    /// A person's initials are no acronym: "Salim Sidorov" is not "SS Techniques Co", and the
    /// initials "al" of "Ali Ledkov" (the particle of a hundred names) must not make those
    /// names candidates ahead of the one that shares the family name.
    #[test]
    fn a_person_s_initials_are_no_acronym() {
        let mut entities: Vec<(String, Entity)> = (0..200)
            .map(|i| {
                let name = format!("Nasser AL-{}", made_up_word("Q", i, 4));
                (
                    "t".to_string(),
                    Entity::new(format!("t:{i}"), Kind::Person, name),
                )
            })
            .collect();
        entities.push((
            "t".into(),
            Entity::new("t:target", Kind::Person, "Grigory Petrovich Ledkov"),
        ));
        entities.push((
            "t".into(),
            Entity::new("t:org", Kind::Organization, "SS Techniques Co"),
        ));
        assert_index_finds_target(entities.clone(), "Ali Ledkov", 1);
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Salim Sidorov".into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        assert!(ix.screen_exhaustive(&q, 10).is_empty());
    }

    /// A name of no given kind is as likely a person's as an organisation's: its initials are
    /// no list acronym's long form ("Habil Siregar Abadi" is no "HSA STAR"), unless the query
    /// says it names an organisation ("People's Liberation Army" for "PLA"); and two letters
    /// are no acronym ("SL" is no "Sudokhodnaya Lyukstrans"). An acronym the query
    /// writes still finds its long form on the list.
    #[test]
    fn only_a_declared_organisation_s_initials_are_an_acronym() {
        let mut entities = fillers(&["Habil", "Siregar", "People", "Liberation"]);
        for (id, kind, name) in [
            ("t:vessel", Kind::Vessel, "HSA STAR"),
            ("t:pla", Kind::Organization, "PLA"),
            ("t:sl", Kind::Organization, "SL"),
            (
                "t:army",
                Kind::Organization,
                "Army of the Righteous Brotherhood",
            ),
        ] {
            entities.push(("t".into(), Entity::new(id, kind, name)));
        }
        let ix = Index::build(entities, Config::default());
        let alerts = |name: &str, kind: Option<Kind>| -> Vec<String> {
            let q = Query {
                name: name.into(),
                kind,
                ..Default::default()
            };
            let fast: Vec<String> = ix
                .screen_alerts(&q)
                .into_iter()
                .map(|m| m.entity_id)
                .collect();
            let full: Vec<String> = ix
                .screen_alerts_exhaustive(&q)
                .into_iter()
                .map(|m| m.entity_id)
                .collect();
            assert_eq!(fast, full, "{name}");
            fast
        };
        assert!(alerts("Habil Siregar Abadi", None).is_empty());
        assert!(alerts("Habil Siregar Abadi", Some(Kind::Person)).is_empty());
        assert_eq!(
            alerts("Habil Siregar Abadi", Some(Kind::Vessel)),
            ["t:vessel"]
        );
        assert!(alerts("Sudokhodnaya Lyukstrans", Some(Kind::Organization)).is_empty());
        assert!(alerts("People's Liberation Army", None).is_empty());
        assert_eq!(
            alerts("People's Liberation Army", Some(Kind::Organization)),
            ["t:pla"]
        );
        assert_eq!(alerts("ARB", None), ["t:army"]);
    }

    /// The index scores a list word through the query word's expansion, so the expansion must
    /// hold every spelling the similarity accepts: 3-letter words one letter apart, "x" against
    /// "ks", particles and legal forms misspelt. Exhaustive scoring compares every pair directly
    /// and is the reference.
    #[test]
    fn the_index_finds_every_spelling_the_similarity_accepts() {
        for (list, query) in [
            ("Ola Nordmann", "Osa Nordmann"),
            ("Felix Maximo", "Feniks Maksimov"),
            ("Dmitri Aleksandar", "Dmitri Allexander"),
        ] {
            let mut entities = fillers(&["Dmitri", "Nordmann"]);
            entities.push(("t".into(), Entity::new("t:target", Kind::Person, list)));
            assert_index_finds_target(entities, query, 1);
        }
    }

    /// A nickname is another word than the name it stands for ("Ed", "Edward"): the index
    /// finds it through the table, as exhaustive scoring does, behind hundreds of other names
    /// with the same family name; and it alerts, as a nickname of the listed name.
    #[test]
    fn the_index_finds_nicknames_of_given_names() {
        for (list, query) in [
            ("Eddie Knight", "Ed Knight"),
            ("Robert Smith", "Bob Smith"),
            ("Edward Kusha", "Eddie Kusha"),
            // Lengths further apart than a misspelling's.
            ("Cathy Chen", "Katherine Chen"),
            ("Raymond Kelley", "Ray Kelley"),
        ] {
            let family = query.split(' ').nth(1).unwrap();
            let mut entities = fillers(&[family]);
            entities.push(("t".into(), Entity::new("t:target", Kind::Person, list)));
            assert_index_finds_target(entities, query, 1);
            let ix = Index::build(
                vec![("t".into(), Entity::new("t:target", Kind::Person, list))],
                Config::default(),
            );
            let q = Query {
                name: query.into(),
                kind: Some(Kind::Person),
                ..Default::default()
            };
            let m = &ix.screen(&q, 1)[0];
            assert!(m.alert, "{query} for {list}: {m:?}");
            assert!(m
                .explanation
                .name
                .tokens
                .iter()
                .any(|t| t.how == "nickname"));
        }
    }

    /// A list initial that may stand for either query word ("A." for "Ahmad" or "Alawi") is
    /// credited to the rarer one, leaving the other free for its own match ("Ahmed").
    #[test]
    fn an_initial_goes_to_the_rarer_of_two_words_it_may_stand_for() {
        // "A." is common, so its weight caps the credit of either word: they tie on it.
        let mut entities = fillers(&["A."]);
        // Hundreds of plain "Ahmed"s estimate above the target when the initial is not
        // credited to "Alawi".
        for i in 0..400 {
            entities.push((
                "t".into(),
                Entity::new(format!("t:a{i}"), Kind::Person, "Ahmed"),
            ));
        }
        entities.push((
            "t".into(),
            Entity::new("t:alawi", Kind::Person, "Alawi Kassem"),
        ));
        entities.push((
            "t".into(),
            Entity::new("t:target", Kind::Person, "A. AHMED"),
        ));
        // In the list's order: the initial is worth little more than the words it spares
        // from being unmatched, and a crossed order would cost it the lead.
        assert_index_finds_target(entities, "Alawi Ahmad", 1);
    }

    /// A compound name written in two words of a vowel-less script ("عبد الله") is one Latin
    /// word ("Abdullah"), whatever its initial vowel; two words that merely share a short
    /// skeleton with one ("جانان آغا", "jng", and "Jong") are not.
    #[test]
    fn vowel_less_compounds_match_their_latin_word() {
        let mut entities = fillers(&["Ahmad"]);
        entities.push((
            "t".into(),
            Entity::new("t:target", Kind::Person, "عبد الله أحمد"),
        ));
        assert_index_finds_target(entities, "Abdullah Ahmad", 1);
        // Persian surnames' elements (EU list: "سلمان آدینه وند", Salman ADINEHVAND; "علی
        // یزدی خواه", Ali YAZDIKHAH).
        assert_found_first_alerting("سلمان آدینه وند", "Salman Adinehvand", "Salman");
        assert_found_first_alerting("علی یزدی خواه", "Ali Yazdikhah", "Ali");
        // Names typed without a space, either side the query.
        assert_found_first_alerting("Naser MALEKI", "ناصرملکی", "Naser");
        assert_found_first_alerting("ياسرعزيزعباس", "Yasser Aziz Abbas", "Yasser");
        let ix = Index::build(
            vec![("t".into(), Entity::new("t:1", Kind::Person, "جانان آغا"))],
            Config::default(),
        );
        let q = Query {
            name: "Son Jong Hyok".into(),
            ..Default::default()
        };
        assert!(ix.screen_exhaustive(&q, 1).is_empty());
        // The second word's ي is a consonant the Latin word must write: "كنان ياغي" (Kanan
        // Yaghi) joined shares the skeleton "kng" with "Quanguo", and is no spelling of it.
        let ix = Index::build(
            vec![("t".into(), Entity::new("t:1", Kind::Person, "كنان ياغي"))],
            Config::default(),
        );
        let q = |n: &str| Query {
            name: n.into(),
            ..Default::default()
        };
        assert!(ix.screen_exhaustive(&q("Quanguo"), 1).is_empty());
        assert!(!ix.screen_exhaustive(&q("Kanan Yaghi"), 1).is_empty());
    }

    /// A compound written as one word in a vowel-less script ("عبدالرحمن") is two Latin words
    /// ("Abdul Rahman"), either way round, found by the index; a vowel-less word that is no
    /// compound is not two Latin words that share its skeleton ("الحسینی", al-Husayni, is not
    /// "Ali Husayn").
    #[test]
    fn a_vowel_less_compound_written_as_one_is_two_latin_words() {
        for (listed, query) in [
            ("عبدالرحمن قاسمي", "Abdul Rahman Qasimi"),
            ("Abdul Rahman Qasimi", "عبدالرحمن قاسمي"),
            ("نصرالله قاسمي", "Nasr Allah Qasimi"),
        ] {
            assert_found_first_alerting(listed, query, "Qasimi");
        }
        let ix = Index::build(
            vec![("t".into(), Entity::new("t:1", Kind::Person, "الحسینی"))],
            Config::default(),
        );
        let q = Query {
            name: "Ali Husayn".into(),
            ..Default::default()
        };
        assert!(ix.screen_exhaustive(&q, 1).is_empty());
    }

    /// A Latin "sh" is ش or two letters, س and ه or ح: the index finds "سهيل" for "Suhail",
    /// "إسحاق" for "Ishaq", and the other way round, and they alert.
    #[test]
    fn a_latin_sh_finds_two_vowel_less_letters() {
        for (listed, query) in [
            ("سهيل قاسمي", "Suhail Qasimi"),
            ("Suhail Qasimi", "سهيل قاسمي"),
            ("اسحاق قاسمي", "Ishaq Qasimi"),
            ("Ishaq Qasimi", "اسحاق قاسمي"),
        ] {
            assert_found_first_alerting(listed, query, "Qasimi");
        }
    }

    /// A Latin "v" is a Persian و, which the skeletons leave out: the index finds "موسوی" for
    /// "Mousavi" and "Mousavi" for "موسوی", and both alert.
    #[test]
    fn a_latin_v_finds_a_persian_waw() {
        for (listed, query) in [
            ("سید حسین موسوی", "Seyed Hossein Mousavi"),
            ("Seyed Hossein Mousavi", "سید حسین موسوی"),
        ] {
            assert_found_first_alerting(listed, query, "Hossein");
        }
    }

    /// "Mohd" is written for Muhammad: a list's "Mohd Hassan" is a query's "Mohammed Hassan",
    /// found by the index and alerting, above a namesake with another given name.
    #[test]
    fn abbreviated_given_names_match_the_name() {
        let mut entities = fillers(&["Hassan"]);
        entities.push((
            "t".into(),
            Entity::new("t:target", Kind::Person, "Mohd Hassan Qabcd"),
        ));
        entities.push((
            "t".into(),
            Entity::new("t:other", Kind::Person, "Ahmad Hassan Qabcd"),
        ));
        assert_index_finds_target(entities.clone(), "Mohammed Hassan Qabcd", 1);
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Mohammed Hassan Qabcd".into(),
            ..Default::default()
        };
        let top = ix.screen(&q, 1);
        assert!(top[0].entity_id == "t:target" && top[0].alert, "{top:?}");
    }

    /// Candidates are estimated before they are scored; an estimate that lets one list word
    /// answer two query words ("Ahmad Ahma" as "Ahmad" twice) would rank hundreds of
    /// "Ahmad X" names above the one that has both.
    #[test]
    fn a_list_word_is_credited_to_one_query_word() {
        let mut entities = fillers(&["Ahmad"]);
        entities.push((
            "t".into(),
            Entity::new("t:target", Kind::Person, "Ahmad Ahmar Kuznetsov"),
        ));
        assert_index_finds_target(entities, "Ahmad Ahma", 1);
    }

    /// A name a little further from the query than hundreds of others still ranks first when
    /// its birth date and country agree: the attributes are weighed for every candidate they
    /// could lift, not only for the best names.
    #[test]
    fn attributes_lift_names_past_the_first_cut() {
        let mut entities = fillers(&["Ahmad"]);
        let mut target = Entity::new("t:target", Kind::Person, "Ahmad Nazarbek Tokayev");
        target.birth_dates = vec![DateSpec::single(
            PartialDate::new(1960, Some(3), Some(1)).unwrap(),
        )];
        target.nationalities = vec!["KZ".into()];
        entities.push(("t".into(), target));
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Ahmad Petrov".into(),
            kind: Some(Kind::Person),
            birth_date: PartialDate::new(1960, Some(3), Some(1)).ok(),
            country: Some("KZ".into()),
            ..Default::default()
        };
        let full = ix.screen_exhaustive(&q, 1);
        assert_eq!(full[0].entity_id, "t:target", "{full:?}");
        let fast = ix.screen(&q, 1);
        assert_eq!(fast[0].entity_id, "t:target", "{fast:?}");
        assert_eq!(fast[0].score, full[0].score);
    }

    /// A name made only of common words sits deep in each word's long postings list (behind
    /// hundreds of lighter names); the index must still find it, as exhaustive scoring does.
    #[test]
    fn names_of_common_words_only_are_found_past_the_lightest_readings() {
        let mut entities = fillers(&["Ahmad", "Ali"]);
        let target = Entity::new(
            "t:target",
            Kind::Person,
            "Ahmad Ali Ahmad Karimzadeh Rostampour Tabrizi",
        );
        entities.push(("t".into(), target));
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Ahmad Ali Ahmad".into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        let full = ix.screen_exhaustive(&q, 1);
        assert_eq!(full[0].entity_id, "t:target", "{full:?}");
        let fast = ix.screen(&q, 10);
        assert_eq!(fast[0].entity_id, "t:target", "{fast:?}");
        assert_eq!(fast[0].score, full[0].score);
    }

    /// A name whose common words are both deep in long postings lists (behind hundreds of
    /// lighter names each), while a short list takes the first pass, is found by appearing
    /// in the tails of two passes: "Mohammad Ali Jafari" for "Mohammad Ali".
    #[test]
    fn names_in_the_tails_of_two_long_lists_are_found() {
        let entities = with_persons(
            fillers(&["Mohammad", "Ali"]),
            &[
                ("t:target", "Mohammad Ali Jafari"),
                ("t:joined", "Mohammadali Karimi"),
            ],
        );
        assert_index_finds_target(entities, "Mohammad Ali", 2);
    }

    /// The scorer pairs the most similar words first; candidate generation credits query
    /// word by query word, shortest list first. "azli" (a misspelt "Fazli") is nearer "ali"
    /// than "fazli", and its short list comes first: it must give "ali" up to the query's own
    /// "ali" for "fazli", or "Ali FAZLI" is estimated at half its score, behind hundreds of
    /// "Ali … Ali" where "azli" does take the second "ali".
    #[test]
    fn a_word_gives_up_its_list_word_to_a_more_similar_pair() {
        // "Aly" makes the list of "ali" and its spellings longer than that of "azli".
        let fillers: Vec<(String, Entity)> = (0..2 * LONG_POSTINGS + 400)
            .map(|i| {
                let given = ["Ali", "Aly"][i % 2];
                let name = format!("{given} {} {given}", made_up_word("Q", i, 4));
                let e = Entity::new(format!("t:{i}"), Kind::Person, name);
                ("t".to_string(), e)
            })
            .collect();
        let entities = with_persons(fillers, &[("t:target", "Ali FAZLI")]);
        assert_index_finds_target(entities, "Ali Azli", 1);
    }

    /// The alerts-only screening skips what cannot alert (long lists of common words credit
    /// only what rarer words found; estimates far below the threshold are not scored): it
    /// must still report every alert that scoring every entity finds, and nothing else.
    #[test]
    fn alerts_only_reports_every_alert_exhaustive_scoring_finds() {
        let mut entities = with_persons(
            fillers(&["Mohammad", "Ali"]),
            &[
                ("t:zarkawi", "Mohammad Ali ZARKAWI"),
                ("t:zarkawy", "Ali Hassan ZARKAWY"),
                ("t:jafari", "Mohammad Ali Jafari"),
                ("t:initial", "Nadim S. AL-DAJANI"),
                ("t:dajani", "Sa'ad AL-DAJANI"),
            ],
        );
        let mut dated = Entity::new("t:dated", Kind::Person, "Ali Reza KARIMI");
        dated.birth_dates = vec![DateSpec::single(
            PartialDate::new(1961, None, None).unwrap(),
        )];
        dated.nationalities = vec!["IR".into()];
        entities.push(("t".into(), dated));
        let mut ix = Index::build(entities, Config::default());
        // At the default threshold, and at a lower one (a user's `--threshold`), where more
        // lists may lift a reading to the floor.
        for threshold in [DEFAULT_ALERT_THRESHOLD, 0.5] {
            ix.set_config(Config {
                alert_threshold: threshold,
                ..Config::default()
            });
            let alerts = alerts_agree_with_exhaustive(&ix);
            assert!(alerts >= 8, "{threshold}: {alerts}");
        }
    }

    /// Screens a few names with alerts only, and by scoring every entity: asserts both report
    /// the same alerts and scores, and returns how many.
    fn alerts_agree_with_exhaustive(ix: &Index) -> usize {
        let mut alerts = 0;
        for (name, year, country) in [
            ("Mohammad Zarkawi", None, None),
            ("Ali Zarkawi", Some(1961), Some("IR")),
            ("Zarkawy", None, None),
            ("Mohamad Ali", None, None),
            ("Mohammad Ali Jafary", Some(1970), Some("DE")),
            ("Ali Karimi", Some(1961), Some("IR")),
            ("Ali Reza Karimy", Some(1990), Some("SY")),
            ("A-DAJANI Sa'ad", Some(1941), Some("IR")),
            ("Mohammad Qaaaa", None, None),
        ] {
            let q = Query {
                name: name.into(),
                kind: Some(Kind::Person),
                birth_date: year.and_then(|y| PartialDate::new(y, None, None).ok()),
                country: country.map(String::from),
                ..Query::default()
            };
            let fast = ix.screen_alerts(&q);
            let full = ix.screen_alerts_exhaustive(&q);
            let ids = |ms: &[Match]| -> Vec<(String, f32)> {
                ms.iter().map(|m| (m.entity_id.clone(), m.score)).collect()
            };
            // Past `max_candidates` alerts, which of those tied at the cut are listed is
            // arbitrary: the scores must agree, and the entities above the tie.
            let cut = match full.last() {
                Some(m) if full.len() == ix.config().max_candidates => m.score,
                _ => f32::NEG_INFINITY,
            };
            let above = |ms: &[Match]| -> Vec<(String, f32)> {
                ids(ms).into_iter().filter(|x| x.1 > cut).collect()
            };
            assert_eq!(above(&fast), above(&full), "{name}");
            let scores = |ms: &[Match]| ms.iter().map(|m| m.score).collect::<Vec<f32>>();
            assert_eq!(scores(&fast), scores(&full), "{name}");
            assert!(fast.iter().all(|m| m.alert), "{name}");
            alerts += full.len();
        }
        alerts
    }

    /// A reading that the tail of a long list skipped before a later pass found it gets the
    /// long list's credit too: "Ali Jumul Hamidi", behind hundreds of lighter "Ali …" names,
    /// found through "Jumul" (a spelling of "Jamal", whose pass is longer and comes after), is
    /// credited with "Ali" as well, above hundreds of "Jamal …" names that share one word.
    #[test]
    fn readings_found_after_a_tail_skipped_them_get_its_credit() {
        let entities = with_persons(
            fillers(&["Ali", "Ali", "Jamal", "Jamal", "Jamal", "Ismail"]),
            &[
                ("t:target", "Ali Jumul Hamidi"),
                ("t:short", "Ismail Rasuli"),
            ],
        );
        assert_index_finds_target(entities, "Jamal Ali Ismail", 3);
    }

    /// A reading that a short list of a pass finds ("Ale", a spelling of "Ali" on one name)
    /// takes the better pair the same pass's long list holds for it ("Ali" itself, deep in
    /// hundreds of lighter "Ali …" names), not the weaker pair that found it.
    #[test]
    fn a_pass_credits_its_best_pair_even_from_a_long_list_tail() {
        let mut entities = fillers(&["Ali", "Ali", "Muhammad"]);
        let rare = |i: usize| made_up_word("Pz", i, 3);
        let mut add = |id: String, name: String| {
            entities.push(("t".into(), Entity::new(id, Kind::Person, name)));
        };
        add("t:target".into(), "Muhammad Reza Ale Ali".into());
        // "Ale" on a few dozen names: a short list, credited in full, and a light word.
        for i in 0..30 {
            add(format!("t:ale{i}"), format!("Ale {}", rare(1000 + i)));
        }
        // More names than are scored, each with both words and a rare word more than the
        // target's: they score below it, and would be estimated above it if its "Ali" counted
        // as "Ale".
        for i in 0..100 {
            add(
                format!("t:c{i}"),
                format!("Muhammad Ali {} {}", rare(2 * i), rare(2 * i + 1)),
            );
        }
        // The query's words written as one: the shortest pass, credited in full, which does
        // not find the target.
        add("t:z".into(), "Muhammadali Qorbani".into());
        assert_index_finds_target(entities, "Muhammad Ali", 3);
    }

    /// The estimates know nothing of lineage: "Usama bin Muhammad bin Awad BIN LADIN" is
    /// estimated well above "Usama BIN LADEN" for "Usama Muhammed Awad Bin Laden", then scores
    /// below it (Muhammad and Awad follow "bin" on the list only). The index must still score
    /// the alias, as exhaustive scoring does.
    #[test]
    fn a_reading_that_scores_below_its_estimate_lets_the_others_be_scored() {
        let mut entities = fillers(&["Usama", "Muhammad"]);
        let mut e = Entity::new(
            "t:target",
            Kind::Person,
            "Usama bin Muhammad bin Awad BIN LADIN",
        );
        e.add_alias(Name::new("Usama BIN LADEN", NameQuality::Strong));
        entities.push(("t".into(), e));
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Usama Muhammed Awad Bin Laden".into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        let full = ix.screen_exhaustive(&q, 1);
        assert_eq!(full[0].entity_id, "t:target");
        assert_eq!(full[0].matched_name, "Usama BIN LADEN");
        let fast = ix.screen(&q, 1);
        assert_eq!(
            (fast[0].score, &fast[0].matched_name),
            (full[0].score, &full[0].matched_name)
        );
    }

    /// A query word that splits into two list words ("ghazali": "Ghaz" + "Ali") is credited
    /// only to readings holding both side by side, as the scorer joins them: a hundred
    /// "Muhammad Ali", which one half alone would estimate near 1.0 for "Muhammad Ghazali" and
    /// which score 0.4, must not crowd out "Muhammad Ghazaly".
    #[test]
    fn a_split_word_is_credited_only_where_its_halves_stand_together() {
        let entities: Vec<(String, Entity)> = (0..100)
            .map(|i| {
                let e = Entity::new(format!("t:{i}"), Kind::Person, "Muhammad Ali");
                ("t".to_string(), e)
            })
            .collect();
        let entities = with_persons(
            entities,
            &[
                ("t:target", "Muhammad Ghazaly"),
                ("t:ghaz", "Ghaz Qorbani"),
                ("t:joined", "Ghaz Ali Nouri"),
            ],
        );
        assert_index_finds_target(entities, "Muhammad Ghazali", 2);
    }

    /// A query word that splits into two list words is also found where either word is
    /// spelt otherwise ("Abdulkadir" for "Abdul QADIR", "kadir" and "qadir" one letter apart),
    /// as the scorer joins them.
    #[test]
    fn a_split_word_is_found_with_its_halves_misspelt() {
        let entities = with_persons(
            fillers(&["Abdul"]),
            &[("t:target", "Abdul QADIR"), ("t:k", "Kadir Qorbani")],
        );
        assert_index_finds_target(entities, "Abdulkadir", 1);
    }

    /// The halves of a split query word are found side by side where a reading has one of
    /// them twice ("Qadir Abdul Qadir"): each place a word stands is a join of its own.
    #[test]
    fn a_split_word_is_found_where_a_half_stands_twice() {
        let entities = with_persons(
            fillers(&["Abdul"]),
            &[("t:target", "Qadir Abdul Qadir"), ("t:k", "Qadir Qorbani")],
        );
        assert_index_finds_target(entities, "Abdulqadir", 1);
    }

    /// A particle changes its vowel as it joins the word before it: "Abd al-Rahim" is found
    /// for the listed "ABDUL", as exhaustive scoring finds it.
    #[test]
    fn joined_words_are_found_with_the_particles_other_vowels() {
        let mut entities = fillers(&["Rahim"]);
        entities.push(("t".into(), Entity::new("t:target", Kind::Person, "ABDUL")));
        assert_index_finds_target(entities, "Abd al-Rahim", 3);
    }

    /// Two query words written as one on the list are found when the list spells either
    /// otherwise, within each word's typo budget, as the scorer accepts: "Mahmoud Zadeh" for
    /// "Ebrahim MAHMUDZADEH", behind hundreds of names holding one of the two words.
    #[test]
    fn joined_words_are_found_in_other_spellings() {
        let entities = with_persons(
            fillers(&["Mahmoud", "Zadeh"]),
            &[
                ("t:target", "Ebrahim MAHMUDZADEH"),
                ("t:spelling", "Mahmud KARIMI"),
            ],
        );
        assert_index_finds_target(entities, "Mahmoud Zadeh", 1);
    }

    /// A query word that a list name writes as two or three words, misspelt, is found through
    /// the join (no query word spells either half), behind hundreds of names with the first
    /// half.
    #[test]
    fn list_words_written_apart_are_found_for_a_query_word() {
        for (list, query) in [
            ("Abdul RAHIM", "Abdurahim"),
            ("Muhammad Nasim ud Din", "Nasiruddin"),
            ("Ma Li", "Malik"),
        ] {
            let entities = with_persons(fillers(&["Abdul", "Nasim", "Ma"]), &[("t:target", list)]);
            assert_index_finds_target(entities, query, 1);
        }
    }

    /// A query's initial is credited in candidate generation where a reading has a free word
    /// of its letter, as the scorer pairs them: "Omar MAHSUD" is found for "Omar M. Kovalenko"
    /// behind hundreds of other "Omar …" names that only the initial tells apart.
    #[test]
    fn query_initials_are_credited_in_candidate_generation() {
        let entities = with_persons(fillers(&["Omar"]), &[("t:target", "Omar MAHSUD")]);
        assert_index_finds_target(entities, "Omar M. Kovalenko", 1);
    }

    /// An initial on the list side is credited in candidate generation as the scorer credits
    /// it: "Hasan Ahmed S. Adnan", behind hundreds of lighter "Hasan …" names, is found for
    /// "Hassan Sabouni", whose rare word only that initial can stand for.
    #[test]
    fn list_initials_are_credited_in_candidate_generation() {
        let mut entities = fillers(&["Hasan"]);
        for (i, first) in ["Rami", "Bashar", "Omar"].iter().enumerate() {
            let name = format!("{first} Sabouni");
            entities.push((
                "t".into(),
                Entity::new(format!("s:{i}"), Kind::Person, name),
            ));
        }
        let target = Entity::new("t:target", Kind::Person, "Hasan Ahmed S. Adnan");
        entities.push(("t".into(), target));
        assert_index_finds_target(entities, "Hassan Sabouni", 10);
    }

    #[test]
    fn finds_and_explains() {
        let ix = ix();
        let m = ix.screen(
            &Query {
                name: "Putin Vladimir".into(),
                ..Default::default()
            },
            3,
        );
        assert_eq!(m[0].entity_id, "t:1");
        assert!(m[0].alert);
        assert!(m[0]
            .explanation
            .name
            .tokens
            .iter()
            .any(|t| t.query == "putin" && t.how == "exact"));
        let cyr = ix.screen(
            &Query {
                name: "Владимир Путин".into(),
                ..Default::default()
            },
            1,
        );
        assert_eq!(cyr[0].entity_id, "t:1");
    }

    /// A street address the list gives (OFAC's for ofac:47749) that agrees with the query's,
    /// written in another script and order, adds [`LOCATION_MATCH`] and says so; the entity is
    /// a candidate even when the name has nothing in common with it. Another house number,
    /// or another street, adds nothing. A website given with the identifiers counts the same.
    #[test]
    fn an_agreeing_street_address_or_contact_adds_to_the_score() {
        let mut plant = Entity::new(
            "ofac:47749",
            Kind::Organization,
            "JSC IZHEVSK MOTOR PLANT AKSION HOLDING",
        );
        plant.addresses.push(chokepoint_model::Address {
            street: Some("90 Maksima Gorkogo Street".into()),
            city: Some("Izhevsk".into()),
            postal_code: Some("426008".into()),
            country: Some("RU".into()),
            ..Default::default()
        });
        let mut bank = Entity::new("ofac:18732", Kind::Organization, "VTB INSURANCE LIMITED");
        bank.identifiers.push(chokepoint_model::Identifier {
            kind: "website".into(),
            label: Some("Website".into()),
            value: "www.vtbins.ru".into(),
            country: None,
            note: None,
        });
        let mut entities = fillers(&["Izhevsk", "Insurance"]);
        entities.push(("ofac".into(), plant));
        entities.push(("ofac".into(), bank));
        let ix = Index::build(entities, Config::default());
        let screen = |name: &str, address: Option<&str>, ids: &[&str]| {
            let q = Query {
                name: name.into(),
                kind: Some(Kind::Organization),
                address: address.map(String::from),
                identifiers: ids.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            };
            let found = |m: Vec<Match>, id: &str| m.into_iter().find(|m| m.entity_id == id);
            let id = if name.contains("Insurance") {
                "ofac:18732"
            } else {
                "ofac:47749"
            };
            let m = found(ix.screen(&q, 10), id);
            let exhaustive = found(ix.screen_exhaustive(&q, 10), id);
            assert_eq!(
                m.as_ref().map(|m| m.score),
                exhaustive.as_ref().map(|m| m.score),
                "{name}"
            );
            let alerts = |v: Vec<Match>| v.into_iter().map(|m| m.entity_id).collect::<Vec<_>>();
            assert_eq!(
                alerts(ix.screen_alerts(&q)),
                alerts(ix.screen_alerts_exhaustive(&q)),
                "{name}"
            );
            m.map(|m| {
                let place = m
                    .explanation
                    .attributes
                    .iter()
                    .find(|a| a.attribute == "address" || a.attribute == "contact")
                    .map(|a| (a.attribute, a.list[0].clone(), a.delta));
                (m.score, place)
            })
        };
        let (bare, none) = screen("Izhevsk Motor Works", None, &[]).unwrap();
        assert_eq!(none, None);
        let (with, place) = screen(
            "Izhevsk Motor Works",
            Some("Россия, г. Ижевск, ул. Максима Горького, д. 90"),
            &[],
        )
        .unwrap();
        assert!(
            (with - bare - LOCATION_MATCH).abs() < 0.002,
            "{bare} {with}"
        );
        assert_eq!(
            place,
            Some((
                "address",
                "90 Maksima Gorkogo Street, Izhevsk, 426008".into(),
                LOCATION_MATCH
            ))
        );
        for other in ["Maksima Gorkogo 9, Izhevsk", "90 Lenina Street, Izhevsk"] {
            let (s, place) = screen("Izhevsk Motor Works", Some(other), &[]).unwrap();
            assert_eq!((s, place), (bare, None), "{other}");
        }
        // Just short of an alert by name; an alert with the address, in both paths (see
        // `screen`).
        let near = "Aksion Izhevsk Motor Plant Works";
        let address = Some("90 Maksima Gorkogo St, Izhevsk");
        let (s, _) = screen(near, None, &[]).unwrap();
        assert!(s < DEFAULT_ALERT_THRESHOLD, "{s}");
        let (s, _) = screen(near, address, &[]).unwrap();
        assert!(s >= DEFAULT_ALERT_THRESHOLD, "{s}");
        // Nothing in common but the address: still a candidate, far from an alert.
        let (s, place) = screen("Romashka", Some("90 Maksima Gorkogo St, Izhevsk"), &[]).unwrap();
        assert!((s - LOCATION_MATCH).abs() < 1e-6, "{s}");
        assert!(place.is_some());
        let (bare, _) = screen("Insurance Company VTB", None, &[]).unwrap();
        let (with, place) = screen("Insurance Company VTB", None, &["https://vtbins.ru/"]).unwrap();
        assert!(
            (with - bare - LOCATION_MATCH).abs() < 0.002,
            "{bare} {with}"
        );
        assert_eq!(
            place,
            Some(("contact", "website vtbins.ru".into(), LOCATION_MATCH))
        );
    }

    /// The CSL's copy of an SDN entry carries the same uid but drops OFAC's weak-alias marks:
    /// the copy's names take the original's qualities, in a full build and in a delta built
    /// against one, so the two listings of one person score alike.
    #[test]
    fn a_csl_copy_of_an_sdn_entry_keeps_its_weak_aliases() {
        let listing = |id: &str, primary: &str, alias: &str, quality: NameQuality| {
            let mut e = Entity::new(id, Kind::Person, primary);
            e.add_alias(Name::new(alias, quality));
            e
        };
        let original = listing(
            "ofac:7837",
            "JENDOUBI, Faouzi Ben Mohamed",
            "SAMIR",
            NameQuality::Weak,
        );
        let copy = listing(
            "csl:7837",
            "Faouzi Ben Mohamed JENDOUBI",
            "SAMIR",
            NameQuality::Unknown,
        );
        // Another listing under another list's id keeps what it says.
        let other = listing("csl:a1b2", "Omar SAMIR", "SAMIR", NameQuality::Unknown);
        let mut entities = fillers(&["Samir", "Omar"]);
        entities.extend([original, copy, other].map(|e| ("t".to_string(), e)));
        let ix = Index::build(entities, Config::default());
        let q = Query {
            name: "Samir Rios".into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        let score = |ix: &Index, id: &str| {
            ix.screen_exhaustive(&q, 500)
                .into_iter()
                .find(|m| m.entity_id == id)
                .map(|m| m.score)
        };
        let weak = score(&ix, "ofac:7837").expect("the original scores");
        assert_eq!(score(&ix, "csl:7837"), Some(weak));
        assert!(score(&ix, "csl:a1b2").expect("the other scores") > weak);
        // A delta holding only the copy takes the original's marks from the full index.
        let delta = vec![(
            "t".to_string(),
            listing(
                "csl:7837",
                "Faouzi Ben Mohamed JENDOUBI",
                "SAMIR",
                NameQuality::Unknown,
            ),
        )];
        let dx = Index::build_against(delta, &ix);
        assert_eq!(score(&dx, "csl:7837"), Some(weak));
    }

    /// A list name of one word confirms no other word of the query: "Igor ISMAIL" is not
    /// the listed alias "Ismail" (nomenklatura's benchmark: "WALIJAN ABDUL GHAFOOR HAQQANI"
    /// is not "WALIJAN"), while the word alone, or with a legal form, still is.
    #[test]
    fn a_one_word_list_name_confirms_no_other_query_word() {
        let ix = ix();
        let score = |query: &str, kind: Kind, listed: &str| {
            let q = Query {
                name: query.into(),
                kind: Some(kind),
                ..Default::default()
            };
            let e = Entity::new("t:x", kind, listed);
            ix.compare(&q, &e).map_or(0.0, |m| m.score)
        };
        let alert = DEFAULT_ALERT_THRESHOLD;
        assert!(score("Igor Ismail", Kind::Person, "Ismail") < alert);
        assert!(score("Ismail", Kind::Person, "Ismail") >= alert);
        assert!(score("Siemens AG", Kind::Organization, "Siemens") >= alert);
        // A list name of two words still takes the query's third as an omitted name.
        assert!(
            score(
                "Vladimir Vladimirovich Putin",
                Kind::Person,
                "Vladimir Putin"
            ) >= alert
        );
    }

    /// Of a word written twice in the query and once in the list name, one occurrence is left
    /// for a join: "Abd Allah … Abd al-Rahman" is "Abdullah … ABD AL-RAHMAN", the first "abd"
    /// joined to "allah", the second the list's "abd" (the first used to take it, and
    /// "allah" was left over).
    #[test]
    fn a_word_written_twice_leaves_one_occurrence_for_a_join() {
        let ix = ix();
        let q = Query {
            name: "Abd Allah Muhammad Rajab Abd al-Rahman".into(),
            kind: Some(Kind::Person),
            ..Default::default()
        };
        let e = Entity::new("t:x", Kind::Person, "Abdullah Muhammad Rajab ABD AL-RAHMAN");
        let m = ix.compare(&q, &e).expect("a match");
        let name = &m.explanation.name;
        assert!(name.tokens.iter().any(|t| t.list == "abdullah"), "{name:?}");
        assert!(name.unmatched_query.is_empty(), "{name:?}");
        assert!(name.order_factor.is_none(), "{name:?}");
    }

    /// Names in Arabic script find their Latin spellings on the lists, as the scorer matches
    /// them, and an alerts-only screening reports them: the article written apart
    /// ("AL-SUKHNY" for "السخني"), two words written as one ("ظاهرعويس" for "Dahir AWES"),
    /// a letter written two ways (ض as "z": "مرتضی" for "Morteza").
    #[test]
    fn a_vowel_less_name_finds_its_latin_spellings() {
        let names = [
            "Adnan Abdo AL-SUKHNY",
            "Hassan Dahir AWES",
            "Morteza PIRI",
            "Adnan Aboud HILWEH",
            "Adnan HASSAN",
            "Abdo KHALIL",
            "Adnan Abdo KARIM",
            "Hassan Dahir KHALIL",
            "Hassan PIRI",
            "Morteza HASSAN",
        ];
        let ix = Index::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| ("t".into(), Entity::new(format!("t:{i}"), Kind::Person, *n)))
                .collect(),
            Config::default(),
        );
        for (query, want) in [
            ("عدنان عبدو السخني", "t:0"),
            ("حسن ظاهرعويس", "t:1"),
            ("مرتضی پیری", "t:2"),
        ] {
            let q = Query {
                name: query.into(),
                kind: Some(Kind::Person),
                ..Default::default()
            };
            let full = ix.screen_alerts_exhaustive(&q);
            assert_eq!(
                full.first().map(|m| m.entity_id.as_str()),
                Some(want),
                "{query}"
            );
            let fast = ix.screen_alerts(&q);
            let ids = |ms: &[Match]| ms.iter().map(|m| m.entity_id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&fast), ids(&full), "{query}");
        }
    }

    /// An initial vouches for one letter: the rest of the word it stands for counts as
    /// unmatched, so a list name that also has a word the query lacks conflicts with it
    /// ("Dmitry AUNG" is not "Dmitry A. PUMPIANSKY"), while the initial of a name the query
    /// writes in full still matches.
    #[test]
    fn an_initial_leaves_the_rest_of_its_word_unmatched() {
        let ix = ix();
        let score = |query: &str, listed: &str| {
            let q = Query {
                name: query.into(),
                kind: Some(Kind::Person),
                ..Default::default()
            };
            let e = Entity::new("t:x", Kind::Person, listed);
            ix.compare(&q, &e).map_or(0.0, |m| m.score)
        };
        let alert = DEFAULT_ALERT_THRESHOLD;
        assert!(score("Dmitry Aung", "Dmitry A. Pumpiansky") < alert);
        assert!(score("Kazuo Cheng", "George K. Cheng") < alert);
        assert!(score("Dmitry Aleksandrovich Pumpiansky", "Dmitry A. Pumpiansky") >= alert);
        assert!(score("Dmitry A. Pumpiansky", "Dmitry Aleksandrovich Pumpiansky") >= alert);
    }

    #[test]
    fn attributes_move_the_score() {
        let ix = ix();
        let base = ix.screen(
            &Query {
                name: "Vladimir Putin".into(),
                ..Default::default()
            },
            1,
        )[0]
        .score;
        let agree = ix.screen(
            &Query {
                name: "Vladimir Putin".into(),
                birth_date: PartialDate::parse_iso("1952-10-07").ok(),
                country: Some("RU".into()),
                ..Default::default()
            },
            1,
        )[0]
        .clone();
        let conflict = ix.screen(
            &Query {
                name: "Vladimir Putin".into(),
                birth_date: PartialDate::parse_iso("1980").ok(),
                kind: Some(Kind::Organization),
                ..Default::default()
            },
            1,
        )[0]
        .clone();
        assert!(
            agree.score > base && conflict.score < base,
            "{base} {} {}",
            agree.score,
            conflict.score
        );
        assert_eq!(conflict.explanation.attributes.len(), 2);
    }

    /// A birth date with day and month swapped (1952-07-10 for Putin's 1952-10-07, as a
    /// month-first record writes it) counts for the match, less than the date itself and
    /// unlike another date of the same year.
    #[test]
    fn a_birth_date_with_day_and_month_swapped_counts_for_the_match() {
        let ix = ix();
        let with = |date: &str| {
            let q = Query {
                name: "Vladimir Putin".into(),
                birth_date: PartialDate::parse_iso(date).ok(),
                ..Default::default()
            };
            let m = ix.screen(&q, 1)[0].clone();
            let result = m
                .explanation
                .attributes
                .iter()
                .map(|a| a.result)
                .collect::<Vec<_>>();
            (m.score, result)
        };
        let (exact, _) = with("1952-10-07");
        let (swapped, how) = with("1952-07-10");
        let (other, _) = with("1952-07-11");
        assert_eq!(how, ["transposed"]);
        assert!(
            exact > swapped && swapped > other,
            "{exact} {swapped} {other}"
        );
    }

    #[test]
    fn unrelated_names_do_not_alert() {
        let ix = ix();
        let m = ix.screen(
            &Query {
                name: "Ivana Petrovic Smith".into(),
                ..Default::default()
            },
            3,
        );
        assert!(m.iter().all(|m| !m.alert), "{m:?}");
        assert!(ix
            .screen(
                &Query {
                    name: "!!!".into(),
                    ..Default::default()
                },
                3
            )
            .is_empty());
    }
}
#[cfg(test)]
mod abjad_tests {
    use super::*;

    #[test]
    fn vowel_less_scripts_match_by_skeleton_in_both_paths() {
        let ix = Index::build(
            vec![
                ("t".into(), Entity::new("t:1", Kind::Person, "Mohamed Ali")),
                ("t".into(), Entity::new("t:2", Kind::Person, "Abdullah")),
            ],
            Config::default(),
        );
        for (q, want) in [("محمد علي", "t:1"), ("عبد الله", "t:2")] {
            let q = Query {
                name: q.into(),
                ..Default::default()
            };
            let fast = ix.screen(&q, 1);
            let full = ix.screen_exhaustive(&q, 1);
            assert_eq!(fast[0].entity_id, want);
            assert!(fast[0].alert, "{:?}", fast[0].explanation);
            assert_eq!(fast[0].score, full[0].score);
        }
    }

    #[test]
    fn a_latin_letter_stays_latin_where_a_vowel_less_name_has_the_same_letter() {
        // "ب" is "b" too. Before, the shared vocabulary token took the vowel-less mark for
        // both, and "Varas" matched "B. Roose" by consonants (v-r-s, b-r-s), the initial "B."
        // joined to the next word.
        let ix = Index::build(
            vec![
                (
                    "t".into(),
                    Entity::new("t:1", Kind::Person, "Geoffrey B. Roose"),
                ),
                ("t".into(), Entity::new("t:2", Kind::Person, "حسن ب")),
                ("t".into(), Entity::new("t:3", Kind::Person, "Nabor Vargas")),
            ],
            Config::default(),
        );
        let q = Query {
            name: "Nabor Varas".into(),
            ..Default::default()
        };
        for ms in [ix.screen(&q, 10), ix.screen_exhaustive(&q, 10)] {
            assert_eq!(ms[0].entity_id, "t:3");
            assert!(ms.iter().all(|m| m.entity_id != "t:1"), "{ms:?}");
        }
        // The vowel-less name still compares by skeleton: "Hassan B." is "حسن ب".
        let q = Query {
            name: "Hassan B".into(),
            ..Default::default()
        };
        assert_eq!(ix.screen(&q, 1)[0].entity_id, "t:2");
    }

    #[test]
    fn scores_put_into_a_json_value_keep_their_decimals() {
        // The CLI's single-name output and the audit log build a serde_json::Value, which
        // holds f64: 0.06f32 widened prints as 0.05999999865889549.
        let a = Attribute {
            attribute: "birth_date",
            query: "1952".into(),
            list: vec!["1952-10-07".into()],
            result: "compatible",
            delta: 0.06,
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["delta"].to_string(), "0.06");
        assert_eq!(decimal(0.723), 0.723);
    }
}
