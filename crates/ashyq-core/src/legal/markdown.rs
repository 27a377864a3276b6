//! The Markdown convention for acts (documented in `docs/consultation.md`).
//!
//! ```text
//! ---
//! work: ashyq-sample-constitution
//! version: draft-2026
//! date: 2026-01-31
//! title.kk: …
//! title.ru: …
//! title.en: …
//! ---
//!
//! # Preamble
//! kk: …
//! ru: …
//!
//! # Section 1
//! heading.en: General provisions
//!
//! ## Article 1
//! heading.ru: …
//!
//! ### Paragraph 1
//! kk: …
//! ru: …
//! en: …
//! ```
//!
//! - A unit starts with a header line: as many `#` as its depth in the tree, a space, the
//!   kind (`Preamble`, `Section`, `Chapter`, `Article`, `Paragraph`, `Subparagraph`) and, except
//!   for the preamble, its number. Kinds nest in that order; levels may be skipped.
//! - `kk:`, `ru:`, `en:` set the unit's own text; `heading.kk:` … its heading.
//! - Any other non-blank line continues the previous text, after a line break. A continuation
//!   line that begins with `\` has it removed: that is how a text line starting with `#` or
//!   with `kk:` is written.
//! - Blank lines separate nothing and are ignored.

use super::{Act, Lang, Parallel, StructureError, Unit, UnitKind};

/// Why a Markdown act cannot be read. Every variant names the line (1-based).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkdownError {
    /// The front matter block is missing or not closed.
    #[error(
        "line {line}: the file must start with a front matter block: '---', then 'work: …' and 'version: …', then '---'"
    )]
    FrontMatter {
        /// Line.
        line: usize,
    },
    /// A front matter key is unknown.
    #[error(
        "line {line}: unknown front matter key {key:?}; use work, version, date, title.kk, title.ru, title.en"
    )]
    UnknownKey {
        /// Line.
        line: usize,
        /// The key.
        key: String,
    },
    /// A required front matter key is absent.
    #[error("the front matter has no {0:?}; add a line '{0}: …'")]
    MissingKey(&'static str),
    /// A header line is malformed.
    #[error(
        "line {line}: {reason}; a header is e.g. '## Article 5' (the number of '#' is the depth)"
    )]
    Header {
        /// Line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// Text before any unit.
    #[error("line {line}: text outside any unit; start a unit with a header such as '# Article 1'")]
    OutsideUnit {
        /// Line.
        line: usize,
    },
    /// A continuation line with nothing to continue.
    #[error(
        "line {line}: this line does not start with 'kk:', 'ru:', 'en:' or 'heading.xx:' and there is no text before it to continue"
    )]
    Dangling {
        /// Line.
        line: usize,
    },
    /// A line that is allowed in an act but not in a unit's text alone (a header, a heading).
    #[error("line {line}: {reason}")]
    NotText {
        /// Line.
        line: usize,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// The tree is not a valid act.
    #[error("{0}")]
    Structure(#[from] StructureError),
}

#[derive(Clone, Copy)]
enum Field {
    Content(Lang),
    Heading(Lang),
}

fn parse_field(line: &str) -> Option<(Field, &str)> {
    let (key, rest) = line.split_once(':')?;
    let key = key.trim();
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    if let Some(code) = key.strip_prefix("heading.") {
        return Lang::parse(code)
            .filter(|_| code.len() == 2)
            .map(|l| (Field::Heading(l), rest));
    }
    if key.len() == 2 {
        return Lang::parse(key).map(|l| (Field::Content(l), rest));
    }
    None
}

/// Reads the text of one unit on its own, written as in an act's body: `kk:`, `ru:`, `en:`
/// lines and their continuation lines (a leading `\` removed), blank lines ignored; no headers
/// and no headings. `first_line` is the number of `text`'s first line in its file, so that
/// errors name the line of the file. Used for an amendment's new text.
pub fn parse_text(text: &str, first_line: usize) -> Result<Parallel, MarkdownError> {
    let mut out = Parallel::default();
    let mut last: Option<Lang> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = first_line + i;
        let l = raw.trim_end();
        if l.trim().is_empty() {
            continue;
        }
        if l.starts_with('#') {
            return Err(MarkdownError::NotText {
                line,
                reason: "a header has no place in a unit's text; write only 'kk:', 'ru:', 'en:' lines (a text line starting with '#' is written '\\#…')".into(),
            });
        }
        match parse_field(l) {
            Some((Field::Content(lang), value)) => {
                out.set(lang, value);
                last = Some(lang);
            }
            Some((Field::Heading(_), _)) => {
                return Err(MarkdownError::NotText {
                    line,
                    reason: "a heading has no place in a unit's text; write only 'kk:', 'ru:', 'en:' lines".into(),
                });
            }
            None => {
                let cont = l.trim_start();
                let cont = cont.strip_prefix('\\').unwrap_or(cont);
                match last.and_then(|lang| out.0.get_mut(&lang)) {
                    Some(t) => {
                        t.push('\n');
                        t.push_str(cont);
                    }
                    None => return Err(MarkdownError::Dangling { line }),
                }
            }
        }
    }
    Ok(out)
}

/// Reads an act written in the Markdown convention.
pub fn parse(text: &str) -> Result<Act, MarkdownError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    // Front matter.
    let mut first = lines.next();
    while let Some((_, l)) = first {
        if l.trim().is_empty() {
            first = lines.next();
        } else {
            break;
        }
    }
    match first {
        Some((_, l)) if l.trim() == "---" => {}
        Some((line, _)) => return Err(MarkdownError::FrontMatter { line }),
        None => return Err(MarkdownError::FrontMatter { line: 1 }),
    }
    let mut work = None;
    let mut version = None;
    let mut date = None;
    let mut title = Parallel::default();
    let mut closed = false;
    let mut last_line = 1;
    for (line, l) in lines.by_ref() {
        last_line = line;
        if l.trim() == "---" {
            closed = true;
            break;
        }
        if l.trim().is_empty() {
            continue;
        }
        let Some((key, value)) = l.split_once(':') else {
            return Err(MarkdownError::FrontMatter { line });
        };
        let value = value.trim().to_string();
        match key.trim() {
            "work" => work = Some(value),
            "version" => version = Some(value),
            "date" => date = Some(value),
            k => match k.strip_prefix("title.").and_then(Lang::parse) {
                Some(lang) if k.len() == 8 => title.set(lang, value),
                _ => {
                    return Err(MarkdownError::UnknownKey {
                        line,
                        key: k.to_string(),
                    });
                }
            },
        }
    }
    if !closed {
        return Err(MarkdownError::FrontMatter { line: last_line });
    }
    let work = work
        .filter(|w| !w.is_empty())
        .ok_or(MarkdownError::MissingKey("work"))?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or(MarkdownError::MissingKey("version"))?;

    // Body: a stack of open units; `stack[d]` is the open unit at depth d + 1.
    let mut body: Vec<Unit> = Vec::new();
    let mut stack: Vec<Unit> = Vec::new();
    let mut last_field: Option<Field> = None;
    fn close_to(depth: usize, stack: &mut Vec<Unit>, body: &mut Vec<Unit>) {
        while stack.len() > depth {
            let u = stack.pop().expect("len > depth >= 0");
            match stack.last_mut() {
                Some(p) => p.children.push(u),
                None => body.push(u),
            }
        }
    }
    for (line, raw) in lines {
        let l = raw.trim_end();
        if l.trim().is_empty() {
            continue;
        }
        if l.starts_with('#') {
            let depth = l.chars().take_while(|&c| c == '#').count();
            let rest = &l[depth..];
            if !rest.starts_with(' ') {
                return Err(MarkdownError::Header {
                    line,
                    reason: "a space must follow the '#' signs".into(),
                });
            }
            let mut words = rest.split_whitespace();
            let kw = words.next().unwrap_or("");
            let Some(kind) = UnitKind::from_keyword(kw) else {
                return Err(MarkdownError::Header {
                    line,
                    reason: format!(
                        "unknown kind {kw:?}: use Preamble, Section, Chapter, Article, Paragraph or Subparagraph"
                    ),
                });
            };
            let num = words.next().unwrap_or("").to_string();
            if words.next().is_some() {
                return Err(MarkdownError::Header {
                    line,
                    reason: "a header holds only the kind and the number; put the title in a 'heading.xx:' line".into(),
                });
            }
            if depth > stack.len() + 1 {
                return Err(MarkdownError::Header {
                    line,
                    reason: format!(
                        "depth {depth} under a unit of depth {}; add the missing level or remove '#'",
                        stack.len()
                    ),
                });
            }
            close_to(depth - 1, &mut stack, &mut body);
            stack.push(Unit::new(kind, num));
            last_field = None;
            continue;
        }
        let Some(unit) = stack.last_mut() else {
            return Err(MarkdownError::OutsideUnit { line });
        };
        if let Some((field, value)) = parse_field(l) {
            match field {
                Field::Content(lang) => unit.content.set(lang, value),
                Field::Heading(lang) => unit.heading.set(lang, value),
            }
            last_field = Some(field);
            continue;
        }
        let cont = l.trim_start();
        let cont = cont.strip_prefix('\\').unwrap_or(cont);
        let target = match last_field {
            Some(Field::Content(lang)) => unit.content.0.get_mut(&lang),
            Some(Field::Heading(lang)) => unit.heading.0.get_mut(&lang),
            None => None,
        };
        match target {
            Some(t) => {
                t.push('\n');
                t.push_str(cont);
            }
            None => return Err(MarkdownError::Dangling { line }),
        }
    }
    close_to(0, &mut stack, &mut body);
    let mut act = Act {
        work,
        version,
        date,
        title,
        body,
    };
    act.assign_eids()?;
    Ok(act)
}

fn needs_escape(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with('\\') || parse_field(t).is_some() || t.is_empty()
}

fn write_text(out: &mut String, key: &str, text: &str) {
    let mut lines = text.split('\n');
    out.push_str(key);
    out.push_str(": ");
    out.push_str(lines.next().unwrap_or(""));
    out.push('\n');
    for l in lines {
        if needs_escape(l) {
            out.push('\\');
        }
        out.push_str(l);
        out.push('\n');
    }
}

/// Writes an act in the Markdown convention; [`parse`] reads it back to an equal act
/// (texts are kept exactly except trailing spaces of lines and blank lines inside a text).
pub fn render(act: &Act) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("work: {}\nversion: {}\n", act.work, act.version));
    if let Some(d) = &act.date {
        out.push_str(&format!("date: {d}\n"));
    }
    for (lang, t) in &act.title.0 {
        out.push_str(&format!("title.{lang}: {}\n", t.replace('\n', " ")));
    }
    out.push_str("---\n");
    fn unit(out: &mut String, u: &Unit, depth: usize) {
        out.push('\n');
        out.push_str(&"#".repeat(depth));
        out.push(' ');
        out.push_str(u.kind.keyword());
        if u.kind != UnitKind::Preamble {
            out.push(' ');
            out.push_str(&u.num);
        }
        out.push('\n');
        for (lang, t) in &u.heading.0 {
            write_text(out, &format!("heading.{lang}"), t);
        }
        for (lang, t) in &u.content.0 {
            write_text(out, lang.code(), t);
        }
        for c in &u.children {
            unit(out, c, depth + 1);
        }
    }
    for u in &act.body {
        unit(&mut out, u, 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "---
work: w
version: v1
title.en: A test act
---
# Preamble
en: We, the people.
# Section 1
heading.en: General
## Article 1
### Paragraph 1
kk: Қазақстан Республикасы.
ru: Республика Казахстан.
en: The Republic of Kazakhstan.
  second line
\\# not a header
";

    #[test]
    fn reads_the_convention() {
        let act = parse(SMALL).unwrap();
        let p = act.find("sec_1__art_1__para_1").unwrap();
        assert_eq!(p.content.get(Lang::Kk), Some("Қазақстан Республикасы."));
        assert_eq!(
            p.content.get(Lang::En),
            Some("The Republic of Kazakhstan.\nsecond line\n# not a header")
        );
        assert_eq!(
            act.find("sec_1").unwrap().heading.get(Lang::En),
            Some("General")
        );
        assert_eq!(act.title.get(Lang::En), Some("A test act"));
    }

    #[test]
    fn render_then_parse_is_the_identity() {
        let act = parse(SMALL).unwrap();
        assert_eq!(parse(&render(&act)).unwrap(), act);
    }

    #[test]
    fn errors_name_the_line_and_the_fix() {
        let e = parse("---\nwork: w\nversion: v\n---\n# Article 1\n### Paragraph 1\n").unwrap_err();
        assert!(e.to_string().starts_with("line 6:"), "{e}");
        let e = parse("---\nwork: w\nversion: v\n---\n# Clause 1\n").unwrap_err();
        assert!(e.to_string().contains("unknown kind"), "{e}");
        let e = parse("---\nwork: w\n---\n").unwrap_err();
        assert_eq!(e, MarkdownError::MissingKey("version"));
        let e = parse("# Article 1").unwrap_err();
        assert!(matches!(e, MarkdownError::FrontMatter { line: 1 }));
        let e = parse("---\nwork: w\nversion: v\n---\nhello\n").unwrap_err();
        assert_eq!(e, MarkdownError::OutsideUnit { line: 5 });
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_almost_valid_input(body in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::strategy::Just("# Article 1".to_string()),
                proptest::strategy::Just("## Paragraph 2".to_string()),
                proptest::strategy::Just("### Subparagraph 3".to_string()),
                proptest::strategy::Just("# Section 1".to_string()),
                proptest::strategy::Just("ru: текст".to_string()),
                proptest::strategy::Just("heading.kk: тақырып".to_string()),
                "\\PC{0,20}",
            ], 0..20)) {
            let text = format!("---\nwork: w\nversion: v\n---\n{}", body.join("\n"));
            if let Ok(act) = parse(&text) {
                // Whatever parses renders back to the same act.
                proptest::prop_assert_eq!(parse(&render(&act)).unwrap(), act);
            }
        }
    }
}
