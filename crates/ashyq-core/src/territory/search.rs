//! Finding a precinct by an address or a place, for a visitor who does not sign in: every
//! word of the query must appear in what is known of the precinct — its number, its name or
//! address ("School No. 12"), its district and its region in any of the three languages, and
//! the region's centre. Matching ignores case (Unicode lower case, so Kazakh and Russian
//! letters fold as well as Latin ones) and the punctuation `.,;:()№"'`.
//!
//! The territory is small (about ten thousand precincts), so a scan of prepared haystacks
//! answers in well under a millisecond; no index is kept.

use super::{PrecinctId, Territory, TerritoryIndex};

/// The longest query considered, in characters; a longer one is cut (an address is short).
pub const MAX_QUERY_CHARS: usize = 200;
/// The most words of a query considered.
pub const MAX_QUERY_WORDS: usize = 8;

/// The precincts a query found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecinctSearch {
    /// The words searched for, lower-cased (empty: nothing to search for).
    pub words: Vec<String>,
    /// The first matches, in territory order, at most the limit asked for.
    pub matches: Vec<PrecinctId>,
    /// How many precincts match in all.
    pub total: usize,
}

/// A territory prepared for searching: one lower-cased haystack per precinct.
#[derive(Debug, Clone)]
pub struct PrecinctFinder {
    haystacks: Vec<(PrecinctId, String)>,
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '.' | ',' | ';' | ':' | '(' | ')' | '№' | '"' | '\'' => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a query, folded as the haystacks are; at most [`MAX_QUERY_WORDS`] of the
/// first [`MAX_QUERY_CHARS`] characters.
pub fn query_words(query: &str) -> Vec<String> {
    let cut: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let mut words: Vec<String> = fold(&cut).split_whitespace().map(str::to_owned).collect();
    words.dedup();
    words.truncate(MAX_QUERY_WORDS);
    words
}

impl PrecinctFinder {
    /// Prepares `territory` (whose index is `index`).
    pub fn new(territory: &Territory, index: &TerritoryIndex) -> PrecinctFinder {
        let haystacks = territory
            .precincts
            .iter()
            .map(|p| {
                let mut h = format!(" {} {}", p.id, p.name);
                if let Some(pl) = index.placement(p.id) {
                    let d = &territory.districts[pl.district];
                    let r = &territory.regions[pl.region];
                    for n in [&d.names, &r.names] {
                        for s in [&n.kk, &n.ru, &n.en] {
                            h.push(' ');
                            h.push_str(s);
                        }
                    }
                    h.push(' ');
                    h.push_str(&r.centre);
                    h.push(' ');
                    h.push_str(&r.code.0);
                }
                h.push(' ');
                (p.id, fold(&h))
            })
            .collect();
        PrecinctFinder { haystacks }
    }

    /// The precincts whose haystack holds every word of `query`; a word of digits only must
    /// be a whole word there (so "12" finds School No. 12 and precinct 12, not No. 120).
    /// At most `limit` are listed; `total` counts them all.
    pub fn find(&self, query: &str, limit: usize) -> PrecinctSearch {
        let words = query_words(query);
        let mut matches = Vec::new();
        let mut total = 0;
        if !words.is_empty() {
            let needles: Vec<String> = words
                .iter()
                .map(|w| {
                    if w.chars().all(|c| c.is_ascii_digit()) {
                        format!(" {w} ")
                    } else {
                        w.clone()
                    }
                })
                .collect();
            for (id, hay) in &self.haystacks {
                if needles.iter().all(|n| hay.contains(n.as_str())) {
                    total += 1;
                    if matches.len() < limit {
                        matches.push(*id);
                    }
                }
            }
        }
        PrecinctSearch {
            words,
            matches,
            total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::kz;
    use crate::territory::generate::{TerritorySpec, generate};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn finder() -> &'static (Territory, PrecinctFinder) {
        static F: OnceLock<(Territory, PrecinctFinder)> = OnceLock::new();
        F.get_or_init(|| {
            let t = generate(&kz(), &TerritorySpec::default()).expect("the default spec");
            let index = TerritoryIndex::new(&t).unwrap();
            let f = PrecinctFinder::new(&t, &index);
            (t, f)
        })
    }

    #[test]
    fn finds_by_number_name_and_place_in_any_language() {
        let (t, f) = finder();
        let p = &t.precincts[1234];
        let by_number = f.find(&p.id.to_string(), 10);
        assert!(by_number.matches.contains(&p.id), "{by_number:?}");
        // Digits match whole words only: the number never finds a longer number.
        for id in &by_number.matches {
            let q = t.precincts.iter().find(|q| q.id == *id).unwrap();
            assert!(
                q.id == p.id || q.name.split_whitespace().any(|w| w == p.id.to_string()),
                "{} found by {}",
                q.name,
                p.id
            );
        }
        let index = TerritoryIndex::new(t).unwrap();
        let pl = index.placement(p.id).unwrap();
        let district = &t.districts[pl.district];
        let region = &t.regions[pl.region];
        for place in [&district.names.kk, &district.names.ru, &district.names.en] {
            let q = format!("{} {}", p.name, place.to_uppercase());
            let s = f.find(&q, 50);
            assert!(s.matches.contains(&p.id), "{q}: {s:?}");
        }
        let s = f.find(&region.names.ru, 5);
        assert_eq!(s.matches.len(), 5);
        assert!(s.total > 100, "a region holds many precincts: {}", s.total);
    }

    #[test]
    fn nothing_to_search_for_and_nothing_found() {
        let (_, f) = finder();
        for q in ["", "   ", "..,;", "№"] {
            let s = f.find(q, 10);
            assert!(
                s.words.is_empty() && s.matches.is_empty() && s.total == 0,
                "{q:?}"
            );
        }
        let s = f.find("no such place anywhere qqqzzz", 10);
        assert_eq!((s.total, s.matches.len()), (0, 0));
        assert_eq!(s.words.len(), 5);
    }

    proptest! {
        #[test]
        fn every_match_holds_every_word(q in "\\PC{0,300}", limit in 0usize..30) {
            let (_, f) = finder();
            let s = f.find(&q, limit);
            prop_assert!(s.matches.len() <= limit);
            prop_assert!(s.matches.len() <= s.total);
            prop_assert!(s.words.len() <= MAX_QUERY_WORDS);
            for id in &s.matches {
                let hay = &f.haystacks.iter().find(|(p, _)| p == id).unwrap().1;
                for w in &s.words {
                    prop_assert!(hay.contains(w.as_str()));
                }
            }
        }
    }
}
