-- ashyq schema, version 11: the ballot board of the remote vote abroad as a hash chain.
-- Portable SQL.
--
-- The same layout and discipline as `event_log`, `consult_log` and `register_log`: one row
-- per entry of the board (`BoardEntry` of `ashyq_core::ballots::board`), `seq` assigned by
-- the journal without gaps, the event's JSON as written, append-only by the triggers the
-- store installs in code right after the migrations. The board holds public values only:
-- the manifest, the trustees' commitments and sealed shares, public credentials, encrypted
-- ballots with their proofs, the tally and the decryption shares.
CREATE TABLE ballot_log (
    seq         BIGINT NOT NULL PRIMARY KEY CHECK (seq >= 1),
    prev        TEXT   NOT NULL,
    hash        TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    recorded_at TEXT   NOT NULL,
    event       TEXT   NOT NULL
);
