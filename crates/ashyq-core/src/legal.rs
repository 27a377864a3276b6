//! Legal texts: an act as a tree of units with parallel Kazakh, Russian and English text.
//!
//! An [`Act`] is a preamble and a tree of sections, chapters, articles, paragraphs and
//! sub-paragraphs ([`UnitKind`]). Every unit has a stable identifier in the manner of the
//! Akoma Ntoso naming convention (OASIS LegalDocML, *Akoma Ntoso Naming Convention 1.0*, §5.1
//! "eId"): the abbreviation of each ancestor's kind and its number, joined by `__`, e.g.
//! `sec_4__art_50__para_1`. Text is kept per language ([`Lang`]).
//!
//! Formats: [`akn`] (Akoma Ntoso 3.0 XML) and [`markdown`] (the convention in
//! `docs/consultation.md`). Versions are compared by [`compare`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod akn;
pub mod compare;
pub mod history;
pub mod markdown;

pub use crate::lang::Lang;

/// The same text in several languages; a language may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Parallel(pub BTreeMap<Lang, String>);

impl Parallel {
    /// Text in one language.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.0.get(&lang).map(String::as_str)
    }

    /// Text in `lang`, else the first language present, else "".
    pub fn get_or_any(&self, lang: Lang) -> &str {
        self.get(lang)
            .or_else(|| self.0.values().next().map(String::as_str))
            .unwrap_or("")
    }

    /// Sets the text in one language.
    pub fn set(&mut self, lang: Lang, text: impl Into<String>) {
        self.0.insert(lang, text.into());
    }

    /// True when no language has text.
    pub fn is_empty(&self) -> bool {
        self.0.values().all(|t| t.trim().is_empty())
    }
}

/// The kind of a unit, from the outermost to the innermost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
// Named apart in the API document: `territory::UnitKind` is the other `UnitKind`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ActUnitKind))]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// The preamble (no number).
    Preamble,
    /// Section (Kazakh "бөлім", Russian "раздел").
    Section,
    /// Chapter ("тарау", "глава").
    Chapter,
    /// Article ("бап", "статья").
    Article,
    /// Paragraph ("тармақ", "пункт").
    Paragraph,
    /// Sub-paragraph ("тармақша", "подпункт").
    Subparagraph,
}

impl UnitKind {
    /// The eId abbreviation (Akoma Ntoso Naming Convention, §5.1.2).
    pub fn abbreviation(self) -> &'static str {
        match self {
            UnitKind::Preamble => "preamble",
            UnitKind::Section => "sec",
            UnitKind::Chapter => "chp",
            UnitKind::Article => "art",
            UnitKind::Paragraph => "para",
            UnitKind::Subparagraph => "subpara",
        }
    }

    /// The Akoma Ntoso element name.
    pub fn akn_element(self) -> &'static str {
        match self {
            UnitKind::Preamble => "preamble",
            UnitKind::Section => "section",
            UnitKind::Chapter => "chapter",
            UnitKind::Article => "article",
            UnitKind::Paragraph => "paragraph",
            UnitKind::Subparagraph => "subparagraph",
        }
    }

    /// The English keyword used in the Markdown convention.
    pub fn keyword(self) -> &'static str {
        match self {
            UnitKind::Preamble => "Preamble",
            UnitKind::Section => "Section",
            UnitKind::Chapter => "Chapter",
            UnitKind::Article => "Article",
            UnitKind::Paragraph => "Paragraph",
            UnitKind::Subparagraph => "Subparagraph",
        }
    }

    /// Parses an Akoma Ntoso element name.
    pub fn from_akn_element(name: &str) -> Option<UnitKind> {
        Self::ALL.into_iter().find(|k| k.akn_element() == name)
    }

    /// Parses a Markdown keyword (case-insensitive).
    pub fn from_keyword(word: &str) -> Option<UnitKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.keyword().eq_ignore_ascii_case(word))
    }

    /// Every kind, outermost first.
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Preamble,
        UnitKind::Section,
        UnitKind::Chapter,
        UnitKind::Article,
        UnitKind::Paragraph,
        UnitKind::Subparagraph,
    ];
}

/// One unit of an act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unit {
    /// What it is.
    pub kind: UnitKind,
    /// Its number as written ("4", "50", "1"); empty for the preamble.
    pub num: String,
    /// The eId, derived from the ancestors' kinds and numbers.
    pub eid: String,
    /// Heading, per language (may be empty).
    pub heading: Parallel,
    /// The unit's own text (before its children), per language.
    pub content: Parallel,
    /// Sub-units.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<Unit>,
}

impl Unit {
    /// A unit with no text and no children; call [`Act::assign_eids`] after building a tree.
    pub fn new(kind: UnitKind, num: impl Into<String>) -> Unit {
        Unit {
            kind,
            num: num.into(),
            eid: String::new(),
            heading: Parallel::default(),
            content: Parallel::default(),
            children: Vec::new(),
        }
    }

    /// The unit's whole text in one language: its content and its descendants', in order.
    pub fn full_text(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.collect_text(lang, &mut out);
        out
    }

    fn collect_text(&self, lang: Lang, out: &mut String) {
        if let Some(t) = self.content.get(lang)
            && !t.trim().is_empty()
        {
            {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(t.trim());
            }
        }
        for c in &self.children {
            c.collect_text(lang, out);
        }
    }
}

/// An act in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Act {
    /// The work's identifier, e.g. `ashyq-sample-constitution` (stable across versions).
    pub work: String,
    /// The version label, e.g. `1995-amended`, `draft-2026`.
    pub version: String,
    /// Date of the version (ISO 8601), if known.
    pub date: Option<String>,
    /// Title, per language.
    pub title: Parallel,
    /// Top-level units (preamble, sections, or articles directly).
    pub body: Vec<Unit>,
}

/// Why an act's structure is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    /// A unit is nested inside a unit of the same or a lower level.
    #[error(
        "{child} {num} cannot be inside a {parent}: units nest section > chapter > article > paragraph > sub-paragraph"
    )]
    BadNesting {
        /// The parent's kind.
        parent: &'static str,
        /// The child's kind.
        child: &'static str,
        /// The child's number.
        num: String,
    },
    /// A unit other than the preamble has no number.
    #[error("a {0} has no number; give every unit except the preamble a number")]
    MissingNumber(&'static str),
    /// A number contains characters not allowed in an eId.
    #[error(
        "{kind} number {num:?} may contain only letters, digits, '-' and '.'; write e.g. \"50\" or \"50-1\""
    )]
    BadNumber {
        /// Kind.
        kind: &'static str,
        /// The number as given.
        num: String,
    },
    /// Two units have the same eId.
    #[error("two units have the identifier {0}; numbers must be unique among siblings")]
    DuplicateEid(String),
}

impl Act {
    /// Sets every unit's eId from its ancestors and checks nesting, numbers and uniqueness.
    pub fn assign_eids(&mut self) -> Result<(), StructureError> {
        let mut seen = std::collections::HashSet::new();
        for u in &mut self.body {
            assign(u, "", None, &mut seen)?;
        }
        Ok(())
    }

    /// Every unit, depth first, with its depth.
    pub fn units(&self) -> Vec<&Unit> {
        let mut out = Vec::new();
        fn walk<'a>(u: &'a Unit, out: &mut Vec<&'a Unit>) {
            out.push(u);
            for c in &u.children {
                walk(c, out);
            }
        }
        for u in &self.body {
            walk(u, &mut out);
        }
        out
    }

    /// Every article in document order, with the eId of its enclosing section or chapter
    /// (empty when at the top level).
    pub fn articles(&self) -> Vec<(&Unit, String)> {
        let mut out = Vec::new();
        fn walk<'a>(u: &'a Unit, parent: &str, out: &mut Vec<(&'a Unit, String)>) {
            if u.kind == UnitKind::Article {
                out.push((u, parent.to_string()));
                return;
            }
            for c in &u.children {
                walk(c, &u.eid, out);
            }
        }
        for u in &self.body {
            walk(u, "", &mut out);
        }
        out
    }

    /// The unit with this eId.
    pub fn find(&self, eid: &str) -> Option<&Unit> {
        self.units().into_iter().find(|u| u.eid == eid)
    }

    /// The unit with this eId, mutable.
    pub fn find_mut(&mut self, eid: &str) -> Option<&mut Unit> {
        fn walk<'a>(u: &'a mut Unit, eid: &str) -> Option<&'a mut Unit> {
            if u.eid == eid {
                return Some(u);
            }
            u.children.iter_mut().find_map(|c| walk(c, eid))
        }
        self.body.iter_mut().find_map(|u| walk(u, eid))
    }

    /// The article with this number, wherever it is.
    pub fn article_by_num(&self, num: &str) -> Option<&Unit> {
        self.articles()
            .into_iter()
            .map(|(u, _)| u)
            .find(|u| u.num == num)
    }
}

fn valid_num(num: &str) -> bool {
    num.chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

fn assign(
    u: &mut Unit,
    prefix: &str,
    parent: Option<UnitKind>,
    seen: &mut std::collections::HashSet<String>,
) -> Result<(), StructureError> {
    if let Some(p) = parent
        && (u.kind <= p || u.kind == UnitKind::Preamble)
    {
        {
            return Err(StructureError::BadNesting {
                parent: p.keyword(),
                child: u.kind.keyword(),
                num: u.num.clone(),
            });
        }
    }
    let own = if u.kind == UnitKind::Preamble {
        "preamble".to_string()
    } else {
        if u.num.trim().is_empty() {
            return Err(StructureError::MissingNumber(u.kind.keyword()));
        }
        if !valid_num(&u.num) {
            return Err(StructureError::BadNumber {
                kind: u.kind.keyword(),
                num: u.num.clone(),
            });
        }
        format!("{}_{}", u.kind.abbreviation(), u.num)
    };
    u.eid = if prefix.is_empty() {
        own
    } else {
        format!("{prefix}__{own}")
    };
    if !seen.insert(u.eid.clone()) {
        return Err(StructureError::DuplicateEid(u.eid.clone()));
    }
    let eid = u.eid.clone();
    for c in &mut u.children {
        assign(c, &eid, Some(u.kind), seen)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(num: &str, ru: &str) -> Unit {
        let mut p = Unit::new(UnitKind::Paragraph, num);
        p.content.set(Lang::Ru, ru);
        p
    }

    #[test]
    fn eids_follow_the_akoma_ntoso_pattern() {
        let mut art = Unit::new(UnitKind::Article, "50");
        art.children.push(para("1", "Текст."));
        let mut sec = Unit::new(UnitKind::Section, "4");
        sec.children.push(art);
        let mut act = Act {
            work: "w".into(),
            version: "v".into(),
            date: None,
            title: Parallel::default(),
            body: vec![Unit::new(UnitKind::Preamble, ""), sec],
        };
        act.assign_eids().unwrap();
        let eids: Vec<_> = act.units().iter().map(|u| u.eid.clone()).collect();
        assert_eq!(
            eids,
            [
                "preamble",
                "sec_4",
                "sec_4__art_50",
                "sec_4__art_50__para_1"
            ]
        );
        assert_eq!(act.articles()[0].1, "sec_4");
    }

    #[test]
    fn bad_nesting_and_duplicates_are_refused_with_a_reason() {
        let mut art = Unit::new(UnitKind::Article, "1");
        art.children.push(Unit::new(UnitKind::Section, "2"));
        let mut act = Act {
            work: "w".into(),
            version: "v".into(),
            date: None,
            title: Parallel::default(),
            body: vec![art],
        };
        let e = act.assign_eids().unwrap_err();
        assert!(e.to_string().contains("cannot be inside"), "{e}");
        act.body = vec![
            Unit::new(UnitKind::Article, "1"),
            Unit::new(UnitKind::Article, "1"),
        ];
        assert_eq!(
            act.assign_eids(),
            Err(StructureError::DuplicateEid("art_1".into()))
        );
        act.body = vec![Unit::new(UnitKind::Article, "1 a")];
        assert!(matches!(
            act.assign_eids(),
            Err(StructureError::BadNumber { .. })
        ));
    }
}
