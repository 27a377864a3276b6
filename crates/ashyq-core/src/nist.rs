//! Election results in the NIST SP 1500-100 Rev. 2 Common Data Format (the Election Results
//! Reporting CDF, `version2` branch of usnistgov/ElectionResultsReporting; DOI
//! 10.6028/NIST.SP.1500-100r2), as JSON and as XML.
//!
//! The types of this module are the part of the CDF's `ElectionReport` that ashyq writes; they
//! serialize (serde) to the CDF's JSON form, where each object carries its class in `@type`
//! and its identifier in `@id`. [`xml`] writes the same value in the XML form, elements in the
//! order of the XSD's sequences. Both forms are checked against the official schemas in the
//! tests (`crates/ashyq-core/tests/nist.rs`, schemas in `tests/data/nist-1500-100-v2/`).
//!
//! - [`ocd`] — Open Civic Data division identifiers and the report's object ids for every unit
//!   of the territory.
//! - [`build`] — the report from one contest in a neutral shape ([`build::ContestFigures`]:
//!   the selections and, per precinct, the ballots and the votes of each selection), the
//!   territory and the log head; [`build::candidate_contest`] gives that shape for a
//!   candidate contest (the presidential election).
//! - [`from_ledger`] — the neutral shape of the referendum and the party-list election from
//!   the ledger's records.
//! - [`import`] — a precinct-level report (JSON), ours or another system's, read back as the
//!   protocols of a contest, every element that does not map named.
//!
//! How our figures map onto the CDF is in `docs/open-data.md`.

use serde::Serialize;

pub mod build;
pub mod from_ledger;
pub mod import;
pub mod ocd;
pub mod xml;
pub mod xml_read;

/// The XML namespace of the CDF.
pub const NAMESPACE: &str = "http://itl.nist.gov/ns/voting/1500-100/v2";

/// The official JSON Schema (draft-04) of the CDF v2, as copied into the repository
/// (`tests/data/nist-1500-100-v2/`, with its README naming the source).
pub const JSON_SCHEMA: &str =
    include_str!("../tests/data/nist-1500-100-v2/NIST_V2_election_results_reporting.json");

/// `ElectionReport`: the root of a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.ElectionReport")]
pub struct ElectionReport {
    /// The election (always one here).
    #[serde(rename = "Election")]
    pub election: Vec<Election>,
    /// The log head the report reflects, and our own identifiers.
    #[serde(rename = "ExternalIdentifier", skip_serializing_if = "Vec::is_empty")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// Precinct-level or summary.
    #[serde(rename = "Format")]
    pub format: ReportDetailLevel,
    /// When the log reached the head the report reflects (`YYYY-MM-DDThh:mm:ssZ`).
    #[serde(rename = "GeneratedDate")]
    pub generated_date: String,
    /// Every unit of the territory.
    #[serde(rename = "GpUnit")]
    pub gp_unit: Vec<ReportingUnit>,
    /// Who issues the report.
    #[serde(rename = "Issuer")]
    pub issuer: String,
    /// Its abbreviation.
    #[serde(rename = "IssuerAbbreviation")]
    pub issuer_abbreviation: String,
    /// Whether the data is a test (synthetic) data set.
    #[serde(rename = "IsTest")]
    pub is_test: bool,
    /// Notes for the reader.
    #[serde(rename = "Notes", skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The parties on the ballot.
    #[serde(rename = "Party", skip_serializing_if = "Vec::is_empty")]
    pub party: Vec<Party>,
    /// The place of this file in a series of files (1).
    #[serde(rename = "SequenceStart")]
    pub sequence_start: u64,
    /// The number of files in the series (1).
    #[serde(rename = "SequenceEnd")]
    pub sequence_end: u64,
    /// How far the result has come.
    #[serde(rename = "Status")]
    pub status: ResultsStatus,
    /// What kind of test data, when `is_test`.
    #[serde(rename = "TestType", skip_serializing_if = "Option::is_none")]
    pub test_type: Option<String>,
    /// The program that wrote the report.
    #[serde(rename = "VendorApplicationId")]
    pub vendor_application_id: String,
}

/// `ReportDetailLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportDetailLevel {
    /// Counts for every precinct.
    PrecinctLevel,
    /// Counts for the contest's whole district only.
    SummaryContest,
}

impl ReportDetailLevel {
    /// The CDF's token.
    pub fn token(self) -> &'static str {
        match self {
            ReportDetailLevel::PrecinctLevel => "precinct-level",
            ReportDetailLevel::SummaryContest => "summary-contest",
        }
    }
}

/// `ResultsStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResultsStatus {
    /// Certified by the central commission.
    Certified,
    /// Corrected after certification (not used by ashyq: a certified result is locked).
    Correction,
    /// Before any count.
    PreElection,
    /// After a hand count of an audit.
    Recount,
    /// Every precinct counted, no conflict open, not yet certified.
    UnofficialComplete,
    /// Precincts missing or conflicts open.
    UnofficialPartial,
}

impl ResultsStatus {
    /// The CDF's token.
    pub fn token(self) -> &'static str {
        match self {
            ResultsStatus::Certified => "certified",
            ResultsStatus::Correction => "correction",
            ResultsStatus::PreElection => "pre-election",
            ResultsStatus::Recount => "recount",
            ResultsStatus::UnofficialComplete => "unofficial-complete",
            ResultsStatus::UnofficialPartial => "unofficial-partial",
        }
    }
}

/// `Election`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.Election")]
pub struct Election {
    /// Ballots per unit.
    #[serde(rename = "BallotCounts", skip_serializing_if = "Vec::is_empty")]
    pub ballot_counts: Vec<BallotCounts>,
    /// Candidates (a candidate contest).
    #[serde(rename = "Candidate", skip_serializing_if = "Vec::is_empty")]
    pub candidate: Vec<Candidate>,
    /// The contests (always one here).
    #[serde(rename = "Contest")]
    pub contest: Vec<Contest>,
    /// The unit the election covers (the country).
    #[serde(rename = "ElectionScopeId")]
    pub election_scope_id: String,
    /// Our contest id.
    #[serde(rename = "ExternalIdentifier", skip_serializing_if = "Vec::is_empty")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// Its name.
    #[serde(rename = "Name")]
    pub name: InternationalizedText,
    /// Voting day (`YYYY-MM-DD`).
    #[serde(rename = "StartDate")]
    pub start_date: String,
    /// Voting day (`YYYY-MM-DD`).
    #[serde(rename = "EndDate")]
    pub end_date: String,
    /// `general`, or `other` with [`Election::other_type`].
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// The kind when `other` (e.g. `referendum`).
    #[serde(rename = "OtherType", skip_serializing_if = "Option::is_none")]
    pub other_type: Option<String>,
}

/// `ReportingUnit`, the one kind of `GpUnit` ashyq writes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.ReportingUnit")]
pub struct ReportingUnit {
    /// Object id (an XML `ID`).
    #[serde(rename = "@id")]
    pub id: String,
    /// The units it is made of.
    #[serde(rename = "ComposingGpUnitIds", skip_serializing_if = "Vec::is_empty")]
    pub composing_gp_unit_ids: Vec<String>,
    /// OCD-ID and our own code.
    #[serde(rename = "ExternalIdentifier")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// Its name.
    #[serde(rename = "Name")]
    pub name: InternationalizedText,
    /// Precincts (or units) reported.
    #[serde(rename = "SubUnitsReported", skip_serializing_if = "Option::is_none")]
    pub sub_units_reported: Option<u64>,
    /// Precincts (or units) in all.
    #[serde(rename = "TotalSubUnits", skip_serializing_if = "Option::is_none")]
    pub total_sub_units: Option<u64>,
    /// `country`, `city`, `precinct` or `other`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// The kind when `other`.
    #[serde(rename = "OtherType", skip_serializing_if = "Option::is_none")]
    pub other_type: Option<&'static str>,
    /// Voters who took part.
    #[serde(rename = "VotersParticipated")]
    pub voters_participated: u64,
    /// Voters on the lists.
    #[serde(rename = "VotersRegistered")]
    pub voters_registered: u64,
}

/// `ExternalIdentifier`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.ExternalIdentifier")]
pub struct ExternalIdentifier {
    /// A label.
    #[serde(rename = "Label", skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `ocd-id`, `national-level` or `other`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// The kind when `other`.
    #[serde(rename = "OtherType", skip_serializing_if = "Option::is_none")]
    pub other_type: Option<&'static str>,
    /// The identifier.
    #[serde(rename = "Value")]
    pub value: String,
}

impl ExternalIdentifier {
    /// An OCD-ID.
    pub fn ocd(value: String) -> Self {
        ExternalIdentifier {
            label: None,
            kind: "ocd-id",
            other_type: None,
            value,
        }
    }

    /// One of our own identifiers, of a kind named by `other_type` (e.g. `ashyq-precinct`).
    pub fn other(other_type: &'static str, value: String) -> Self {
        ExternalIdentifier {
            label: None,
            kind: "other",
            other_type: Some(other_type),
            value,
        }
    }
}

/// `InternationalizedText`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.InternationalizedText")]
pub struct InternationalizedText {
    /// The text in each language.
    #[serde(rename = "Text")]
    pub text: Vec<LanguageString>,
}

impl InternationalizedText {
    /// The text in Kazakh, Russian and English.
    pub fn of(names: &crate::territory::Names) -> Self {
        InternationalizedText {
            text: vec![
                LanguageString::new("kk", &names.kk),
                LanguageString::new("ru", &names.ru),
                LanguageString::new("en", &names.en),
            ],
        }
    }

    /// One text in one language.
    pub fn one(language: &'static str, content: &str) -> Self {
        InternationalizedText {
            text: vec![LanguageString::new(language, content)],
        }
    }
}

/// `LanguageString`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.LanguageString")]
pub struct LanguageString {
    /// The text.
    #[serde(rename = "Content")]
    pub content: String,
    /// Its language (BCP 47: `kk`, `ru`, `en`).
    #[serde(rename = "Language")]
    pub language: &'static str,
}

impl LanguageString {
    fn new(language: &'static str, content: &str) -> Self {
        LanguageString {
            content: content.to_owned(),
            language,
        }
    }
}

/// `Party`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.Party")]
pub struct Party {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// Its short name.
    #[serde(rename = "Abbreviation", skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<InternationalizedText>,
    /// Its name in our records.
    #[serde(rename = "ExternalIdentifier")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// Its full name.
    #[serde(rename = "Name")]
    pub name: InternationalizedText,
}

/// `Candidate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.Candidate")]
pub struct Candidate {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// The name on the ballot.
    #[serde(rename = "BallotName")]
    pub ballot_name: InternationalizedText,
    /// Our own identifier.
    #[serde(rename = "ExternalIdentifier", skip_serializing_if = "Vec::is_empty")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// The nominating party's object id.
    #[serde(rename = "PartyId", skip_serializing_if = "Option::is_none")]
    pub party_id: Option<String>,
    /// `winner`, `advanced-to-runoff` or `defeated`, once decided.
    #[serde(rename = "PostElectionStatus", skip_serializing_if = "Option::is_none")]
    pub post_election_status: Option<&'static str>,
}

/// A `Contest` of one of the three kinds ashyq runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Contest {
    /// A referendum.
    BallotMeasure(BallotMeasureContest),
    /// A party-list election.
    Party(PartyContest),
    /// A candidate election.
    Candidate(CandidateContest),
}

impl Contest {
    /// What every kind shares.
    pub fn common(&self) -> &ContestCommon {
        match self {
            Contest::BallotMeasure(c) => &c.common,
            Contest::Party(c) => &c.common,
            Contest::Candidate(c) => &c.common,
        }
    }
}

/// The elements every kind of contest shares (the CDF's abstract `Contest`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContestCommon {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// The lines of the ballot.
    #[serde(rename = "ContestSelection")]
    pub contest_selection: Vec<ContestSelection>,
    /// Whether the count is complete.
    #[serde(rename = "CountStatus")]
    pub count_status: Vec<CountStatus>,
    /// The unit voting in it (the country).
    #[serde(rename = "ElectionDistrictId")]
    pub election_district_id: String,
    /// Our contest id and, for a referendum, the outcome.
    #[serde(rename = "ExternalIdentifier")]
    pub external_identifier: Vec<ExternalIdentifier>,
    /// Its name.
    #[serde(rename = "Name")]
    pub name: String,
    /// Ballots valid but counted for no selection (both answers marked), per unit.
    #[serde(rename = "OtherCounts", skip_serializing_if = "Vec::is_empty")]
    pub other_counts: Vec<OtherCounts>,
    /// Precincts reported.
    #[serde(rename = "SubUnitsReported")]
    pub sub_units_reported: u64,
    /// Precincts in all.
    #[serde(rename = "TotalSubUnits")]
    pub total_sub_units: u64,
    /// `majority`, `plurality` or `proportional`.
    #[serde(rename = "VoteVariation")]
    pub vote_variation: &'static str,
}

/// `BallotMeasureContest`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.BallotMeasureContest")]
pub struct BallotMeasureContest {
    /// The shared elements.
    #[serde(flatten)]
    pub common: ContestCommon,
    /// The question.
    #[serde(rename = "FullText")]
    pub full_text: InternationalizedText,
    /// The rules of validity and adoption, in words.
    #[serde(rename = "PassageThreshold")]
    pub passage_threshold: InternationalizedText,
    /// `referendum`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
}

/// `PartyContest`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.PartyContest")]
pub struct PartyContest {
    /// The shared elements.
    #[serde(flatten)]
    pub common: ContestCommon,
}

/// `CandidateContest`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.CandidateContest")]
pub struct CandidateContest {
    /// The shared elements.
    #[serde(flatten)]
    pub common: ContestCommon,
    /// Seats to fill (1).
    #[serde(rename = "NumberElected")]
    pub number_elected: u64,
    /// Candidates going on to a runoff when no one wins outright (2), if the contest has one.
    #[serde(rename = "NumberRunoff", skip_serializing_if = "Option::is_none")]
    pub number_runoff: Option<u64>,
    /// Marks a voter may make (1).
    #[serde(rename = "VotesAllowed")]
    pub votes_allowed: u64,
}

/// `CountStatus`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.CountStatus")]
pub struct CountStatus {
    /// `completed` or `in-process`.
    #[serde(rename = "Status")]
    pub status: &'static str,
    /// `total`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
}

/// A `ContestSelection` of one of the three kinds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ContestSelection {
    /// An answer to a referendum.
    BallotMeasure(BallotMeasureSelection),
    /// A party.
    Party(PartySelection),
    /// A candidate, or the line "against all" (no candidate).
    Candidate(CandidateSelection),
}

/// `BallotMeasureSelection`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.BallotMeasureSelection")]
pub struct BallotMeasureSelection {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// Its place on the ballot, from 1.
    #[serde(rename = "SequenceOrder")]
    pub sequence_order: u64,
    /// Votes per unit.
    #[serde(rename = "VoteCounts")]
    pub vote_counts: Vec<VoteCounts>,
    /// The answer, e.g. "Yes".
    #[serde(rename = "Selection")]
    pub selection: InternationalizedText,
}

/// `PartySelection`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.PartySelection")]
pub struct PartySelection {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// Its place on the ballot, from 1.
    #[serde(rename = "SequenceOrder")]
    pub sequence_order: u64,
    /// Votes per unit, and the seats won (type `seats`) for the country.
    #[serde(rename = "VoteCounts")]
    pub vote_counts: Vec<VoteCounts>,
    /// The party.
    #[serde(rename = "PartyIds")]
    pub party_ids: Vec<String>,
}

/// `CandidateSelection`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.CandidateSelection")]
pub struct CandidateSelection {
    /// Object id.
    #[serde(rename = "@id")]
    pub id: String,
    /// Its place on the ballot, from 1.
    #[serde(rename = "SequenceOrder")]
    pub sequence_order: u64,
    /// Votes per unit.
    #[serde(rename = "VoteCounts")]
    pub vote_counts: Vec<VoteCounts>,
    /// The candidate; empty for "against all".
    #[serde(rename = "CandidateIds", skip_serializing_if = "Vec::is_empty")]
    pub candidate_ids: Vec<String>,
    /// Always false: "against all" is a printed line, not a written-in name.
    #[serde(rename = "IsWriteIn")]
    pub is_write_in: bool,
}

/// `VoteCounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.VoteCounts")]
pub struct VoteCounts {
    /// The unit.
    #[serde(rename = "GpUnitId")]
    pub gp_unit_id: String,
    /// `total`, or `seats` for the seats a party won.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// The count.
    #[serde(rename = "Count")]
    pub count: u64,
}

/// `BallotCounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.BallotCounts")]
pub struct BallotCounts {
    /// The unit.
    #[serde(rename = "GpUnitId")]
    pub gp_unit_id: String,
    /// `total`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Ballots found in the boxes (line 8).
    #[serde(rename = "BallotsCast")]
    pub ballots_cast: u64,
    /// Invalid ballots.
    #[serde(rename = "BallotsRejected")]
    pub ballots_rejected: u64,
}

/// `OtherCounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "@type", rename = "ElectionResults.OtherCounts")]
pub struct OtherCounts {
    /// The unit.
    #[serde(rename = "GpUnitId")]
    pub gp_unit_id: String,
    /// Ballots with more marks than allowed that still count as valid ballots (a referendum's
    /// "both answers marked").
    #[serde(rename = "Overvotes")]
    pub overvotes: u64,
}
