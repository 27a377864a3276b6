//! Voting-day marks on SQLite, on a connection of their own driven by rusqlite in a thread.
//!
//! A batch of marks is a dozen statements. Through sqlx each statement is a round trip to
//! the connection's worker thread, and with two cores those thread switches, not SQLite, were
//! most of the time of a batch (measured with perf: scheduler and wake-up functions on top).
//! Here the whole batch runs on the thread that holds the connection: one hand-over per batch.
//! The rules are the same as on PostgreSQL ([`super::pg_marks::mark_in_pg_tx`]): read,
//! [`decide_marks`], write, all inside one `BEGIN IMMEDIATE` transaction.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::audit::Operator;
use super::columns::digest_key;
use super::event::RegisterEvent;
use super::marks::{MarkBook, MarkOutcome, MarkRequest, MarkState, decide_marks};
use crate::StoreError;

const ACTION: &str = "marking voters";

/// Opens a connection for marking. `checkpoints`: whether its commits may checkpoint the WAL
/// (a desk leaves that to its checkpointing task).
pub(super) fn open(path: &Path, checkpoints: bool) -> Result<Connection, StoreError> {
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(StoreError::sqlite("opening the database for marking"))?;
    db.busy_timeout(Duration::from_secs(5))
        .map_err(StoreError::sqlite("opening the database for marking"))?;
    let pragmas = if checkpoints {
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
    } else {
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;"
    };
    db.execute_batch(pragmas)
        .map_err(StoreError::sqlite("opening the database for marking"))?;
    Ok(db)
}

/// Reads, decides and records a batch of marks in one transaction; `book` takes in the marks
/// once they are committed.
pub(super) fn mark_batch(
    db: &mut Connection,
    event: &RegisterEvent<'_>,
    items: &[(&MarkRequest, &Operator<'_>)],
    book: &mut MarkBook,
) -> Result<Vec<MarkOutcome>, StoreError> {
    let e = StoreError::sqlite;
    let tx = db
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(StoreError::sqlite(
            "taking the SQLite write lock (BEGIN IMMEDIATE); another process may hold it",
        ))?;
    {
        // The marks recorded since this book last looked (usually none).
        let mut fresh = tx
            .prepare_cached(
                "SELECT seq, event, iin_digest, precinct FROM voting_marks WHERE seq > ?1 ORDER BY seq",
            )
            .map_err(e(ACTION))?;
        let rows = fresh
            .query_map(params![book.seen.unwrap_or(0)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(e(ACTION))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e(ACTION))?;
        book.take_in(rows)?;
    }
    let mut st = MarkState::default();
    {
        let mut voter = tx
            .prepare_cached(
                "SELECT precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest = ?1",
            )
            .map_err(e(ACTION))?;
        let mut certificate = tx
            .prepare_cached(
                "SELECT serial, status, used_at FROM absentee_certificates WHERE event = ?1 AND iin_digest = ?2",
            )
            .map_err(e(ACTION))?;
        let mut closed = tx
            .prepare_cached("SELECT 1 FROM precinct_closures WHERE event = ?1 AND precinct = ?2")
            .map_err(e(ACTION))?;
        for (r, _) in items {
            let d = r.digest.as_str();
            if !st.voters.contains_key(d)
                && let Some(v) = voter
                    .query_row(params![d], |row| {
                        Ok((
                            row.get(0)?,
                            row.get(1)?,
                            row.get(2)?,
                            row.get(3)?,
                            row.get(4)?,
                        ))
                    })
                    .optional()
                    .map_err(e(ACTION))?
            {
                st.voters.insert(d.to_owned(), v);
            }
            if !st.certificates.contains_key(d)
                && let Some(c) = certificate
                    .query_row(params![event.id, d], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()
                    .map_err(e(ACTION))?
            {
                st.certificates.insert(d.to_owned(), c);
            }
            if let Some(p) = book.marked.get(&digest_key(d)?) {
                st.marked.insert(d.to_owned(), *p);
            }
            let at = i64::from(r.precinct.0);
            if !st.closed.contains(&at)
                && closed
                    .query_row(params![event.id, at], |_| Ok(()))
                    .optional()
                    .map_err(e(ACTION))?
                    .is_some()
            {
                st.closed.insert(at);
            }
        }
    }
    let decided = decide_marks(&mut st, items, event.voting_day)?;
    let first_seq = book.seen.unwrap_or(0) + 1;
    {
        let mut mark = tx
            .prepare_cached(
                "INSERT INTO voting_marks (seq, event, iin_digest, precinct, marked_at, certificate) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(e(ACTION))?;
        for (j, &(i, cert)) in decided.marks.iter().enumerate() {
            let (r, op) = items[i];
            mark.execute(params![
                first_seq + j as i64,
                event.id,
                r.digest.as_str(),
                i64::from(r.precinct.0),
                op.at,
                cert
            ])
            .map_err(e(ACTION))?;
        }
        for &(serial, precinct) in &decided.used_certificates {
            tx.prepare_cached(
                "UPDATE absentee_certificates SET status = 'used', used_at = ?3 WHERE event = ?1 AND serial = ?2",
            )
            .and_then(|mut s| s.execute(params![event.id, serial, precinct]))
            .map_err(e(ACTION))?;
        }
        for (i, reason) in &decided.incidents {
            let (r, op) = items[*i];
            tx.prepare_cached(
                "INSERT INTO mark_incidents (event, at, precinct, iin_digest, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    event.id,
                    op.at,
                    i64::from(r.precinct.0),
                    r.digest.as_str(),
                    reason.code(),
                    reason.to_string()
                ])
            })
            .map_err(e(ACTION))?;
        }
        let mut audit = tx
            .prepare_cached(
                "INSERT INTO register_audit (at, operator, action, subject) VALUES (?1, ?2, 'mark', ?3)",
            )
            .map_err(e(ACTION))?;
        for (r, op) in items {
            audit
                .execute(params![op.at, op.name, r.digest.as_str()])
                .map_err(e(ACTION))?;
        }
    }
    let recorded = decided.recorded(items, first_seq)?;
    tx.commit().map_err(e(ACTION))?;
    Ok(book.committed(recorded))
}
