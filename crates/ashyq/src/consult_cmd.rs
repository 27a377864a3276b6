//! `ashyq act …`, `ashyq consult …` and `ashyq bench consult`: legal texts, the public
//! consultation and its benchmark. `act import|diff` and `consult export|import` work on the
//! database; the other commands on files. The commission's commands are in
//! `commission_cmd.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::consult::similarity::{self, LshParams, MinHasher};
use ashyq_core::consult::synthetic::{self, SyntheticSpec};
use ashyq_core::consult::{
    CitizenRef, ConsultEntry, ConsultEvent, Consultation, ProposalTarget, act_sha256, minutes,
    sample,
};
use ashyq_core::iin::DigestKey;
use ashyq_core::legal::compare::{self, ChangeKind, CompareOptions};
use ashyq_core::legal::{Act, Lang, akn, markdown};
use ashyq_search::ProposalIndex;
use ashyq_server::consult::{ConsultConfig, ConsultService};
use ashyq_server::dev_idp::DevIdp;
use ashyq_server::signin::IdentityProvider;
use ashyq_store::Store;
use ashyq_store::consult::ActStored;
use ashyq_store::secretariat::Secretariat;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use crate::database::open_store;
use crate::digest_key::{KeyArgs, one_off_key};
use crate::files::read_text;
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
    /// Store a version of an act in the database (Markdown, or Akoma Ntoso XML files, one per
    /// language), for the web pages and the API; with `--open`, open it for proposals.
    #[command(after_help = "Examples:
  ashyq act import constitution-1995.md
  ashyq act import draft.kk.xml draft.ru.xml draft.en.xml --open
A stored version never changes: the same text again changes nothing, another text under the
same version label is refused.")]
    Import {
        /// Input files: one `.md`, or `.xml` files of the same act in several languages.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Open this version for proposals (records `draft_published` in the consultation's log).
        #[arg(long)]
        open: bool,
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
    /// Compare two versions stored in the database (by version label), like `compare`.
    #[command(after_help = "Examples:
  ashyq act diff v2-draft v3-commission
  ashyq act diff v1 v2-draft --lang kk --format json
The labels are those of `ashyq act import` and `ashyq commission publish`.")]
    Diff {
        /// The old version's label.
        old: String,
        /// The new version's label.
        new: String,
        /// The work, when versions of several works carry these labels.
        #[arg(long)]
        work: Option<String>,
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
    /// Print the pseudonym (`CitizenRef`) of a person at an identity provider, e.g. to make
    /// them a moderator with `ashyq serve --moderator`.
    #[command(after_help = "Example:
  ashyq consult citizen-ref --issuer https://idp.example.kz --subject 5f83e0ca --digest-key-file digest.key")]
    CitizenRef {
        /// The provider's issuer URL, exactly as in its ID tokens.
        #[arg(long)]
        issuer: String,
        /// The person's subject identifier at that provider.
        #[arg(long)]
        subject: String,
        /// The server's digest key.
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Write the consultation's log stored in the database as JSON Lines, for `ashyq consult
    /// verify`. It holds the text of every proposal, also of those refused by moderation:
    /// handle it as the database itself.
    #[command(after_help = "Example:
  ashyq consult export --log consult-log.jsonl && ashyq consult verify consult-log.jsonl")]
    Export {
        /// The file to write.
        #[arg(long)]
        log: PathBuf,
    },
    /// Append a consultation log written by `ashyq consult export` (or a part of it) to the
    /// database: e.g. to move a consultation to another database or restore it. Entries the
    /// database already holds must be identical and are skipped; the others must continue its
    /// head and are checked like a replayed log (chain, hashes, every rule) before anything
    /// is written, then appended in one transaction. Act versions are not in the log: store
    /// them with `ashyq act import`.
    #[command(after_help = "Example:
  ashyq --database-url sqlite://old.db consult export --log consult.jsonl
  ashyq --database-url postgres://postgres@127.0.0.1/ashyq consult import consult.jsonl")]
    Import {
        /// The JSON Lines log.
        log: PathBuf,
    },
    /// Replay a consultation log, re-checking the hash chain and every rule, and print the
    /// state.
    Verify {
        /// The JSON Lines log.
        log: PathBuf,
    },
}

/// How `ashyq serve` signs citizens in for the consultation.
#[derive(Args)]
pub struct ConsultServeArgs {
    /// The address citizens reach this server at, for sign-in redirects (default: http:// and
    /// the listening address), e.g. https://consult.example.kz.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// The OpenID Connect provider citizens sign in with (its issuer URL). The client secret,
    /// if any, is read from ASHYQ_OIDC_CLIENT_SECRET only (never from the command line).
    #[arg(long, env = "ASHYQ_OIDC_ISSUER", value_name = "URL")]
    oidc_issuer: Option<String>,
    /// This server's client id at the provider.
    #[arg(long, env = "ASHYQ_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// The provider's name on the sign-in button.
    #[arg(long, default_value = "eGov")]
    oidc_name: String,
    /// The provider's subject is the person's IIN (as the state's eGov provider issues it):
    /// a signed-in citizen then sees their own entry on the register at /voter. The IIN is
    /// turned into its digest under --digest-key-file (the register's key) at sign-in and
    /// never stored or logged.
    #[arg(long, requires = "oidc_issuer")]
    oidc_subject_is_iin: bool,
    /// Serve the built-in development identity provider under /dev-idp and sign in with it:
    /// anyone can sign in as a test person. For development and demos only.
    #[arg(long, conflicts_with = "oidc_issuer")]
    dev_idp: bool,
    /// A moderator of proposals, by pseudonym (64 hex digits, from `ashyq consult
    /// citizen-ref`); repeat for several.
    #[arg(long = "moderator", value_name = "CITIZEN_REF")]
    moderators: Vec<String>,
    /// The key of the citizens' pseudonyms (needed with sign-in).
    #[command(flatten)]
    key: KeyArgs,
}

/// The consultation stored in `store`, served with sign-in as `args` say.
/// With `--dev-idp`, also the development provider for the server to serve.
pub async fn consult_service(
    store: Store,
    args: ConsultServeArgs,
) -> Result<(Arc<ConsultService>, Option<Arc<DevIdp>>)> {
    let signs_in = args.dev_idp || args.oidc_issuer.is_some();
    let digest_key = if signs_in && !args.dev_idp {
        args.key.key()?
    } else {
        // Without sign-in by a real provider a one-off key will do, but a key that was
        // given and is faulty (unreadable, exposed) is reported, not silently replaced.
        if args.key.given() {
            args.key.key()?
        } else {
            one_off_key()?
        }
    };
    let identity_provider = match (args.oidc_issuer, args.oidc_client_id) {
        (Some(issuer), Some(client_id)) => Some(IdentityProvider {
            name: args.oidc_name,
            issuer,
            client_id,
            client_secret: std::env::var("ASHYQ_OIDC_CLIENT_SECRET")
                .ok()
                .filter(|s| !s.is_empty()),
            development: false,
            moderators: Vec::new(),
            subject_is_iin: args.oidc_subject_is_iin,
        }),
        (Some(_), None) => bail!("--oidc-issuer needs --oidc-client-id (or ASHYQ_OIDC_CLIENT_ID)"),
        _ => None,
    };
    let moderators = args
        .moderators
        .iter()
        .map(|m| {
            CitizenRef::parse(m.trim()).with_context(|| {
                format!("--moderator {m:?}: give the 64 hex digits printed by `ashyq consult citizen-ref`")
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let dev_idp = args.dev_idp.then(DevIdp::new).transpose()?.map(Arc::new);
    let identity_provider = dev_idp.as_ref().map(|d| d.provider()).or(identity_provider);
    let secretariat = Arc::new(Secretariat::open(store).await?);
    let service = ConsultService::new(
        secretariat,
        ConsultConfig {
            digest_key,
            identity_provider,
            moderators,
            public_url: args.public_url,
        },
    )?;
    Ok((Arc::new(service), dev_idp))
}

/// Loads the sample consultation into an empty store (for `ashyq demo`): the three versions
/// of the sample act and the sample log (its made-up citizens pseudonymised under a fixed,
/// public key).
pub async fn load_sample(secretariat: &Secretariat) -> Result<()> {
    if !secretariat.consultation().log.is_empty() || !secretariat.acts().is_empty() {
        bail!("the database already holds a consultation; the sample goes into an empty one");
    }
    let s = sample::build(&DigestKey::from_bytes(&[0x5a; 32])?)?;
    for act in [&s.old, &s.draft, &s.adopted] {
        secretariat.add_act_version(act).await?;
    }
    secretariat.import(&s.consultation.log).await?;
    Ok(())
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

fn lang(code: &str) -> Result<Lang> {
    Lang::parse(code).ok_or_else(|| anyhow!("unknown language {code:?}; use kk, ru or en"))
}

/// Reads an act from a Markdown file or Akoma Ntoso files.
pub fn load_act(files: &[PathBuf]) -> Result<Act> {
    let is_md = |p: &PathBuf| p.extension().is_some_and(|e| e == "md" || e == "markdown");
    if files.len() == 1 && is_md(&files[0]) {
        return markdown::parse(&read_text(&files[0])?)
            .with_context(|| format!("{} is not a valid act", files[0].display()));
    }
    if files.iter().any(is_md) {
        bail!("give either one Markdown file or Akoma Ntoso XML files, not both");
    }
    let mut docs = Vec::new();
    for f in files {
        docs.push(
            akn::import(&read_text(f)?)
                .with_context(|| format!("{} is not a valid Akoma Ntoso act", f.display()))?,
        );
    }
    Ok(akn::merge(docs)?)
}

/// `ashyq act …`.
pub async fn act(db: &str, cmd: ActCommand) -> Result<ExitCode> {
    match cmd {
        ActCommand::Import { files, open } => {
            let act = load_act(&files)?;
            let store = open_store(db).await?;
            let sec = Secretariat::open(store).await?;
            let what = match sec.add_act_version(&act).await? {
                ActStored::New(n) => format!("stored as version {n}"),
                ActStored::Known(n) => format!("already stored as version {n}; nothing changed"),
            };
            println!(
                "{}@{} ({} articles): {what}.",
                act.work,
                act.version,
                act.articles().len()
            );
            if open {
                let already = sec
                    .consultation()
                    .drafts
                    .iter()
                    .any(|(w, v, _)| *w == act.work && *v == act.version);
                if already {
                    println!("It is already open for proposals.");
                } else {
                    let entry = sec
                        .record(|_| {
                            Ok(ConsultEvent::DraftPublished {
                                work: act.work.clone(),
                                version: act.version.clone(),
                                content_sha256: act_sha256(&act),
                            })
                        })
                        .await?;
                    println!(
                        "Opened for proposals: consultation log entry {} ({}).",
                        entry.seq, entry.hash
                    );
                }
            }
        }
        ActCommand::Diff {
            old,
            new,
            work,
            lang: l,
            format,
        } => {
            let lang = lang(&l)?;
            let store = open_store(db).await?;
            let acts = store.act_versions().await?;
            let find = |label: &str| -> Result<Act> {
                let found: Vec<&Act> = acts
                    .iter()
                    .map(|a| &a.act)
                    .filter(|a| a.version == label && work.as_ref().is_none_or(|w| a.work == *w))
                    .collect();
                match found.as_slice() {
                    [one] => Ok((*one).clone()),
                    [] => bail!(
                        "no stored version is labelled {label:?}; stored: {}",
                        if acts.is_empty() {
                            "none".to_string()
                        } else {
                            acts.iter()
                                .map(|a| format!("{}@{}", a.act.work, a.act.version))
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                    _ => bail!("several works have a version {label:?}; say which with --work"),
                }
            };
            let (a, b) = (find(&old)?, find(&new)?);
            let c = compare::compare(&a, &b, lang, CompareOptions::default());
            match format {
                OutFormat::Json => println!("{}", serde_json::to_string_pretty(&c)?),
                OutFormat::Text => print!("{}", comparison_text(&c)),
            }
        }
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

/// `ashyq consult …`.
pub async fn consult(db: &str, cmd: ConsultCommand) -> Result<ExitCode> {
    match cmd {
        ConsultCommand::Export { log } => {
            let store = open_store(db).await?;
            let n = crate::export_cmd::export_chain::<ashyq_core::consult::ConsultEvent>(
                &store,
                &ashyq_store::chain::CONSULT_LOG,
                &log,
            )
            .await?;
            println!("{n} entries written to {}", log.display());
            Ok(ExitCode::SUCCESS)
        }
        ConsultCommand::Demo { out } => demo(&out),
        ConsultCommand::Import { log } => {
            let entries = read_log(&log)?;
            let store = open_store(db).await?;
            let sec = Secretariat::open(store).await?;
            let held = sec.consultation().log.len();
            for (stored, given) in sec.consultation().log.iter().zip(&entries) {
                if stored != given {
                    bail!(
                        "{} entry {}: the database holds another entry at this place (hash {}); this log does not continue the stored one, nothing was imported",
                        log.display(),
                        given.seq,
                        stored.hash
                    );
                }
            }
            let new = entries.get(held..).unwrap_or(&[]);
            sec.import(new)
                .await
                .with_context(|| format!("{}: nothing was imported", log.display()))?;
            println!(
                "{} entries imported, {} already held; the consultation log has {} entries, head {}.",
                new.len(),
                entries.len() - new.len(),
                sec.consultation().log.len(),
                sec.consultation()
                    .head()
                    .map_or("-".into(), |(_, h)| h.to_string())
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsultCommand::CitizenRef {
            issuer,
            subject,
            key,
        } => {
            println!(
                "{}",
                CitizenRef::of_subject(&key.key()?, &issuer, &subject).hex()
            );
            Ok(ExitCode::SUCCESS)
        }
        ConsultCommand::Verify { log } => {
            let entries = read_log(&log)?;
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

/// Reads a consultation log in JSON Lines, naming the line of an entry that does not parse.
fn read_log(log: &Path) -> Result<Vec<ConsultEntry>> {
    let text = read_text(log)?;
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
    Ok(entries)
}

fn demo(out: &Path) -> Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    // The demo's key is fixed and public: it only pseudonymises made-up subjects.
    let key = DigestKey::from_bytes(&[0x5a; 32])?;
    let sample::Sample {
        old,
        draft,
        adopted,
        consultation: c,
    } = sample::build(&key)?;
    let cmp = compare::compare(&old, &draft, Lang::Ru, CompareOptions::default());
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
    let mut m = String::new();
    for number in c.meetings.keys() {
        let text = minutes::minutes(&c, *number)?;
        write(&format!("minutes-{number}.md"), &text)?;
        m.push_str(&text);
        m.push('\n');
    }
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
