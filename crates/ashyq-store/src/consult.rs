//! The consultation's persistence (migration `0003_consult.sql`): its append-only,
//! hash-chained log (`consult_log`) and the versions of legal acts (`act_versions`), both
//! refusing UPDATE and DELETE by trigger, on SQLite and PostgreSQL. The write path with the
//! in-memory state is [`crate::secretariat::Secretariat`].

use ashyq_core::consult::{ConsultEntry, act_sha256};
use ashyq_core::legal::Act;
use sqlx::QueryBuilder;

use crate::error::{from_bigint, to_bigint};
use crate::{LogHash, Pool, Store, StoreError};

/// Advisory lock key serializing consultation appenders on PostgreSQL ("ashyq" + 3).
const CONSULT_LOCK: i64 = 0x6173_6879_7100_0003;
/// Bind parameters per row of `consult_log`.
const CONSULT_BINDS: usize = 6;
/// Rows per multi-row INSERT (well under both backends' bind limits).
const ROWS_PER_INSERT: usize = 4_000;

const CONSULT_HEAD_SQL: &str = "SELECT seq, hash FROM consult_log ORDER BY seq DESC LIMIT 1";

/// The tables that only grow, with the names of their triggers.
const APPEND_ONLY: [&str; 2] = ["consult_log", "act_versions"];

/// A version of an act as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAct {
    /// The order in which it was stored (1, 2, …).
    pub position: u64,
    /// SHA-256 of the act's JSON.
    pub content_sha256: String,
    /// When it was stored (RFC 3339).
    pub stored_at: String,
    /// The act.
    pub act: Act,
}

/// What storing a version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActStored {
    /// A new version, at this position.
    New(u64),
    /// The same content was already stored at this position; nothing changed.
    Known(u64),
}

fn genesis() -> String {
    "0".repeat(64)
}

impl Store {
    /// Installs the triggers that make `consult_log` and `act_versions` append-only (as
    /// `event_log`: see `install_append_only_triggers`). Idempotent.
    pub(crate) async fn install_consult_triggers(&self) -> Result<(), StoreError> {
        let action = "installing the append-only triggers on consult_log and act_versions";
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut sql = String::new();
                for t in APPEND_ONLY {
                    sql.push_str(&format!(
                        "CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
                         BEGIN SELECT RAISE(ABORT, '{t} is append-only: UPDATE is not allowed'); END;
                         CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t}
                         BEGIN SELECT RAISE(ABORT, '{t} is append-only: DELETE is not allowed'); END;"
                    ));
                }
                sqlx::raw_sql(&sql)
                    .execute(pool)
                    .await
                    .map_err(StoreError::db(action))?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(crate::SCHEMA_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
                let (present,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pg_trigger
                     WHERE tgname IN ('consult_log_append_only', 'consult_log_no_truncate',
                                      'act_versions_append_only', 'act_versions_no_truncate')",
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::db(action))?;
                if present != 4 {
                    let mut sql = String::from(
                        "CREATE OR REPLACE FUNCTION ashyq_append_only() RETURNS trigger
                         LANGUAGE plpgsql AS $$
                         BEGIN
                             RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
                         END
                         $$;",
                    );
                    for t in APPEND_ONLY {
                        sql.push_str(&format!(
                            "DROP TRIGGER IF EXISTS {t}_append_only ON {t};
                             CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
                                 FOR EACH ROW EXECUTE FUNCTION ashyq_append_only();
                             DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};
                             CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
                                 FOR EACH STATEMENT EXECUTE FUNCTION ashyq_append_only();"
                        ));
                    }
                    sqlx::raw_sql(&sql)
                        .execute(&mut *tx)
                        .await
                        .map_err(StoreError::db(action))?;
                }
                tx.commit().await.map_err(StoreError::db(action))?;
            }
        }
        Ok(())
    }

    /// Appends consultation log entries in one transaction: all of them or none.
    ///
    /// The first entry must continue the stored head (else [`StoreError::HeadMoved`]) and the
    /// entries must chain among themselves (else [`StoreError::BrokenChain`]); hashes and
    /// rules are the consultation's to check (`Consultation::apply_entry`). Writers are
    /// serialized as for the referendum log. An empty slice does nothing.
    pub async fn append_consult(&self, entries: &[ConsultEntry]) -> Result<(), StoreError> {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        let mut rows = Vec::with_capacity(entries.len());
        let mut previous: Option<&ConsultEntry> = None;
        for e in entries {
            if let Some(p) = previous
                && (p.seq.checked_add(1) != Some(e.seq) || e.prev != p.hash)
            {
                return Err(StoreError::BrokenChain {
                    seq: e.seq,
                    reason: format!(
                        "it must be seq {} with prev {} (the entry before it)",
                        p.seq.saturating_add(1),
                        p.hash
                    ),
                });
            }
            previous = Some(e);
            let event = serde_json::to_string(&e.event).map_err(|err| StoreError::BrokenChain {
                seq: e.seq,
                reason: format!("its event does not serialize: {err}"),
            })?;
            rows.push((
                to_bigint(e.seq, || "consult_log seq".to_owned())?,
                e.prev.as_str(),
                e.hash.as_str(),
                e.event.kind(),
                e.recorded_at.as_str(),
                event,
            ));
        }
        let check_head = |head: Option<(i64, String)>| -> Result<(), StoreError> {
            let (expected_seq, expected_prev) = match head {
                None => (1, genesis()),
                Some((seq, hash)) => (u64::try_from(seq).unwrap_or(0).saturating_add(1), hash),
            };
            if first.seq != expected_seq || first.prev != expected_prev {
                return Err(StoreError::HeadMoved {
                    expected_seq,
                    expected_prev: LogHash(expected_prev),
                    found_seq: first.seq,
                    found_prev: LogHash(first.prev.clone()),
                });
            }
            Ok(())
        };
        let action = "appending to consult_log";
        macro_rules! write_rows {
            ($tx:ident, $db:ty) => {
                async {
                    let head: Option<(i64, String)> = sqlx::query_as(CONSULT_HEAD_SQL)
                        .fetch_optional(&mut *$tx)
                        .await
                        .map_err(StoreError::db("reading the head of consult_log"))?;
                    check_head(head)?;
                    for chunk in rows.chunks(ROWS_PER_INSERT.min(30_000 / CONSULT_BINDS)) {
                        let mut qb: QueryBuilder<'_, $db> = QueryBuilder::new(
                            "INSERT INTO consult_log (seq, prev, hash, kind, recorded_at, event) ",
                        );
                        qb.push_values(chunk, |mut b, r| {
                            b.push_bind(r.0)
                                .push_bind(r.1)
                                .push_bind(r.2)
                                .push_bind(r.3)
                                .push_bind(r.4)
                                .push_bind(r.5.as_str());
                        });
                        qb.build()
                            .execute(&mut *$tx)
                            .await
                            .map_err(StoreError::db(action))?;
                    }
                    Ok::<(), StoreError>(())
                }
            };
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::db(
                        "taking the SQLite write lock (BEGIN IMMEDIATE)",
                    ))?;
                write_rows!(tx, sqlx::Sqlite).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CONSULT_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("taking the consultation append lock"))?;
                write_rows!(tx, sqlx::Postgres).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
            }
        }
        tracing::debug!(
            backend = self.backend(),
            entries = entries.len(),
            "appended to consult_log"
        );
        Ok(())
    }

    /// The last consultation entry's sequence number and hash, or `None` when there is none.
    pub async fn consult_head(&self) -> Result<Option<(u64, String)>, StoreError> {
        let row: Option<(i64, String)> = with_pool!(self, pool => {
            sqlx::query_as(CONSULT_HEAD_SQL).fetch_optional(pool).await
        })
        .map_err(StoreError::db("reading the head of consult_log"))?;
        row.map(|(seq, hash)| Ok((from_bigint(seq, || "consult_log seq".to_owned())?, hash)))
            .transpose()
    }

    /// Up to `limit` consultation entries with `seq > after_seq`, in order.
    pub async fn consult_entries_after(
        &self,
        after_seq: u64,
        limit: u32,
    ) -> Result<Vec<ConsultEntry>, StoreError> {
        let Ok(after) = i64::try_from(after_seq) else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i64, String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT seq, prev, hash, recorded_at, event FROM consult_log
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
        })
        .map_err(StoreError::db("reading consult_log"))?;
        rows.into_iter()
            .map(|(seq, prev, hash, recorded_at, event)| {
                let what = || format!("consult_log entry seq {seq}");
                let event = serde_json::from_str(&event).map_err(|e| StoreError::CorruptRow {
                    what: what(),
                    reason: e.to_string(),
                })?;
                Ok(ConsultEntry {
                    seq: from_bigint(seq, what)?,
                    prev,
                    recorded_at,
                    event,
                    hash,
                })
            })
            .collect()
    }

    /// Stores a version of an act. The same content under the same (work, version) again
    /// changes nothing ([`ActStored::Known`]); other content under a label already used is
    /// refused with [`StoreError::ActVersionExists`] (a stored version never changes).
    pub async fn store_act_version(
        &self,
        act: &Act,
        stored_at: &str,
    ) -> Result<ActStored, StoreError> {
        let json = serde_json::to_string(act).map_err(|e| StoreError::CorruptRow {
            what: format!("act {}@{}", act.work, act.version),
            reason: e.to_string(),
        })?;
        let sha = act_sha256(act);
        let action = "storing an act version";
        macro_rules! store_version {
            ($tx:ident) => {
                async {
                    let existing: Option<(i64, String)> = sqlx::query_as(
                        "SELECT position, content_sha256 FROM act_versions
                         WHERE work = $1 AND version = $2",
                    )
                    .bind(&act.work)
                    .bind(&act.version)
                    .fetch_optional(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                    if let Some((position, stored_sha)) = existing {
                        let position = from_bigint(position, || "act_versions position".into())?;
                        return if stored_sha == sha {
                            Ok(ActStored::Known(position))
                        } else {
                            Err(StoreError::ActVersionExists {
                                work: act.work.clone(),
                                version: act.version.clone(),
                            })
                        };
                    }
                    let (last,): (Option<i64>,) =
                        sqlx::query_as("SELECT MAX(position) FROM act_versions")
                            .fetch_one(&mut *$tx)
                            .await
                            .map_err(StoreError::db(action))?;
                    let position = last.unwrap_or(0) + 1;
                    sqlx::query(
                        "INSERT INTO act_versions
                         (work, version, position, version_date, content_sha256, act, stored_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&act.work)
                    .bind(&act.version)
                    .bind(position)
                    .bind(act.date.as_deref())
                    .bind(&sha)
                    .bind(&json)
                    .bind(stored_at)
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::db(action))?;
                    Ok(ActStored::New(from_bigint(position, || {
                        "act_versions position".into()
                    })?))
                }
            };
        }
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut tx = pool
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err(StoreError::db(
                        "taking the SQLite write lock (BEGIN IMMEDIATE)",
                    ))?;
                let out = store_version!(tx).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(out)
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::db(action))?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(CONSULT_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db("taking the consultation append lock"))?;
                let out = store_version!(tx).await?;
                tx.commit().await.map_err(StoreError::db(action))?;
                Ok(out)
            }
        }
    }

    /// How many act versions are stored (a cheap check before reading them all again).
    pub async fn act_version_count(&self) -> Result<u64, StoreError> {
        let n: i64 = with_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM act_versions")
                .fetch_one(pool)
                .await
        })
        .map_err(StoreError::db("counting act_versions"))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every stored act version, in the order stored. Each is checked against its content
    /// hash.
    pub async fn act_versions(&self) -> Result<Vec<StoredAct>, StoreError> {
        let rows: Vec<(i64, String, String, String, String, String)> = with_pool!(self, pool => {
            sqlx::query_as(
                "SELECT position, work, version, content_sha256, act, stored_at
                 FROM act_versions ORDER BY position",
            )
            .fetch_all(pool)
            .await
        })
        .map_err(StoreError::db("reading act_versions"))?;
        rows.into_iter()
            .map(|(position, work, version, sha, json, stored_at)| {
                let what = || format!("act_versions row {work}@{version}");
                let act: Act = serde_json::from_str(&json).map_err(|e| StoreError::CorruptRow {
                    what: what(),
                    reason: e.to_string(),
                })?;
                if act_sha256(&act) != sha || act.work != work || act.version != version {
                    return Err(StoreError::CorruptRow {
                        what: what(),
                        reason: "the act does not match its content hash or its key".into(),
                    });
                }
                Ok(StoredAct {
                    position: from_bigint(position, what)?,
                    content_sha256: sha,
                    stored_at,
                    act,
                })
            })
            .collect()
    }
}
