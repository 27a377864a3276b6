//! `ashyq act …`, `ashyq consult …` and `ashyq bench consult`: legal texts, the public
//! consultation and its benchmark. No database: acts and logs are files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::consult::similarity::{self, LshParams, MinHasher};
use ashyq_core::consult::synthetic::{self, SyntheticSpec};
use ashyq_core::consult::{
    Amendment, AmendmentTarget, Choice, CitizenRef, ConsultEntry, ConsultEvent, Consultation,
    Member, ModerationReason, MotionKind, ProposalId, ProposalTarget, VotingRules, act_sha256,
    minutes,
};
use ashyq_core::iin::DigestKey;
use ashyq_core::legal::compare::{self, ChangeKind, CompareOptions};
use ashyq_core::legal::{Act, Lang, Parallel, akn, markdown};
use ashyq_search::ProposalIndex;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::output;

/// `ashyq act …`.
#[derive(Subcommand)]
pub enum ActCommand {
    /// Read an act (Markdown, or one or more Akoma Ntoso XML files, one per language) and
    /// write it in another format.
    #[command(after_help = "Examples:
  ashyq act convert sample-act-v1.md --to akn --lang ru > v1.ru.xml
  ashyq act convert v1.kk.xml v1.ru.xml v1.en.xml --to markdown > v1.md
  ashyq act convert v1.md --to json")]
    Convert {
        /// Input files: one `.md`, or `.xml` files of the same act in several languages.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ActFormat::Markdown)]
        to: ActFormat,
        /// Language of the Akoma Ntoso output (one document per language).
        #[arg(long, default_value = "ru")]
        lang: String,
    },
    /// Compare two versions article by article (renumbered, moved, split, merged), with word
    /// diffs and statistics.
    #[command(after_help = "Examples:
  ashyq act compare sample-act-v1.md sample-act-v2.md
  ashyq act compare old.md new.md --lang kk --format json")]
    Compare {
        /// The old version.
        old: PathBuf,
        /// The new version.
        new: PathBuf,
        /// Language compared.
        #[arg(long, default_value = "ru")]
        lang: String,
        /// Output.
        #[arg(long, value_enum, default_value_t = OutFormat::Text)]
        format: OutFormat,
    },
}

/// Act formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum ActFormat {
    /// The Markdown convention of docs/consultation.md.
    Markdown,
    /// Akoma Ntoso 3.0 XML (one language).
    Akn,
    /// The act model as JSON.
    Json,
}

/// Text or JSON.
#[derive(Clone, Copy, ValueEnum)]
pub enum OutFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// `ashyq consult …`.
#[derive(Subcommand)]
pub enum ConsultCommand {
    /// Run the sample consultation: the sample draft, the sample proposals, moderation,
    /// clustering, a 130-member commission meeting with recorded votes, decisions, minutes,
    /// the amended text and its comparison. Writes the log and the documents to a directory.
    #[command(after_help = "Example:
  ashyq consult demo --out consult-demo && ashyq consult verify consult-demo/consult-log.jsonl")]
    Demo {
        /// Output directory.
        #[arg(long, default_value = "consult-demo")]
        out: PathBuf,
    },
    /// Replay a consultation log, re-checking the hash chain and every rule, and print the
    /// state.
    Verify {
        /// The JSON Lines log.
        log: PathBuf,
    },
}

/// `ashyq bench consult`.
#[derive(Args)]
pub struct BenchConsultArgs {
    /// Synthetic proposals ingested, clustered and indexed.
    #[arg(long, default_value_t = 100_000)]
    proposals: usize,
    /// Proposals compared exhaustively (exact pairwise Jaccard) as the baseline.
    #[arg(long, default_value_t = 5_000)]
    sample: usize,
    /// Search queries timed.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Worker threads (MinHash and indexing).
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).ok_or_else(|| anyhow!("unknown language {code:?}; use kk, ru or en"))
}

/// Reads an act from a Markdown file or Akoma Ntoso files.
pub fn load_act(files: &[PathBuf]) -> Result<Act> {
    let is_md = |p: &PathBuf| p.extension().is_some_and(|e| e == "md" || e == "markdown");
    if files.len() == 1 && is_md(&files[0]) {
        return markdown::parse(&read(&files[0])?)
            .with_context(|| format!("{} is not a valid act", files[0].display()));
    }
    if files.iter().any(is_md) {
        bail!("give either one Markdown file or Akoma Ntoso XML files, not both");
    }
    let mut docs = Vec::new();
    for f in files {
        docs.push(
            akn::import(&read(f)?)
                .with_context(|| format!("{} is not a valid Akoma Ntoso act", f.display()))?,
        );
    }
    Ok(akn::merge(docs)?)
}

/// `ashyq act …`.
pub fn act(cmd: ActCommand) -> Result<ExitCode> {
    match cmd {
        ActCommand::Convert { files, to, lang: l } => {
            let act = load_act(&files)?;
            let out = match to {
                ActFormat::Markdown => markdown::render(&act),
                ActFormat::Akn => akn::export(&act, lang(&l)?),
                ActFormat::Json => serde_json::to_string_pretty(&act)? + "\n",
            };
            print!("{out}");
        }
        ActCommand::Compare {
            old,
            new,
            lang: l,
            format,
        } => {
            let a = load_act(&[old])?;
            let b = load_act(&[new])?;
            let c = compare::compare(&a, &b, lang(&l)?, CompareOptions::default());
            match format {
                OutFormat::Json => println!("{}", serde_json::to_string_pretty(&c)?),
                OutFormat::Text => print!("{}", comparison_text(&c)),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn comparison_text(c: &compare::Comparison) -> String {
    let mut s = format!("{} → {} ({})\n", c.from, c.to, c.lang);
    let nums = |v: &[compare::ArticleRef]| {
        v.iter()
            .map(|r| r.num.as_str())
            .collect::<Vec<_>>()
            .join("+")
    };
    for ch in &c.changes {
        let kind = format!("{:?}", ch.kind).to_lowercase();
        s.push_str(&format!(
            "  {kind:<10} {:>6} → {:<6} similarity {:>3}%\n",
            if ch.old.is_empty() {
                "-".into()
            } else {
                nums(&ch.old)
            },
            if ch.new.is_empty() {
                "-".into()
            } else {
                nums(&ch.new)
            },
            ch.similarity_percent
        ));
        if !ch.diff.is_empty() && ch.kind != ChangeKind::Unchanged {
            s.push_str(&format!(
                "             {}\n",
                compare::render_inline(&ch.diff).replace('\n', " ")
            ));
        }
    }
    s.push_str(&c.stats.summary());
    s.push('\n');
    s
}

/// The sample act and proposals shipped in ashyq-core/data.
const SAMPLE_V1: &str = include_str!("../../ashyq-core/data/sample-act-v1.md");
const SAMPLE_V2: &str = include_str!("../../ashyq-core/data/sample-act-v2.md");
const SAMPLE_PROPOSALS: &str = include_str!("../../ashyq-core/data/sample-proposals.csv");

/// `ashyq consult …`.
pub fn consult(cmd: ConsultCommand) -> Result<ExitCode> {
    match cmd {
        ConsultCommand::Demo { out } => demo(&out),
        ConsultCommand::Verify { log } => {
            let text = read(&log)?;
            let mut entries = Vec::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let e: ConsultEntry = serde_json::from_str(line).with_context(|| {
                    format!(
                        "{} line {}: not a consultation log entry",
                        log.display(),
                        i + 1
                    )
                })?;
                entries.push(e);
            }
            let c = Consultation::replay(&entries)?;
            println!(
                "verified {} entries; head {}\n{} proposals, {} clusters, {} meetings, {} motions, {} decisions",
                entries.len(),
                entries.last().map_or("-", |e| e.hash.as_str()),
                c.proposals.len(),
                c.clusters.len(),
                c.meetings.len(),
                c.motions.len(),
                c.decisions.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn demo(out: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let draft = markdown::parse(SAMPLE_V2)?;
    let old = markdown::parse(SAMPLE_V1)?;
    // The demo's key is fixed and public: it only pseudonymises made-up subjects.
    let key = DigestKey::from_bytes(&[0x5a; 32])?;
    let citizen =
        |n: &str| CitizenRef::of_subject(&key, "http://127.0.0.1/dev-idp", &format!("demo-{n}"));
    let mut c = Consultation::new();
    let mut t = 0u32;
    let mut at = || {
        t += 1;
        format!("2026-01-{:02}T{:02}:00:00+05:00", 1 + t / 20, t % 20 + 3)
    };
    c.record(
        ConsultEvent::DraftPublished {
            work: draft.work.clone(),
            version: draft.version.clone(),
            content_sha256: act_sha256(&draft),
        },
        &at(),
    )?;
    // The sample proposals target the old text's eIds; map them to the draft by article text.
    let cmp = compare::compare(&old, &draft, Lang::Ru, CompareOptions::default());
    let to_draft = |eid: &str| -> String {
        cmp.changes
            .iter()
            .find(|ch| ch.old.iter().any(|r| r.eid == eid) && !ch.new.is_empty())
            .map_or(eid.to_string(), |ch| ch.new[0].eid.clone())
    };
    let mut rdr = csv::Reader::from_reader(SAMPLE_PROPOSALS.as_bytes());
    for row in rdr.records() {
        let row = row?;
        let target = match row[1].strip_prefix("new:") {
            Some(after) => ProposalTarget::NewArticle {
                after: Some(to_draft(after)),
            },
            None => ProposalTarget::Unit {
                eid: to_draft(&row[1]),
            },
        };
        let id = c.next_proposal_id();
        c.record(
            ConsultEvent::ProposalSubmitted {
                id,
                author: citizen(&row[0]),
                target,
                lang: lang(&row[2])?,
                text: row[4].to_string(),
                rationale: row[5].to_string(),
            },
            &at(),
        )?;
        let moderator = "moderator (demo)".to_string();
        let ev = match &row[3] {
            "publish" => ConsultEvent::ProposalPublished { id, moderator },
            "reject:spam" => ConsultEvent::ProposalRejected {
                id,
                moderator,
                reason: ModerationReason::Spam,
            },
            _ => ConsultEvent::ProposalRejected {
                id,
                moderator,
                reason: ModerationReason::Abusive,
            },
        };
        c.record(ev, &at())?;
    }
    // Supports: 40 citizens support proposal 1, 25 support 6.
    for (p, n) in [(1, 40), (6, 25), (9, 10)] {
        for k in 0..n {
            c.record(
                ConsultEvent::ProposalSupported {
                    id: ProposalId(p),
                    by: citizen(&format!("s{p}-{k}")),
                },
                &at(),
            )?;
        }
    }
    let ev = c.form_clusters(&LshParams::default(), 2026);
    c.record(ev, &at())?;
    c.record(
        ConsultEvent::CommissionConstituted {
            members: (1..=130)
                .map(|i| Member {
                    id: i,
                    name: format!("Member {i:03}"),
                    region: format!("region {}", (i - 1) % 20 + 1),
                    group: [
                        "jurists",
                        "scientists",
                        "civil society",
                        "deputies",
                        "public figures",
                    ][(i as usize) % 5]
                        .into(),
                })
                .collect(),
            rules: VotingRules::default(),
        },
        &at(),
    )?;
    let present: Vec<u32> = (1..=130).filter(|i| i % 9 != 0).collect();
    c.record(
        ConsultEvent::MeetingConvened {
            meeting: 1,
            date: "2026-01-20".into(),
            title: "Parties, parliament, citizens' rights (sample meeting)".into(),
            broadcast: "https://example.invalid/commission/live/1".into(),
            present: present.clone(),
        },
        &at(),
    )?;
    // One agenda item per cluster that has a member about art 8 (parties), art 9 (parliament),
    // new article (digital rights) and the taxes proposal.
    let cluster_of =
        |c: &Consultation, p: u64| c.proposals[&ProposalId(p)].cluster.expect("clustered");
    let items = [
        (
            "Party membership threshold",
            vec![cluster_of(&c, 1), cluster_of(&c, 4)],
        ),
        (
            "A unicameral parliament",
            vec![cluster_of(&c, 6), cluster_of(&c, 8)],
        ),
        (
            "Digital rights",
            vec![cluster_of(&c, 9), cluster_of(&c, 10)],
        ),
        ("Taxes", vec![cluster_of(&c, 11)]),
    ];
    for (n, (title, clusters)) in items.iter().enumerate() {
        let mut clusters = clusters.clone();
        clusters.dedup();
        c.record(
            ConsultEvent::AgendaItemAdded {
                meeting: 1,
                item: n as u32 + 1,
                title: (*title).into(),
                clusters,
            },
            &at(),
        )?;
    }
    let vote = |yes: usize| -> Vec<(u32, Choice)> {
        present
            .iter()
            .enumerate()
            .map(|(k, &m)| {
                (
                    m,
                    if k < yes {
                        Choice::For
                    } else if k % 3 == 0 {
                        Choice::Abstain
                    } else {
                        Choice::Against
                    },
                )
            })
            .collect()
    };
    let text = |ru: &str, en: &str| {
        let mut p = Parallel::default();
        p.set(Lang::Ru, ru);
        p.set(Lang::En, en);
        p
    };
    let art = |num: &str| {
        draft
            .article_by_num(num)
            .map(|u| u.eid.clone())
            .ok_or_else(|| anyhow!("no article {num}"))
    };
    let motions = [
        (1, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::Replace { eid: art("8")? }, text: text(
            "Общественные объединения равны перед законом. Политическая партия регистрируется при наличии не менее пяти тысяч членов; закон не может повышать этот порог.",
            "Public associations are equal before the law. A political party is registered when it has at least five thousand members; no law may raise this threshold.") } }, 95),
        (2, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::Replace { eid: art("9")? }, text: text(
            "Курултай является однопалатным парламентом из ста сорока пяти депутатов, избираемых на пять лет.",
            "The Kurultai is a unicameral parliament of one hundred and forty-five deputies elected for five years.") } }, 101),
        (3, MotionKind::Accept { amendment: Amendment { target: AmendmentTarget::InsertArticle { after: art("7")?, num: "7-1".into() }, text: text(
            "Государство гарантирует защиту персональных данных; их обработка без согласия допускается только по закону.",
            "The state guarantees the protection of personal data; processing without consent is allowed only by law.") } }, 40),
        (3, MotionKind::Reject { reason: "Article 7 of the draft already provides digital rights and the protection of personal data.".into() }, 88),
        (4, MotionKind::Reject { reason: "Taxes are established by law; the Constitution sets the duty to pay them.".into() }, 104),
    ];
    for (item, kind, yes) in motions {
        let motion = c.next_motion();
        c.record(
            ConsultEvent::VoteHeld {
                meeting: 1,
                item,
                motion,
                kind,
                votes: vote(yes),
            },
            &at(),
        )?;
    }
    let adopted = c.amended(&draft, "v3-adopted")?;
    let cmp2 = compare::compare(&draft, &adopted, Lang::Ru, CompareOptions::default());
    // Write everything.
    let log: String = c
        .log
        .iter()
        .map(|e| serde_json::to_string(e).map(|s| s + "\n"))
        .collect::<Result<_, _>>()?;
    let write = |name: &str, content: &str| -> Result<()> {
        let p = out.join(name);
        std::fs::write(&p, content).with_context(|| format!("cannot write {}", p.display()))
    };
    write("consult-log.jsonl", &log)?;
    let m = minutes::minutes(&c, 1)?;
    write("minutes-1.md", &m)?;
    write("act-v3-adopted.md", &markdown::render(&adopted))?;
    for l in Lang::ALL {
        write(
            &format!("act-v3-adopted.{l}.akn.xml"),
            &akn::export(&adopted, l),
        )?;
    }
    write("compare-v1-v2.txt", &comparison_text(&cmp))?;
    write("compare-v2-v3.txt", &comparison_text(&cmp2))?;
    let traces: Vec<_> = c
        .proposals
        .keys()
        .map(|id| c.trace_proposal(*id))
        .collect::<Result<_, _>>()?;
    write(
        "proposal-traces.json",
        &serde_json::to_string_pretty(&traces)?,
    )?;
    let units: Vec<_> = adopted
        .articles()
        .iter()
        .map(|(u, _)| c.trace_unit(&u.eid))
        .collect();
    write(
        "article-traces.json",
        &serde_json::to_string_pretty(&units)?,
    )?;
    print!("{m}");
    println!("\nv1 → v2: {}", cmp.stats.summary());
    println!("v2 → v3: {}", cmp2.stats.summary());
    println!(
        "\n{} log entries, head {}; written to {}",
        c.log.len(),
        c.log.last().map_or("-", |e| e.hash.as_str()),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// MinHash signatures of many shingle sets on `threads` threads.
fn signatures(shingles: &[Vec<u64>], hasher: &MinHasher, threads: usize) -> Vec<Vec<u64>> {
    let chunk = shingles.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = shingles
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || part.iter().map(|x| hasher.signature(x)).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a signature thread panicked"))
            .collect()
    })
}

/// `ashyq bench consult`.
pub fn bench(args: BenchConsultArgs) -> Result<ExitCode> {
    if args.proposals == 0 || args.threads == 0 {
        bail!("--proposals and --threads must be at least 1");
    }
    let params = LshParams::default();
    let corpus = synthetic::proposals(&SyntheticSpec {
        proposals: args.proposals,
        seed: args.seed,
        ..SyntheticSpec::default()
    });
    let bar = output::progress(5, "steps");
    let key = DigestKey::from_bytes(&[1; 32])?;

    // 1. Ingest: every proposal submitted and published through the consultation rules.
    let t_all = Instant::now();
    let mut c = Consultation::new();
    let at = "2026-01-15T12:00:00+05:00";
    for (k, (text, article)) in corpus.iter().enumerate() {
        let id = c.next_proposal_id();
        c.record(
            ConsultEvent::ProposalSubmitted {
                id,
                author: CitizenRef::of_subject(&key, "bench", &k.to_string()),
                target: ProposalTarget::Unit {
                    eid: format!("art_{article}"),
                },
                lang: Lang::Ru,
                text: text.clone(),
                rationale: String::new(),
            },
            at,
        )?;
        c.record(
            ConsultEvent::ProposalPublished {
                id,
                moderator: "bench".into(),
            },
            at,
        )?;
    }
    let ingest_s = t_all.elapsed().as_secs_f64();
    bar.inc(1);

    // 2. Cluster: normalise, shingle, MinHash (threads), LSH, exact confirmation.
    let t = Instant::now();
    let shingles: Vec<Vec<u64>> = corpus
        .iter()
        .map(|(x, _)| similarity::shingles(&similarity::normalise(x), params.shingle))
        .collect();
    let hasher = MinHasher::new(params.bands * params.rows, 1);
    let sigs = signatures(&shingles, &hasher, args.threads);
    let clustering = similarity::cluster(&shingles, &sigs, &params);
    let cluster_s = t.elapsed().as_secs_f64();
    bar.inc(1);

    // 3. Index.
    let t = Instant::now();
    let mut index = ProposalIndex::new(args.threads, 200_000_000)?;
    for (k, (text, _)) in corpus.iter().enumerate() {
        index.add(k as u64 + 1, text)?;
    }
    index.commit()?;
    let index_s = t.elapsed().as_secs_f64();
    let total_s = t_all.elapsed().as_secs_f64();
    bar.inc(1);

    // 4. Search latency: queries are 3 words taken from random proposals.
    let mut lat = Vec::with_capacity(args.queries);
    let mut empty = 0usize;
    for q in 0..args.queries {
        let (text, _) = &corpus[(q * 7919) % corpus.len()];
        let words: Vec<&str> = text.split_whitespace().collect();
        let start = (q * 31) % words.len().max(1);
        let query = words
            .iter()
            .skip(start)
            .take(3)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let t = Instant::now();
        let hits = index.search(&query, 10)?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        if hits.is_empty() {
            empty += 1;
        }
    }
    lat.sort_by(f64::total_cmp);
    bar.inc(1);

    // 5. Quality and time against exact pairwise Jaccard on a sample.
    let n = args.sample.min(corpus.len());
    let sample_sh = &shingles[..n];
    let t = Instant::now();
    let exact = similarity::exact_pairs(sample_sh, params.threshold_percent);
    let exact_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sample_sigs = signatures(sample_sh, &hasher, args.threads);
    let lsh = similarity::cluster(sample_sh, &sample_sigs, &params);
    let lsh_s = t.elapsed().as_secs_f64();
    let found: std::collections::HashSet<(u32, u32)> = lsh.confirmed.iter().copied().collect();
    let recalled = exact.iter().filter(|p| found.contains(p)).count();
    let recall = if exact.is_empty() {
        1.0
    } else {
        recalled as f64 / exact.len() as f64
    };
    // Every LSH-confirmed pair is confirmed exactly, so precision is 1 by construction.
    bar.finish_and_clear();

    let clustered: usize = clustering.clusters.iter().map(Vec::len).sum();
    let p50 = percentile(&lat, 0.50);
    let p99 = percentile(&lat, 0.99);
    let ratio = exact_s / lsh_s.max(1e-9);
    println!(
        "bench consult: {} synthetic proposals, {} threads",
        args.proposals, args.threads
    );
    println!("  ingest (rules + hash-chained log) {ingest_s:>8.3} s");
    println!(
        "  cluster (MinHash {}×{}, LSH, exact check) {cluster_s:>8.3} s: {} clusters of ≥2 holding {} proposals; {} candidate pairs",
        params.bands,
        params.rows,
        clustering.clusters.len(),
        clustered,
        clustering.candidates
    );
    println!("  index (tantivy)                  {index_s:>8.3} s");
    println!("  total                            {total_s:>8.3} s (goal < 30 s)");
    println!(
        "  search: {} queries, p50 {p50:.3} ms, p99 {p99:.3} ms (goal p99 < 20 ms); {empty} with no hit",
        args.queries
    );
    println!(
        "  sample of {n}: exact pairwise Jaccard {exact_s:.3} s, {} pairs at J ≥ {:.2}; MinHash+LSH {lsh_s:.3} s, recall {recall:.4} (goal ≥ 0.95); exact/LSH time ratio {ratio:.1}×",
        exact.len(),
        params.threshold_percent as f64 / 100.0
    );
    println!(
        "{}",
        json!({
            "bench": "consult",
            "proposals": args.proposals,
            "threads": args.threads,
            "seconds": round3(total_s),
            "ingest_seconds": round3(ingest_s),
            "cluster_seconds": round3(cluster_s),
            "index_seconds": round3(index_s),
            "clusters": clustering.clusters.len(),
            "search_p50_ms": round3(p50),
            "search_p99_ms": round3(p99),
            "sample": n,
            "exact_pairs": exact.len(),
            "baseline_seconds": round3(exact_s),
            "lsh_seconds": round3(lsh_s),
            "ratio": round3(ratio),
            "recall": (recall * 10000.0).round() / 10000.0,
        })
    );
    Ok(ExitCode::SUCCESS)
}
