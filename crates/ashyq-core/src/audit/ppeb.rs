//! Draws with probability proportional to error bound (PPEB: Aslam, Popa & Rivest, EVT 2008;
//! Stark, "Risk-limiting post-election audits: P-values from common probability inequalities",
//! 2009), with replacement, derived from the consistent sampler's SHA-256 stream so anyone
//! re-derives them from the seed alone (Arlo draws them with NumPy's generator instead).
//!
//! **The rule.** The batches are listed in a fixed order (precincts by number) with integer
//! weights `w_i` (for MACRO the error-bound numerator `v_w − v_l + b`, see
//! [`super::comparison`]); `W = Σ w_i`. Each contest has its own stream: draw k = 1, 2, … of
//! contest c takes the ticket number `t_k = sha256_uniform(sha256_hex(seed) ‖ "ppeb:" ‖ c ‖ ":"
//! ‖ k)` — the sampler's first fraction of the text `ppeb:<c>:k` (`ppeb:national:1`,
//! `ppeb:KZ-75:1`) — and the integer `r_k = ⌊t_k · W⌋`, computed exactly from all the digits of
//! `t_k`; it selects the batch i with `w_1 + … + w_{i−1} ≤ r_k < w_1 + … + w_i`. The
//! generation of a draw is how many times its batch has been drawn so far, this draw included.
//! A later round continues with the next k, so it extends the same sequence.
//!
//! Audits defined before the streams were per contest ([`Stream::Shared`]: their definition
//! in the log names no stream) drew every contest from the one stream `ppeb:k`; they keep
//! it, so their logs still verify.

use num_bigint::BigUint;

use super::sampler::{Sampler, Ticket};

/// Which texts a contest's draws hash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// `ppeb:k` for every contest: audits defined before per-contest streams (the default
    /// when a definition names none).
    #[default]
    Shared,
    /// `ppeb:<contest>:k`: each contest its own stream.
    PerContest,
}

impl Stream {
    /// Whether this is the old shared stream (a definition then names none).
    pub fn is_shared(&self) -> bool {
        *self == Stream::Shared
    }

    /// The text whose ticket makes draw `k` of `contest`.
    pub fn draw_text(self, contest: &str, k: u64) -> String {
        match self {
            Stream::Shared => format!("ppeb:{k}"),
            Stream::PerContest => format!("ppeb:{contest}:{k}"),
        }
    }
}

/// `⌊t · W⌋` for a ticket number `t = 0.d₁d₂…d_L`, exactly: `⌊D · W / 10^L⌋`.
pub fn scale(ticket: &str, total: u64) -> u64 {
    let digits = ticket.strip_prefix("0.").unwrap_or(ticket);
    let d = BigUint::parse_bytes(digits.as_bytes(), 10).unwrap_or_default();
    let ten_l = BigUint::from(10u8).pow(digits.len() as u32);
    let r = d * BigUint::from(total) / ten_l;
    // r < total since t < 1.
    u64::try_from(r).unwrap_or(total.saturating_sub(1))
}

/// Draws `drop + take` batches of `contest` by the rule above from `stream` and returns the
/// last `take`. An empty result when every weight is zero (nothing can be drawn).
pub fn draw(
    sampler: &Sampler,
    stream: Stream,
    contest: &str,
    batches: &[(String, u64)],
    drop: u64,
    take: u64,
) -> Vec<Ticket> {
    let total: u64 = batches.iter().map(|(_, w)| *w).sum();
    if total == 0 {
        return Vec::new();
    }
    let mut cumulative = Vec::with_capacity(batches.len());
    let mut sum = 0u64;
    for (_, w) in batches {
        sum += w;
        cumulative.push(sum);
    }
    let mut times = vec![0u32; batches.len()];
    let mut out = Vec::with_capacity(take as usize);
    for k in 1..=drop + take {
        let t = sampler.fraction(&stream.draw_text(contest, k));
        let r = scale(&t, total);
        // The first batch whose cumulative weight exceeds r.
        let i = cumulative.partition_point(|&c| c <= r);
        times[i] += 1;
        if k > drop {
            out.push(Ticket {
                number: t,
                id: batches[i].0.clone(),
                generation: times[i],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches() -> Vec<(String, u64)> {
        vec![
            ("101".to_string(), 5),
            ("102".to_string(), 3),
            ("103".to_string(), 2),
        ]
    }

    /// The rows of the test vectors in `docs/audit.md`, as this code computes them: per stream,
    /// each draw's text, its ticket (8 digits), r and the batch with its generation.
    fn doc_rows() -> Vec<String> {
        let s = Sampler::new("01382438112797316654");
        let mut rows = Vec::new();
        for contest in ["national", "KZ-75"] {
            let d = draw(&s, Stream::PerContest, contest, &batches(), 0, 3);
            let parts: Vec<String> = d
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    format!(
                        "`{}`: `t = {}…` → r {} → `{}`{}",
                        Stream::PerContest.draw_text(contest, i as u64 + 1),
                        &t.number[..10],
                        scale(&t.number, 10),
                        t.id,
                        if t.generation > 1 {
                            format!(" (generation {})", t.generation)
                        } else {
                            String::new()
                        }
                    )
                })
                .collect();
            rows.push(format!(
                "| PPEB, contest `{contest}`, same seed, weights `101`:5 `102`:3 `103`:2 | {} |",
                parts.join("; ")
            ));
        }
        rows
    }

    #[test]
    fn the_documented_vectors_are_the_codes() {
        let doc = include_str!("../../../../docs/audit.md");
        let missing: Vec<String> = doc_rows()
            .into_iter()
            .filter(|r| !doc.contains(r))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/audit.md lacks the rows (copy them from this message):\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn each_contest_has_its_own_stream() {
        let s = Sampler::new("01382438112797316654");
        let a = draw(&s, Stream::PerContest, "national", &batches(), 0, 40);
        let b = draw(&s, Stream::PerContest, "KZ-75", &batches(), 0, 40);
        assert_ne!(a, b);
        assert_eq!(
            Stream::PerContest.draw_text("KZ-75", 3),
            "ppeb:KZ-75:3".to_string()
        );
        // The shared stream ignores the contest: the draws of audits defined before.
        assert_eq!(
            draw(&s, Stream::Shared, "national", &batches(), 0, 5),
            draw(&s, Stream::Shared, "KZ-75", &batches(), 0, 5)
        );
        assert!(Stream::default().is_shared());
    }

    #[test]
    fn a_test_vector_from_the_reference_fractions() {
        // The reference's first_fraction('ppeb:k', '01382438112797316654') for k = 1, 2, 3
        // is 0.63685607…, 0.68683346…, 0.93131605…; with weights 5, 3, 2 (W = 10) the
        // draws are r = 6, 6, 9: precinct 102, 102 again, then 103.
        let s = Sampler::new("01382438112797316654");
        assert_eq!(
            s.fraction("ppeb:1"),
            "0.63685607174194214288631729993805804258214099455415695467404546791809540166368"
        );
        let got: Vec<(String, u32)> = draw(&s, Stream::Shared, "national", &batches(), 0, 3)
            .into_iter()
            .map(|t| (t.id, t.generation))
            .collect();
        assert_eq!(
            got,
            [
                ("102".to_string(), 1),
                ("102".to_string(), 2),
                ("103".to_string(), 1)
            ]
        );
        assert_eq!(scale("0.5", 10), 5);
        assert_eq!(scale("0.4999", 10), 4);
        assert_eq!(scale("0.99999999999999999999999", 7), 6);
        assert_eq!(scale("0.0", 7), 0);
    }

    #[test]
    fn weights_decide_the_frequencies() {
        let s = Sampler::new("31415926535897932384");
        let batches = vec![
            ("1".to_string(), 1),
            ("2".to_string(), 0),
            ("3".to_string(), 3),
        ];
        let d = draw(&s, Stream::PerContest, "KZ-75", &batches, 0, 4000);
        let ones = d.iter().filter(|t| t.id == "1").count();
        let twos = d.iter().filter(|t| t.id == "2").count();
        assert_eq!(twos, 0, "a batch of weight 0 is never drawn");
        // Expected 1000 of 4000; 5 standard deviations is ±137.
        assert!((863..=1137).contains(&ones), "{ones}");
        // Generations count each batch's draws.
        let last_one = d.iter().rev().find(|t| t.id == "1").unwrap();
        assert_eq!(last_one.generation as usize, ones);
    }

    #[test]
    fn a_later_round_extends_the_sequence() {
        let s = Sampler::new("27182818284590452353");
        let batches: Vec<(String, u64)> = (1..=50).map(|i| (i.to_string(), i)).collect();
        for stream in [Stream::Shared, Stream::PerContest] {
            let all = draw(&s, stream, "KZ-75", &batches, 0, 30);
            let later = draw(&s, stream, "KZ-75", &batches, 20, 10);
            assert_eq!(&all[20..], &later[..]);
            assert!(draw(&s, stream, "KZ-75", &[("1".into(), 0)], 0, 5).is_empty());
        }
    }
}
