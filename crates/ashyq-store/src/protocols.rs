//! The projection of the public log that SQL readers query: the protocol currently applied
//! per precinct of each referendum (`protocols`), written in the same transaction as the
//! entries that apply it (see [`crate::chain`]), and the benchmark's baseline table.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use ashyq_core::protocol::PrecinctProtocol;
use ashyq_core::{Event, LogEntry};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::StoreError;
use crate::chain::{Projection, ProjectionPlan, Tx, Write, max_binds};
use crate::error::to_bigint;

/// Bind parameters per row of `protocols` / `bench_protocols`.
pub(crate) const PROTOCOL_BINDS: usize = 17;

/// The columns of `protocols` and `bench_protocols`, in bind order.
const PROTOCOL_COLUMNS: &str = "referendum, precinct, protocol_hash, seq, status, \
     voters_on_list, voters_added_on_day, voters_added_absentee, absentee_certificates_issued, \
     ballots_received, ballots_issued, ballots_cancelled, ballots_found, \
     yes, no, both_marked, invalid";

/// Makes an amendment replace the applied protocol.
const REPLACE_PROTOCOL: &str = " ON CONFLICT (referendum, precinct) DO UPDATE SET \
     protocol_hash = excluded.protocol_hash, seq = excluded.seq, status = excluded.status, \
     voters_on_list = excluded.voters_on_list, \
     voters_added_on_day = excluded.voters_added_on_day, \
     voters_added_absentee = excluded.voters_added_absentee, \
     absentee_certificates_issued = excluded.absentee_certificates_issued, \
     ballots_received = excluded.ballots_received, ballots_issued = excluded.ballots_issued, \
     ballots_cancelled = excluded.ballots_cancelled, ballots_found = excluded.ballots_found, \
     yes = excluded.yes, no = excluded.no, both_marked = excluded.both_marked, \
     invalid = excluded.invalid";

/// Lets a first protocol skip a precinct that already has one (detected and refused after).
const KEEP_PROTOCOL: &str = " ON CONFLICT (referendum, precinct) DO NOTHING";

/// A row of `protocols` or `bench_protocols`.
#[derive(Debug, Clone)]
pub(crate) struct ProtocolRow<'a> {
    referendum: &'a str,
    precinct: i64,
    protocol_hash: &'a str,
    seq: i64,
    status: &'static str,
    lines: [i64; 12],
}

impl<'a> ProtocolRow<'a> {
    /// The row of `protocol`, applied by the entry `seq`.
    pub(crate) fn new(
        protocol: &'a PrecinctProtocol,
        protocol_hash: &'a str,
        seq: u64,
        status: &'static str,
    ) -> Result<Self, StoreError> {
        let mut lines = [0i64; 12];
        for (slot, (name, value)) in lines.iter_mut().zip(protocol.lines.named()) {
            *slot = to_bigint(value, || {
                format!(
                    "line {name} of precinct {} ({}) at seq {seq}",
                    protocol.precinct, protocol.referendum
                )
            })?;
        }
        Ok(ProtocolRow {
            referendum: &protocol.referendum.0,
            precinct: i64::from(protocol.precinct.0),
            protocol_hash,
            seq: to_bigint(seq, || "seq".to_owned())?,
            status,
            lines,
        })
    }
}

/// The `protocols` projection of the public log.
pub(crate) struct Protocols;

impl Projection<Event> for Protocols {
    fn plan<'e>(
        &self,
        entries: &'e [LogEntry],
    ) -> Result<Box<dyn ProjectionPlan + 'e>, StoreError> {
        Ok(Box::new(Batch::prepare(entries)?))
    }
}

/// The projection changes of a batch, worked out before the write lock is taken.
pub(crate) struct Batch<'a> {
    /// First protocols of precincts (after any amendment later in the same batch).
    inserts: Vec<ProtocolRow<'a>>,
    /// Replacements of protocols applied before the batch, one per precinct.
    replacements: Vec<ProtocolRow<'a>>,
}

/// Where a precinct's projection change of this batch is.
enum Planned {
    Insert(usize),
    Replace(usize),
}

impl<'a> Batch<'a> {
    /// Works out the projection's changes of `entries`.
    pub(crate) fn prepare(entries: &'a [LogEntry]) -> Result<Self, StoreError> {
        let mut batch = Batch {
            inserts: Vec::new(),
            replacements: Vec::new(),
        };
        let mut planned: HashMap<(&'a str, u32), Planned> = HashMap::new();
        for entry in entries {
            match &entry.event {
                Event::ProtocolAccepted {
                    protocol,
                    protocol_hash,
                    ..
                } => {
                    let row = ProtocolRow::new(protocol, protocol_hash, entry.seq, "accepted")?;
                    match planned.entry((&protocol.referendum.0, protocol.precinct.0)) {
                        Entry::Occupied(_) => {
                            return Err(StoreError::Projection {
                                seq: entry.seq,
                                reason: format!(
                                    "it accepts a first protocol for precinct {} of referendum {}, which already has one earlier in the batch; a second protocol is recorded as protocol_conflict or protocol_amended",
                                    protocol.precinct, protocol.referendum
                                ),
                            });
                        }
                        Entry::Vacant(slot) => {
                            slot.insert(Planned::Insert(batch.inserts.len()));
                            batch.inserts.push(row);
                        }
                    }
                }
                Event::ProtocolAmended {
                    protocol,
                    protocol_hash,
                    ..
                } => {
                    let row = ProtocolRow::new(protocol, protocol_hash, entry.seq, "amended")?;
                    match planned.entry((&protocol.referendum.0, protocol.precinct.0)) {
                        Entry::Occupied(slot) => match slot.get() {
                            Planned::Insert(i) => batch.inserts[*i] = row,
                            Planned::Replace(i) => batch.replacements[*i] = row,
                        },
                        Entry::Vacant(slot) => {
                            slot.insert(Planned::Replace(batch.replacements.len()));
                            batch.replacements.push(row);
                        }
                    }
                }
                // A full hand count of an audit's escalated contest that amends the protocol.
                Event::Audit(ashyq_core::audit::record::AuditEvent::HandCounted {
                    amendment: Some(am),
                    ..
                }) => {
                    let row =
                        ProtocolRow::new(&am.protocol, &am.protocol_hash, entry.seq, "amended")?;
                    match planned.entry((&am.protocol.referendum.0, am.protocol.precinct.0)) {
                        Entry::Occupied(slot) => match slot.get() {
                            Planned::Insert(i) => batch.inserts[*i] = row,
                            Planned::Replace(i) => batch.replacements[*i] = row,
                        },
                        Entry::Vacant(slot) => {
                            slot.insert(Planned::Replace(batch.replacements.len()));
                            batch.replacements.push(row);
                        }
                    }
                }
                // Only the referendum protocols have a SQL projection; every other event,
                // party-list protocols included, is read back from the log itself.
                _ => {}
            }
        }
        Ok(batch)
    }

    /// The error for a first protocol of a precinct that already has one.
    fn already_applied(&self, row: &ProtocolRow<'_>, applied_seq: i64) -> StoreError {
        StoreError::Projection {
            seq: u64::try_from(row.seq).unwrap_or(0),
            reason: format!(
                "it accepts a first protocol for precinct {} of referendum {}, which already has one (applied at seq {applied_seq}); a second protocol is recorded as protocol_conflict or protocol_amended",
                row.precinct, row.referendum
            ),
        }
    }
}

/// `INSERT INTO <table> (<protocol columns>) VALUES (…), …` + `tail` for `rows`.
pub(crate) fn insert_protocols<'a, DB: Database>(
    table: &str,
    rows: &'a [ProtocolRow<'a>],
    tail: &str,
) -> QueryBuilder<'a, DB>
where
    i64: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut qb = QueryBuilder::new(format!("INSERT INTO {table} ({PROTOCOL_COLUMNS}) "));
    qb.push_values(rows, |mut b, r| {
        b.push_bind(r.referendum)
            .push_bind(r.precinct)
            .push_bind(r.protocol_hash)
            .push_bind(r.seq)
            .push_bind(r.status);
        for value in r.lines {
            b.push_bind(value);
        }
    });
    qb.push(tail);
    qb
}

/// The writes of a batch inside the open append transaction `$conn` of database type `$db`.
/// A macro rather than a generic function: the statements are identical on both backends,
/// but sqlx's executor bounds do not generalize cleanly.
macro_rules! write_protocols {
    ($conn:expr, $db:ty, $batch:expr) => {
        async {
            let batch: &Batch<'_> = $batch;
            let limit = max_binds::<$db>();
            let mut inserted = 0u64;
            for chunk in batch.inserts.chunks(limit / PROTOCOL_BINDS) {
                inserted += insert_protocols::<$db>("protocols", chunk, KEEP_PROTOCOL)
                    .build()
                    .execute(&mut *$conn)
                    .await
                    .map_err(StoreError::db("inserting into protocols"))?
                    .rows_affected();
            }
            if inserted != batch.inserts.len() as u64 {
                // Some precinct already had a protocol: find the first such entry.
                for row in &batch.inserts {
                    let (applied_seq,): (i64,) = sqlx::query_as(
                        "SELECT seq FROM protocols WHERE referendum = $1 AND precinct = $2",
                    )
                    .bind(row.referendum)
                    .bind(row.precinct)
                    .fetch_one(&mut *$conn)
                    .await
                    .map_err(StoreError::db("reading protocols"))?;
                    if applied_seq != row.seq {
                        return Err(batch.already_applied(row, applied_seq));
                    }
                }
            }
            for chunk in batch.replacements.chunks(limit / PROTOCOL_BINDS) {
                insert_protocols::<$db>("protocols", chunk, REPLACE_PROTOCOL)
                    .build()
                    .execute(&mut *$conn)
                    .await
                    .map_err(StoreError::db("replacing in protocols"))?;
            }
            Ok::<(), StoreError>(())
        }
    };
}

impl ProjectionPlan for Batch<'_> {
    fn write<'a>(&'a self, tx: Tx<'a>) -> Write<'a> {
        Box::pin(async move {
            match tx {
                Tx::Sqlite(conn) => write_protocols!(conn, sqlx::Sqlite, self).await,
                Tx::Postgres(conn) => write_protocols!(conn, sqlx::Postgres, self).await,
            }
        })
    }
}
