//! `ashyq audit create|seed|draw|enter|measure|status|report|escalate`: an audit of a certified
//! referendum on the database, every act recorded through the one write path into the public
//! log (`Registrar::record`, `Registrar::enter_audit`), decided by `ledger/audit.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use ashyq_core::audit::record::{AuditEntry, AuditEvent, AuditMethod};
use ashyq_core::audit::report::{AuditReport, Conclusion, describe};
use ashyq_core::audit::{HandCount, Reading, RiskLimit, format_ppm};
use ashyq_core::author::Author;
use ashyq_core::event::Event;
use ashyq_core::ledger::Ledger;
use ashyq_core::territory::RegionCode;
use ashyq_store::registrar::Registrar;
use clap::{Args, ValueEnum};

use crate::authors;
use crate::database::open;
use crate::files::write_output;
use crate::referendum_cmd::resolve;

/// The audit method, as `--method` names it.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodName {
    /// Batch comparison (MACRO): precincts drawn by PPEB, hand counts against protocols.
    BatchComparison,
    /// Ballot polling (BRAVO): ballots drawn uniformly with replacement, each read.
    BallotPolling,
    /// Ballot polling (ALPHA): ballots drawn uniformly without replacement, each read.
    Alpha,
}

impl MethodName {
    fn method(self) -> AuditMethod {
        match self {
            MethodName::BatchComparison => AuditMethod::BatchComparison,
            MethodName::BallotPolling => AuditMethod::BallotPolling,
            MethodName::Alpha => AuditMethod::BallotPollingAlpha,
        }
    }
}

/// `CONTEST=METHOD` of `--contest-method`.
fn contest_method(text: &str) -> Result<(String, AuditMethod)> {
    let (c, m) = text.split_once('=').with_context(|| {
        format!("--contest-method {text:?}: write CONTEST=METHOD, e.g. KZ-75=alpha")
    })?;
    let m = MethodName::from_str(m.trim(), true).map_err(|_| {
        anyhow::anyhow!(
            "--contest-method {text:?}: the method is batch-comparison, ballot-polling or alpha"
        )
    })?;
    Ok((c.trim().to_owned(), m.method()))
}

/// Arguments of `ashyq audit create`.
#[derive(Args)]
pub struct CreateArgs {
    /// The audit's id (letters, digits, '-', '_').
    #[arg(long)]
    pub id: String,
    /// The certified referendum (needed only when there are several).
    #[arg(long)]
    pub referendum: Option<String>,
    /// Risk limit in whole percent (1–50).
    #[arg(long, default_value = "5")]
    pub risk_limit: String,
    /// The method of every contest not named by `--contest-method`.
    #[arg(long, value_enum, default_value = "batch-comparison")]
    pub method: MethodName,
    /// Another method for one contest: `CONTEST=METHOD` (`national` or a unit's code), e.g.
    /// `KZ-75=alpha`; repeat for several.
    #[arg(long = "contest-method")]
    pub contest_methods: Vec<String>,
    /// Who defines it (central commission).
    #[arg(long)]
    pub author: String,
}

/// Arguments of `ashyq audit seed`.
#[derive(Args)]
pub struct SeedArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// The digits rolled in public, at least 20.
    #[arg(long)]
    pub digits: String,
    /// Who records them (central commission).
    #[arg(long)]
    pub author: String,
}

/// Arguments of `ashyq audit draw`.
#[derive(Args)]
pub struct DrawArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// A contest's round size instead of the planned one: `KZ-75=12` (repeatable).
    #[arg(long = "size", value_name = "CONTEST=N")]
    pub sizes: Vec<String>,
    /// Also write the draw as CSV (`contest,ticket,id,generation`) to this file.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Who draws (central commission).
    #[arg(long)]
    pub author: String,
}

/// Arguments of `ashyq audit enter`.
#[derive(Args)]
pub struct EnterArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// The sampled item: a precinct number, or a ballot `<precinct>:<position>`.
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    pub item: Option<String>,
    /// Many entries of the same member: CSV lines `ITEM,YES,NO,BOTH_MARKED,INVALID` or
    /// `ITEM,READING` (a header line starting with `item` is skipped). Each line is decided
    /// and recorded in turn; the first refused line stops the command.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// A precinct's hand count as `YES,NO,BOTH_MARKED,INVALID` (batch comparison).
    #[arg(long, conflicts_with_all = ["reading", "file"])]
    pub count: Option<String>,
    /// A ballot's reading: yes, no, both, invalid or not-found (ballot polling).
    #[arg(long, conflicts_with = "file")]
    pub reading: Option<String>,
    /// The board's territory (a region's code); omit for a central board.
    #[arg(long)]
    pub board: Option<String>,
    /// The board member entering.
    #[arg(long)]
    pub member: String,
}

/// Arguments of `ashyq audit measure`.
#[derive(Args)]
pub struct MeasureArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// Who measures (central commission).
    #[arg(long)]
    pub author: String,
}

/// Arguments of `ashyq audit status`.
#[derive(Args)]
pub struct StatusArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
}

/// Arguments of `ashyq audit report`.
#[derive(Args)]
pub struct ReportArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// The file: `.json` or `.csv` (standard output as JSON when absent).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `ashyq audit escalate`.
#[derive(Args)]
pub struct EscalateArgs {
    /// The audit (needed only when there are several).
    #[arg(long)]
    pub id: Option<String>,
    /// The escalated contest: `national` or a region's code.
    #[arg(long)]
    pub contest: String,
    /// The full hand count as CSV lines `PRECINCT,YES,NO,BOTH_MARKED,INVALID` (a header line
    /// starting with `precinct` is skipped). Each line is decided and recorded in turn; the
    /// first refused line stops the command.
    #[arg(long)]
    pub file: PathBuf,
    /// Why the hand count replaces the protocols (the escalation, and who counted).
    #[arg(long)]
    pub reason: String,
    /// Who records it (central commission).
    #[arg(long)]
    pub author: String,
}

/// The audit `id` names, or the only one when it names none.
pub fn resolve_audit(ledger: &Ledger, id: Option<&str>) -> Result<String> {
    if let Some(id) = id {
        return Ok(ledger.audit(id)?.id.clone());
    }
    let ids: Vec<&str> = ledger.audits().map(|a| a.id.as_str()).collect();
    match ids.as_slice() {
        [] => bail!("no audit yet: define one with `ashyq audit create --id ID --author NAME`"),
        [one] => Ok((*one).to_owned()),
        many => bail!(
            "there are several audits ({}); name one with --id",
            many.join(", ")
        ),
    }
}

/// The report of audit `id` on the ledger's certified protocols.
pub fn report_of(ledger: &Ledger, id: &str) -> Result<AuditReport> {
    Ok(ledger.audit_report(id)?)
}

fn audit_board(name: &str) -> Author {
    Author {
        name: name.trim().to_owned(),
        role: "audit board".into(),
    }
}

/// Runs `ashyq audit create`.
pub async fn create(db: &str, a: CreateArgs) -> Result<ExitCode> {
    let limit = RiskLimit::parse(&a.risk_limit)?;
    let method = a.method.method();
    let methods = a
        .contest_methods
        .iter()
        .map(|t| contest_method(t))
        .collect::<Result<BTreeMap<_, _>>>()?;
    let registrar = open(db).await?;
    let referendum = resolve(&registrar, a.referendum.as_deref())?;
    let author = authors::central_commission(a.author.trim());
    let entry = registrar
        .record(|l| {
            l.define_audit_with(&a.id, &referendum, limit, method, &methods, author.clone())
        })
        .await?;
    let contests = registrar.ledger().audit(&a.id)?.contests.len();
    println!(
        "Audit {} of {referendum} defined (entry {}): {contests} contests (national and each region), risk limit {limit}, {}.",
        a.id,
        entry.seq,
        method_text(method)
    );
    println!(
        "Next: roll at least 20 dice in public and record them: ashyq audit seed --id {} --digits DIGITS --author NAME",
        a.id
    );
    Ok(ExitCode::SUCCESS)
}

fn method_text(m: AuditMethod) -> &'static str {
    match m {
        AuditMethod::BatchComparison => "batch comparison (MACRO, precincts drawn by PPEB)",
        AuditMethod::BallotPolling => "ballot polling (BRAVO, ballots drawn with replacement)",
        AuditMethod::BallotPollingAlpha => {
            "ballot polling (ALPHA, ballots drawn without replacement)"
        }
    }
}

/// Runs `ashyq audit seed`.
pub async fn seed(db: &str, a: SeedArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = resolve_audit(&registrar.ledger(), a.id.as_deref())?;
    let author = authors::central_commission(a.author.trim());
    let digits = a.digits.trim();
    let entry = registrar
        .record(|l| l.record_audit_seed(&id, digits, author.clone()))
        .await?;
    println!(
        "Seed {digits} of audit {id} recorded (entry {}). Next: ashyq audit draw --id {id} --author NAME",
        entry.seq
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_sizes(sizes: &[String]) -> Result<BTreeMap<String, u64>> {
    let mut out = BTreeMap::new();
    for s in sizes {
        let (c, n) = s
            .split_once('=')
            .with_context(|| format!("--size {s}: write CONTEST=N, e.g. KZ-75=12"))?;
        let n: u64 = n
            .trim()
            .parse()
            .with_context(|| format!("--size {s}: {n:?} is not a whole number of draws"))?;
        if out.insert(c.trim().to_owned(), n).is_some() {
            bail!("--size names {} twice", c.trim());
        }
    }
    Ok(out)
}

/// Runs `ashyq audit draw`.
pub async fn draw(db: &str, a: DrawArgs) -> Result<ExitCode> {
    let sizes = parse_sizes(&a.sizes)?;
    let registrar = open(db).await?;
    let id = resolve_audit(&registrar.ledger(), a.id.as_deref())?;
    let author = authors::central_commission(a.author.trim());
    let entry = registrar
        .record(|l| l.draw_audit_round(&id, &sizes, author.clone()))
        .await?;
    let Event::Audit(AuditEvent::RoundDrawn { round, draws, .. }) = &entry.event else {
        bail!(
            "the log recorded another event than the draw (entry {})",
            entry.seq
        );
    };
    let mut csv = String::from("contest,ticket,id,generation\n");
    let mut distinct = std::collections::BTreeSet::new();
    for d in draws {
        for t in &d.tickets {
            distinct.insert(t.id.clone());
            csv.push_str(&format!(
                "{},{},{},{}\n",
                d.contest,
                ashyq_core::audit::sampler::trim(&t.number, 18),
                t.id,
                t.generation
            ));
        }
    }
    println!(
        "Round {round} of audit {id} drawn (entry {}): {} draws, {} distinct items to count by hand.",
        entry.seq,
        draws.iter().map(|d| d.tickets.len()).sum::<usize>(),
        distinct.len()
    );
    for d in draws {
        let ids: Vec<&str> = d.tickets.iter().map(|t| t.id.as_str()).collect();
        println!("{:<9} {:>3} draws: {}", d.contest, ids.len(), ids.join(" "));
    }
    if let Some(path) = &a.output {
        write_output(Some(path), &csv)?;
        println!("Wrote the draw to {}.", path.display());
    }
    println!(
        "Next: two members of each board enter each item: ashyq audit enter --id {id} --item ITEM --count YES,NO,BOTH,INVALID --member NAME"
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_count(text: &str) -> Result<HandCount> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let bad = || {
        anyhow::anyhow!(
            "--count {text}: write the hand count as YES,NO,BOTH_MARKED,INVALID, e.g. 412,57,2,6"
        )
    };
    let [yes, no, both, invalid] = parts.as_slice() else {
        return Err(bad());
    };
    let n = |s: &str| s.parse::<u64>().map_err(|_| bad());
    Ok(HandCount {
        yes: n(yes)?,
        no: n(no)?,
        both_marked: n(both)?,
        invalid: n(invalid)?,
    })
}

/// The entry `--count` or `--reading` gives.
fn entry_of(count: Option<&str>, reading: Option<&str>) -> Result<AuditEntry> {
    match (count, reading) {
        (Some(c), None) => Ok(AuditEntry::Precinct {
            count: parse_count(c)?,
        }),
        (None, Some(r)) => Ok(AuditEntry::Ballot {
            reading: Reading::parse(r).with_context(|| {
                format!("--reading {r}: write yes, no, both, invalid or not-found")
            })?,
        }),
        _ => bail!(
            "give --count YES,NO,BOTH_MARKED,INVALID for a precinct, or --reading yes|no|both|invalid|not-found for a ballot"
        ),
    }
}

/// The lines of an `enter --file`: `(line number, item, entry)`.
fn entries_file(path: &std::path::Path) -> Result<Vec<(usize, String, AuditEntry)>> {
    let text = crate::files::read_text(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.to_ascii_lowercase().starts_with("item")) {
            continue;
        }
        let at = || format!("{} line {}", path.display(), i + 1);
        let (item, rest) = line.split_once(',').with_context(|| {
            format!(
                "{}: write ITEM,YES,NO,BOTH_MARKED,INVALID or ITEM,READING",
                at()
            )
        })?;
        let entry = if rest.contains(',') {
            entry_of(Some(rest), None)
        } else {
            entry_of(None, Some(rest))
        }
        .with_context(at)?;
        out.push((i + 1, item.trim().to_owned(), entry));
    }
    if out.is_empty() {
        bail!("{} has no entries", path.display());
    }
    Ok(out)
}

/// Runs `ashyq audit enter`.
pub async fn enter(db: &str, a: EnterArgs) -> Result<ExitCode> {
    let entries = match (&a.file, &a.item) {
        (Some(path), _) => entries_file(path)?,
        (None, Some(item)) => vec![(
            0,
            item.trim().to_owned(),
            entry_of(a.count.as_deref(), a.reading.as_deref())?,
        )],
        (None, None) => bail!("give --item ITEM with --count or --reading, or --file FILE"),
    };
    let board = a.board.as_deref().map(|b| RegionCode(b.trim().to_owned()));
    let registrar = open(db).await?;
    let id = resolve_audit(&registrar.ledger(), a.id.as_deref())?;
    let member = audit_board(&a.member);
    let many = entries.len() > 1;
    for (n, (line, item, entry)) in entries.iter().enumerate() {
        let out = registrar
            .enter_audit(&id, item, *entry, board.as_ref(), member.clone())
            .await
            .with_context(|| match &a.file {
                Some(f) => format!(
                    "{} line {line} ({item}) refused; the {n} lines before it are recorded",
                    f.display()
                ),
                None => format!("the entry of {item} is refused; nothing recorded"),
            })?;
        let report = report_of(&registrar.ledger(), &id)?;
        if !many {
            println!(
                "Entry of {item} by {} recorded (entry {}): {}.",
                member.name,
                out.entry.seq,
                describe(entry)
            );
        }
        show_item(&report, item, many);
        if let Some(e) = &out.measure_error {
            println!(
                "Every item is agreed, but the round could not be measured now ({e}); run `ashyq audit measure --id {id} --author NAME`."
            );
        }
        if let Some(m) = &out.measured {
            println!(
                "Every sampled item is agreed: the round is measured (entry {}).",
                m.seq
            );
            print_contests(&report);
        }
    }
    if many {
        println!("{} entries by {} recorded.", entries.len(), member.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// What an entry left an item at; with `quiet`, only a disagreement or a discrepancy.
fn show_item(report: &AuditReport, item: &str, quiet: bool) {
    let Some(i) = report.item(item) else {
        return;
    };
    match (&i.agreed, i.disputed) {
        (Some(e), _) => {
            if !quiet {
                println!("{item} is agreed by two members: {}.", describe(e));
            }
            if let Some(d) = i.discrepancy {
                println!(
                    "Discrepancy in {item} against the protocol: yes {:+}, no {:+}, both marked {:+}, invalid {:+}.",
                    d.yes, d.no, d.both_marked, d.invalid
                );
            }
        }
        (None, true) => {
            println!("DISAGREEMENT on {item}: the members entered different values:");
            for e in &i.entries {
                println!("  {}: {}", e.member, describe(&e.entry));
            }
            println!("Recount together; the item is agreed when two members enter the same.");
        }
        (None, false) => {
            if !quiet {
                println!("{item} waits for a second member's entry.");
            }
        }
    }
}

/// Runs `ashyq audit measure`.
pub async fn measure(db: &str, a: MeasureArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = resolve_audit(&registrar.ledger(), a.id.as_deref())?;
    let author = authors::central_commission(a.author.trim());
    let entry = registrar
        .record(|l| l.measure_audit_round(&id, author.clone()))
        .await?;
    println!("Round of audit {id} measured (entry {}).", entry.seq);
    print_contests(&report_of(&registrar.ledger(), &id)?);
    Ok(ExitCode::SUCCESS)
}

fn print_contests(r: &AuditReport) {
    println!(
        "{:<9} {:>6} {:>8} {:>10} {:>13}  decision",
        "contest", "draws", "risk", "limit", "discrepancies"
    );
    for c in &r.contests {
        let last = c.risk.last();
        println!(
            "{:<9} {:>6} {:>8} {:>10} {:>13}  {}",
            c.contest,
            c.sample.len(),
            last.map_or("-".into(), |m| format_ppm(m.risk_ppm)),
            r.risk_limit.to_string(),
            c.discrepancies,
            match (&c.conclusion, last) {
                (Conclusion::Confirmed, Some(m)) => format!(
                    "confirmed at risk ≤ {} (measured {})",
                    r.risk_limit,
                    format_ppm(m.risk_ppm)
                ),
                (c, _) => c.to_string(),
            }
        );
    }
}

/// Runs `ashyq audit status`.
pub async fn status(db: &str, a: StatusArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let ledger = registrar.ledger();
    let id = resolve_audit(&ledger, a.id.as_deref())?;
    let r = report_of(&ledger, &id)?;
    println!(
        "Audit {} of {}: {}, risk limit {}; seed {}; {} rounds drawn, {} measured.",
        r.audit,
        r.referendum,
        method_text(r.method),
        r.risk_limit,
        r.seed.as_deref().unwrap_or("not recorded yet"),
        r.rounds_drawn,
        r.rounds_measured
    );
    print_contests(&r);
    if let Some(round) = r.open_round {
        let agreed = r.items.iter().filter(|i| i.agreed.is_some()).count();
        println!(
            "Round {round}: {agreed} of {} sampled items agreed by two members.",
            r.items.len()
        );
        for i in r.items.iter().filter(|i| i.agreed.is_none()) {
            let entries: Vec<String> = i
                .entries
                .iter()
                .map(|e| format!("{}: {}", e.member, describe(&e.entry)))
                .collect();
            println!(
                "  {} ({}): {}{}",
                i.item,
                i.region,
                if i.disputed {
                    "DISAGREEMENT — "
                } else if entries.is_empty() {
                    "no entry yet"
                } else {
                    "one entry — "
                },
                entries.join("; ")
            );
        }
    }
    for i in r.items.iter().filter(|i| i.discrepancy.is_some()) {
        if let Some(d) = i.discrepancy {
            println!(
                "Discrepancy in precinct {} ({}): yes {:+}, no {:+}, both marked {:+}, invalid {:+}.",
                i.item, i.region, d.yes, d.no, d.both_marked, d.invalid
            );
        }
    }
    for c in r
        .contests
        .iter()
        .filter(|c| matches!(c.conclusion, Conclusion::Escalate))
    {
        println!(
            "{}: escalate to a full hand count; count its territory by hand and record each precinct's count with `ashyq protocol amend` and the reason.",
            c.contest
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq audit report`.
pub async fn report(db: &str, a: ReportArgs) -> Result<ExitCode> {
    let registrar: Registrar = open(db).await?;
    let ledger = registrar.ledger();
    let id = resolve_audit(&ledger, a.id.as_deref())?;
    let r = report_of(&ledger, &id)?;
    let csv = a
        .out
        .as_ref()
        .and_then(|p| p.extension())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let text = if csv {
        r.to_csv()
    } else {
        serde_json::to_string_pretty(&r)? + "\n"
    };
    match &a.out {
        Some(path) => {
            write_output(Some(path), &text)?;
            println!("Wrote the report of audit {id} to {}.", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// The lines of an `escalate --file`: `(line number, precinct, count)`.
fn hand_count_file(path: &std::path::Path) -> Result<Vec<(usize, u32, HandCount)>> {
    let text = crate::files::read_text(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (i == 0 && line.to_ascii_lowercase().starts_with("precinct")) {
            continue;
        }
        let at = || format!("{} line {}", path.display(), i + 1);
        let (precinct, rest) = line
            .split_once(',')
            .with_context(|| format!("{}: write PRECINCT,YES,NO,BOTH_MARKED,INVALID", at()))?;
        let precinct: u32 = precinct
            .trim()
            .parse()
            .with_context(|| format!("{}: {precinct:?} is not a precinct number", at()))?;
        out.push((i + 1, precinct, parse_count(rest).with_context(at)?));
    }
    if out.is_empty() {
        bail!("{} has no hand counts", path.display());
    }
    Ok(out)
}

/// Runs `ashyq audit escalate`: the full hand count of an escalated contest's territory, one
/// precinct a line, each recorded in the public log; a count that differs from the protocol
/// replaces it as an amendment with the reason, so the published result follows the paper.
pub async fn escalate(db: &str, a: EscalateArgs) -> Result<ExitCode> {
    let counts = hand_count_file(&a.file)?;
    let registrar = open(db).await?;
    let id = resolve_audit(&registrar.ledger(), a.id.as_deref())?;
    let author = authors::central_commission(a.author.trim());
    let contest = a.contest.trim().to_owned();
    let (mut amended, mut agreeing) = (0usize, 0usize);
    for (n, (line, precinct, count)) in counts.iter().enumerate() {
        let entry = registrar
            .record(|l| {
                l.record_hand_count(&id, &contest, *precinct, *count, &a.reason, author.clone())
            })
            .await
            .with_context(|| {
                format!(
                    "{} line {line} (precinct {precinct}) refused; the {n} lines before it are recorded",
                    a.file.display()
                )
            })?;
        match &entry.event {
            Event::Audit(AuditEvent::HandCounted {
                amendment: Some(am),
                ..
            }) => {
                amended += 1;
                println!(
                    "Precinct {precinct}: the hand count differs from the protocol and replaces it (entry {}, protocol {} replaces {}).",
                    entry.seq, am.protocol_hash, am.replaces_hash
                );
            }
            _ => agreeing += 1,
        }
    }
    let (counted, members) = {
        let l = registrar.ledger();
        let audit = l.audit(&id)?;
        let manifest = l.audit_manifest(&audit.referendum)?;
        let members = manifest
            .precincts
            .iter()
            .filter(|p| contest == "national" || p.region.0 == contest)
            .count();
        let counted = audit
            .hand_counts
            .iter()
            .filter(|(n, _)| {
                manifest
                    .precincts
                    .iter()
                    .any(|p| p.number == **n && (contest == "national" || p.region.0 == contest))
            })
            .count();
        (counted, members)
    };
    println!(
        "{} hand counts of {contest} recorded: {amended} replaced their protocol, {agreeing} agreed with it. {counted} of the contest's {members} precincts are counted in full.",
        counts.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The demo's audit of the certified referendum: defined, its seed recorded and its first
/// round drawn, so that the public pages (`/audits`) have a sample and Almaty's audit board
/// has items to enter in the portal.
pub async fn demo_audit(
    registrar: &Registrar,
    referendum: &ashyq_core::contest::ContestId,
) -> Result<()> {
    let id = "kz-2026-rla";
    let author = authors::central_commission("Central Referendum Commission (demo)");
    registrar
        .record(|l| {
            l.define_audit(
                id,
                referendum,
                RiskLimit::default(),
                AuditMethod::BatchComparison,
                author.clone(),
            )
        })
        .await?;
    // Digits as a public ceremony would roll them (fixed, so the demo's sample is the same
    // every time).
    registrar
        .record(|l| l.record_audit_seed(id, "31415926535897932384", author.clone()))
        .await?;
    registrar
        .record(|l| l.draw_audit_round(id, &BTreeMap::new(), author.clone()))
        .await?;
    let r = report_of(&registrar.ledger(), id)?;
    println!(
        "Audit {id} of the certified result: risk limit {}, round 1 drawn ({} precincts to count by hand; the audit board of KZ-75 enters them at /portal/audits).",
        r.risk_limit,
        r.items.len()
    );
    Ok(())
}
