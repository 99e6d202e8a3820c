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
//!    an identical identifier makes a match, a different kind of party counts against.
#![deny(missing_docs)]

use chokepoint_model::{country, DateSpec, Entity, Kind, NameQuality, PartialDate};
use chokepoint_names::{analyze, token_similarity, Class, NameForm, Token};
use serde::Serialize;
use std::collections::HashMap;

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
    /// Candidates fully scored per query.
    pub candidates: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            alert_threshold: DEFAULT_ALERT_THRESHOLD,
            unmatched_query_weight: 0.35,
            unmatched_list_weight: 0.1,
            conflict_weight: 2.0,
            weak_alias_factor: 0.9,
            candidates: 200,
        }
    }
}

/// The documented default alert threshold.
pub const DEFAULT_ALERT_THRESHOLD: f32 = 0.75;

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
    /// Identifiers (passport, IMO, LEI …), any spelling.
    pub identifiers: Vec<String>,
    /// Restrict to these sources (prefixes: `un`, `ofac`, `eu`, `uk`, `csl`, `bis-dpl` …).
    pub sources: Vec<String>,
}

struct IndexedName {
    name_idx: usize,
    /// (native?, token ids) per reading of the name.
    forms: Vec<(bool, Vec<u32>)>,
}

struct IndexedEntity {
    entity: Entity,
    source: String,
    names: Vec<IndexedName>,
    countries: Vec<String>,
    ids: Vec<(String, String)>,
}

/// An immutable index over entities. Build a new one when the lists change and swap it in
/// (e.g. behind an `Arc`); queries never see a half-built index.
pub struct Index {
    entities: Vec<IndexedEntity>,
    vocab: HashMap<String, u32>,
    tokens: Vec<Token>,
    df: Vec<u32>,
    postings: Vec<Vec<u32>>,
    by_key: HashMap<String, Vec<u32>>,
    trigrams: HashMap<[u8; 3], Vec<u32>>,
    id_index: HashMap<String, Vec<u32>>,
    config: Config,
}

/// Normalises an identifier for comparison: letters and digits only, upper-case.
pub fn normalise_id(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
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

impl Index {
    /// Builds the index. `entities` pairs each entity with the source it was listed in.
    pub fn build(entities: Vec<(String, Entity)>, config: Config) -> Index {
        let mut ix = Index {
            entities: Vec::with_capacity(entities.len()),
            vocab: HashMap::new(),
            tokens: Vec::new(),
            df: Vec::new(),
            postings: Vec::new(),
            by_key: HashMap::new(),
            trigrams: HashMap::new(),
            id_index: HashMap::new(),
            config,
        };
        for (source, e) in entities {
            let eidx = ix.entities.len() as u32;
            let mut names = Vec::new();
            let mut seen_tokens: Vec<u32> = Vec::new();
            for (ni, n) in e.names.iter().enumerate() {
                let forms: Vec<(bool, Vec<u32>)> = analyze(&n.full, e.kind)
                    .into_iter()
                    .map(|f| {
                        (
                            f.native,
                            f.tokens.into_iter().map(|t| ix.intern(t)).collect(),
                        )
                    })
                    .collect();
                for (_, f) in &forms {
                    seen_tokens.extend(f.iter().copied());
                }
                names.push(IndexedName {
                    name_idx: ni,
                    forms,
                });
            }
            seen_tokens.sort_unstable();
            seen_tokens.dedup();
            for t in seen_tokens {
                ix.df[t as usize] += 1;
                ix.postings[t as usize].push(eidx);
            }
            let mut countries: Vec<String> = e
                .nationalities
                .iter()
                .chain(&e.citizenships)
                .cloned()
                .collect();
            countries.extend(e.addresses.iter().filter_map(|a| a.country.clone()));
            countries.sort();
            countries.dedup();
            let ids: Vec<(String, String)> = e
                .identifiers
                .iter()
                .filter(|i| !matches!(i.kind.as_str(), "website" | "email" | "phone" | "other"))
                .map(|i| (i.kind.clone(), normalise_id(&i.value)))
                .filter(|(_, v)| v.len() >= 4)
                .collect();
            for (_, v) in &ids {
                ix.id_index.entry(v.clone()).or_default().push(eidx);
            }
            ix.entities.push(IndexedEntity {
                entity: e,
                source,
                names,
                countries,
                ids,
            });
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
            if t.text.len() >= 3 {
                for g in trigrams(&t.text) {
                    ix.trigrams.entry(g).or_default().push(i as u32);
                }
            }
        }
        ix
    }

    fn intern(&mut self, t: Token) -> u32 {
        if let Some(&i) = self.vocab.get(&t.text) {
            // The same text can come from a vowel-less script in one name and not in another;
            // remember the weaker (skeleton) comparison so either side can use it.
            if t.abjad {
                self.tokens[i as usize].abjad = true;
            }
            return i;
        }
        let i = self.tokens.len() as u32;
        self.vocab.insert(t.text.clone(), i);
        self.tokens.push(t);
        self.df.push(0);
        self.postings.push(Vec::new());
        i
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
        let n = self.entities.len().max(1) as f32;
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
        let df = self
            .vocab
            .get(&t.text)
            .map(|&i| self.df[i as usize])
            .unwrap_or(0);
        self.weight_of_df(df).clamp(0.2, 2.0) * Self::class_factor(t.class)
    }

    /// Vocabulary tokens that a query token may match: itself, same phonetic key or skeleton,
    /// shared trigrams, or the two halves of a joined word.
    fn expand(&self, t: &Token, out: &mut Vec<u32>) {
        if let Some(&i) = self.vocab.get(&t.text) {
            out.push(i);
        }
        if t.class == Class::Initial || t.class == Class::Number {
            return;
        }
        for key in [
            chokepoint_names::phonetic_key(&t.text),
            format!("#{}", chokepoint_names::skeleton(&t.text)),
        ] {
            if let Some(v) = self.by_key.get(&key) {
                if key.starts_with('#') && !t.abjad && v.len() > 64 {
                    continue;
                }
                out.extend(v.iter().copied().take(256));
            }
        }
        if t.text.len() >= 4 {
            let grams = trigrams(&t.text);
            let mut counts: HashMap<u32, u16> = HashMap::new();
            for g in &grams {
                if let Some(v) = self.trigrams.get(g) {
                    if v.len() > 4000 {
                        continue;
                    }
                    for &ti in v {
                        *counts.entry(ti).or_default() += 1;
                    }
                }
            }
            for (ti, c) in counts {
                let other = trigrams(&self.tokens[ti as usize].text).len();
                let dice = 2.0 * c as f32 / (grams.len() + other) as f32;
                if dice >= 0.45 {
                    out.push(ti);
                }
            }
        }
        if t.text.len() >= 5 {
            for cut in 2..t.text.len() - 1 {
                let (a, b) = t.text.split_at(cut);
                if let (Some(&x), Some(&y)) = (self.vocab.get(a), self.vocab.get(b)) {
                    out.push(x);
                    out.push(y);
                }
            }
        }
    }

    fn source_ok(&self, e: &IndexedEntity, q: &Query) -> bool {
        q.sources.is_empty()
            || q.sources
                .iter()
                .any(|s| e.source.starts_with(s.as_str()) || e.entity.id_prefix() == s)
    }

    /// Screens one query: the `top_k` best matches, best first.
    pub fn screen(&self, q: &Query, top_k: usize) -> Vec<Match> {
        self.screen_with(q, top_k, false)
    }

    /// Scores every entity (no candidate generation): the reference the index is measured
    /// against.
    pub fn screen_exhaustive(&self, q: &Query, top_k: usize) -> Vec<Match> {
        self.screen_with(q, top_k, true)
    }

    fn screen_with(&self, q: &Query, top_k: usize, exhaustive: bool) -> Vec<Match> {
        let forms = analyze(&q.name, q.kind.unwrap_or(Kind::Unknown));
        if forms.is_empty() && q.identifiers.is_empty() {
            return vec![];
        }
        let cands: Vec<u32> = if exhaustive {
            (0..self.entities.len() as u32).collect()
        } else {
            self.candidates(&forms, q)
        };
        let mut out: Vec<Match> = cands
            .into_iter()
            .filter(|&i| self.source_ok(&self.entities[i as usize], q))
            .filter_map(|i| self.score(&forms, q, i as usize))
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.entity_id.cmp(&b.entity_id))
        });
        out.truncate(top_k);
        out
    }

    fn candidates(&self, forms: &[NameForm], q: &Query) -> Vec<u32> {
        let mut acc: HashMap<u32, f32> = HashMap::new();
        let mut expanded = Vec::new();
        for f in forms {
            for t in &f.tokens {
                expanded.clear();
                self.expand(t, &mut expanded);
                expanded.sort_unstable();
                expanded.dedup();
                let w = self.token_weight(t);
                for &ti in &expanded {
                    let post = &self.postings[ti as usize];
                    let tw = w.max(self.weight_of_df(self.df[ti as usize]));
                    for &e in post {
                        let slot = acc.entry(e).or_insert(0.0);
                        *slot += tw;
                    }
                }
            }
            // Adjacent query tokens written as one on the list ("Jong Un" → "jongun").
            for pair in f.tokens.windows(2) {
                let joined = format!("{}{}", pair[0].text, pair[1].text);
                if let Some(&ti) = self.vocab.get(&joined) {
                    for &e in &self.postings[ti as usize] {
                        *acc.entry(e).or_insert(0.0) += 1.0;
                    }
                }
            }
        }
        for id in &q.identifiers {
            if let Some(v) = self.id_index.get(&normalise_id(id)) {
                for &e in v {
                    *acc.entry(e).or_insert(0.0) += 10.0;
                }
            }
        }
        let mut v: Vec<(u32, f32)> = acc.into_iter().collect();
        let n = self.config.candidates;
        if v.len() > n {
            v.select_nth_unstable_by(n, |a, b| b.1.total_cmp(&a.1));
            v.truncate(n);
        }
        v.into_iter().map(|(e, _)| e).collect()
    }

    fn score(&self, forms: &[NameForm], q: &Query, ei: usize) -> Option<Match> {
        let ie = &self.entities[ei];
        let names: Vec<(usize, Vec<(bool, Vec<&Token>)>)> = ie
            .names
            .iter()
            .map(|n| {
                (
                    n.name_idx,
                    n.forms
                        .iter()
                        .map(|(nat, f)| {
                            (*nat, f.iter().map(|&t| &self.tokens[t as usize]).collect())
                        })
                        .collect(),
                )
            })
            .collect();
        self.score_names(
            forms,
            q,
            &ie.entity,
            &ie.source,
            &ie.countries,
            &ie.ids,
            &names,
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
        let names: Vec<(usize, Vec<(bool, Vec<&Token>)>)> = owned
            .iter()
            .map(|(i, fs)| {
                (
                    *i,
                    fs.iter()
                        .map(|f| (f.native, f.tokens.iter().collect()))
                        .collect(),
                )
            })
            .collect();
        let mut countries: Vec<String> = e
            .nationalities
            .iter()
            .chain(&e.citizenships)
            .cloned()
            .collect();
        countries.extend(e.addresses.iter().filter_map(|a| a.country.clone()));
        let ids: Vec<(String, String)> = e
            .identifiers
            .iter()
            .map(|i| (i.kind.clone(), normalise_id(&i.value)))
            .collect();
        self.score_names(&forms, q, e, "", &countries, &ids, &names)
    }

    #[allow(clippy::too_many_arguments)]
    fn score_names(
        &self,
        forms: &[NameForm],
        q: &Query,
        e: &Entity,
        source: &str,
        countries: &[String],
        ids: &[(String, String)],
        names: &[(usize, Vec<(bool, Vec<&Token>)>)],
    ) -> Option<Match> {
        let mut best: Option<(f32, NameExplanation, usize)> = None;
        let q_native = forms.iter().any(|f| f.native);
        for (ni, lforms) in names {
            let quality = e.names[*ni].quality;
            // Both written in Han/Hangul/Kana: compare as written, not through romanisations.
            let native_only = q_native && lforms.iter().any(|(n, _)| *n);
            for (l_nat, list) in lforms {
                for qf in forms {
                    if qf.native != *l_nat || (*l_nat != native_only) {
                        continue;
                    }
                    let (mut s, mut ex) = self.name_score(&qf.tokens, list, e.kind);
                    if matches!(quality, NameQuality::Weak | NameQuality::Low) {
                        s *= self.config.weak_alias_factor;
                        ex.weak_alias_factor = Some(self.config.weak_alias_factor);
                    }
                    if best.as_ref().is_none_or(|b| s > b.0) {
                        best = Some((s, ex, *ni));
                    }
                }
            }
        }
        let (name_score, name_ex, ni) = best.unwrap_or((0.0, NameExplanation::default(), 0));
        let mut attributes = Vec::new();
        let mut score = name_score;
        // Identifiers: an identical one is a match whatever the name; a different one of the same
        // kind counts against.
        let mut id_hit = false;
        for qid in &q.identifiers {
            let n = normalise_id(qid);
            if n.len() < 4 {
                continue;
            }
            if let Some((kind, _)) = ids.iter().find(|(_, v)| *v == n) {
                id_hit = true;
                attributes.push(Attribute {
                    attribute: "identifier".into(),
                    query: qid.clone(),
                    list: vec![format!("{kind} {n}")],
                    result: "exact_match".into(),
                    delta: 0.0,
                });
            }
        }
        if id_hit {
            let before = score;
            score = score.max(0.97);
            if let Some(a) = attributes.last_mut() {
                a.delta = score - before;
            }
        }
        if name_score <= 0.0 && !id_hit {
            return None;
        }
        if let Some(qd) = &q.birth_date {
            if !e.birth_dates.is_empty() {
                let list: Vec<String> = e.birth_dates.iter().map(DateSpec::to_string).collect();
                let (result, delta) = date_evidence(qd, &e.birth_dates);
                score += delta;
                attributes.push(Attribute {
                    attribute: "birth_date".into(),
                    query: qd.to_string(),
                    list,
                    result: result.into(),
                    delta,
                });
            }
        }
        if let Some(qc) = &q.country {
            if !countries.is_empty() {
                let (result, delta) = if countries.contains(qc) {
                    ("match", 0.03)
                } else {
                    ("mismatch", -0.08)
                };
                score += delta;
                attributes.push(Attribute {
                    attribute: "country".into(),
                    query: qc.clone(),
                    list: countries.to_vec(),
                    result: result.into(),
                    delta,
                });
            }
        }
        if let Some(qk) = q.kind {
            if qk != Kind::Unknown && e.kind != Kind::Unknown && qk != e.kind {
                let delta = if qk == Kind::Person || e.kind == Kind::Person {
                    -0.25
                } else {
                    -0.1
                };
                score += delta;
                attributes.push(Attribute {
                    attribute: "kind".into(),
                    query: qk.as_str().into(),
                    list: vec![e.kind.as_str().into()],
                    result: "mismatch".into(),
                    delta,
                });
            }
        }
        let score = score.clamp(0.0, 1.0);
        let n = &e.names[ni];
        Some(Match {
            entity_id: e.id.clone(),
            score: (score * 1000.0).round() / 1000.0,
            alert: score >= self.config.alert_threshold,
            name: e.name.clone(),
            matched_name: n.full.clone(),
            source: source.to_string(),
            explanation: Explanation {
                name_score: (name_score * 1000.0).round() / 1000.0,
                name: name_ex,
                attributes,
            },
        })
    }

    /// Scores a query name against a list name (token sequences).
    fn name_score(&self, q: &[Token], l: &[&Token], kind: Kind) -> (f32, NameExplanation) {
        let mut ex = NameExplanation::default();
        if q.is_empty() || l.is_empty() {
            return (0.0, ex);
        }
        // Candidate pairs: (similarity, query indices, list indices, how).
        let mut pairs: Vec<(f32, Vec<usize>, Vec<usize>, &'static str)> = Vec::new();
        for (i, qt) in q.iter().enumerate() {
            for (j, lt) in l.iter().enumerate() {
                let (s, how) = token_similarity(qt, lt);
                if s > 0.0 {
                    pairs.push((s, vec![i], vec![j], how.as_str()));
                }
            }
        }
        let joined = |a: &Token, b: &Token| Token {
            text: format!("{}{}", a.text, b.text),
            class: Class::Word,
            abjad: a.abjad || b.abjad,
        };
        // Joined words, either way round ("AlisherUsmanov", "vanderbilt").
        for i in 0..q.len() {
            for j in 0..l.len() {
                if j + 1 < l.len() {
                    let (s, how) = token_similarity(&q[i], &joined(l[j], l[j + 1]));
                    if s >= 0.8 {
                        pairs.push((s * 0.98, vec![i], vec![j, j + 1], how.as_str()));
                    }
                    if j + 2 < l.len() {
                        let three = joined(&joined(l[j], l[j + 1]), l[j + 2]);
                        let (s, how) = token_similarity(&q[i], &three);
                        if s >= 0.8 {
                            pairs.push((s * 0.98, vec![i], vec![j, j + 1, j + 2], how.as_str()));
                        }
                    }
                }
                if i + 1 < q.len() {
                    let (s, how) = token_similarity(&joined(&q[i], &q[i + 1]), l[j]);
                    if s >= 0.8 {
                        pairs.push((s * 0.98, vec![i, i + 1], vec![j], how.as_str()));
                    }
                }
            }
        }
        // Acronyms: a short token spelling the initials of consecutive words ("JC" for "Jean
        // Claude", "PLA" for "People's Liberation Army"), either way round.
        let acronym = |t: &Token, words: &[&Token]| -> bool {
            t.class == Class::Word
                && t.text.len() == words.len()
                && words.len() >= 2
                && words
                    .iter()
                    .all(|w| matches!(w.class, Class::Word | Class::Initial))
                && words
                    .iter()
                    .zip(t.text.chars())
                    .all(|(w, c)| w.text.starts_with(c))
        };
        for i in 0..q.len() {
            let n = q[i].text.len();
            if (2..=6).contains(&n) {
                for j in 0..l.len().saturating_sub(n - 1) {
                    if acronym(&q[i], &l[j..j + n]) {
                        pairs.push((0.85, vec![i], (j..j + n).collect(), "acronym"));
                    }
                }
            }
        }
        for j in 0..l.len() {
            let n = l[j].text.len();
            if (2..=6).contains(&n) && q.len() >= n {
                for i in 0..=q.len() - n {
                    let words: Vec<&Token> = q[i..i + n].iter().collect();
                    if acronym(l[j], &words) {
                        pairs.push((0.85, (i..i + n).collect(), vec![j], "acronym"));
                    }
                }
            }
        }
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.len().cmp(&a.1.len())));
        let mut q_used = vec![false; q.len()];
        let mut l_used = vec![false; l.len()];
        let wq: Vec<f32> = q.iter().map(|t| self.token_weight(t)).collect();
        let wl: Vec<f32> = l.iter().map(|t| self.token_weight(t)).collect();
        let mut matched = 0.0f32;
        let mut matched_weight = 0.0f32;
        let mut content = 0usize;
        let mut only_abbrev = true;
        let mut order: Vec<(usize, usize)> = Vec::new();
        for (s, qi, li, how) in pairs {
            if qi.iter().any(|&i| q_used[i]) || li.iter().any(|&j| l_used[j]) {
                continue;
            }
            for &i in &qi {
                q_used[i] = true;
            }
            for &j in &li {
                l_used[j] = true;
            }
            // A pair weighs at least half its list side: a rare list token matched through a
            // common query spelling is still evidence.
            let w = qi
                .iter()
                .map(|&i| wq[i])
                .sum::<f32>()
                .max(li.iter().map(|&j| wl[j]).sum::<f32>() * 0.5);
            matched += w * s;
            matched_weight += w;
            if qi
                .iter()
                .any(|&i| matches!(q[i].class, Class::Word | Class::Number))
            {
                content += 1;
                if how != "acronym" {
                    only_abbrev = false;
                }
            }
            order.push((qi[0], li[0]));
            ex.tokens.push(TokenMatch {
                query: qi
                    .iter()
                    .map(|&i| q[i].text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                list: li
                    .iter()
                    .map(|&j| l[j].text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
                how: how.into(),
                similarity: (s * 1000.0).round() / 1000.0,
                weight: (w * 1000.0).round() / 1000.0,
            });
        }
        if content == 0 {
            // Only particles, initials or legal forms in common: no evidence of the same party.
            return (0.0, ex);
        }
        let (mut uq, mut ul) = (0.0f32, 0.0f32);
        for (i, t) in q.iter().enumerate() {
            if !q_used[i] {
                ex.unmatched_query.push(t.text.clone());
                uq += wq[i];
            }
        }
        for (j, t) in l.iter().enumerate() {
            if !l_used[j] {
                ex.unmatched_list.push(t.text.clone());
                ul += wl[j];
            }
        }
        // A token missing on one side is an omitted name (a middle name, a patronymic); tokens
        // left over on both sides are a conflict: "Ben Ali" where the list says "Ben Mohamed".
        let conflict = uq.min(ul);
        let denom = matched_weight
            + self.config.unmatched_query_weight * uq
            + self.config.unmatched_list_weight * ul
            + self.config.conflict_weight * conflict;
        let mut s = matched / denom;
        // Aligned tokens in a different order. Around "bin"/"ibn" the order says who is whose
        // son ("Salman bin Muhammad" is not "Muhammad bin Salman"), so there it weighs more.
        // A name after "bin"/"ibn" is the father's: if a name that follows it on one side does
        // not follow it on the other, the two names describe different people.
        let patronymic =
            |t: &Token| matches!(t.text.as_str(), "bin" | "ibn" | "ben" | "bint" | "binti");
        let after_bin_q = |i: usize| i > 0 && patronymic(&q[i - 1]);
        let after_bin_l = |j: usize| j > 0 && patronymic(l[j - 1]);
        let lineage_conflict = q.iter().any(patronymic)
            && l.iter().any(|t| patronymic(t))
            && order.iter().any(|&(i, j)| after_bin_q(i) != after_bin_l(j));
        order.sort();
        let crossed = order.windows(2).any(|w| w[1].1 < w[0].1);
        if lineage_conflict || crossed {
            let factor = if lineage_conflict { 0.7 } else { 0.95 };
            s *= factor;
            ex.order_factor = Some(factor);
        }
        // Initials and acronyms alone do not identify a person ("N.N.").
        if only_abbrev && kind == Kind::Person {
            s *= 0.6;
        }
        (s.clamp(0.0, 1.0), ex)
    }
}

fn date_evidence(q: &PartialDate, list: &[DateSpec]) -> (&'static str, f32) {
    if list
        .iter()
        .any(|d| d.to.is_none() && d.date.day.is_some() && q.day.is_some() && d.date == *q)
    {
        return ("exact", 0.06);
    }
    if list.iter().any(|d| d.matches(q)) {
        return ("compatible", 0.03);
    }
    if list.iter().any(|d| {
        (d.date.year - q.year).abs() <= 1 || d.to.is_some_and(|t| (t.year - q.year).abs() <= 1)
    }) {
        return ("near", -0.05);
    }
    ("mismatch", -0.15)
}

/// One aligned pair of tokens.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenMatch {
    /// Query token(s).
    pub query: String,
    /// List token(s).
    pub list: String,
    /// `exact`, `fuzzy`, `consonant_skeleton`, `initial`, `acronym`.
    pub how: String,
    /// Token similarity.
    pub similarity: f32,
    /// Weight of the pair in the name score (rarer tokens weigh more).
    pub weight: f32,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weak_alias_factor: Option<f32>,
    /// Set when the aligned tokens come in a different order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order_factor: Option<f32>,
}

/// One attribute's effect on the score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attribute {
    /// `birth_date`, `country`, `identifier`, `kind`.
    pub attribute: String,
    /// Query value.
    pub query: String,
    /// List values.
    pub list: Vec<String>,
    /// `exact`, `compatible`, `near`, `mismatch`, `match`, `exact_match`.
    pub result: String,
    /// How much it moved the score.
    pub delta: f32,
}

/// Everything that went into a score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    /// Score of the best-matching name before attributes.
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
