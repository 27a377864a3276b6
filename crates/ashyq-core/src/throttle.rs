//! Sign-in throttling by growing delays (OWASP ASVS 2.2.1): the rule, with no clock and no
//! storage. The server keeps the failure counts in the database, so every instance sees the
//! same ones (`ashyq_store::shared_state`), and applies three of these rules at once:
//!
//! - per client address (against any account): stops one address guessing many accounts;
//! - per account *and* address: stops one address guessing one account;
//! - per account from every address: slows a distributed guess at one account.
//!
//! The first two refuse a try until the delay has passed (429 with `Retry-After`). The third
//! never refuses: it only holds the answer for its delay, capped at a few seconds. So nobody
//! can lock an owner out of their own account: from an address that has not failed, the owner
//! always gets in, at worst a few seconds later. A success clears the account's counts.

/// One rule: how many failures are free, then a delay that doubles per failure up to a cap.
/// Failures older than the window are forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayRule {
    /// Failures that cost nothing (typing mistakes).
    pub free_failures: u32,
    /// The delay after the first failure beyond the free ones, in milliseconds.
    pub first_delay_ms: u64,
    /// The longest delay, in milliseconds.
    pub max_delay_ms: u64,
    /// How long a failure is remembered, in milliseconds.
    pub window_ms: u64,
}

impl DelayRule {
    /// The delay owed after `failures` failures within the window.
    pub fn delay_ms(&self, failures: u64) -> u64 {
        let free = u64::from(self.free_failures);
        if failures <= free {
            return 0;
        }
        // Doubling: first, 2·first, 4·first, … — the shift is capped so it cannot overflow.
        let doublings = (failures - free - 1).min(40) as u32;
        self.first_delay_ms
            .saturating_mul(1u64 << doublings)
            .min(self.max_delay_ms)
    }
}

/// What a rule does when its delay is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenOwed {
    /// Refuse the try until the delay has passed.
    Refuse,
    /// Hold the answer for the delay, then check the password as usual.
    Hold,
}

/// The three rules the server applies to password sign-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInThrottle {
    /// Per client address, against any account (refuses).
    pub address: DelayRule,
    /// Per account and client address (refuses).
    pub pair: DelayRule,
    /// Per account from every address (holds; never refuses).
    pub account: DelayRule,
}

impl Default for SignInThrottle {
    /// Ten free failures per address, then 1 s doubling to 5 minutes; three per account and
    /// address, then 1 s doubling to 15 minutes; five per account, then 250 ms doubling to
    /// 4 s of hold. Failures are remembered for an hour.
    fn default() -> Self {
        const HOUR: u64 = 3_600_000;
        SignInThrottle {
            address: DelayRule {
                free_failures: 10,
                first_delay_ms: 1_000,
                max_delay_ms: 5 * 60_000,
                window_ms: HOUR,
            },
            pair: DelayRule {
                free_failures: 3,
                first_delay_ms: 1_000,
                max_delay_ms: 15 * 60_000,
                window_ms: HOUR,
            },
            account: DelayRule {
                free_failures: 5,
                first_delay_ms: 250,
                max_delay_ms: 4_000,
                window_ms: HOUR,
            },
        }
    }
}

/// The keys a sign-in's failures are counted under, with the rule of each.
pub fn keys<'a>(
    throttle: &'a SignInThrottle,
    account: &str,
    address: &str,
) -> [(String, &'a DelayRule, WhenOwed); 3] {
    [
        (
            format!("address:{address}"),
            &throttle.address,
            WhenOwed::Refuse,
        ),
        (
            format!("pair:{account}@{address}"),
            &throttle.pair,
            WhenOwed::Refuse,
        ),
        (
            format!("account:{account}"),
            &throttle.account,
            WhenOwed::Hold,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn delays_start_after_the_free_failures_and_double_to_the_cap() {
        let r = SignInThrottle::default().pair;
        assert_eq!(r.delay_ms(0), 0);
        assert_eq!(r.delay_ms(3), 0);
        assert_eq!(r.delay_ms(4), 1_000);
        assert_eq!(r.delay_ms(5), 2_000);
        assert_eq!(r.delay_ms(6), 4_000);
        assert_eq!(r.delay_ms(14), 15 * 60_000);
        assert_eq!(r.delay_ms(u64::MAX), 15 * 60_000);
    }

    #[test]
    fn the_account_rule_only_holds_and_for_seconds_at_most() {
        let t = SignInThrottle::default();
        let [a, p, acc] = keys(&t, "alice", "192.0.2.1");
        assert_eq!((a.0.as_str(), a.2), ("address:192.0.2.1", WhenOwed::Refuse));
        assert_eq!(
            (p.0.as_str(), p.2),
            ("pair:alice@192.0.2.1", WhenOwed::Refuse)
        );
        assert_eq!((acc.0.as_str(), acc.2), ("account:alice", WhenOwed::Hold));
        assert!(acc.1.delay_ms(u64::MAX) <= 4_000);
    }

    proptest! {
        #[test]
        fn delays_never_shrink_with_more_failures_and_never_pass_the_cap(
            free in 0u32..20, first in 1u64..10_000, max in 1u64..10_000_000, f in 0u64..1_000
        ) {
            let r = DelayRule { free_failures: free, first_delay_ms: first, max_delay_ms: max, window_ms: 1 };
            prop_assert!(r.delay_ms(f) <= r.delay_ms(f + 1));
            prop_assert!(r.delay_ms(f) <= max);
            prop_assert_eq!(r.delay_ms(f) == 0, f <= u64::from(free));
        }
    }
}
