//! An audit's report, derived from its record and the certified protocols — pure: per contest
//! the risk limit, the seed, the sample, each board member's entries, the discrepancies
//! against the protocols, the risk per round and the conclusion; as JSON (serde) and CSV.
//! `ashyq audit status|report` and the public API print the same value.

use serde::Serialize;

use super::record::{AuditEntry, AuditMethod, AuditRecord, Manifest, StopDecision};
use super::{Answer, HandCount, RiskLimit, format_ppm, reported_winner};
use crate::contest::ContestId;
use crate::register::csv_field;

/// The whole report of one audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    /// The audit's id.
    pub audit: String,
    /// The referendum audited.
    pub referendum: ContestId,
    /// The method of every contest not audited by another (each contest names its own).
    pub method: AuditMethod,
    /// The risk limit in whole percent.
    pub risk_limit: RiskLimit,
    /// The seed of the public ceremony, once recorded.
    pub seed: Option<String>,
    /// Rounds drawn.
    pub rounds_drawn: u32,
    /// Rounds measured.
    pub rounds_measured: u32,
    /// The round open for entries, if any.
    pub open_round: Option<u32>,
    /// Each contest.
    pub contests: Vec<ContestReport>,
    /// Each sampled item (distinct), in draw order.
    pub items: Vec<ItemReport>,
    /// The full hand counts of escalated contests, by precinct.
    pub hand_counts: Vec<HandCountRow>,
}

/// One precinct counted in full after an escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandCountRow {
    /// The precinct.
    pub precinct: u32,
    /// Its first-level unit.
    pub region: String,
    /// The escalated contest it was counted for.
    pub contest: String,
    /// What the paper says.
    pub count: HandCount,
    /// The certified protocol's lines.
    pub certified: HandCount,
    /// Whether the count replaced the protocol (an amendment of the result).
    pub amended: bool,
    /// The reason recorded.
    pub reason: String,
    /// Who recorded it.
    pub author: String,
}

/// One contest of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestReport {
    /// `national` or a unit's code.
    pub contest: String,
    /// The contest's method.
    pub method: AuditMethod,
    /// The answer the protocols report as winning (`None` on a tie).
    pub reported_winner: Option<Answer>,
    /// The protocols' totals of the contest.
    pub reported: HandCount,
    /// Every draw of the contest, in order.
    pub sample: Vec<SampleRow>,
    /// The measurement of each round the contest was open in.
    pub risk: Vec<RoundRisk>,
    /// Sampled items of the contest whose agreed count differs from the protocol.
    pub discrepancies: u64,
    /// `not drawn`, `round N open`, `confirmed`, `draw N more` or `escalate`.
    pub conclusion: Conclusion,
    /// The contest's precincts.
    pub precincts: u64,
    /// How many of them are counted in full (after an escalation).
    pub hand_counted: u64,
}

/// Where a contest stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Conclusion {
    /// No round drawn yet.
    NotDrawn,
    /// A round is drawn and waits for its entries.
    RoundOpen {
        /// The round.
        round: u32,
    },
    /// Confirmed at the risk limit.
    Confirmed,
    /// The next round draws this many more.
    DrawMore {
        /// The next round's draws.
        next: u64,
    },
    /// No sample will do: a full hand count of the contest's territory.
    Escalate,
}

impl std::fmt::Display for Conclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Conclusion::NotDrawn => f.write_str("not drawn yet"),
            Conclusion::RoundOpen { round } => write!(f, "round {round} open for entries"),
            Conclusion::Confirmed => f.write_str("confirmed"),
            Conclusion::DrawMore { next } => write!(f, "escalate: draw {next} more"),
            Conclusion::Escalate => f.write_str("escalate to a full hand count"),
        }
    }
}

/// One draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleRow {
    /// The round that drew it.
    pub round: u32,
    /// The ticket, at full precision.
    pub ticket: String,
    /// The item: a precinct number or a ballot `<precinct>:<position>`.
    pub item: String,
    /// 1, then 2, 3, … when drawn again.
    pub generation: u32,
}

/// One round's measurement of a contest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundRisk {
    /// The round.
    pub round: u32,
    /// Draws so far.
    pub draws: u64,
    /// The risk in millionths, rounded up.
    pub risk_ppm: u64,
    /// The same as a decimal, `0.031250`.
    pub risk: String,
    /// The decision.
    pub decision: StopDecision,
}

/// One board member's entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryRow {
    /// The member.
    pub member: String,
    /// The member's role.
    pub role: String,
    /// What was entered.
    pub entry: AuditEntry,
}

/// A signed difference, hand count minus protocol, per line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Yes.
    pub yes: i64,
    /// No.
    pub no: i64,
    /// Both marked.
    pub both_marked: i64,
    /// Invalid.
    pub invalid: i64,
}

impl Difference {
    fn of(paper: &HandCount, protocol: &HandCount) -> Difference {
        let d = |a: u64, b: u64| a as i64 - b as i64;
        Difference {
            yes: d(paper.yes, protocol.yes),
            no: d(paper.no, protocol.no),
            both_marked: d(paper.both_marked, protocol.both_marked),
            invalid: d(paper.invalid, protocol.invalid),
        }
    }

    /// Whether any line differs.
    pub fn any(&self) -> bool {
        *self != Difference::default()
    }
}

/// One sampled item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemReport {
    /// The item.
    pub item: String,
    /// Its precinct.
    pub precinct: u32,
    /// Its first-level unit.
    pub region: String,
    /// The protocol's lines (batch comparison).
    pub reported: Option<HandCount>,
    /// Every entry, in order.
    pub entries: Vec<EntryRow>,
    /// What two different members agree on.
    pub agreed: Option<AuditEntry>,
    /// Members disagree and none agree yet (shown to both).
    pub disputed: bool,
    /// The agreed hand count minus the protocol, when they differ (batch comparison).
    pub discrepancy: Option<Difference>,
}

/// A short text of an entry: `yes 120 no 30 both 1 invalid 2`, or a ballot's reading.
pub fn describe(entry: &AuditEntry) -> String {
    match entry {
        AuditEntry::Precinct { count } => format!(
            "yes {} no {} both {} invalid {}",
            count.yes, count.no, count.both_marked, count.invalid
        ),
        AuditEntry::Ballot { reading } => serde_json::to_value(reading)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
    }
}

impl AuditReport {
    /// The report of `record` on the certified protocols `manifest`.
    pub fn of(record: &AuditRecord, manifest: &Manifest) -> AuditReport {
        let items: Vec<ItemReport> = record
            .sampled()
            .into_iter()
            .filter_map(|item| {
                let p = &manifest.precincts[manifest.precinct_of(&item)?];
                let agreed = record.agreed(&item);
                let reported = (record.method_of_item(&item) == AuditMethod::BatchComparison)
                    .then_some(p.reported);
                let discrepancy = match (agreed, reported) {
                    (Some(AuditEntry::Precinct { count }), Some(r)) => {
                        Some(Difference::of(&count, &r)).filter(Difference::any)
                    }
                    _ => None,
                };
                Some(ItemReport {
                    entries: record
                        .entries
                        .get(&item)
                        .into_iter()
                        .flatten()
                        .map(|(a, e)| EntryRow {
                            member: a.name.clone(),
                            role: a.role.clone(),
                            entry: *e,
                        })
                        .collect(),
                    disputed: record.disputed(&item),
                    precinct: p.number,
                    region: p.region.0.clone(),
                    item,
                    reported,
                    agreed,
                    discrepancy,
                })
            })
            .collect();
        let hand_counts: Vec<HandCountRow> = record
            .hand_counts
            .iter()
            .map(|(n, h)| HandCountRow {
                precinct: *n,
                region: manifest
                    .precinct_of(&n.to_string())
                    .map(|i| manifest.precincts[i].region.0.clone())
                    .unwrap_or_default(),
                contest: h.contest.clone(),
                count: h.count,
                certified: h.certified,
                amended: h.amended,
                reason: h.reason.clone(),
                author: h.author.name.clone(),
            })
            .collect();
        let contests = record
            .contests
            .iter()
            .map(|c| contest_report(record, manifest, c, &items, &hand_counts))
            .collect();
        AuditReport {
            audit: record.id.clone(),
            referendum: record.referendum.clone(),
            method: record.method,
            risk_limit: record.risk_limit,
            seed: record.seed.clone(),
            rounds_drawn: record.rounds.len() as u32,
            rounds_measured: record.measures.len() as u32,
            open_round: record.open_round(),
            contests,
            items,
            hand_counts,
        }
    }

    /// The item's report.
    pub fn item(&self, item: &str) -> Option<&ItemReport> {
        self.items.iter().find(|i| i.item == item)
    }

    /// The report as CSV: one row per draw of each contest, with the contest's risk limit,
    /// seed and conclusion, the item's entries, agreement and discrepancy, and the risk and
    /// decision of the round that drew it. A contest with no draw has one row with its
    /// conclusion.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "contest,risk_limit,seed,round,ticket,item,generation,entries,agreed,disputed,discrepancy,risk_after_round,decision_after_round,conclusion\n",
        );
        let seed = self.seed.clone().unwrap_or_default();
        for c in &self.contests {
            let conclusion = c.conclusion.to_string();
            if c.sample.is_empty() {
                out.push_str(&format!(
                    "{},{},{},,,,,,,,,,,{}\n",
                    csv_field(&c.contest),
                    self.risk_limit.as_percent(),
                    seed,
                    csv_field(&conclusion)
                ));
            }
            for s in &c.sample {
                let item = self.item(&s.item);
                let entries = item
                    .map(|i| {
                        i.entries
                            .iter()
                            .map(|e| format!("{}: {}", e.member, describe(&e.entry)))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                let agreed = item
                    .and_then(|i| i.agreed.as_ref())
                    .map(describe)
                    .unwrap_or_default();
                let disputed = item.is_some_and(|i| i.disputed);
                let discrepancy = item
                    .and_then(|i| i.discrepancy)
                    .map(|d| {
                        format!(
                            "yes {:+} no {:+} both {:+} invalid {:+}",
                            d.yes, d.no, d.both_marked, d.invalid
                        )
                    })
                    .unwrap_or_default();
                let (risk, decision) = c
                    .risk
                    .iter()
                    .find(|r| r.round == s.round)
                    .map(|r| (r.risk.clone(), decision_text(&r.decision)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                    csv_field(&c.contest),
                    self.risk_limit.as_percent(),
                    seed,
                    s.round,
                    s.ticket,
                    csv_field(&s.item),
                    s.generation,
                    csv_field(&entries),
                    csv_field(&agreed),
                    disputed,
                    csv_field(&discrepancy),
                    risk,
                    csv_field(&decision),
                    csv_field(&conclusion)
                ));
            }
        }
        out
    }
}

/// A decision as text.
pub fn decision_text(d: &StopDecision) -> String {
    match d {
        StopDecision::Confirmed => "confirmed".into(),
        StopDecision::Continue { next } => format!("draw {next} more"),
        StopDecision::Escalate => "escalate to a full hand count".into(),
    }
}

fn contest_report(
    record: &AuditRecord,
    manifest: &Manifest,
    contest: &str,
    items: &[ItemReport],
    hand_counts: &[HandCountRow],
) -> ContestReport {
    let inside = |region: &str| contest == "national" || region == contest;
    let precincts = manifest
        .precincts
        .iter()
        .filter(|p| inside(&p.region.0))
        .count() as u64;
    let hand_counted = hand_counts.iter().filter(|h| inside(&h.region)).count() as u64;
    let reported = manifest.reported(contest);
    let mut sample = Vec::new();
    for (r, round) in record.rounds.iter().enumerate() {
        for d in round.iter().filter(|d| d.contest == contest) {
            sample.extend(d.tickets.iter().map(|t| SampleRow {
                round: r as u32 + 1,
                ticket: t.number.clone(),
                item: t.id.clone(),
                generation: t.generation,
            }));
        }
    }
    let risk: Vec<RoundRisk> = record
        .measures
        .iter()
        .enumerate()
        .filter_map(|(r, m)| {
            let c = m.iter().find(|c| c.contest == contest)?;
            Some(RoundRisk {
                round: r as u32 + 1,
                draws: c.draws,
                risk_ppm: c.risk_ppm,
                risk: format_ppm(c.risk_ppm),
                decision: c.decision,
            })
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    let discrepancies = sample
        .iter()
        .filter(|s| seen.insert(s.item.clone()))
        .filter(|s| {
            items
                .iter()
                .any(|i| i.item == s.item && i.discrepancy.is_some())
        })
        .count() as u64;
    let open = record.open_round();
    let drawn_in_open = open.is_some()
        && record
            .rounds
            .last()
            .is_some_and(|r| r.iter().any(|d| d.contest == contest));
    let conclusion = match (risk.last(), open) {
        (_, Some(round)) if drawn_in_open => Conclusion::RoundOpen { round },
        (None, _) => Conclusion::NotDrawn,
        (Some(r), _) => match r.decision {
            StopDecision::Confirmed => Conclusion::Confirmed,
            StopDecision::Continue { next } => Conclusion::DrawMore { next },
            StopDecision::Escalate => Conclusion::Escalate,
        },
    };
    ContestReport {
        contest: contest.to_owned(),
        method: record.method_of(contest),
        reported_winner: reported_winner(reported.yes, reported.no),
        reported,
        sample,
        risk,
        discrepancies,
        conclusion,
        precincts,
        hand_counted,
    }
}
