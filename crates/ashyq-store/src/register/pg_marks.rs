//! Voting-day marks on PostgreSQL: a batch read, decided and written with multi-row
//! statements in one transaction that holds the marks' advisory lock. (SQLite:
//! `sqlite_marks`.)

use sqlx::QueryBuilder;

use super::audit::Operator;
use super::columns::digest_key;
use super::event::RegisterEvent;
use super::marks::{
    MARK_CHUNK, MarkBook, MarkOutcome, MarkRequest, MarkState, Recorded, decide_marks,
};
use crate::StoreError;

/// Serializes markers on PostgreSQL (on SQLite, `BEGIN IMMEDIATE` does): each reads what it
/// decides on only once it holds the lock, so two terminals can never both record a ballot.
const MARKS_LOCK: i64 = 0x6173_6879_7100_0004;

/// Reads a batch's [`MarkState`], decides each mark in order (a later mark of the same person
/// in the batch sees the earlier one), and writes marks, incidents, used certificates and one
/// audit row per mark with multi-row statements — on PostgreSQL, inside the caller's
/// transaction, which holds the marks' lock. (SQLite: `sqlite_marks::mark_batch`.)
pub(super) async fn mark_in_pg_tx(
    tx: &mut sqlx::PgConnection,
    event: &RegisterEvent<'_>,
    items: &[(&MarkRequest, &Operator<'_>)],
    book: &mut MarkBook,
) -> Result<Recorded, StoreError> {
    type Db = sqlx::Postgres;
    let action = "marking voters";
    // The marks recorded since this book last looked (usually none: this desk recorded the
    // last ones itself).
    const FRESH: &str = "SELECT CAST(seq AS BIGINT), event, iin_digest, precinct \
                         FROM voting_marks WHERE seq > $1 ORDER BY seq";
    let fresh: Vec<(i64, String, String, i64)> = sqlx::query_as(FRESH)
        .bind(book.seen.unwrap_or(0))
        .fetch_all(&mut *tx)
        .await
        .map_err(StoreError::db(action))?;
    book.take_in(fresh)?;
    let mut digests: Vec<&str> = items.iter().map(|(r, _)| r.digest.as_str()).collect();
    digests.sort_unstable();
    digests.dedup();
    let mut precincts: Vec<i64> = items.iter().map(|(r, _)| i64::from(r.precinct.0)).collect();
    precincts.sort_unstable();
    precincts.dedup();
    let mut st = MarkState::default();
    for chunk in digests.chunks(MARK_CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT iin_digest, precinct, birth_date, citizenship, legal_capacity, in_custody FROM voters WHERE iin_digest IN (",
        );
        let mut sep = qb.separated(", ");
        for d in chunk {
            sep.push_bind(*d);
        }
        qb.push(")");
        let rows: Vec<(String, i64, String, String, i64, i64)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        for (d, p, b, c, lc, ic) in rows {
            st.voters.insert(d, (p, b, c, lc, ic));
        }
        for d in chunk {
            if let Some(p) = book.marked.get(&digest_key(d)?) {
                st.marked.insert((*d).to_owned(), *p);
            }
        }
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT iin_digest, serial, status, used_at FROM absentee_certificates WHERE event = ",
        );
        qb.push_bind(event.id).push(" AND iin_digest IN (");
        let mut sep = qb.separated(", ");
        for d in chunk {
            sep.push_bind(*d);
        }
        qb.push(")");
        let rows: Vec<(String, i64, String, Option<i64>)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        for (d, s, status, used) in rows {
            st.certificates.insert(d, (s, status, used));
        }
    }
    for chunk in precincts.chunks(MARK_CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("SELECT precinct FROM precinct_closures WHERE event = ");
        qb.push_bind(event.id).push(" AND precinct IN (");
        let mut sep = qb.separated(", ");
        for p in chunk {
            sep.push_bind(*p);
        }
        qb.push(")");
        let rows: Vec<(i64,)> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
        st.closed.extend(rows.into_iter().map(|(p,)| p));
    }
    let decided = decide_marks(&mut st, items, event.voting_day)?;
    let first_seq = book.seen.unwrap_or(0) + 1;
    for (c, chunk) in decided.marks.chunks(MARK_CHUNK).enumerate() {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO voting_marks (seq, event, iin_digest, precinct, marked_at, certificate) ",
        );
        qb.push_values(chunk.iter().enumerate(), |mut b, (j, &(i, cert))| {
            let (r, op) = items[i];
            b.push_bind(first_seq + (c * MARK_CHUNK + j) as i64)
                .push_bind(event.id)
                .push_bind(r.digest.as_str())
                .push_bind(i64::from(r.precinct.0))
                .push_bind(op.at)
                .push_bind(cert);
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    for &(serial, precinct) in &decided.used_certificates {
        sqlx::query("UPDATE absentee_certificates SET status = 'used', used_at = $3 WHERE event = $1 AND serial = $2")
                    .bind(event.id)
                    .bind(serial)
                    .bind(precinct)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::db(action))?;
    }
    for chunk in decided.incidents.chunks(MARK_CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO mark_incidents (event, at, precinct, iin_digest, kind, detail) ",
        );
        qb.push_values(chunk, |mut b, (i, reason)| {
            let (r, op) = items[*i];
            b.push_bind(event.id)
                .push_bind(op.at)
                .push_bind(i64::from(r.precinct.0))
                .push_bind(r.digest.as_str())
                .push_bind(reason.code())
                .push_bind(reason.to_string());
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    for chunk in items.chunks(MARK_CHUNK) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO register_audit (at, operator, action, subject) ");
        qb.push_values(chunk, |mut b, (r, op)| {
            b.push_bind(op.at)
                .push_bind(op.name)
                .push_bind("mark")
                .push_bind(r.digest.as_str());
        });
        qb.build()
            .execute(&mut *tx)
            .await
            .map_err(StoreError::db(action))?;
    }
    decided.recorded(items, first_seq)
}

/// Marks a batch in one transaction on a PostgreSQL connection. Markers take turns (an
/// advisory lock; on SQLite `BEGIN IMMEDIATE`) and bring `book` up to date from the marks' log
/// only once they hold the turn, so a person is never given two ballots by two terminals,
/// desks or server instances at once. `book` takes in the batch's marks once committed.
pub(super) async fn mark_on_pg(
    conn: &mut sqlx::PgConnection,
    event: &RegisterEvent<'_>,
    items: &[(&MarkRequest, &Operator<'_>)],
    book: &mut MarkBook,
) -> Result<Vec<MarkOutcome>, StoreError> {
    let action = "marking voters";
    let mut tx = sqlx::Connection::begin(conn)
        .await
        .map_err(StoreError::db(action))?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MARKS_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::db(
            "taking the marks' lock (pg_advisory_xact_lock)",
        ))?;
    let recorded = mark_in_pg_tx(&mut tx, event, items, book).await?;
    tx.commit().await.map_err(StoreError::db(action))?;
    Ok(book.committed(recorded))
}
