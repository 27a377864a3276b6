-- ashyq schema, version 7: the register's audited acts as a hash chain. Portable SQL.
--
-- The same layout and discipline as `event_log` and `consult_log`: one row per entry of the
-- register's journal (`RegisterEntry` of `ashyq_core::register::acts`), `seq` assigned by the
-- journal without gaps, the event's JSON as written, append-only by the triggers the store
-- installs in code right after the migrations. Subjects are keyed digests or precinct and
-- certificate numbers, never an IIN. Voting-day marks stay in `voting_marks` (their own log)
-- with their rows in `register_audit`.
CREATE TABLE register_log (
    seq         BIGINT NOT NULL PRIMARY KEY CHECK (seq >= 1),
    prev        TEXT   NOT NULL,
    hash        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    event       TEXT   NOT NULL
);
