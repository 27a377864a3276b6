//! The neutral shape ([`ContestFigures`]) of the contests the ledger keeps: the referendum and
//! the party-list election, and [`report`] of any contest by id at the ledger's head.

use crate::contest::ContestId;
use crate::ledger::{
    Contest, ElectionRecord, Ledger, LedgerError, PresidentialRecord, ReferendumRecord,
};
use crate::party::same_name;
use crate::president::PresidentialOutcome;
use crate::referendum::{AdoptionRule, ReferendumDefinition};
use crate::territory::Names;

use super::build::{
    self, ContestFigures, ContestShape, Issuer, NistError, PrecinctFigures, ReportHead,
    SelectionShape, status_of,
};
use super::{ElectionReport, InternationalizedText, ReportDetailLevel, ResultsStatus};

/// Why the ledger cannot give a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The ledger refused the question (unknown contest, no territory).
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    /// The figures do not fit the report.
    #[error("{0}")]
    Nist(#[from] NistError),
    /// No contest under that id, or several and none named.
    #[error("{0}")]
    Contest(String),
    /// Nothing is recorded yet.
    #[error("the log is empty: load a territory and define a contest first")]
    Empty,
}

/// The rules of validity and adoption of a referendum, in words.
pub fn passage_threshold(def: &ReferendumDefinition) -> String {
    let validity = format!(
        "valid when more than {}% of eligible voters take part",
        def.validity.min_turnout.percent()
    );
    let adoption = match def.adoption {
        AdoptionRule::NationalMajority { share } => format!(
            "adopted when more than {}% of participants vote yes",
            share.percent()
        ),
        AdoptionRule::RegionalMajority { share, units } => format!(
            "adopted when more than {}% of participants vote yes in at least {}% of the regions and cities of republican significance (abroad is not a unit)",
            share.percent(),
            units.percent()
        ),
    };
    format!("{validity}; {adoption}")
}

/// A referendum in the neutral shape.
pub fn referendum(ledger: &Ledger, r: &ReferendumRecord) -> Result<ContestFigures, ReportError> {
    let def = &r.definition;
    let tree = ledger.results(&def.id)?;
    let precincts = r
        .book()
        .places()
        .iter()
        .map(|a| {
            a.as_ref().map(|a| {
                let l = &a.protocol.lines;
                PrecinctFigures::of(&l.ballots, l.invalid, l.both_marked, vec![l.yes, l.no])
            })
        })
        .collect();
    Ok(ContestFigures {
        contest: def.id.clone(),
        title: InternationalizedText::of(&def.title),
        name: def.title.en.clone(),
        voting_day: def.voting_day,
        shape: ContestShape::Referendum {
            question: def.question.clone(),
            passage_threshold: passage_threshold(def),
            outcome: tree.outcome,
        },
        selections: vec![
            SelectionShape::Answer {
                key: "yes",
                label: Names {
                    kk: "Иә".into(),
                    ru: "Да".into(),
                    en: "Yes".into(),
                },
            },
            SelectionShape::Answer {
                key: "no",
                label: Names {
                    kk: "Жоқ".into(),
                    ru: "Нет".into(),
                    en: "No".into(),
                },
            },
        ],
        precincts,
        status: status_of(tree.status),
    })
}

/// A party-list election in the neutral shape: one selection per list in ballot order, then
/// "against all" when the ballot has it; the seats once allocated.
pub fn party_list(ledger: &Ledger, e: &ElectionRecord) -> Result<ContestFigures, ReportError> {
    let def = &e.definition;
    let results = ledger.election_results(&def.id)?;
    let mut selections: Vec<SelectionShape> = e
        .ballot()
        .into_iter()
        .map(|name| SelectionShape::Party {
            name: name.to_owned(),
            short_name: ledger
                .parties()
                .iter()
                .find(|p| same_name(&p.name, name))
                .map(|p| p.short_name.clone())
                .filter(|s| !s.trim().is_empty()),
        })
        .collect();
    if def.against_all {
        selections.push(SelectionShape::AgainstAll);
    }
    let against_all = def.against_all;
    let precincts = e
        .book()
        .places()
        .iter()
        .map(|a| {
            a.as_ref().map(|a| {
                let p = &a.protocol;
                let mut votes: Vec<u64> = p.votes.iter().map(|v| v.votes).collect();
                if against_all {
                    votes.push(p.against_all);
                }
                PrecinctFigures::of(&p.ballots, p.invalid, 0, votes)
            })
        })
        .collect();
    let seats = e.allocation().map(|a| {
        let mut s: Vec<u64> = e
            .ballot()
            .iter()
            .map(|name| {
                a.seats()
                    .find(|(p, _)| same_name(p, name))
                    .map_or(0, |(_, n)| u64::from(n))
            })
            .collect();
        if against_all {
            s.push(0);
        }
        s
    });
    Ok(ContestFigures {
        contest: def.id.clone(),
        title: InternationalizedText::one("en", &def.title),
        name: def.title.clone(),
        voting_day: def.election_day,
        shape: ContestShape::PartyList { seats },
        selections,
        precincts,
        status: status_of(results.status),
    })
}

/// A round of the presidential election as a candidate contest: the registered candidates
/// in ballot order with their nominators, "against all", every precinct's protocol, and once
/// the figures decide, the winner or the two who go on to the second round.
pub fn presidential(
    ledger: &Ledger,
    p: &PresidentialRecord,
) -> Result<ContestFigures, ReportError> {
    let def = &p.definition;
    let results = ledger.presidential_results(&def.id)?;
    let ballot = p.ballot();
    let candidates = ballot
        .iter()
        .map(|name| {
            let party = p
                .nominees
                .iter()
                .find(|n| n.nomination.name == *name)
                .map(|n| n.nomination.nominated_by.name.clone());
            (Names::same(name), party)
        })
        .collect();
    let index_of = |name: &str| ballot.iter().position(|b| *b == name);
    let decided = results.outcome.as_ref().map(|o| match o {
        PresidentialOutcome::Elected { elected, .. } => build::CandidateOutcome {
            winner: index_of(elected),
            runoff: Vec::new(),
        },
        PresidentialOutcome::SecondRound { candidates, .. } => build::CandidateOutcome {
            winner: None,
            runoff: candidates.iter().filter_map(|c| index_of(c)).collect(),
        },
        PresidentialOutcome::NotElected { .. } => build::CandidateOutcome::default(),
    });
    let precincts = p
        .book()
        .places()
        .iter()
        .map(|a| {
            a.as_ref().map(|a| {
                let pr = &a.protocol;
                build::CandidatePrecinct {
                    ballots: pr.ballots,
                    votes: pr.votes.iter().map(|v| v.votes).collect(),
                    against_all: pr.against_all,
                    invalid: pr.invalid,
                }
            })
        })
        .collect();
    Ok(build::candidate_contest(build::CandidateFigures {
        contest: def.id.clone(),
        title: Names::same(&def.title),
        voting_day: def.election_day,
        candidates,
        against_all: true,
        precincts,
        status: status_of(results.status),
        number_runoff: (def.second_round_of.is_none())
            .then_some(def.rules.outcome.second_round_candidates as u64),
        decided,
    }))
}

/// The report of a contest (the named one, or the only one) at the ledger's head.
pub fn report(
    ledger: &Ledger,
    contest: Option<&str>,
    format: ReportDetailLevel,
    issuer: &Issuer,
) -> Result<ElectionReport, ReportError> {
    report_with_status(ledger, contest, format, issuer, None)
}

/// [`report`] with the status given (an audit's hand count gives [`ResultsStatus::Recount`]).
pub fn report_with_status(
    ledger: &Ledger,
    contest: Option<&str>,
    format: ReportDetailLevel,
    issuer: &Issuer,
    status: Option<ResultsStatus>,
) -> Result<ElectionReport, ReportError> {
    let id = resolve(ledger, contest)?;
    let mut figures = match ledger
        .contests()
        .all()
        .find(|(c, _)| **c == id)
        .map(|(_, c)| c)
    {
        Some(Contest::Referendum(r)) => referendum(ledger, r)?,
        Some(Contest::PartyList(e)) => party_list(ledger, e)?,
        Some(Contest::Presidential(p)) => presidential(ledger, p)?,
        None => return Err(ReportError::Contest(format!("there is no contest {id}"))),
    };
    if let Some(s) = status {
        figures.status = s;
    }
    let territory = ledger.territory().ok_or(LedgerError::NoTerritory)?;
    let (seq, hash) = ledger.head().ok_or(ReportError::Empty)?;
    let head = ReportHead {
        seq,
        hash: hash.clone(),
        recorded_at: ledger.entry_time(seq).ok_or(ReportError::Empty)?,
    };
    Ok(build::report(territory, &figures, format, &head, issuer)?)
}

/// The contest named, or the only one of any kind.
fn resolve(ledger: &Ledger, contest: Option<&str>) -> Result<ContestId, ReportError> {
    let all: Vec<&ContestId> = ledger.contests().all().map(|(id, _)| id).collect();
    let known = all
        .iter()
        .map(|id| id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    match (contest, all.as_slice()) {
        (_, []) => Err(ReportError::Contest(
            "no contest is defined yet; create a referendum or an election first".into(),
        )),
        (Some(name), _) => all
            .iter()
            .find(|id| id.as_str() == name)
            .map(|id| (*id).clone())
            .ok_or_else(|| {
                ReportError::Contest(format!(
                    "there is no contest {name:?}; the contests are: {known}"
                ))
            }),
        (None, [one]) => Ok((*one).clone()),
        (None, _) => Err(ReportError::Contest(format!(
            "there are several contests ({known}); name one with --contest ID"
        ))),
    }
}
