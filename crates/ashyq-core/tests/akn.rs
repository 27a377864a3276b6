//! Every Akoma Ntoso document ashyq writes is valid against the OASIS Akoma Ntoso 3.0 schema
//! (`tests/data/akomantoso-3.0/`, checked with `xmllint --schema`): both versions of the sample
//! act in Kazakh, Russian and English; and what it writes it reads back.

#[path = "common/schema.rs"]
#[allow(dead_code)]
mod schema;

use ashyq_core::lang::Lang;
use ashyq_core::legal::{akn, markdown};

fn sample(version: u8) -> ashyq_core::legal::Act {
    let text = std::fs::read_to_string(format!(
        "{}/data/sample-act-v{version}.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    markdown::parse(&text).unwrap()
}

#[test]
fn the_sample_act_in_every_version_and_language_is_valid_akoma_ntoso() {
    let xsd = schema::akn_xsd();
    for version in [1, 2] {
        let act = sample(version);
        for lang in Lang::ALL {
            let doc = akn::export(&act, lang);
            if std::env::var("AKN_DUMP").is_ok() {
                std::fs::write(format!("/tmp/akn19/v{version}-{lang:?}.xml"), &doc).unwrap();
            }
            schema::assert_valid_xml("akn sample act", &doc, &xsd);
            let back = akn::import(&doc).unwrap();
            assert_eq!(back.work, act.work);
            assert_eq!(back.version, act.version);
        }
    }
}

#[test]
fn a_valid_document_from_another_tool_is_read() {
    // Hand-written in the shape other editors produce: a dated work URI, an alias, a number
    // and name, TLC references, inline markup, "Article 1." numbers.
    let doc = std::fs::read_to_string(schema::data("akn-from-another-tool.xml")).unwrap();
    schema::assert_valid_xml("akn other tool", &doc, &schema::akn_xsd());
    let act = akn::import(&doc).unwrap();
    assert_eq!(act.version, "2026-01-10");
    assert_eq!(act.title.get(Lang::En), Some("Other Law"));
    let articles = act.articles();
    assert_eq!(articles.len(), 2);
    assert_eq!(
        articles[0].0.content.get(Lang::En),
        Some("This law applies everywhere.")
    );
    // And what ashyq writes of it is valid in turn.
    schema::assert_valid_xml(
        "akn other tool, written back",
        &akn::export(&act, Lang::En),
        &schema::akn_xsd(),
    );
}
