//! `ashyq president call|nominate|register|refuse|withdraw|submit|amend`: the CEC's acts of a
//! presidential election from files, each through the one write path, so that an election is
//! run from the command line as the demo runs it in code: the round is called, nominations
//! come from a private file of the nominators' documents (IINs in clear there only), each
//! nominee is registered with the decision on their support signatures or refused on a named
//! ground, candidates may withdraw before the deadline, and precinct protocols (JSON, one or
//! an array) are submitted and amended. Certification is `ashyq president certify`. The check
//! of support signatures against the register ([`check_lists`]) is here too, shared with
//! `ashyq president signatures`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::iin::{Iin, IinDigest, PreparedDigestKey};
use ashyq_core::ledger::PresidentialRecord;
use ashyq_core::president::eligibility::{CandidateFacts, Nomination, Nominator};
use ashyq_core::president::signatures::{DigestHash, Signer, SupportSignature, check_signatures};
use ashyq_core::president::{PresidentialDefinition, PresidentialProtocol};
use ashyq_core::receipt::ReceiptStatus;
use ashyq_core::register::eligibility::eligibility;
use ashyq_core::seats::TieSeed;
use ashyq_core::territory::{PrecinctId, RegionCode, UnitKind};
use ashyq_store::registrar::Registrar;
use chrono::{NaiveDate, NaiveTime};
use clap::Args;
use serde::Deserialize;

use crate::authors;
use crate::database::open;
use crate::digest_key::KeyArgs;
use crate::output::{self, thousands};

/// `ashyq president call`.
#[derive(Args)]
pub struct CallArgs {
    /// The round's id (letters, digits and dashes), e.g. president-2029.
    #[arg(long)]
    pub id: String,
    /// Its title.
    #[arg(long)]
    pub title: String,
    /// Election day.
    #[arg(long)]
    pub day: NaiveDate,
    /// The last day a candidate may withdraw.
    #[arg(long)]
    pub withdrawal_deadline: NaiveDate,
    /// SHA-256 (64 hex digits) of the tie-break seed, published now; the seed itself is
    /// revealed at certification only if a tie needs the draw.
    #[arg(long, value_name = "HEX")]
    pub seed_sha256: String,
    /// When the polls close, local time.
    #[arg(long, default_value = "20:00")]
    pub polls_close: NaiveTime,
    /// Local time's offset from UTC in minutes (Kazakhstan: 300).
    #[arg(long, default_value_t = 300)]
    pub utc_offset: i32,
}

/// `ashyq president nominate`.
#[derive(Args)]
pub struct NominateArgs {
    /// The nominations (JSON: one object or an array; see the examples). A private file: it
    /// holds IINs in clear; the log keeps them masked and as digests only.
    pub file: PathBuf,
    /// The round (needed only when there are several).
    #[arg(long)]
    pub election: Option<String>,
    /// The digest key the register and the record of past presidents use.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Who records them.
    #[arg(long)]
    pub author: String,
}

/// `ashyq president register`.
#[derive(Args)]
pub struct RegisterArgs {
    /// The nominee, by the name on the nomination.
    pub candidate: String,
    /// Their support signature lists (CSV: iin,region), checked against the register.
    #[arg(long)]
    pub signatures: PathBuf,
    /// The round (needed only when there are several).
    #[arg(long)]
    pub election: Option<String>,
    /// The register's digest key.
    #[command(flatten)]
    pub key: KeyArgs,
    /// Who decides (the register's audit trail names them for the look-ups).
    #[arg(long)]
    pub author: String,
}

/// `ashyq president refuse`.
#[derive(Args)]
pub struct RefuseArgs {
    /// The nominee, by the name on the nomination.
    pub candidate: String,
    /// The round (needed only when there are several).
    #[arg(long)]
    pub election: Option<String>,
    /// Who decides.
    #[arg(long)]
    pub author: String,
}

/// `ashyq president withdraw`.
#[derive(Args)]
pub struct WithdrawArgs {
    /// The nominee or candidate, by name.
    pub candidate: String,
    /// The day of the withdrawal (default: today).
    #[arg(long)]
    pub on: Option<NaiveDate>,
    /// The round (needed only when there are several).
    #[arg(long)]
    pub election: Option<String>,
    /// Who records it.
    #[arg(long)]
    pub author: String,
}

/// `ashyq president submit`.
#[derive(Args)]
pub struct SubmitArgs {
    /// The protocols (JSON: one protocol or an array), `-` for standard input.
    pub file: PathBuf,
}

/// `ashyq president amend`.
#[derive(Args)]
pub struct AmendArgs {
    /// The corrected protocol (JSON).
    pub file: PathBuf,
    /// Why the protocol is replaced.
    #[arg(long)]
    pub reason: String,
    /// Who amends.
    #[arg(long)]
    pub author: String,
}

/// One nomination of the file. The IIN is read as any JSON value so that a malformed one is
/// reported without echoing it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NominationEntry {
    name: String,
    iin: serde_json::Value,
    nominated_by: Nominator,
    #[serde(flatten)]
    facts: CandidateFacts,
}

fn round<'a>(
    ledger: &'a ashyq_core::ledger::Ledger,
    election: Option<&str>,
) -> Result<&'a PresidentialRecord> {
    Ok(ledger.contests().resolve::<PresidentialRecord>(election)?)
}

fn election_id(registrar: &Registrar, election: Option<&str>) -> Result<ContestId> {
    let ledger = registrar.ledger();
    Ok(round(&ledger, election)?.definition.id.clone())
}

/// `president call`.
pub async fn call(db: &str, a: CallArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let seed = a.seed_sha256.trim().to_ascii_lowercase();
    if seed.len() != 64 || !seed.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!(
            "--seed-sha256 must be 64 hex digits: the SHA-256 of the tie-break seed (e.g. `printf %s \"$SEED\" | sha256sum`)"
        );
    }
    let id = ContestId::parse(&a.id)?;
    // The definition's constructor takes a seed to commit to; the commitment given replaces
    // it, so the seed itself never reaches this command.
    let placeholder = TieSeed::new("commitment given with --seed-sha256")?;
    let mut def =
        PresidentialDefinition::kz_2026(id, a.title, a.day, a.withdrawal_deadline, &placeholder);
    def.tie_seed_sha256 = seed;
    def.polls_close = a.polls_close;
    def.utc_offset_minutes = a.utc_offset;
    let entry = registrar
        .record(|l| l.call_presidential(def.clone()))
        .await?;
    println!(
        "Called {} for {} (entry {}). Next: ashyq president nominate nominations.json --election {} --author NAME",
        def.id, def.election_day, entry.seq, def.id
    );
    Ok(ExitCode::SUCCESS)
}

/// `president nominate`: every nomination of the file, in order; the first refused stops
/// the rest (those before it are recorded, and named).
pub async fn nominate(db: &str, a: NominateArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = election_id(&registrar, a.election.as_deref())?;
    let key = a.key.key()?;
    let text = crate::files::read_text(&a.file)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", a.file.display()))?;
    let items = match value {
        serde_json::Value::Array(v) => v,
        one => vec![one],
    };
    let author = authors::commission_operator(&a.author);
    let mut done = 0;
    for (i, item) in items.into_iter().enumerate() {
        let n = i + 1;
        let e: NominationEntry = serde_json::from_value(item).map_err(|err| {
            anyhow!("nomination {n}: {err}; see `ashyq president nominate --help` for the fields")
        })?;
        let iin = e
            .iin
            .as_str()
            .ok_or_else(|| anyhow!("nomination {n}: \"iin\" must be a string of 12 digits"))
            .and_then(|s| {
                Iin::parse(s).map_err(|err| anyhow!("nomination {n}: the IIN is not valid: {err}"))
            })?;
        let nomination = Nomination::new(&e.name, &iin, &key, e.nominated_by, e.facts);
        let masked = nomination.iin.to_string();
        let entry = registrar
            .record(|l| l.nominate_candidate(&id, nomination.clone(), author.clone()))
            .await
            .with_context(|| {
                format!(
                    "nomination {n} ({}, {masked}) was refused; {done} before it were recorded",
                    e.name
                )
            })?;
        println!("Nominated {} ({masked}) (entry {}).", e.name, entry.seq);
        done += 1;
    }
    println!(
        "{done} nominated. Next: ashyq president register NAME --signatures lists.csv --election {id} --author NAME, or ashyq president refuse NAME"
    );
    Ok(ExitCode::SUCCESS)
}

/// `president register`: the signatures checked against the register, then the nominee
/// registered — or, when a criterion fails or the signatures do not suffice, refused on that
/// ground with the same numbers. Exit code 1 for a refusal.
pub async fn register(db: &str, a: RegisterArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = election_id(&registrar, a.election.as_deref())?;
    let (day, rules) = {
        let ledger = registrar.ledger();
        let d = &round(&ledger, Some(id.as_str()))?.definition;
        (d.election_day, d.rules.signatures)
    };
    let report = check_lists(
        &registrar,
        &a.key,
        &a.signatures,
        &a.author,
        Some(day),
        &rules,
    )
    .await?;
    println!("{}", report.tally);
    let author = authors::commission_operator(&a.author);
    let tally = report.tally.clone();
    let registered = registrar
        .record(|l| l.register_candidate(&id, &a.candidate, tally.clone(), author.clone()))
        .await;
    match registered {
        Ok(entry) => {
            println!("Registered {} (entry {}).", a.candidate, entry.seq);
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            // A ground the rules name is a refusal to record; anything else is an error.
            let refused = registrar
                .record(|l| {
                    l.refuse_candidate(&id, &a.candidate, Some(tally.clone()), author.clone())
                })
                .await;
            match refused {
                Ok(entry) => {
                    println!("Refused {}: {why} (entry {}).", a.candidate, entry.seq);
                    Ok(ExitCode::from(1))
                }
                Err(_) => Err(why.into()),
            }
        }
    }
}

/// `president refuse`: a refusal on a criterion the documents do not meet.
pub async fn refuse(db: &str, a: RefuseArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = election_id(&registrar, a.election.as_deref())?;
    let author = authors::commission_operator(&a.author);
    let entry = registrar
        .record(|l| l.refuse_candidate(&id, &a.candidate, None, author.clone()))
        .await?;
    println!("Refused {} (entry {}).", a.candidate, entry.seq);
    Ok(ExitCode::SUCCESS)
}

/// `president withdraw`.
pub async fn withdraw(db: &str, a: WithdrawArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let id = election_id(&registrar, a.election.as_deref())?;
    let on = a.on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let author = authors::commission_operator(&a.author);
    let entry = registrar
        .record(|l| l.withdraw_presidential_candidate(&id, &a.candidate, on, author.clone()))
        .await?;
    println!("{} withdrew on {on} (entry {}).", a.candidate, entry.seq);
    Ok(ExitCode::SUCCESS)
}

fn read_protocols(path: &std::path::Path) -> Result<Vec<PresidentialProtocol>> {
    let text = if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)?;
        t
    } else {
        crate::files::read_text(path)?
    };
    PresidentialProtocol::parse_json(&text)
        .with_context(|| format!("{} holds no presidential protocol", path.display()))
}

/// `president submit`: each protocol decided as if alone (accepted, known, a conflict for
/// review, or refused with the reason), in one transaction. Exit code 1 if any was refused.
pub async fn submit(db: &str, a: SubmitArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let protocols = read_protocols(&a.file)?;
    let mut refused = 0u64;
    for (p, r) in protocols
        .iter()
        .zip(registrar.submit_presidential(&protocols).await?)
    {
        match r {
            Ok(receipt) => println!(
                "precinct {}: {} (entry {})",
                p.precinct,
                match receipt.status {
                    ReceiptStatus::Accepted => "accepted",
                    ReceiptStatus::Amended => "amended",
                    ReceiptStatus::Conflict => "a conflict, kept for review (not applied)",
                },
                receipt.seq
            ),
            Err(e) => {
                refused += 1;
                println!("precinct {}: refused: {e}", p.precinct);
            }
        }
    }
    println!(
        "{} protocols, {} refused.",
        thousands(protocols.len() as u64),
        thousands(refused)
    );
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `president amend`.
pub async fn amend(db: &str, a: AmendArgs) -> Result<ExitCode> {
    let registrar = open(db).await?;
    let mut protocols = read_protocols(&a.file)?;
    if protocols.len() != 1 {
        bail!(
            "{} holds {} protocols: amend one at a time",
            a.file.display(),
            protocols.len()
        );
    }
    let protocol = protocols.remove(0);
    let author = authors::operator(a.author);
    let entry = registrar
        .record(|l| l.amend_presidential(protocol.clone(), &a.reason, author.clone()))
        .await?;
    println!(
        "precinct {}: amended (entry {}).",
        protocol.precinct, entry.seq
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads the signature lists: rows `iin,region`, the region an index into `regions`.
fn read_signatures(text: &str, regions: &[RegionCode]) -> Result<Vec<SupportSignature>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.with_context(|| format!("row {row} of the lists"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 2 {
            bail!("row {row}: {} fields: give two, iin,region", record.len());
        }
        if row == 1 && record[0].eq_ignore_ascii_case("iin") {
            continue;
        }
        let iin =
            Iin::parse(&record[0]).map_err(|e| anyhow!("row {row}: the IIN is not valid: {e}"))?;
        let region = regions
            .iter()
            .position(|r| r.0 == record[1])
            .ok_or_else(|| {
                anyhow!(
                    "row {row}: {:?} is not a region whose signatures count; use one of {}",
                    &record[1],
                    regions
                        .iter()
                        .map(|r| r.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        out.push(SupportSignature { iin, region });
    }
    Ok(out)
}

/// Checks the signature lists in `lists` (CSV `iin,region`) against the register by digest
/// under `key`, looking the signers up as `operator` (audited), eligibility judged on `on`
/// (default: today): the report of `ashyq president signatures` and of `register`.
pub async fn check_lists(
    registrar: &Registrar,
    key: &KeyArgs,
    lists: &Path,
    operator: &str,
    on: Option<chrono::NaiveDate>,
    rules: &ashyq_core::president::rules::SignatureRules,
) -> Result<ashyq_core::president::signatures::SignatureReport> {
    let key = PreparedDigestKey::new(&key.key()?);
    let (regions, region_of) = {
        let ledger = registrar.ledger();
        let territory = ledger
            .territory()
            .ok_or_else(|| anyhow!("no territory is loaded; run `ashyq init` first"))?;
        let index = ledger
            .territory_index()
            .expect("a loaded territory has an index");
        let counting: Vec<usize> = territory
            .regions
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind != UnitKind::Abroad)
            .map(|(i, _)| i)
            .collect();
        let regions: Vec<RegionCode> = counting
            .iter()
            .map(|&i| territory.regions[i].code.clone())
            .collect();
        let region_of: HashMap<PrecinctId, usize> = territory
            .precincts
            .iter()
            .filter_map(|p| {
                let r = index.placement(p.id)?.region;
                Some((p.id, counting.iter().position(|&c| c == r)?))
            })
            .collect();
        (regions, region_of)
    };
    let text = crate::files::read_text(lists)?;
    let list = read_signatures(&text, &regions)?;
    let digests: Vec<IinDigest> = list.iter().map(|s| key.digest(&s.iin)).collect();
    let store = registrar.store();
    let voters = store.voter_count().await?;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let bar = output::progress(digests.len() as u64, "register");
    let found = store
        .voter_signers(
            &digests,
            &ashyq_store::register::Operator {
                name: operator,
                at: &at,
            },
            |n| bar.set_position(n),
        )
        .await?;
    bar.finish_and_clear();
    let on = on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let mut register: HashMap<[u8; 32], Signer, DigestHash> =
        HashMap::with_capacity_and_hasher(found.len(), DigestHash::default());
    for (s, d) in list.iter().zip(&digests) {
        if let Some((status, precinct)) = found.get(d) {
            register.insert(
                key.digest_bytes(&s.iin),
                Signer {
                    region: region_of.get(precinct).copied(),
                    ineligible: eligibility(status, on).first().copied(),
                },
            );
        }
    }
    let bar = output::progress(list.len() as u64, "checking");
    let report = check_signatures(
        list,
        &key,
        &register,
        &regions,
        voters,
        rules,
        &mut HashSet::default(),
        |n| bar.set_position(n),
    );
    bar.finish_and_clear();
    Ok(report)
}
