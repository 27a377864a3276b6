//! A whole synthetic remote vote on one board, for the demo, the benchmark and the tests: the
//! trustees' ceremony run in one place (in a real election each trustee runs their part on
//! their own machine with `ashyq trustee …`), credentials, ballots with re-votes, audits and
//! paper cancellations, the tally, `k` decryption shares and the result.

use curve25519_dalek::scalar::Scalar;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::ballot::encrypt;
use super::board::{Board, BoardEntry, BoardError, BoardEvent};
use super::decrypt::decrypt_share;
use super::manifest::{ContestRule, Manifest};
use super::trustee::{KeyShare, deal, key_share, keygen, open_share};
use super::{Bytes32, credential};
use crate::journal::Domain;

/// The abroad referendum's manifest: one yes/no question, `n` trustees, threshold `k`.
pub fn referendum_manifest(election: &str, trustees: u32, threshold: u32) -> Manifest {
    Manifest {
        election: election.into(),
        title: "Republican referendum 2026 — voters abroad".into(),
        contests: vec![ContestRule {
            id: "q1".into(),
            question: "Do you approve the new Constitution of the Republic of Kazakhstan?".into(),
            options: vec!["yes".into(), "no".into()],
            min: 1,
            max: 1,
        }],
        trustees,
        threshold,
    }
}

/// What a synthetic vote leaves besides its board.
pub struct Synthetic {
    /// The board's entries.
    pub entries: Vec<BoardEntry>,
    /// The board after them.
    pub board: Board,
    /// The trustees' key shares (in a real election each on its own machine).
    pub shares: Vec<KeyShare>,
    /// The voters' credential strings, in publication order.
    pub credentials: Vec<String>,
    /// The choices each counted ballot carried, in the manifest's first contest: counts per
    /// option, computed while voting (the expected result).
    pub expected: Vec<u64>,
}

/// Runs a vote with `voters` voters (each casts one ballot; every 20th votes again, every
/// 50th audits one ballot first, every 100th then votes on paper) up to the result, or up to
/// the tally's decryption if `decrypt` is false. Choices are drawn from `seed`.
pub fn run(
    manifest: Manifest,
    voters: usize,
    seed: u64,
    decrypt: bool,
) -> Result<Synthetic, BoardError> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut board = Board::default();
    let mut entries = Vec::new();
    let mut at = 0u64;
    let mut record = |board: &mut Board, event: BoardEvent| -> Result<(), BoardError> {
        at += 1;
        let t = format!(
            "2026-03-15T{:02}:{:02}:{:02}Z",
            (at / 3600) % 24,
            (at / 60) % 60,
            at % 60
        );
        entries.push(board.record(event, t)?);
        Ok(())
    };
    record(
        &mut board,
        BoardEvent::ElectionDeclared {
            manifest: manifest.clone(),
        },
    )?;
    let mut secrets = Vec::new();
    for t in 1..=manifest.trustees {
        let (secret, commitment) = keygen(&manifest, t, &mut rng)?;
        secrets.push(secret);
        record(&mut board, BoardEvent::TrusteeCommitted { commitment })?;
    }
    let commitments = board.commitments().to_vec();
    let mut dealt = Vec::new();
    for s in &secrets {
        let shares = deal(s, &commitments, &mut rng)?;
        dealt.extend(shares.iter().cloned());
        record(
            &mut board,
            BoardEvent::SharesDealt {
                from: s.trustee,
                shares,
            },
        )?;
    }
    let mut shares = Vec::new();
    for s in &secrets {
        let received: Vec<Scalar> = dealt
            .iter()
            .filter(|d| d.to == s.trustee)
            .map(|d| open_share(s, d, &commitments[d.from as usize - 1]))
            .collect::<Result<_, _>>()?;
        shares.push(key_share(s, &received)?);
    }
    let key = super::trustee::joint_key(&commitments)?;
    let verification_keys = (1..=manifest.trustees)
        .map(|j| super::trustee::verification_key(&commitments, j).map(|x| Bytes32::point(&x)))
        .collect::<Result<_, _>>()?;
    record(
        &mut board,
        BoardEvent::KeyPublished {
            key: Bytes32::point(&key),
            verification_keys,
        },
    )?;
    let credentials: Vec<String> = (0..voters)
        .map(|_| credential::generate(&mut rng))
        .collect();
    let secrets_of: Vec<Scalar> = credentials
        .iter()
        .map(|c| credential::secret(&manifest.election, c))
        .collect::<Result<_, _>>()?;
    for chunk in secrets_of.chunks(10_000) {
        record(
            &mut board,
            BoardEvent::CredentialsPublished {
                credentials: chunk.iter().map(credential::public).collect(),
            },
        )?;
    }
    record(&mut board, BoardEvent::VotingOpened)?;
    let election = board.election().expect("keyed").clone();
    let options = manifest.contests[0].options.len();
    let mut last_choice = vec![None; voters];
    for (v, x) in secrets_of.iter().enumerate() {
        if v % 50 == 49 {
            let sealed = encrypt(&election, x, &default_choices(&manifest, 0), &mut rng)?;
            record(
                &mut board,
                BoardEvent::BallotAudited {
                    audit: sealed.audit(),
                },
            )?;
        }
        let rounds = if v % 20 == 19 { 2 } else { 1 };
        for _ in 0..rounds {
            let pick = rng.random_range(0..options as u32);
            let sealed = encrypt(&election, x, &default_choices(&manifest, pick), &mut rng)?;
            let tracking_code = board.next_tracking_code(&sealed.ballot).expect("keyed");
            record(
                &mut board,
                BoardEvent::BallotCast {
                    ballot: sealed.ballot,
                    tracking_code,
                },
            )?;
            last_choice[v] = Some(pick);
        }
        if v % 100 == 99 {
            record(
                &mut board,
                BoardEvent::PaperVoteCancelled {
                    credential: credential::public(x),
                    precinct: "kz-mission-berlin".into(),
                },
            )?;
            last_choice[v] = None;
        }
    }
    record(&mut board, BoardEvent::VotingClosed)?;
    let tally = board.tally()?;
    record(&mut board, tally)?;
    let mut expected = vec![0u64; options];
    for c in last_choice.into_iter().flatten() {
        expected[c as usize] += 1;
    }
    if decrypt {
        let (_, sums) = board.aggregates().expect("tallied");
        let sums = sums.clone();
        for s in shares.iter().take(manifest.threshold as usize) {
            let x = s.share.to_scalar(&"key share")?;
            let share = decrypt_share(&election, s.trustee, &x, &sums, &mut rng);
            record(&mut board, BoardEvent::DecryptionShared { share })?;
        }
        let result = board.decrypt()?;
        record(&mut board, result)?;
    }
    Ok(Synthetic {
        entries,
        board,
        shares,
        credentials,
        expected,
    })
}

/// Choices marking option `pick` of the first contest (or the fewest marks elsewhere).
fn default_choices(m: &Manifest, pick: u32) -> Vec<Vec<u32>> {
    m.contests
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                vec![pick]
            } else {
                (0..c.min).collect()
            }
        })
        .collect()
}

/// Re-seals events as a chain without deciding them: what an operator who rewrote the board
/// would publish. For tamper tests.
pub fn reseal(events: impl IntoIterator<Item = BoardEvent>) -> Vec<BoardEntry> {
    let mut head = crate::chain::Head::default();
    events
        .into_iter()
        .map(|e| {
            let entry = head.seal("2026-03-15T00:00:00Z".into(), e);
            head.advance(&entry);
            entry
        })
        .collect()
}

/// Replays `entries` as a verifier does: structure and every rule entry by entry, the
/// ballots' proofs and the tally in batches on `threads` threads. The error names the first
/// bad entry's sequence number.
pub fn verify_board(entries: &[BoardEntry], threads: usize) -> Result<Board, (u64, String)> {
    let mut board = Board::deferred();
    for e in entries {
        if let Err(err) = board.apply(e) {
            // A ballot before the bad entry may be bad too: the first one is named.
            board
                .finish_deferred(threads)
                .map_err(|(seq, err)| (seq, err.to_string()))?;
            return Err((e.seq, err.to_string()));
        }
    }
    board
        .finish_deferred(threads)
        .map_err(|(seq, err)| (seq, err.to_string()))?;
    Ok(board)
}
