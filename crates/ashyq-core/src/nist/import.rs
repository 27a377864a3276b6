//! Import of a NIST SP 1500-100 v2 results report (the JSON form, or the XML form read into
//! it by [`super::xml_read`]) as precinct protocols.
//!
//! [`plan`] reads a precinct-level report — from another system or from our own export — and
//! maps it onto a contest the ledger holds: each `GpUnit` of type `precinct` onto a precinct of
//! the territory (by its OCD-ID, else by our `ashyq-precinct` code), each selection onto a
//! line of the contest's ballot (the answers of a referendum, a party's list by the party's
//! name, a candidate by the name on the ballot, "against all" as the selection naming no
//! candidate), and every reported precinct's counts onto a protocol of the contest's kind.
//! Each protocol is then decided on the ledger's current state exactly as a submitted one
//! ([`decide`]): the control ratios, the contest's state, a conflict with what the precinct
//! already reported. Nothing is recorded here: the plan is all of the report or an error
//! naming every element that does not map ([`ImportError::Problems`]), and the caller records
//! the plan in one transaction (all or nothing).
//!
//! Lines 1–8 of a protocol: line 1 is the precinct's `VotersRegistered`, line 6 its
//! `VotersParticipated`, line 8 the `BallotsCast` of its `BallotCounts`. The CDF has no
//! element for lines 2–5 and 7; ashyq writes all eight in the precinct's `ashyq-ballot-lines`
//! identifier, and a report without it (another system's) gets lines 2, 3, 4 and 7 as 0 and
//! line 5 as line 6, which the plan says in its notes. See `docs/open-data.md`.

use std::collections::HashMap;

use serde_json::Value;

use crate::author::Author;
use crate::contest::ContestId;
use crate::election::PartyListProtocol;
use crate::event::Event;
use crate::ledger::{Contest, Decided, Decision, Ledger, LedgerError};
use crate::party::same_name;
use crate::president::{CandidateVotes, PresidentEvent, PresidentialProtocol};
use crate::protocol::{BallotLines, PrecinctProtocol, ProtocolLines};
use crate::seats::PartyVotes;
use crate::territory::{PrecinctId, TerritoryIndex};

use super::NAMESPACE;
use super::build::BALLOT_LINES;
use super::ocd;
use super::xml_read::XmlError;

/// The most problems an error lists one by one (it counts the rest).
const SHOWN: usize = 20;

/// One protocol of the report, of the contest's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A referendum's protocol (entered by the importing operator).
    Referendum(PrecinctProtocol),
    /// A party-list protocol.
    PartyList(PartyListProtocol),
    /// A presidential protocol.
    Presidential(PresidentialProtocol),
}

impl Imported {
    /// The precinct.
    pub fn precinct(&self) -> PrecinctId {
        match self {
            Imported::Referendum(p) => p.precinct,
            Imported::PartyList(p) => p.precinct,
            Imported::Presidential(p) => p.precinct,
        }
    }
}

/// What an import will record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// The contest the counts are for.
    pub contest: ContestId,
    /// The protocols to record, one per precinct not yet reported.
    pub protocols: Vec<Imported>,
    /// Precincts whose protocol the log already holds with the same figures.
    pub already_recorded: usize,
    /// How the report was read where the CDF leaves a choice (lines taken by default).
    pub notes: Vec<String>,
}

/// One element of the report that does not map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path into the report (`GpUnit[12] (@id ru-p17)`).
    pub element: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.element, self.message)
    }
}

/// Why a report cannot be imported. Nothing is recorded on any of them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The file is not an `ElectionReport` at all.
    #[error(
        "not a NIST SP 1500-100 v2 results report: {0}. Expected an ElectionReport in its JSON form (an object with \"@type\": \"ElectionResults.ElectionReport\") or its XML form (an <ElectionReport> in the v2 namespace), as `ashyq export --nist report.json` or `report.xml` writes"
    )]
    NotAReport(String),
    /// A report of another version or form of the CDF.
    #[error("{0}")]
    Version(String),
    /// Elements that do not map onto the contest; the first [`SHOWN`] are listed.
    #[error(
        "the report cannot be imported; nothing was recorded. {count} problem(s):\n{list}",
        count = .0.len(),
        list = list(.0)
    )]
    Problems(Vec<Problem>),
    /// Every precinct of the report is already recorded with the same figures.
    #[error(
        "every precinct of this report ({0}) is already recorded with the same figures: the file was imported before; nothing was recorded"
    )]
    AlreadyImported(usize),
}

fn list(problems: &[Problem]) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(SHOWN)
        .map(|p| format!("  {p}"))
        .collect();
    if problems.len() > SHOWN {
        out.push(format!("  … and {} more", problems.len() - SHOWN));
    }
    out.join("\n")
}

/// Decides one imported protocol on the ledger's state, as the write path decides a submitted
/// one: a referendum's protocol as entered by `author` (`Ledger::submit_entered`), a party-list
/// or presidential protocol as submitted.
pub fn decide_one(
    ledger: &Ledger,
    protocol: &Imported,
    author: &Author,
) -> Result<Decision, LedgerError> {
    match protocol {
        Imported::Referendum(p) => ledger.submit_entered(p.clone(), author.clone()),
        Imported::PartyList(p) => ledger.submit_party_list(p.clone()),
        Imported::Presidential(p) => ledger.submit_presidential(p.clone()),
    }
}

/// Whether a decided event applies a precinct's first protocol (not a conflict).
fn is_acceptance(d: &Decided) -> bool {
    matches!(
        d.event(),
        Event::ProtocolAccepted { .. }
            | Event::PartyListAccepted { .. }
            | Event::President(PresidentEvent::ProtocolAccepted { .. })
    )
}

/// The event that records one protocol of a plan, decided again on the state it is recorded
/// on: refused unless it is still the precinct's first protocol (another writer may have
/// recorded one since the plan).
pub fn decide(
    ledger: &Ledger,
    protocol: &Imported,
    author: &Author,
) -> Result<Decided, LedgerError> {
    match decide_one(ledger, protocol, author)? {
        Decision::Record(d) if is_acceptance(&d) => Ok(d),
        _ => Err(LedgerError::Inconsistent(format!(
            "precinct {} reported while the report was being imported; nothing was recorded: run the import again",
            protocol.precinct()
        ))),
    }
}

/// The kind of contest, with the lines of its ballot.
enum Kind<'a> {
    Referendum,
    PartyList {
        ballot: Vec<&'a str>,
        against_all: bool,
    },
    Presidential {
        ballot: Vec<&'a str>,
    },
}

impl Kind<'_> {
    fn cdf_type(&self) -> &'static str {
        match self {
            Kind::Referendum => "ElectionResults.BallotMeasureContest",
            Kind::PartyList { .. } => "ElectionResults.PartyContest",
            Kind::Presidential { .. } => "ElectionResults.CandidateContest",
        }
    }
    /// The lines of the ballot: named ones, then "against all" when it has it.
    fn width(&self) -> usize {
        match self {
            Kind::Referendum => 2,
            Kind::PartyList {
                ballot,
                against_all,
            } => ballot.len() + usize::from(*against_all),
            Kind::Presidential { ballot } => ballot.len() + 1,
        }
    }
}

/// One reported precinct's counts, as read.
#[derive(Default, Clone)]
struct Counts {
    votes: Vec<Option<u64>>,
    /// (ballots cast, rejected), and where.
    ballots: Option<(u64, u64)>,
    overvotes: Option<u64>,
}

/// A report being read, collecting problems.
struct Reader {
    problems: Vec<Problem>,
}

impl Reader {
    fn problem(&mut self, element: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            element: element.into(),
            message: message.into(),
        });
    }

    /// An array member, or none (an absent array is empty, as in the CDF).
    fn array<'v>(&mut self, v: &'v Value, key: &str, at: &str) -> &'v [Value] {
        match v.get(key) {
            None => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.problem(format!("{at}.{key}"), "must be an array");
                &[]
            }
        }
    }

    fn count(&mut self, v: &Value, key: &str, at: &str) -> Option<u64> {
        match v.get(key) {
            None => None,
            Some(n) => match n.as_u64() {
                Some(n) => Some(n),
                None => {
                    self.problem(
                        format!("{at}.{key}"),
                        format!("{n} is not a whole number ≥ 0"),
                    );
                    None
                }
            },
        }
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

/// The values of a unit's or record's external identifiers of a type (`ocd-id`) or other type.
fn identifiers<'v>(v: &'v Value, kind: &'v str) -> impl Iterator<Item = &'v str> + 'v {
    v.get("ExternalIdentifier")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(move |e| str_of(e, "Type") == Some(kind) || str_of(e, "OtherType") == Some(kind))
        .filter_map(|e| str_of(e, "Value"))
}

/// Every text of an `InternationalizedText`.
fn texts(v: Option<&Value>) -> Vec<&str> {
    v.and_then(|t| t.get("Text"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| str_of(l, "Content"))
        .collect()
}

/// Reads the text of a report: the JSON form of a v2 `ElectionReport`, or its XML form (read
/// into the JSON form by [`super::xml_read`]), or an error saying what the text is instead
/// (not JSON, another document, another version).
pub fn read(text: &str) -> Result<Value, ImportError> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if super::xml_read::is_xml(start) {
        let head: String = start.chars().take(4096).collect();
        return super::xml_read::to_json(start).map_err(|e| match e {
            XmlError::Element { path, message } => ImportError::Problems(vec![Problem {
                element: path,
                message,
            }]),
            XmlError::NotAReport(_) if head.contains("1500-100") && !head.contains(NAMESPACE) => {
                ImportError::Version(format!(
                    "this XML report is of another version of NIST SP 1500-100 (its namespace is not {NAMESPACE}); ashyq reads version 2"
                ))
            }
            XmlError::NotAReport(m) => ImportError::NotAReport(format!(
                "this is an XML document but not a NIST SP 1500-100 v2 report ({m})"
            )),
            XmlError::Syntax(m) => ImportError::NotAReport(format!("the XML is not well formed: {m}")),
        });
    }
    let v: Value = serde_json::from_str(start)
        .map_err(|e| ImportError::NotAReport(format!("the file is not JSON ({e})")))?;
    match v.get("@type").and_then(Value::as_str) {
        Some("ElectionResults.ElectionReport") => Ok(v),
        Some(t) => Err(ImportError::NotAReport(format!(
            "its \"@type\" is {t:?}, not \"ElectionResults.ElectionReport\""
        ))),
        None if v.get("ElectionReport").is_some() => Err(ImportError::Version(
            "the root is an object {\"ElectionReport\": …}; in the JSON form of NIST SP 1500-100 version 2 the root is the ElectionReport itself, with \"@type\": \"ElectionResults.ElectionReport\"".into(),
        )),
        None => Err(ImportError::NotAReport(
            "the root has no \"@type\"".into(),
        )),
    }
}

/// Reads a precinct-level report (JSON) and maps it onto a contest of the ledger: the one
/// named, else the one the report names (`ashyq-contest`), else the only one. Every protocol
/// is decided on the ledger's state (see the module documentation); nothing is recorded.
pub fn plan(
    ledger: &Ledger,
    text: &str,
    contest: Option<&str>,
    author: &Author,
) -> Result<ImportPlan, ImportError> {
    plan_report(ledger, &read(text)?, contest, author)
}

/// [`plan`] for a report already [`read`] (and, by the command line, checked against the
/// official JSON Schema).
pub fn plan_report(
    ledger: &Ledger,
    root: &Value,
    contest: Option<&str>,
    author: &Author,
) -> Result<ImportPlan, ImportError> {
    let mut r = Reader {
        problems: Vec::new(),
    };
    let territory = ledger.territory().ok_or_else(|| {
        ImportError::Problems(vec![Problem {
            element: "the database".into(),
            message: "has no territory: load the territory the report's units belong to first (`ashyq init`)".into(),
        }])
    })?;
    let index = TerritoryIndex::new(territory).map_err(|e| {
        ImportError::Problems(vec![Problem {
            element: "the database".into(),
            message: format!("its territory is not consistent: {e}"),
        }])
    })?;

    match str_of(root, "Format") {
        Some("precinct-level") => {}
        Some(f) => {
            r.problem(
                "Format",
                format!(
                    "is {f:?}: a summary carries no precinct's counts; import a precinct-level report"
                ),
            );
            return Err(ImportError::Problems(r.problems));
        }
        None => {
            r.problem("Format", "is missing; a precinct-level report is needed");
            return Err(ImportError::Problems(r.problems));
        }
    }

    // ---- the contest ---------------------------------------------------------------------
    let elections = r.array(root, "Election", "ElectionReport");
    let mut contests: Vec<(String, &Value, &Value)> = Vec::new();
    for (i, e) in elections.iter().enumerate() {
        let at = format!("Election[{i}]");
        for (j, c) in r.array(e, "Contest", &at).iter().enumerate() {
            contests.push((format!("{at}.Contest[{j}]"), e, c));
        }
    }
    let named_in_report = |c: &Value| identifiers(c, "ashyq-contest").next().map(str::to_owned);
    let ours: Vec<(&ContestId, &Contest)> = ledger.contests().all().collect();
    let wanted: Option<String> = contest.map(str::to_owned).or_else(|| {
        (contests.len() == 1)
            .then(|| named_in_report(contests[0].2))
            .flatten()
            .filter(|n| ours.iter().any(|(id, _)| id.as_str() == n))
    });
    let target = match (&wanted, ours.as_slice()) {
        (_, []) => {
            r.problem(
                "the database",
                "defines no contest: create the referendum or election the report is for first",
            );
            return Err(ImportError::Problems(r.problems));
        }
        (Some(w), _) => match ours.iter().find(|(id, _)| id.as_str() == w) {
            Some(c) => *c,
            None => {
                r.problem(
                    "--contest",
                    format!(
                        "there is no contest {w:?} in the database; the contests are: {}",
                        ours.iter()
                            .map(|(id, _)| id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                return Err(ImportError::Problems(r.problems));
            }
        },
        (None, [one]) => *one,
        (None, _) => {
            r.problem(
                "--contest",
                "the database has several contests and the report names none of them: name one with --contest ID",
            );
            return Err(ImportError::Problems(r.problems));
        }
    };
    let (contest_id, ours) = target;
    let kind = match ours {
        Contest::Referendum(_) => Kind::Referendum,
        Contest::PartyList(e) => Kind::PartyList {
            ballot: e.ballot(),
            against_all: e.definition.against_all,
        },
        Contest::Presidential(p) => Kind::Presidential { ballot: p.ballot() },
    };
    let found = match contests.as_slice() {
        [] => {
            r.problem("Election[0].Contest", "the report holds no contest");
            return Err(ImportError::Problems(r.problems));
        }
        [one] => one,
        many => match many
            .iter()
            .find(|c| named_in_report(c.2).as_deref() == Some(contest_id.as_str()))
        {
            Some(c) => c,
            None => {
                r.problem(
                    "Election[*].Contest",
                    format!(
                        "the report holds {} contests and none carries the ExternalIdentifier ashyq-contest {:?}; import a report of one contest",
                        many.len(),
                        contest_id.as_str()
                    ),
                );
                return Err(ImportError::Problems(r.problems));
            }
        },
    };
    let (contest_at, election, contest_v) = (found.0.clone(), found.1, found.2);
    match str_of(contest_v, "@type") {
        Some(t) if t == kind.cdf_type() => {}
        t => {
            r.problem(
                format!("{contest_at}.@type"),
                format!(
                    "is {:?}, but contest {} is a {} in the database ({})",
                    t.unwrap_or("missing"),
                    contest_id.as_str(),
                    match kind {
                        Kind::Referendum => "referendum",
                        Kind::PartyList { .. } => "party-list election",
                        Kind::Presidential { .. } => "presidential election",
                    },
                    kind.cdf_type()
                ),
            );
            return Err(ImportError::Problems(r.problems));
        }
    }

    // ---- the units -----------------------------------------------------------------------
    let country_ocd = ocd::country(&territory.profile.to_uppercase());
    let (_, district_ocd) = ocd::unit_ids(territory, &index, &country_ocd);
    let mut by_ocd: HashMap<String, usize> = HashMap::with_capacity(territory.precincts.len());
    for (i, p) in territory.precincts.iter().enumerate() {
        if let Some(place) = index.placement(p.id) {
            by_ocd.insert(ocd::precinct(&district_ocd[place.district], p), i);
        }
    }
    struct Unit<'v> {
        at: String,
        value: &'v Value,
        precinct: Option<usize>,
    }
    let mut units: HashMap<&str, Unit> = HashMap::new();
    let mut taken: HashMap<usize, String> = HashMap::new();
    let mut unit_of: Vec<Option<&str>> = vec![None; territory.precincts.len()];
    for (i, u) in r.array(root, "GpUnit", "ElectionReport").iter().enumerate() {
        let Some(id) = str_of(u, "@id") else {
            r.problem(format!("GpUnit[{i}]"), "has no \"@id\"");
            continue;
        };
        let at = format!("GpUnit[{i}] (@id {id})");
        let precinct = if str_of(u, "Type") == Some("precinct") {
            let by_ocd_id = identifiers(u, "ocd-id").find_map(|o| by_ocd.get(o).copied());
            let by_code = identifiers(u, "ashyq-precinct")
                .next()
                .and_then(|c| c.parse::<u32>().ok())
                .and_then(|n| index.placement(PrecinctId(n)))
                .map(|p| p.precinct);
            match (by_ocd_id, by_code) {
                (Some(a), Some(b)) if a != b => {
                    r.problem(
                        &at,
                        format!(
                            "its OCD-ID names precinct {} but its ashyq-precinct code names precinct {}; correct one of them",
                            territory.precincts[a].id, territory.precincts[b].id
                        ),
                    );
                    None
                }
                (Some(a), _) | (None, Some(a)) => {
                    if let Some(first) = taken.insert(a, at.clone()) {
                        r.problem(
                            &at,
                            format!(
                                "names precinct {}, which {first} names already; a precinct is one unit",
                                territory.precincts[a].id
                            ),
                        );
                        None
                    } else {
                        Some(a)
                    }
                }
                (None, None) => {
                    let ocd_id = identifiers(u, "ocd-id").next().unwrap_or("none");
                    r.problem(
                        &at,
                        format!(
                            "is not a precinct of this territory (OCD-ID {ocd_id}): no precinct has that OCD-ID or ashyq-precinct code; load the territory the report was written for"
                        ),
                    );
                    None
                }
            }
        } else {
            None
        };
        if let Some(p) = precinct {
            unit_of[p] = Some(id);
        }
        if units
            .insert(
                id,
                Unit {
                    at: at.clone(),
                    value: u,
                    precinct,
                },
            )
            .is_some()
        {
            r.problem(&at, "repeats an @id of another GpUnit");
        }
    }

    // ---- the selections --------------------------------------------------------------------
    let width = kind.width();
    let selections = r.array(contest_v, "ContestSelection", &contest_at);
    let parties: HashMap<&str, &Value> = r
        .array(root, "Party", "ElectionReport")
        .iter()
        .filter_map(|p| Some((str_of(p, "@id")?, p)))
        .collect();
    let candidates: HashMap<&str, &Value> = r
        .array(election, "Candidate", "Election")
        .iter()
        .filter_map(|c| Some((str_of(c, "@id")?, c)))
        .collect();
    // The line of our ballot each selection of the report counts for.
    let mut line_of: Vec<Option<usize>> = Vec::with_capacity(selections.len());
    let mut seen: HashMap<usize, String> = HashMap::new();
    for (k, s) in selections.iter().enumerate() {
        let at = format!("{contest_at}.ContestSelection[{k}]");
        let line = match (&kind, str_of(s, "@type")) {
            (Kind::Referendum, Some("ElectionResults.BallotMeasureSelection")) => {
                let names = texts(s.get("Selection"));
                let is = |words: [&str; 3]| {
                    names
                        .iter()
                        .any(|n| words.iter().any(|w| n.trim().to_lowercase() == *w))
                };
                if is(["yes", "иә", "да"]) {
                    Some(0)
                } else if is(["no", "жоқ", "нет"]) {
                    Some(1)
                } else {
                    r.problem(
                        &at,
                        format!(
                            "its Selection {names:?} is neither Yes nor No (in kk, ru or en); a referendum's answers are Yes and No"
                        ),
                    );
                    None
                }
            }
            (
                Kind::PartyList {
                    ballot,
                    against_all,
                },
                Some(t),
            ) => {
                let party = (t == "ElectionResults.PartySelection")
                    .then(|| {
                        s.get("PartyIds")
                            .and_then(Value::as_array)
                            .and_then(|a| a.first())
                            .and_then(Value::as_str)
                    })
                    .flatten();
                match party {
                    Some(pid) => {
                        match parties.get(pid) {
                            None => {
                                r.problem(&at, format!("names party {pid:?}, which no Party record of the report has"));
                                None
                            }
                            Some(p) => {
                                let mut names: Vec<&str> = identifiers(p, "ashyq-party").collect();
                                names.extend(texts(p.get("Name")));
                                let found = ballot
                                    .iter()
                                    .position(|b| names.iter().any(|n| same_name(n, b)));
                                if found.is_none() {
                                    r.problem(&at, format!("its party {names:?} has no list on the ballot of {}; the lists are: {}", contest_id.as_str(), ballot.join(", ")));
                                }
                                found
                            }
                        }
                    }
                    None if t == "ElectionResults.CandidateSelection"
                        && s.get("CandidateIds").is_none() =>
                    {
                        if *against_all {
                            Some(ballot.len())
                        } else {
                            r.problem(&at, format!("is a line \"against all\" (a selection naming no candidate), which the ballot of {} does not have", contest_id.as_str()));
                            None
                        }
                    }
                    None => {
                        r.problem(&at, "is neither a PartySelection naming a party nor the line \"against all\" (a CandidateSelection naming no candidate)");
                        None
                    }
                }
            }
            (Kind::Presidential { ballot }, Some("ElectionResults.CandidateSelection")) => {
                match s
                    .get("CandidateIds")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                {
                    None => Some(ballot.len()),
                    Some(cid) => match candidates.get(cid) {
                        None => {
                            r.problem(&at, format!("names candidate {cid:?}, which no Candidate record of the election has"));
                            None
                        }
                        Some(c) => {
                            let names = texts(c.get("BallotName"));
                            let found = ballot
                                .iter()
                                .position(|b| names.iter().any(|n| same_name(n, b)));
                            if found.is_none() {
                                r.problem(&at, format!("its candidate {names:?} is not on the ballot of {}; the candidates are: {}", contest_id.as_str(), ballot.join(", ")));
                            }
                            found
                        }
                    },
                }
            }
            (_, t) => {
                r.problem(
                    format!("{at}.@type"),
                    format!("{t:?} is not a selection of a {}", kind.cdf_type()),
                );
                None
            }
        };
        if let Some(l) = line
            && let Some(first) = seen.insert(l, at.clone())
        {
            r.problem(
                &at,
                format!("counts for the same line of the ballot as {first}"),
            );
        }
        line_of.push(line);
    }
    for l in 0..width {
        if !seen.contains_key(&l) {
            let name = match &kind {
                Kind::Referendum => ["Yes", "No"][l].to_owned(),
                Kind::PartyList { ballot, .. } | Kind::Presidential { ballot } => ballot
                    .get(l)
                    .map_or_else(|| "against all".to_owned(), |b| (*b).to_owned()),
            };
            r.problem(
                format!("{contest_at}.ContestSelection"),
                format!(
                    "has no selection for {name:?}, a line of the ballot of {}",
                    contest_id.as_str()
                ),
            );
        }
    }

    // ---- the counts ------------------------------------------------------------------------
    let mut counts: HashMap<usize, Counts> = HashMap::new();
    let mut ignored_units = 0usize;
    let mut summed_types = 0usize;
    // The precinct a count's GpUnitId names; `None` (named) when unknown, `Some(None)` for a
    // unit above the precincts (ignored: its figures are sums).
    let mut precinct_of = |r: &mut Reader, c: &Value, at: &str| -> Option<Option<usize>> {
        let Some(id) = str_of(c, "GpUnitId") else {
            r.problem(at, "has no GpUnitId");
            return None;
        };
        match units.get(id) {
            None => {
                r.problem(
                    at,
                    format!("names GpUnit {id:?}, which the report does not have"),
                );
                None
            }
            Some(u) if u.precinct.is_some() => Some(u.precinct),
            Some(u) if str_of(u.value, "Type") == Some("precinct") => None,
            Some(_) => {
                ignored_units += 1;
                Some(None)
            }
        }
    };
    let mut totals: HashMap<(usize, usize), (u64, bool)> = HashMap::new();
    for (k, s) in selections.iter().enumerate() {
        let at = format!("{contest_at}.ContestSelection[{k}]");
        let Some(line) = line_of[k] else { continue };
        for (n, c) in r.array(s, "VoteCounts", &at).iter().enumerate() {
            let at = format!("{at}.VoteCounts[{n}]");
            let kind_of = str_of(c, "Type").unwrap_or("");
            if kind_of == "seats" {
                continue;
            }
            let Some(Some(p)) = precinct_of(&mut r, c, &at) else {
                continue;
            };
            let Some(count) = r.count(c, "Count", &at) else {
                r.problem(&at, "has no Count");
                continue;
            };
            let total = kind_of == "total";
            match totals.get_mut(&(line, p)) {
                None => {
                    totals.insert((line, p), (count, total));
                }
                Some(slot) => match (slot.1, total) {
                    (true, true) => r.problem(
                        &at,
                        format!(
                            "a second count of type total for {} in this selection",
                            territory.precincts[p].id
                        ),
                    ),
                    (false, true) => *slot = (count, true),
                    (true, false) => {}
                    (false, false) => {
                        slot.0 += count;
                        summed_types += 1;
                    }
                },
            }
        }
    }
    for ((line, p), (count, _)) in totals {
        let c = counts.entry(p).or_default();
        if c.votes.is_empty() {
            c.votes = vec![None; width];
        }
        c.votes[line] = Some(count);
    }
    for (n, b) in r
        .array(election, "BallotCounts", &found.0)
        .iter()
        .enumerate()
    {
        let at = format!("Election.BallotCounts[{n}]");
        if str_of(b, "Type") != Some("total") {
            continue;
        }
        let Some(Some(p)) = precinct_of(&mut r, b, &at) else {
            continue;
        };
        let cast = r.count(b, "BallotsCast", &at);
        let rejected = r.count(b, "BallotsRejected", &at).unwrap_or(0);
        let Some(cast) = cast else {
            r.problem(
                &at,
                "has no BallotsCast (ballots found in the boxes, line 8)",
            );
            continue;
        };
        let c = counts.entry(p).or_default();
        if c.ballots.replace((cast, rejected)).is_some() {
            r.problem(
                &at,
                format!(
                    "a second BallotCounts of type total for {}",
                    territory.precincts[p].id
                ),
            );
        }
    }
    for (n, o) in r
        .array(contest_v, "OtherCounts", &contest_at)
        .iter()
        .enumerate()
    {
        let at = format!("{contest_at}.OtherCounts[{n}]");
        let Some(Some(p)) = precinct_of(&mut r, o, &at) else {
            continue;
        };
        let Some(over) = r.count(o, "Overvotes", &at) else {
            continue;
        };
        if over > 0 && !matches!(kind, Kind::Referendum) {
            r.problem(&at, "counts overvotes in a contest of one mark: ashyq counts such a ballot as invalid; give it in the BallotCounts' BallotsRejected instead");
        }
        counts.entry(p).or_default().overvotes = Some(over);
    }

    // ---- the protocols ---------------------------------------------------------------------
    let mut precincts: Vec<usize> = counts.keys().copied().collect();
    precincts.sort_unstable();
    let mut derived = 0usize;
    let mut protocols = Vec::with_capacity(precincts.len());
    let mut already = 0usize;
    for i in precincts {
        let c = &counts[&i];
        let p = &territory.precincts[i];
        let Some(unit) = unit_of[i].and_then(|id| units.get(id)) else {
            continue;
        };
        let at = unit.at.clone();
        let Some((cast, rejected)) = c.ballots else {
            r.problem(
                &at,
                "has vote counts but no BallotCounts of type total (ballots found and rejected)",
            );
            continue;
        };
        let mut votes = Vec::with_capacity(width);
        let mut complete = true;
        for (l, v) in c.votes.iter().enumerate().take(width) {
            match v {
                Some(v) => votes.push(*v),
                None => {
                    complete = false;
                    r.problem(
                        &at,
                        format!(
                            "has no VoteCounts of the selection for line {} of the ballot",
                            l + 1
                        ),
                    );
                }
            }
        }
        if c.votes.is_empty() {
            complete = false;
            r.problem(&at, "has BallotCounts but no VoteCounts");
        }
        if !complete {
            continue;
        }
        let registered = r.count(unit.value, "VotersRegistered", &at);
        let participated = r.count(unit.value, "VotersParticipated", &at);
        let given = identifiers(unit.value, BALLOT_LINES).next();
        let ballots = match given {
            Some(text) => {
                let n: Vec<Option<u64>> = text.split(',').map(|x| x.trim().parse().ok()).collect();
                match n.as_slice() {
                    [
                        Some(a),
                        Some(b),
                        Some(c3),
                        Some(d),
                        Some(e),
                        Some(f),
                        Some(g),
                        Some(h),
                    ] => {
                        let l = BallotLines {
                            voters_on_list: *a,
                            voters_added_on_day: *b,
                            voters_added_absentee: *c3,
                            absentee_certificates_issued: *d,
                            ballots_received: *e,
                            ballots_issued: *f,
                            ballots_cancelled: *g,
                            ballots_found: *h,
                        };
                        let mut agree = true;
                        for (name, ours, theirs) in [
                            ("VotersRegistered", l.voters_on_list, registered),
                            ("VotersParticipated", l.ballots_issued, participated),
                            ("BallotsCast", l.ballots_found, Some(cast)),
                        ] {
                            if theirs.is_some_and(|t| t != ours) {
                                agree = false;
                                r.problem(&at, format!("its {BALLOT_LINES} ({text}) disagrees with its {name} ({})", theirs.unwrap_or(0)));
                            }
                        }
                        if !agree {
                            continue;
                        }
                        l
                    }
                    _ => {
                        r.problem(&at, format!("its {BALLOT_LINES} {text:?} is not eight whole numbers separated by commas (lines 1–8)"));
                        continue;
                    }
                }
            }
            None => {
                let (Some(registered), Some(participated)) = (registered, participated) else {
                    r.problem(&at, "has counts but lacks VotersRegistered or VotersParticipated (lines 1 and 6 of the protocol)");
                    continue;
                };
                derived += 1;
                BallotLines {
                    voters_on_list: registered,
                    ballots_received: participated,
                    ballots_issued: participated,
                    ballots_found: cast,
                    ..BallotLines::default()
                }
            }
        };
        let overvotes = c.overvotes.unwrap_or(0);
        let protocol = match &kind {
            Kind::Referendum => Imported::Referendum(PrecinctProtocol {
                referendum: contest_id.clone(),
                precinct: p.id,
                lines: ProtocolLines {
                    ballots,
                    yes: votes[0],
                    no: votes[1],
                    both_marked: overvotes,
                    invalid: rejected,
                },
            }),
            Kind::PartyList {
                ballot,
                against_all,
            } => Imported::PartyList(PartyListProtocol {
                election: contest_id.clone(),
                precinct: p.id,
                ballots,
                votes: ballot
                    .iter()
                    .zip(&votes)
                    .map(|(name, v)| PartyVotes {
                        party: (*name).to_owned(),
                        votes: *v,
                    })
                    .collect(),
                against_all: if *against_all { votes[ballot.len()] } else { 0 },
                invalid: rejected,
            }),
            Kind::Presidential { ballot } => Imported::Presidential(PresidentialProtocol {
                election: contest_id.clone(),
                precinct: p.id,
                ballots,
                votes: ballot
                    .iter()
                    .zip(&votes)
                    .map(|(name, v)| CandidateVotes {
                        candidate: (*name).to_owned(),
                        votes: *v,
                    })
                    .collect(),
                against_all: votes[ballot.len()],
                invalid: rejected,
            }),
        };
        match decide_one(ledger, &protocol, author) {
            Err(e) => r.problem(&at, e.to_string()),
            Ok(Decision::Known(_)) => already += 1,
            Ok(Decision::Record(d)) if is_acceptance(&d) => protocols.push(protocol),
            Ok(Decision::Record(_)) => r.problem(
                &at,
                format!(
                    "precinct {} has already reported different figures; the report cannot replace them: amend the protocol (`ashyq protocol amend`) or correct the report",
                    p.id
                ),
            ),
        }
    }

    if !r.problems.is_empty() {
        return Err(ImportError::Problems(r.problems));
    }
    if protocols.is_empty() {
        if already > 0 {
            return Err(ImportError::AlreadyImported(already));
        }
        r.problem(
            format!("{contest_at}.ContestSelection[*].VoteCounts"),
            "the report has no precinct's counts: nothing to import",
        );
        return Err(ImportError::Problems(r.problems));
    }
    let mut notes = Vec::new();
    if derived > 0 {
        notes.push(format!(
            "{derived} precinct(s) carry no {BALLOT_LINES}: lines 2, 3, 4 and 7 of their protocols are taken as 0 and line 5 (ballots received) as line 6 (VotersParticipated), as the CDF has no elements for them"
        ));
    }
    if ignored_units > 0 {
        notes.push(format!(
            "{ignored_units} count(s) for units above the precincts were not read: the results are summed from the precincts"
        ));
    }
    if summed_types > 0 {
        notes.push(format!(
            "{summed_types} count(s) of types other than total were added up where a precinct had no total"
        ));
    }
    Ok(ImportPlan {
        contest: contest_id.clone(),
        protocols,
        already_recorded: already,
        notes,
    })
}
