//! A floating-point implementation of the same methods — **only the benchmark baseline**.
//!
//! It shows what exactness costs against the way seat calculators are usually written: quotas,
//! remainders and quotients as `f64`, Huntington–Hill with `sqrt`. It uses the same algorithm
//! as the exact path (a lower bound on each party's seats, then a heap for the last seats), so
//! the difference in time is the arithmetic, not the algorithm. It does not decide anything:
//! rounding can turn an exact tie into a difference (or a difference into a tie), and ties that
//! remain are broken by more votes and then by input order, never by a draw, and are not
//! reported. Use [`super::allocate`] for results.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{AllocationError, AllocationRules, Method, PartyVotes, validate};

#[derive(Clone, Copy)]
struct Entry {
    quotient: f64,
    votes: u64,
    idx: usize,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.quotient
            .total_cmp(&other.quotient)
            .then(self.votes.cmp(&other.votes))
            .then(other.idx.cmp(&self.idx))
    }
}

fn divisor_f64(method: Method, n: u32) -> f64 {
    let n = f64::from(n);
    match method {
        Method::DHondt => n + 1.0,
        Method::SainteLague => 2.0 * n + 1.0,
        Method::ModifiedSainteLague => {
            if n == 0.0 {
                1.4
            } else {
                2.0 * n + 1.0
            }
        }
        Method::Adams => n,
        Method::HuntingtonHill => (n * (n + 1.0)).sqrt(),
        Method::Imperiali => n + 2.0,
        Method::Hare | Method::Droop => n + 1.0,
    }
}

/// Seats per party in input order, computed in `f64`. Same validation and errors as
/// [`super::allocate`] (except that ties never need a seed).
pub fn allocate_f64(
    rules: &AllocationRules,
    parties: &[PartyVotes],
    against_all: u64,
) -> Result<Vec<u32>, AllocationError> {
    let (base, _) = validate(rules, parties, against_all)?;
    let threshold = rules.threshold.numerator as f64 / rules.threshold.denominator as f64;
    let base_f = base as f64;
    let qualified: Vec<usize> = (0..parties.len())
        .filter(|&i| parties[i].votes > 0 && parties[i].votes as f64 / base_f >= threshold)
        .collect();
    if qualified.is_empty() {
        return Err(AllocationError::NoQualifyingParty {
            threshold: rules.threshold.percent(),
            base_votes: base,
            best_party: String::new(),
            best_percent: String::new(),
        });
    }
    if rules.method.first_seat_for_all() && qualified.len() > rules.seats as usize {
        return Err(AllocationError::MoreQualifiedPartiesThanSeats {
            method: rules.method,
            parties: qualified.len(),
            seats: rules.seats,
        });
    }
    let mut out = vec![0u32; parties.len()];
    let seats = f64::from(rules.seats);
    let total: f64 = qualified.iter().map(|&i| parties[i].votes as f64).sum();
    match rules.method {
        Method::Hare | Method::Droop => {
            let quota = if rules.method == Method::Hare {
                total / seats
            } else {
                (total / (seats + 1.0)).floor() + 1.0
            };
            let mut ranked: Vec<(f64, u64, usize)> = Vec::with_capacity(qualified.len());
            let mut given = 0u32;
            for &i in &qualified {
                let q = parties[i].votes as f64 / quota;
                let whole = q.floor();
                out[i] = whole as u32;
                given += out[i];
                ranked.push((q - whole, parties[i].votes, i));
            }
            let left = rules.seats.saturating_sub(given) as usize;
            let n = qualified.len();
            for &i in &qualified {
                out[i] += (left / n) as u32;
            }
            let rest = left % n;
            if rest > 0 {
                ranked.select_nth_unstable_by(rest - 1, |a, b| {
                    b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
                });
                for r in &ranked[..rest] {
                    out[r.2] += 1;
                }
            }
        }
        method => {
            lower_bound_f64(method, parties, &qualified, total, rules.seats, &mut out);
            let given: u32 = qualified.iter().map(|&i| out[i]).sum();
            let mut heap: BinaryHeap<Entry> = qualified
                .iter()
                .map(|&i| Entry {
                    quotient: parties[i].votes as f64 / divisor_f64(method, out[i]),
                    votes: parties[i].votes,
                    idx: i,
                })
                .collect();
            for _ in given..rules.seats {
                let Some(mut top) = heap.peek_mut() else {
                    break;
                };
                out[top.idx] += 1;
                top.quotient = top.votes as f64 / divisor_f64(method, out[top.idx]);
            }
        }
    }
    Ok(out)
}

/// The lower bound of the exact path (see `methods::lower_bound`: a tight `λ`, else a safe
/// one, used when the counts add up to at most `S`), in `f64`; at least one seat each for
/// Adams and Huntington–Hill.
fn lower_bound_f64(
    method: Method,
    parties: &[PartyVotes],
    qualified: &[usize],
    total: f64,
    seats: u32,
    out: &mut [u32],
) {
    let s = f64::from(seats);
    let n = qualified.len() as f64;
    let margin = n.sqrt().floor() + 1.0;
    let (tight, safe) = match method {
        Method::DHondt => (s + n / 2.0 - margin, s),
        Method::SainteLague | Method::ModifiedSainteLague => (s - margin, s - n / 2.0),
        Method::Adams => (s - n / 2.0 - margin, s - n),
        Method::HuntingtonHill => (s - margin, s - n),
        _ => (s + 1.5 * n - margin, s),
    };
    let first = u32::from(method.first_seat_for_all());
    for t in [tight, safe] {
        if t <= 0.0 {
            continue;
        }
        let mut sum = 0.0;
        for &i in qualified {
            let y = parties[i].votes as f64 * t / total;
            let count = match method {
                Method::DHondt => (y - 1.0).ceil(),
                Method::SainteLague => (y - 0.5).ceil(),
                Method::ModifiedSainteLague => {
                    if y > 0.7 {
                        (y - 0.5).ceil().max(1.0)
                    } else {
                        0.0
                    }
                }
                Method::Adams => y.ceil(),
                Method::HuntingtonHill => ((-1.0 + (1.0 + 4.0 * y * y).sqrt()) / 2.0).ceil(),
                _ => (y - 2.0).ceil(),
            }
            .max(0.0);
            sum += count;
            out[i] = count as u32;
        }
        if sum <= s {
            return;
        }
    }
    for &i in qualified {
        out[i] = first;
    }
}
