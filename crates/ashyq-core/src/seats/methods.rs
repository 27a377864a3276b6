//! The exact engines: largest remainder and divisor methods, and the tie rule at the last seat.
//!
//! All comparisons are cross-multiplications in `u128`. With at most [`super::MAX_TOTAL_VOTES`]
//! (10^10) votes and [`super::MAX_SEATS`] (10^6) seats the largest product is Huntington–Hill's
//! `v² · n(n+1) ≤ 10^20 · (10^6·(10^6+1)) < 1.1·10^32`, far below `u128::MAX ≈ 3.4·10^38`;
//! the other divisor methods compare `v·D ≤ 10^10 · (10^7 + 5) < 2^57` in `u64`.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{AllocationError, DrawTicket, Method, PartyVotes, TieBreak, TieOn, TieRule, TieSeed};

/// What every engine needs besides the qualified parties.
pub(super) struct Ctx<'a> {
    pub parties: &'a [PartyVotes],
    pub seed: Option<&'a TieSeed>,
    /// The house size `S`.
    pub house: u32,
}

impl Ctx<'_> {
    fn votes(&self, i: usize) -> u64 {
        self.parties[i].votes
    }
    fn names(&self, idx: &[usize]) -> Vec<String> {
        idx.iter().map(|&i| self.parties[i].party.clone()).collect()
    }
}

/// Largest remainder. `qualified` are indices into `ctx.parties` (input order, all with votes).
pub(super) fn largest_remainder(
    method: Method,
    ctx: &Ctx<'_>,
    qualified: &[usize],
    out: &mut [u32],
    ties: &mut Vec<TieBreak>,
) -> Result<(), AllocationError> {
    // 64 bits suffice: V ≤ 10^10 and v·S ≤ 10^10 · 10^6 < 2^64.
    let total: u64 = qualified.iter().map(|&i| ctx.votes(i)).sum();
    let s = u64::from(ctx.house);
    // (remainder, votes, index); remainders of one method share a denominator, so they
    // compare as integers: Hare `v·S mod V` (over V), Droop `v mod q` (over q).
    let mut ranked: Vec<(u64, u64, usize)> = Vec::with_capacity(qualified.len());
    let mut given: u64 = 0;
    match method {
        Method::Droop => {
            let quota = total / (s + 1) + 1;
            for &i in qualified {
                let v = ctx.votes(i);
                // ≤ V/q < S + 1, so it fits u32.
                out[i] = (v / quota) as u32;
                given += u64::from(out[i]);
                ranked.push((v % quota, v, i));
            }
        }
        _ => {
            for &i in qualified {
                let num = ctx.votes(i) * s;
                out[i] = (num / total) as u32;
                given += u64::from(out[i]);
                ranked.push((num % total, ctx.votes(i), i));
            }
        }
    }
    // Σ⌊v·S/V⌋ ≤ S, and for Droop Σ⌊v/q⌋ ≤ V/q < S + 1 (see `Method::Droop`).
    debug_assert!(given <= u64::from(ctx.house));
    let left = u64::from(ctx.house).saturating_sub(given);
    let n = qualified.len() as u64;
    // More seats left than parties (only Droop with very few votes): full rounds first.
    let full = (left / n) as u32;
    let rest = (left % n) as usize;
    if full > 0 {
        for &i in qualified {
            out[i] += full;
        }
    }
    if rest == 0 {
        return Ok(());
    }
    // Rank by remainder, then votes (both descending), then input order.
    let by_rank = |a: &(u64, u64, usize), b: &(u64, u64, usize)| {
        b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
    };
    ranked.select_nth_unstable_by(rest - 1, by_rank);
    let cut = ranked[rest - 1].0;
    let mut holders = Vec::new();
    for &(r, _, i) in &ranked[..rest] {
        out[i] += 1;
        if r == cut {
            holders.push(i);
        }
    }
    let challengers: Vec<usize> = ranked[rest..]
        .iter()
        .filter(|e| e.0 == cut)
        .map(|e| e.2)
        .collect();
    resolve_cut(ctx, TieOn::Remainder, holders, challengers, out, ties)
}

/// A divisor method's next quotient for one party, `votes / d`, as a heap entry.
///
/// `den` is the divisor scaled to an integer (see [`scaled_divisor`]); for Huntington–Hill
/// (`HH`) it is the *squared* divisor `n(n+1)` and quotients compare as `v_a²·den_b` against
/// `v_b²·den_a` in `u128` (at most `10^20 · 10^12`). For the other methods the products
/// `v·den ≤ 10^10 · (10·10^6 + 5) < 2^57` fit `u64`. `den = 0` is an infinite quotient; two
/// infinite quotients are equal.
#[derive(Clone, Copy)]
struct Entry<const HH: bool> {
    votes: u64,
    den: u64,
    idx: usize,
}

impl<const HH: bool> Entry<HH> {
    fn cmp_quotient(&self, other: &Self) -> Ordering {
        if HH {
            let a = u128::from(self.votes) * u128::from(self.votes) * u128::from(other.den);
            let b = u128::from(other.votes) * u128::from(other.votes) * u128::from(self.den);
            a.cmp(&b)
        } else {
            (self.votes * other.den).cmp(&(other.votes * self.den))
        }
    }
}

impl<const HH: bool> PartialEq for Entry<HH> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<const HH: bool> Eq for Entry<HH> {}
impl<const HH: bool> PartialOrd for Entry<HH> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<const HH: bool> Ord for Entry<HH> {
    /// Greater = gets the seat first: larger quotient, then more votes, then earlier in input.
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_quotient(other)
            .then(self.votes.cmp(&other.votes))
            .then(other.idx.cmp(&self.idx))
    }
}

/// The divisor for a party holding `n` seats, scaled to an integer by a factor that is the
/// same for all parties (so quotients compare correctly):
/// D'Hondt `n+1`; Sainte-Laguë `2n+1` (×2); modified Sainte-Laguë `7, 15, 25, 35, …` (×10
/// of 0.7, 1.5, 2.5, …, i.e. ×5 of 1.4, 3, 5, …); Adams `n`; Imperiali `n+2`;
/// Huntington–Hill `n(n+1)`, the *square* of its divisor.
fn scaled_divisor(method: Method, n: u32) -> u64 {
    let n = u64::from(n);
    match method {
        Method::DHondt => n + 1,
        Method::SainteLague => 2 * n + 1,
        Method::ModifiedSainteLague => {
            if n == 0 {
                7
            } else {
                10 * n + 5
            }
        }
        Method::Adams => n,
        Method::Imperiali => n + 2,
        Method::HuntingtonHill => n * (n + 1),
        // Not divisor methods; never called with them.
        Method::Hare | Method::Droop => n + 1,
    }
}

/// How many of a party's quotients exceed `λ = V / T` (given as `t2 = 2T`), i.e. the number
/// of `k ≥ 0` with `d(k) < v·T/V`, exactly.
fn count_above(method: Method, v: u128, total: u128, t2: u128) -> u128 {
    match method {
        Method::HuntingtonHill => {
            // k(k+1)·V² < v²·T², i.e. k(k+1)·(2V)² < (v·2T)². The callers keep T ≤ S, so
            // (v·2T)² ≤ (10^10 · 2·10^6)² < 2^128.
            let y = v * t2;
            let y2 = y * y;
            let w = 2 * total;
            let w2 = w * w;
            // A first guess (k ≈ y/w) in 64 bits when it fits; the loops make it exact.
            let mut k = match (u64::try_from(y), u64::try_from(w)) {
                (Ok(y), Ok(w)) => u128::from(y / w),
                _ => y / w,
            };
            while k > 0 && k * (k + 1) * w2 >= y2 {
                k -= 1;
            }
            while (k + 1) * (k + 2) * w2 < y2 {
                k += 1;
            }
            // k = 0 counts whenever y > 0 (d(0) = 0); then every k' ≤ k.
            if k * (k + 1) * w2 < y2 { k + 1 } else { 0 }
        }
        _ => {
            // D(k)·V < scale·v·T with the integer divisor D = scale·d of `scaled_divisor`.
            let (a, b, w) = match method {
                Method::DHondt => (1, 1, v * t2 / 2),
                Method::SainteLague => (2, 1, v * t2),
                Method::ModifiedSainteLague => (10, 5, 5 * v * t2),
                Method::Adams => (1, 0, v * t2 / 2),
                _ => (1, 2, v * t2 / 2), // Imperiali
            };
            if w == 0 {
                return 0;
            }
            // The largest m with m·V < w is (w−1) div V; k counts while a·k + b ≤ m. (A 64-bit
            // division when the numbers fit, as they do for any real election.)
            let m = match (u64::try_from(w - 1), u64::try_from(total)) {
                (Ok(a), Ok(b)) => u128::from(a / b),
                _ => (w - 1) / total,
            };
            if method == Method::ModifiedSainteLague {
                if 7 * total < w {
                    1 + if m >= 5 { (m - 5) / 10 } else { 0 }
                } else {
                    0
                }
            } else if m >= b {
                (m - b) / a + 1
            } else {
                0
            }
        }
    }
}

/// A lower bound on each party's seats, so the heap only hands out the last few.
///
/// For any `λ`, if all parties together have at most `S` quotients above `λ`, every one of
/// them is among the `S` largest and wins a seat whatever the order: the counts are a valid
/// start. So the counts at a `λ` are used exactly when their sum is at most `S` — that check
/// is the proof. Two values of `λ = V/T` are tried:
///
/// - a tight one, `T ≈ S + n(c − ½)` less a margin of `⌊√n⌋ + 1`, where `d(k) ≈ k + c`, so
///   that usually only a few seats are left for the heap;
/// - a safe one for which the sum can never exceed `S`: every divisor here satisfies
///   `d(k) ≥ k + c` with `0 ≤ c ≤ 1` (D'Hondt and Imperiali c = 1, both Sainte-Laguës c = ½,
///   Adams and Huntington–Hill c = 0), so a party has `#{k : d(k) < v/λ} ≤ max(0, ⌈v/λ − c⌉)
///   < v/λ − c + 1` quotients above λ, fewer than `V/λ + n(1 − c) = S` in all when
///   `T = S − n(1 − c)`.
///
/// Returns `false` (start from zero) when neither applies (`T ≤ 0`).
fn lower_bound(method: Method, ctx: &Ctx<'_>, qualified: &[usize], out: &mut [u32]) -> bool {
    let s = i128::from(ctx.house);
    let n = qualified.len() as i128;
    let margin = 2 * ((n as f64).sqrt() as i128 + 1);
    // (tight, safe), both as 2T.
    let (tight, safe) = match method {
        Method::DHondt => (2 * s + n - margin, 2 * s),
        Method::SainteLague | Method::ModifiedSainteLague => (2 * s - margin, 2 * s - n),
        Method::Adams => (2 * s - n - margin, 2 * (s - n)),
        Method::HuntingtonHill => (2 * s - margin, 2 * (s - n)),
        Method::Imperiali => (2 * s + 3 * n - margin, 2 * s),
        Method::Hare | Method::Droop => return false,
    };
    let total: u128 = qualified.iter().map(|&i| u128::from(ctx.votes(i))).sum();
    for t2 in [tight, safe] {
        if t2 <= 0 {
            continue;
        }
        let mut sum: u128 = 0;
        for &i in qualified {
            let c = count_above(method, u128::from(ctx.votes(i)), total, t2 as u128);
            sum += c;
            if sum > u128::from(ctx.house) {
                break;
            }
            out[i] = c as u32;
        }
        if sum <= u128::from(ctx.house) {
            return true;
        }
    }
    for &i in qualified {
        out[i] = 0;
    }
    false
}

/// A divisor method.
pub(super) fn divisor(
    method: Method,
    ctx: &Ctx<'_>,
    qualified: &[usize],
    out: &mut [u32],
    ties: &mut Vec<TieBreak>,
) -> Result<(), AllocationError> {
    if method == Method::HuntingtonHill {
        divisor_with::<true>(method, ctx, qualified, out, ties)
    } else {
        divisor_with::<false>(method, ctx, qualified, out, ties)
    }
}

fn divisor_with<const HH: bool>(
    method: Method,
    ctx: &Ctx<'_>,
    qualified: &[usize],
    out: &mut [u32],
    ties: &mut Vec<TieBreak>,
) -> Result<(), AllocationError> {
    let entry = |i: usize, seats: u32| Entry::<HH> {
        votes: ctx.votes(i),
        den: scaled_divisor(method, seats),
        idx: i,
    };
    if !lower_bound(method, ctx, qualified, out) && method.first_seat_for_all() {
        // Divisor 0 first: every qualified party's first quotient is infinite. The caller has
        // checked that there are at least as many seats as qualified parties.
        for &i in qualified {
            out[i] = 1;
        }
    }
    let given: u64 = qualified.iter().map(|&i| u64::from(out[i])).sum();
    let mut left = u64::from(ctx.house).saturating_sub(given);
    if left > 0 {
        let mut heap: BinaryHeap<Entry<HH>> = qualified.iter().map(|&i| entry(i, out[i])).collect();
        while left > 0 {
            let Some(mut top) = heap.peek_mut() else {
                break;
            };
            out[top.idx] += 1;
            top.den = scaled_divisor(method, out[top.idx]);
            left -= 1;
        }
    }
    // The cut: the smallest quotient that won a seat.
    let mut last: Option<Entry<HH>> = None;
    for &i in qualified {
        if out[i] == 0 {
            continue;
        }
        let e = entry(i, out[i] - 1);
        if last.is_none_or(|l| e.cmp_quotient(&l) == Ordering::Less) {
            last = Some(e);
        }
    }
    let Some(cut) = last else {
        return Ok(());
    };
    let mut holders = Vec::new();
    let mut challengers = Vec::new();
    for &i in qualified {
        if out[i] > 0 && entry(i, out[i] - 1).cmp_quotient(&cut) == Ordering::Equal {
            holders.push(i);
        }
        if entry(i, out[i]).cmp_quotient(&cut) == Ordering::Equal {
            challengers.push(i);
        }
    }
    resolve_cut(ctx, TieOn::Quotient, holders, challengers, out, ties)
}

/// The tie rule at the last seat(s).
///
/// `holders` hold a seat won with exactly the cut value (the smallest quotient or remainder
/// that won), `challengers` missed a seat with exactly that value. If there are challengers,
/// the `k = holders.len()` contested seats (`S−k+1 ..= S`) go to the parties of the group with
/// the most votes; among equal votes at the boundary, to the lowest draw tickets.
fn resolve_cut(
    ctx: &Ctx<'_>,
    equal: TieOn,
    holders: Vec<usize>,
    challengers: Vec<usize>,
    out: &mut [u32],
    ties: &mut Vec<TieBreak>,
) -> Result<(), AllocationError> {
    if challengers.is_empty() || holders.is_empty() {
        return Ok(());
    }
    let house = ctx.house;
    let k = holders.len();
    let mut group: Vec<usize> = holders.iter().chain(&challengers).copied().collect();
    group.sort_unstable();
    let mut by_votes = group.clone();
    by_votes.sort_by(|&a, &b| ctx.votes(b).cmp(&ctx.votes(a)).then(a.cmp(&b)));
    let boundary = ctx.votes(by_votes[k - 1]);
    let above: Vec<usize> = by_votes
        .iter()
        .copied()
        .filter(|&i| ctx.votes(i) > boundary)
        .collect();
    let eq: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| ctx.votes(i) == boundary)
        .collect();
    let need = k - above.len();
    let mut winners: Vec<usize> = above.clone();
    let mut draw = None;
    if eq.len() == need {
        winners.extend(&eq);
    } else {
        let first_seat = house - need as u32 + 1;
        let Some(seed) = ctx.seed else {
            return Err(AllocationError::SeedRequired {
                first_seat,
                seats: need as u32,
                tied: ctx.names(&eq),
                equal: match equal {
                    TieOn::Quotient => "quotient",
                    TieOn::Remainder => "remainder",
                },
            });
        };
        let mut tickets: Vec<(String, usize)> = eq
            .iter()
            .map(|&i| (seed.ticket(first_seat, &ctx.parties[i].party), i))
            .collect();
        tickets.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| ctx.parties[a.1].party.cmp(&ctx.parties[b.1].party))
        });
        let mut drawn: Vec<usize> = tickets[..need].iter().map(|t| t.1).collect();
        drawn.sort_unstable();
        winners.extend(&drawn);
        draw = Some(TieBreak {
            first_seat,
            seats: need as u32,
            equal,
            tied: ctx.names(&eq),
            rule: TieRule::Draw,
            winners: ctx.names(&drawn),
            tickets: tickets
                .into_iter()
                .map(|(sha256, i)| DrawTicket {
                    party: ctx.parties[i].party.clone(),
                    sha256,
                })
                .collect(),
        });
    }
    winners.sort_unstable();
    for &h in &holders {
        if winners.binary_search(&h).is_err() {
            out[h] -= 1;
        }
    }
    for &w in &winners {
        if !holders.contains(&w) {
            out[w] += 1;
        }
    }
    if draw.is_none() || group.len() > eq.len() {
        ties.push(TieBreak {
            first_seat: house - k as u32 + 1,
            seats: k as u32,
            equal,
            tied: ctx.names(&group),
            rule: TieRule::MoreVotes,
            winners: ctx.names(&winners),
            tickets: Vec::new(),
        });
    }
    if let Some(d) = draw {
        ties.push(d);
    }
    Ok(())
}
