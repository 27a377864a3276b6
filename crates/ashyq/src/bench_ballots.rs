//! `ashyq bench ballots`: the remote vote's cryptography at a country's scale. Encrypts and
//! proves N yes/no ballots (the referendum's question) under a key made by a 3-of-5 ceremony,
//! verifies them one by one (the baseline) and in batches (random linear combinations and
//! multiscalar multiplication) on every core, then tallies and threshold-decrypts them.
//! Prints both verifiers side by side, the electionguard-rust anchor of the issue, and one
//! JSON line.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Result, bail};
use ashyq_core::ballots::batch::OneByOne;
use ashyq_core::ballots::decrypt::{combine, counts, decrypt_share, verify_share};
use ashyq_core::ballots::synthetic::referendum_manifest;
use ashyq_core::ballots::trustee::{
    deal, joint_key, key_share, keygen, open_share, verification_key,
};
use ashyq_core::ballots::verify::{Mode, verify_ballots};
use ashyq_core::ballots::{Ballot, Election, ballot, credential};
use clap::Args;
use curve25519_dalek::scalar::Scalar;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::output;

/// electionguard-rust's figure from the issue: 70 ms to verify one two-option ballot,
/// measured on this machine kind, 4096-bit group, one thread.
const ELECTIONGUARD_MS_PER_BALLOT: f64 = 70.0;
/// The whole register, as the goal states it.
const COUNTRY: f64 = 12_400_000.0;

/// Arguments of `ashyq bench ballots`.
#[derive(Args)]
pub struct BenchBallotsArgs {
    /// Ballots to encrypt, verify and tally (the issue measures at ≥ 1 million).
    #[arg(long, default_value_t = 1_000_000)]
    ballots: usize,
    /// Threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
    /// Seed of the voters' choices.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

/// Runs `ashyq bench ballots`.
pub fn run(args: BenchBallotsArgs) -> Result<ExitCode> {
    let n = args.ballots;
    if n == 0 {
        bail!("--ballots must be at least 1");
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |p| p.get()))
        .max(1);
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let manifest = referendum_manifest("kz-2026-abroad-bench", 5, 3);

    // The ceremony, all five trustees in this process.
    let (secrets, commitments): (Vec<_>, Vec<_>) = (1..=5)
        .map(|t| keygen(&manifest, t, &mut rng))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let dealt: Vec<_> = secrets
        .iter()
        .map(|s| deal(s, &commitments, &mut rng))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut shares = Vec::new();
    for s in &secrets {
        let received: Vec<Scalar> = dealt
            .iter()
            .filter(|d| d.to == s.trustee)
            .map(|d| open_share(s, d, &commitments[d.from as usize - 1]))
            .collect::<Result<_, _>>()?;
        shares.push(key_share(s, &received)?);
    }
    let election = Election::new(manifest.clone(), joint_key(&commitments)?)?;

    // Encrypt and prove, every core; the per-ballot time is measured on one thread first.
    let sample = n.min(500);
    let started = Instant::now();
    for i in 0..sample {
        let x = credential::secret(&manifest.election, &credential::generate(&mut rng))?;
        ballot::encrypt(&election, &x, &[vec![(i % 2) as u32]], &mut rng)?;
    }
    let encrypt_ms = started.elapsed().as_secs_f64() * 1000.0 / sample as f64;

    let bar = output::progress(n as u64, "encrypting");
    let started = Instant::now();
    let per = n.div_ceil(threads);
    let parts: Vec<Result<(Vec<Ballot>, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (election, bar) = (&election, &bar);
                let seed = args.seed.wrapping_add(1 + t as u64);
                scope.spawn(move || -> Result<(Vec<Ballot>, u64)> {
                    let mut rng = ChaCha20Rng::seed_from_u64(seed);
                    let count = per.min(n.saturating_sub(t * per));
                    let mut out = Vec::with_capacity(count);
                    let mut yes = 0u64;
                    for _ in 0..count {
                        let x = ashyq_core::ballots::group::random_scalar(&mut rng);
                        let pick: u32 = rng.random_range(0..2);
                        yes += u64::from(pick == 0);
                        out.push(ballot::encrypt(election, &x, &[vec![pick]], &mut rng)?.ballot);
                        bar.inc(1);
                    }
                    Ok((out, yes))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("encryption thread"))
            .collect()
    });
    bar.finish_and_clear();
    let encrypt_seconds = started.elapsed().as_secs_f64();
    let mut ballots = Vec::with_capacity(n);
    let mut yes = 0;
    for p in parts {
        let (b, y) = p?;
        ballots.extend(b);
        yes += y;
    }
    let counted = vec![true; n];

    let spinner = output::spinner("verifying one by one");
    let started = Instant::now();
    verify_ballots(&election, &ballots, &counted, Mode::OneByOne, threads)
        .map_err(|b| anyhow::anyhow!("the baseline refused {b}"))?;
    let baseline_seconds = started.elapsed().as_secs_f64();
    spinner.finish_and_clear();

    let spinner = output::spinner("verifying in batches");
    let started = Instant::now();
    let sums = verify_ballots(&election, &ballots, &counted, Mode::Batched, threads)
        .map_err(|b| anyhow::anyhow!("the batch verifier refused {b}"))?;
    let batched_seconds = started.elapsed().as_secs_f64();
    spinner.finish_and_clear();

    // Tally: three trustees' shares with proofs, each share verified, combined and read.
    let started = Instant::now();
    let mut decryption = Vec::new();
    for s in shares.iter().take(3) {
        let x = s.share.to_scalar(&"key share")?;
        let share = decrypt_share(&election, s.trustee, &x, &sums, &mut rng);
        let mut checks = OneByOne::new(election.key);
        verify_share(
            &election,
            &verification_key(&commitments, s.trustee)?,
            &sums,
            &share,
            &mut checks,
        )?;
        if !checks.ok() {
            bail!("trustee {}'s decryption share does not verify", s.trustee);
        }
        decryption.push(share);
    }
    let result = counts(&election, &combine(&sums, &decryption)?, n as u64)?;
    let tally_decrypt_seconds = started.elapsed().as_secs_f64();
    if result[0] != vec![yes, n as u64 - yes] {
        bail!(
            "the decrypted tally {:?} is not the {yes} yes of {n} encrypted",
            result[0]
        );
    }

    let verify_per_second = n as f64 / batched_seconds;
    let baseline_per_second = n as f64 / baseline_seconds;
    let ratio = verify_per_second / baseline_per_second;
    let seconds_country = COUNTRY / verify_per_second;
    let eg_per_second = 1000.0 / ELECTIONGUARD_MS_PER_BALLOT;
    println!(
        "bench ballots: {} yes/no ballots, {threads} threads, 3-of-5 trustees",
        output::thousands(n as u64)
    );
    println!(
        "  encrypt + prove     {encrypt_ms:>10.3} ms per ballot (one thread); {:.1} s for all on {threads}",
        encrypt_seconds
    );
    println!(
        "  verify one by one   {:>10.0} ballots/s   (baseline)",
        baseline_per_second
    );
    println!(
        "  verify in batches   {:>10.0} ballots/s   {ratio:.2}× the baseline",
        verify_per_second
    );
    println!(
        "  12.4 million        {:>10.0} s batched ({:.1} min), scaled linearly from {}",
        seconds_country,
        seconds_country / 60.0,
        output::thousands(n as u64)
    );
    println!(
        "  electionguard-rust  {:>10.1} ballots/s   (the issue's anchor: {ELECTIONGUARD_MS_PER_BALLOT} ms per two-option ballot, 4096-bit group, one thread); batched here is {:.0}× that",
        eg_per_second,
        verify_per_second / eg_per_second
    );
    println!(
        "  tally + decrypt     {tally_decrypt_seconds:>10.3} s (3 shares with proofs, verified, Lagrange, baby-step giant-step)"
    );
    println!(
        "{}",
        serde_json::json!({
            "bench": "ballots",
            "ballots": n,
            "threads": threads,
            "verify_per_second": verify_per_second.round(),
            "baseline_verify_per_second": baseline_per_second.round(),
            "ratio": round3(ratio),
            "seconds_for_12_4_million": seconds_country.round(),
            "encrypt_ms": round3(encrypt_ms),
            "tally_decrypt_seconds": round3(tally_decrypt_seconds),
            "electionguard_rust_verify_per_second": round3(eg_per_second),
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
