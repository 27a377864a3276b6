//! `ashyq audit …`: risk-limiting audits of the paper count (`docs/audit.md`) — the offline
//! draw any observer can redo (`sample`), the simulated audits (`simulate`) and
//! `ashyq bench audit`; the audit on the database (`create|seed|draw|enter|measure|status|
//! report`) is in `audit_flow`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command as Process, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use ashyq_core::PrecinctProtocol;
use ashyq_core::audit::comparison::{self, ContestBound, Draw, ReportedBatch};
use ashyq_core::audit::sampler::{self, Sampler, Ticket};
use ashyq_core::audit::simulate::{SimMethod, SimOutcome, SimPrecinct, simulate_audit};
use ashyq_core::audit::{HandCount, Risk, RiskLimit, alpha, bravo, ppeb, reported_winner};
use ashyq_core::profile;
use ashyq_core::scenario;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::territory::{Territory, TerritoryIndex};

use crate::audit_flow;
use crate::files::read_text;
use crate::output::{progress, thousands};

/// `ashyq audit …`.
#[derive(Subcommand)]
pub enum AuditCommand {
    /// Redraw a sample offline with Rivest's consistent sampler: the same seed and ids give
    /// the same order as the reference `consistent_sampler` and as the audit's draws.
    #[command(after_help = "Examples:
  ashyq audit sample --seed 01382438112797316654 --ids ballots.txt --count 20
  ashyq audit sample --seed 01382438112797316654 --ids precincts.txt --count 10 --with-replacement
  ashyq audit sample --seed 01382438112797316654 --ids ballots.txt --count 10 --drop 20   # round 2
Ids one a line: a precinct is its number (`1234`), a ballot `<precinct>:<position>` (`1234:17`).
Prints CSV with the header `ticket,id,generation`. Needs no database.")]
    Sample(SampleArgs),
    /// Simulate audits of the 2026 demo referendum (national and every region) and print the
    /// sample sizes measured against the theory, or how often a falsified outcome is confirmed.
    #[command(after_help = "Examples:
  ashyq audit simulate                                  # honest protocols, MACRO, 1,000 runs
  ashyq audit simulate --method polling                 # BRAVO ballot polling
  ashyq audit simulate --method alpha                   # ALPHA ballot polling, without replacement
  ashyq audit simulate --scenario falsified --runs 1000 # a region's majority reported wrongly
  ashyq audit simulate --scenario discrepancies         # a few ballots off here and there
Needs no database.")]
    Simulate(SimulateArgs),
    /// Define the audit of a certified referendum: the national contest and every region's,
    /// a risk limit (default 5%) and a method.
    #[command(after_help = "Examples:
  ashyq audit create --id kz-2026-rla --author \"CEC secretary\"
  ashyq audit create --id kz-2026-polling --method ballot-polling --risk-limit 10 --author \"CEC secretary\"
The referendum must be certified (`ashyq certify`). Recorded in the public log.")]
    Create(audit_flow::CreateArgs),
    /// Record the seed of the public ceremony: at least 20 decimal digits rolled with dice,
    /// once, before any draw.
    #[command(after_help = "Example:
  ashyq audit seed --id kz-2026-rla --digits 01382438112797316654 --author \"CEC secretary\"")]
    Seed(audit_flow::SeedArgs),
    /// Draw the next round from the seed: per open contest the planned number of precincts
    /// (or ballots), extending the same consistent order.
    #[command(after_help = "Examples:
  ashyq audit draw --id kz-2026-rla --author \"CEC secretary\"
  ashyq audit draw --id kz-2026-rla --size KZ-75=12 --output round1.csv --author \"CEC secretary\"
Anyone redraws it offline: `ashyq verify` on the exported log, or `ashyq audit sample`.")]
    Draw(audit_flow::DrawArgs),
    /// Enter a board member's hand count of a sampled precinct or reading of a sampled ballot;
    /// two different members must enter the same. The round is measured once every item is
    /// agreed.
    #[command(after_help = "Examples:
  ashyq audit enter --id kz-2026-rla --item 1234 --count 412,57,2,6 --member \"A. Nurlanova\" --board KZ-75
  ashyq audit enter --id kz-2026-rla --item 1234 --count 412,57,2,6 --member \"B. Seitkali\" --board KZ-75
  ashyq audit enter --id kz-2026-polling --item 1234:17 --reading yes --member \"A. Nurlanova\"
  ashyq audit enter --id kz-2026-rla --file counts.csv --member \"A. Nurlanova\" --board KZ-75   # ITEM,YES,NO,BOTH,INVALID lines
--count is YES,NO,BOTH_MARKED,INVALID; --reading is yes, no, both, invalid or not-found.
--board is the board's region; an item outside it is refused.")]
    Enter(audit_flow::EnterArgs),
    /// Record the full hand count of an escalated contest's territory: each precinct's count
    /// that differs from its protocol replaces it as an amendment with the reason, so the
    /// published result follows the paper.
    #[command(after_help = "Example:
  ashyq audit escalate --id kz-2026-rla --contest KZ-75 --file kz-75-hand-count.csv \\
      --reason \"RLA kz-2026-rla escalated KZ-75 to a full hand count; counted by the regional boards\" \\
      --author \"CEC secretary\"
The file has lines PRECINCT,YES,NO,BOTH_MARKED,INVALID, one for each precinct of the contest.
Only a contest whose last measurement escalated it is counted; `ashyq verify` re-checks every count.")]
    Escalate(audit_flow::EscalateArgs),
    /// Measure the open round when every sampled item is agreed (`enter` does it by itself).
    #[command(after_help = "Example:
  ashyq audit measure --id kz-2026-rla --author \"CEC secretary\"")]
    Measure(audit_flow::MeasureArgs),
    /// Per contest the risk, the decision and the next round's size; the open round's items
    /// waiting for entries, disagreements and discrepancies.
    #[command(after_help = "Example:
  ashyq audit status --id kz-2026-rla")]
    Status(audit_flow::StatusArgs),
    /// Write the report: per contest the risk limit, the seed, the sample, the entries, the
    /// discrepancies, the risk per round and the conclusion.
    #[command(after_help = "Examples:
  ashyq audit report --id kz-2026-rla --out report.json
  ashyq audit report --id kz-2026-rla --out report.csv")]
    Report(audit_flow::ReportArgs),
}

/// Arguments of `ashyq audit sample`.
#[derive(Args)]
pub struct SampleArgs {
    /// The seed: the digits of the public ceremony (any text is accepted, as by the reference).
    #[arg(long)]
    pub seed: String,
    /// File of ids, one a line (blank lines are skipped).
    #[arg(long)]
    pub ids: PathBuf,
    /// How many draws to print.
    #[arg(long)]
    pub count: usize,
    /// Draws to skip first (the earlier rounds).
    #[arg(long, default_value_t = 0)]
    pub drop: usize,
    /// Sample with replacement (an id may come again with a higher generation).
    #[arg(long)]
    pub with_replacement: bool,
    /// Significant digits of the printed ticket numbers after their leading 9s.
    #[arg(long, default_value_t = 18)]
    pub digits: usize,
}

/// Which audit method.
#[derive(Clone, Copy, ValueEnum)]
pub enum MethodArg {
    /// Batch comparison (MACRO, precincts drawn by PPEB).
    Comparison,
    /// Ballot polling (BRAVO, ballots drawn with replacement).
    Polling,
    /// Ballot polling (ALPHA, ballots drawn without replacement).
    Alpha,
}

impl MethodArg {
    fn sim(self) -> SimMethod {
        match self {
            MethodArg::Comparison => SimMethod::BatchComparison,
            MethodArg::Polling => SimMethod::BallotPolling,
            MethodArg::Alpha => SimMethod::BallotPollingAlpha,
        }
    }
}

/// What the paper holds against the protocols.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ScenarioArg {
    /// The protocols are right.
    Honest,
    /// In one region, protocols moved yes/no so the reported majority is wrong.
    Falsified,
    /// A few ballots off in one precinct in five.
    Discrepancies,
}

/// Arguments of `ashyq audit simulate`.
#[derive(Args)]
pub struct SimulateArgs {
    /// Audit method.
    #[arg(long, value_enum, default_value = "comparison")]
    pub method: MethodArg,
    /// What the paper holds.
    #[arg(long, value_enum, default_value = "honest")]
    pub scenario: ScenarioArg,
    /// Simulated audits per contest.
    #[arg(long, default_value_t = 1000)]
    pub runs: usize,
    /// Risk limit in percent.
    #[arg(long, default_value = "5")]
    pub risk_limit: String,
    /// The region whose protocols are falsified (default: the one with the smallest yes share).
    #[arg(long)]
    pub region: Option<String>,
    /// Seed of the simulation's generator.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

/// Arguments of `ashyq bench audit`.
#[derive(Args)]
pub struct BenchAuditArgs {
    /// Ballots to draw from the national manifest.
    #[arg(long, default_value_t = 10_000)]
    pub draw: usize,
    /// Simulated audits of the falsified region.
    #[arg(long, default_value_t = 1000)]
    pub audits: usize,
    /// Threads for the draw.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Skip the Python `consistent_sampler` baseline even when it is installed.
    #[arg(long)]
    pub no_baseline: bool,
}

/// Runs `ashyq audit …`.
pub async fn run(db: &str, cmd: AuditCommand) -> Result<ExitCode> {
    match cmd {
        AuditCommand::Sample(a) => sample(a),
        AuditCommand::Simulate(a) => simulate(a),
        AuditCommand::Create(a) => audit_flow::create(db, a).await,
        AuditCommand::Seed(a) => audit_flow::seed(db, a).await,
        AuditCommand::Draw(a) => audit_flow::draw(db, a).await,
        AuditCommand::Enter(a) => audit_flow::enter(db, a).await,
        AuditCommand::Measure(a) => audit_flow::measure(db, a).await,
        AuditCommand::Status(a) => audit_flow::status(db, a).await,
        AuditCommand::Report(a) => audit_flow::report(db, a).await,
        AuditCommand::Escalate(a) => audit_flow::escalate(db, a).await,
    }
}

fn csv_of(tickets: &[Ticket], digits: usize) -> String {
    let mut out = String::from("ticket,id,generation\n");
    for t in tickets {
        let id = if t.id.contains([',', '"', '\n']) {
            format!("\"{}\"", t.id.replace('"', "\"\""))
        } else {
            t.id.clone()
        };
        out.push_str(&format!(
            "{},{},{}\n",
            sampler::trim(&t.number, digits),
            id,
            t.generation
        ));
    }
    out
}

fn sample(a: SampleArgs) -> Result<ExitCode> {
    if a.seed.is_empty() {
        bail!("--seed is empty: give the digits of the seed ceremony");
    }
    if a.digits == 0 {
        bail!("--digits must be at least 1");
    }
    let text = read_text(&a.ids)?;
    let ids: Vec<&str> = text
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let s = Sampler::new(&a.seed);
    let tickets = s
        .sample(ids.iter().copied(), a.with_replacement, a.drop, a.count)
        .with_context(|| format!("{}", a.ids.display()))?;
    let mut out = std::io::stdout().lock();
    out.write_all(csv_of(&tickets, a.digits).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The 2026 demo: the territory and its protocols, grouped as contests (national first,
/// then each first-level unit in territory order).
struct Demo {
    territory: Territory,
    protocols: Vec<PrecinctProtocol>,
    /// `(name, precinct indices)`.
    contests: Vec<(String, Vec<usize>)>,
}

fn demo() -> Result<Demo> {
    let territory = generate(&profile::kz(), &TerritorySpec::default())?;
    let protocols = scenario::referendum_2026(&territory, 2026)?;
    let index = TerritoryIndex::new(&territory)?;
    let mut regions: Vec<Vec<usize>> = vec![Vec::new(); territory.regions.len()];
    for (i, p) in territory.precincts.iter().enumerate() {
        let pl = index
            .placement(p.id)
            .context("the index covers its territory")?;
        regions[pl.region].push(i);
    }
    let mut contests = vec![(
        "national".to_string(),
        (0..territory.precincts.len()).collect(),
    )];
    for (r, members) in territory.regions.iter().zip(regions) {
        contests.push((r.code.0.clone(), members));
    }
    Ok(Demo {
        territory,
        protocols,
        contests,
    })
}

fn count_of(p: &PrecinctProtocol) -> HandCount {
    HandCount {
        yes: p.lines.yes,
        no: p.lines.no,
        both_marked: p.lines.both_marked,
        invalid: p.lines.invalid,
    }
}

fn honest(protocols: &[PrecinctProtocol], members: &[usize]) -> Vec<SimPrecinct> {
    members
        .iter()
        .map(|&i| {
            let c = count_of(&protocols[i]);
            SimPrecinct {
                reported: c,
                paper: c,
            }
        })
        .collect()
}

/// The paper says no where the protocols say yes: the paper of the precincts with the widest
/// yes lead has yes and no swapped, until no leads on paper by about 1% of the votes.
fn falsified(precincts: &[SimPrecinct]) -> Vec<SimPrecinct> {
    let mut out = precincts.to_vec();
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(out[i].paper.yes as i64 - out[i].paper.no as i64));
    let total = |v: &[SimPrecinct]| {
        v.iter().fold((0i64, 0i64), |(y, n), p| {
            (y + p.paper.yes as i64, n + p.paper.no as i64)
        })
    };
    for i in order {
        let (y, n) = total(&out);
        if n - y > (y + n) / 100 {
            break;
        }
        let p = &mut out[i].paper;
        std::mem::swap(&mut p.yes, &mut p.no);
    }
    out
}

/// One precinct in five has 1–3 of its reported winner's votes on paper for the other answer.
fn with_discrepancies(precincts: &[SimPrecinct], seed: u64) -> Vec<SimPrecinct> {
    use rand::Rng;
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    precincts
        .iter()
        .map(|p| {
            let mut q = *p;
            if rng.random_range(0..5) == 0 {
                let k = rng.random_range(1..=3u64).min(q.paper.yes);
                q.paper.yes -= k;
                q.paper.no += k;
            }
            q
        })
        .collect()
}

fn totals(precincts: &[SimPrecinct]) -> HandCount {
    precincts
        .iter()
        .fold(HandCount::default(), |a, p| HandCount {
            yes: a.yes + p.reported.yes,
            no: a.no + p.reported.no,
            both_marked: a.both_marked + p.reported.both_marked,
            invalid: a.invalid + p.reported.invalid,
        })
}

/// The theory's expected draws with correct protocols: MACRO `ln α / ln(1 − 1/U)`, BRAVO's
/// average sample number.
fn expected(precincts: &[SimPrecinct], method: SimMethod, limit: RiskLimit) -> Option<f64> {
    let t = totals(precincts);
    let winner = reported_winner(t.yes, t.no)?;
    match method {
        SimMethod::BatchComparison => {
            let batches: Vec<ReportedBatch> = precincts
                .iter()
                .map(|p| ReportedBatch::of(&p.reported, p.reported.ballots(), winner))
                .collect();
            comparison::expected_draws(ContestBound::of(&batches), limit)
        }
        SimMethod::BallotPolling => bravo::average_sample_number(
            bravo::ReportedPair {
                winner: t.votes(winner),
                loser: t.votes(winner.other()),
                ballots: t.ballots(),
            },
            limit,
            &Risk::one(),
        )
        .map(|n| n as f64),
        SimMethod::BallotPollingAlpha => alpha::average_sample_number(
            bravo::ReportedPair {
                winner: t.votes(winner),
                loser: t.votes(winner.other()),
                ballots: t.ballots(),
            },
            limit,
            &Risk::one(),
        )
        .map(|n| n as f64),
    }
}

fn run_many(
    precincts: &[SimPrecinct],
    method: SimMethod,
    limit: RiskLimit,
    runs: usize,
    rng: &mut ChaCha20Rng,
) -> Vec<SimOutcome> {
    (0..runs)
        .map(|_| simulate_audit(precincts, method, limit, rng))
        .collect()
}

fn falsified_region<'a>(d: &'a Demo, wanted: Option<&str>) -> Result<&'a (String, Vec<usize>)> {
    let regions = &d.contests[1..];
    if let Some(code) = wanted {
        return regions
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code))
            .with_context(|| {
                format!(
                    "--region {code}: no such unit; the codes are {}",
                    regions
                        .iter()
                        .map(|(c, _)| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            });
    }
    regions
        .iter()
        .filter(|(_, m)| !m.is_empty())
        .min_by(|(_, a), (_, b)| {
            let share = |m: &Vec<usize>| {
                let t = totals(&honest(&d.protocols, m));
                t.yes as f64 / (t.yes + t.no).max(1) as f64
            };
            share(a).total_cmp(&share(b))
        })
        .context("the territory has no region")
}

fn simulate(a: SimulateArgs) -> Result<ExitCode> {
    let limit = RiskLimit::parse(&a.risk_limit)?;
    if a.runs == 0 {
        bail!("--runs must be at least 1");
    }
    let method = a.method.sim();
    let d = demo()?;
    let mut rng = ChaCha20Rng::seed_from_u64(a.seed);
    let name = match method {
        SimMethod::BatchComparison => "batch comparison (MACRO, PPEB draws of precincts)",
        SimMethod::BallotPolling => "ballot polling (BRAVO, ballots with replacement)",
        SimMethod::BallotPollingAlpha => "ballot polling (ALPHA, ballots without replacement)",
    };
    println!(
        "{} simulated audits per contest, {name}, risk limit {limit}, 2026 demo ({} precincts)",
        thousands(a.runs as u64),
        thousands(d.territory.precincts.len() as u64)
    );
    if a.scenario == ScenarioArg::Falsified {
        let (code, members) = falsified_region(&d, a.region.as_deref())?;
        let false_ = falsified(&honest(&d.protocols, members));
        let paper = false_
            .iter()
            .fold((0u64, 0u64), |(y, n), p| (y + p.paper.yes, n + p.paper.no));
        let rep = totals(&false_);
        println!(
            "{code}: protocols report yes {} / no {}; the paper holds yes {} / no {}",
            thousands(rep.yes),
            thousands(rep.no),
            thousands(paper.0),
            thousands(paper.1)
        );
        let out = run_many(&false_, method, limit, a.runs, &mut rng);
        let wrong = out.iter().filter(|o| o.confirmed).count();
        println!(
            "wrong outcome confirmed in {wrong} of {} audits ({:.2}%; the limit allows {limit}); escalated to a full hand count in {}",
            a.runs,
            100.0 * wrong as f64 / a.runs as f64,
            a.runs - wrong
        );
        println!(
            "{{\"scenario\":\"falsified\",\"region\":\"{code}\",\"runs\":{},\"wrong_outcome_confirmed\":{wrong}}}",
            a.runs
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<10} {:>10} {:>10} {:>12} {:>12} {:>10}",
        "contest", "margin", "expected", "mean draws", "median", "confirmed"
    );
    for (code, members) in &d.contests {
        if members.is_empty() {
            continue;
        }
        let base = honest(&d.protocols, members);
        let precincts = match a.scenario {
            ScenarioArg::Discrepancies => with_discrepancies(&base, a.seed),
            _ => base,
        };
        let t = totals(&precincts);
        let margin = (t.yes as f64 - t.no as f64).abs() / t.ballots().max(1) as f64;
        let exp = expected(&precincts, method, limit);
        let out = run_many(&precincts, method, limit, a.runs, &mut rng);
        let mut draws: Vec<u64> = out.iter().map(|o| o.draws).collect();
        draws.sort_unstable();
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        let confirmed = out.iter().filter(|o| o.confirmed).count();
        println!(
            "{:<10} {:>9.1}% {:>10} {:>12.1} {:>12} {:>9.1}%",
            code,
            100.0 * margin,
            exp.map_or("full".into(), |e| format!("{e:.1}")),
            mean,
            draws[draws.len() / 2],
            100.0 * confirmed as f64 / a.runs as f64
        );
    }
    println!(
        "expected: {}",
        match method {
            SimMethod::BatchComparison =>
                "MACRO's ln α / ln(1 − 1/U) draws with no discrepancy (Arlo adds 1 to its first round)",
            SimMethod::BallotPolling =>
                "BRAVO's average sample number (Lindeman, Stark & Yates 2012, §5)",
            SimMethod::BallotPollingAlpha =>
                "ALPHA's Wald approximation ln(1/α) / (p_w ln 2η₀ + p_l ln(2 − 2η₀)) at η₀",
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// The Python reference drawing the same sample, when `consistent_sampler` is importable:
/// `(seconds, the CSV it printed)`.
fn python_baseline(
    manifest: &[(u32, u64)],
    seed: &str,
    take: usize,
) -> Result<Option<(f64, String)>> {
    let probe = Process::new("python3")
        .args(["-c", "import consistent_sampler"])
        .stderr(Stdio::null())
        .status();
    if !matches!(probe, Ok(s) if s.success()) {
        return Ok(None);
    }
    let dir = std::env::temp_dir().join(format!("ashyq-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("manifest.csv");
    let mut text = String::new();
    for (p, b) in manifest {
        text.push_str(&format!("{p},{b}\n"));
    }
    std::fs::write(&file, text)?;
    let script = r#"
import sys, time, consistent_sampler
ids = []
for line in open(sys.argv[1]):
    p, b = line.strip().split(',')
    ids.extend('%s:%d' % (p, k) for k in range(1, int(b) + 1))
t = time.perf_counter()
out = list(consistent_sampler.sampler(ids, seed=sys.argv[2], take=int(sys.argv[3]), output='tuple', digits=18))
sys.stderr.write('%f\n' % (time.perf_counter() - t))
for n, i, g in out:
    print('%s,%s,%d' % (n, i, g))
"#;
    let out = Process::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .arg(seed)
        .arg(take.to_string())
        .output()?;
    let _ = std::fs::remove_dir_all(&dir);
    if !out.status.success() {
        bail!(
            "the Python baseline failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let seconds: f64 = String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .context("the Python baseline printed no time")?;
    Ok(Some((
        seconds,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )))
}

/// `ashyq bench audit`.
pub fn bench(a: BenchAuditArgs) -> Result<ExitCode> {
    if a.draw == 0 || a.audits == 0 {
        bail!("--draw and --audits must be at least 1");
    }
    if cfg!(debug_assertions) {
        eprintln!("note: a debug build; run `cargo run --release -- bench audit` for real figures");
    }
    let d = demo()?;
    let manifest: Vec<(u32, u64)> = d
        .protocols
        .iter()
        .map(|p| (p.precinct.0, p.lines.ballots.ballots_found))
        .collect();
    let ballots: u64 = manifest.iter().map(|(_, b)| b).sum();
    println!(
        "ashyq bench audit: the 2026 demo, {} ballots found in {} precincts",
        thousands(ballots),
        thousands(manifest.len() as u64)
    );

    // (1) The draw.
    let seed = "01382438112797316654";
    let s = Sampler::new(seed);
    let t = Instant::now();
    let tickets = sampler::draw_ballots(&s, &manifest, false, 0, a.draw, a.threads);
    let seconds = t.elapsed().as_secs_f64();
    let ours = csv_of(&tickets, 18);
    let baseline = if a.no_baseline {
        None
    } else {
        eprintln!("running the Python consistent_sampler on the same manifest (about a minute)…");
        python_baseline(&manifest, seed, a.draw)?
    };
    let (baseline_seconds, ratio) = match &baseline {
        Some((b, theirs)) => {
            let ours_rows: Vec<&str> = ours.lines().skip(1).collect();
            let theirs_rows: Vec<&str> = theirs.lines().collect();
            if ours_rows != theirs_rows {
                bail!("the draw differs from the Python reference's: the sampler is wrong");
            }
            (Some(*b), Some(b / seconds))
        }
        None => (None, None),
    };
    println!(
        "(1) draw {} ballots without replacement, {} threads: {:.3} s; Python consistent_sampler: {}{}",
        thousands(a.draw as u64),
        a.threads,
        seconds,
        baseline_seconds.map_or("not installed".into(), |b| format!(
            "{b:.3} s, the same sample"
        )),
        ratio.map_or(String::new(), |r| format!(" ({r:.1}× faster)"))
    );

    // (2) The risk of every contest after a full round of entries (MACRO, clean counts).
    let limit = RiskLimit::default();
    let mut rounds: Vec<(ContestBound, Vec<Draw>)> = Vec::new();
    for (code, members) in &d.contests {
        let precincts = honest(&d.protocols, members);
        let t = totals(&precincts);
        let Some(winner) = reported_winner(t.yes, t.no) else {
            continue;
        };
        let batches: Vec<(String, u64, ReportedBatch)> = members
            .iter()
            .map(|&i| {
                let p = &d.protocols[i];
                let b = ReportedBatch::of(&count_of(p), p.lines.ballots.ballots_found, winner);
                (p.precinct.0.to_string(), b.error_bound(), b)
            })
            .collect();
        let bound = ContestBound::of(batches.iter().map(|(_, _, b)| b));
        let n = comparison::next_round_size(bound, limit, &Risk::one()).unwrap_or(1);
        let weights: Vec<(String, u64)> =
            batches.iter().map(|(id, w, _)| (id.clone(), *w)).collect();
        let drawn = ppeb::draw(&s, ppeb::Stream::PerContest, code, &weights, 0, n);
        let draws = drawn
            .iter()
            .filter_map(|t| batches.iter().find(|(id, _, _)| *id == t.id))
            .map(|(_, _, b)| Draw {
                reported: *b,
                audited_winner: b.winner,
                audited_loser: b.loser,
            })
            .collect();
        rounds.push((bound, draws));
    }
    let t = Instant::now();
    let risks: Vec<Risk> = rounds
        .iter()
        .map(|(bound, draws)| comparison::risk(*bound, draws))
        .collect();
    let risk_seconds = t.elapsed().as_secs_f64();
    let confirmed = risks.iter().filter(|r| r.within(limit)).count();
    println!(
        "(2) risk of {} contests after a round of clean hand counts: {:.6} s ({} confirmed at {limit})",
        risks.len(),
        risk_seconds,
        confirmed
    );

    // (3) 1,000 simulated audits of a falsified region.
    let (code, members) = falsified_region(&d, None)?;
    let false_ = falsified(&honest(&d.protocols, members));
    let mut rng = ChaCha20Rng::seed_from_u64(2026);
    let bar = progress(a.audits as u64, "simulated audits");
    let t = Instant::now();
    let mut wrong = 0u64;
    for _ in 0..a.audits {
        if simulate_audit(&false_, SimMethod::BatchComparison, limit, &mut rng).confirmed {
            wrong += 1;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let simulate_seconds = t.elapsed().as_secs_f64();
    println!(
        "(3) {} simulated MACRO audits of {code} with its majority falsified: {:.3} s; the wrong outcome confirmed {} times",
        thousands(a.audits as u64),
        simulate_seconds,
        wrong
    );
    let json = serde_json::json!({
        "bench": "audit",
        "seconds": seconds,
        "baseline_seconds": baseline_seconds,
        "ratio": ratio,
        "risk_seconds": risk_seconds,
        "simulate_seconds": simulate_seconds,
        "simulated_audits": a.audits,
        "wrong_outcome_confirmed": wrong,
    });
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}
