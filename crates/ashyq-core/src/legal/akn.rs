//! Akoma Ntoso 3.0 XML (OASIS LegalDocML, namespace
//! `http://docs.oasis-open.org/legaldocml/ns/akn/3.0`).
//!
//! An Akoma Ntoso document is one *expression*: one language. [`export`] writes one language of
//! an [`Act`]; [`import`] reads one document; [`merge`] joins the expressions of the same work
//! and version into one parallel act, unit by unit, by eId.
//!
//! Every document [`export`] writes is valid against the OASIS Akoma Ntoso 3.0 schema (its
//! elements in the schema's order: in `FRBRExpression`, `FRBRversionNumber` comes before
//! `FRBRlanguage`); `tests/akn.rs` checks it with `xmllint --schema`.
//!
//! Mapping: `FRBRWork/FRBRthis@value` = `/akn/kz/act/{work}`; `FRBRExpression/FRBRversionNumber`
//! = the version; `FRBRExpression/FRBRdate@date` = the date; `FRBRlanguage@language` = the
//! ISO 639-2 code (`kaz`, `rus`, `eng`); `preface/p/docTitle` = the title;
//! `preamble`, `section`, `chapter`, `article`, `paragraph`, `subparagraph` = the units, each
//! with `num`, `heading` and its own text in `content/p` (a unit without children) or
//! `intro/p` (a unit with children), one `p` per line. eIds are written as
//! [`Act::assign_eids`] computes them and recomputed on import.

use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::{BytesStart, Event};

use super::{Act, Lang, Parallel, StructureError, Unit, UnitKind};

/// The Akoma Ntoso 3.0 namespace.
pub const NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// Why an Akoma Ntoso document cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AknError {
    /// Not well-formed XML.
    #[error(
        "XML error at byte {position}: {message}; check that every element is closed and '&' is written '&amp;'"
    )]
    Xml {
        /// Byte offset.
        position: u64,
        /// The parser's message.
        message: String,
    },
    /// The root is not `akomaNtoso` or there is no `act`.
    #[error("not an Akoma Ntoso act: {0}")]
    NotAnAct(String),
    /// The document's language is missing or not kk/ru/en.
    #[error(
        "the document's language is {0:?}; set <FRBRlanguage language=\"kaz|rus|eng\"/> in FRBRExpression"
    )]
    Language(String),
    /// A unit element is not closed properly or is out of place.
    #[error("element <{0}> is out of place: {1}")]
    Misplaced(String, String),
    /// The unit tree is not valid.
    #[error("{0}")]
    Structure(#[from] StructureError),
    /// Expressions that do not belong together.
    #[error("cannot merge: {0}")]
    Merge(String),
}

fn lang_639_2(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "kaz",
        Lang::Ru => "rus",
        Lang::En => "eng",
    }
}

fn write_lines(out: &mut String, indent: &str, tag: &str, text: &str) {
    out.push_str(&format!("{indent}<{tag}>"));
    for line in text.split('\n') {
        out.push_str(&format!("<p>{}</p>", escape(line.trim())));
    }
    out.push_str(&format!("</{tag}>\n"));
}

/// Writes the expression of `act` in `lang` as an Akoma Ntoso 3.0 document.
pub fn export(act: &Act, lang: Lang) -> String {
    export_as(act, lang, "act")
}

/// [`export`] as a document of type `doc` (`act`, or `bill` for a bill before it is law:
/// both have the same hierarchical structure in the schema).
pub fn export_as(act: &Act, lang: Lang, doc: &str) -> String {
    let l2 = lang_639_2(lang);
    let work = escape(&act.work);
    let version = escape(&act.version);
    let date = escape(act.date.as_deref().unwrap_or("1000-01-01"));
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<akomaNtoso xmlns=\"{NAMESPACE}\">\n"));
    out.push_str(&format!(
        "  <{doc} name=\"{doc}\">\n    <meta>\n      <identification source=\"#ashyq\">\n"
    ));
    out.push_str(&format!(
        "        <FRBRWork>\n          <FRBRthis value=\"/akn/kz/{doc}/{work}/!main\"/>\n          <FRBRuri value=\"/akn/kz/{doc}/{work}\"/>\n          <FRBRdate date=\"{date}\" name=\"version\"/>\n          <FRBRauthor href=\"#author\"/>\n          <FRBRcountry value=\"kz\"/>\n        </FRBRWork>\n"
    ));
    out.push_str(&format!(
        "        <FRBRExpression>\n          <FRBRthis value=\"/akn/kz/{doc}/{work}/{l2}@{version}/!main\"/>\n          <FRBRuri value=\"/akn/kz/{doc}/{work}/{l2}@{version}\"/>\n          <FRBRdate date=\"{date}\" name=\"version\"/>\n          <FRBRauthor href=\"#author\"/>\n          <FRBRversionNumber value=\"{version}\"/>\n          <FRBRlanguage language=\"{l2}\"/>\n        </FRBRExpression>\n"
    ));
    out.push_str(&format!(
        "        <FRBRManifestation>\n          <FRBRthis value=\"/akn/kz/{doc}/{work}/{l2}@{version}/!main.xml\"/>\n          <FRBRuri value=\"/akn/kz/{doc}/{work}/{l2}@{version}.akn\"/>\n          <FRBRdate date=\"{date}\" name=\"generation\"/>\n          <FRBRauthor href=\"#ashyq\"/>\n        </FRBRManifestation>\n"
    ));
    out.push_str("      </identification>\n    </meta>\n");
    if let Some(t) = act.title.get(lang) {
        out.push_str(&format!(
            "    <preface><p class=\"title\"><docTitle>{}</docTitle></p></preface>\n",
            escape(t)
        ));
    }
    fn unit(out: &mut String, u: &Unit, lang: Lang, depth: usize) {
        let ind = "  ".repeat(depth);
        let el = u.kind.akn_element();
        out.push_str(&format!("{ind}<{el} eId=\"{}\">\n", escape(&u.eid)));
        if u.kind != UnitKind::Preamble {
            out.push_str(&format!("{ind}  <num>{}</num>\n", escape(&u.num)));
        }
        if let Some(h) = u.heading.get(lang) {
            out.push_str(&format!("{ind}  <heading>{}</heading>\n", escape(h)));
        }
        if let Some(t) = u.content.get(lang) {
            let tag = if u.kind == UnitKind::Preamble {
                "container"
            } else if u.children.is_empty() {
                "content"
            } else {
                "intro"
            };
            if tag == "container" {
                for line in t.split('\n') {
                    out.push_str(&format!("{ind}  <p>{}</p>\n", escape(line.trim())));
                }
            } else {
                write_lines(out, &format!("{ind}  "), tag, t);
            }
        }
        for c in &u.children {
            unit(out, c, lang, depth + 1);
        }
        out.push_str(&format!("{ind}</{el}>\n"));
    }
    let (pre, rest): (Vec<&Unit>, Vec<&Unit>) =
        act.body.iter().partition(|u| u.kind == UnitKind::Preamble);
    for u in pre {
        unit(&mut out, u, lang, 2);
    }
    out.push_str("    <body>\n");
    for u in rest {
        unit(&mut out, u, lang, 3);
    }
    out.push_str(&format!("    </body>\n  </{doc}>\n</akomaNtoso>\n"));
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Target {
    None,
    Num,
    Heading,
    Para,
    Title,
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, AknError> {
    match e.try_get_attribute(name) {
        Ok(Some(a)) => a
            .unescape_value()
            .map(|v| Some(v.into_owned()))
            .map_err(|err| AknError::Xml {
                position: 0,
                message: err.to_string(),
            }),
        Ok(None) => Ok(None),
        Err(err) => Err(AknError::Xml {
            position: 0,
            message: err.to_string(),
        }),
    }
}

/// The number in a `<num>`: "Article 5." → "5", "1)" → "1".
fn clean_num(text: &str) -> String {
    text.split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| c == '.' || c == ')' || c == '(')
        .to_string()
}

/// Reads one Akoma Ntoso act document (one language).
pub fn import(xml: &str) -> Result<Act, AknError> {
    let mut reader = Reader::from_str(xml);
    let mut lang: Option<String> = None;
    let mut work: Option<String> = None;
    let mut version: Option<String> = None;
    let mut date: Option<String> = None;
    let mut title = String::new();
    let mut in_expression = false;
    let mut in_work = false;
    let mut seen_root = false;
    let mut seen_act = false;
    let mut stack: Vec<(Unit, String)> = Vec::new(); // unit and its text in this language
    let mut headings: Vec<String> = Vec::new();
    let mut body: Vec<Unit> = Vec::new();
    let mut target = Target::None;
    let mut buf = String::new(); // text of the current num/heading/p
    let mut depth_elements: Vec<Vec<u8>> = Vec::new();
    loop {
        let ev = reader.read_event().map_err(|e| AknError::Xml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(ev, Event::Empty(_));
                let name = e.local_name().as_ref().to_vec();
                let n = String::from_utf8_lossy(&name).into_owned();
                if !seen_root {
                    if n != "akomaNtoso" {
                        return Err(AknError::NotAnAct(format!(
                            "the root element is <{n}>, expected <akomaNtoso>"
                        )));
                    }
                    seen_root = true;
                }
                match n.as_str() {
                    "act" => seen_act = true,
                    "FRBRWork" => in_work = !empty,
                    "FRBRExpression" => in_expression = !empty,
                    "FRBRthis" if in_work => {
                        if let Some(v) = attr(e, "value")? {
                            let parts: Vec<&str> = v
                                .split('/')
                                .filter(|p| !p.is_empty() && !p.starts_with('!'))
                                .collect();
                            work = parts.last().map(|s| s.to_string());
                        }
                    }
                    "FRBRlanguage" if in_expression => lang = attr(e, "language")?,
                    "FRBRversionNumber" if in_expression => version = attr(e, "value")?,
                    "FRBRdate" if in_expression => date = attr(e, "date")?,
                    "docTitle" if !empty => {
                        target = Target::Title;
                        buf.clear();
                    }
                    "num" if !empty && !stack.is_empty() => {
                        target = Target::Num;
                        buf.clear();
                    }
                    "heading" if !empty && !stack.is_empty() => {
                        target = Target::Heading;
                        buf.clear();
                    }
                    "p" if !empty && !stack.is_empty() && target == Target::None => {
                        target = Target::Para;
                        buf.clear();
                    }
                    _ => {
                        if let Some(kind) = UnitKind::from_akn_element(&n) {
                            if !seen_act {
                                return Err(AknError::NotAnAct(format!(
                                    "<{n}> appears before <act>"
                                )));
                            }
                            if target != Target::None {
                                return Err(AknError::Misplaced(
                                    n,
                                    "a unit cannot start inside a num, heading or p".into(),
                                ));
                            }
                            let u = Unit::new(kind, "");
                            if empty {
                                push_done(&mut stack, &mut body, u, String::new(), String::new());
                            } else {
                                stack.push((u, String::new()));
                                headings.push(String::new());
                            }
                        }
                    }
                }
                if !empty {
                    depth_elements.push(name);
                }
            }
            Event::Text(t) if target != Target::None => {
                let s = t.unescape().map_err(|e| AknError::Xml {
                    position: reader.buffer_position(),
                    message: e.to_string(),
                })?;
                buf.push_str(&s);
            }
            Event::CData(t) if target != Target::None => {
                buf.push_str(&String::from_utf8_lossy(&t));
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_vec();
                depth_elements.pop();
                let n = String::from_utf8_lossy(&name).into_owned();
                match n.as_str() {
                    "FRBRWork" => in_work = false,
                    "FRBRExpression" => in_expression = false,
                    "docTitle" if target == Target::Title => {
                        title = buf.trim().to_string();
                        target = Target::None;
                    }
                    "num" if target == Target::Num => {
                        if let Some((u, _)) = stack.last_mut() {
                            u.num = clean_num(&buf);
                        }
                        target = Target::None;
                    }
                    "heading" if target == Target::Heading => {
                        if let Some(h) = headings.last_mut() {
                            *h = buf.trim().to_string();
                        }
                        target = Target::None;
                    }
                    "p" if target == Target::Para => {
                        if let Some((_, text)) = stack.last_mut() {
                            if !text.is_empty() {
                                text.push('\n');
                            }
                            text.push_str(buf.trim());
                        }
                        target = Target::None;
                    }
                    _ => {
                        if UnitKind::from_akn_element(&n).is_some() {
                            let Some((u, text)) = stack.pop() else {
                                return Err(AknError::Misplaced(
                                    n,
                                    "closed but never opened".into(),
                                ));
                            };
                            let heading = headings.pop().unwrap_or_default();
                            push_done(&mut stack, &mut body, u, text, heading);
                        }
                    }
                }
            }
            Event::Eof => {
                if let Some(open) = depth_elements.last() {
                    return Err(AknError::Xml {
                        position: reader.buffer_position(),
                        message: format!(
                            "the document ends before <{}> is closed",
                            String::from_utf8_lossy(open)
                        ),
                    });
                }
                break;
            }
            _ => {}
        }
    }
    if !seen_root {
        return Err(AknError::NotAnAct("the document is empty".into()));
    }
    if !seen_act {
        return Err(AknError::NotAnAct("there is no <act> element".into()));
    }
    let code = lang.unwrap_or_default();
    let Some(lang) = Lang::parse(&code) else {
        return Err(AknError::Language(code));
    };
    let body = body.into_iter().map(|u| finish(u, lang)).collect();
    let mut t = Parallel::default();
    if !title.is_empty() {
        t.set(lang, title);
    }
    let mut act = Act {
        work: work
            .filter(|w| !w.is_empty())
            .ok_or_else(|| AknError::NotAnAct("FRBRWork has no FRBRthis value".into()))?,
        version: version.unwrap_or_else(|| "unversioned".into()),
        date: date.filter(|d| d != "1000-01-01"),
        title: t,
        body,
    };
    act.assign_eids()?;
    Ok(act)
}

// Units are collected with their text and heading in side fields while parsing and given
// their language at the end, when FRBRlanguage (which may come first or last) is known.
fn push_done(
    stack: &mut [(Unit, String)],
    body: &mut Vec<Unit>,
    mut u: Unit,
    text: String,
    heading: String,
) {
    // The text waits under a placeholder language (one document has one language) and is
    // relabelled in `finish`.
    if !text.is_empty() {
        u.content.set(Lang::En, text);
    }
    if !heading.is_empty() {
        u.heading.set(Lang::En, heading);
    }
    match stack.last_mut() {
        Some((parent, _)) => parent.children.push(u),
        None => body.push(u),
    }
}

fn finish(mut u: Unit, lang: Lang) -> Unit {
    fn relabel(p: &mut Parallel, lang: Lang) {
        if let Some(t) = p.0.remove(&Lang::En) {
            p.set(lang, t);
        }
    }
    fn walk(u: &mut Unit, lang: Lang) {
        relabel(&mut u.content, lang);
        relabel(&mut u.heading, lang);
        for c in &mut u.children {
            walk(c, lang);
        }
    }
    walk(&mut u, lang);
    u
}

/// Joins expressions of one work and version (e.g. the kk, ru and en documents) into one
/// parallel act. Their unit trees must have the same eIds.
pub fn merge(expressions: Vec<Act>) -> Result<Act, AknError> {
    let mut it = expressions.into_iter();
    let Some(mut base) = it.next() else {
        return Err(AknError::Merge("no documents given".into()));
    };
    for other in it {
        if other.work != base.work || other.version != base.version {
            return Err(AknError::Merge(format!(
                "{}@{} and {}@{} are different works or versions",
                base.work, base.version, other.work, other.version
            )));
        }
        let ours: Vec<String> = base.units().iter().map(|u| u.eid.clone()).collect();
        let theirs: Vec<String> = other.units().iter().map(|u| u.eid.clone()).collect();
        if ours != theirs {
            let first = ours
                .iter()
                .zip(&theirs)
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("{a} against {b}"))
                .unwrap_or_else(|| format!("{} units against {}", ours.len(), theirs.len()));
            return Err(AknError::Merge(format!(
                "the language versions have different structures ({first}); each must have the same units"
            )));
        }
        for (lang, t) in other.title.0.clone() {
            base.title.set(lang, t);
        }
        for u in other.units() {
            let target = base.find_mut(&u.eid).expect("same eIds checked above");
            for (lang, t) in &u.content.0 {
                target.content.set(*lang, t.clone());
            }
            for (lang, t) in &u.heading.0 {
                target.heading.set(*lang, t.clone());
            }
        }
        if base.date.is_none() {
            base.date = other.date.clone();
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal::markdown;

    const SMALL: &str = "---
work: w
version: v1
date: 2026-01-31
title.kk: Сынақ
title.ru: Тест & проверка
---
# Preamble
ru: Мы, народ <Казахстана>.
kk: Біз, халық.
# Section 1
heading.ru: Общие положения
## Article 1
ru: Вступление.
### Paragraph 1
ru: Первый пункт.
второй абзац
#### Subparagraph 1
ru: подпункт
kk: тармақша
### Paragraph 2
kk: Екінші.
";

    #[test]
    fn export_then_import_and_merge_gives_back_the_act() {
        let act = markdown::parse(SMALL).unwrap();
        let kk = import(&export(&act, Lang::Kk)).unwrap();
        let ru = import(&export(&act, Lang::Ru)).unwrap();
        assert_eq!(
            ru.find("sec_1__art_1__para_1")
                .unwrap()
                .content
                .get(Lang::Ru),
            Some("Первый пункт.\nвторой абзац")
        );
        let merged = merge(vec![kk, ru]).unwrap();
        assert_eq!(merged, act);
    }

    #[test]
    fn reads_num_labels_and_inline_markup() {
        let xml = r#"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><act>
          <meta><identification><FRBRWork><FRBRthis value="/akn/kz/act/2026/constitution/!main"/></FRBRWork>
          <FRBRExpression><FRBRlanguage language="rus"/><FRBRversionNumber value="draft"/></FRBRExpression></identification></meta>
          <body><article eId="art_5"><num>Статья 5.</num><content><p>Текст <b>жирный</b> и <i>курсив</i>.</p></content></article></body></act></akomaNtoso>"#;
        let act = import(xml).unwrap();
        assert_eq!(act.work, "constitution");
        let a = act.find("art_5").unwrap();
        assert_eq!(a.content.get(Lang::Ru), Some("Текст жирный и курсив."));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(matches!(import("<html/>"), Err(AknError::NotAnAct(_))));
        assert!(matches!(import(""), Err(AknError::NotAnAct(_))));
        let e = import("<akomaNtoso><act><body><article>").unwrap_err();
        assert!(matches!(e, AknError::Xml { .. }), "{e:?}");
        let no_lang = r#"<akomaNtoso><act><meta><identification><FRBRWork><FRBRthis value="/akn/kz/act/w"/></FRBRWork></identification></meta><body/></act></akomaNtoso>"#;
        assert!(matches!(import(no_lang), Err(AknError::Language(_))));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,400}") {
            let _ = import(&s);
        }

        #[test]
        fn never_panics_on_mutated_documents(cut in 0usize..2000, junk in "[<>/&a-z\"= ]{0,10}") {
            let act = markdown::parse(SMALL).unwrap();
            let mut xml = export(&act, Lang::Ru);
            let mut at = cut.min(xml.len());
            while !xml.is_char_boundary(at) { at -= 1; }
            xml.insert_str(at, &junk);
            let _ = import(&xml);
        }
    }
}
