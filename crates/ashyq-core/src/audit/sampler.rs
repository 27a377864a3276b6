//! Rivest's consistent sampling with SHA-256 tickets, exactly as the reference implementation
//! `consistent_sampler` (R. L. Rivest, <https://github.com/ron-rivest/consistent_sampler>,
//! `pkg/consistent_sampler/consistent_sampler.py`, and arXiv:1808.10016) defines it. Arlo
//! draws its ballot samples with the same routine.
//!
//! Every object has an id (a string). Its generation-1 ticket number is
//! `sha256_uniform(sha256_hex(seed) ‖ id)`: the SHA-256 of the UTF-8 text, read as an integer,
//! written in decimal with at least 64 digits (zero-padded), the digits **reversed** (the low,
//! unbiased digits first) and prefixed by `0.`. A ticket number of generation g + 1 is drawn
//! from `(t, 1)`: keep the leading 9s of `t` (after `0.`) and append the digits of
//! `sha256_uniform(t ‖ ":" ‖ i)` for i = 1, 2, … until the result exceeds `t` (`next_fraction`).
//! The sample is the ids in increasing order of (ticket number, id, generation), compared as
//! text — as Python compares the reference's tuples. Sampling with replacement puts each drawn
//! ticket back with its next generation's number.
//!
//! Consistency: the order of a subset is the order of the whole filtered to it, so a region's
//! sample is the national order restricted to the region, and a later round extends the same
//! order (draw `drop + take`, keep the last `take`).
//!
//! Written by hand because no Rust crate implements this reference; the code is ours, the
//! published test vectors are the reference's doctests.

use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, HashSet};

use num_bigint::BigUint;
use sha2::{Digest, Sha256};

/// A ticket: an id, its ticket number and its generation (how many times it has been drawn,
/// this draw included).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Ticket {
    /// The ticket number, `0.ddd…`, at full precision unless [`trim`]med.
    pub number: String,
    /// The object's id.
    pub id: String,
    /// 1 for the first ticket of an id, then 2, 3, … when drawn again with replacement.
    pub generation: u32,
}

/// Why a draw cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SampleError {
    /// Two objects share an id.
    #[error(
        "the ids are not distinct: {0:?} appears more than once; every ballot or batch needs its own id"
    )]
    DuplicateId(String),
}

/// Lower-case hex SHA-256 of a text (`sha256_hex` of the reference).
pub fn sha256_hex(text: &str) -> String {
    crate::chain::sha256_hex(text.as_bytes())
}

/// The reference's `sha256_uniform`: SHA-256 of the text as a decimal fraction in (0, 1).
pub fn sha256_uniform(text: &str) -> String {
    uniform_of_digest(&Sha256::digest(text.as_bytes()).into())
}

fn uniform_of_digest(digest: &[u8; 32]) -> String {
    let decimal = BigUint::from_bytes_be(digest).to_str_radix(10);
    let mut digits: Vec<u8> = Vec::with_capacity(80);
    // `{:064d}`: zero-padded to at least 64 digits.
    digits.extend(std::iter::repeat_n(
        b'0',
        64usize.saturating_sub(decimal.len()),
    ));
    digits.extend_from_slice(decimal.as_bytes());
    digits.reverse();
    let mut out = String::with_capacity(digits.len() + 2);
    out.push_str("0.");
    out.push_str(std::str::from_utf8(&digits).expect("decimal digits are ASCII"));
    out
}

/// Index of the first digit after `0.` that is not a 9, in `x` followed by one `0` (the
/// reference's `first_non_9_position`).
fn first_non_nine(x: &str) -> usize {
    x.as_bytes()
        .iter()
        .enumerate()
        .skip(2)
        .find(|(_, d)| **d < b'9')
        .map_or(x.len(), |(i, _)| i)
}

/// The reference's `trim`: keeps `digits` significant digits after the leading 9s
/// (truncated, not rounded).
pub fn trim(x: &str, digits: usize) -> String {
    let end = (first_non_nine(x) + digits).min(x.len());
    x[..end].to_owned()
}

/// The reference's `next_fraction`: a pseudo-random number in (x, 1) derived from `x` alone.
pub fn next_fraction(x: &str) -> String {
    let mut x0 = String::with_capacity(x.len() + 1);
    x0.push_str(x);
    x0.push('0');
    let keep = first_non_nine(&x0);
    let mut i: u64 = 0;
    loop {
        i += 1;
        let u = sha256_uniform(&format!("{x}:{i}"));
        let mut y = String::with_capacity(keep + u.len());
        y.push_str(&x0[..keep]);
        y.push_str(&u[2..]);
        if y.as_str() > x0.as_str() {
            return y;
        }
    }
}

/// The next generation's ticket of a drawn ticket.
pub fn next_ticket(t: &Ticket) -> Ticket {
    Ticket {
        number: next_fraction(&t.number),
        id: t.id.clone(),
        generation: t.generation + 1,
    }
}

/// A seed ready to draw: the SHA-256 of the seed's text, and the hash state after it (the
/// 64 hex digits are exactly one SHA-256 block, so each id then costs one more block).
#[derive(Clone)]
pub struct Sampler {
    seed_hash: String,
    after_seed: Sha256,
}

impl std::fmt::Debug for Sampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sampler")
            .field("seed_hash", &self.seed_hash)
            .finish()
    }
}

/// One candidate while selecting the smallest first tickets: its leading 19 digits as a
/// number (which orders tickets unless they agree there), the digest for the full number on a
/// tie, and the id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    lead: u64,
    digest: [u8; 32],
    id: String,
}

impl Candidate {
    fn number(&self) -> String {
        uniform_of_digest(&self.digest)
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.lead
            .cmp(&other.lead)
            .then_with(|| self.number().cmp(&other.number()))
            .then_with(|| self.id.cmp(&other.id))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const LEAD_DIGITS: u32 = 19;

/// The first 19 digits of a digest's ticket number, as an integer: the last 19 decimal
/// digits of the digest read as a number, reversed.
fn lead_of(digest: &[u8; 32]) -> u64 {
    let modulus: u128 = 10u128.pow(LEAD_DIGITS);
    let mut r: u128 = 0;
    for b in digest {
        r = ((r << 8) | u128::from(*b)) % modulus;
    }
    let mut r = r as u64;
    let mut lead: u64 = 0;
    for _ in 0..LEAD_DIGITS {
        lead = lead * 10 + r % 10;
        r /= 10;
    }
    lead
}

/// The `n` smallest first-generation tickets seen, kept while ids stream past.
#[derive(Debug)]
pub struct Selection {
    keep: usize,
    heap: BinaryHeap<Candidate>,
}

impl Selection {
    /// Keeps the `n` smallest.
    pub fn new(n: usize) -> Self {
        Selection {
            keep: n,
            heap: BinaryHeap::with_capacity(n.min(1 << 20) + 1),
        }
    }

    /// Merges another selection (of other ids, under the same seed): consistent sampling is
    /// parallel, the union's smallest are among the parts' smallest.
    pub fn merge(&mut self, other: Selection) {
        for c in other.heap {
            self.offer(c);
        }
    }

    fn offer(&mut self, c: Candidate) {
        if self.keep == 0 {
            return;
        }
        if self.heap.len() < self.keep {
            self.heap.push(c);
        } else if let Some(top) = self.heap.peek()
            && c < *top
        {
            self.heap.pop();
            self.heap.push(c);
        }
    }

    /// The kept tickets in sampling order, at full precision.
    pub fn into_tickets(self) -> Vec<Ticket> {
        let mut v: Vec<Candidate> = self.heap.into_vec();
        v.sort();
        v.into_iter()
            .map(|c| Ticket {
                number: c.number(),
                id: c.id,
                generation: 1,
            })
            .collect()
    }
}

impl Sampler {
    /// A sampler for a seed (any text; an audit's seed is its ceremony's digits).
    pub fn new(seed: &str) -> Self {
        let seed_hash = sha256_hex(seed);
        let mut after_seed = Sha256::new();
        after_seed.update(seed_hash.as_bytes());
        Sampler {
            seed_hash,
            after_seed,
        }
    }

    /// `sha256_hex(seed)`, the prefix of every first ticket.
    pub fn seed_hash(&self) -> &str {
        &self.seed_hash
    }

    fn digest(&self, id: &str) -> [u8; 32] {
        let mut h = self.after_seed.clone();
        h.update(id.as_bytes());
        h.finalize().into()
    }

    /// The reference's `first_ticket`.
    pub fn first_ticket(&self, id: &str) -> Ticket {
        Ticket {
            number: uniform_of_digest(&self.digest(id)),
            id: id.to_owned(),
            generation: 1,
        }
    }

    /// The reference's `first_fraction` for an arbitrary text (used for the weighted draws).
    pub fn fraction(&self, text: &str) -> String {
        uniform_of_digest(&self.digest(text))
    }

    /// Offers one id to a selection; only ids that enter it are copied.
    pub fn offer(&self, selection: &mut Selection, id: &str) {
        if selection.keep == 0 {
            return;
        }
        let digest = self.digest(id);
        let lead = lead_of(&digest);
        if selection.heap.len() >= selection.keep
            && let Some(top) = selection.heap.peek()
            && lead > top.lead
        {
            return;
        }
        selection.offer(Candidate {
            lead,
            digest,
            id: id.to_owned(),
        });
    }

    /// The first `take` draws (after `drop` draws) of the ids, as the reference's
    /// `sampler(ids, seed, with_replacement, drop, take)` yields them, at full precision.
    /// Without replacement the draw stops when the ids run out.
    pub fn sample<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
        with_replacement: bool,
        drop: usize,
        take: usize,
    ) -> Result<Vec<Ticket>, SampleError> {
        let mut seen = HashSet::new();
        let mut selection = Selection::new(drop + take);
        for id in ids {
            if !seen.insert(id) {
                return Err(SampleError::DuplicateId(id.to_owned()));
            }
            self.offer(&mut selection, id);
        }
        Ok(draw_from(selection, with_replacement, drop, take))
    }
}

/// Draws from the smallest first tickets of a population: they decide the first `drop + take`
/// draws, with replacement too (a later generation of an id is larger than its first ticket,
/// so any ticket drawn that early is one of them or a later generation of one of them).
pub fn draw_from(
    selection: Selection,
    with_replacement: bool,
    drop: usize,
    take: usize,
) -> Vec<Ticket> {
    let first = selection.into_tickets();
    if !with_replacement {
        return first.into_iter().skip(drop).take(take).collect();
    }
    let mut basket: BTreeSet<Ticket> = first.into_iter().collect();
    let mut out = Vec::with_capacity(take);
    for count in 1..=drop + take {
        let Some(t) = basket.pop_first() else { break };
        basket.insert(next_ticket(&t));
        if count > drop {
            out.push(t);
        }
    }
    out
}

/// Draws ballots from a manifest of precincts — `(precinct number, ballots)` — whose ballot
/// ids are `<precinct>:<position>` ([`super::ballot_id`]), without building the ids up front;
/// `threads` parts of the manifest are hashed side by side and merged (consistent sampling is
/// parallel).
pub fn draw_ballots(
    sampler: &Sampler,
    manifest: &[(u32, u64)],
    with_replacement: bool,
    drop: usize,
    take: usize,
    threads: usize,
) -> Vec<Ticket> {
    let threads = threads.clamp(1, 64);
    let part = manifest.len().div_ceil(threads).max(1);
    let select = |chunk: &[(u32, u64)]| {
        let mut selection = Selection::new(drop + take);
        let mut id = String::with_capacity(24);
        for &(precinct, ballots) in chunk {
            for position in 1..=ballots {
                id.clear();
                use std::fmt::Write;
                let _ = write!(id, "{precinct}:{position}");
                sampler.offer(&mut selection, &id);
            }
        }
        selection
    };
    let mut selection = if threads == 1 {
        select(manifest)
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = manifest
                .chunks(part)
                .map(|chunk| scope.spawn(move || select(chunk)))
                .collect();
            let mut all = Selection::new(drop + take);
            for h in handles {
                all.merge(h.join().expect("a sampling thread does not panic"));
            }
            all
        })
    };
    if manifest.is_empty() {
        selection = Selection::new(0);
    }
    draw_from(selection, with_replacement, drop, take)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The vectors below are the doctests of the reference implementation
    // (`pkg/consistent_sampler/consistent_sampler.py`, commit 59f1485).

    #[test]
    fn sha256_vectors_of_the_reference() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_uniform("abc"),
            "0.56998071861792858926477341561059638840106636224182943832566300809078486324348"
        );
    }

    #[test]
    fn first_and_next_ticket_vectors_of_the_reference() {
        let s = Sampler::new("01382438112797316654");
        let t = s.first_ticket("AB-130");
        assert_eq!(
            t.number,
            "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
        );
        assert_eq!(t.generation, 1);
        let n = next_ticket(&t);
        assert_eq!(
            n.number,
            "0.8232357229934205790595761924514048157652891124687533667363938813600770093316"
        );
        assert_eq!((n.id.as_str(), n.generation), ("AB-130", 2));
        assert_eq!(
            next_fraction("0.25471"),
            "0.642853261655004694691182528114375607701032283189922170593838029306715548381901"
        );
        assert_eq!(
            next_ticket(&Ticket {
                number: "0.234".into(),
                id: "x".into(),
                generation: 2
            })
            .number,
            "0.547830802749402616364646686795722512609112766306951592422621788875312684400211"
        );
    }

    #[test]
    fn trim_vector_of_the_reference() {
        assert_eq!(trim("0.9991234567890", 4), "0.9991234");
        assert_eq!(trim("0.12", 9), "0.12");
    }

    #[test]
    fn ticket_heap_vector_of_the_reference() {
        let s = Sampler::new("xy()134!g2n");
        let numbers: Vec<(String, String)> = ["dog", "cat", "fish", "goat"]
            .iter()
            .map(|id| (id.to_string(), s.first_ticket(id).number))
            .collect();
        let expect = [
            (
                "cat",
                "0.24866413894129579898796850445568128508290132707747976039848637531569373309555",
            ),
            (
                "dog",
                "0.33886035615681875183111698317327684455682722683976874746986356932751818935066",
            ),
            (
                "fish",
                "0.74685932088827950509145941729789143204056041958068799542050396198792954500593",
            ),
            (
                "goat",
                "0.49599842072022713663423753308080171636735689997237236247068925068573448764387",
            ),
        ];
        for (id, number) in expect {
            assert!(
                numbers.contains(&(id.to_string(), number.to_string())),
                "{id}"
            );
        }
    }

    #[test]
    fn sample_vectors_of_the_reference() {
        // sampler(['A#2','B#7','C#1','D#4'], with_replacement=True, take=8, seed=314159)
        let s = Sampler::new("314159");
        let ids: Vec<String> = s
            .sample(["A#2", "B#7", "C#1", "D#4"], true, 0, 8)
            .unwrap()
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(
            ids,
            ["D#4", "C#1", "C#1", "B#7", "A#2", "C#1", "D#4", "B#7"]
        );
        // for t in sampler(['ab-1','ab-2','cd-1','ef-3'], seed=314159): print(t)
        let got: Vec<(String, String, u32)> = s
            .sample(["ab-1", "ab-2", "cd-1", "ef-3"], false, 0, usize::MAX / 2)
            .unwrap()
            .into_iter()
            .map(|t| (trim(&t.number, 9), t.id, t.generation))
            .collect();
        let expect = [
            ("0.317685817", "cd-1"),
            ("0.832984519", "ef-3"),
            ("0.9098039269", "ab-1"),
            ("0.9231549043", "ab-2"),
        ];
        assert_eq!(got.len(), 4);
        for ((n, id, g), (en, eid)) in got.iter().zip(expect) {
            assert_eq!((n.as_str(), id.as_str(), *g), (en, eid, 1));
        }
    }

    #[test]
    fn a_later_round_extends_the_same_order() {
        let s = Sampler::new("01382438112797316654");
        let ids: Vec<String> = (1..=500)
            .map(|i| format!("{}:{}", 100 + i % 7, i))
            .collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        for wr in [false, true] {
            let all = s.sample(ids.iter().copied(), wr, 0, 40).unwrap();
            let first = s.sample(ids.iter().copied(), wr, 0, 25).unwrap();
            let second = s.sample(ids.iter().copied(), wr, 25, 15).unwrap();
            assert_eq!(&all[..25], &first[..]);
            assert_eq!(&all[25..], &second[..]);
        }
    }

    #[test]
    fn the_sample_of_a_subset_is_the_whole_filtered() {
        let s = Sampler::new("77777777778888888888");
        let ids: Vec<String> = (1..=300).map(|i| i.to_string()).collect();
        let whole = s
            .sample(ids.iter().map(String::as_str), false, 0, 300)
            .unwrap();
        let odd: Vec<&str> = ids.iter().step_by(2).map(String::as_str).collect();
        let part = s.sample(odd.iter().copied(), false, 0, 150).unwrap();
        let filtered: Vec<Ticket> = whole
            .into_iter()
            .filter(|t| odd.contains(&t.id.as_str()))
            .collect();
        assert_eq!(part, filtered);
    }

    #[test]
    fn the_fast_selection_is_the_full_sort() {
        let s = Sampler::new("12345678901234567890");
        let ids: Vec<String> = (1..=2000).map(|i| format!("p{i}")).collect();
        let mut all: Vec<Ticket> = ids.iter().map(|id| s.first_ticket(id)).collect();
        all.sort();
        let got = s
            .sample(ids.iter().map(String::as_str), false, 0, 100)
            .unwrap();
        assert_eq!(&all[..100], &got[..]);
    }

    #[test]
    fn vectors_of_ids_like_ours_from_the_reference() {
        // Computed with the reference: sampler(['101:1', …, '103:5'], seed='01382438112797316654',
        // take=6, with_replacement=True, digits=18).
        let s = Sampler::new("01382438112797316654");
        let manifest = [(101, 5), (102, 5), (103, 5)];
        for threads in [1, 2] {
            let got: Vec<(String, String, u32)> = draw_ballots(&s, &manifest, true, 0, 6, threads)
                .into_iter()
                .map(|t| (trim(&t.number, 18), t.id, t.generation))
                .collect();
            let expect = [
                ("0.205983163877609219", "103:4", 1),
                ("0.319250620698827647", "101:2", 1),
                ("0.376207915435784881", "102:2", 1),
                ("0.379576949410941950", "103:1", 1),
                ("0.429705008596882663", "102:2", 2),
                ("0.439522455881703794", "103:2", 1),
            ];
            assert_eq!(got.len(), 6);
            for (g, e) in got.iter().zip(expect) {
                assert_eq!((g.0.as_str(), g.1.as_str(), g.2), e);
            }
        }
        // sampler([str(p) for p in range(1, 11)], seed='01382438112797316654', take=5, digits=18)
        let ids: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
        let got: Vec<String> = s
            .sample(ids.iter().map(String::as_str), false, 0, 5)
            .unwrap()
            .into_iter()
            .map(|t| format!("{} {}", trim(&t.number, 18), t.id))
            .collect();
        assert_eq!(
            got,
            [
                "0.038093293318404595 1",
                "0.086430925742143358 3",
                "0.135365009768336665 2",
                "0.391609246605521554 4",
                "0.495474449983708191 7"
            ]
        );
        // with_replacement=True, take=8, seed=314159, digits=18, the reference's own example.
        let got: Vec<String> = Sampler::new("314159")
            .sample(["A#2", "B#7", "C#1", "D#4"], true, 0, 8)
            .unwrap()
            .into_iter()
            .map(|t| format!("{} {} {}", trim(&t.number, 18), t.id, t.generation))
            .collect();
        assert_eq!(got[2], "0.573533258963989854 C#1 2");
        assert_eq!(got[5], "0.9014668792180915886 C#1 3");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let s = Sampler::new("1");
        assert_eq!(
            s.sample(["a", "b", "a"], false, 0, 2),
            Err(SampleError::DuplicateId("a".into()))
        );
    }
}
