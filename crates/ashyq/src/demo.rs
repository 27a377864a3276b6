//! `ashyq demo`: the 2026 referendum from decree to certified result, on the embedded database.
//!
//! Loads the kz profile's synthetic territory and the kz-2026 preset, registers a key for every
//! commission (central → 21 regions and abroad → 282 districts → 10,459 precincts, each by the
//! commission above it), creates three operator accounts, serves the API and the web pages at
//! once, then replays election night: every precinct commission signs its protocol (the
//! synthetic protocols add up exactly to the official national figures) and the signed
//! documents arrive over about a minute, through the same path as `POST
//! /api/v1/referendums/kz-2026/protocols`. One commission first sends a typo'd version and
//! then a corrected version 2 (a conflict, accepted by an operator as an amendment), another
//! sends a stray version 2 (a conflict, dismissed), and some press "send" twice (which changes
//! nothing). Then the central commission certifies. Recorded times follow a simulated election
//! night starting at 20:00 local time on 15 March 2026, when counting began.
//!
//! The demo's commission keys are derived from their names: anyone can recompute them. They
//! make the demo reproducible and are worthless as secrets; real keys come from
//! `ashyq keys generate` on each commission's own computer.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ashyq_core::contest::ContestId;
use ashyq_core::iin::DigestKey;
use ashyq_core::keys::{Commission, CommissionSigningKey, KeyEvent, KeyRegistered};
use ashyq_core::operator::{Role, TerritorialScope, hash_password};
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::presets;
use ashyq_core::signed::SignedProtocol;
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::territory::{RegionCode, Territory};
use ashyq_core::{profile, scenario};
use ashyq_server::consult::{ConsultConfig, ConsultService};
use ashyq_store::Store;
use ashyq_store::registrar::{Clock, Registrar};
use ashyq_store::secretariat::Secretariat;
use chrono::{DateTime, TimeDelta, Utc};
use clap::Args;
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::authors;
use crate::consult_cmd;
use crate::database::{DEFAULT_DATABASE, load_log_key, mask};
use crate::output::{self, territory_summary};

/// Arguments of `ashyq demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Load all protocols at once instead of replaying election night.
    #[arg(long)]
    instant: bool,
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seconds over which election night is replayed.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Load the data, print the result and exit without serving.
    #[arg(long)]
    no_serve: bool,
    /// The key that signs tree heads and receipts (created if missing; default: next to the
    /// database, ashyq-demo.db.log-key).
    #[arg(long, env = "ASHYQ_LOG_KEY_FILE")]
    log_key_file: Option<PathBuf>,
    /// Also load and certify the 2022 presidential election (synthetic protocols that add up
    /// to the CEC's final national figures).
    #[arg(long)]
    presidential: bool,
}

/// Where the demo keeps its database unless `--database-url` says otherwise.
const DEMO_DATABASE: &str = "sqlite://ashyq-demo.db";
const SEED: u64 = 2026;

pub async fn run(database_url: &str, args: DemoArgs) -> Result<ExitCode> {
    let db = if database_url == DEFAULT_DATABASE {
        // The demo starts from scratch each time in its own file, never in ashyq.db.
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("ashyq-demo.db{suffix}");
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e)
                        .with_context(|| format!("cannot remove the old demo database {path}"));
                }
            }
        }
        DEMO_DATABASE.to_owned()
    } else {
        database_url.to_owned()
    };
    let started = Instant::now();
    let night_start: DateTime<Utc> = "2026-03-15T15:00:00Z".parse().expect("a valid time");
    // Election night, compressed: the replay's seconds stand for 12 hours, 20:00 to 08:00
    // local time, when preliminary results were announced.
    let night = TimeDelta::hours(12);
    let replay = Duration::from_secs(args.seconds.max(1));
    // In phases: the referendum's night first, then the election's (`demo_kurultai`).
    let (phases, clock): (_, Clock) =
        crate::demo_kurultai::Phases::new(night_start, night, started, replay);
    let store = Store::open(&db)
        .await
        .with_context(|| format!("cannot open {}", mask(&db)))?;
    let registrar = Registrar::with_store(store.clone(), clock).await?;
    if registrar.ledger().head().is_some() {
        bail!(
            "{} already holds data; the demo needs an empty database (omit --database-url to use {DEMO_DATABASE})",
            mask(&db)
        );
    }
    let registrar = Arc::new(registrar);

    // The public consultation: the sample act in three versions, the sample proposals, the
    // commission and its meetings; sign-in through the development provider.
    let secretariat = Arc::new(Secretariat::open(store).await?);
    consult_cmd::load_sample(&secretariat).await?;
    let dev_idp = ashyq_server::dev_idp::DevIdp::new()?;
    // Public and fixed: the demo's citizens and voters are test persons.
    let demo_key = DigestKey::from_bytes(&[0x5a; 32])?;
    let consult = Arc::new(ConsultService::new(
        secretariat,
        ConsultConfig {
            digest_key: demo_key.clone(),
            identity_provider: Some(dev_idp.provider()),
            moderators: Vec::new(),
            public_url: None,
        },
    )?);
    {
        let c = consult.consultation();
        println!(
            "Consultation: the sample act (not the official text) in {} versions, {} proposals, {} commission meetings, {} decisions.",
            consult.acts().len(),
            c.proposals.len(),
            c.meetings.len(),
            c.decisions.len()
        );
    }

    let kz = profile::kz();
    let territory = generate(&kz, &TerritorySpec::default())?;
    let protocols = scenario::referendum_2026(&territory, SEED)?;
    println!("Territory: {}.", territory_summary(&territory));
    println!("  {}", territory.source);
    println!("  {}", scenario::SCENARIO_NOTE);
    let keys = commission_keys(&territory);
    registrar.load_territory(territory.clone()).await?;
    let def = presets::kz_2026();
    let id = def.id.clone();
    registrar.create_referendum(def.clone()).await?;
    println!(
        "Referendum {id}: \"{}\" — voting day {}.",
        def.question.en, def.voting_day
    );
    registrar
        .manage_keys(&key_registrations(&territory, &keys))
        .await?;
    println!(
        "Commission keys registered: {} (central, regions, districts, precincts; demo keys derived from their names, not secret).",
        keys.len()
    );
    let accounts = demo_operators(&registrar).await?;
    let voters = crate::demo_register::load(
        registrar.store(),
        &territory,
        &demo_key,
        id.as_str(),
        def.voting_day,
        SEED,
    )
    .await?;
    println!(
        "Voter register: a synthetic sample of {} people over every precinct, by keyed digest ({} test voters to sign in as at /voter).",
        crate::output::thousands(crate::demo_register::PEOPLE),
        voters.len()
    );
    let dev_idp = Arc::new(dev_idp.with_voters(voters));

    let server = if args.no_serve {
        None
    } else {
        let reg = registrar.clone();
        let listen = args.listen;
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let log_key = load_log_key(&db, args.log_key_file.as_deref())?;
        let config = ashyq_server::ServerConfig {
            consult: Some(consult),
            dev_idp: Some(dev_idp),
            // The signed datasets follow election night's replay every few seconds.
            downloads_interval: std::time::Duration::from_secs(5),
            ..ashyq_server::ServerConfig::with_log_key(log_key)
        };
        let handle = tokio::spawn(async move {
            ashyq_server::serve_with(reg, listen, config, move |addr| {
                let _ = ready_tx.send(addr);
            })
            .await
        });
        match ready_rx.await {
            Ok(addr) => {
                println!();
                println!(
                    "Open http://{addr}/ — the results live in Kazakh, Russian and English while election night is replayed; as JSON:"
                );
                println!(
                    "  http://{addr}/api/v1/referendums/{id}/results          national and regional figures"
                );
                println!(
                    "  http://{addr}/api/v1/referendums/{id}/regions/KZ-43    a region with its districts"
                );
                println!(
                    "  http://{addr}/api/v1/referendums/{id}/precincts/1      a precinct's protocol and history"
                );
                println!(
                    "  http://{addr}/api/v1/referendums/{id}/results.csv      every level as CSV"
                );
                println!(
                    "  http://{addr}/api/v1/log                                the event log (JSON Lines)"
                );
                println!(
                    "  http://{addr}/api/v1/log/head                           the signed tree head of the transparency log"
                );
                println!(
                    "  http://{addr}/api/v1/docs                               every endpoint (OpenAPI 3.1)"
                );
                println!(
                    "  http://{addr}/portal                                    the commission portal (operators sign in)"
                );
                println!(
                    "  http://{addr}/audits                                    the risk-limiting audit of the certified result"
                );
                println!(
                    "Operator accounts of this demo (sign in at http://{addr}/portal or at /api/v1/session):"
                );
                for (name, role, password) in &accounts {
                    println!("  {name:<12} {password}   {role}");
                }
                println!(
                    "  http://{addr}/voter                                     a voter's own precinct (sign in as a test voter) and the precinct search"
                );
                println!(
                    "The public consultation: http://{addr}/consult (sign in with the development provider's test persons; \"Test moderator\" moderates), as JSON under http://{addr}/api/v1/consult"
                );
                crate::demo_kurultai::print_links(addr);
                println!();
            }
            Err(_) => {
                // The server task ended before binding: report its error.
                return match handle.await {
                    Ok(Err(e)) => Err(e.into()),
                    Ok(Ok(())) => bail!("the server stopped before it started listening"),
                    Err(e) => Err(e.into()),
                };
            }
        }
        Some(handle)
    };

    let arrivals = election_night(protocols);
    let bar = output::progress(arrivals.len() as u64, "protocols");
    let ticks = if args.instant {
        1
    } else {
        (args.seconds * 4).max(1) as usize
    };
    let per_tick = arrivals.len().div_ceil(ticks);
    let documents = sign_arrivals(&arrivals, per_tick, ticks, &keys, night_start, night)?;
    let tick = Duration::from_millis(250);
    let mut next = Instant::now();
    let mut refused = 0;
    for chunk in documents.chunks(per_tick) {
        // Submitted concurrently, as many precincts' computers would: the registrar commits
        // them together (group commit).
        let mut tasks = tokio::task::JoinSet::new();
        for doc in chunk {
            let (reg, doc) = (registrar.clone(), doc.clone());
            tasks.spawn(async move { reg.submit_signed(&doc).await });
        }
        while let Some(done) = tasks.join_next().await {
            match done?? {
                Ok(_) => {}
                Err(e) => {
                    tracing::error!("a demo protocol was refused: {e}");
                    refused += 1;
                }
            }
        }
        bar.inc(chunk.len() as u64);
        if !args.instant {
            next += tick;
            tokio::time::sleep_until(next.into()).await;
            if !bar.is_hidden() {
                let tree = registrar.ledger().results(&id)?;
                bar.set_message(format!("turnout {}%", tree.national.turnout().percent(2)));
            }
        }
    }
    bar.finish_and_clear();
    if refused > 0 {
        bail!("{refused} demo protocols were refused; the scenario is inconsistent");
    }
    review(&registrar, &id).await?;
    let operator = authors::central_commission("Central Referendum Commission (demo)");
    registrar.certify(&id, operator).await?;
    crate::audit_flow::demo_audit(&registrar, &id).await?;
    let tree = registrar.ledger().results(&id)?;
    print!("{}", output::national_table(&def, &tree));
    let phase = if args.instant { Duration::ZERO } else { replay };
    crate::demo_kurultai::load(&registrar, &phases, phase).await?;
    if args.presidential {
        crate::demo_president::load(&registrar).await?;
    }
    println!(
        "\nEvery figure above can be checked offline: ashyq --database-url {db} export --log log.jsonl && ashyq verify log.jsonl"
    );
    println!("(loaded in {:.1} s)", started.elapsed().as_secs_f64());
    if let Some(handle) = server {
        println!("Serving until Ctrl-C.");
        handle.await??;
    }
    Ok(ExitCode::SUCCESS)
}

/// The two precincts whose protocols go wrong on election night.
const TYPO_AT: usize = 17;
const DRAFT_AT: usize = 4_242;

/// Orders the protocols as they arrive, adding what goes wrong on a real night.
fn election_night(protocols: Vec<PrecinctProtocol>) -> Vec<PrecinctProtocol> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let typo_good = protocols[TYPO_AT].clone();
    let draft_good = protocols[DRAFT_AT].clone();
    let mut order = protocols;
    order.shuffle(&mut rng);
    // A commission first sends ten "yes" typed as "no"; the correct protocol follows later.
    let mut typo = typo_good.clone();
    typo.lines.yes -= 10;
    typo.lines.no += 10;
    let pos = order
        .iter()
        .position(|p| p.precinct == typo_good.precinct)
        .expect("present");
    order[pos] = typo;
    order.push(typo_good);
    // Another commission sends a draft by mistake after its real protocol.
    let mut draft = draft_good.clone();
    draft.lines.yes -= 5;
    draft.lines.invalid += 5;
    order.push(draft);
    // Some commissions press "send" twice.
    let again: Vec<PrecinctProtocol> = order.iter().step_by(1_000).cloned().collect();
    order.extend(again);
    order
}

/// The demo key of a commission: derived from its name, so anyone can recompute it.
fn demo_key(commission: Commission) -> CommissionSigningKey {
    use sha2::{Digest as _, Sha256};
    let seed: [u8; 32] =
        Sha256::digest(format!("ashyq demo key, public, not secret: {commission}")).into();
    CommissionSigningKey::from_seed(commission, &seed)
}

/// Every commission's demo key.
fn commission_keys(t: &Territory) -> std::collections::HashMap<Commission, CommissionSigningKey> {
    let mut all = vec![Commission::Central];
    all.extend(t.regions.iter().map(|r| Commission::Region(r.code.clone())));
    all.extend(
        t.districts
            .iter()
            .map(|d| Commission::District(d.id.clone())),
    );
    all.extend(t.precincts.iter().map(|p| Commission::Precinct(p.id)));
    all.into_iter().map(|c| (c.clone(), demo_key(c))).collect()
}

/// The registrations, each by the commission directly above.
fn key_registrations(
    t: &Territory,
    keys: &std::collections::HashMap<Commission, CommissionSigningKey>,
) -> Vec<KeyEvent> {
    let valid_from = "2026-03-01T00:00:00Z".parse().expect("a valid time");
    let author = authors::central_commission("Central Referendum Commission (demo)");
    let register = |c: Commission, by: Commission| {
        KeyEvent::KeyRegistered(KeyRegistered {
            public_key: keys[&c].public(),
            commission: c,
            valid_from,
            by,
            author: author.clone(),
        })
    };
    let mut out = vec![register(Commission::Central, Commission::Central)];
    out.extend(
        t.regions
            .iter()
            .map(|r| register(Commission::Region(r.code.clone()), Commission::Central)),
    );
    out.extend(t.districts.iter().map(|d| {
        register(
            Commission::District(d.id.clone()),
            Commission::Region(d.region.clone()),
        )
    }));
    out.extend(t.precincts.iter().map(|p| {
        register(
            Commission::Precinct(p.id),
            Commission::District(p.district.clone()),
        )
    }));
    out
}

/// Signs each arriving protocol with its precinct's key, a little before the simulated
/// moment its chunk arrives (never before the polls closed). The corrected and stray versions
/// that come after a precinct's first protocol are version 2.
fn sign_arrivals(
    arrivals: &[PrecinctProtocol],
    per_tick: usize,
    ticks: usize,
    keys: &std::collections::HashMap<Commission, CommissionSigningKey>,
    night_start: DateTime<Utc>,
    night: TimeDelta,
) -> Result<Vec<SignedProtocol>> {
    let mut seen: std::collections::HashMap<_, (String, u64)> = std::collections::HashMap::new();
    arrivals
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let chunk = (i / per_tick.max(1)) as i64;
            let at = night_start + night * (chunk as i32) / (ticks as i32) - TimeDelta::minutes(10);
            let signed_at = at.max(night_start);
            let hash = p.content_hash();
            let version = match seen.get(&p.precinct) {
                None => 1,
                Some((first, v)) if *first == hash => *v,
                Some((_, v)) => v + 1,
            };
            seen.entry(p.precinct).or_insert((hash, version));
            let key = &keys[&Commission::Precinct(p.precinct)];
            Ok(SignedProtocol::sign(p, version, signed_at, key)?)
        })
        .collect()
}

/// The demo's operator accounts, each with a new random password: (name, role, password).
async fn demo_operators(registrar: &Registrar) -> Result<Vec<(String, String, String)>> {
    use rand::Rng as _;
    let mut rng = rand::TryRngCore::unwrap_err(rand::rngs::OsRng);
    let almaty = RegionCode("KZ-75".into());
    let mut out = Vec::new();
    for (name, role) in [
        ("cec", Role::CentralOperator),
        (
            "almaty-tec",
            Role::TerritorialOperator {
                scope: TerritorialScope::Region(almaty.clone()),
            },
        ),
        ("observer", Role::Observer),
        ("secretariat", Role::KurultaiSecretariat),
        // Two members of Almaty's audit board: they enter the hand counts of the demo's
        // audit (`/portal/audits`), and must agree.
        (
            "audit-almaty-1",
            Role::AuditBoard {
                region: almaty.clone(),
            },
        ),
        (
            "audit-almaty-2",
            Role::AuditBoard {
                region: almaty.clone(),
            },
        ),
    ] {
        let password: String = (0..16)
            .map(|_| {
                const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
                ALPHABET[rng.random_range(0..ALPHABET.len())] as char
            })
            .collect();
        let hash = hash_password(&password, &mut rng)?;
        let now = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        registrar
            .store()
            .create_operator(name, &role, &hash, &now)
            .await?;
        out.push((name.to_owned(), role.to_string(), password));
    }
    Ok(out)
}

/// The commission's review: accepts the corrected version of the typo'd precinct as an
/// amendment (keeping the commission's signature), dismisses the stray version.
async fn review(registrar: &Registrar, id: &ContestId) -> Result<()> {
    let conflicts: Vec<_> = registrar.ledger().open_conflicts(id)?.cloned().collect();
    let operator = authors::commission_operator("A. Operator (demo)");
    for c in conflicts {
        let applied = registrar
            .ledger()
            .applied(id, c.receipt.precinct)?
            .map(|a| a.protocol.clone())
            .context("a conflict concerns a precinct that reported")?;
        if c.protocol.lines.yes > applied.lines.yes {
            // The later protocol is the corrected one.
            let reason = "line 9/10 typing error corrected against the signed paper protocol";
            match c.receipt.signature.clone() {
                Some(sig) => {
                    registrar
                        .amend_signed(c.protocol.clone(), sig, reason, operator.clone())
                        .await?
                }
                None => {
                    registrar
                        .amend(c.protocol.clone(), reason, operator.clone())
                        .await?
                }
            };
        } else {
            registrar
                .dismiss_conflict(
                    id,
                    c.receipt.precinct,
                    &c.receipt.protocol_hash,
                    "a draft signed and sent by mistake; the first protocol stands",
                    operator.clone(),
                )
                .await?;
        }
    }
    Ok(())
}
