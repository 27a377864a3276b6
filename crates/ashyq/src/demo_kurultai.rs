//! The demo's second half: after the referendum, the party-list election for the Kurultai
//! (the 2023 votes on 145 seats, `ashyq election scenario`), its seats allocated the next
//! morning, then the house's synthetic first session (`ashyq kurultai first-session`).
//!
//! The demo's clock runs in phases ([`Phases`]): election night of the referendum, then
//! election night of 30 August 2026, then the morning after, then the first session's
//! weeks. Each phase is replayed over the demo's seconds (or at once with `--instant`), so the
//! log's times follow the simulated calendar and never go back.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Result;
use ashyq_core::contest::ContestId;
use ashyq_core::seats::TieSeed;
use ashyq_store::registrar::{Clock, Registrar};
use chrono::{DateTime, TimeDelta, Utc};

use crate::{authors, election_cmd, kurultai_cmd};

/// The election's id in the demo.
pub const ELECTION: &str = "kurultai-2026";
/// The Kurultai's seats (BRIEF §8).
const SEATS: u32 = 145;
/// The tie seed committed to when the election is defined and revealed at the allocation.
/// Public: the demo's draw is reproducible.
const TIE_SEED: &str = "demo: televised draw 2026-08-31";

/// One phase of simulated time: `span` of simulated time from `start`, replayed over `replay`
/// of real time from `began`.
struct Phase {
    start: DateTime<Utc>,
    span: TimeDelta,
    began: Instant,
    replay: Duration,
}

impl Phase {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = self.began.elapsed().min(self.replay);
        let fraction = elapsed.as_secs_f64() / self.replay.as_secs_f64().max(1e-3);
        self.start
            + TimeDelta::milliseconds((self.span.num_milliseconds() as f64 * fraction) as i64)
    }
}

/// The demo's simulated clock, moved on from phase to phase.
#[derive(Clone)]
pub struct Phases(Arc<Mutex<Phase>>);

impl Phases {
    /// A clock in its first phase, begun at `began`, and the clock to give the registrar.
    pub fn new(
        start: DateTime<Utc>,
        span: TimeDelta,
        began: Instant,
        replay: Duration,
    ) -> (Phases, Clock) {
        let phases = Phases(Arc::new(Mutex::new(Phase {
            start,
            span,
            began,
            replay,
        })));
        let read = phases.clone();
        let clock: Clock = Arc::new(move || {
            read.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        (phases, clock)
    }

    /// Moves on to a phase beginning now; never earlier than the time the clock shows.
    fn enter(&self, start: DateTime<Utc>, span: TimeDelta, replay: Duration) {
        let mut p = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let start = start.max(p.now());
        *p = Phase {
            start,
            span,
            began: Instant::now(),
            replay,
        };
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().expect("a valid time")
}

/// Loads the election, allocates its seats and records the first session, each in its phase
/// of the clock, every phase replayed over `replay` (at once if zero).
pub async fn load(registrar: &Registrar, phases: &Phases, replay: Duration) -> Result<()> {
    let id = ContestId(ELECTION.into());
    // Election night, 30 August 2026: 20:00 to 08:00 local time (UTC+5).
    phases.enter(at("2026-08-30T15:00:00Z"), TimeDelta::hours(12), replay);
    election_cmd::load_kurultai_2023(registrar, &id, SEATS, TIE_SEED, 2026).await?;
    // The morning after: the commission reveals the tie seed and allocates the seats.
    phases.enter(at("2026-08-31T05:00:00Z"), TimeDelta::hours(1), replay);
    let commission = authors::central_commission("Central Election Commission (demo)");
    let seed = TieSeed::new(TIE_SEED.to_owned())?;
    registrar
        .record(|l| l.allocate_seats(&id, seed.clone(), commission.clone()))
        .await?;
    {
        let ledger = registrar.ledger();
        let e = ledger.election(&id)?;
        println!(
            "Election {id}: the 2023 list votes on {SEATS} seats, {} deputies named.",
            e.mandates().len()
        );
    }
    // The first session, 15 September, and its following weeks: recorded as they end.
    phases.enter(at("2026-10-16T04:00:00Z"), TimeDelta::hours(8), replay);
    kurultai_cmd::first_session(
        registrar,
        Some(ELECTION),
        "Secretariat of the Kurultai (demo)",
    )
    .await
}

/// Where the election and the house are, once loaded.
pub fn print_links(addr: std::net::SocketAddr) {
    println!(
        "After the referendum: the party-list election {ELECTION} and the Kurultai's first session (synthetic), at"
    );
    println!(
        "  http://{addr}/e/{ELECTION}                           the election, its seats and deputies"
    );
    println!(
        "  http://{addr}/kurultai                             the house, its bills, roll calls, deputies and committees"
    );
    println!(
        "  http://{addr}/kurultai/bills                       the bill tracker (search, filters, Atom feeds)"
    );
    println!("  http://{addr}/api/v1/kurultai/popolo.json             the house as Popolo JSON");
    println!("  http://{addr}/api/v1/kurultai/votes.csv               every deputy's every vote");
    println!("  (the secretariat account records steps: POST http://{addr}/api/v1/kurultai/steps)");
}
