//! Comparing two versions of an act, article by article, and words within an article.
//!
//! Articles are matched by the text, not by the number, so that renumbered, moved, split and
//! merged articles are recognised. The similarity of two texts is the Jaccard index of their
//! sets of words (lower-cased, letters and digits only): |A ∩ B| / |A ∪ B|, compared with
//! thresholds in exact integer arithmetic. Steps:
//!
//! 1. **Split**: an old article whose words are covered (≥ `part_percent`) by two or more new
//!    articles, each of which lies (≥ `part_percent` of its words) inside the old one and
//!    matches no other old article better. **Merge** is the mirror image.
//! 2. **One-to-one**: the remaining pairs with similarity ≥ `match_percent`, best first (ties:
//!    same number first, then document order). A pair is *unchanged* (same number, same
//!    enclosing section/chapter, same text), *modified* (same number and place, other text),
//!    *renumbered* (same place, other number) or *moved* (other section or chapter).
//! 3. What is left is *removed* (old) or *added* (new).
//!
//! The word-level diff within a pair uses Myers' algorithm (the `similar` crate) over words.

use std::collections::{BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};

use super::{Act, Lang, Unit};

/// Thresholds of the comparison, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompareOptions {
    /// Least similarity for two articles to be the same article (default 50).
    pub match_percent: u32,
    /// Least share of a part inside the whole, and of the whole covered by the parts, for a
    /// split or merge (default 70).
    pub part_percent: u32,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            match_percent: 50,
            part_percent: 70,
        }
    }
}

/// An article in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleRef {
    /// Number.
    pub num: String,
    /// eId.
    pub eid: String,
    /// eId of the enclosing section or chapter ("" at the top level).
    pub parent: String,
}

/// What happened to an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Same number, place and text.
    Unchanged,
    /// Same number and place, other text.
    Modified,
    /// Same place, other number (the text may have changed too: see `text_changed`).
    Renumbered,
    /// Now in another section or chapter.
    Moved,
    /// One old article became several new ones.
    Split,
    /// Several old articles became one.
    Merged,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

/// A run of words in a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordChange {
    /// `equal`, `insert` or `delete`.
    pub tag: WordTag,
    /// The words (with the spaces between them).
    pub text: String,
}

/// The kind of a [`WordChange`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WordTag {
    /// In both.
    Equal,
    /// Only in the new text.
    Insert,
    /// Only in the old text.
    Delete,
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleChange {
    /// What happened.
    pub kind: ChangeKind,
    /// The article(s) in the old version.
    pub old: Vec<ArticleRef>,
    /// The article(s) in the new version.
    pub new: Vec<ArticleRef>,
    /// Similarity of the old and new text, in whole percent (rounded down), for display.
    pub similarity_percent: u32,
    /// Whether the text differs.
    pub text_changed: bool,
    /// The word-level diff of the old text against the new (for one-to-one pairs with a
    /// changed text; empty otherwise).
    pub diff: Vec<WordChange>,
}

/// Counts computed from the changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Statistics {
    /// Articles in the old version.
    pub old_articles: usize,
    /// Articles in the new version.
    pub new_articles: usize,
    /// Old articles kept as they were.
    pub unchanged: usize,
    /// Old articles with a changed text, number, place or split/merged/removed: M − unchanged.
    pub changed: usize,
    /// Old articles whose text changed (modified, or renumbered/moved with new text, split,
    /// merged, removed).
    pub text_changed: usize,
    /// Changes of each kind (split and merged count once per change).
    pub modified: usize,
    /// Renumbered.
    pub renumbered: usize,
    /// Moved.
    pub moved: usize,
    /// Split.
    pub split: usize,
    /// Merged.
    pub merged: usize,
    /// Added (new articles).
    pub added: usize,
    /// Removed (old articles).
    pub removed: usize,
    /// Words inserted in one-to-one pairs.
    pub words_inserted: usize,
    /// Words deleted in one-to-one pairs.
    pub words_deleted: usize,
}

impl Statistics {
    /// "N of M articles changed (K in their text); A added, R removed".
    pub fn summary(&self) -> String {
        format!(
            "{} of {} articles changed ({} in their text: {} modified, {} split, {} merged, {} removed; {} renumbered, {} moved); {} added; {} articles now",
            self.changed,
            self.old_articles,
            self.text_changed,
            self.modified,
            self.split,
            self.merged,
            self.removed,
            self.renumbered,
            self.moved,
            self.added,
            self.new_articles
        )
    }
}

/// The comparison of two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// Old version label.
    pub from: String,
    /// New version label.
    pub to: String,
    /// The language compared.
    pub lang: Lang,
    /// Changes, in the order of the old version, then additions in the new order.
    pub changes: Vec<ArticleChange>,
    /// Counts.
    pub stats: Statistics,
}

/// The words of a text for similarity: lower-cased runs of letters and digits.
pub fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn inter(a: &BTreeSet<String>, b: &BTreeSet<String>) -> usize {
    a.intersection(b).count()
}

/// Similarity as (intersection, union).
fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> (usize, usize) {
    let i = inter(a, b);
    (i, a.len() + b.len() - i)
}

fn at_least(num: usize, den: usize, percent: u32) -> bool {
    den > 0 && num * 100 >= den * percent as usize
}

fn percent((num, den): (usize, usize)) -> u32 {
    (num * 100).checked_div(den).map_or(100, |p| p as u32)
}

/// The word-level diff of two texts.
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let diff = TextDiff::from_words(old, new);
    let mut out: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = match change.tag() {
            ChangeTag::Equal => WordTag::Equal,
            ChangeTag::Insert => WordTag::Insert,
            ChangeTag::Delete => WordTag::Delete,
        };
        match out.last_mut() {
            Some(last) if last.tag == tag => last.text.push_str(change.value()),
            _ => out.push(WordChange {
                tag,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

/// A diff written inline: `[-deleted-]{+inserted+}`.
pub fn render_inline(diff: &[WordChange]) -> String {
    let mut s = String::new();
    for c in diff {
        match c.tag {
            WordTag::Equal => s.push_str(&c.text),
            WordTag::Delete => {
                s.push_str("[-");
                s.push_str(c.text.trim());
                s.push_str("-]");
                if c.text.ends_with(' ') {
                    s.push(' ');
                }
            }
            WordTag::Insert => {
                s.push_str("{+");
                s.push_str(c.text.trim());
                s.push_str("+}");
                if c.text.ends_with(' ') {
                    s.push(' ');
                }
            }
        }
    }
    s
}

struct Art<'a> {
    r: ArticleRef,
    unit: &'a Unit,
    text: String,
    words: BTreeSet<String>,
}

fn arts(act: &Act, lang: Lang) -> Vec<Art<'_>> {
    act.articles()
        .into_iter()
        .map(|(u, parent)| {
            let text = u.full_text(lang);
            Art {
                r: ArticleRef {
                    num: u.num.clone(),
                    eid: u.eid.clone(),
                    parent,
                },
                unit: u,
                words: words(&text),
                text,
            }
        })
        .collect()
}

/// Compares two versions of an act in one language.
pub fn compare(old: &Act, new: &Act, lang: Lang, opts: CompareOptions) -> Comparison {
    let a = arts(old, lang);
    let b = arts(new, lang);
    let mut used_a: HashSet<usize> = HashSet::new();
    let mut used_b: HashSet<usize> = HashSet::new();
    // (first old index, change) so that the output follows the old order.
    let mut changes: Vec<(usize, usize, ArticleChange)> = Vec::new();
    let sim: Vec<Vec<(usize, usize)>> = a
        .iter()
        .map(|x| b.iter().map(|y| jaccard(&x.words, &y.words)).collect())
        .collect();
    let better = |p: (usize, usize), q: (usize, usize)| p.0 * q.1 > q.0 * p.1;
    let part = opts.part_percent;

    // 1. Splits (one old → several new) and merges (several old → one new).
    for (i, x) in a.iter().enumerate() {
        let parts: Vec<usize> = (0..b.len())
            .filter(|&j| {
                let y = &b[j];
                let inside = inter(&x.words, &y.words);
                y.words.len() >= 2
                    && at_least(inside, y.words.len(), part)
                    && !at_least(sim[i][j].0, sim[i][j].1, 90)
                    && (0..a.len()).all(|k| k == i || !better(sim[k][j], sim[i][j]))
            })
            .collect();
        if parts.len() >= 2 {
            let union: BTreeSet<&String> = parts.iter().flat_map(|&j| &b[j].words).collect();
            let covered = x.words.iter().filter(|w| union.contains(w)).count();
            if at_least(covered, x.words.len(), part) {
                used_a.insert(i);
                used_b.extend(parts.iter().copied());
                changes.push((
                    i,
                    0,
                    ArticleChange {
                        kind: ChangeKind::Split,
                        old: vec![x.r.clone()],
                        new: parts.iter().map(|&j| b[j].r.clone()).collect(),
                        similarity_percent: percent((covered, x.words.len())),
                        text_changed: true,
                        diff: Vec::new(),
                    },
                ));
            }
        }
    }
    for (j, y) in b.iter().enumerate() {
        if used_b.contains(&j) {
            continue;
        }
        let parts: Vec<usize> = (0..a.len())
            .filter(|&i| {
                let x = &a[i];
                !used_a.contains(&i)
                    && x.words.len() >= 2
                    && at_least(inter(&x.words, &y.words), x.words.len(), part)
                    && !at_least(sim[i][j].0, sim[i][j].1, 90)
                    && (0..b.len()).all(|k| k == j || !better(sim[i][k], sim[i][j]))
            })
            .collect();
        if parts.len() >= 2 {
            let union: BTreeSet<&String> = parts.iter().flat_map(|&i| &a[i].words).collect();
            let covered = y.words.iter().filter(|w| union.contains(w)).count();
            if at_least(covered, y.words.len(), part) {
                used_b.insert(j);
                used_a.extend(parts.iter().copied());
                changes.push((
                    parts[0],
                    0,
                    ArticleChange {
                        kind: ChangeKind::Merged,
                        old: parts.iter().map(|&i| a[i].r.clone()).collect(),
                        new: vec![y.r.clone()],
                        similarity_percent: percent((covered, y.words.len())),
                        text_changed: true,
                        diff: Vec::new(),
                    },
                ));
            }
        }
    }

    // 2. One-to-one, best first.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for i in 0..a.len() {
        for j in 0..b.len() {
            let (n, d) = sim[i][j];
            if !used_a.contains(&i)
                && !used_b.contains(&j)
                && (at_least(n, d, opts.match_percent) || (d == 0 && a[i].r.num == b[j].r.num))
            {
                pairs.push((i, j));
            }
        }
    }
    pairs.sort_by(|&(i, j), &(k, l)| {
        let (p, q) = (sim[i][j], sim[k][l]);
        (q.0 * p.1)
            .cmp(&(p.0 * q.1))
            .then_with(|| (a[k].r.num == b[l].r.num).cmp(&(a[i].r.num == b[j].r.num)))
            .then_with(|| (i, j).cmp(&(k, l)))
    });
    for (i, j) in pairs {
        if used_a.contains(&i) || used_b.contains(&j) {
            continue;
        }
        used_a.insert(i);
        used_b.insert(j);
        let (x, y) = (&a[i], &b[j]);
        let text_changed = x.text != y.text;
        let kind = if x.r.parent != y.r.parent {
            ChangeKind::Moved
        } else if x.r.num != y.r.num {
            ChangeKind::Renumbered
        } else if text_changed || x.unit.heading != y.unit.heading {
            ChangeKind::Modified
        } else {
            ChangeKind::Unchanged
        };
        changes.push((
            i,
            0,
            ArticleChange {
                kind,
                old: vec![x.r.clone()],
                new: vec![y.r.clone()],
                similarity_percent: percent(sim[i][j]),
                text_changed,
                diff: if text_changed {
                    word_diff(&x.text, &y.text)
                } else {
                    Vec::new()
                },
            },
        ));
    }

    // 3. Leftovers.
    for (i, x) in a.iter().enumerate() {
        if !used_a.contains(&i) {
            changes.push((
                i,
                0,
                ArticleChange {
                    kind: ChangeKind::Removed,
                    old: vec![x.r.clone()],
                    new: Vec::new(),
                    similarity_percent: 0,
                    text_changed: true,
                    diff: Vec::new(),
                },
            ));
        }
    }
    for (j, y) in b.iter().enumerate() {
        if !used_b.contains(&j) {
            changes.push((
                usize::MAX,
                j,
                ArticleChange {
                    kind: ChangeKind::Added,
                    old: Vec::new(),
                    new: vec![y.r.clone()],
                    similarity_percent: 0,
                    text_changed: true,
                    diff: Vec::new(),
                },
            ));
        }
    }
    changes.sort_by_key(|(i, j, _)| (*i, *j));
    let changes: Vec<ArticleChange> = changes.into_iter().map(|(_, _, c)| c).collect();
    let stats = statistics(&changes, a.len(), b.len());
    Comparison {
        from: old.version.clone(),
        to: new.version.clone(),
        lang,
        changes,
        stats,
    }
}

fn count_words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Statistics of a list of changes.
pub fn statistics(
    changes: &[ArticleChange],
    old_articles: usize,
    new_articles: usize,
) -> Statistics {
    let mut s = Statistics {
        old_articles,
        new_articles,
        ..Statistics::default()
    };
    for c in changes {
        let olds = c.old.len();
        match c.kind {
            ChangeKind::Unchanged => s.unchanged += olds,
            ChangeKind::Modified => s.modified += 1,
            ChangeKind::Renumbered => s.renumbered += 1,
            ChangeKind::Moved => s.moved += 1,
            ChangeKind::Split => s.split += 1,
            ChangeKind::Merged => s.merged += 1,
            ChangeKind::Added => s.added += 1,
            ChangeKind::Removed => s.removed += 1,
        }
        if c.kind != ChangeKind::Added && c.text_changed {
            s.text_changed += olds;
        }
        for w in &c.diff {
            match w.tag {
                WordTag::Insert => s.words_inserted += count_words(&w.text),
                WordTag::Delete => s.words_deleted += count_words(&w.text),
                WordTag::Equal => {}
            }
        }
    }
    s.changed = old_articles - s.unchanged;
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal::markdown;

    fn act(version: &str, body: &str) -> Act {
        markdown::parse(&format!("---\nwork: w\nversion: {version}\n---\n{body}")).unwrap()
    }

    const OLD: &str = "
# Section 1
## Article 1
en: The Republic of Kazakhstan is a democratic, secular, legal and social state.
## Article 2
en: The sovereignty of the Republic extends to its entire territory without exception.
## Article 3
en: The people are the only source of state power and exercise it directly through elections and referendums and also through representatives in state bodies and local government.
## Article 4
en: Land and its subsoil waters plants and animals belong to the people.
## Article 5
en: Parliament consists of two chambers, the Senate and the Mazhilis, acting permanently.
# Section 2
## Article 6
en: Everyone has the right to freedom of speech and creative activity.
## Article 7
en: The state language of the Republic of Kazakhstan is the Kazakh language.
## Article 8
en: Public associations are equal before the law and the state does not interfere in their affairs.
## Article 9
en: Political parties are registered when they have at least twenty thousand members.
";

    const NEW: &str = "
# Section 1
## Article 1
en: The Republic of Kazakhstan is a democratic, secular, legal and social state.
## Article 2
en: The people are the only source of state power and exercise it directly through elections and referendums.
## Article 3
en: The people also exercise power through representatives in state bodies and local government.
## Article 4
en: Land and its subsoil waters plants and animals belong to the people and are protected.
## Article 5
en: The state language of the Republic of Kazakhstan is the Kazakh language.
# Section 2
## Article 6
en: Everyone has the right to freedom of speech and creative activity.
## Article 7
en: Public associations are equal before the law and the state does not interfere in their affairs. Political parties are registered when they have at least five thousand members.
## Article 8
en: The Kurultai is a unicameral parliament of one hundred and forty five deputies.
";

    fn kinds(c: &Comparison) -> Vec<(ChangeKind, Vec<String>, Vec<String>)> {
        c.changes
            .iter()
            .map(|c| {
                (
                    c.kind,
                    c.old.iter().map(|r| r.num.clone()).collect(),
                    c.new.iter().map(|r| r.num.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn detects_every_kind_of_change() {
        let c = compare(
            &act("old", OLD),
            &act("new", NEW),
            Lang::En,
            CompareOptions::default(),
        );
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            kinds(&c),
            vec![
                (ChangeKind::Unchanged, s(&["1"]), s(&["1"])),
                (ChangeKind::Removed, s(&["2"]), s(&[])),
                (ChangeKind::Split, s(&["3"]), s(&["2", "3"])),
                (ChangeKind::Modified, s(&["4"]), s(&["4"])),
                (ChangeKind::Removed, s(&["5"]), s(&[])),
                (ChangeKind::Unchanged, s(&["6"]), s(&["6"])),
                (ChangeKind::Moved, s(&["7"]), s(&["5"])),
                (ChangeKind::Merged, s(&["8", "9"]), s(&["7"])),
                (ChangeKind::Added, s(&[]), s(&["8"])),
            ]
        );
        let st = &c.stats;
        assert_eq!((st.old_articles, st.new_articles), (9, 8));
        assert_eq!(st.unchanged, 2);
        assert_eq!(st.changed, 7);
        let art4 = c
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::Modified)
            .unwrap();
        assert!(
            render_inline(&art4.diff).contains("protected.+}"),
            "{:?}",
            art4.diff
        );
        assert!(st.words_inserted >= 3);
        assert!(st.summary().starts_with("7 of 9 articles changed"));
    }

    #[test]
    fn a_renumbered_article_is_recognised_by_its_text() {
        let old = act(
            "a",
            "# Article 1\nen: alpha beta gamma\n# Article 2\nen: delta epsilon zeta\n",
        );
        let new = act(
            "b",
            "# Article 1\nen: new text entirely here\n# Article 2\nen: alpha beta gamma\n# Article 3\nen: delta epsilon zeta\n",
        );
        let c = compare(&old, &new, Lang::En, CompareOptions::default());
        let k: Vec<_> = c.changes.iter().map(|c| c.kind).collect();
        assert_eq!(
            k,
            [
                ChangeKind::Renumbered,
                ChangeKind::Renumbered,
                ChangeKind::Added
            ]
        );
        assert!(!c.changes[0].text_changed);
    }

    #[test]
    fn word_diff_marks_inserted_and_deleted_words() {
        let d = word_diff("twenty thousand members", "five thousand members");
        assert_eq!(render_inline(&d), "[-twenty-]{+five+} thousand members");
        let ins: String = d
            .iter()
            .filter(|c| c.tag == WordTag::Insert)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(ins.trim(), "five");
    }

    #[test]
    fn comparing_a_version_with_itself_finds_nothing_changed() {
        let a = act("a", OLD);
        let c = compare(&a, &a, Lang::En, CompareOptions::default());
        assert_eq!(c.stats.changed, 0);
        assert_eq!(c.stats.unchanged, 9);
    }
}

#[cfg(test)]
mod sample_tests {
    use super::*;
    use crate::legal::{akn, markdown};

    #[test]
    fn the_sample_act_versions_compare_as_written() {
        let v1 = markdown::parse(include_str!("../../data/sample-act-v1.md")).unwrap();
        let v2 = markdown::parse(include_str!("../../data/sample-act-v2.md")).unwrap();
        for lang in Lang::ALL {
            let c = compare(&v1, &v2, lang, CompareOptions::default());
            let find = |k: ChangeKind| -> Vec<(Vec<String>, Vec<String>)> {
                c.changes
                    .iter()
                    .filter(|c| c.kind == k)
                    .map(|c| {
                        (
                            c.old.iter().map(|r| r.num.clone()).collect(),
                            c.new.iter().map(|r| r.num.clone()).collect(),
                        )
                    })
                    .collect()
            };
            let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            assert_eq!(
                find(ChangeKind::Split),
                vec![(v(&["2"]), v(&["2", "3"]))],
                "{lang}"
            );
            assert_eq!(
                find(ChangeKind::Merged),
                vec![(v(&["5", "6"]), v(&["8"]))],
                "{lang}"
            );
            assert_eq!(
                find(ChangeKind::Moved),
                vec![(v(&["8"]), v(&["5"]))],
                "{lang}"
            );
            assert_eq!(
                find(ChangeKind::Unchanged),
                vec![(v(&["1"]), v(&["1"]))],
                "{lang}"
            );
            assert_eq!(c.stats.old_articles, 8);
            assert_eq!(c.stats.new_articles, 9);
        }
    }

    #[test]
    fn the_sample_act_survives_akoma_ntoso_and_markdown() {
        for src in [
            include_str!("../../data/sample-act-v1.md"),
            include_str!("../../data/sample-act-v2.md"),
        ] {
            let act = markdown::parse(src).unwrap();
            let docs = Lang::ALL.map(|l| akn::import(&akn::export(&act, l)).unwrap());
            assert_eq!(akn::merge(docs.to_vec()).unwrap(), act);
            assert_eq!(markdown::parse(&markdown::render(&act)).unwrap(), act);
        }
    }
}
