//! The history of one article across the versions of an act: which article it was in every
//! earlier version and became in every later one, found by following the article-level
//! comparisons of consecutive versions ([`super::compare::compare`]), with the kind of change
//! and the word-level diff at each step.

use serde::{Deserialize, Serialize};

use super::compare::{ArticleRef, ChangeKind, Comparison, WordChange, word_diff};
use super::{Act, Lang};

/// The article (or articles, after a split or before a merge) in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryStep {
    /// The version's label.
    pub version: String,
    /// The version's date, if known.
    pub date: Option<String>,
    /// The article(s) in this version; empty when it did not exist (yet, or any more).
    pub articles: Vec<ArticleRef>,
    /// How this version changed it against the previous version; `None` for the first.
    pub change: Option<ChangeKind>,
    /// The text in this version (the articles' texts joined by a line break).
    pub text: String,
    /// Word-level diff from the previous version's text (empty for the first version, and
    /// when the text did not change).
    pub diff: Vec<WordChange>,
}

/// The article `eid` of `versions[at]` through every version. `comparisons[i]` compares
/// `versions[i]` with `versions[i + 1]` in `lang` (so there is one fewer comparison than
/// versions). Returns one step per version, oldest first; `None` if `at` is out of range or
/// `versions[at]` has no article `eid`.
pub fn article_history(
    versions: &[&Act],
    comparisons: &[Comparison],
    at: usize,
    eid: &str,
    lang: Lang,
) -> Option<Vec<HistoryStep>> {
    let act = versions.get(at)?;
    let (unit, parent) = act.articles().into_iter().find(|(u, _)| u.eid == eid)?;
    if comparisons.len() + 1 != versions.len() {
        return None;
    }
    let here = ArticleRef {
        num: unit.num.clone(),
        eid: unit.eid.clone(),
        parent,
    };
    // refs[i]: the article(s) in version i; kinds[i]: the change from version i − 1 to i.
    let mut refs: Vec<Vec<ArticleRef>> = vec![Vec::new(); versions.len()];
    let mut kinds: Vec<Option<ChangeKind>> = vec![None; versions.len()];
    refs[at] = vec![here];
    // Backwards: which old articles became the ones we know.
    for i in (0..at).rev() {
        let known = refs[i + 1].clone();
        let mut old = Vec::new();
        for ch in &comparisons[i].changes {
            if ch.new.iter().any(|r| known.iter().any(|k| k.eid == r.eid)) {
                kinds[i + 1] = Some(ch.kind);
                for r in &ch.old {
                    if !old.iter().any(|o: &ArticleRef| o.eid == r.eid) {
                        old.push(r.clone());
                    }
                }
            }
        }
        if old.is_empty() {
            break;
        }
        refs[i] = old;
    }
    // Forwards: what the known articles became.
    for i in at..comparisons.len() {
        let known = refs[i].clone();
        let mut new = Vec::new();
        for ch in &comparisons[i].changes {
            if ch.old.iter().any(|r| known.iter().any(|k| k.eid == r.eid)) {
                kinds[i + 1] = Some(ch.kind);
                for r in &ch.new {
                    if !new.iter().any(|o: &ArticleRef| o.eid == r.eid) {
                        new.push(r.clone());
                    }
                }
            }
        }
        if new.is_empty() {
            break;
        }
        refs[i + 1] = new;
    }
    let mut steps = Vec::with_capacity(versions.len());
    let mut previous: Option<String> = None;
    for (i, act) in versions.iter().enumerate() {
        let text = refs[i]
            .iter()
            .filter_map(|r| act.find(&r.eid))
            .map(|u| u.full_text(lang))
            .collect::<Vec<_>>()
            .join("\n");
        let diff = match &previous {
            // Line breaks between paragraphs (or the articles of a merge) are not words.
            Some(p) if *p != text => word_diff(&p.replace('\n', " "), &text.replace('\n', " ")),
            _ => Vec::new(),
        };
        // A version before the article existed, or after it was removed, says so.
        let change = if i == 0 {
            None
        } else if refs[i].is_empty() && !refs[i - 1].is_empty() {
            Some(ChangeKind::Removed)
        } else if !refs[i].is_empty() && refs[i - 1].is_empty() {
            Some(ChangeKind::Added)
        } else {
            kinds[i]
        };
        steps.push(HistoryStep {
            version: act.version.clone(),
            date: act.date.clone(),
            articles: refs[i].clone(),
            change,
            text: text.clone(),
            diff,
        });
        previous = Some(text);
    }
    Some(steps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal::compare::{CompareOptions, compare};
    use crate::legal::markdown;

    fn act(version: &str, body: &str) -> Act {
        markdown::parse(&format!("---\nwork: w\nversion: {version}\n---\n{body}")).unwrap()
    }

    #[test]
    fn an_article_is_followed_through_renumbering_and_a_new_text() {
        let v1 = act(
            "v1",
            "# Article 1\nru: Земля и ее недра принадлежат народу.\n# Article 2\nru: Государственным языком является казахский язык.\n",
        );
        let v2 = act(
            "v2",
            "# Article 1\nru: Республика является правовым государством.\n# Article 2\nru: Земля и ее недра принадлежат народу.\n# Article 3\nru: Государственным языком является казахский язык.\n",
        );
        let v3 = act(
            "v3",
            "# Article 1\nru: Республика является правовым государством.\n# Article 2\nru: Земля и ее недра принадлежат народу и охраняются государством.\n# Article 3\nru: Государственным языком является казахский язык.\n",
        );
        let versions = [&v1, &v2, &v3];
        let cmps: Vec<Comparison> = versions
            .windows(2)
            .map(|w| compare(w[0], w[1], Lang::Ru, CompareOptions::default()))
            .collect();
        let h = article_history(&versions, &cmps, 1, "art_2", Lang::Ru).unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h[0].articles[0].num, "1");
        assert_eq!(h[0].change, None);
        assert_eq!(h[1].articles[0].num, "2");
        assert_eq!(h[1].change, Some(ChangeKind::Renumbered));
        assert!(h[1].diff.is_empty(), "same text");
        assert_eq!(h[2].change, Some(ChangeKind::Modified));
        assert!(
            h[2].diff.iter().any(|w| w.text.contains("охраняются")),
            "{:?}",
            h[2].diff
        );
        // A new article has no past.
        let h = article_history(&versions, &cmps, 1, "art_1", Lang::Ru).unwrap();
        assert!(h[0].articles.is_empty());
        assert_eq!(h[1].change, Some(ChangeKind::Added));
        // Unknown article or version.
        assert!(article_history(&versions, &cmps, 1, "art_9", Lang::Ru).is_none());
        assert!(article_history(&versions, &cmps, 7, "art_1", Lang::Ru).is_none());
    }
}
