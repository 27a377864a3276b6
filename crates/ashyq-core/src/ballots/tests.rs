//! Tests of the ballots' cryptography: the group's encoding against RFC 9496, the manifest's
//! rules, ballots made and verified (one by one and batched), tampering of every kind the
//! issue names, the key ceremony and the threshold decryption.

use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::Identity;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use super::ballot::{self, encrypt, tracking_code};
use super::batch::{Batch, OneByOne};
use super::decrypt::{Dlog, combine, counts, decrypt_share, lagrange, verify_share};
use super::group::{Bytes32, G, random_scalar, transcript};
use super::proofs::{Encrypted, RangeProof};
use super::trustee::{
    check_commitment, deal, joint_key, key_share, keygen, open_share, verification_key,
};
use super::verify::{Mode, verify_ballots};
use super::*;

pub(crate) fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub(crate) fn contest(id: &str, options: usize, min: u32, max: u32) -> ContestRule {
    ContestRule {
        id: id.into(),
        question: format!("question {id}"),
        options: (0..options).map(|i| format!("option {i}")).collect(),
        min,
        max,
    }
}

pub(crate) fn manifest(contests: Vec<ContestRule>) -> Manifest {
    Manifest {
        election: "kz-2026-abroad".into(),
        title: "Test".into(),
        contests,
        trustees: 5,
        threshold: 3,
    }
}

/// An election under a single known key (the ballot tests need no ceremony).
fn election(contests: Vec<ContestRule>, seed: u64) -> (Election, Scalar) {
    let s = random_scalar(&mut rng(seed));
    (
        Election::new(manifest(contests), RistrettoPoint::mul_base(&s)).unwrap(),
        s,
    )
}

fn voter(n: u64) -> Scalar {
    random_scalar(&mut rng(1_000 + n))
}

#[test]
fn the_group_encodes_as_rfc_9496_says() {
    // RFC 9496, appendix A.1: the encodings of 0·G … 15·G.
    let multiples = [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
        "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
        "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
        "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
        "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
        "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
        "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
        "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
        "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
        "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
        "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
        "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
        "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
        "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
        "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
    ];
    let mut p = RistrettoPoint::identity();
    for (n, hex) in multiples.iter().enumerate() {
        let b = Bytes32::from_hex(hex).unwrap();
        assert_eq!(Bytes32::point(&p), b, "{n}·G");
        assert_eq!(b.to_point(&"vector").unwrap(), p, "decoding {n}·G");
        p += G;
    }
    // RFC 9496, appendix A.2: a non-canonical field encoding and a negative field element
    // are refused.
    for bad in [
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
    ] {
        let b = Bytes32::from_hex(bad).unwrap();
        assert!(CompressedRistretto(b.0).decompress().is_none());
        let err = b.to_point(&"a bad encoding").unwrap_err();
        assert!(err.to_string().contains("RFC 9496"), "{err}");
    }
    // Hex is written lowercase and read only so.
    assert!(Bytes32::from_hex(&multiples[1].to_uppercase()).is_err());
    assert!(Bytes32::from_hex("e2f2").is_err());
}

#[test]
fn a_contest_sends_and_proves_what_its_rule_needs() {
    // (options, min, max) → (sent, sum values)
    type Row = (usize, u32, u32, usize, Option<Vec<u64>>);
    let table: [Row; 6] = [
        (2, 1, 1, 1, None),             // yes/no, exactly one: "no" implied, no sum proof
        (2, 0, 1, 2, Some(vec![0, 1])), // yes/no or blank
        (3, 1, 1, 2, Some(vec![0, 1])), // one of three
        (4, 2, 2, 3, Some(vec![1, 2])), // exactly two of four
        (5, 0, 5, 5, None),             // approval: anything goes
        (5, 1, 3, 5, Some(vec![1, 2, 3])), // one to three of five
    ];
    for (options, min, max, sent, sums) in table {
        let c = contest("c", options, min, max);
        assert_eq!(c.sent(), sent, "{options} options, {min}..{max}");
        assert_eq!(c.sum_values(), sums, "{options} options, {min}..{max}");
    }
    let mut bad = manifest(vec![contest("c", 2, 2, 1)]);
    assert!(bad.check().unwrap_err().to_string().contains("min ≤ max"));
    bad.contests = vec![contest("c", 2, 1, 1)];
    bad.threshold = 6;
    assert!(bad.check().unwrap_err().to_string().contains("threshold"));
}

fn all_choices(c: &ContestRule) -> Vec<Vec<u32>> {
    let n = c.options.len() as u32;
    (0u32..(1 << n))
        .map(|mask| {
            (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .collect::<Vec<u32>>()
        })
        .filter(|v| (c.min..=c.max).contains(&(v.len() as u32)))
        .collect()
}

#[test]
fn every_valid_ballot_verifies_and_every_invalid_choice_is_refused() {
    let contests = vec![
        contest("yes-no", 2, 1, 1),
        contest("blank", 2, 0, 1),
        contest("one-of-3", 3, 1, 1),
        contest("two-of-4", 4, 2, 2),
    ];
    let (e, _) = election(contests.clone(), 1);
    let mut r = rng(2);
    for (i, c) in contests.iter().enumerate() {
        for choice in all_choices(c) {
            let mut choices: Vec<Vec<u32>> =
                contests.iter().map(|c| (0..c.min).collect()).collect();
            choices[i] = choice.clone();
            let sealed = encrypt(&e, &voter(1), &choices, &mut r).unwrap();
            ballot::verify(&e, &sealed.ballot).unwrap_or_else(|err| panic!("{choices:?}: {err}"));
            ballot::check_audit(&e, &sealed.audit()).unwrap();
        }
    }
    let good: Vec<Vec<u32>> = vec![vec![0], vec![], vec![2], vec![1, 3]];
    for (bad, rule) in [
        (vec![vec![0, 1], vec![], vec![2], vec![1, 3]], "2 marks"),
        (vec![vec![], vec![], vec![2], vec![1, 3]], "0 marks"),
        (vec![vec![0], vec![], vec![3], vec![1, 3]], "does not exist"),
        (vec![vec![0], vec![], vec![2], vec![1, 1]], "twice"),
        (vec![vec![0]], "4 contests"),
    ] {
        let err = encrypt(&e, &voter(1), &bad, &mut r).unwrap_err();
        assert!(err.to_string().contains(rule), "{bad:?}: {err}");
    }
    encrypt(&e, &voter(1), &good, &mut r).unwrap();
}

/// A ballot whose `contest`-th contest's first selection encrypts `m` with a proof over
/// `values`, signed properly: what a cheating device would make.
fn cheat(e: &Election, credential: &Scalar, m: u64, values: &[u64], index: usize) -> Ballot {
    let mut r = rng(77);
    let choices: Vec<Vec<u32>> = e
        .manifest
        .contests
        .iter()
        .map(|c| (0..c.min).collect())
        .collect();
    let mut b = encrypt(e, credential, &choices, &mut r).unwrap().ballot;
    let nonce = random_scalar(&mut r);
    let alpha = RistrettoPoint::mul_base(&nonce);
    let beta = RistrettoPoint::mul_base(&Scalar::from(m)) + nonce * e.key;
    let (a, bb) = (Bytes32::point(&alpha), Bytes32::point(&beta));
    // The same transcript as an honest selection 1 of contest 1.
    let mut t = transcript(&e.hash, b"selection");
    super::group::append(&mut t, b"key", &e.key_bytes);
    super::group::append(&mut t, b"credential", &b.credential);
    t.append_u64(b"contest", 0);
    t.append_u64(b"selection", 0);
    super::group::append(&mut t, b"alpha", &a);
    super::group::append(&mut t, b"beta", &bb);
    let ct = Encrypted {
        key: &e.key,
        alpha: &alpha,
        beta: &beta,
    };
    let proof = RangeProof::prove(t, ct, &nonce, values, index, &mut r);
    b.contests[0].selections[0] = Selection {
        alpha: a,
        beta: bb,
        proof,
    };
    resign(e, &mut b, credential);
    b
}

fn resign(e: &Election, b: &mut Ballot, credential: &Scalar) {
    let digest = b.digest();
    let mut t = transcript(&e.hash, b"ballot-signature");
    super::group::append(&mut t, b"credential", &b.credential);
    super::group::append(&mut t, b"ballot", &digest);
    b.signature = super::proofs::SchnorrProof::prove(t, credential, &mut rng(5));
}

#[test]
fn a_proof_of_2_in_a_0_1_selection_is_refused() {
    let (e, _) = election(vec![contest("yes-no", 2, 1, 1)], 3);
    // Honest prover for {0, 2}: a valid proof of a different statement.
    let b = cheat(&e, &voter(1), 2, &[0, 2], 1);
    let err = ballot::verify(&e, &b).unwrap_err();
    assert!(err.to_string().contains("0 or 1"), "{err}");
    // Simulating the {0, 1} proof for a 2 (the prover claims index 1 but m = 2).
    let b = cheat(&e, &voter(1), 2, &[0, 1], 1);
    assert!(ballot::verify(&e, &b).is_err());
    // And the batch finds it among honest ballots.
    let mut ballots: Vec<Ballot> = (0..40)
        .map(|i| {
            encrypt(&e, &voter(i), &[vec![(i % 2) as u32]], &mut rng(i))
                .unwrap()
                .ballot
        })
        .collect();
    ballots[23] = b;
    for mode in [Mode::Batched, Mode::OneByOne] {
        let bad = verify_ballots(&e, &ballots, &[true; 40], mode, 2).unwrap_err();
        assert_eq!(bad.index, 23, "{mode:?}");
    }
}

#[test]
fn tampered_ballots_are_refused() {
    let (e, _) = election(
        vec![contest("yes-no", 2, 1, 1), contest("blank", 2, 0, 1)],
        4,
    );
    let sealed = encrypt(&e, &voter(1), &[vec![1], vec![]], &mut rng(9)).unwrap();
    let good = sealed.ballot;
    ballot::verify(&e, &good).unwrap();

    // A ciphertext byte changed (still a valid point or not, either way refused).
    for byte in [0usize, 7, 31] {
        let mut b = good.clone();
        b.contests[1].selections[0].beta.0[byte] ^= 1;
        assert!(ballot::verify(&e, &b).is_err(), "byte {byte}");
    }
    // The same ballot in another election (another manifest hash).
    let mut other = e.manifest.clone();
    other.election = "kz-2026-other".into();
    let e2 = Election::new(other, e.key).unwrap();
    let err = ballot::verify(&e2, &good).unwrap_err();
    assert!(matches!(err, BallotError::WrongElection { .. }), "{err}");
    // … even when relabelled and re-signed: the proofs are bound to the manifest hash.
    let mut relabelled = good.clone();
    relabelled.election = e2.hash;
    resign(&e2, &mut relabelled, &voter(1));
    assert!(ballot::verify(&e2, &relabelled).is_err());
    // Another credential's signature, or a proof moved to another credential.
    let mut stolen = good.clone();
    stolen.credential = credential::public(&voter(2));
    resign(&e, &mut stolen, &voter(2));
    assert!(
        ballot::verify(&e, &stolen).is_err(),
        "proofs bind the credential"
    );
    let mut unsigned = good.clone();
    unsigned.signature.s.0[0] ^= 1;
    assert!(ballot::verify(&e, &unsigned).is_err());
    // A missing contest-rule proof, a missing selection.
    let mut b = good.clone();
    b.contests[1].sum = None;
    assert!(
        ballot::verify(&e, &b)
            .unwrap_err()
            .to_string()
            .contains("missing")
    );
    let mut b = good.clone();
    b.contests[0].selections.clear();
    assert!(
        ballot::verify(&e, &b)
            .unwrap_err()
            .to_string()
            .contains("selections")
    );
    // A Benaloh audit that lies about the choice.
    let mut audit = sealed_audit(&e);
    audit.choices[0] = vec![0];
    assert!(
        ballot::check_audit(&e, &audit)
            .unwrap_err()
            .to_string()
            .contains("stated choice")
    );
}

fn sealed_audit(e: &Election) -> Audit {
    encrypt(e, &voter(3), &[vec![1], vec![0]], &mut rng(10))
        .unwrap()
        .audit()
}

#[test]
fn tracking_codes_chain_over_the_board() {
    let (e, _) = election(vec![contest("yes-no", 2, 1, 1)], 5);
    let ballots: Vec<Ballot> = (0..4)
        .map(|i| {
            encrypt(&e, &voter(i), &[vec![0]], &mut rng(i))
                .unwrap()
                .ballot
        })
        .collect();
    let chain = |bs: &[Ballot]| {
        let mut prev = e.hash;
        bs.iter()
            .map(|b| {
                prev = tracking_code(&prev, &b.hash());
                prev
            })
            .collect::<Vec<_>>()
    };
    let codes = chain(&ballots);
    let mut dropped = ballots.clone();
    dropped.remove(1);
    let after = chain(&dropped);
    assert_eq!(after[0], codes[0]);
    assert!(
        !after.contains(&codes[2]) && !after.contains(&codes[3]),
        "a dropped ballot changes every later code"
    );
    assert_eq!(ballot::short_code(&codes[0]).len(), 19);
}

struct Ceremony {
    commitments: Vec<trustee::Commitment>,
    shares: Vec<trustee::KeyShare>,
    key: RistrettoPoint,
}

fn ceremony(m: &Manifest, seed: u64) -> Ceremony {
    let mut r = rng(seed);
    let (secrets, commitments): (Vec<_>, Vec<_>) = (1..=m.trustees)
        .map(|i| keygen(m, i, &mut r).unwrap())
        .unzip();
    for c in &commitments {
        check_commitment(m, c).unwrap();
    }
    let dealt: Vec<trustee::SealedShare> = secrets
        .iter()
        .flat_map(|s| deal(s, &commitments, &mut r).unwrap())
        .collect();
    let shares = secrets
        .iter()
        .map(|s| {
            let received: Vec<Scalar> = dealt
                .iter()
                .filter(|d| d.to == s.trustee)
                .map(|d| open_share(s, d, &commitments[d.from as usize - 1]).unwrap())
                .collect();
            assert_eq!(received.len(), m.trustees as usize - 1);
            key_share(s, &received).unwrap()
        })
        .collect();
    Ceremony {
        key: joint_key(&commitments).unwrap(),
        commitments,
        shares,
    }
}

#[test]
fn five_trustees_any_three_decrypt_the_tally() {
    let m = manifest(vec![
        contest("yes-no", 2, 1, 1),
        contest("one-of-3", 3, 1, 1),
    ]);
    let c = ceremony(&m, 11);
    // Every key share matches its public verification key.
    for s in &c.shares {
        let x = s.share.to_scalar(&"share").unwrap();
        assert_eq!(
            RistrettoPoint::mul_base(&x),
            verification_key(&c.commitments, s.trustee).unwrap()
        );
    }
    let e = Election::new(m, c.key).unwrap();
    let mut r = rng(12);
    let votes: Vec<(u32, u32)> = (0..30).map(|i| ((i % 3 == 0) as u32, i % 3)).collect();
    let ballots: Vec<Ballot> = votes
        .iter()
        .enumerate()
        .map(|(i, (a, b))| {
            encrypt(&e, &voter(i as u64), &[vec![*a], vec![*b]], &mut r)
                .unwrap()
                .ballot
        })
        .collect();
    let sums = verify_ballots(&e, &ballots, &[true; 30], Mode::Batched, 2).unwrap();
    // What was voted, counted in the clear.
    let mut expected = vec![vec![0u64; 2], vec![0u64; 3]];
    for (a, b) in &votes {
        expected[0][*a as usize] += 1;
        expected[1][*b as usize] += 1;
    }
    assert_eq!(expected, vec![vec![20, 10], vec![10, 10, 10]]);
    for set in [[1u32, 2, 3], [5, 3, 1], [2, 4, 5]] {
        let shares: Vec<_> = set
            .iter()
            .map(|&j| {
                let x = c.shares[j as usize - 1].share.to_scalar(&"share").unwrap();
                decrypt_share(&e, j, &x, &sums, &mut r)
            })
            .collect();
        let mut checks = OneByOne::new(e.key);
        for s in &shares {
            let xj = verification_key(&c.commitments, s.trustee).unwrap();
            verify_share(&e, &xj, &sums, s, &mut checks).unwrap();
        }
        assert!(checks.ok());
        let combined = combine(&sums, &shares).unwrap();
        assert_eq!(
            counts(&e, &combined, 30).unwrap(),
            expected,
            "trustees {set:?}"
        );
    }
    // Two trustees are not enough: the result is not a count.
    let two: Vec<_> = [1u32, 2]
        .iter()
        .map(|&j| {
            decrypt_share(
                &e,
                j,
                &c.shares[j as usize - 1].share.to_scalar(&"s").unwrap(),
                &sums,
                &mut r,
            )
        })
        .collect();
    assert!(counts(&e, &combine(&sums, &two).unwrap(), 30).is_err());
    // A wrong decryption share fails its proof.
    let mut wrong = decrypt_share(
        &e,
        4,
        &c.shares[3].share.to_scalar(&"s").unwrap(),
        &sums,
        &mut r,
    );
    wrong.partials[0][0].d = Bytes32::point(&(G + wrong.partials[0][0].d.to_point(&"d").unwrap()));
    let mut checks = OneByOne::new(e.key);
    verify_share(
        &e,
        &verification_key(&c.commitments, 4).unwrap(),
        &sums,
        &wrong,
        &mut checks,
    )
    .unwrap();
    assert!(!checks.ok());
    // A tally short by one ballot decrypts to other counts.
    let short = verify_ballots(&e, &ballots[1..], &[true; 29], Mode::Batched, 1).unwrap();
    let shares: Vec<_> = [1u32, 2, 3]
        .iter()
        .map(|&j| {
            decrypt_share(
                &e,
                j,
                &c.shares[j as usize - 1].share.to_scalar(&"s").unwrap(),
                &short,
                &mut r,
            )
        })
        .collect();
    assert_ne!(
        counts(&e, &combine(&short, &shares).unwrap(), 29).unwrap(),
        expected
    );
}

#[test]
fn a_dealer_who_cheats_is_caught_by_the_feldman_check() {
    let m = manifest(vec![contest("yes-no", 2, 1, 1)]);
    let mut r = rng(13);
    let (secrets, commitments): (Vec<_>, Vec<_>) =
        (1..=5).map(|i| keygen(&m, i, &mut r).unwrap()).unzip();
    // Trustee 2 deals from a polynomial other than the one it committed to.
    let mut liar = secrets[1].clone();
    liar.coefficients[1] = Bytes32::scalar(&random_scalar(&mut r));
    let dealt = deal(&liar, &commitments, &mut r).unwrap();
    let to_1 = dealt.iter().find(|d| d.to == 1).unwrap();
    let err = open_share(&secrets[0], to_1, &commitments[1]).unwrap_err();
    assert!(err.to_string().contains("Feldman"), "{err}");
    // A share sealed for trustee 3 does not open for trustee 1.
    let to_3 = deal(&secrets[1], &commitments, &mut r)
        .unwrap()
        .into_iter()
        .find(|d| d.to == 3)
        .unwrap();
    let mut misrouted = to_3.clone();
    misrouted.to = 1;
    assert!(open_share(&secrets[0], &misrouted, &commitments[1]).is_err());
    // A commitment with a forged proof is refused.
    let mut forged = commitments[2].clone();
    forged.coefficients[0] = commitments[3].coefficients[0];
    assert!(check_commitment(&m, &forged).is_err());
    assert!(keygen(&m, 6, &mut r).is_err());
}

#[test]
fn lagrange_coefficients_interpolate_at_zero() {
    // f(z) = 7 + 3z + 5z² : f(0) from any three points.
    let f = |z: u64| Scalar::from(7 + 3 * z + 5 * z * z);
    for set in [[1u32, 2, 3], [2, 4, 5], [5, 1, 3]] {
        let l = lagrange(&set).unwrap();
        let at0: Scalar = set
            .iter()
            .zip(&l)
            .map(|(&j, lj)| lj * f(u64::from(j)))
            .sum();
        assert_eq!(at0, Scalar::from(7u64));
    }
    assert!(lagrange(&[1, 1, 2]).is_err());
    assert!(lagrange(&[0, 1, 2]).is_err());
}

#[test]
fn baby_step_giant_step_reaches_the_whole_register() {
    let max = 12_500_000;
    let dlog = Dlog::new(max);
    for m in [0u64, 1, 2, 3_535, 3_536, 3_537, 6_000_001, max - 1, max] {
        assert_eq!(
            dlog.find(&RistrettoPoint::mul_base(&Scalar::from(m))),
            Some(m),
            "{m}"
        );
    }
    assert_eq!(
        dlog.find(&RistrettoPoint::mul_base(&Scalar::from(max + 1))),
        None
    );
    assert_eq!(Dlog::new(0).find(&RistrettoPoint::identity()), Some(0));
}

#[test]
fn only_counted_ballots_are_summed() {
    let (e, s) = election(vec![contest("yes-no", 2, 1, 1)], 14);
    let ballots: Vec<Ballot> = (0..10)
        .map(|i| {
            encrypt(&e, &voter(i), &[vec![0]], &mut rng(i))
                .unwrap()
                .ballot
        })
        .collect();
    let counted: Vec<bool> = (0..10).map(|i| i % 2 == 0).collect();
    let sums = verify_ballots(&e, &ballots, &counted, Mode::Batched, 2).unwrap();
    let (a, b) = sums[0][0];
    // Decrypt with the single key: B − s·A = 5·G.
    assert_eq!(b - s * a, RistrettoPoint::mul_base(&Scalar::from(5u64)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Completeness: an honest range proof of any allowed value verifies, one by one and in a
    /// batch. Soundness against tweaked transcripts: changing any byte of any commitment,
    /// challenge or response, or the statement, makes it fail.
    #[test]
    fn range_proofs_are_complete_and_tweaks_are_refused(
        seed in any::<u64>(),
        len in 1usize..5,
        pick in any::<prop::sample::Index>(),
        field in 0usize..4,
        byte in 0usize..32,
        bit in 0u8..8,
    ) {
        let mut r = rng(seed);
        let key = RistrettoPoint::mul_base(&random_scalar(&mut r));
        let values: Vec<u64> = (0..len as u64).map(|v| v * 3 + 1).collect();
        let index = pick.index(len);
        let nonce = random_scalar(&mut r);
        let alpha = RistrettoPoint::mul_base(&nonce);
        let beta = RistrettoPoint::mul_base(&Scalar::from(values[index])) + nonce * key;
        let ct = Encrypted { key: &key, alpha: &alpha, beta: &beta };
        let t = || transcript(&Bytes32([9; 32]), b"test");
        let proof = RangeProof::prove(t(), ct, &nonce, &values, index, &mut r);
        let mut one = OneByOne::new(key);
        proof.verify(t(), ct, &values, &mut one, &String::new).unwrap();
        prop_assert!(one.ok());
        let mut batch = Batch::new(key, [1; 32]);
        proof.verify(t(), ct, &values, &mut batch, &String::new).unwrap();
        prop_assert!(batch.holds());

        let mut tweaked = proof.clone();
        let br = &mut tweaked.0[pick.index(len)];
        let target = match field { 0 => &mut br.a, 1 => &mut br.b, 2 => &mut br.c, _ => &mut br.s };
        target.0[byte] ^= 1 << bit;
        let mut one = OneByOne::new(key);
        let refused = tweaked.verify(t(), ct, &values, &mut one, &String::new).is_err() || !one.ok();
        prop_assert!(refused, "a tweaked proof verified");
        let mut batch = Batch::new(key, [1; 32]);
        let refused = tweaked.verify(t(), ct, &values, &mut batch, &String::new).is_err() || !batch.holds();
        prop_assert!(refused, "a tweaked proof passed the batch");
        // Another statement: the next value's ciphertext, or another transcript.
        let mut one = OneByOne::new(key);
        let other = transcript(&Bytes32([8; 32]), b"test");
        let refused = proof.verify(other, ct, &values, &mut one, &String::new).is_err() || !one.ok();
        prop_assert!(refused, "a proof verified under another manifest hash");
    }

    /// Encoding: every group element and scalar survives JSON and back; a ballot too.
    #[test]
    fn encodings_round_trip(seed in any::<u64>(), yes in any::<bool>()) {
        let mut r = rng(seed);
        let s = random_scalar(&mut r);
        let p = RistrettoPoint::mul_base(&s);
        let pb = Bytes32::point(&p);
        let json = serde_json::to_string(&pb).unwrap();
        let back: Bytes32 = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back.to_point(&"p").unwrap(), p);
        prop_assert_eq!(Bytes32::scalar(&s).to_scalar(&"s").unwrap(), s);
        let (e, _) = election(vec![contest("yes-no", 2, 1, 1)], seed);
        let b = encrypt(&e, &voter(seed), &[vec![u32::from(yes)]], &mut r).unwrap().ballot;
        let line = serde_json::to_string(&b).unwrap();
        let back: Ballot = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(&back, &b);
        prop_assert!(ballot::verify(&e, &back).is_ok());
    }
}

#[test]
fn ballot_parser_refuses_junk_with_a_reason() {
    for junk in ["", "{}", "[1,2]", r#"{"election":"zz"}"#] {
        assert!(serde_json::from_str::<Ballot>(junk).is_err(), "{junk}");
    }
    let (e, _) = election(vec![contest("yes-no", 2, 1, 1)], 20);
    let b = encrypt(&e, &voter(1), &[vec![0]], &mut rng(1))
        .unwrap()
        .ballot;
    let line = serde_json::to_string(&b)
        .unwrap()
        .replace(&b.credential.to_hex(), "XYZ");
    let err = serde_json::from_str::<Ballot>(&line)
        .unwrap_err()
        .to_string();
    assert!(err.contains("hex digits"), "{err}");
}

#[test]
fn a_scalar_above_the_group_order_is_refused() {
    // ℓ itself (RFC 9496's group order, little-endian) is not canonical.
    let l = Bytes32::from_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
        .unwrap();
    assert!(l.to_scalar(&"ℓ").is_err());
    let below =
        Bytes32::from_hex("ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010")
            .unwrap();
    assert_eq!(below.to_scalar(&"ℓ − 1").unwrap(), -Scalar::ONE);
}

/// The `name = value` lines of docs/ballots.md's test vectors section.
fn spec_vectors() -> std::collections::HashMap<String, String> {
    let doc = include_str!("../../../../docs/ballots.md");
    let section = doc
        .split("## 13. Test vectors")
        .nth(1)
        .expect("the spec has its vectors");
    section
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

#[test]
fn the_spec_vectors_hold() {
    let v = checked_vectors();
    // V2: the manifest's JSON and hash.
    let m = super::synthetic::referendum_manifest("kz-2026-abroad", 5, 3);
    assert_eq!(serde_json::to_string(&m).unwrap(), v["manifest_json"]);
    let parsed: Manifest = serde_json::from_str(&v["manifest_json"]).unwrap();
    assert_eq!(parsed.hash().to_hex(), v["manifest_hash"]);
    // V3: the credential's key.
    let x = credential::secret(&v["credential_election"], &v["credential_string"]).unwrap();
    assert_eq!(Bytes32::scalar(&x).to_hex(), v["credential_scalar"]);
    // V4: a tracking code.
    let code = tracking_code(
        &Bytes32::from_hex(&v["tracking_previous"]).unwrap(),
        &Bytes32::from_hex(&v["tracking_ballot_hash"]).unwrap(),
    );
    assert_eq!(code.to_hex(), v["tracking_code"]);
    // V5: the ballot verifies, decrypts to "yes" with the stated key, and any changed byte
    // of it is refused.
    let sk = Bytes32::from_hex(&v["key_secret"])
        .unwrap()
        .to_scalar(&"key")
        .unwrap();
    assert_eq!(sk, Scalar::from(1_234_567u64));
    let e = Election::with_key_bytes(parsed, &Bytes32::from_hex(&v["key"]).unwrap()).unwrap();
    assert_eq!(e.key, RistrettoPoint::mul_base(&sk));
    let b: Ballot = serde_json::from_str(&v["ballot_json"]).unwrap();
    ballot::verify(&e, &b).unwrap();
    assert_eq!(b.credential, credential::public(&x));
    let s = &b.contests[0].selections[0];
    let (alpha, beta) = (
        s.alpha.to_point(&"α").unwrap(),
        s.beta.to_point(&"β").unwrap(),
    );
    assert_eq!(beta - sk * alpha, G, "the vector ballot says yes");
    let json = &v["ballot_json"];
    for at in [30usize, 200, 700, json.len() - 20] {
        let mut bytes = json.clone().into_bytes();
        let c = bytes[at];
        if !c.is_ascii_hexdigit() {
            continue;
        }
        bytes[at] = if c == b'0' { b'1' } else { b'0' };
        let tweaked = String::from_utf8(bytes).unwrap();
        let refused = match serde_json::from_str::<Ballot>(&tweaked) {
            Err(_) => true,
            Ok(t) => ballot::verify(&e, &t).is_err(),
        };
        assert!(refused, "a byte changed at {at} was accepted");
    }
}

fn checked_vectors() -> std::collections::HashMap<String, String> {
    let v = spec_vectors();
    for k in [
        "manifest_json",
        "manifest_hash",
        "credential_scalar",
        "tracking_code",
        "ballot_json",
        "key",
    ] {
        assert!(v.contains_key(k), "docs/ballots.md lacks the vector {k}");
    }
    v
}
