//! `ashyq commission …`: the Constitutional Commission's secretariat on a live database —
//! moderation, clustering, the commission's constitution, meetings, agenda, recorded votes,
//! minutes, the amended text and a summary.
//!
//! Every act is decided on the replayed consultation and recorded through
//! [`Secretariat::record`], so it becomes an entry of the hash-chained consultation log or is
//! refused with the reason and nothing recorded. The files the secretariat writes are read by
//! [`ashyq_core::consult::files`], whose errors name the line and the field.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::consult::files::{self, InputError};
use ashyq_core::consult::similarity::LshParams;
use ashyq_core::consult::{
    Amendment, AmendmentTarget, Choice, ConsultError, ConsultEvent, Consultation, MajorityBase,
    ModerationReason, MotionKind, ProposalId, ProposalStatus, VoteTally, VotingRules,
    apply_amendment, minutes,
};
use ashyq_core::legal::Act;
use ashyq_store::consult::ActStored;
use ashyq_store::secretariat::Secretariat;
use clap::{Subcommand, ValueEnum};

use crate::database::open_store;
use crate::files::read_text;

/// `ashyq commission …`.
#[derive(Subcommand)]
pub enum CommissionCommand {
    /// Publish a proposal waiting for moderation, or refuse it with a reason (for a
    /// secretariat that moderates without the web pages).
    #[command(after_help = "Examples:
  ashyq commission moderate P-000017 --publish --moderator \"A. Seitkali, secretariat\"
  ashyq commission moderate 18 --reject spam --moderator \"A. Seitkali\"
  ashyq commission moderate 19 --reject duplicate --of P-000012 --moderator \"A. Seitkali\"
  ashyq commission moderate 20 --reject other --reason \"About a local road, not the draft\" --moderator \"A. Seitkali\"")]
    Moderate {
        /// The proposal: `P-000017` or `17`.
        proposal: String,
        /// Publish it: citizens can then read and support it.
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        publish: bool,
        /// Refuse it, for this reason.
        #[arg(long, value_enum)]
        reject: Option<RejectReason>,
        /// With `--reject duplicate`: the earlier proposal by the same person.
        #[arg(long, value_name = "PROPOSAL")]
        of: Option<String>,
        /// With `--reject other`: the reason, as the author will read it.
        #[arg(long)]
        reason: Option<String>,
        /// Who moderates (name or account), as the log records it.
        #[arg(long)]
        moderator: String,
    },
    /// Group the published proposals not yet clustered into clusters of near-duplicates.
    #[command(after_help = "Example:
  ashyq commission cluster                   # Jaccard similarity ≥ 80 % of 5-character shingles
  ashyq commission cluster --threshold 90")]
    Cluster {
        /// Least similarity (percent, exact Jaccard of 5-character shingles) of two proposals
        /// in one cluster. Candidates are found by MinHash LSH tuned for 80 %: below that,
        /// some similar pairs may be missed.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u32).range(1..=100))]
        threshold: u32,
        /// Seed of the MinHash functions: it decides which pairs LSH puts forward as
        /// candidates; every pair grouped is then confirmed by its exact similarity.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Constitute the commission: its members from a CSV file and its voting rules.
    #[command(after_help = "Examples:
  ashyq commission constitute members.csv                      # quorum 2/3, more than 1/2 of those present
  ashyq commission constitute members.csv --quorum 1/2 --majority 2/3 --base membership --at-least
members.csv has a header line: number,name,region,group (region and group may be left out):
  number,name,region,group
  1,Aigerim Nurlanovna Sadykova,Astana,jurists")]
    Constitute {
        /// The members' CSV file.
        members: PathBuf,
        /// A meeting is quorate when at least this fraction of the members is present.
        #[arg(long, default_value = "2/3")]
        quorum: String,
        /// A motion carries with more than (or, with --at-least, at least) this fraction of
        /// the base voting for it.
        #[arg(long, default_value = "1/2")]
        majority: String,
        /// What the majority is counted against.
        #[arg(long, value_enum, default_value_t = BaseArg::Present)]
        base: BaseArg,
        /// At least the fraction (≥) instead of more than it (>).
        #[arg(long)]
        at_least: bool,
    },
    /// Record a meeting: its date, title, public broadcast and who was present.
    #[command(after_help = "Examples:
  ashyq commission convene --date 2026-02-03 --title \"Parties and parliament\" \\
      --broadcast https://example.kz/live/3 --absent 9,18,27
  ashyq commission convene --date 2026-02-03 --title \"…\" --broadcast https://… --attendance present.csv
  ashyq commission convene --date 2026-02-03 --title \"…\" --broadcast https://… --present 1-86,90
A meeting below the quorum is refused unless --inquorate says it took place so (its votes
cannot carry).")]
    Convene {
        /// Date of the meeting (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Title.
        #[arg(long)]
        title: String,
        /// The public broadcast's address (http or https).
        #[arg(long)]
        broadcast: String,
        /// Members present: numbers and ranges, e.g. 1-86,90.
        #[arg(long, group = "attendance_list", value_name = "LIST")]
        present: Option<String>,
        /// Members absent (everyone else is present): numbers and ranges.
        #[arg(long, group = "attendance_list", value_name = "LIST")]
        absent: Option<String>,
        /// Members present from a CSV file with a `member` column.
        #[arg(long, group = "attendance_list", value_name = "CSV")]
        attendance: Option<PathBuf>,
        /// Record the meeting although fewer members than the quorum are present.
        #[arg(long)]
        inquorate: bool,
    },
    /// Put an item on a meeting's agenda; it takes clusters of proposals.
    #[command(after_help = "Examples:
  ashyq commission agenda --title \"Party membership threshold\" --proposal P-000001,P-000004
  ashyq commission agenda --meeting 2 --title \"Taxes\" --cluster 9
Giving proposals takes their clusters; see them with `ashyq commission status --clusters`.")]
    Agenda {
        /// The meeting (default: the latest).
        #[arg(long)]
        meeting: Option<u32>,
        /// Title of the item.
        #[arg(long)]
        title: String,
        /// Clusters it takes (numbers, comma-separated or repeated).
        #[arg(long = "cluster", value_delimiter = ',')]
        clusters: Vec<u32>,
        /// Proposals whose clusters it takes.
        #[arg(long = "proposal", value_delimiter = ',')]
        proposals: Vec<String>,
    },
    /// Record a motion on an agenda item and each member's vote; prints the count and whether
    /// it carried under the commission's rules.
    #[command(after_help = "Examples:
  ashyq commission vote --item 1 --accept amendment.md --votes votes.csv
  ashyq commission vote --meeting 1 --item 4 --reject \"Taxes are established by law.\" --votes votes.csv
votes.csv: a header line member,choice and one line per member who voted (for, against or
abstain). amendment.md:
  ---
  replace: sec_2__art_8          (or: insert-after: sec_2__art_7 and article: 7-1)
  ---
  kk: …
  ru: …
  en: …
or the same as JSON: {\"target\": {\"kind\": \"replace\", \"eid\": \"sec_2__art_8\"}, \"text\": {\"ru\": \"…\"}}")]
    Vote {
        /// The meeting (default: the latest).
        #[arg(long)]
        meeting: Option<u32>,
        /// The agenda item.
        #[arg(long)]
        item: u32,
        /// A motion to accept the item's proposals with this amendment (Markdown or JSON).
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "reject",
            required_unless_present = "reject"
        )]
        accept: Option<PathBuf>,
        /// A motion to decline the item's proposals, with the reason citizens will read.
        #[arg(long, value_name = "REASON")]
        reject: Option<String>,
        /// The recorded votes (CSV member,choice).
        #[arg(long, value_name = "CSV")]
        votes: PathBuf,
    },
    /// The public minutes of a meeting (Markdown), generated from the log.
    #[command(after_help = "Examples:
  ashyq commission minutes --meeting 1
  ashyq commission minutes --meeting 1 --out minutes-1.md")]
    Minutes {
        /// The meeting (default: the latest).
        #[arg(long)]
        meeting: Option<u32>,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Store the draft with every adopted amendment as a new version of the act (for the web
    /// pages and `ashyq act diff`).
    #[command(after_help = "Example:
  ashyq commission publish --version v3-commission --date 2026-02-12
  ashyq act diff v2-draft v3-commission")]
    Publish {
        /// The new version's label.
        #[arg(long)]
        version: String,
        /// Its date (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        /// The draft amended (default: the one opened for proposals last).
        #[arg(long)]
        draft: Option<String>,
    },
    /// A summary: proposals by status, clusters, the commission, meetings, decisions.
    Status {
        /// Also list every cluster with its proposals.
        #[arg(long)]
        clusters: bool,
    },
}

/// Why a proposal is refused.
#[derive(Clone, Copy, ValueEnum)]
pub enum RejectReason {
    /// Not about the draft.
    OffTopic,
    /// Insults, threats or calls to violence.
    Abusive,
    /// Contains someone's personal data.
    PersonalData,
    /// Advertising or automated.
    Spam,
    /// The same as an earlier proposal by the same person (give --of).
    Duplicate,
    /// Anything else (give --reason).
    Other,
}

/// What a majority is counted against.
#[derive(Clone, Copy, ValueEnum)]
pub enum BaseArg {
    /// Members present at the meeting.
    Present,
    /// Members who voted for or against.
    Voting,
    /// All members of the commission.
    Membership,
}

fn in_file<T>(path: &Path, r: Result<T, InputError>) -> Result<T> {
    r.map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// `P-000017`, `P17` or `17`.
fn proposal_id(text: &str) -> Result<ProposalId> {
    let t = text.trim();
    let digits = t
        .strip_prefix("P-")
        .or_else(|| t.strip_prefix("p-"))
        .or_else(|| t.strip_prefix('P'))
        .or_else(|| t.strip_prefix('p'))
        .unwrap_or(t);
    digits
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ProposalId)
        .ok_or_else(|| anyhow!("{text:?} is not a proposal number; write e.g. P-000017 or 17"))
}

fn latest_meeting(c: &Consultation, asked: Option<u32>) -> Result<u32, ConsultError> {
    match asked {
        Some(m) if c.meetings.contains_key(&m) => Ok(m),
        Some(m) => Err(ConsultError::Refused(format!(
            "there is no meeting {m} (meetings recorded: {})",
            list(c.meetings.keys())
        ))),
        None => c.meetings.keys().next_back().copied().ok_or_else(|| {
            ConsultError::Refused(
                "no meeting is recorded yet; record one with `ashyq commission convene`".into(),
            )
        }),
    }
}

fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let v: Vec<String> = items.into_iter().map(|x| x.to_string()).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn rules_text(r: &VotingRules) -> String {
    format!(
        "quorum {}/{} of the membership; a motion carries with {} {}/{} of {}",
        r.quorum.num,
        r.quorum.den,
        if r.strict { "more than" } else { "at least" },
        r.majority.num,
        r.majority.den,
        match r.base {
            MajorityBase::Present => "those present",
            MajorityBase::Voting => "those voting for or against",
            MajorityBase::Membership => "the membership",
        }
    )
}

fn tally_text(t: &VoteTally) -> String {
    let verdict = if t.carried {
        "CARRIED".to_string()
    } else if !t.quorate {
        format!(
            "NOT CARRIED: no quorum ({} present, {} needed)",
            t.present, t.quorum_needed
        )
    } else {
        format!(
            "NOT CARRIED: {} for, {} needed",
            t.yes,
            t.votes_needed.max(1)
        )
    };
    format!(
        "For {}, against {}, abstained {}, did not vote {}; present {} of {} (quorum {}); needed {} for — {verdict}",
        t.yes,
        t.no,
        t.abstain,
        t.not_voting,
        t.present,
        t.membership,
        t.quorum_needed,
        t.votes_needed.max(1)
    )
}

/// The draft opened for proposals (the last, or the one labelled `label`) as stored.
fn draft(sec: &Secretariat, label: Option<&str>) -> Result<Act> {
    let c = sec.consultation();
    let opened: Vec<&(String, String, String)> = match label {
        Some(l) => c.drafts.iter().filter(|(_, v, _)| v == l).collect(),
        None => c.drafts.iter().collect(),
    };
    let Some((work, version, sha)) = opened.last() else {
        bail!(match label {
            Some(l) => format!(
                "no draft labelled {l:?} is open for proposals (open: {})",
                list(c.drafts.iter().map(|(_, v, _)| v))
            ),
            None =>
                "no draft is open for proposals; store one with `ashyq act import DRAFT.md --open`"
                    .into(),
        });
    };
    let acts = sec.acts();
    let stored = acts
        .iter()
        .find(|a| a.act.work == *work && a.act.version == *version)
        .ok_or_else(|| {
            anyhow!(
                "the draft {work}@{version} is open for proposals but its text is not stored; store it with `ashyq act import DRAFT.md`"
            )
        })?;
    if stored.content_sha256 != *sha {
        bail!(
            "the stored text of {work}@{version} is not the one opened for proposals (SHA-256 {} ≠ {sha})",
            stored.content_sha256
        );
    }
    Ok(stored.act.clone())
}

fn check_date(date: &str, what: &str) -> Result<()> {
    chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| anyhow!("{what} {date:?} is not a date; write it as YYYY-MM-DD"))
}

fn entry_line(entry: &ashyq_core::consult::ConsultEntry) -> String {
    format!("consultation log entry {} ({})", entry.seq, entry.hash)
}

/// `ashyq commission …`.
pub async fn run(db: &str, cmd: CommissionCommand) -> Result<ExitCode> {
    // Check the command's own inputs before opening the database.
    let prepared = Prepared::read(&cmd)?;
    let store = open_store(db).await?;
    let sec = Secretariat::open(store).await?;
    match cmd {
        CommissionCommand::Moderate {
            proposal,
            publish,
            reject,
            of,
            reason,
            moderator,
        } => {
            let id = proposal_id(&proposal)?;
            if moderator.trim().is_empty() {
                bail!("--moderator is empty; give the moderator's name or account");
            }
            let reason = match (publish, reject) {
                (true, _) => None,
                (false, Some(r)) => Some(moderation_reason(r, of.as_deref(), reason.as_deref())?),
                (false, None) => bail!("say --publish or --reject REASON"),
            };
            let entry = sec
                .record(|c| {
                    let p = c.proposals.get(&id).ok_or_else(|| {
                        ConsultError::NotFound(format!(
                            "proposal {id} (the last is {})",
                            c.proposals
                                .keys()
                                .next_back()
                                .map_or("none".into(), |p| p.to_string())
                        ))
                    })?;
                    if *p.status() != ProposalStatus::Submitted {
                        return Err(ConsultError::Refused(format!(
                            "{id} is not waiting for moderation: it is {}",
                            status_name(p.status())
                        )));
                    }
                    if let Some(ModerationReason::Duplicate { of }) = &reason {
                        let earlier = c.proposals.get(of).ok_or_else(|| {
                            ConsultError::NotFound(format!("proposal {of} (given with --of)"))
                        })?;
                        if *of >= id || earlier.author != p.author {
                            return Err(ConsultError::Refused(format!(
                                "{of} is not an earlier proposal by the author of {id}; a duplicate is refused only for the same person's earlier proposal"
                            )));
                        }
                    }
                    Ok(match &reason {
                        None => ConsultEvent::ProposalPublished {
                            id,
                            moderator: moderator.trim().to_string(),
                        },
                        Some(r) => ConsultEvent::ProposalRejected {
                            id,
                            moderator: moderator.trim().to_string(),
                            reason: r.clone(),
                        },
                    })
                })
                .await?;
            match &reason {
                None => println!("{id} published: {}.", entry_line(&entry)),
                Some(r) => println!("{id} refused ({r}): {}.", entry_line(&entry)),
            }
        }
        CommissionCommand::Cluster { threshold, seed } => {
            let params = LshParams {
                threshold_percent: threshold,
                ..LshParams::default()
            };
            let entry = sec
                .record(|c| {
                    let waiting = c
                        .proposals
                        .values()
                        .filter(|p| *p.status() == ProposalStatus::Published && p.cluster.is_none())
                        .count();
                    if waiting == 0 {
                        return Err(ConsultError::Refused(
                            "no published proposal is waiting to be clustered; publish proposals first (`ashyq commission moderate … --publish`)".into(),
                        ));
                    }
                    Ok(c.form_clusters(&params, seed))
                })
                .await?;
            if let ConsultEvent::ClustersFormed { clusters, .. } = &entry.event {
                let shared = clusters.iter().filter(|c| c.members.len() > 1).count();
                let n: usize = clusters.iter().map(|c| c.members.len()).sum();
                println!(
                    "{n} proposals in {} clusters ({shared} with more than one proposal) at {threshold} % similarity: {}.",
                    clusters.len(),
                    entry_line(&entry)
                );
                for cl in clusters.iter().filter(|c| c.members.len() > 1) {
                    println!(
                        "  cluster {}: {} (representative {})",
                        cl.id,
                        list(&cl.members),
                        cl.representative
                    );
                }
            }
            if threshold < 80 {
                eprintln!(
                    "note: candidate pairs are found with MinHash LSH tuned for 80 %; below that some similar pairs may not be grouped"
                );
            }
        }
        CommissionCommand::Constitute { base, at_least, .. } => {
            let Prepared::Constitute {
                members,
                quorum,
                majority,
            } = prepared
            else {
                unreachable!("prepared for this command")
            };
            let rules = VotingRules {
                quorum,
                majority,
                base: match base {
                    BaseArg::Present => MajorityBase::Present,
                    BaseArg::Voting => MajorityBase::Voting,
                    BaseArg::Membership => MajorityBase::Membership,
                },
                strict: !at_least,
            };
            let n = members.len();
            let entry = sec
                .record(|c| {
                    if c.rules.is_some() {
                        return Err(ConsultError::Refused(format!(
                            "the commission is already constituted ({} members); the log keeps its composition for good",
                            c.members.len()
                        )));
                    }
                    Ok(ConsultEvent::CommissionConstituted {
                        members: members.clone(),
                        rules,
                    })
                })
                .await?;
            let q = rules.tally(n as u64, 0, &[]).quorum_needed;
            println!(
                "The commission is constituted: {n} members; {} ({q} members make a quorum): {}.",
                rules_text(&rules),
                entry_line(&entry)
            );
        }
        CommissionCommand::Convene {
            date,
            title,
            broadcast,
            present,
            absent,
            attendance,
            inquorate,
        } => {
            let Prepared::Convene { listed } = prepared else {
                unreachable!("prepared for this command")
            };
            check_date(&date, "--date")?;
            if title.trim().is_empty() {
                bail!("--title is empty; give the meeting's title");
            }
            let url = reqwest::Url::parse(broadcast.trim()).map_err(|e| {
                anyhow!("--broadcast {broadcast:?} is not an address ({e}); give the public broadcast's https:// link")
            })?;
            if !matches!(url.scheme(), "http" | "https") {
                bail!(
                    "--broadcast must be an http or https address, not {}:",
                    url.scheme()
                );
            }
            let entry = sec
                .record(|c| {
                    let rules = c.rules.ok_or_else(|| {
                        ConsultError::Refused(
                            "the commission is not constituted yet; run `ashyq commission constitute MEMBERS.csv` first".into(),
                        )
                    })?;
                    let present: Vec<u32> = match (&present, &absent, &attendance) {
                        (Some(_), _, _) | (_, _, Some(_)) => {
                            let listed: &[(Option<u64>, u32)] = listed.as_deref().unwrap_or(&[]);
                            for (line, m) in listed {
                                if !c.members.contains_key(m) {
                                    return Err(ConsultError::Refused(format!(
                                        "{}member {m} is not a member of the commission (members: {})",
                                        line.map_or(String::new(), |l| format!("line {l}: ")),
                                        member_range(c)
                                    )));
                                }
                            }
                            listed.iter().map(|(_, m)| *m).collect()
                        }
                        (None, Some(_), None) => {
                            let out: BTreeSet<u32> = listed
                                .as_deref()
                                .unwrap_or(&[])
                                .iter()
                                .map(|(_, m)| *m)
                                .collect();
                            if let Some(m) = out.iter().find(|m| !c.members.contains_key(m)) {
                                return Err(ConsultError::Refused(format!(
                                    "--absent: {m} is not a member of the commission (members: {})",
                                    member_range(c)
                                )));
                            }
                            c.members.keys().filter(|m| !out.contains(m)).copied().collect()
                        }
                        (None, None, None) => {
                            return Err(ConsultError::Invalid(
                                "say who was present: --present LIST, --absent LIST or --attendance FILE".into(),
                            ));
                        }
                    };
                    let t = rules.tally(c.members.len() as u64, present.len() as u64, &[]);
                    if !t.quorate && !inquorate {
                        return Err(ConsultError::Refused(format!(
                            "only {} of {} members are present and the quorum is {}; check the attendance, or, if the meeting took place without a quorum, record it with --inquorate (its motions cannot carry)",
                            t.present, t.membership, t.quorum_needed
                        )));
                    }
                    Ok(ConsultEvent::MeetingConvened {
                        meeting: c.next_meeting(),
                        date: date.trim().to_string(),
                        title: title.trim().to_string(),
                        broadcast: url.to_string(),
                        present,
                    })
                })
                .await?;
            if let ConsultEvent::MeetingConvened {
                meeting, present, ..
            } = &entry.event
            {
                let c = sec.consultation();
                let t = c.rules.unwrap_or_default().tally(
                    c.members.len() as u64,
                    present.len() as u64,
                    &[],
                );
                println!(
                    "Meeting {meeting} recorded: {} of {} members present, quorum {} — {}: {}.",
                    t.present,
                    t.membership,
                    t.quorum_needed,
                    if t.quorate { "quorate" } else { "NOT quorate" },
                    entry_line(&entry)
                );
            }
        }
        CommissionCommand::Agenda {
            meeting,
            title,
            clusters,
            proposals,
        } => {
            if title.trim().is_empty() {
                bail!("--title is empty; give the item's title");
            }
            let pids = proposals
                .iter()
                .map(|p| proposal_id(p))
                .collect::<Result<Vec<_>>>()?;
            if clusters.is_empty() && pids.is_empty() {
                bail!(
                    "say what the item takes: --cluster N or --proposal P-…; see `ashyq commission status --clusters`"
                );
            }
            let entry = sec
                .record(|c| {
                    let meeting = latest_meeting(c, meeting)?;
                    let mut taken: Vec<u32> = Vec::new();
                    for cl in &clusters {
                        if !c.clusters.contains_key(cl) {
                            return Err(ConsultError::NotFound(format!(
                                "cluster {cl} (clusters: {})",
                                c.clusters.keys().next().map_or("none yet — run `ashyq commission cluster`".into(), |f| format!("{f}–{}", c.clusters.keys().next_back().unwrap_or(f)))
                            )));
                        }
                        if !taken.contains(cl) {
                            taken.push(*cl);
                        }
                    }
                    for id in &pids {
                        let p = c
                            .proposals
                            .get(id)
                            .ok_or_else(|| ConsultError::NotFound(format!("proposal {id}")))?;
                        let cl = p.cluster.ok_or_else(|| {
                            ConsultError::Refused(format!(
                                "{id} is in no cluster (it is {}); only published proposals are clustered, by `ashyq commission cluster`",
                                status_name(p.status())
                            ))
                        })?;
                        if !taken.contains(&cl) {
                            taken.push(cl);
                        }
                    }
                    for cl in &taken {
                        for id in &c.clusters[cl].members {
                            let st = c.proposals[id].status();
                            if !matches!(st, ProposalStatus::Published | ProposalStatus::OnAgenda { .. }) {
                                return Err(ConsultError::Refused(format!(
                                    "cluster {cl}: {id} is {} and cannot go on the agenda",
                                    status_name(st)
                                )));
                            }
                        }
                    }
                    let item = c.meetings[&meeting].agenda.len() as u32 + 1;
                    Ok(ConsultEvent::AgendaItemAdded {
                        meeting,
                        item,
                        title: title.trim().to_string(),
                        clusters: taken,
                    })
                })
                .await?;
            if let ConsultEvent::AgendaItemAdded {
                meeting,
                item,
                clusters,
                ..
            } = &entry.event
            {
                let c = sec.consultation();
                let ids: Vec<ProposalId> = clusters
                    .iter()
                    .flat_map(|cl| c.clusters[cl].members.iter().copied())
                    .collect();
                println!(
                    "Meeting {meeting}, item {item}: clusters {} ({}): {}.",
                    list(clusters),
                    list(&ids),
                    entry_line(&entry)
                );
            }
        }
        CommissionCommand::Vote {
            meeting,
            item,
            reject,
            ..
        } => {
            let Prepared::Vote { votes, amendment } = prepared else {
                unreachable!("prepared for this command")
            };
            let kind = match (amendment, reject) {
                (Some(a), _) => MotionKind::Accept { amendment: a },
                (None, Some(r)) if !r.trim().is_empty() => MotionKind::Reject {
                    reason: r.trim().to_string(),
                },
                (None, _) => bail!("--reject needs the reason citizens will read"),
            };
            let draft_act = match &kind {
                MotionKind::Accept { .. } => Some(draft(&sec, None)?),
                MotionKind::Reject { .. } => None,
            };
            let entry = sec
                .record(|c| {
                    if c.rules.is_none() {
                        return Err(ConsultError::Refused(
                            "the commission is not constituted yet; run `ashyq commission constitute MEMBERS.csv` first".into(),
                        ));
                    }
                    let meeting = latest_meeting(c, meeting)?;
                    let m = &c.meetings[&meeting];
                    if !m.agenda.iter().any(|i| i.number == item) {
                        return Err(ConsultError::Refused(format!(
                            "meeting {meeting} has no item {item} (items: {}); add it with `ashyq commission agenda`",
                            list(m.agenda.iter().map(|i| i.number))
                        )));
                    }
                    for (line, who, _) in &votes {
                        if !c.members.contains_key(who) {
                            return Err(ConsultError::Refused(format!(
                                "votes, line {line}: {who} is not a member of the commission (members: {}); nothing was recorded",
                                member_range(c)
                            )));
                        }
                        if !m.present.contains(who) {
                            return Err(ConsultError::Refused(format!(
                                "votes, line {line}: member {who} ({}) is not recorded as present at meeting {meeting}; only members present vote",
                                c.members[who].name
                            )));
                        }
                    }
                    if let (MotionKind::Accept { amendment }, Some(d)) = (&kind, &draft_act) {
                        check_amendment(c, d, amendment)?;
                    }
                    Ok(ConsultEvent::VoteHeld {
                        meeting,
                        item,
                        motion: c.next_motion(),
                        kind: kind.clone(),
                        votes: votes.iter().map(|(_, m, ch)| (*m, *ch)).collect(),
                    })
                })
                .await?;
            if let ConsultEvent::VoteHeld {
                meeting,
                item,
                motion,
                ..
            } = &entry.event
            {
                let c = sec.consultation();
                let mo = &c.motions[motion];
                println!(
                    "Meeting {meeting}, item {item}, motion {motion} ({}).",
                    match &mo.kind {
                        MotionKind::Accept { amendment } =>
                            format!("to amend {}", amendment_where(amendment)),
                        MotionKind::Reject { .. } => "to decline".into(),
                    }
                );
                println!("{}", tally_text(&mo.tally));
                println!("Rules: {}.", rules_text(&c.rules.unwrap_or_default()));
                if let Some(d) = c.decisions.get(motion) {
                    println!("Decision {}: settles {}.", d.number, list(&d.proposals));
                }
                println!("Recorded as {}.", entry_line(&entry));
            }
        }
        CommissionCommand::Minutes { meeting, out } => {
            let text = {
                let c = sec.consultation();
                let m = latest_meeting(&c, meeting)?;
                minutes::minutes(&c, m)?
            };
            match out {
                Some(path) => {
                    std::fs::write(&path, &text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("Minutes written to {}.", path.display());
                }
                None => print!("{text}"),
            }
        }
        CommissionCommand::Publish {
            version,
            date,
            draft: label,
        } => {
            let version = version.trim().to_string();
            if version.is_empty()
                || !version
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                bail!(
                    "--version {version:?}: a label of letters, digits, '-', '_' and '.', e.g. v3-commission"
                );
            }
            if let Some(d) = &date {
                check_date(d, "--date")?;
            }
            let d = draft(&sec, label.as_deref())?;
            let (amended, adopted) = {
                let c = sec.consultation();
                let adopted: Vec<u32> = c
                    .decisions
                    .values()
                    .filter(|d| matches!(d.kind, MotionKind::Accept { .. }))
                    .map(|d| d.number)
                    .collect();
                if adopted.is_empty() {
                    bail!(
                        "the commission has adopted no amendment yet; there is nothing to publish"
                    );
                }
                (c.amended(&d, &version)?, adopted)
            };
            let mut amended = amended;
            if let Some(dt) = date {
                amended.date = Some(dt.trim().to_string());
            }
            let what = match sec.add_act_version(&amended).await? {
                ActStored::New(n) => format!("stored as version {n}"),
                ActStored::Known(n) => format!("already stored as version {n}; nothing changed"),
            };
            println!(
                "{}@{}: the draft {} with decisions {}: {what}.",
                amended.work,
                amended.version,
                d.version,
                list(&adopted)
            );
            println!("Compare: ashyq act diff {} {}", d.version, amended.version);
        }
        CommissionCommand::Status { clusters } => {
            print!("{}", status(&sec, clusters));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Inputs read from files before the database is opened.
enum Prepared {
    None,
    Constitute {
        members: Vec<ashyq_core::consult::Member>,
        quorum: ashyq_core::consult::Fraction,
        majority: ashyq_core::consult::Fraction,
    },
    Convene {
        /// Members listed (with their line in an attendance file), present or absent as the
        /// option says.
        listed: Option<Vec<(Option<u64>, u32)>>,
    },
    Vote {
        votes: Vec<(u64, u32, Choice)>,
        amendment: Option<Amendment>,
    },
}

impl Prepared {
    fn read(cmd: &CommissionCommand) -> Result<Prepared> {
        Ok(match cmd {
            CommissionCommand::Constitute {
                members,
                quorum,
                majority,
                ..
            } => Prepared::Constitute {
                members: in_file(members, files::parse_members(&read_text(members)?))?,
                quorum: files::parse_fraction(quorum).map_err(|e| anyhow!("--quorum: {e}"))?,
                majority: files::parse_fraction(majority)
                    .map_err(|e| anyhow!("--majority: {e}"))?,
            },
            CommissionCommand::Convene {
                present,
                absent,
                attendance,
                ..
            } => Prepared::Convene {
                listed: match (present, absent, attendance) {
                    (Some(l), _, _) => Some(
                        files::parse_member_list(l)
                            .map_err(|e| anyhow!("--present: {e}"))?
                            .into_iter()
                            .map(|m| (None, m))
                            .collect(),
                    ),
                    (_, Some(l), _) => Some(
                        files::parse_member_list(l)
                            .map_err(|e| anyhow!("--absent: {e}"))?
                            .into_iter()
                            .map(|m| (None, m))
                            .collect(),
                    ),
                    (_, _, Some(f)) => Some(
                        in_file(f, files::parse_attendance(&read_text(f)?))?
                            .into_iter()
                            .map(|(l, m)| (Some(l), m))
                            .collect(),
                    ),
                    _ => None,
                },
            },
            CommissionCommand::Vote { votes, accept, .. } => Prepared::Vote {
                votes: in_file(votes, files::parse_votes(&read_text(votes)?))?,
                amendment: match accept {
                    Some(f) => Some(in_file(f, files::parse_amendment(&read_text(f)?))?),
                    None => None,
                },
            },
            _ => Prepared::None,
        })
    }
}

fn moderation_reason(
    r: RejectReason,
    of: Option<&str>,
    reason: Option<&str>,
) -> Result<ModerationReason> {
    Ok(match r {
        RejectReason::OffTopic => ModerationReason::OffTopic,
        RejectReason::Abusive => ModerationReason::Abusive,
        RejectReason::PersonalData => ModerationReason::PersonalData,
        RejectReason::Spam => ModerationReason::Spam,
        RejectReason::Duplicate => ModerationReason::Duplicate {
            of: proposal_id(of.ok_or_else(|| {
                anyhow!(
                    "--reject duplicate needs --of P-…: the earlier proposal by the same person"
                )
            })?)?,
        },
        RejectReason::Other => {
            let text = reason
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    anyhow!("--reject other needs --reason TEXT: the reason the author will read")
                })?;
            ModerationReason::Other {
                text: text.to_string(),
            }
        }
    })
}

fn member_range(c: &Consultation) -> String {
    match (c.members.keys().next(), c.members.keys().next_back()) {
        (Some(a), Some(b)) if c.members.len() as u64 == u64::from(b - a) + 1 => format!("{a}–{b}"),
        _ => format!("{} members", c.members.len()),
    }
}

fn amendment_where(a: &Amendment) -> String {
    match &a.target {
        AmendmentTarget::Replace { eid } => eid.clone(),
        AmendmentTarget::InsertArticle { after, num } => {
            format!("a new article {num} after {after}")
        }
    }
}

/// An amendment must apply to the draft as amended by the decisions so far, or `publish`
/// could never produce the text.
fn check_amendment(c: &Consultation, draft: &Act, a: &Amendment) -> Result<(), ConsultError> {
    let mut act = c.amended(draft, &draft.version)?;
    apply_amendment(&mut act, a).map_err(|e| {
        ConsultError::Refused(format!(
            "the amendment does not apply to {} as amended so far: {e}; the eIds are listed by `ashyq act convert DRAFT.md --to json`",
            draft.version
        ))
    })?;
    Ok(())
}

fn status_name(s: &ProposalStatus) -> String {
    match s {
        ProposalStatus::Submitted => "waiting for moderation".into(),
        ProposalStatus::Published => "published".into(),
        ProposalStatus::Rejected { reason } => format!("refused ({reason})"),
        ProposalStatus::Withdrawn => "withdrawn".into(),
        ProposalStatus::OnAgenda { meeting, item } => {
            format!("on the agenda of meeting {meeting}, item {item}")
        }
        ProposalStatus::Accepted { decision } => format!("accepted by decision {decision}"),
        ProposalStatus::Declined { decision, .. } => format!("declined by decision {decision}"),
    }
}

fn status(sec: &Secretariat, show_clusters: bool) -> String {
    use std::fmt::Write;
    let c = sec.consultation();
    let mut s = String::new();
    let count =
        |f: fn(&ProposalStatus) -> bool| c.proposals.values().filter(|p| f(p.status())).count();
    let _ = writeln!(
        s,
        "Consultation log: {} entries{}",
        c.log.len(),
        c.head()
            .map_or(String::new(), |(_, h)| format!(", head {h}"))
    );
    let _ = writeln!(
        s,
        "Drafts open for proposals: {}; versions stored: {}",
        list(c.drafts.iter().map(|(w, v, _)| format!("{w}@{v}"))),
        list(sec.acts().iter().map(|a| a.act.version.clone()))
    );
    let _ = writeln!(
        s,
        "Proposals: {} — waiting for moderation {}, published {}, refused {}, withdrawn {}, on the agenda {}, accepted {}, declined {}",
        c.proposals.len(),
        count(|s| matches!(s, ProposalStatus::Submitted)),
        count(|s| matches!(s, ProposalStatus::Published)),
        count(|s| matches!(s, ProposalStatus::Rejected { .. })),
        count(|s| matches!(s, ProposalStatus::Withdrawn)),
        count(|s| matches!(s, ProposalStatus::OnAgenda { .. })),
        count(|s| matches!(s, ProposalStatus::Accepted { .. })),
        count(|s| matches!(s, ProposalStatus::Declined { .. })),
    );
    let unclustered = c
        .proposals
        .values()
        .filter(|p| *p.status() == ProposalStatus::Published && p.cluster.is_none())
        .count();
    let _ = writeln!(
        s,
        "Clusters: {} ({} with more than one proposal); published proposals not yet clustered: {unclustered}",
        c.clusters.len(),
        c.clusters.values().filter(|c| c.members.len() > 1).count()
    );
    if show_clusters {
        for cl in c.clusters.values() {
            let _ = writeln!(
                s,
                "  cluster {}: {} (representative {}, on {})",
                cl.id,
                list(&cl.members),
                cl.representative,
                c.proposals[&cl.representative]
                    .target
                    .eid()
                    .unwrap_or("a new article")
            );
        }
    }
    match &c.rules {
        None => {
            let _ = writeln!(s, "Commission: not constituted");
        }
        Some(r) => {
            let _ = writeln!(
                s,
                "Commission: {} members; {}",
                c.members.len(),
                rules_text(r)
            );
            for m in c.meetings.values() {
                let t = r.tally(c.members.len() as u64, m.present.len() as u64, &[]);
                let motions: usize = m.agenda.iter().map(|i| i.motions.len()).sum();
                let decided = c
                    .decisions
                    .values()
                    .filter(|d| d.meeting == m.number)
                    .count();
                let _ = writeln!(
                    s,
                    "  meeting {} ({}): {} present, {}; {} items, {motions} motions, {decided} decisions — {}",
                    m.number,
                    m.date,
                    m.present.len(),
                    if t.quorate { "quorate" } else { "NOT quorate" },
                    m.agenda.len(),
                    m.title
                );
            }
        }
    }
    let _ = writeln!(s, "Decisions: {}", c.decisions.len());
    for d in c.decisions.values() {
        let what = match &d.kind {
            MotionKind::Accept { amendment } => format!("amend {}", amendment_where(amendment)),
            MotionKind::Reject { reason } => format!("decline: {reason}"),
        };
        let _ = writeln!(
            s,
            "  decision {} (meeting {}, item {}): {what} — settles {}",
            d.number,
            d.meeting,
            d.item,
            list(&d.proposals)
        );
    }
    s
}
