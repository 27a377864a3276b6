//! The Kurultai's records in Akoma Ntoso 3.0: a bill as a `bill` document (its current text,
//! the same hierarchy as an act, see `legal::akn`), and a day's sitting as a `debate` whose
//! body is one `rollCall` per recorded vote: its motion as the heading, its counts and
//! outcome, then every member's vote by faction. `tests/kurultai.rs` validates both with
//! `xmllint --schema` against the OASIS schema.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use quick_xml::escape::escape;

use super::{Bill, Kurultai, MemberId};
use crate::legal::{Lang, akn};

/// The bill's current text as an Akoma Ntoso `bill` in `lang`.
pub fn bill(bill: &Bill, lang: Lang) -> String {
    akn::export_as(bill.text(), lang, "bill")
}

/// The roll calls of `day` as an Akoma Ntoso `debate` (English). `members` gives each
/// member's faction and name (a member not in it is the People's Council's).
pub fn debate(
    k: &Kurultai,
    day: NaiveDate,
    members: &BTreeMap<MemberId, (String, String)>,
) -> String {
    let work = format!("/akn/kz/debate/{day}/kurultai");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<akomaNtoso xmlns=\"{}\">\n", akn::NAMESPACE));
    out.push_str(
        "  <debate name=\"debate\">\n    <meta>\n      <identification source=\"#ashyq\">\n",
    );
    out.push_str(&format!(
        "        <FRBRWork>\n          <FRBRthis value=\"{work}/!main\"/>\n          <FRBRuri value=\"{work}\"/>\n          <FRBRdate date=\"{day}\" name=\"sitting\"/>\n          <FRBRauthor href=\"#kurultai\"/>\n          <FRBRcountry value=\"kz\"/>\n        </FRBRWork>\n"
    ));
    out.push_str(&format!(
        "        <FRBRExpression>\n          <FRBRthis value=\"{work}/eng@/!main\"/>\n          <FRBRuri value=\"{work}/eng@\"/>\n          <FRBRdate date=\"{day}\" name=\"sitting\"/>\n          <FRBRauthor href=\"#kurultai\"/>\n          <FRBRlanguage language=\"eng\"/>\n        </FRBRExpression>\n"
    ));
    out.push_str(&format!(
        "        <FRBRManifestation>\n          <FRBRthis value=\"{work}/eng@/!main.xml\"/>\n          <FRBRuri value=\"{work}/eng@.akn\"/>\n          <FRBRdate date=\"{day}\" name=\"generation\"/>\n          <FRBRauthor href=\"#ashyq\"/>\n        </FRBRManifestation>\n"
    ));
    out.push_str("      </identification>\n    </meta>\n");
    out.push_str(&format!(
        "    <preface><p class=\"title\"><docTitle>Kurultai, sitting of {day}: recorded votes</docTitle></p></preface>\n"
    ));
    out.push_str("    <debateBody>\n");
    let votes: Vec<_> = k.votes().iter().filter(|r| r.vote.on == day).collect();
    if votes.is_empty() {
        out.push_str("      <debateSection name=\"noVote\" eId=\"dbsect_1\">\n        <heading>No recorded vote</heading>\n        <p>No vote was recorded on this day.</p>\n      </debateSection>\n");
    }
    for r in votes {
        let v = &r.vote;
        let c = &v.counts;
        out.push_str(&format!(
            "      <rollCall eId=\"rollCall_{}\">\n        <num>{}</num>\n        <heading>{}</heading>\n",
            v.number,
            v.number,
            escape(&v.motion)
        ));
        if let Some(b) = &r.bill {
            out.push_str(&format!("        <p>Bill: {}</p>\n", escape(&b.0)));
        }
        out.push_str(&format!(
            "        <p>Yes {}, no {}, abstain {}, absent {}, not voting {}; {} present of {} seats, quorum {}, {} votes needed: {}.</p>\n",
            c.yes,
            c.no,
            c.abstain,
            c.absent,
            c.not_voting,
            v.tally.present,
            v.tally.seats,
            v.tally.quorum_needed,
            v.tally.votes_needed,
            if v.tally.carried { "carried" } else { "not carried" }
        ));
        let mut by: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (m, b) in &v.ballots {
            let (faction, name) = members
                .get(m)
                .map_or(("People's Council", m.0.as_str()), |(f, n)| {
                    (f.as_str(), n.as_str())
                });
            by.entry(faction)
                .or_default()
                .push(format!("{name} ({}): {}", m.0, b.popolo()));
        }
        for (faction, lines) in by {
            out.push_str(&format!(
                "        <p>{}: {}</p>\n",
                escape(faction),
                escape(lines.join("; "))
            ));
        }
        out.push_str("      </rollCall>\n");
    }
    out.push_str("    </debateBody>\n  </debate>\n</akomaNtoso>\n");
    out
}
