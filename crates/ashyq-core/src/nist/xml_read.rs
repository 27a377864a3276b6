//! Reading the XML form of a report into its JSON form, so that one importer
//! ([`super::import`]) reads both.
//!
//! The two forms are the same model (NIST generates both from one UML model), and the JSON
//! Schema says, for each class, what each element becomes. This module walks the XML against
//! that schema (the official file, embedded): an element is the property of its name in the
//! class of its parent; a class is the schema's definition named by `xsi:type`, else by the
//! property's reference; `ObjectId` is `@id`; any other attribute is the property of its name
//! (`Language`, `Label`); a class with simple content (`LanguageString`, `AnnotatedString`)
//! keeps the text as `Content`; a property the schema calls an array collects every element
//! of that name, and a list of references (`IDREFS`) is split at white space; integers and
//! booleans are read as the schema types them. Anything the schema does not know is named by
//! its path (`ElectionReport.GpUnit[2].Name`) and refused.
//!
//! Written over quick-xml's event reader: no crate maps XML onto a JSON Schema, and the
//! mapping is the CDF's own (NIST's generator is not a library).

use std::collections::HashMap;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

use super::JSON_SCHEMA as SCHEMA;
use super::NAMESPACE;

/// The XML Schema instance namespace (`xsi:type`).
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// The deepest nesting read (a report is about eight deep).
const MAX_DEPTH: usize = 64;

/// An element read, with its attributes (local names) and text.
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    xsi_type: Option<String>,
    children: Vec<Node>,
    text: String,
}

/// Why the XML could not be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Not well-formed XML.
    #[error("the XML is not well formed: {0}")]
    Syntax(String),
    /// Not an `ElectionReport` of the v2 namespace.
    #[error("{0}")]
    NotAReport(String),
    /// An element or attribute the CDF does not have there, or a value not of its type.
    #[error("{path}: {message}")]
    Element {
        /// Where, as `ElectionReport.GpUnit[2].Name`.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.split_once(':') {
        Some((_, l)) => l.to_owned(),
        None => name.into_owned(),
    }
}

/// What the parser keeps of namespaces: the root's default namespace and the prefixes bound
/// to the XSI namespace.
#[derive(Default)]
struct Namespaces {
    root: Option<String>,
    xsi_prefixes: Vec<String>,
}

fn open(e: &BytesStart<'_>, ns: &mut Namespaces, is_root: bool) -> Result<Node, XmlError> {
    let mut attrs = Vec::new();
    let mut pending_type: Option<(String, String)> = None;
    for a in e.attributes() {
        let a = a.map_err(|e| XmlError::Syntax(e.to_string()))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|e| XmlError::Syntax(e.to_string()))?
            .into_owned();
        if key == "xmlns" {
            if is_root {
                ns.root = Some(value);
            }
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value == XSI {
                ns.xsi_prefixes.push(prefix.to_owned());
            }
        } else if let Some((prefix, name)) = key.split_once(':') {
            if name == "type" {
                pending_type = Some((prefix.to_owned(), value));
            }
            // Other qualified attributes (`xsi:schemaLocation`) carry no data.
        } else {
            attrs.push((key, value));
        }
    }
    let xsi_type = pending_type
        .filter(|(prefix, _)| ns.xsi_prefixes.contains(prefix))
        .map(|(_, value)| local(value.as_bytes()));
    Ok(Node {
        name: local(e.name().as_ref()),
        attrs,
        xsi_type,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Parses the document into a tree; returns it with the root's namespace.
fn parse(text: &str) -> Result<(Node, Option<String>), XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut ns = Namespaces::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| XmlError::Syntax(format!("{e} (at byte {})", reader.buffer_position())))?;
        let done = match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::Syntax(format!(
                        "elements are nested more than {MAX_DEPTH} deep"
                    )));
                }
                let node = open(&e, &mut ns, stack.is_empty())?;
                stack.push(node);
                None
            }
            Event::Empty(e) => Some(open(&e, &mut ns, stack.is_empty())?),
            Event::End(_) => Some(
                stack
                    .pop()
                    .ok_or_else(|| XmlError::Syntax("an end tag without its start".into()))?,
            ),
            Event::Text(t) => {
                if let Some(node) = stack.last_mut() {
                    let t = t.unescape().map_err(|e| XmlError::Syntax(e.to_string()))?;
                    node.text.push_str(&t);
                }
                None
            }
            Event::CData(t) => {
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&String::from_utf8_lossy(&t));
                }
                None
            }
            Event::Eof => {
                return Err(XmlError::Syntax(
                    "the document ends before its root element is closed".into(),
                ));
            }
            // Declarations, comments, processing instructions, DOCTYPE: no data.
            _ => None,
        };
        if let Some(node) = done {
            match stack.last_mut() {
                Some(parent) => parent.children.push(node),
                None => return Ok((node, ns.root)),
            }
        }
    }
}

fn ref_name(v: &Value) -> Option<&str> {
    v.get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
}

/// The classes an array's items or a property may be.
fn candidates(v: &Value) -> Vec<&str> {
    match v.get("oneOf").and_then(Value::as_array) {
        Some(all) => all.iter().filter_map(ref_name).collect(),
        None => ref_name(v).into_iter().collect(),
    }
}

fn short(class: &str) -> &str {
    class.trim_start_matches("ElectionResults.")
}

fn scalar(path: &str, text: &str, ty: &Value) -> Result<Value, XmlError> {
    let text = text.trim();
    let bad = |what: &str| XmlError::Element {
        path: path.to_owned(),
        message: format!(
            "{:?} is not {what}",
            text.chars().take(64).collect::<String>()
        ),
    };
    Ok(match ty.get("type").and_then(Value::as_str) {
        Some("integer") => match text.parse::<u64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(text.parse::<i64>().map_err(|_| bad("an integer"))?),
        },
        // A whole number stays one (JSON has one kind of number; 1536 is not 1536.0).
        Some("number") if let Ok(n) = text.parse::<u64>() => Value::from(n),
        Some("number") if let Ok(n) = text.parse::<i64>() => Value::from(n),
        Some("number") => {
            let n: f64 = text.parse().map_err(|_| bad("a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number"))?
        }
        Some("boolean") => match text {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return Err(bad("a boolean (true or false)")),
        },
        _ => Value::String(text.to_owned()),
    })
}

/// The schema's classes, by name (`ElectionResults.GpUnit`).
struct Walker {
    defs: Map<String, Value>,
}

impl Walker {
    fn new() -> Self {
        let defs = serde_json::from_str::<Value>(SCHEMA)
            .ok()
            .and_then(|mut s| s.get_mut("definitions").map(Value::take))
            .and_then(|d| match d {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .unwrap_or_default();
        Walker { defs }
    }

    fn is_class(&self, name: &str) -> bool {
        self.defs
            .get(name)
            .is_some_and(|d| d.get("type").and_then(Value::as_str) == Some("object"))
    }

    /// A property's type, through one `$ref` to a simple type (an enumeration, a date).
    fn resolved<'a>(&'a self, prop: &'a Value) -> &'a Value {
        ref_name(prop)
            .and_then(|r| self.defs.get(r))
            .unwrap_or(prop)
    }

    /// The value of `node` for a property (or array items) typed `ty`.
    fn value(&self, node: &Node, path: &str, ty: &Value) -> Result<Value, XmlError> {
        let classes: Vec<&str> = candidates(ty)
            .into_iter()
            .filter(|c| self.is_class(c))
            .collect();
        if classes.is_empty() {
            scalar(path, &node.text, self.resolved(ty))
        } else {
            self.object(node, path, &classes)
        }
    }

    /// The JSON of `node`, an instance of the one class of `allowed`, or of the one its
    /// `xsi:type` names among them, or of the one of its element's name.
    fn object(&self, node: &Node, path: &str, allowed: &[&str]) -> Result<Value, XmlError> {
        let err = |message: String| XmlError::Element {
            path: path.to_owned(),
            message,
        };
        let choices = || {
            allowed
                .iter()
                .map(|a| short(a))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let class = match (&node.xsi_type, allowed) {
            (Some(t), _) => {
                let name = format!("ElectionResults.{t}");
                if !allowed.contains(&name.as_str()) {
                    return Err(err(format!(
                        "xsi:type {t:?} is not allowed here; it must be one of {}",
                        choices()
                    )));
                }
                name
            }
            (None, [one]) => (*one).to_owned(),
            // A concrete base class (Party, of which Coalition is an extension) is the
            // element's own type when no xsi:type names another.
            (None, _) if allowed.contains(&format!("ElectionResults.{}", node.name).as_str()) => {
                format!("ElectionResults.{}", node.name)
            }
            (None, _) => {
                return Err(err(format!(
                    "names no xsi:type; it must be one of {}",
                    choices()
                )));
            }
        };
        let props = self
            .defs
            .get(&class)
            .and_then(|d| d.get("properties"))
            .and_then(Value::as_object)
            .ok_or_else(|| err(format!("the schema has no class {class}")))?;
        let mut out = Map::new();
        out.insert("@type".into(), Value::String(class.clone()));
        for (key, value) in &node.attrs {
            let name = if key == "ObjectId" {
                "@id"
            } else {
                key.as_str()
            };
            let (prop, ty) = props
                .iter()
                .find(|(p, _)| p.eq_ignore_ascii_case(name))
                .ok_or_else(|| {
                    err(format!(
                        "the attribute {key:?} is not part of {}",
                        short(&class)
                    ))
                })?;
            let v = scalar(&format!("{path}@{key}"), value, self.resolved(ty))?;
            out.insert(prop.clone(), v);
        }
        if props.contains_key("Content") {
            out.insert("Content".into(), Value::String(node.text.clone()));
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for child in &node.children {
            let name = child.name.as_str();
            let prop = props.get(name).ok_or_else(|| {
                err(format!(
                    "the element <{name}> is not part of {}",
                    short(&class)
                ))
            })?;
            if prop.get("type").and_then(Value::as_str) == Some("array") {
                let i = counts.entry(name).or_default();
                let at = format!("{path}.{name}[{i}]");
                *i += 1;
                let items = prop.get("items").unwrap_or(&Value::Null);
                let mut new = Vec::new();
                if items.get("refTypes").is_some() {
                    // References: one element of ids separated by white space.
                    new.extend(
                        child
                            .text
                            .split_whitespace()
                            .map(|s| Value::String(s.to_owned())),
                    );
                } else {
                    new.push(self.value(child, &at, items)?);
                }
                match out
                    .entry(name.to_owned())
                    .or_insert_with(|| Value::Array(Vec::new()))
                {
                    Value::Array(list) => list.extend(new),
                    _ => return Err(err(format!("<{name}> is given twice"))),
                }
            } else {
                if out.contains_key(name) {
                    return Err(err(format!(
                        "<{name}> is given more than once; the CDF allows one"
                    )));
                }
                let v = self.value(child, &format!("{path}.{name}"), prop)?;
                out.insert(name.to_owned(), v);
            }
        }
        Ok(Value::Object(out))
    }
}

/// Whether a text is XML (its first character is `<`), as the importer tells the forms apart.
pub fn is_xml(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
}

/// The JSON form of the XML form of an `ElectionReport` (v2).
pub fn to_json(text: &str) -> Result<Value, XmlError> {
    let (root, ns) = parse(text.trim_start_matches('\u{feff}'))?;
    if root.name != "ElectionReport" {
        return Err(XmlError::NotAReport(format!(
            "the root element is <{}>, not <ElectionReport>",
            root.name
        )));
    }
    if ns.as_deref() != Some(NAMESPACE) {
        return Err(XmlError::NotAReport(format!(
            "the root element's namespace is {}, not {NAMESPACE} (NIST SP 1500-100 version 2)",
            ns.map_or_else(|| "missing".to_owned(), |n| format!("{n:?}"))
        )));
    }
    Walker::new().object(&root, "ElectionReport", &["ElectionResults.ElectionReport"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ElectionReport xmlns="{NAMESPACE}" xmlns:xsi="{XSI}">{body}</ElectionReport>"#
        )
    }

    #[test]
    fn classes_references_numbers_and_texts_map_as_the_schema_says() {
        let v = to_json(&report(
            r#"<Format>precinct-level</Format>
<GpUnit xsi:type="ReportingUnit" ObjectId="ru-1"><ComposingGpUnitIds>ru-2 ru-3</ComposingGpUnitIds>
<Name><Text Language="kk">Астана &amp; Нұр</Text><Text Language="en">Astana</Text></Name>
<Type>city</Type><VotersRegistered>1200</VotersRegistered></GpUnit>
<IsTest>true</IsTest><SequenceEnd>3</SequenceEnd>"#,
        ))
        .unwrap();
        assert_eq!(v["@type"], "ElectionResults.ElectionReport");
        assert_eq!(v["Format"], "precinct-level");
        assert_eq!(v["IsTest"], true);
        assert_eq!(v["SequenceEnd"], 3);
        let u = &v["GpUnit"][0];
        assert_eq!(u["@type"], "ElectionResults.ReportingUnit");
        assert_eq!(u["@id"], "ru-1");
        assert_eq!(u["ComposingGpUnitIds"], serde_json::json!(["ru-2", "ru-3"]));
        assert_eq!(u["VotersRegistered"], 1200);
        assert_eq!(u["Name"]["@type"], "ElectionResults.InternationalizedText");
        assert_eq!(
            u["Name"]["Text"][0]["@type"],
            "ElectionResults.LanguageString"
        );
        assert_eq!(u["Name"]["Text"][0]["Content"], "Астана & Нұр");
        assert_eq!(u["Name"]["Text"][1]["Language"], "en");
    }

    #[test]
    fn a_concrete_base_class_needs_no_xsi_type_and_an_extension_is_named_by_it() {
        let v = to_json(&report(
            r#"<Party ObjectId="p1"><Name><Text Language="en">Amanat</Text></Name></Party>
<Party xsi:type="Coalition" ObjectId="c1"><PartyIds>p1</PartyIds></Party>"#,
        ))
        .unwrap();
        assert_eq!(v["Party"][0]["@type"], "ElectionResults.Party");
        assert_eq!(v["Party"][1]["@type"], "ElectionResults.Coalition");
        assert_eq!(v["Party"][1]["PartyIds"], serde_json::json!(["p1"]));
    }

    #[test]
    fn what_the_schema_does_not_know_is_named_by_its_path() {
        let e = to_json(&report(
            r#"<GpUnit xsi:type="ReportingUnit" ObjectId="a"><Colour>red</Colour></GpUnit>"#,
        ))
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("ElectionReport.GpUnit[0]: the element <Colour>"),
            "{e}"
        );
        let e = to_json(&report(
            r#"<GpUnit xsi:type="Planet" ObjectId="a"></GpUnit>"#,
        ))
        .unwrap_err();
        assert!(
            e.to_string().contains("ReportingDevice, ReportingUnit"),
            "{e}"
        );
        let e = to_json(&report(r#"<GpUnit ObjectId="a"></GpUnit>"#)).unwrap_err();
        assert!(e.to_string().contains("names no xsi:type"), "{e}");
        let e = to_json(&report(r#"<SequenceEnd>many</SequenceEnd>"#)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "ElectionReport.SequenceEnd: \"many\" is not an integer"
        );
        let e = to_json(&report(r#"<Format>a</Format><Format>b</Format>"#)).unwrap_err();
        assert!(e.to_string().contains("more than once"), "{e}");
        let e = to_json(&report(r#"<IsTest>maybe</IsTest>"#)).unwrap_err();
        assert!(e.to_string().contains("boolean"), "{e}");
    }

    #[test]
    fn other_documents_and_broken_xml_are_refused() {
        assert!(matches!(
            to_json("<ElectionReport xmlns=\"urn:other\"/>"),
            Err(XmlError::NotAReport(_))
        ));
        assert!(matches!(
            to_json(&format!("<Report xmlns=\"{NAMESPACE}\"/>")),
            Err(XmlError::NotAReport(_))
        ));
        assert!(matches!(
            to_json(&report("<Format>")),
            Err(XmlError::Syntax(_))
        ));
        let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
        assert!(matches!(to_json(&deep), Err(XmlError::Syntax(_))));
        assert!(matches!(to_json(""), Err(XmlError::Syntax(_))));
    }

    proptest::proptest! {
        /// Any text is an error or a report, never a panic.
        #[test]
        fn any_text_is_refused_or_read(s in "\\PC{0,300}") {
            let _ = to_json(&s);
            let _ = to_json(&report(&s));
        }

        /// Any arrangement of the report's own elements is an error or a report.
        #[test]
        fn any_arrangement_of_known_elements_is_refused_or_read(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<GpUnit xsi:type=\"ReportingUnit\" ObjectId=\"x\">", "</GpUnit>",
                "<Name>", "</Name>", "<Text Language=\"en\">", "</Text>", "a b",
                "<ComposingGpUnitIds>", "</ComposingGpUnitIds>", "<Election>", "</Election>",
                "<Contest xsi:type=\"BallotMeasureContest\">", "</Contest>", "12", "-1",
            ]), 0..40)
        ) {
            let _ = to_json(&report(&parts.concat()));
        }
    }
}
