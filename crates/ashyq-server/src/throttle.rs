//! Sign-in throttling shared by every instance: the rule is `ashyq_core::throttle`, the counts
//! live in the database (`ashyq_store::shared_state`). Before a password is checked,
//! [`before_try`] refuses a client address (or an account from that address) that owes a
//! delay, and holds the answer for the account's own, short delay; after the check,
//! [`after_try`] counts a failure under every key or clears the account's keys.

use std::time::Duration;

use ashyq_core::throttle::{WhenOwed, keys};
use axum::http::StatusCode;

use crate::AppState;
use crate::limits::ClientAddress;
use crate::problem::Problem;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Account names in keys are cut to the longest valid name, so a long name costs no space.
fn account_key(name: &str) -> String {
    name.chars()
        .take(ashyq_store::operators::MAX_NAME_CHARS)
        .collect()
}

/// Refuses the try when the address or the account-from-this-address owes a delay, and
/// waits out the account's own delay (never refused: the owner always gets through).
pub(crate) async fn before_try(
    state: &AppState,
    account: &str,
    client: &ClientAddress,
) -> Result<(), Problem> {
    let rules = &state.config.throttle;
    let now = now_ms();
    let account = account_key(account);
    let mut hold = 0i64;
    for (key, rule, when) in keys(rules, &account, &client.to_string()) {
        let since = now.saturating_sub(i64::try_from(rule.window_ms).unwrap_or(i64::MAX));
        let f = state
            .registrar
            .store()
            .signin_failures(&key, since)
            .await
            .map_err(Problem::store)?;
        let owed = f.not_before - now;
        if owed <= 0 {
            continue;
        }
        match when {
            WhenOwed::Refuse => {
                let secs = ((owed + 999) / 1000).max(1);
                let whose = if key.starts_with("address:") {
                    "from this address"
                } else {
                    "for this account from this address"
                };
                return Err(Problem::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate-limited",
                    format!(
                        "too many failed sign-ins {whose}; try again in {secs} s. Each further failure doubles the wait; a correct password from another address is not delayed by this"
                    ),
                )
                .retry_after(u64::try_from(secs).unwrap_or(1)));
            }
            WhenOwed::Hold => {
                hold = hold.max(owed.min(i64::try_from(rule.max_delay_ms).unwrap_or(0)));
            }
        }
    }
    if hold > 0 {
        tokio::time::sleep(Duration::from_millis(hold.unsigned_abs())).await;
    }
    Ok(())
}

/// Counts a failed try under every key, or clears the account's keys after a success (the
/// address keeps its count: one good password does not excuse guessing at other accounts).
pub(crate) async fn after_try(
    state: &AppState,
    account: &str,
    client: &ClientAddress,
    succeeded: bool,
) -> Result<(), Problem> {
    let rules = &state.config.throttle;
    let account = account_key(account);
    let keys = keys(rules, &account, &client.to_string());
    let store = state.registrar.store();
    if succeeded {
        let clear: Vec<&str> = keys
            .iter()
            .filter(|(k, ..)| !k.starts_with("address:"))
            .map(|(k, ..)| k.as_str())
            .collect();
        return store
            .clear_signin_failures(&clear)
            .await
            .map_err(Problem::store);
    }
    let now = now_ms();
    for (key, rule, _) in &keys {
        let since = now.saturating_sub(i64::try_from(rule.window_ms).unwrap_or(i64::MAX));
        store
            .record_signin_failure(key, now, since, |n| rule.delay_ms(n))
            .await
            .map_err(Problem::store)?;
    }
    Ok(())
}
