//! `ashyq demo --presidential`: the demo also holds the 2022 presidential election.
//!
//! The same scenario as `ashyq election scenario --preset kz-2022-presidential` (six
//! registered candidates and synthetic protocols, marked as synthetic, that add up exactly to
//! the CEC's final national figures of 22 November 2022), loaded into the demo's ledger through
//! the submission path and then certified by the demo's central commission, so the round is
//! locked with its outcome and reason.

use anyhow::Result;
use ashyq_store::registrar::Registrar;

use crate::president_cmd;

/// The election id of the demo's presidential round.
pub const ELECTION: &str = "president-2022";
/// The demo's tie seed: public, as every demo secret is (2022 had no tie to draw).
const TIE_SEED: &str = "demo-seed";
/// Seed of the synthetic split over precincts.
const SPLIT_SEED: u64 = 2022;

/// Loads and certifies the 2022 presidential election; prints where to see it as JSON.
pub async fn load(registrar: &Registrar) -> Result<()> {
    president_cmd::scenario(registrar, ELECTION, TIE_SEED, SPLIT_SEED).await?;
    president_cmd::certify_round(
        registrar,
        Some(ELECTION),
        "Central Election Commission (demo)",
        None,
    )
    .await?;
    println!(
        "  as JSON: /api/v1/elections/{ELECTION}/round, /api/v1/elections/{ELECTION}/candidates, /api/v1/elections/{ELECTION}/round/precincts/1"
    );
    Ok(())
}
