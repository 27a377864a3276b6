//! The XML form of a report (the CDF's XSD, namespace [`NAMESPACE`](super::NAMESPACE)).
//!
//! Written by hand over the report's types rather than through a serializer: the XSD fixes
//! the order of every sequence (mostly alphabetical, but `StartDate` before `EndDate`, `Type`
//! before `OtherType`, an extension's elements after its base's), abstract classes are elements
//! of the base's name with `xsi:type`, identifiers are `ObjectId` attributes and references are
//! space-separated `IDREFS`. Each function below writes one class in the XSD's order.

use quick_xml::escape::escape;

use super::{
    BallotCounts, Candidate, Contest, ContestCommon, ContestSelection, CountStatus, Election,
    ElectionReport, ExternalIdentifier, InternationalizedText, NAMESPACE, OtherCounts, Party,
    ReportingUnit, VoteCounts,
};

struct W {
    out: String,
}

impl W {
    fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(tag);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            self.out.push_str(&escape(*v));
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn close(&mut self, tag: &str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    fn text(&mut self, tag: &str, value: &str) {
        self.open(tag, &[]);
        self.out.push_str(&escape(value));
        self.close(tag);
    }

    fn opt(&mut self, tag: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text(tag, v);
        }
    }

    fn num(&mut self, tag: &str, value: u64) {
        self.text(tag, &value.to_string());
    }

    fn refs(&mut self, tag: &str, ids: &[String]) {
        if !ids.is_empty() {
            self.text(tag, &ids.join(" "));
        }
    }

    fn intl(&mut self, tag: &str, t: &InternationalizedText) {
        self.open(tag, &[]);
        for s in &t.text {
            self.open("Text", &[("Language", s.language)]);
            self.out.push_str(&escape(&s.content));
            self.close("Text");
        }
        self.close(tag);
    }

    fn external(&mut self, ids: &[ExternalIdentifier]) {
        for e in ids {
            match &e.label {
                Some(l) => self.open("ExternalIdentifier", &[("Label", l)]),
                None => self.open("ExternalIdentifier", &[]),
            }
            self.text("Type", e.kind);
            self.opt("OtherType", e.other_type);
            self.text("Value", &e.value);
            self.close("ExternalIdentifier");
        }
    }

    fn gp_unit(&mut self, u: &ReportingUnit) {
        self.open(
            "GpUnit",
            &[("xsi:type", "ReportingUnit"), ("ObjectId", &u.id)],
        );
        self.refs("ComposingGpUnitIds", &u.composing_gp_unit_ids);
        self.external(&u.external_identifier);
        self.intl("Name", &u.name);
        if let Some(n) = u.sub_units_reported {
            self.num("SubUnitsReported", n);
        }
        if let Some(n) = u.total_sub_units {
            self.num("TotalSubUnits", n);
        }
        self.text("Type", u.kind);
        self.opt("OtherType", u.other_type);
        self.num("VotersParticipated", u.voters_participated);
        self.num("VotersRegistered", u.voters_registered);
        self.close("GpUnit");
    }

    fn ballot_counts(&mut self, c: &BallotCounts) {
        self.open("BallotCounts", &[]);
        self.text("GpUnitId", &c.gp_unit_id);
        self.text("Type", c.kind);
        self.num("BallotsCast", c.ballots_cast);
        self.num("BallotsRejected", c.ballots_rejected);
        self.close("BallotCounts");
    }

    fn vote_counts(&mut self, c: &VoteCounts) {
        self.open("VoteCounts", &[]);
        self.text("GpUnitId", &c.gp_unit_id);
        self.text("Type", c.kind);
        self.num("Count", c.count);
        self.close("VoteCounts");
    }

    fn other_counts(&mut self, c: &OtherCounts) {
        self.open("OtherCounts", &[]);
        self.text("GpUnitId", &c.gp_unit_id);
        self.num("Overvotes", c.overvotes);
        self.close("OtherCounts");
    }

    fn count_status(&mut self, c: &CountStatus) {
        self.open("CountStatus", &[]);
        self.text("Status", c.status);
        self.text("Type", c.kind);
        self.close("CountStatus");
    }

    fn selection(&mut self, s: &ContestSelection) {
        let (kind, id, order, counts) = match s {
            ContestSelection::BallotMeasure(s) => (
                "BallotMeasureSelection",
                &s.id,
                s.sequence_order,
                &s.vote_counts,
            ),
            ContestSelection::Party(s) => {
                ("PartySelection", &s.id, s.sequence_order, &s.vote_counts)
            }
            ContestSelection::Candidate(s) => (
                "CandidateSelection",
                &s.id,
                s.sequence_order,
                &s.vote_counts,
            ),
        };
        self.open("ContestSelection", &[("xsi:type", kind), ("ObjectId", id)]);
        self.num("SequenceOrder", order);
        for c in counts {
            self.vote_counts(c);
        }
        match s {
            ContestSelection::BallotMeasure(s) => self.intl("Selection", &s.selection),
            ContestSelection::Party(s) => self.refs("PartyIds", &s.party_ids),
            ContestSelection::Candidate(s) => {
                self.refs("CandidateIds", &s.candidate_ids);
                self.text("IsWriteIn", if s.is_write_in { "true" } else { "false" });
            }
        }
        self.close("ContestSelection");
    }

    fn contest_common(&mut self, c: &ContestCommon) {
        for s in &c.contest_selection {
            self.selection(s);
        }
        for s in &c.count_status {
            self.count_status(s);
        }
        self.text("ElectionDistrictId", &c.election_district_id);
        self.external(&c.external_identifier);
        self.text("Name", &c.name);
        for o in &c.other_counts {
            self.other_counts(o);
        }
        self.num("SubUnitsReported", c.sub_units_reported);
        self.num("TotalSubUnits", c.total_sub_units);
        self.text("VoteVariation", c.vote_variation);
    }

    fn contest(&mut self, c: &Contest) {
        let kind = match c {
            Contest::BallotMeasure(_) => "BallotMeasureContest",
            Contest::Party(_) => "PartyContest",
            Contest::Candidate(_) => "CandidateContest",
        };
        let common = c.common();
        self.open("Contest", &[("xsi:type", kind), ("ObjectId", &common.id)]);
        self.contest_common(common);
        match c {
            Contest::BallotMeasure(b) => {
                self.intl("FullText", &b.full_text);
                self.intl("PassageThreshold", &b.passage_threshold);
                self.text("Type", b.kind);
            }
            Contest::Party(_) => {}
            Contest::Candidate(k) => {
                self.num("NumberElected", k.number_elected);
                if let Some(n) = k.number_runoff {
                    self.num("NumberRunoff", n);
                }
                self.num("VotesAllowed", k.votes_allowed);
            }
        }
        self.close("Contest");
    }

    fn candidate(&mut self, c: &Candidate) {
        self.open("Candidate", &[("ObjectId", &c.id)]);
        self.intl("BallotName", &c.ballot_name);
        self.external(&c.external_identifier);
        self.opt("PartyId", c.party_id.as_deref());
        self.opt("PostElectionStatus", c.post_election_status);
        self.close("Candidate");
    }

    fn election(&mut self, e: &Election) {
        self.open("Election", &[]);
        for b in &e.ballot_counts {
            self.ballot_counts(b);
        }
        for c in &e.candidate {
            self.candidate(c);
        }
        for c in &e.contest {
            self.contest(c);
        }
        self.text("ElectionScopeId", &e.election_scope_id);
        self.external(&e.external_identifier);
        self.intl("Name", &e.name);
        self.text("StartDate", &e.start_date);
        self.text("EndDate", &e.end_date);
        self.text("Type", e.kind);
        self.opt("OtherType", e.other_type.as_deref());
        self.close("Election");
    }

    fn party(&mut self, p: &Party) {
        self.open("Party", &[("ObjectId", &p.id)]);
        if let Some(a) = &p.abbreviation {
            self.intl("Abbreviation", a);
        }
        self.external(&p.external_identifier);
        self.intl("Name", &p.name);
        self.close("Party");
    }
}

/// The report as an XML document valid against the CDF's XSD.
pub fn to_xml(r: &ElectionReport) -> String {
    let mut w = W {
        out: String::with_capacity(1 << 20),
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.open(
        "ElectionReport",
        &[
            ("xmlns", NAMESPACE),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    w.out.push('\n');
    for e in &r.election {
        w.election(e);
    }
    w.external(&r.external_identifier);
    w.text("Format", r.format.token());
    w.text("GeneratedDate", &r.generated_date);
    for u in &r.gp_unit {
        w.gp_unit(u);
    }
    w.text("Issuer", &r.issuer);
    w.text("IssuerAbbreviation", &r.issuer_abbreviation);
    w.text("IsTest", if r.is_test { "true" } else { "false" });
    w.opt("Notes", r.notes.as_deref());
    for p in &r.party {
        w.party(p);
    }
    w.num("SequenceStart", r.sequence_start);
    w.num("SequenceEnd", r.sequence_end);
    w.text("Status", r.status.token());
    w.opt("TestType", r.test_type.as_deref());
    w.text("VendorApplicationId", &r.vendor_application_id);
    w.close("ElectionReport");
    w.out
}
