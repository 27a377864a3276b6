//! `ashyq kurultai …`: the Kurultai's secretariat records the house's steps — convening,
//! officers, committees, bills and their readings, the President's signature or objections,
//! the People's Council, the Vice President — through the public log's one write path, and
//! anyone reads them back or exports them as open data: Popolo JSON, Akoma Ntoso and CSV.
//!
//! Every step is decided by the ledger (`Ledger::decide_kurultai`): a refusal names the rule and
//! nothing is recorded. The author of each step is recorded in the role
//! [`SECRETARIAT_ROLE`].

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::author::Author;
use ashyq_core::kurultai::{
    ActKind, Ballot, BillId, CommitteeId, CouncilProposal, Initiator, KurultaiEvent, KurultaiRules,
    MemberId, Office, Proposer, ReadingOutcome, RecordedVote, Sitting,
};
use ashyq_core::legal::markdown;
use ashyq_core::territory::Names;
use ashyq_store::registrar::Registrar;
use chrono::{Days, NaiveDate};
use clap::Subcommand;

use crate::database::open;

/// The role the secretariat's steps are recorded in.
pub const SECRETARIAT_ROLE: &str = "kurultai secretariat";

fn secretariat(name: &str) -> Author {
    Author::new(name.trim(), SECRETARIAT_ROLE)
}

fn parse_date(s: &str) -> std::result::Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| format!("{s:?} is not a date YYYY-MM-DD: {e}"))
}

/// `ashyq kurultai …`.
#[derive(Subcommand)]
pub enum KurultaiCommand {
    /// Convene the house from an election whose seats are allocated.
    #[command(after_help = "Example:
  ashyq kurultai convene --first-session 2026-09-15 --author secretariat")]
    Convene {
        /// The election (the only one if omitted).
        #[arg(long)]
        election: Option<String>,
        /// The day of the first session.
        #[arg(long, value_parser = parse_date)]
        first_session: NaiveDate,
        /// The rules as JSON (the documented defaults if omitted; see docs/kurultai.md).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Who records it.
        #[arg(long)]
        author: String,
    },
    /// Record steps from a JSON Lines file, one step per line, in order (see docs/kurultai.md
    /// for the format). The first refused step stops the run and is named with its line; the
    /// steps before it are recorded.
    Record {
        /// The file.
        file: PathBuf,
        /// Who records them.
        #[arg(long)]
        author: String,
    },
    /// The sitting deputies by faction, and the officers.
    Members,
    /// The bills, with their status and deadlines.
    Bills,
    /// One bill: its timeline, versions and deadlines.
    Bill {
        /// Its id.
        id: String,
    },
    /// One roll call, with every deputy's vote by faction.
    Vote {
        /// Its number.
        number: u32,
    },
    /// Export the house as open data: one Popolo JSON document (persons, organizations,
    /// memberships, vote_events), Akoma Ntoso 3.0 documents (every bill's current text in
    /// Kazakh, Russian and English, and every sitting day's debate record with its roll
    /// calls), and every individual vote as CSV. Give one or more of the three.
    #[command(after_help = "Examples:
  ashyq kurultai export --popolo kurultai.json
  ashyq kurultai export --akn akn/
      writes akn/bills/{bill}.{kk,ru,en}.xml and akn/debates/{YYYY-MM-DD}.xml
  ashyq kurultai export --csv votes.csv
      one row a member and roll call: vote,date,motion,kind,bill,member,faction,ballot
  ashyq kurultai export --popolo kurultai.json --akn akn/ --csv votes.csv")]
    Export {
        /// Write the Popolo document here.
        #[arg(long)]
        popolo: Option<PathBuf>,
        /// Write the Akoma Ntoso documents into this directory (created if needed):
        /// `bills/{id}.{lang}.xml` and `debates/{YYYY-MM-DD}.xml`.
        #[arg(long, value_name = "DIR")]
        akn: Option<PathBuf>,
        /// Write every individual vote of every roll call here as CSV.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Record a synthetic first session on the allocated election (demo data, marked so):
    /// officers, committees, the Vice President, the People's Council and bills in several
    /// stages.
    FirstSession {
        /// Who records it.
        #[arg(long, default_value = "demo secretariat")]
        author: String,
    },
}

/// Runs `ashyq kurultai …`.
pub async fn run(db: &str, cmd: KurultaiCommand) -> Result<ExitCode> {
    let registrar = open(db).await?;
    match cmd {
        KurultaiCommand::Convene {
            election,
            first_session,
            rules,
            author,
        } => {
            let election = registrar
                .ledger()
                .resolve_election(election.as_deref())?
                .definition
                .id
                .clone();
            let rules = match rules {
                Some(p) => {
                    let text = std::fs::read_to_string(&p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    serde_json::from_str(&text).with_context(|| {
                        format!("{} is not the Kurultai's rules as JSON", p.display())
                    })?
                }
                None => KurultaiRules::default(),
            };
            let entry = step(
                &registrar,
                KurultaiEvent::Convened {
                    election: election.clone(),
                    first_session,
                    rules,
                    author: secretariat(&author),
                },
            )
            .await?;
            let n = registrar
                .ledger()
                .kurultai_sitting()
                .map_or(0, |s| s.members.len());
            println!(
                "The Kurultai is convened from {election} with {n} deputies (log entry {}).",
                entry.seq
            );
        }
        KurultaiCommand::Record { file, author } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let mut recorded = 0;
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let ev = parse_step(line, &author)
                    .with_context(|| format!("{} line {}", file.display(), i + 1))?;
                let entry = step(&registrar, ev).await.with_context(|| {
                    format!(
                        "{} line {}: refused, nothing recorded for it",
                        file.display(),
                        i + 1
                    )
                })?;
                recorded += 1;
                println!(
                    "line {}: {} (log entry {})",
                    i + 1,
                    entry.event.kind(),
                    entry.seq
                );
            }
            println!("{recorded} steps recorded.");
        }
        KurultaiCommand::Members => {
            let ledger = registrar.ledger();
            let sitting = ledger.kurultai_sitting().ok_or_else(|| {
                anyhow!("the Kurultai has not been convened; see `ashyq kurultai convene`")
            })?;
            let k = ledger.kurultai();
            let mut by_party: std::collections::BTreeMap<&str, Vec<(&MemberId, &str)>> =
                Default::default();
            for (id, (party, name)) in &sitting.members {
                by_party.entry(party).or_default().push((id, name));
            }
            println!(
                "{} deputies of {} seats.",
                sitting.members.len(),
                sitting.seats
            );
            for o in k.current_officers(&sitting) {
                let name = sitting
                    .members
                    .get(&o.member)
                    .map_or("", |(_, n)| n.as_str());
                println!(
                    "  {}: {name} ({}), vote {}",
                    o.office.name(),
                    o.member,
                    o.vote
                );
            }
            for (party, ms) in by_party {
                println!("{party} ({}):", ms.len());
                for (id, name) in ms {
                    let ballots = k.ballots_of(id);
                    let absent = ballots.iter().filter(|(_, b)| *b == Ballot::Absent).count();
                    println!(
                        "  {id:<40} {name:<40} {} votes, {absent} absent",
                        ballots.len()
                    );
                }
            }
        }
        KurultaiCommand::Bills => {
            let ledger = registrar.ledger();
            let k = ledger.kurultai();
            let today = chrono::Utc::now().date_naive();
            for b in k.bills() {
                let overdue = k
                    .deadlines(b, today)
                    .iter()
                    .any(|d| d.overdue && d.done_on.is_none());
                println!(
                    "{:<16} {:<12} {:<22} {:<12} {}{}",
                    b.id.0,
                    b.status.key(),
                    b.initiator.kind().name(),
                    b.committee.0,
                    b.title(ashyq_core::legal::Lang::En),
                    if overdue { "  [overdue]" } else { "" }
                );
            }
        }
        KurultaiCommand::Bill { id } => {
            let ledger = registrar.ledger();
            let k = ledger.kurultai();
            let b = k
                .bill(&BillId(id.clone()))
                .ok_or_else(|| anyhow!("there is no bill {id}; see `ashyq kurultai bills`"))?;
            println!(
                "{} — {} ({})",
                b.id,
                b.title(ashyq_core::legal::Lang::En),
                b.status.key()
            );
            for s in &b.timeline {
                let vote = s.vote.map(|v| format!(" [vote {v}]")).unwrap_or_default();
                println!("  {} #{:<6} {}{vote}", s.on, s.seq, s.summary);
            }
            for (i, v) in b.versions.iter().enumerate().skip(1) {
                if let Some(c) = b.diff(i, ashyq_core::legal::Lang::En) {
                    println!("  version {i} ({}): {}", v.on, c.stats.summary());
                }
            }
            for d in k.deadlines(b, chrono::Utc::now().date_naive()) {
                println!(
                    "  deadline: {} by {}{}{}",
                    d.what,
                    d.due,
                    d.done_on.map(|x| format!(", done {x}")).unwrap_or_default(),
                    if d.overdue { " — overdue" } else { "" }
                );
            }
        }
        KurultaiCommand::Vote { number } => {
            let ledger = registrar.ledger();
            let k = ledger.kurultai();
            let r = k
                .vote(number)
                .ok_or_else(|| anyhow!("there is no vote {number}"))?;
            let v = &r.vote;
            println!(
                "Vote {number} on {}: {} — {}",
                v.on,
                v.motion,
                if v.tally.carried {
                    "carried"
                } else {
                    "not carried"
                }
            );
            println!(
                "  yes {}, no {}, abstain {}, absent {}, not voting {}; {} present of {} seats (quorum {}), {} needed",
                v.counts.yes,
                v.counts.no,
                v.counts.abstain,
                v.counts.absent,
                v.counts.not_voting,
                v.tally.present,
                v.tally.seats,
                v.tally.quorum_needed,
                v.tally.votes_needed
            );
            let parties: std::collections::HashMap<MemberId, String> = ledger
                .kurultai_deputies()
                .into_iter()
                .map(|d| (d.id, d.party))
                .collect();
            let mut by: std::collections::BTreeMap<&str, [u64; 5]> = Default::default();
            for (m, b) in &v.ballots {
                let p = parties.get(m).map_or("People's Council", String::as_str);
                let i = Ballot::ALL
                    .iter()
                    .position(|x| x == b)
                    .expect("every ballot is listed");
                by.entry(p).or_default()[i] += 1;
            }
            for (p, c) in by {
                println!(
                    "  {p:<36} yes {:>3}  no {:>3}  abstain {:>3}  absent {:>3}  not voting {:>3}",
                    c[0], c[1], c[2], c[3], c[4]
                );
            }
        }
        KurultaiCommand::Export { popolo, akn, csv } => {
            if popolo.is_none() && akn.is_none() && csv.is_none() {
                bail!("nothing to export: give --popolo FILE, --akn DIR and/or --csv FILE");
            }
            let ledger = registrar.ledger();
            if let Some(popolo) = popolo {
                let doc = ledger.kurultai_popolo();
                std::fs::write(&popolo, serde_json::to_string_pretty(&doc)?)
                    .with_context(|| format!("cannot write {}", popolo.display()))?;
                let n = doc["vote_events"].as_array().map_or(0, Vec::len);
                println!(
                    "Wrote the Popolo document to {} ({n} vote events).",
                    popolo.display()
                );
            }
            if let Some(dir) = akn {
                let (bills, days) = export_akn(&ledger, &dir)?;
                println!(
                    "Wrote {bills} bills (in kk, ru and en) and {days} debate records to {}.",
                    dir.display()
                );
            }
            if let Some(csv) = csv {
                std::fs::write(&csv, ledger.kurultai_votes_csv())
                    .with_context(|| format!("cannot write {}", csv.display()))?;
                let n: usize = ledger
                    .kurultai()
                    .votes()
                    .iter()
                    .map(|r| r.vote.ballots.len())
                    .sum();
                println!("Wrote {n} individual votes to {}.", csv.display());
            }
        }
        KurultaiCommand::FirstSession { author } => {
            first_session(&registrar, None, &author).await?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes every bill's current text as an Akoma Ntoso `bill` in each language
/// (`dir/bills/{id}.{lang}.xml`) and every day with a roll call as a `debate`
/// (`dir/debates/{day}.xml`), the documents `GET /api/v1/kurultai/bills/{id}/akn` and
/// `…/debates/{day}/akn` serve. Returns the number of bills and of days.
fn export_akn(ledger: &ashyq_core::Ledger, dir: &std::path::Path) -> Result<(usize, usize)> {
    use ashyq_core::kurultai::akn;
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    let mkdir = |path: PathBuf| -> Result<PathBuf> {
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create the directory {}", path.display()))?;
        Ok(path)
    };
    let k = ledger.kurultai();
    let bills_dir = mkdir(dir.join("bills"))?;
    let mut bills = 0;
    for b in k.bills() {
        for lang in ashyq_core::lang::Lang::ALL {
            write(
                bills_dir.join(format!("{}.{}.xml", b.id.0, lang.code())),
                akn::bill(b, lang),
            )?;
        }
        bills += 1;
    }
    let debates_dir = mkdir(dir.join("debates"))?;
    let members = ledger
        .kurultai_deputies()
        .into_iter()
        .map(|d| (d.id, (d.party, d.name)))
        .collect();
    let days: std::collections::BTreeSet<NaiveDate> = k.votes().iter().map(|r| r.vote.on).collect();
    for day in &days {
        write(
            debates_dir.join(format!("{day}.xml")),
            akn::debate(k, *day, &members),
        )?;
    }
    Ok((bills, days.len()))
}

/// Decides and records one step.
async fn step(registrar: &Registrar, ev: KurultaiEvent) -> Result<ashyq_core::LogEntry> {
    Ok(registrar.record(|l| l.decide_kurultai(ev.clone())).await?)
}

/// Reads one step of a `record` file (see `kurultai::step`).
fn parse_step(line: &str, author: &str) -> Result<KurultaiEvent> {
    let v: serde_json::Value = serde_json::from_str(line).context("not JSON")?;
    Ok(ashyq_core::kurultai::step::parse(v, &secretariat(author))?)
}

/// A roll call of the sitting members: `ballot(i, party)` for the i-th member (in id order).
fn roll(
    sitting: &Sitting,
    on: NaiveDate,
    motion: &str,
    ballot: impl Fn(usize, &str) -> Ballot,
) -> RecordedVote {
    let ballots = sitting
        .members
        .iter()
        .enumerate()
        .map(|(i, (m, (party, _)))| (m.clone(), ballot(i, party)))
        .collect();
    RecordedVote::new(on, motion, ballots)
}

/// What the demo's texts say they are.
pub const SYNTHETIC_NOTE: &str = "Synthetic demo text: not an actual bill of the Kurultai.";

fn bill_text(
    work: &str,
    en: &str,
    ru: &str,
    kk: &str,
    article: &str,
) -> Result<ashyq_core::legal::Act> {
    let md = format!(
        "---\nwork: {work}\nversion: introduced\ntitle.en: {en} (synthetic)\ntitle.ru: {ru} (синтетический)\ntitle.kk: {kk} (синтетикалық)\n---\n\n# Article 1\nen: {article}\n\n# Article 2\nen: {SYNTHETIC_NOTE}\n"
    );
    Ok(markdown::parse(&md)?)
}

/// The synthetic first session of the house on the allocated election (the only one): the
/// Chair and three vice-chairs elected by roll call, four committees, the Vice President's
/// consent and appointment, the People's Council's members, session and bill initiative, and
/// five bills in different stages — one introduced by the People's Council and one returned
/// with objections. Every text is synthetic and says so.
/// `election`: the only one if `None`.
pub async fn first_session(
    registrar: &Registrar,
    election: Option<&str>,
    author: &str,
) -> Result<()> {
    let who = secretariat(author);
    let election = registrar
        .ledger()
        .resolve_election(election)?
        .definition
        .clone();
    if registrar
        .ledger()
        .election(&election.id)?
        .allocation()
        .is_none()
    {
        bail!(
            "the seats of {} are not allocated yet; run `ashyq election allocate` first",
            election.id
        );
    }
    let day0 = election.election_day + Days::new(16);
    let d = |n: u64| day0 + Days::new(n);
    if registrar.ledger().kurultai().convening().is_none() {
        step(
            registrar,
            KurultaiEvent::Convened {
                election: election.id.clone(),
                first_session: day0,
                rules: KurultaiRules::default(),
                author: who.clone(),
            },
        )
        .await?;
    }
    let sitting = || {
        registrar
            .ledger()
            .kurultai_sitting()
            .expect("the house was convened from an allocated election")
    };
    let s = sitting();
    let ids: Vec<MemberId> = s.members.keys().cloned().collect();
    // Most vote yes; every 11th is absent, every 13th abstains, every 17th votes no.
    let usual = |i: usize, _: &str| match i {
        i if i % 11 == 3 => Ballot::Absent,
        i if i % 13 == 5 => Ballot::Abstain,
        i if i % 17 == 7 => Ballot::No,
        _ => Ballot::Yes,
    };
    step(
        registrar,
        KurultaiEvent::OfficerVoted {
            office: Office::Chair,
            candidate: ids[0].clone(),
            vote: roll(&s, day0, "Election of the Chair", usual),
            author: who.clone(),
        },
    )
    .await?;
    let quarter = ids.len() / 4;
    for n in 1..=3 {
        step(
            registrar,
            KurultaiEvent::OfficerVoted {
                office: Office::ViceChair,
                candidate: ids[n * quarter.max(1)].clone(),
                vote: roll(&s, day0, &format!("Election of vice-chair {n}"), usual),
                author: who.clone(),
            },
        )
        .await?;
    }
    let committees = [
        (
            "budget",
            "Budget and Finance",
            "По бюджету и финансам",
            "Бюджет және қаржы",
        ),
        (
            "legislation",
            "Legislation and Judicial Reform",
            "По законодательству и судебно-правовой реформе",
            "Заңнама және сот-құқықтық реформа",
        ),
        (
            "social",
            "Social and Cultural Development",
            "По социально-культурному развитию",
            "Әлеуметтік-мәдени даму",
        ),
        (
            "economy",
            "Economic Reform and Regional Development",
            "По экономической реформе и региональному развитию",
            "Экономикалық реформа және өңірлік даму",
        ),
    ];
    for (i, (id, en, ru, kk)) in committees.iter().enumerate() {
        let members: Vec<MemberId> = ids
            .iter()
            .skip(4 + i)
            .step_by(committees.len())
            .cloned()
            .collect();
        step(
            registrar,
            KurultaiEvent::CommitteeFormed {
                committee: CommitteeId((*id).into()),
                name: Names {
                    kk: (*kk).into(),
                    ru: (*ru).into(),
                    en: (*en).into(),
                },
                chair: members[0].clone(),
                members,
                on: d(1),
                author: who.clone(),
            },
        )
        .await?;
    }
    step(
        registrar,
        KurultaiEvent::VicePresidentNominated {
            nominee: "Synthetic Nominee (demo)".into(),
            on: d(2),
            author: who.clone(),
        },
    )
    .await?;
    step(
        registrar,
        KurultaiEvent::VicePresidentConsentVoted {
            vote: roll(
                &s,
                d(3),
                "Consent to the appointment of the Vice President",
                usual,
            ),
            author: who.clone(),
        },
    )
    .await?;
    step(
        registrar,
        KurultaiEvent::VicePresidentAppointed {
            on: d(4),
            author: who.clone(),
        },
    )
    .await?;
    // The People's Council: five synthetic members, a session and a bill initiative.
    for i in 1..=5 {
        step(
            registrar,
            KurultaiEvent::CouncilMemberJoined {
                member: MemberId(format!("pc-{i}")),
                name: format!("Council member {i} (synthetic)"),
                block: ["public associations", "regions", "experts"][i % 3].into(),
                on: d(2),
                author: who.clone(),
            },
        )
        .await?;
    }
    step(
        registrar,
        KurultaiEvent::CouncilSessionHeld {
            session: 0,
            on: d(5),
            author: who.clone(),
        },
    )
    .await?;
    let council_votes = (1..=5)
        .map(|i| {
            (
                MemberId(format!("pc-{i}")),
                if i == 5 { Ballot::No } else { Ballot::Yes },
            )
        })
        .collect();
    let init = step(
        registrar,
        KurultaiEvent::CouncilInitiativeVoted {
            initiative: 0,
            session: 0,
            proposal: CouncilProposal::Bill {
                title: Names {
                    kk: "Қоғамдық бақылау туралы (синтетикалық)".into(),
                    ru: "Об общественном контроле (синтетический)".into(),
                    en: "On public oversight (synthetic)".into(),
                },
            },
            vote: RecordedVote::new(
                d(5),
                "To submit a bill on public oversight to the Kurultai",
                council_votes,
            ),
            author: who.clone(),
        },
    )
    .await?;
    let initiative = match &init.event {
        ashyq_core::Event::Kurultai(KurultaiEvent::CouncilInitiativeVoted {
            initiative, ..
        }) => *initiative,
        _ => bail!(
            "the log recorded {} instead of the initiative",
            init.event.kind()
        ),
    };
    let bills = [
        (
            "bill-2026-001",
            Initiator::Government,
            "budget",
            "On the republican budget",
            "О республиканском бюджете",
            "Республикалық бюджет туралы",
            false,
        ),
        (
            "bill-2026-002",
            Initiator::Deputies {
                members: ids[10..13].to_vec(),
            },
            "legislation",
            "On access to information",
            "О доступе к информации",
            "Ақпаратқа қол жеткізу туралы",
            false,
        ),
        (
            "bill-2026-003",
            Initiator::PeoplesCouncil { initiative },
            "social",
            "On public oversight",
            "Об общественном контроле",
            "Қоғамдық бақылау туралы",
            false,
        ),
        (
            "bill-2026-004",
            Initiator::President,
            "economy",
            "On regional development",
            "О региональном развитии",
            "Өңірлік даму туралы",
            true,
        ),
        (
            "bill-2026-005",
            Initiator::Government,
            "budget",
            "On public procurement",
            "О государственных закупках",
            "Мемлекеттік сатып алу туралы",
            false,
        ),
    ];
    for (id, initiator, committee, en, ru, kk, priority) in &bills {
        step(
            registrar,
            KurultaiEvent::BillIntroduced {
                bill: BillId((*id).into()),
                kind: ActKind::Law,
                priority: *priority,
                initiator: initiator.clone(),
                committee: CommitteeId((*committee).into()),
                text: bill_text(id, en, ru, kk, "This synthetic law sets out its subject.")?,
                on: d(6),
                author: who.clone(),
            },
        )
        .await?;
    }
    let reading = |bill: &str, n: u8, on: NaiveDate| KurultaiEvent::ReadingVoted {
        bill: BillId(bill.into()),
        reading: n,
        outcome: ReadingOutcome::NotPassed,
        vote: roll(&sitting(), on, &format!("Reading {n} of {bill}"), usual),
        author: who.clone(),
    };
    // Bill 1: three readings, sent, signed.
    for n in 1..=3 {
        step(registrar, reading("bill-2026-001", n, d(7 + u64::from(n)))).await?;
    }
    step(
        registrar,
        KurultaiEvent::Transmitted {
            bill: BillId("bill-2026-001".into()),
            on: d(12),
            author: who.clone(),
        },
    )
    .await?;
    step(
        registrar,
        KurultaiEvent::Signed {
            bill: BillId("bill-2026-001".into()),
            on: d(20),
            in_force: d(30),
            author: who.clone(),
        },
    )
    .await?;
    // Bill 2: adopted, returned with objections.
    for n in 1..=3 {
        step(registrar, reading("bill-2026-002", n, d(7 + u64::from(n)))).await?;
    }
    step(
        registrar,
        KurultaiEvent::Transmitted {
            bill: BillId("bill-2026-002".into()),
            on: d(12),
            author: who.clone(),
        },
    )
    .await?;
    step(
        registrar,
        KurultaiEvent::Returned {
            bill: BillId("bill-2026-002".into()),
            on: d(25),
            objections: "Article 1 is too broad (synthetic objections).".into(),
            author: who.clone(),
        },
    )
    .await?;
    // Bill 3 (the People's Council's): first reading passed.
    step(registrar, reading("bill-2026-003", 1, d(9))).await?;
    // Bill 4: first reading, an amendment carried before the second.
    step(registrar, reading("bill-2026-004", 1, d(9))).await?;
    step(
        registrar,
        KurultaiEvent::AmendmentVoted {
            bill: BillId("bill-2026-004".into()),
            proposer: Proposer::Committee {
                committee: CommitteeId("economy".into()),
            },
            reading: 0,
            text: bill_text(
                "bill-2026-004",
                "On regional development",
                "О региональном развитии",
                "Өңірлік даму туралы",
                "This synthetic law sets out its subject and the duties of regional authorities.",
            )?,
            vote: roll(
                &sitting(),
                d(11),
                "Amendment of the Committee on Economic Reform to Article 1",
                usual,
            ),
            author: who.clone(),
        },
    )
    .await?;
    let k = registrar.ledger();
    let k = k.kurultai();
    println!("{SYNTHETIC_NOTE}");
    println!(
        "The Kurultai's first session: {} roll calls, {} committees, {} bills, the Vice President appointed.",
        k.votes().len(),
        k.committees().count(),
        k.bills().count()
    );
    Ok(())
}
