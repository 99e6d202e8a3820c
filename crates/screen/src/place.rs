//! Addresses and contact details as evidence. Lists give street addresses for many entities
//! (the Entity List names entities by address as well as by name), and e-mail addresses,
//! phone numbers and websites for some: a party whose street address or contact detail is a
//! listed entity's is that entity, a front for it, or shares its premises. Neither identifies
//! a party the way a passport number does (a building houses many firms, a switchboard answers
//! for all of them), so an agreement adds [`LOCATION_MATCH`] to the name's score instead of
//! making a match; an address that differs is no evidence against (parties move, and lists
//! give one address of several).
//!
//! Two addresses agree when each gives every number the other does (a unit's number, "Apt 5",
//! only where both give units; a postal code only where both give one), they share a number
//! and a word of four letters or more written alike that few listed addresses share (at most
//! [`MAX_KEY_ENTITIES`] entities': "1" with "Moscow" locates no one), and each has at least two
//! thirds of its words in the other (a word of five letters or more may be misspelt by one
//! letter there). A listed address is
//! its street with its city, region and postal code; a query's country name is left out.
//! Words that only say what kind of place a part is ("street", "floor", "ul.", "district":
//! `data/address_words.txt`) are skipped: "Saemaul 2-dong, Pyongchon-guyok" and "Puksong
//! 2-dong, Pyongchon-guyok" are two places, not three words of four alike.

use ahash::AHashSet as HashSet;
use chokepoint_model::{country, Entity};
use chokepoint_names::{fold, osa_bounded};
use smallvec::SmallVec;
use std::sync::OnceLock;

/// A (number, word) pair that more listed entities' addresses share than this locates none of
/// them: "1" and "Moscow", "2" and "Tehran" are in hundreds of addresses, which a query's
/// address naming its street agrees with only by another pair.
pub(crate) const MAX_KEY_ENTITIES: usize = 32;

/// What an agreeing street address or contact detail adds to a name's score (nomenklatura's
/// logic-v2 adds 0.2 for an address that agrees).
pub(crate) const LOCATION_MATCH: f32 = 0.2;

/// The kind-of-place words of `data/address_words.txt`, and which of them are a unit's.
struct Words {
    all: HashSet<&'static str>,
    unit: HashSet<&'static str>,
}

fn address_words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| {
        let mut w = Words {
            all: HashSet::new(),
            unit: HashSet::new(),
        };
        for l in include_str!("../data/address_words.txt").lines() {
            if l.starts_with('#') {
                continue;
            }
            let (unit, words) = match l.strip_prefix("unit:") {
                Some(rest) => (true, rest),
                None => (false, l),
            };
            for x in words.split_whitespace() {
                w.all.insert(x);
                if unit {
                    w.unit.insert(x);
                }
            }
        }
        w
    })
}

/// The words of an address that say which place it is, each once: transliterated,
/// lower-case, without the kind-of-place words and single letters. Numbers are kept whole
/// ("28E-30" is "28e", "30"); a unit's number is marked `#` ("Room 2105" is "#2105").
pub(crate) fn address_tokens(text: &str) -> Vec<String> {
    let words = address_words();
    let mut out: Vec<String> = Vec::new();
    let mut after_unit = false;
    for w in fold(text).split(' ') {
        if words.all.contains(w) {
            after_unit = words.unit.contains(w);
            continue;
        }
        if w.is_empty() || w.len() == 1 && !w.as_bytes()[0].is_ascii_digit() {
            continue;
        }
        let t = if after_unit && is_number(w) {
            format!("#{w}")
        } else {
            w.to_string()
        };
        after_unit = false;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn is_number(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_digit())
}

fn is_unit(w: &str) -> bool {
    w.starts_with('#')
}

/// A postal code: five characters or more, three of them digits at least ("94105",
/// "1053SV").
fn is_postal(w: &str) -> bool {
    !is_unit(w) && w.len() >= 5 && w.bytes().filter(u8::is_ascii_digit).count() >= 3
}

/// The normal form of a contact detail, with its kind: an e-mail address (the address of a
/// "Name <address>" mailbox), lower-case; a phone number, its last nine digits (country and
/// trunk prefixes vary in how it is written); a website, its host and path without the scheme
/// and "www.". `None` for anything else.
pub(crate) fn contact_key(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(at) = s.find('@') {
        let inner = match (s[..at].rfind('<'), s[at..].find('>')) {
            (Some(a), Some(b)) => &s[a + 1..at + b],
            _ => s,
        };
        let e = inner.trim().to_lowercase();
        let (local, domain) = e.split_once('@')?;
        return (!local.is_empty() && domain.contains('.') && !e.contains(' '))
            .then(|| format!("email {e}"));
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if s.chars()
        .all(|c| c.is_ascii_digit() || " +-()./".contains(c))
    {
        return (digits.len() >= 7)
            .then(|| format!("phone {}", &digits[digits.len().saturating_sub(9)..]));
    }
    let l = s.to_lowercase();
    let l = l
        .strip_prefix("https://")
        .or(l.strip_prefix("http://"))
        .unwrap_or(&l);
    let l = l.strip_prefix("www.").unwrap_or(l).trim_end_matches('/');
    (l.contains('.') && !l.contains(' ') && l.len() >= 4).then(|| format!("website {l}"))
}

/// The street addresses and contact details of a listed entity that can agree with a query's.
pub(crate) struct Places {
    /// Addresses with a street and a number.
    pub streets: Vec<Listed>,
    /// [`contact_key`]s of its e-mail addresses, phone numbers and websites.
    pub contacts: Vec<Box<str>>,
}

/// The places of an entity that has none.
pub(crate) static NO_PLACES: Places = Places {
    streets: Vec::new(),
    contacts: Vec::new(),
};

impl Places {
    pub(crate) fn of(e: &Entity) -> Places {
        let streets = e
            .addresses
            .iter()
            .filter_map(|a| {
                let street = a.street.as_deref()?;
                let place = [&a.street, &a.city, &a.region]
                    .into_iter()
                    .flatten()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                let text = match &a.postal_code {
                    Some(p) => format!("{place}, {p}"),
                    None => place,
                };
                let mut words = address_tokens(street);
                let n_street = u16::try_from(words.len()).ok()?;
                for w in address_tokens(&text) {
                    if !words.contains(&w) {
                        words.push(w);
                    }
                }
                let postal = a
                    .postal_code
                    .as_deref()
                    .map(|p| address_tokens(p).join(" "))
                    .unwrap_or_default();
                words.iter().any(|w| is_number(w)).then(|| Listed {
                    text: text.into(),
                    words: words.join(" ").into(),
                    n_street,
                    postal: postal.into(),
                })
            })
            .collect();
        let contacts = e
            .identifiers
            .iter()
            .filter(|i| matches!(i.kind.as_str(), "email" | "phone" | "website"))
            .filter_map(|i| contact_key(&i.value))
            .map(Box::from)
            .collect();
        Places { streets, contacts }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.streets.is_empty() && self.contacts.is_empty()
    }
}

/// A listed address: its street, city, region and postal code as the list writes them, joined
/// by ", ", and its [`address_tokens`], read once when the index is built: `words`, space
/// separated, the street's `n_street` first, and those of its postal code.
pub(crate) struct Listed {
    pub text: Box<str>,
    words: Box<str>,
    n_street: u16,
    postal: Box<str>,
}

impl Listed {
    fn words(&self) -> SmallVec<[&str; 16]> {
        self.words.split(' ').filter(|w| !w.is_empty()).collect()
    }
}

/// A query's address and contact details, read once per query.
pub(crate) struct QueryPlace {
    tokens: Vec<String>,
    contacts: Vec<String>,
}

/// Which of a listed entity's addresses or contact details agrees with the query's.
pub(crate) struct Agreement<'a> {
    pub attribute: &'static str,
    pub list: &'a str,
}

impl QueryPlace {
    /// `None` when the query gives no address and no identifier that reads as a contact.
    pub(crate) fn of(address: Option<&str>, identifiers: &[String]) -> Option<QueryPlace> {
        let p = QueryPlace {
            tokens: address.map(without_country).unwrap_or_default(),
            contacts: identifiers.iter().filter_map(|i| contact_key(i)).collect(),
        };
        (!p.tokens.is_empty() || !p.contacts.is_empty()).then_some(p)
    }

    /// Keys of [`street_keys`] the query's address shares with an agreeing address.
    pub(crate) fn street_keys(&self) -> Vec<u32> {
        pairs(&self.tokens)
    }

    pub(crate) fn contacts(&self) -> &[String] {
        &self.contacts
    }

    /// The first of the entity's streets and contacts that agrees with the query's.
    /// `distinctive` says whether a (number, word) key locates few enough addresses to
    /// locate one (see [`MAX_KEY_ENTITIES`]).
    pub(crate) fn agreement<'a>(
        &self,
        places: &'a Places,
        distinctive: &dyn Fn(u32) -> bool,
    ) -> Option<Agreement<'a>> {
        if let Some(c) = places
            .contacts
            .iter()
            .find(|c| self.contacts.iter().any(|q| q == &***c))
        {
            return Some(Agreement {
                attribute: "contact",
                list: c,
            });
        }
        if self.tokens.is_empty() {
            return None;
        }
        places
            .streets
            .iter()
            .find(|l| {
                let all = l.words();
                let postal: SmallVec<[&str; 4]> = l.postal.split(' ').collect();
                self.street_agrees(&all[..l.n_street as usize], &all, &postal, distinctive)
            })
            .map(|l| Agreement {
                attribute: "address",
                list: &l.text,
            })
    }

    /// Whether the listed address (the words of its `street`, `all` its words, and those of
    /// its `postal` code) agrees.
    fn street_agrees(
        &self,
        street: &[&str],
        all: &[&str],
        postal: &[&str],
        distinctive: &dyn Fn(u32) -> bool,
    ) -> bool {
        let q: SmallVec<[&str; 16]> = self.tokens.iter().map(String::as_str).collect();
        let q = &q[..];
        let found = |w: &str, other: &[&str]| {
            other.iter().any(|x| {
                *x == w
                    || w.len() >= 5
                        && x.len() >= 5
                        && !is_number(w)
                        && !is_number(x)
                        && osa_bounded(x.as_bytes(), w.as_bytes(), 1) <= 1
            })
        };
        // Every number of each side is in the other, but for a unit or a postal code the
        // other does not give.
        let postal = |w: &&str| is_postal(w) || postal.contains(w);
        let numbers_agree = |a: &[&str], b: &[&str]| {
            a.iter().filter(|w| is_number(w)).all(|w| {
                b.contains(w)
                    || is_unit(w) && !b.iter().any(|x| is_unit(x))
                    || postal(w) && !b.iter().any(postal)
            })
        };
        if !numbers_agree(all, q) || !numbers_agree(q, all) {
            return false;
        }
        let words_in = |a: &[&str], b: &[&str]| {
            let words = a.iter().filter(|w| !is_number(w));
            let n = words.clone().count();
            3 * words.filter(|w| found(w, b)).count() >= 2 * n
        };
        // A number and a word of four letters or more written alike that few addresses share
        // (what the index's keys find: "1" and "Moscow" locate no one), the street's words,
        // not just the city's, and the query's words, not just the street's.
        let shared = |p: fn(&str) -> bool| all.iter().filter(move |w| p(w) && q.contains(w));
        shared(is_number).any(|n| shared(is_key_word).any(|w| distinctive(key(n, w))))
            && words_in(street, q)
            && words_in(q, all)
    }
}

/// The address's words without the country name it ends or begins with ("…, Izhevsk,
/// Russia"): a listed address gives its country as a code, compared apart.
fn without_country(text: &str) -> Vec<String> {
    let mut t = address_tokens(text);
    let is_country = |w: &[String]| {
        let s = w.join(" ");
        s.len() >= 4 && country::to_iso2(&s).is_some()
    };
    if let Some(n) = (1..=3.min(t.len()))
        .rev()
        .find(|&n| is_country(&t[t.len() - n..]))
    {
        t.truncate(t.len() - n);
    }
    if let Some(n) = (1..=3.min(t.len())).rev().find(|&n| is_country(&t[..n])) {
        t.drain(..n);
    }
    t
}

/// Keys that an agreeing address shares with the query's: a hash of each number with each word
/// of four letters or more (an agreeing address shares a number and such a word written
/// alike).
pub(crate) fn street_keys(l: &Listed) -> Vec<u32> {
    pairs(&l.words())
}

fn pairs<S: AsRef<str>>(tokens: &[S]) -> Vec<u32> {
    let tokens: SmallVec<[&str; 16]> = tokens.iter().map(AsRef::as_ref).collect();
    let mut keys = Vec::new();
    for n in tokens.iter().filter(|w| is_number(w)) {
        for w in tokens.iter().filter(|w| is_key_word(w)) {
            keys.push(key(n, w));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn is_key_word(w: &str) -> bool {
    !is_number(w) && w.len() >= 4
}

fn key(number: &str, word: &str) -> u32 {
    let bytes = number.bytes().chain([b'|']).chain(word.bytes());
    bytes.fold(crate::FNV_OFFSET, crate::fnv_step) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query's address against a listed one: its street, then after " | " its city (the
    /// lists often give the city in the street's field).
    fn agree(query: &str, listed: &str) -> bool {
        let street = address_tokens(listed.split(" | ").next().unwrap());
        let all = address_tokens(listed);
        fn as_str(v: &[String]) -> Vec<&str> {
            v.iter().map(String::as_str).collect()
        }
        QueryPlace::of(Some(query), &[]).unwrap().street_agrees(
            &as_str(&street),
            &as_str(&all),
            &[],
            &|_| true,
        )
    }

    #[test]
    fn streets_agree_across_spellings_of_the_same_place() {
        assert!(agree(
            "1602 Brenville Place, San Francisco, CA 94105",
            "1602 Brenville Pl, San Francisco, CA 94105"
        ));
        // A postal code the query does not give is not held against it.
        assert!(agree(
            "1602 Brenvile Pl, San Francisco",
            "1602 Brenville Pl, San Francisco, CA 94105"
        ));
        // Cyrillic, and the Russian designators.
        assert!(agree(
            "г. Ижевск, ул. Максима Горького, д. 90",
            "90 Maksima Gorkogo Street"
        ));
        assert!(agree(
            "Calle 52 # 28E-30, Cali",
            "Calle 52 No. 28E-30, Cali"
        ));
        // A unit the list does not give, a postal code and a country it gives apart.
        assert!(agree(
            "1602 Brenville Pl Apt 5, San Francisco, CA 94105, United States",
            "1602 Brenville Pl, San Francisco"
        ));
        assert!(agree(
            "PO Box 910606, Amman 11191, Jordan",
            "P.O. Box 910606, Amman"
        ));
    }

    #[test]
    fn other_numbers_or_streets_disagree() {
        assert!(!agree(
            "1602 Brenville Pl, San Francisco, CA 94105",
            "160 Brenville Pl"
        ));
        assert!(!agree("Calle 52 No. 3-30, Cali", "Calle 5 No. 3-30, Cali"));
        assert!(!agree(
            "90 Lenina Street, Izhevsk",
            "90 Maksima Gorkogo Street"
        ));
        // A city and a box number are not a street, nor is a postal code another one's.
        assert!(!agree("Dubai", "P.O. Box 29687, Dubai"));
        assert!(!agree("P.O. Box 29688, Dubai", "P.O. Box 29687, Dubai"));
        // The numbered neighbourhoods of one district, and another unit in one building.
        assert!(!agree(
            "Saemaul 2-dong, Pyongchon-guyok, Pyongyang",
            "Puksong 2-dong, Pyongchon-guyok | Pyongyang"
        ));
        assert!(!agree(
            "Room 2106, 29-31 Cheung Lee Street, Chai Wan",
            "Room 2105, Trend Centre, 29-31 Cheung Lee Street, Chai Wan"
        ));
        assert!(!agree(
            "1602 Brenville Pl, San Francisco, CA 94107",
            "1602 Brenville Pl, San Francisco, CA 94105"
        ));
    }

    proptest::proptest! {
        /// No text makes reading or comparing addresses and contact details panic.
        #[test]
        fn any_text_is_read_without_panic(
            any in "\\PC{0,80}",
            q in "[0-9a-zа-я #,./'-]{0,50}",
            l in "[0-9a-zа-я #,./'-]{0,50}",
            c in "[ <>@.+0-9a-z]{0,30}",
        ) {
            let _ = contact_key(&any);
            let _ = without_country(&any);
            let _ = contact_key(&c);
            let e = {
                let mut e = Entity::new("t:1", chokepoint_model::Kind::Organization, "X");
                e.addresses.push(chokepoint_model::Address {
                    street: Some(l.clone()),
                    postal_code: Some(c.clone()),
                    ..Default::default()
                });
                e
            };
            let places = Places::of(&e);
            if let Some(qp) = QueryPlace::of(Some(&q), std::slice::from_ref(&c)) {
                let _ = qp.agreement(&places, &|k| k % 2 == 0);
                let _ = qp.street_keys();
            }
        }
    }

    #[test]
    fn contact_details_have_one_form() {
        assert_eq!(
            contact_key("Maria Sentosa<MSentosa@fmail.com>"),
            contact_key("msentosa@fmail.com")
        );
        assert_eq!(contact_key("+98 21 8877 6655"), contact_key("021-88776655"));
        assert_eq!(
            contact_key("https://www.example.ir/"),
            contact_key("example.ir")
        );
        assert_eq!(contact_key("P123456"), None);
        assert_eq!(contact_key("not an address@"), None);
    }
}
