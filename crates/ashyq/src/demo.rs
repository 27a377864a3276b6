//! `ashyq demo`: the 2026 referendum from decree to certified result, on the embedded database.
//!
//! Loads the kz profile's synthetic territory and the kz-2026 preset, serves the API at once,
//! then replays election night: the synthetic protocols (which add up exactly to the official
//! national figures) arrive over about a minute, with a typo'd protocol that a later correct
//! one contradicts (a conflict, settled by an amendment), a draft uploaded twice (a conflict,
//! dismissed) and a few identical re-submissions (which change nothing). Then the central
//! commission certifies. Recorded times follow a simulated election night starting at 20:00
//! local time on 15 March 2026, when counting began.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ashyq_core::event::Author;
use ashyq_core::iin::DigestKey;
use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::referendum::{ReferendumId, presets};
use ashyq_core::territory::generate::{TerritorySpec, generate};
use ashyq_core::{profile, scenario};
use ashyq_server::consult::{ConsultConfig, ConsultService};
use ashyq_store::Store;
use ashyq_store::registrar::{Clock, Registrar};
use ashyq_store::secretariat::Secretariat;
use chrono::{DateTime, TimeDelta, Utc};
use rand::SeedableRng;
use rand::seq::SliceRandom;

use crate::DemoArgs;
use crate::commands::{mask, territory_summary};
use crate::output;

/// Where the demo keeps its database unless `--database-url` says otherwise.
const DEMO_DATABASE: &str = "sqlite://ashyq-demo.db";
const SEED: u64 = 2026;

pub async fn run(database_url: &str, args: DemoArgs) -> Result<ExitCode> {
    let db = if database_url == crate::DEFAULT_DATABASE {
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
    let clock: Clock = Arc::new(move || {
        let elapsed = started.elapsed().min(replay);
        let simulated =
            night.num_milliseconds() as f64 * elapsed.as_secs_f64() / replay.as_secs_f64();
        (night_start + TimeDelta::milliseconds(simulated as i64))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    });
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
    crate::consult_cmd::load_sample(&secretariat).await?;
    let consult = Arc::new(ConsultService::new(
        secretariat,
        ConsultConfig {
            // Public and fixed: the demo's citizens are test persons.
            digest_key: DigestKey::from_bytes(&[0x5a; 32])?,
            identity_provider: None,
            dev_idp: true,
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
    registrar.load_territory(territory).await?;
    let def = presets::kz_2026();
    let id = def.id.clone();
    registrar.create_referendum(def.clone()).await?;
    println!(
        "Referendum {id}: \"{}\" — voting day {}.",
        def.question.en, def.voting_day
    );

    let server = if args.no_serve {
        None
    } else {
        let reg = registrar.clone();
        let listen = args.listen;
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        let handle = tokio::spawn(async move {
            let config = ashyq_server::ServerConfig {
                consult: Some(consult),
                ..ashyq_server::ServerConfig::standard()
            };
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
                    "The public consultation: http://{addr}/consult (sign in with the development provider's test persons; \"Test moderator\" moderates), as JSON under http://{addr}/api/v1/consult"
                );
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
    let tick = Duration::from_millis(250);
    let mut next = Instant::now();
    let mut refused = 0;
    for chunk in arrivals.chunks(per_tick) {
        let results = registrar.submit_batch(chunk.to_vec()).await?;
        refused += results.iter().filter(|r| r.is_err()).count();
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
    let operator = Author {
        name: "Central Referendum Commission (demo)".into(),
        role: "central commission".into(),
    };
    registrar.certify(&id, operator).await?;
    let tree = registrar.ledger().results(&id)?;
    print!("{}", output::national_table(&def, &tree));
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
    // Another commission uploads an unsigned draft after its real protocol.
    let mut draft = draft_good.clone();
    draft.lines.yes -= 5;
    draft.lines.invalid += 5;
    order.push(draft);
    // Some commissions press "send" twice.
    let again: Vec<PrecinctProtocol> = order.iter().step_by(1_000).cloned().collect();
    order.extend(again);
    order
}

/// The commission's review: amends the typo'd precinct, dismisses the stray draft.
async fn review(registrar: &Registrar, id: &ReferendumId) -> Result<()> {
    let conflicts: Vec<_> = registrar.ledger().open_conflicts(id)?.cloned().collect();
    let operator = Author {
        name: "A. Operator (demo)".into(),
        role: "central commission operator".into(),
    };
    for c in conflicts {
        let applied = registrar
            .ledger()
            .applied(id, c.receipt.precinct)?
            .map(|a| a.protocol.clone())
            .context("a conflict concerns a precinct that reported")?;
        if c.protocol.lines.yes > applied.lines.yes {
            // The later protocol is the corrected one.
            registrar
                .amend(
                    c.protocol.clone(),
                    "line 9/10 typing error corrected against the signed paper protocol",
                    operator.clone(),
                )
                .await?;
        } else {
            registrar
                .dismiss_conflict(
                    id,
                    c.receipt.precinct,
                    &c.receipt.protocol_hash,
                    "unsigned draft uploaded by mistake; the signed protocol stands",
                    operator.clone(),
                )
                .await?;
        }
    }
    Ok(())
}
