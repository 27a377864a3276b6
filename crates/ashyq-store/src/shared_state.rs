//! State every server instance on one database shares (migration `0012_shared_state.sql`):
//! short-lived entries under the digest of an id a browser holds — citizens' sessions,
//! sign-ins in progress, the portal's notes after a write — and the failed sign-ins that the
//! throttle counts (`ashyq_core::throttle`). With these here, and operators' sessions in
//! `operator_tokens`, any instance answers any request.
//!
//! Times are Unix milliseconds, passed in by the caller (the store reads no clock), so tests
//! can move time.

use crate::{Store, StoreError};

/// What a shared entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateKind {
    /// A citizen signed in through OpenID Connect.
    CitizenSession,
    /// A sign-in in progress: OpenID Connect state, nonce and PKCE verifier.
    SignInFlow,
    /// The portal's note after a write, shown once.
    Flash,
}

impl StateKind {
    fn as_str(self) -> &'static str {
        match self {
            StateKind::CitizenSession => "citizen_session",
            StateKind::SignInFlow => "signin_flow",
            StateKind::Flash => "flash",
        }
    }
}

/// The failures counted under one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Failures within the window.
    pub count: u64,
    /// Unix ms of the last failure (0: none).
    pub last_failure: i64,
    /// Unix ms before which the key's next try is refused or held.
    pub not_before: i64,
}

impl Store {
    /// Stores (or replaces) an entry until `expires_at`.
    pub async fn put_state(
        &self,
        kind: StateKind,
        digest: &str,
        value: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO shared_state (kind, digest, value, expires_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (kind, digest) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            )
            .bind(kind.as_str()).bind(digest).bind(value).bind(expires_at)
            .execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("storing shared state"))
    }

    /// The entry, if it exists and has not expired at `now`.
    pub async fn state(
        &self,
        kind: StateKind,
        digest: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        with_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT value FROM shared_state WHERE kind = $1 AND digest = $2 AND expires_at > $3",
            )
            .bind(kind.as_str()).bind(digest).bind(now)
            .fetch_optional(pool).await
        })
        .map_err(StoreError::db("reading shared state"))
    }

    /// Removes the entry and returns it if it had not expired: each entry is taken once,
    /// even when two instances race for it.
    pub async fn take_state(
        &self,
        kind: StateKind,
        digest: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String, i64)> = with_pool!(self, pool => {
            sqlx::query_as(
                "DELETE FROM shared_state WHERE kind = $1 AND digest = $2 RETURNING value, expires_at",
            )
            .bind(kind.as_str()).bind(digest)
            .fetch_optional(pool).await
        })
        .map_err(StoreError::db("taking shared state"))?;
        Ok(row.filter(|(_, exp)| *exp > now).map(|(v, _)| v))
    }

    /// Removes the entry, if any.
    pub async fn remove_state(&self, kind: StateKind, digest: &str) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM shared_state WHERE kind = $1 AND digest = $2")
                .bind(kind.as_str()).bind(digest).execute(pool).await.map(drop)
        })
        .map_err(StoreError::db("removing shared state"))
    }

    /// Deletes every entry expired at `now` and every failure count last touched before
    /// `forget_failures_before`; returns how many rows went.
    pub async fn purge_state(
        &self,
        now: i64,
        forget_failures_before: i64,
    ) -> Result<u64, StoreError> {
        let a = with_pool!(self, pool => {
            sqlx::query("DELETE FROM shared_state WHERE expires_at <= $1")
                .bind(now).execute(pool).await.map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("purging shared state"))?;
        let b = with_pool!(self, pool => {
            sqlx::query("DELETE FROM signin_failures WHERE last_failure < $1 AND not_before <= $2")
                .bind(forget_failures_before).bind(now).execute(pool).await.map(|r| r.rows_affected())
        })
        .map_err(StoreError::db("purging failed sign-ins"))?;
        Ok(a + b)
    }

    /// The failures under `key` that happened at or after `since`.
    pub async fn signin_failures(&self, key: &str, since: i64) -> Result<Failures, StoreError> {
        let row: Option<(i64, i64, i64)> = with_pool!(self, pool => {
            sqlx::query_as("SELECT failures, last_failure, not_before FROM signin_failures WHERE key = $1")
                .bind(key).fetch_optional(pool).await
        })
        .map_err(StoreError::db("reading failed sign-ins"))?;
        Ok(match row {
            Some((count, last, not_before)) if last >= since => Failures {
                count: u64::try_from(count).unwrap_or(0),
                last_failure: last,
                not_before,
            },
            Some((_, last, not_before)) => Failures {
                count: 0,
                last_failure: last,
                not_before,
            },
            None => Failures {
                count: 0,
                last_failure: 0,
                not_before: 0,
            },
        })
    }

    /// Counts one more failure under `key` at `now` (failures last seen before `since` are
    /// forgotten first), then pushes the key's `not_before` to `now + delay(count)`, where
    /// `delay` is the caller's rule. The count is incremented in one statement, so failures
    /// on several instances at once are all counted.
    pub async fn record_signin_failure(
        &self,
        key: &str,
        now: i64,
        since: i64,
        delay_ms: impl FnOnce(u64) -> u64,
    ) -> Result<Failures, StoreError> {
        let count = self.count_in_window(key, now, since).await?;
        let until = now.saturating_add(i64::try_from(delay_ms(count)).unwrap_or(i64::MAX));
        let not_before: i64 = with_pool!(self, pool => {
            sqlx::query_scalar(
                "UPDATE signin_failures SET not_before = CASE WHEN not_before < $2 THEN $2 ELSE not_before END
                 WHERE key = $1 RETURNING not_before",
            )
            .bind(key).bind(until)
            .fetch_one(pool).await
        })
        .map_err(StoreError::db("delaying sign-ins"))?;
        Ok(Failures {
            count,
            last_failure: now,
            not_before,
        })
    }

    /// Counts one more use under `key` at `now` and returns the uses counted since
    /// `since` (a window that starts again once the last use is older than it), in one
    /// statement, so uses on several instances at once are all counted: a rate limit shared
    /// by every instance. Kept in the table of failed sign-ins under the caller's own key
    /// prefix (e.g. `voter-lookup:`), and purged with them.
    pub async fn count_in_window(
        &self,
        key: &str,
        now: i64,
        since: i64,
    ) -> Result<u64, StoreError> {
        let count: i64 = with_pool!(self, pool => {
            sqlx::query_scalar(
                "INSERT INTO signin_failures (key, failures, last_failure, not_before) VALUES ($1, 1, $2, 0)
                 ON CONFLICT (key) DO UPDATE SET
                   failures = CASE WHEN signin_failures.last_failure < $3 THEN 1 ELSE signin_failures.failures + 1 END,
                   last_failure = $2
                 RETURNING failures",
            )
            .bind(key).bind(now).bind(since)
            .fetch_one(pool).await
        })
        .map_err(StoreError::db("counting a rate-limited use"))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Forgets the failures under `keys` (after a successful sign-in).
    pub async fn clear_signin_failures(&self, keys: &[&str]) -> Result<(), StoreError> {
        for key in keys {
            with_pool!(self, pool => {
                sqlx::query("DELETE FROM signin_failures WHERE key = $1")
                    .bind(*key).execute(pool).await.map(drop)
            })
            .map_err(StoreError::db("clearing failed sign-ins"))?;
        }
        Ok(())
    }
}
