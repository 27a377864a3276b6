//! The public bulletin board of a remote vote, as its own hash chain (`ballots`): the
//! manifest, every step of the key ceremony, the credentials, every cast and audited ballot,
//! every paper-vote cancellation, the tally, the decryption shares and the result are
//! entries, each decided again on replay. Rules:
//!
//! - phases in order: declared → commitments of all `n` trustees → all `n` deal their sealed
//!   shares → the key (must be `Σ Cᵢ₀`, with every verification key) → credentials → open →
//!   closed → tally → decryption shares → result;
//! - a ballot is cast only while voting is open, for this election, signed by a published
//!   credential whose holder has not voted on paper, with nonces never seen on the board (two
//!   ballots with the same `α` share a nonce, which is refused), with its proofs, and with the
//!   tracking code chained from the previous ballot's;
//! - re-voting is allowed: the last ballot of a credential counts; a paper vote at a mission
//!   (the register's mark) cancels the credential's remote ballots, before or after;
//! - the tally is the homomorphic sum of the counted ballots, checked against the board;
//!   each decryption share is checked against its trustee's verification key, and the
//!   result must be what `k` shares decrypt to.

use std::collections::{HashMap, HashSet};

use curve25519_dalek::ristretto::RistrettoPoint;
use serde::{Deserialize, Serialize};

use super::ballot::{self, Audit, Ballot, Ciphertext, Sums, empty_sums, tracking_code};
use super::batch::OneByOne;
use super::decrypt::{DecryptionShare, combine, counts, verify_share};
use super::manifest::{Election, Manifest};
use super::trustee::{Commitment, SealedShare, check_commitment, joint_key, verification_key};
use super::verify::{Mode, verify_ballots};
use super::{BallotError, Bytes32};
use crate::chain::{ChainError, ChainEvent, Entry, Head, LogHash};
use crate::journal::Domain;

/// An event of the ballot board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum BoardEvent {
    /// The election and its manifest.
    ElectionDeclared {
        /// The manifest.
        manifest: Manifest,
    },
    /// A trustee's commitments and proofs (key ceremony, step 1).
    TrusteeCommitted {
        /// The commitment.
        commitment: Commitment,
    },
    /// A trustee's shares, sealed for each other trustee (step 2).
    SharesDealt {
        /// The dealer.
        from: u32,
        /// One per other trustee.
        shares: Vec<SealedShare>,
    },
    /// The election key and the trustees' verification keys (step 4), derived from the
    /// commitments.
    KeyPublished {
        /// `K`.
        key: Bytes32,
        /// `X₁ … Xₙ`.
        verification_keys: Vec<Bytes32>,
    },
    /// Public credentials of eligible voters.
    CredentialsPublished {
        /// `P = x·G` each.
        credentials: Vec<Bytes32>,
    },
    /// Voting opens.
    VotingOpened,
    /// A cast ballot and its tracking code.
    BallotCast {
        /// The ballot.
        ballot: Ballot,
        /// Its tracking code.
        tracking_code: Bytes32,
    },
    /// A ballot opened for the Benaloh challenge: never counted.
    BallotAudited {
        /// The ballot with its choices and nonces.
        audit: Audit,
    },
    /// The register's mark of a paper vote at a mission cancels the credential's remote vote.
    PaperVoteCancelled {
        /// The credential whose holder voted on paper.
        credential: Bytes32,
        /// The mission's precinct whose list holds the mark.
        precinct: String,
    },
    /// Voting closes.
    VotingClosed,
    /// The homomorphic sums of the counted ballots.
    TallyPublished {
        /// How many ballots are counted.
        ballots: u64,
        /// Per contest and sent selection.
        aggregates: Vec<Vec<Ciphertext>>,
    },
    /// A trustee's decryption share with its proofs.
    DecryptionShared {
        /// The share.
        share: DecryptionShare,
    },
    /// The result, decrypted from the shares of `trustees`.
    ResultPublished {
        /// The trustees whose shares were combined.
        trustees: Vec<u32>,
        /// Per contest and option, the count.
        counts: Vec<Vec<u64>>,
    },
}

impl ChainEvent for BoardEvent {
    fn kind(&self) -> &'static str {
        match self {
            BoardEvent::ElectionDeclared { .. } => "election_declared",
            BoardEvent::TrusteeCommitted { .. } => "trustee_committed",
            BoardEvent::SharesDealt { .. } => "shares_dealt",
            BoardEvent::KeyPublished { .. } => "key_published",
            BoardEvent::CredentialsPublished { .. } => "credentials_published",
            BoardEvent::VotingOpened => "voting_opened",
            BoardEvent::BallotCast { .. } => "ballot_cast",
            BoardEvent::BallotAudited { .. } => "ballot_audited",
            BoardEvent::PaperVoteCancelled { .. } => "paper_vote_cancelled",
            BoardEvent::VotingClosed => "voting_closed",
            BoardEvent::TallyPublished { .. } => "tally_published",
            BoardEvent::DecryptionShared { .. } => "decryption_shared",
            BoardEvent::ResultPublished { .. } => "result_published",
        }
    }
}

/// An entry of the board.
pub type BoardEntry = Entry<BoardEvent>;

/// Why an event is refused from the board.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    /// The entry does not continue the chain.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// A cryptographic check failed.
    #[error(transparent)]
    Ballot(#[from] BallotError),
    /// A rule of the board is broken.
    #[error("{0}")]
    Rule(String),
}

fn rule<T>(m: impl Into<String>) -> Result<T, BoardError> {
    Err(BoardError::Rule(m.into()))
}

/// Where the vote stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing declared.
    #[default]
    Empty,
    /// Declared; the key ceremony is under way.
    Ceremony,
    /// The key is published; credentials may be published.
    Keyed,
    /// Ballots are accepted.
    Open,
    /// Closed; the tally follows.
    Closed,
    /// The tally is published; decryption shares follow.
    Tallied,
    /// The result is published.
    Done,
}

/// A ballot on the board.
#[derive(Debug, Clone)]
pub struct CastBallot {
    /// Its entry.
    pub seq: u64,
    /// The ballot.
    pub ballot: Ballot,
    /// Its tracking code.
    pub code: Bytes32,
}

/// The board's state. See the module documentation for its rules.
#[derive(Debug, Clone, Default)]
pub struct Board {
    head: Head,
    phase: Phase,
    manifest: Option<Manifest>,
    commitments: Vec<Commitment>,
    dealt: Vec<u32>,
    election: Option<Election>,
    verification_keys: Vec<RistrettoPoint>,
    credentials: HashSet<Bytes32>,
    cancelled: HashSet<Bytes32>,
    nonces: HashSet<Bytes32>,
    cast: Vec<CastBallot>,
    by_code: HashMap<Bytes32, usize>,
    last: HashMap<Bytes32, usize>,
    audited: u64,
    last_code: Option<Bytes32>,
    tally: Option<(u64, Sums, u64)>,
    shares: Vec<DecryptionShare>,
    result: Option<Vec<Vec<u64>>>,
    /// When set, ballots' proofs and the tally's sums are not checked on apply but by
    /// [`Board::finish_deferred`], batched on every core.
    deferred: bool,
}

impl Board {
    /// A board that checks ballots' proofs later, batched ([`Board::finish_deferred`]). For a
    /// verifier of a whole export.
    pub fn deferred() -> Self {
        Board {
            deferred: true,
            ..Board::default()
        }
    }

    /// Where the vote stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The election (manifest, hash and key) once the key is published.
    pub fn election(&self) -> Option<&Election> {
        self.election.as_ref()
    }

    /// The manifest once declared.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// The trustees' commitments so far.
    pub fn commitments(&self) -> &[Commitment] {
        &self.commitments
    }

    /// Whether trustee `t` has dealt.
    pub fn has_dealt(&self, t: u32) -> bool {
        self.dealt.contains(&t)
    }

    /// Every cast ballot, in board order.
    pub fn ballots(&self) -> &[CastBallot] {
        &self.cast
    }

    /// How many ballots were audited (spoiled).
    pub fn audited(&self) -> u64 {
        self.audited
    }

    /// How many credentials are published.
    pub fn credentials(&self) -> usize {
        self.credentials.len()
    }

    /// Whether `credential` is published.
    pub fn knows(&self, credential: &Bytes32) -> bool {
        self.credentials.contains(credential)
    }

    /// The ballot with this tracking code.
    pub fn find(&self, code: &Bytes32) -> Option<&CastBallot> {
        self.by_code.get(code).map(|i| &self.cast[*i])
    }

    /// Whether the ballot with this tracking code counts (the last of its credential, whose
    /// holder did not vote on paper).
    pub fn counts(&self, code: &Bytes32) -> bool {
        self.by_code.get(code).is_some_and(|i| {
            let b = &self.cast[*i].ballot;
            self.last.get(&b.credential) == Some(i) && !self.cancelled.contains(&b.credential)
        })
    }

    /// The tracking code the next cast ballot gets.
    pub fn next_tracking_code(&self, ballot: &Ballot) -> Option<Bytes32> {
        let e = self.election.as_ref()?;
        Some(tracking_code(
            self.last_code.as_ref().unwrap_or(&e.hash),
            &ballot.hash(),
        ))
    }

    /// The decryption shares so far.
    pub fn decryption_shares(&self) -> &[DecryptionShare] {
        &self.shares
    }

    /// The published aggregates, once tallied.
    pub fn aggregates(&self) -> Option<(u64, &Sums)> {
        self.tally.as_ref().map(|(n, s, _)| (*n, s))
    }

    /// The result, once published.
    pub fn result(&self) -> Option<&Vec<Vec<u64>>> {
        self.result.as_ref()
    }

    /// The ballots that count, in board order: the last of each credential not cancelled.
    pub fn counted_mask(&self) -> Vec<bool> {
        (0..self.cast.len())
            .map(|i| {
                let c = &self.cast[i].ballot.credential;
                self.last.get(c) == Some(&i) && !self.cancelled.contains(c)
            })
            .collect()
    }

    fn election_or(&self) -> Result<&Election, BoardError> {
        self.election
            .as_ref()
            .ok_or_else(|| BoardError::Rule("the election key is not published yet".into()))
    }

    fn manifest_or(&self) -> Result<&Manifest, BoardError> {
        self.manifest
            .as_ref()
            .ok_or_else(|| BoardError::Rule("no election is declared on this board".into()))
    }

    /// The sums of the counted ballots (decoded again; their proofs were checked on cast).
    fn counted_sums(&self) -> Result<(u64, Sums), BoardError> {
        let e = self.election_or()?;
        let mask = self.counted_mask();
        let mut sums = empty_sums(e);
        let mut n = 0;
        for (cb, counted) in self.cast.iter().zip(&mask) {
            if !counted {
                continue;
            }
            n += 1;
            for (i, c) in cb.ballot.contests.iter().enumerate() {
                for (j, s) in c.selections.iter().enumerate() {
                    let slot = &mut sums[i][j];
                    slot.0 += s.alpha.to_point(&"α")?;
                    slot.1 += s.beta.to_point(&"β")?;
                }
            }
        }
        Ok((n, sums))
    }

    /// The tally event to record after voting closes.
    pub fn tally(&self) -> Result<BoardEvent, BoardError> {
        if self.phase != Phase::Closed {
            return rule("the tally is published once voting is closed, and only once");
        }
        let (ballots, sums) = self.counted_sums()?;
        Ok(BoardEvent::TallyPublished {
            ballots,
            aggregates: sums
                .iter()
                .map(|c| c.iter().map(|(a, b)| Ciphertext::of(a, b)).collect())
                .collect(),
        })
    }

    /// The result event from the first `k` decryption shares on the board.
    pub fn decrypt(&self) -> Result<BoardEvent, BoardError> {
        let e = self.election_or()?;
        let k = e.manifest.threshold as usize;
        if self.shares.len() < k {
            return rule(format!(
                "{} of the {k} decryption shares needed are on the board",
                self.shares.len()
            ));
        }
        let (n, sums, _) = self.tally.as_ref().expect("shares follow the tally");
        let shares = &self.shares[..k];
        let counts = counts(e, &combine(sums, shares)?, *n)?;
        Ok(BoardEvent::ResultPublished {
            trustees: shares.iter().map(|s| s.trustee).collect(),
            counts,
        })
    }

    /// Checks an event against the state (the decision, taken again on replay).
    pub fn check(&self, event: &BoardEvent) -> Result<(), BoardError> {
        use BoardEvent::*;
        match event {
            ElectionDeclared { manifest } => {
                if self.phase != Phase::Empty {
                    return rule("a board holds one election: it is declared already");
                }
                manifest.check()?;
            }
            TrusteeCommitted { commitment } => {
                let m = self.manifest_or()?;
                if self.phase != Phase::Ceremony || self.commitments.len() == m.trustees as usize {
                    return rule(
                        "commitments are published during the key ceremony, once per trustee",
                    );
                }
                if self
                    .commitments
                    .iter()
                    .any(|c| c.trustee == commitment.trustee)
                {
                    return rule(format!(
                        "trustee {} has already committed",
                        commitment.trustee
                    ));
                }
                check_commitment(m, commitment)?;
            }
            SharesDealt { from, shares } => {
                let m = self.manifest_or()?;
                if self.phase != Phase::Ceremony || self.commitments.len() != m.trustees as usize {
                    return rule(
                        "shares are dealt once every trustee has committed, before the key is published",
                    );
                }
                if !self.commitments.iter().any(|c| c.trustee == *from) || self.dealt.contains(from)
                {
                    return rule(format!(
                        "trustee {from} is not a trustee or has already dealt"
                    ));
                }
                let mut to: Vec<u32> = shares.iter().map(|s| s.to).collect();
                to.sort_unstable();
                let expected: Vec<u32> = (1..=m.trustees).filter(|t| t != from).collect();
                if to != expected || shares.iter().any(|s| s.from != *from) {
                    return rule(format!(
                        "trustee {from} must deal exactly one share to each other trustee"
                    ));
                }
                for s in shares {
                    s.ephemeral
                        .to_point(&format_args!("share {} → {}: ephemeral key", s.from, s.to))?;
                    if s.sealed.len() != 96 || hex::decode(&s.sealed).is_err() {
                        return rule(format!(
                            "share {} → {}: a sealed share is 48 bytes (96 hex digits)",
                            s.from, s.to
                        ));
                    }
                }
            }
            KeyPublished {
                key,
                verification_keys,
            } => {
                let m = self.manifest_or()?;
                if self.phase != Phase::Ceremony || self.dealt.len() != m.trustees as usize {
                    return rule("the key is published once every trustee has dealt");
                }
                let expected = Bytes32::point(&joint_key(&self.commitments)?);
                if *key != expected {
                    return rule(format!(
                        "the election key must be the sum of the trustees' first commitments, {expected}"
                    ));
                }
                let vks = self.derived_verification_keys()?;
                if verification_keys.len() != vks.len()
                    || verification_keys
                        .iter()
                        .zip(&vks)
                        .any(|(a, b)| *a != Bytes32::point(b))
                {
                    return rule(
                        "the verification keys must be those derived from the commitments",
                    );
                }
            }
            CredentialsPublished { credentials } => {
                if self.phase != Phase::Keyed {
                    return rule("credentials are published after the key and before voting opens");
                }
                let mut fresh = HashSet::with_capacity(credentials.len());
                for c in credentials {
                    c.to_point(&"a public credential")?;
                    if self.credentials.contains(c) || !fresh.insert(*c) {
                        return rule(format!("credential {c} is published twice"));
                    }
                }
            }
            VotingOpened => {
                if self.phase != Phase::Keyed || self.credentials.is_empty() {
                    return rule(
                        "voting opens once the key and the credentials are published, and only once",
                    );
                }
            }
            BallotCast {
                ballot,
                tracking_code,
            } => self.check_cast(ballot, tracking_code)?,
            BallotAudited { audit } => {
                if self.phase != Phase::Open {
                    return rule("a ballot may be audited only while the election is open");
                }
                self.check_nonces(&audit.ballot)?;
                ballot::check_audit(self.election_or()?, audit)?;
            }
            PaperVoteCancelled {
                credential,
                precinct,
            } => {
                if !matches!(self.phase, Phase::Open | Phase::Closed) {
                    return rule(
                        "a paper vote cancels a remote one while voting is open or before the tally",
                    );
                }
                if !self.credentials.contains(credential) {
                    return rule(format!(
                        "credential {credential} is not published on this board"
                    ));
                }
                if self.cancelled.contains(credential) {
                    return rule(format!(
                        "credential {credential} is already cancelled by a paper vote"
                    ));
                }
                if precinct.trim().is_empty() {
                    return rule(
                        "the cancellation names the mission's precinct whose list holds the mark",
                    );
                }
            }
            VotingClosed => {
                if self.phase != Phase::Open {
                    return rule("voting closes once, after it opened");
                }
            }
            TallyPublished {
                ballots,
                aggregates,
            } => {
                if self.phase != Phase::Closed {
                    return rule("the tally is published once voting is closed, and only once");
                }
                let e = self.election_or()?;
                let shape_ok = aggregates.len() == e.manifest.contests.len()
                    && aggregates
                        .iter()
                        .zip(&e.manifest.contests)
                        .all(|(a, c)| a.len() == c.sent());
                if !shape_ok {
                    return rule("the tally has one aggregate per contest and sent selection");
                }
                let counted = self.counted_mask().iter().filter(|c| **c).count() as u64;
                if *ballots != counted {
                    return rule(format!(
                        "the tally counts {ballots} ballots but {counted} count on the board (the last ballot of each credential whose holder did not vote on paper)"
                    ));
                }
                for (i, row) in aggregates.iter().enumerate() {
                    for (j, ct) in row.iter().enumerate() {
                        ct.points(&|| format!("tally, contest {}, selection {}", i + 1, j + 1))?;
                    }
                }
                if !self.deferred {
                    let TallyPublished {
                        aggregates: own, ..
                    } = self.tally()?
                    else {
                        unreachable!("tally() makes a tally")
                    };
                    if own != *aggregates {
                        return rule(
                            "the tally's aggregates are not the sums of the counted ballots",
                        );
                    }
                }
            }
            DecryptionShared { share } => {
                if self.phase != Phase::Tallied {
                    return rule("decryption shares follow the tally, before the result");
                }
                let e = self.election_or()?;
                let Some(vk) = (share.trustee as usize)
                    .checked_sub(1)
                    .and_then(|i| self.verification_keys.get(i))
                else {
                    return rule(format!(
                        "trustee {} is not a trustee of this election",
                        share.trustee
                    ));
                };
                if self.shares.iter().any(|s| s.trustee == share.trustee) {
                    return rule(format!("trustee {} has already shared", share.trustee));
                }
                let (_, sums, _) = self.tally.as_ref().expect("phase Tallied");
                let mut checks = OneByOne::new(e.key);
                verify_share(e, vk, sums, share, &mut checks)?;
                if !checks.ok() {
                    return Err(BallotError::Decryption(format!(
                        "trustee {}'s proof of correct decryption does not verify: the share is wrong",
                        share.trustee
                    ))
                    .into());
                }
            }
            ResultPublished { .. } => {
                if self.phase != Phase::Tallied {
                    return rule("the result follows the tally and its decryption shares, once");
                }
                if self.decrypt()? != *event {
                    return rule(
                        "the result is not what the first k decryption shares on the board decrypt to",
                    );
                }
            }
        }
        Ok(())
    }

    fn derived_verification_keys(&self) -> Result<Vec<RistrettoPoint>, BoardError> {
        let m = self.manifest_or()?;
        (1..=m.trustees)
            .map(|j| verification_key(&self.commitments, j).map_err(BoardError::from))
            .collect()
    }

    fn check_nonces(&self, b: &Ballot) -> Result<(), BoardError> {
        let mut own = HashSet::new();
        for c in &b.contests {
            for s in &c.selections {
                if self.nonces.contains(&s.alpha) || !own.insert(s.alpha) {
                    return rule(
                        "the ballot reuses a nonce already on the board (an α seen before): a ballot replayed, or made with a broken random generator",
                    );
                }
            }
        }
        Ok(())
    }

    fn check_cast(&self, ballot: &Ballot, code: &Bytes32) -> Result<(), BoardError> {
        if self.phase != Phase::Open {
            return rule("a ballot may be cast only while the election is open");
        }
        let e = self.election_or()?;
        if ballot.election != e.hash {
            return Err(BallotError::WrongElection {
                found: ballot.election,
                expected: e.hash,
            }
            .into());
        }
        if !self.credentials.contains(&ballot.credential) {
            return rule(format!(
                "the ballot is signed by credential {}, which is not published on this board",
                ballot.credential
            ));
        }
        if self.cancelled.contains(&ballot.credential) {
            return rule(
                "the credential's holder voted on paper at a mission; the remote vote is cancelled",
            );
        }
        self.check_nonces(ballot)?;
        let expected = self.next_tracking_code(ballot).expect("keyed");
        if *code != expected {
            return rule(format!(
                "the tracking code must chain from the previous ballot's: expected {expected}"
            ));
        }
        if !self.deferred {
            ballot::verify(e, ballot)?;
        }
        Ok(())
    }

    fn mutate(&mut self, seq: u64, event: &BoardEvent) {
        use BoardEvent::*;
        match event {
            ElectionDeclared { manifest } => {
                self.manifest = Some(manifest.clone());
                self.phase = Phase::Ceremony;
            }
            TrusteeCommitted { commitment } => {
                self.commitments.push(commitment.clone());
                self.commitments.sort_by_key(|c| c.trustee);
            }
            SharesDealt { from, .. } => self.dealt.push(*from),
            KeyPublished { key, .. } => {
                let m = self.manifest.clone().expect("declared");
                self.election = Some(Election::with_key_bytes(m, key).expect("checked key"));
                self.verification_keys = self.derived_verification_keys().expect("checked");
                self.phase = Phase::Keyed;
            }
            CredentialsPublished { credentials } => {
                self.credentials.extend(credentials.iter().copied())
            }
            VotingOpened => self.phase = Phase::Open,
            BallotCast {
                ballot,
                tracking_code,
            } => {
                for c in &ballot.contests {
                    for s in &c.selections {
                        self.nonces.insert(s.alpha);
                    }
                }
                let i = self.cast.len();
                self.last.insert(ballot.credential, i);
                self.by_code.insert(*tracking_code, i);
                self.last_code = Some(*tracking_code);
                self.cast.push(CastBallot {
                    seq,
                    ballot: ballot.clone(),
                    code: *tracking_code,
                });
            }
            BallotAudited { audit } => {
                for c in &audit.ballot.contests {
                    for s in &c.selections {
                        self.nonces.insert(s.alpha);
                    }
                }
                self.audited += 1;
            }
            PaperVoteCancelled { credential, .. } => {
                self.cancelled.insert(*credential);
            }
            VotingClosed => self.phase = Phase::Closed,
            TallyPublished {
                ballots,
                aggregates,
            } => {
                let sums = aggregates
                    .iter()
                    .map(|c| {
                        c.iter()
                            .map(|ct| ct.points(&String::new).expect("checked or deferred tally"))
                            .collect()
                    })
                    .collect();
                self.tally = Some((*ballots, sums, seq));
                self.phase = Phase::Tallied;
            }
            DecryptionShared { share } => self.shares.push(share.clone()),
            ResultPublished { counts, .. } => {
                self.result = Some(counts.clone());
                self.phase = Phase::Done;
            }
        }
    }

    /// After a deferred replay: verifies every cast ballot's proofs in batches on `threads`
    /// threads and checks the tally's aggregates against the sums of the counted ballots.
    /// The error names the first bad entry.
    pub fn finish_deferred(&self, threads: usize) -> Result<(), (u64, BoardError)> {
        let Some(e) = self.election.as_ref() else {
            return Ok(());
        };
        let ballots: Vec<Ballot> = self.cast.iter().map(|c| c.ballot.clone()).collect();
        let mask = self.counted_mask();
        let sums = verify_ballots(e, &ballots, &mask, Mode::Batched, threads)
            .map_err(|bad| (self.cast[bad.index].seq, bad.reason.into()))?;
        if let Some((_, published, seq)) = &self.tally
            && published != &sums
        {
            return Err((
                *seq,
                BoardError::Rule(
                    "the tally's aggregates are not the sums of the counted ballots".into(),
                ),
            ));
        }
        Ok(())
    }
}

impl Domain for Board {
    type Event = BoardEvent;
    type Decided = BoardEvent;
    type Error = BoardError;
    const CHAIN: &'static str = "ballots";

    fn head(&self) -> Option<(u64, &LogHash)> {
        self.head.get()
    }

    fn record(&mut self, event: BoardEvent, recorded_at: String) -> Result<BoardEntry, BoardError> {
        self.check(&event)?;
        let entry = self.head.seal(recorded_at, event);
        self.mutate(entry.seq, &entry.event);
        self.head.advance(&entry);
        Ok(entry)
    }

    fn apply(&mut self, entry: &BoardEntry) -> Result<(), BoardError> {
        self.head.check_next(entry)?;
        self.check(&entry.event)?;
        self.mutate(entry.seq, &entry.event);
        self.head.advance(entry);
        Ok(())
    }
}
