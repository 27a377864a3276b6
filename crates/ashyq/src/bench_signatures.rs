//! `ashyq bench signatures`: 2,000,000 support signatures checked against a register of
//! 12,500,000 voters by keyed digest (issue 18's goal: under 20 s on 2 cores). The register is
//! built in memory as the check consults it (digest → region and eligibility), digested on
//! every core; the check itself is `president::signatures::check_signatures`, as the CLI runs
//! it once the stored register has answered. Both phases are timed and shown with progress
//! bars; the database look-up of the CLI is not part of this measurement.

use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use ashyq_core::iin::{DigestKey, Iin, PreparedDigestKey, Sex};
use ashyq_core::president::PresidentialRules;
use ashyq_core::president::signatures::{DigestHash, Signer, SupportSignature, check_signatures};
use ashyq_core::register::eligibility::IneligibleReason;
use ashyq_core::territory::RegionCode;
use chrono::{Days, NaiveDate};
use clap::Args;
use serde_json::json;

use crate::output;

/// `ashyq bench signatures`.
#[derive(Args)]
pub struct BenchSignaturesArgs {
    /// Voters on the register.
    #[arg(long, default_value_t = 12_500_000)]
    pub register: u64,
    /// Signatures to check.
    #[arg(long, default_value_t = 2_000_000)]
    pub signatures: u64,
}

const REGIONS: u64 = 20;

/// Person `k`: distinct `k` give distinct IINs (a date of 25,000 and a pair of serials each).
fn person(k: u64) -> Iin {
    let born = NaiveDate::from_ymd_opt(1935, 1, 1).expect("a date") + Days::new(k % 25_000);
    let serial = 2 * (k / 25_000) as u16;
    let sex = if k.is_multiple_of(2) {
        Sex::Male
    } else {
        Sex::Female
    };
    (serial..serial + 2)
        .find_map(|s| Iin::from_parts(born, sex, s))
        .unwrap_or_else(|| {
            Iin::from_parts(born, sex, 9_000 + (k / 25_000) as u16).expect("an issued number")
        })
}

/// Runs the benchmark.
pub fn run(args: BenchSignaturesArgs) -> Result<ExitCode> {
    if args.register == 0 || args.register > 20_000_000 {
        bail!("--register must be 1 to 20,000,000");
    }
    let key = PreparedDigestKey::new(&DigestKey::from_bytes(&[7; 32])?);
    let regions: Vec<RegionCode> = (0..REGIONS)
        .map(|r| RegionCode(format!("R{r:02}")))
        .collect();
    // The register, digested on every core.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let bar = output::progress(args.register, "register");
    let t0 = Instant::now();
    let parts: Vec<Vec<([u8; 32], Signer)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (key, bar) = (&key, &bar);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for k in (t..args.register).step_by(threads as usize) {
                        out.push((
                            key.digest_bytes(&person(k)),
                            Signer {
                                region: Some((k % REGIONS) as usize),
                                ineligible: k
                                    .is_multiple_of(97)
                                    .then_some(IneligibleReason::InCustody),
                            },
                        ));
                        if k % 65_536 == t {
                            bar.inc(65_536);
                        }
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker"))
            .collect()
    });
    let mut register: HashMap<[u8; 32], Signer, DigestHash> =
        HashMap::with_capacity_and_hasher(args.register as usize, DigestHash::default());
    for part in parts {
        register.extend(part);
    }
    bar.finish_and_clear();
    let build = t0.elapsed().as_secs_f64();
    // The lists: most signers sign in their own region; every 50th is a duplicate, every
    // 40th on another region's list, every 200th a stranger not on the register.
    let signatures: Vec<SupportSignature> = (0..args.signatures)
        .map(|i| {
            let k = (i * 6_151) % args.register;
            let k = if i % 50 == 49 {
                ((i - 1) * 6_151) % args.register
            } else {
                k
            };
            let (iin, region) = if i % 200 == 199 {
                (person(args.register + i), 0)
            } else if i % 40 == 39 {
                (person(k), ((k + 1) % REGIONS) as usize)
            } else {
                (person(k), (k % REGIONS) as usize)
            };
            SupportSignature { iin, region }
        })
        .collect();
    let rules = PresidentialRules::kz_2026().signatures;
    let bar = output::progress(args.signatures, "checking");
    let t0 = Instant::now();
    let report = check_signatures(
        signatures,
        &key,
        &register,
        &regions,
        args.register,
        &rules,
        &mut HashSet::default(),
        |n| bar.set_position(n),
    );
    let check = t0.elapsed().as_secs_f64();
    bar.finish_and_clear();
    println!(
        "bench signatures: {} signatures against a register of {} ({threads} threads for the register)",
        output::thousands(args.signatures),
        output::thousands(args.register)
    );
    println!("  register digested      {build:>8.3} s");
    println!(
        "  signatures checked     {check:>8.3} s  ({:.0} signatures/s)",
        args.signatures as f64 / check
    );
    println!(
        "  total                  {:>8.3} s  (goal: under 20 s)",
        build + check
    );
    println!("  {}", report.tally);
    let r3 = |x: f64| (x * 1000.0).round() / 1000.0;
    println!(
        "{}",
        json!({
            "bench": "signatures",
            "register": args.register,
            "signatures": args.signatures,
            "register_seconds": r3(build),
            "check_seconds": r3(check),
            "seconds": r3(build + check),
            "valid": report.tally.valid,
            "refused": report.refused.len(),
        })
    );
    Ok(ExitCode::SUCCESS)
}
