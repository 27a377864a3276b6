//! The files the commission's secretariat writes by hand: the members (CSV), an attendance
//! list (CSV or `1-86,90`), the recorded votes (CSV `member,choice`), an amendment (the
//! Markdown convention of acts, or JSON) and the voting rules' fractions (`2/3`).
//!
//! Every error names the line and the field and says what to write instead; no input panics
//! (property tests below).

use std::collections::BTreeMap;
use std::fmt;

use super::{Amendment, AmendmentTarget, Choice, Fraction, Member};
use crate::legal::markdown;

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    /// 1-based line, when the error is on one.
    pub line: Option<u64>,
    /// The field (CSV column or front matter key), when the error is in one.
    pub field: Option<String>,
    /// What is wrong and how to fix it.
    pub reason: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(l), Some(c)) => write!(f, "line {l}, field {c:?}: {}", self.reason),
            (Some(l), None) => write!(f, "line {l}: {}", self.reason),
            (None, Some(c)) => write!(f, "field {c:?}: {}", self.reason),
            (None, None) => f.write_str(&self.reason),
        }
    }
}

fn err(line: Option<u64>, field: Option<&str>, reason: impl Into<String>) -> InputError {
    InputError {
        line,
        field: field.map(str::to_string),
        reason: reason.into(),
    }
}

/// A CSV file with a header line: each record with its line, read through `columns` (the
/// accepted names of each wanted column; `required` ones must be present).
struct Table {
    /// Per wanted column, its index in the file.
    index: Vec<Option<usize>>,
    rows: Vec<(u64, csv::StringRecord)>,
}

fn table(text: &str, columns: &[(&[&str], bool)]) -> Result<Table, InputError> {
    let mut r = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line());
        let reason = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("{len} fields where the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8; save the file as UTF-8".into(),
            _ => e.to_string(),
        };
        err(line, None, reason)
    };
    let headers = r.headers().map_err(csv_err)?.clone();
    let names: Vec<String> = headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    let mut index = Vec::new();
    for (accepted, required) in columns {
        let i = names.iter().position(|n| accepted.contains(&n.as_str()));
        if i.is_none() && *required {
            let wanted: Vec<&str> = columns
                .iter()
                .filter(|(_, r)| *r)
                .map(|(a, _)| a[0])
                .collect();
            return Err(err(
                Some(1),
                None,
                format!(
                    "the header line has no column {:?}; it needs the columns {} (found: {})",
                    accepted[0],
                    wanted.join(","),
                    names.join(",")
                ),
            ));
        }
        index.push(i);
    }
    let mut rows = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(csv_err)?;
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    if rows.is_empty() {
        return Err(err(
            None,
            None,
            "the file has a header line but no rows".to_string(),
        ));
    }
    Ok(Table { index, rows })
}

impl Table {
    fn get<'r>(&self, rec: &'r csv::StringRecord, column: usize) -> &'r str {
        self.index[column].and_then(|i| rec.get(i)).unwrap_or("")
    }
}

fn member_number(text: &str, line: Option<u64>, field: &str) -> Result<u32, InputError> {
    let t = text.trim();
    match t.parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(err(
            line,
            Some(field),
            format!("{t:?} is not a member number (a whole number from 1)"),
        )),
    }
}

/// The members of the commission from a CSV file with a header line: `number` (or `id`),
/// `name`, and optionally `region` and `group` (or `role`). Numbers are unique and from 1;
/// names are not empty.
pub fn parse_members(text: &str) -> Result<Vec<Member>, InputError> {
    let t = table(
        text,
        &[
            (&["number", "id"], true),
            (&["name"], true),
            (&["region"], false),
            (&["group", "role"], false),
        ],
    )?;
    let mut seen: BTreeMap<u32, u64> = BTreeMap::new();
    let mut out = Vec::with_capacity(t.rows.len());
    for (n, rec) in &t.rows {
        let line = Some(*n);
        let id = member_number(t.get(rec, 0), line, "number")?;
        if let Some(first) = seen.insert(id, *n) {
            return Err(err(
                line,
                Some("number"),
                format!("member {id} is already on line {first}; each member has their own number"),
            ));
        }
        let name = t.get(rec, 1);
        if name.is_empty() {
            return Err(err(
                line,
                Some("name"),
                "the name is empty; members are public officials and are named",
            ));
        }
        out.push(Member {
            id,
            name: name.to_string(),
            region: t.get(rec, 2).to_string(),
            group: t.get(rec, 3).to_string(),
        });
    }
    Ok(out)
}

/// A list of member numbers and ranges: `1-86,90,95-100` (spaces allowed). Each number once.
pub fn parse_member_list(text: &str) -> Result<Vec<u32>, InputError> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                member_number(a, None, "list")?,
                member_number(b, None, "list")?,
            ),
            None => {
                let n = member_number(part, None, "list")?;
                (n, n)
            }
        };
        if a > b {
            return Err(err(
                None,
                None,
                format!("{part:?}: a range goes from the smaller number to the larger"),
            ));
        }
        if b - a > 100_000 {
            return Err(err(None, None, format!("{part:?}: the range is too large")));
        }
        out.extend(a..=b);
        if out.len() > 1_000_000 {
            return Err(err(None, None, "the list is too long"));
        }
    }
    if out.is_empty() {
        return Err(err(
            None,
            None,
            "the list is empty; write member numbers and ranges, e.g. 1-86,90",
        ));
    }
    let mut sorted = out.clone();
    sorted.sort_unstable();
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(err(None, None, format!("member {} is listed twice", w[0])));
    }
    Ok(out)
}

/// An attendance list from a CSV file with a header line and a column `member` (or
/// `number`), one row per member present; other columns (a name, a signature) are ignored.
/// Returns each member with its line.
pub fn parse_attendance(text: &str) -> Result<Vec<(u64, u32)>, InputError> {
    let t = table(text, &[(&["member", "number", "id"], true)])?;
    let mut seen: BTreeMap<u32, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for (line, rec) in &t.rows {
        let n = member_number(t.get(rec, 0), Some(*line), "member")?;
        if let Some(first) = seen.insert(n, *line) {
            return Err(err(
                Some(*line),
                Some("member"),
                format!("member {n} is already listed on line {first}"),
            ));
        }
        out.push((*line, n));
    }
    Ok(out)
}

/// The recorded votes from a CSV file with the header `member,choice`; a choice is `for`,
/// `against` or `abstain`. Returns each vote with its line. A member votes once.
pub fn parse_votes(text: &str) -> Result<Vec<(u64, u32, Choice)>, InputError> {
    let t = table(
        text,
        &[
            (&["member", "number", "id"], true),
            (&["choice", "vote"], true),
        ],
    )?;
    let mut seen: BTreeMap<u32, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for (line, rec) in &t.rows {
        let n = member_number(t.get(rec, 0), Some(*line), "member")?;
        let raw = t.get(rec, 1);
        let choice = match raw.to_ascii_lowercase().as_str() {
            "for" => Choice::For,
            "against" => Choice::Against,
            "abstain" => Choice::Abstain,
            _ => {
                return Err(err(
                    Some(*line),
                    Some("choice"),
                    format!("{raw:?} is not a choice; write for, against or abstain"),
                ));
            }
        };
        if let Some(first) = seen.insert(n, *line) {
            return Err(err(
                Some(*line),
                Some("member"),
                format!("member {n} already voted on line {first}: one vote per member"),
            ));
        }
        out.push((*line, n, choice));
    }
    Ok(out)
}

/// A fraction of the voting rules: `2/3`, `1/2`, `1/1`; `num ≤ den`, `den > 0`.
pub fn parse_fraction(text: &str) -> Result<Fraction, InputError> {
    let bad = || {
        err(
            None,
            None,
            format!("{text:?} is not a fraction; write it as num/den with num ≤ den, e.g. 2/3"),
        )
    };
    let (a, b) = text.trim().split_once('/').ok_or_else(bad)?;
    let num: u64 = a.trim().parse().map_err(|_| bad())?;
    let den: u64 = b.trim().parse().map_err(|_| bad())?;
    if den == 0 || num > den {
        return Err(bad());
    }
    Ok(Fraction { num, den })
}

/// An amendment, as JSON (the log's form: `{"target": {"kind": "replace", "eid": …},
/// "text": {"ru": …}}`) when the file starts with `{`, otherwise in the Markdown convention:
///
/// ```text
/// ---
/// replace: sec_2__art_8
/// ---
/// kk: …
/// ru: …
/// en: …
/// ```
///
/// or, for a new article, `insert-after: EID` and `article: NUMBER` in the front matter. The
/// text lines follow the convention of acts (`docs/consultation.md`).
pub fn parse_amendment(text: &str) -> Result<Amendment, InputError> {
    let a = if text.trim_start().starts_with('{') {
        serde_json::from_str::<Amendment>(text).map_err(|e| {
            err(
                Some(e.line() as u64),
                None,
                format!(
                    "{e}; an amendment in JSON is {{\"target\": {{\"kind\": \"replace\", \"eid\": \"…\"}} or {{\"kind\": \"insert_article\", \"after\": \"…\", \"num\": \"…\"}}, \"text\": {{\"kk\": \"…\", \"ru\": \"…\", \"en\": \"…\"}}}}"
                ),
            )
        })?
    } else {
        parse_amendment_markdown(text)?
    };
    match &a.target {
        AmendmentTarget::Replace { eid } if eid.trim().is_empty() => {
            return Err(err(None, Some("replace"), "the eId is empty"));
        }
        AmendmentTarget::InsertArticle { after, num } => {
            if after.trim().is_empty() {
                return Err(err(None, Some("insert-after"), "the eId is empty"));
            }
            if num.is_empty()
                || !num
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
            {
                return Err(err(
                    None,
                    Some("article"),
                    format!("{num:?} is not an article number (letters, digits, '-', '.')"),
                ));
            }
        }
        _ => {}
    }
    if a.text.0.values().all(|t| t.trim().is_empty()) {
        return Err(err(
            None,
            None,
            "the amendment has no text; write 'kk: …', 'ru: …' and 'en: …' lines",
        ));
    }
    Ok(a)
}

fn parse_amendment_markdown(text: &str) -> Result<Amendment, InputError> {
    let usage = "an amendment starts with a front matter block: '---', then 'replace: EID' (or 'insert-after: EID' and 'article: NUMBER'), then '---'";
    let mut lines = text.lines().enumerate().map(|(i, l)| (i as u64 + 1, l));
    let mut open = None;
    for (n, l) in lines.by_ref() {
        if l.trim().is_empty() {
            continue;
        }
        open = Some((n, l));
        break;
    }
    match open {
        Some((_, l)) if l.trim() == "---" => {}
        Some((n, _)) => return Err(err(Some(n), None, usage)),
        None => return Err(err(None, None, format!("the file is empty; {usage}"))),
    }
    let mut keys: BTreeMap<&'static str, (u64, String)> = BTreeMap::new();
    let mut body_start = None;
    for (n, l) in lines.by_ref() {
        if l.trim() == "---" {
            body_start = Some(n + 1);
            break;
        }
        if l.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(err(
                Some(n),
                None,
                format!("not a 'key: value' line; {usage}"),
            ));
        };
        let key = match k.trim() {
            "replace" => "replace",
            "insert-after" | "insert_after" => "insert-after",
            "article" | "num" => "article",
            other => {
                return Err(err(
                    Some(n),
                    Some(other),
                    "unknown key; use replace, or insert-after and article",
                ));
            }
        };
        if keys.insert(key, (n, v.trim().to_string())).is_some() {
            return Err(err(Some(n), Some(key), "given twice"));
        }
    }
    let Some(body_start) = body_start else {
        return Err(err(
            None,
            None,
            format!("the front matter is not closed; {usage}"),
        ));
    };
    let target = match (
        keys.remove("replace"),
        keys.remove("insert-after"),
        keys.remove("article"),
    ) {
        (Some((_, eid)), None, None) => AmendmentTarget::Replace { eid },
        (None, Some((_, after)), Some((_, num))) => AmendmentTarget::InsertArticle { after, num },
        (None, Some((n, _)), None) => {
            return Err(err(
                Some(n),
                Some("article"),
                "a new article needs its number: add 'article: NUMBER'",
            ));
        }
        (Some((n, _)), _, _) => {
            return Err(err(
                Some(n),
                None,
                "either replace a unit or insert an article, not both",
            ));
        }
        (None, None, Some((n, _))) => {
            return Err(err(
                Some(n),
                Some("insert-after"),
                "say after which unit the new article goes: add 'insert-after: EID'",
            ));
        }
        (None, None, None) => return Err(err(None, None, usage)),
    };
    let rest: Vec<&str> = lines.map(|(_, l)| l).collect();
    let body = markdown::parse_text(&rest.join("\n"), body_start as usize)
        .map_err(|e| err(None, None, e.to_string()))?;
    Ok(Amendment { target, text: body })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legal::Lang;
    use proptest::prelude::*;

    #[test]
    fn members_are_read_with_optional_columns_and_errors_name_line_and_field() {
        let m =
            parse_members("number,name,region,group\n1,A. Ahmetov,Astana,jurists\n2,B. Bekova,,\n")
                .unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].region, "Astana");
        assert_eq!(m[1].name, "B. Bekova");
        let m = parse_members("id,name\n7,X\n").unwrap();
        assert_eq!(m[0].id, 7);
        let e = parse_members("number,name\n1,A\n1,B\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("number")));
        assert!(e.to_string().contains("already on line 2"), "{e}");
        let e = parse_members("number,name\nx,A\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("number")));
        let e = parse_members("number,name\n1,\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("name"));
        let e = parse_members("name,region\nA,B\n").unwrap_err();
        assert!(e.to_string().contains("number"), "{e}");
        let e = parse_members("number,name\n1,A,extra\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(parse_members("number,name\n").is_err());
    }

    #[test]
    fn member_lists_take_ranges_and_refuse_repeats() {
        assert_eq!(parse_member_list("1-3, 5").unwrap(), vec![1, 2, 3, 5]);
        assert!(parse_member_list("3-1").is_err());
        assert!(parse_member_list("1,1").is_err());
        assert!(parse_member_list("0").is_err());
        assert!(parse_member_list("").is_err());
        assert!(parse_member_list("1-4000000000").is_err());
    }

    #[test]
    fn votes_need_a_known_choice_and_one_vote_per_member() {
        let v = parse_votes("member,choice\n1,for\n2,Against\n3,abstain\n").unwrap();
        assert_eq!(
            v,
            vec![
                (2, 1, Choice::For),
                (3, 2, Choice::Against),
                (4, 3, Choice::Abstain)
            ]
        );
        let e = parse_votes("member,choice\n1,for\n2,maybe\n").unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(3), Some("choice")));
        let e = parse_votes("member,choice\n1,for\n1,against\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("line 2"), "{e}");
    }

    #[test]
    fn fractions() {
        assert_eq!(parse_fraction("2/3").unwrap(), Fraction { num: 2, den: 3 });
        for bad in ["3/2", "1/0", "half", "1/", "-1/2"] {
            assert!(parse_fraction(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amendments_in_markdown_and_json() {
        let a = parse_amendment(
            "---\nreplace: sec_2__art_8\n---\nkk: Бір.\nru: Один.\nвторая строка\n\\# не заголовок\nen: One.\n",
        )
        .unwrap();
        assert_eq!(
            a.target,
            AmendmentTarget::Replace {
                eid: "sec_2__art_8".into()
            }
        );
        assert_eq!(
            a.text.get(Lang::Ru),
            Some("Один.\nвторая строка\n# не заголовок")
        );
        let a = parse_amendment("---\ninsert-after: art_7\narticle: 7-1\n---\nru: Новая статья.\n")
            .unwrap();
        assert_eq!(
            a.target,
            AmendmentTarget::InsertArticle {
                after: "art_7".into(),
                num: "7-1".into()
            }
        );
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(parse_amendment(&json).unwrap(), a);
        // Errors name the line of the file.
        let e = parse_amendment("---\nreplace: art_1\n---\nru: x\n## Article 2\n").unwrap_err();
        assert!(e.to_string().contains("line 5"), "{e}");
        let e = parse_amendment("---\ninsert-after: art_7\n---\nru: x\n").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("article"));
        let e = parse_amendment("---\nreplace: art_1\n---\n").unwrap_err();
        assert!(e.to_string().contains("no text"), "{e}");
        let e = parse_amendment("{\"target\": 1}").unwrap_err();
        assert_eq!(e.line, Some(1));
    }

    proptest! {
        #[test]
        fn no_input_panics(s in "\\PC{0,200}") {
            let _ = parse_members(&s);
            let _ = parse_votes(&s);
            let _ = parse_attendance(&s);
            let _ = parse_member_list(&s);
            let _ = parse_fraction(&s);
            let _ = parse_amendment(&s);
            let _ = parse_amendment(&format!("---\nreplace: x\n---\n{s}"));
            let _ = parse_votes(&format!("member,choice\n{s}"));
        }
    }
}
