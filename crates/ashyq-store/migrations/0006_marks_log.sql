-- ashyq schema, version 6: voting-day marks as an append-only log (issue 7, full-size goals).
--
-- A mark was a row keyed by (event, digest), plus an index by precinct: each mark then changed
-- two B-tree pages at random places, 8 KB written for 100 bytes of mark — the bound on marks
-- per second. Marks are now numbered in the order they are recorded (`seq`, assigned by the
-- marker holding the marks' lock) and only ever appended. "One person, one ballot" is kept by
-- the markers: each takes the lock, reads the marks recorded since it last looked (`seq`
-- greater than what it has seen) and decides against all of them (crates/ashyq-store/src/
-- register.rs, `MarkBook`). Turnout counts the log.
CREATE TABLE voting_marks_log (
    seq         INTEGER NOT NULL PRIMARY KEY,
    event       TEXT    NOT NULL,
    iin_digest  TEXT    NOT NULL,
    precinct    BIGINT  NOT NULL,
    marked_at   TEXT    NOT NULL,
    certificate BIGINT
);
INSERT INTO voting_marks_log (seq, event, iin_digest, precinct, marked_at, certificate)
    SELECT ROW_NUMBER() OVER (ORDER BY marked_at, event, iin_digest), event, iin_digest,
           precinct, marked_at, certificate
    FROM voting_marks;
DROP TABLE voting_marks;
ALTER TABLE voting_marks_log RENAME TO voting_marks;
