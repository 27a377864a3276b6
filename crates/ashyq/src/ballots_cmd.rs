//! The remote vote abroad on the command line.
//!
//! - `ashyq ballots …`: the ballot board in the database (its own chain, `ballot_log`):
//!   declare, record what trustees and voters bring, publish the key, credentials, open,
//!   cast, audit, cancel by a paper vote, close, tally, result, check a tracking code, export
//!   the election record, and a synthetic vote for the demo.
//! - `ashyq trustee …`: a trustee's part, on their own machine, from an exported board file:
//!   keygen, deal, finish (open the shares, check them, keep the key share), decrypt. Secret
//!   files never leave that machine; what it prints is public and goes on the board.
//! - `ashyq ballot …`: a voter's device: encrypt a ballot (to cast, or to audit: the Benaloh
//!   challenge), check a tracking code on an exported board.
//! - `ashyq verify-election DIR`: the exported record checked with nothing else.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::ballots::board::{Board, BoardEntry, BoardEvent};
use ashyq_core::ballots::synthetic::{referendum_manifest, run as synthetic_vote, verify_board};
use ashyq_core::ballots::trustee::{self, KeyShare, TrusteeSecret};
use ashyq_core::ballots::{Audit, Ballot, Bytes32, Manifest, ballot, credential, decrypt};
use ashyq_core::journal::{Domain, parse_lines, replay};
use ashyq_store::journal::{Journal, JournalError, system_clock};
use clap::{Args, Subcommand};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use crate::database;
use crate::files::read_text;

/// `ashyq ballots …`
#[derive(Subcommand)]
pub enum BallotsCommand {
    /// Declare the election on an empty board: a manifest file, or the abroad referendum.
    #[command(after_help = "Examples:
  ashyq ballots declare --preset kz-2026-abroad --trustees 5 --threshold 3
  ashyq ballots declare --manifest manifest.json")]
    Declare {
        /// A manifest JSON file (see docs/ballots.md).
        #[arg(long, conflicts_with = "preset")]
        manifest: Option<PathBuf>,
        /// The 2026 referendum for voters abroad (one yes/no question).
        #[arg(long)]
        preset: Option<String>,
        /// Trustees (with --preset).
        #[arg(long, default_value_t = 5)]
        trustees: u32,
        /// Trustees needed to decrypt (with --preset).
        #[arg(long, default_value_t = 3)]
        threshold: u32,
    },
    /// Record events a trustee or a voter's device produced (one JSON event per line).
    Record {
        /// The events file.
        file: PathBuf,
    },
    /// Publish the election key, derived from every trustee's commitments.
    PublishKey,
    /// Generate credentials for `count` voters: the public parts go on the board, the secret
    /// strings to a letters file for the credential authority to hand out.
    Credentials {
        /// How many.
        #[arg(long)]
        count: usize,
        /// Where the credential strings go (one a line; keep it private).
        #[arg(long)]
        letters: PathBuf,
    },
    /// Open voting.
    Open,
    /// Cast a ballot file made by `ashyq ballot encrypt`; prints its tracking code.
    Cast {
        /// The ballot.
        file: PathBuf,
    },
    /// Record a spoiled ballot opened for the Benaloh challenge (`ashyq ballot encrypt --audit`).
    Audit {
        /// The audit file.
        file: PathBuf,
    },
    /// The register's mark of a paper vote at a mission cancels the credential's remote vote.
    Cancel {
        /// The public credential (64 hex digits).
        #[arg(long)]
        credential: String,
        /// The mission's precinct.
        #[arg(long)]
        precinct: String,
    },
    /// Close voting.
    Close,
    /// Publish the tally: the homomorphic sums of the counted ballots.
    Tally,
    /// Publish the result from the first k decryption shares on the board.
    Result,
    /// Find a tracking code on the board and say whether the ballot counts.
    Check {
        /// The tracking code (64 hex digits).
        code: String,
    },
    /// Write the election record as plain files (see docs/ballots.md).
    Export {
        /// The folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// A whole synthetic vote on an empty board, for the demo (trustees simulated here).
    Demo {
        /// Voters.
        #[arg(long, default_value_t = 3_000)]
        voters: usize,
        /// Seed.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

/// `ashyq trustee …`
#[derive(Subcommand)]
pub enum TrusteeCommand {
    /// Step 1: draw the polynomial and transport key; write the secret file; print the
    /// commitment event to record on the board.
    Keygen {
        /// The exported board (`ashyq ballots export`, board.jsonl).
        #[arg(long)]
        board: PathBuf,
        /// This trustee's number, 1 … n.
        #[arg(long)]
        trustee: u32,
        /// Where the secret goes (this machine only).
        #[arg(long)]
        secret: PathBuf,
    },
    /// Step 2: once every trustee committed, print the shares sealed for each other trustee.
    Deal {
        /// The exported board.
        #[arg(long)]
        board: PathBuf,
        /// The secret file.
        #[arg(long)]
        secret: PathBuf,
    },
    /// Step 3: once every trustee dealt, open the shares sealed for this trustee, check them
    /// against their dealers' commitments and write the key share.
    Finish {
        /// The exported board.
        #[arg(long)]
        board: PathBuf,
        /// The secret file.
        #[arg(long)]
        secret: PathBuf,
        /// Where the key share goes (this machine only).
        #[arg(long)]
        share: PathBuf,
    },
    /// After the tally: print this trustee's decryption share with its proofs.
    Decrypt {
        /// The exported board.
        #[arg(long)]
        board: PathBuf,
        /// The key share file.
        #[arg(long)]
        share: PathBuf,
    },
}

/// `ashyq ballot …`
#[derive(Subcommand)]
pub enum BallotCommand {
    /// Encrypt and prove a ballot on this device, signed with the voter's credential.
    #[command(after_help = "Examples:
  ashyq ballot encrypt --board board.jsonl --credential 1a2b-… --choice 0 --out ballot.json
  ashyq ballot encrypt --board board.jsonl --credential 1a2b-… --choice 0 --audit --out audit.json")]
    Encrypt {
        /// The exported board (for the manifest and the key).
        #[arg(long)]
        board: PathBuf,
        /// The credential string from the voter's letter.
        #[arg(long, env = "ASHYQ_CREDENTIAL", hide_env_values = true)]
        credential: String,
        /// The marked option of each contest, from 0 (repeat per contest; `-` for none).
        #[arg(long = "choice", required = true)]
        choices: Vec<String>,
        /// Open the ballot for the Benaloh challenge instead (the ballot is spoiled).
        #[arg(long)]
        audit: bool,
        /// Where the ballot (or the audit) goes.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check an audit file: the ciphertexts are the encryption of the stated choices.
    CheckAudit {
        /// The exported board.
        #[arg(long)]
        board: PathBuf,
        /// The audit file.
        file: PathBuf,
    },
    /// Find a tracking code on an exported board.
    Check {
        /// The exported board.
        #[arg(long)]
        board: PathBuf,
        /// The tracking code (64 hex digits, or the short 4×4 form).
        code: String,
    },
}

/// Arguments of `ashyq verify-election`.
#[derive(Args)]
pub struct VerifyElectionArgs {
    /// The folder written by `ashyq ballots export`.
    dir: PathBuf,
    /// Threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

fn threads(given: Option<usize>) -> usize {
    given
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()))
        .max(1)
}

fn os_rng() -> ChaCha20Rng {
    ChaCha20Rng::from_os_rng()
}

async fn open(db: &str) -> Result<Journal<Board>> {
    let store = database::open_store(db).await?;
    Journal::<Board>::open(store, system_clock())
        .await
        .map_err(|e| anyhow!("cannot replay the ballot board: {e}"))
}

fn refused(e: JournalError<ashyq_core::ballots::board::BoardError>) -> anyhow::Error {
    match e {
        JournalError::Refused(r) => anyhow!("refused, nothing recorded: {r}"),
        other => anyhow!("{other}"),
    }
}

async fn record(j: &Journal<Board>, event: BoardEvent) -> Result<BoardEntry> {
    j.record(|_| Ok(event.clone())).await.map_err(refused)
}

async fn record_with(
    j: &Journal<Board>,
    decide: impl Fn(&Board) -> Result<BoardEvent, ashyq_core::ballots::board::BoardError>,
) -> Result<BoardEntry> {
    j.record(decide).await.map_err(refused)
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{} is not {what}", path.display()))
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).expect("serializes");
    std::fs::write(path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

fn print_event(event: &BoardEvent) {
    println!("{}", serde_json::to_string(event).expect("serializes"));
}

/// Runs `ashyq ballots …`.
pub async fn board(db: &str, cmd: BallotsCommand) -> Result<ExitCode> {
    let j = open(db).await?;
    match cmd {
        BallotsCommand::Declare {
            manifest,
            preset,
            trustees,
            threshold,
        } => {
            let manifest: Manifest = match (manifest, preset.as_deref()) {
                (Some(path), _) => read_json(&path, "a manifest (see docs/ballots.md)")?,
                (None, Some("kz-2026-abroad")) => {
                    referendum_manifest("kz-2026-abroad", trustees, threshold)
                }
                (None, Some(other)) => {
                    bail!("unknown preset {other}; the one preset is kz-2026-abroad")
                }
                (None, None) => bail!("give --manifest FILE or --preset kz-2026-abroad"),
            };
            let hash = manifest.hash();
            record(&j, BoardEvent::ElectionDeclared { manifest }).await?;
            println!(
                "Declared; manifest hash {hash}. Next: each trustee runs `ashyq trustee keygen`."
            );
        }
        BallotsCommand::Record { file } => {
            let text = read_text(&file)?;
            let mut n = 0;
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let event: BoardEvent = serde_json::from_str(line).with_context(|| {
                    format!("{} line {}: not a board event", file.display(), i + 1)
                })?;
                record(&j, event)
                    .await
                    .with_context(|| format!("{} line {}", file.display(), i + 1))?;
                n += 1;
            }
            println!("Recorded {n} events.");
        }
        BallotsCommand::PublishKey => {
            let e = record_with(&j, |b| {
                let commitments = b.commitments();
                let m = b.manifest().ok_or_else(|| {
                    ashyq_core::ballots::board::BoardError::Rule("no election declared".into())
                })?;
                let key = trustee::joint_key(commitments)?;
                let verification_keys = (1..=m.trustees)
                    .map(|t| trustee::verification_key(commitments, t).map(|x| Bytes32::point(&x)))
                    .collect::<Result<_, _>>()?;
                Ok(BoardEvent::KeyPublished {
                    key: Bytes32::point(&key),
                    verification_keys,
                })
            })
            .await?;
            if let BoardEvent::KeyPublished { key, .. } = e.event {
                println!("Election key {key} published (entry {}).", e.seq);
            }
        }
        BallotsCommand::Credentials { count, letters } => {
            let m = j
                .state()
                .manifest()
                .cloned()
                .ok_or_else(|| anyhow!("no election is declared"))?;
            let mut rng = os_rng();
            let strings: Vec<String> = (0..count).map(|_| credential::generate(&mut rng)).collect();
            let publics = strings
                .iter()
                .map(|s| credential::secret(&m.election, s).map(|x| credential::public(&x)))
                .collect::<Result<Vec<_>, _>>()?;
            std::fs::write(&letters, strings.join("\n") + "\n")
                .with_context(|| format!("cannot write {}", letters.display()))?;
            for chunk in publics.chunks(10_000) {
                record(
                    &j,
                    BoardEvent::CredentialsPublished {
                        credentials: chunk.to_vec(),
                    },
                )
                .await?;
            }
            println!(
                "{count} credentials published; their strings are in {} (private: hand each to one voter).",
                letters.display()
            );
        }
        BallotsCommand::Open => {
            record(&j, BoardEvent::VotingOpened).await?;
            println!("Voting is open.");
        }
        BallotsCommand::Cast { file } => {
            let ballot: Ballot = read_json(&file, "a ballot (from `ashyq ballot encrypt`)")?;
            let e = record_with(&j, |b| {
                let tracking_code = b.next_tracking_code(&ballot).ok_or_else(|| {
                    ashyq_core::ballots::board::BoardError::Rule(
                        "the key is not published yet".into(),
                    )
                })?;
                Ok(BoardEvent::BallotCast {
                    ballot: ballot.clone(),
                    tracking_code,
                })
            })
            .await?;
            if let BoardEvent::BallotCast { tracking_code, .. } = e.event {
                println!(
                    "Cast (entry {}). Tracking code {} ({}).",
                    e.seq,
                    tracking_code,
                    ballot::short_code(&tracking_code)
                );
            }
        }
        BallotsCommand::Audit { file } => {
            let audit: Audit = read_json(&file, "an audit (from `ashyq ballot encrypt --audit`)")?;
            record(&j, BoardEvent::BallotAudited { audit }).await?;
            println!("The audited ballot is on the board, spoiled: it is never counted.");
        }
        BallotsCommand::Cancel {
            credential,
            precinct,
        } => {
            let credential =
                Bytes32::from_hex(&credential).map_err(|e| anyhow!("--credential: {e}"))?;
            record(
                &j,
                BoardEvent::PaperVoteCancelled {
                    credential,
                    precinct,
                },
            )
            .await?;
            println!("The credential's remote vote is cancelled by the paper vote.");
        }
        BallotsCommand::Close => {
            record(&j, BoardEvent::VotingClosed).await?;
            println!("Voting is closed.");
        }
        BallotsCommand::Tally => {
            let e = record_with(&j, Board::tally).await?;
            if let BoardEvent::TallyPublished { ballots, .. } = e.event {
                println!(
                    "Tally of {ballots} counted ballots published. Next: k trustees run `ashyq trustee decrypt`."
                );
            }
        }
        BallotsCommand::Result => {
            let e = record_with(&j, Board::decrypt).await?;
            if let BoardEvent::ResultPublished { counts, trustees } = &e.event {
                let state = j.state();
                let m = state.manifest().expect("declared");
                println!("Result (decrypted by trustees {trustees:?}):");
                for (rule, row) in m.contests.iter().zip(counts) {
                    println!("  {}", rule.question);
                    for (option, n) in rule.options.iter().zip(row) {
                        println!("    {option:<20} {n}");
                    }
                }
            }
        }
        BallotsCommand::Check { code } => {
            let state = j.state();
            return Ok(check_code(&state, &code));
        }
        BallotsCommand::Export { out } => {
            let entries: Vec<BoardEntry> = j
                .store()
                .chain_entries_after(&ashyq_store::chain::BALLOT_LOG, 0, u32::MAX)
                .await?;
            export(&entries, &j.state(), &out)?;
            println!(
                "Election record written to {} ({} board entries).",
                out.display(),
                entries.len()
            );
        }
        BallotsCommand::Demo { voters, seed } => {
            if j.state().head().is_some() {
                bail!("the ballot board already holds an election; the demo needs an empty one");
            }
            let s = synthetic_vote(
                referendum_manifest("kz-2026-abroad", 5, 3),
                voters,
                seed,
                true,
            )?;
            let events: Vec<BoardEvent> = s.entries.into_iter().map(|e| e.event).collect();
            j.record_all(&events, |_, e| Ok(e.clone()))
                .await
                .map_err(refused)?;
            let state = j.state();
            println!(
                "A remote vote of {voters} voters abroad, 3 of 5 trustees decrypting: {} ballots on the board, result {:?}.",
                state.ballots().len(),
                state.result().map(|r| r[0].clone()).unwrap_or_default()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_code(state: &Board, code: &str) -> Option<Bytes32> {
    if let Ok(full) = Bytes32::from_hex(code) {
        return Some(full);
    }
    let short = code.trim().to_ascii_lowercase();
    state
        .ballots()
        .iter()
        .map(|c| c.code)
        .find(|c| ballot::short_code(c) == short)
}

fn check_code(state: &Board, code: &str) -> ExitCode {
    match parse_code(state, code).and_then(|c| state.find(&c)) {
        Some(cast) if state.counts(&cast.code) => {
            println!(
                "Found at entry {}: this ballot is on the board and counts.",
                cast.seq
            );
            ExitCode::SUCCESS
        }
        Some(cast) => {
            println!(
                "Found at entry {}: on the board but not counted (a later ballot of the same credential replaced it, or its holder voted on paper).",
                cast.seq
            );
            ExitCode::SUCCESS
        }
        None => {
            println!(
                "NOT FOUND: no ballot on this board has tracking code {code}. If you cast it, report it: the board dropped your ballot."
            );
            ExitCode::FAILURE
        }
    }
}

/// The election record's files (docs/ballots.md, "The election record"), as (name, text).
fn record_files(entries: &[BoardEntry], state: &Board) -> Vec<(&'static str, String)> {
    use serde_json::json;
    let lines = |values: Vec<String>| -> String { values.into_iter().map(|l| l + "\n").collect() };
    let pick = |f: &dyn Fn(&BoardEvent) -> Option<serde_json::Value>| -> String {
        lines(
            entries
                .iter()
                .filter_map(|e| f(&e.event))
                .map(|v| v.to_string())
                .collect(),
        )
    };
    let manifest = state
        .manifest()
        .map(|m| serde_json::to_string_pretty(m).expect("serializes") + "\n")
        .unwrap_or_default();
    vec![
        (
            "board.jsonl",
            lines(entries.iter().map(|e| e.to_json_line()).collect()),
        ),
        ("manifest.json", manifest),
        (
            "ceremony.jsonl",
            pick(&|e| match e {
                BoardEvent::TrusteeCommitted { .. }
                | BoardEvent::SharesDealt { .. }
                | BoardEvent::KeyPublished { .. } => Some(json!(e)),
                _ => None,
            }),
        ),
        (
            "credentials.txt",
            lines(
                entries
                    .iter()
                    .flat_map(|e| match &e.event {
                        BoardEvent::CredentialsPublished { credentials } => {
                            credentials.iter().map(|c| c.to_hex()).collect()
                        }
                        _ => Vec::new(),
                    })
                    .collect(),
            ),
        ),
        (
            "ballots.jsonl",
            pick(&|e| match e {
                BoardEvent::BallotCast {
                    ballot,
                    tracking_code,
                } => Some(json!({"tracking_code": tracking_code, "ballot": ballot})),
                _ => None,
            }),
        ),
        (
            "spoiled.jsonl",
            pick(&|e| match e {
                BoardEvent::BallotAudited { audit } => Some(json!(audit)),
                _ => None,
            }),
        ),
        (
            "cancellations.jsonl",
            pick(&|e| match e {
                BoardEvent::PaperVoteCancelled { .. } => Some(json!(e)),
                _ => None,
            }),
        ),
        (
            "tally.jsonl",
            pick(&|e| match e {
                BoardEvent::TallyPublished { .. }
                | BoardEvent::DecryptionShared { .. }
                | BoardEvent::ResultPublished { .. } => Some(json!(e)),
                _ => None,
            }),
        ),
    ]
}

fn export(entries: &[BoardEntry], state: &Board, out: &Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, text) in record_files(entries, state) {
        std::fs::write(out.join(name), text).with_context(|| format!("cannot write {name}"))?;
    }
    Ok(())
}

fn read_board(path: &Path) -> Result<(Vec<BoardEntry>, Board)> {
    let entries: Vec<BoardEntry> =
        parse_lines(&read_text(path)?).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let board: Board = replay(&entries).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok((entries, board))
}

/// Runs `ashyq trustee …`.
pub fn trustee(cmd: TrusteeCommand) -> Result<ExitCode> {
    let mut rng = os_rng();
    match cmd {
        TrusteeCommand::Keygen {
            board,
            trustee: t,
            secret,
        } => {
            let (_, b) = read_board(&board)?;
            let m = b
                .manifest()
                .ok_or_else(|| anyhow!("the board declares no election"))?;
            if secret.exists() {
                bail!(
                    "{} exists already; a trustee draws their polynomial once",
                    secret.display()
                );
            }
            let (s, commitment) = trustee::keygen(m, t, &mut rng)?;
            write_json(&secret, &s)?;
            print_event(&BoardEvent::TrusteeCommitted { commitment });
            eprintln!(
                "Secret written to {} (keep it on this machine). Record the line above on the board.",
                secret.display()
            );
        }
        TrusteeCommand::Deal { board, secret } => {
            let (_, b) = read_board(&board)?;
            let s: TrusteeSecret = read_json(&secret, "a trustee's secret file")?;
            let shares = trustee::deal(&s, b.commitments(), &mut rng)?;
            print_event(&BoardEvent::SharesDealt {
                from: s.trustee,
                shares,
            });
        }
        TrusteeCommand::Finish {
            board,
            secret,
            share,
        } => {
            let (entries, b) = read_board(&board)?;
            let s: TrusteeSecret = read_json(&secret, "a trustee's secret file")?;
            let mut received = Vec::new();
            for e in &entries {
                if let BoardEvent::SharesDealt { from, shares } = &e.event {
                    let dealer = b
                        .commitments()
                        .iter()
                        .find(|c| c.trustee == *from)
                        .ok_or_else(|| anyhow!("trustee {from} has no commitment on the board"))?;
                    for sealed in shares.iter().filter(|x| x.to == s.trustee) {
                        received.push(trustee::open_share(&s, sealed, dealer)?);
                    }
                }
            }
            let expected = b.manifest().map_or(0, |m| m.trustees as usize - 1);
            if received.len() != expected {
                bail!(
                    "{} of the {expected} shares for this trustee are on the board; wait until every trustee has dealt",
                    received.len()
                );
            }
            let k = trustee::key_share(&s, &received)?;
            write_json(&share, &k)?;
            println!(
                "Every share checked against its dealer's commitments; key share written to {} (keep it on this machine).",
                share.display()
            );
        }
        TrusteeCommand::Decrypt { board, share } => {
            let (_, b) = read_board(&board)?;
            let k: KeyShare = read_json(&share, "a trustee's key share file")?;
            let e = b
                .election()
                .ok_or_else(|| anyhow!("the board has no key yet"))?;
            let (_, sums) = b
                .aggregates()
                .ok_or_else(|| anyhow!("the board has no tally yet"))?;
            let x = k.share.to_scalar(&"the key share")?;
            let d = decrypt::decrypt_share(e, k.trustee, &x, sums, &mut rng);
            print_event(&BoardEvent::DecryptionShared { share: d });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq ballot …`.
pub fn ballot(cmd: BallotCommand) -> Result<ExitCode> {
    match cmd {
        BallotCommand::Encrypt {
            board,
            credential: cred,
            choices,
            audit,
            out,
        } => {
            let (_, b) = read_board(&board)?;
            let e = b
                .election()
                .ok_or_else(|| anyhow!("the board has no election key yet"))?;
            let choices: Vec<Vec<u32>> = choices
                .iter()
                .map(|c| {
                    if c == "-" {
                        Ok(Vec::new())
                    } else {
                        c.split(',')
                            .map(|x| x.trim().parse::<u32>().map_err(|_| anyhow!("--choice {c}: options are numbers from 0, comma-separated, or - for none")))
                            .collect()
                    }
                })
                .collect::<Result<_>>()?;
            let x = credential::secret(&e.manifest.election, &cred)?;
            if !b.knows(&credential::public(&x)) {
                bail!(
                    "this credential is not published on the board: check the letter, or the election"
                );
            }
            let sealed = ballot::encrypt(e, &x, &choices, &mut os_rng())?;
            if audit {
                write_json(&out, &sealed.audit())?;
                println!(
                    "Audit written to {}: record it with `ashyq ballots audit`; this ballot can no longer be cast. Encrypt again to vote.",
                    out.display()
                );
            } else {
                write_json(&out, &sealed.ballot)?;
                println!(
                    "Ballot written to {} (hash {}). Cast it with `ashyq ballots cast`; you get its tracking code.",
                    out.display(),
                    sealed.ballot.hash()
                );
            }
        }
        BallotCommand::CheckAudit { board, file } => {
            let (_, b) = read_board(&board)?;
            let e = b
                .election()
                .ok_or_else(|| anyhow!("the board has no election key yet"))?;
            let a: Audit = read_json(&file, "an audit file")?;
            ballot::check_audit(e, &a)?;
            println!(
                "The audit checks: the device encrypted exactly the choices {:?}.",
                a.choices
            );
        }
        BallotCommand::Check { board, code } => {
            let (_, b) = read_board(&board)?;
            return Ok(check_code(&b, &code));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `ashyq verify-election DIR`: the board replayed with every rule, the ballots' proofs
/// and the tally checked in batches on every core, and every other file of the record
/// compared with the board.
pub fn verify_election(args: &VerifyElectionArgs) -> Result<ExitCode> {
    let dir = &args.dir;
    let text = read_text(&dir.join("board.jsonl"))?;
    let entries: Vec<BoardEntry> = parse_lines(&text).map_err(|e| anyhow!("board.jsonl: {e}"))?;
    let started = std::time::Instant::now();
    let board = match verify_board(&entries, threads(args.threads)) {
        Ok(b) => b,
        Err((seq, reason)) => {
            println!("FAILED: board.jsonl, entry {seq}: {reason}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    // The other files must say what the board says.
    for (name, expected) in record_files(&entries, &board).into_iter().skip(1) {
        let given = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if given != expected {
            let line = given
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || given.lines().count().min(expected.lines().count()) + 1,
                    |i| i + 1,
                );
            println!("FAILED: {name} line {line} differs from what board.jsonl records");
            return Ok(ExitCode::FAILURE);
        }
    }
    let result = board
        .result()
        .map(|r| format!("result {r:?}"))
        .unwrap_or_else(|| "no result yet".into());
    println!(
        "Election record verified ({}): {} board entries, {} ballots ({} counted), {} audited, every proof and signature, the last-ballot rule, the paper cancellations, the tally and its decryption; {result}. {:.2} s.",
        dir.display(),
        entries.len(),
        board.ballots().len(),
        board.counted_mask().iter().filter(|c| **c).count(),
        board.audited(),
        seconds
    );
    Ok(ExitCode::SUCCESS)
}
