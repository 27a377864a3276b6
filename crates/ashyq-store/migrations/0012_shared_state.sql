-- State that must outlive a request and be seen by every server instance on this database
-- (issue 21: stateless instances). Private tables: nothing here is part of any public log.

-- Short-lived entries, each under the SHA-256 of an id that only a browser holds:
--   kind 'citizen_session' — a citizen signed in through OpenID Connect (the pseudonym and
--                            the session's form token, never the provider's subject);
--   kind 'signin_flow'     — a sign-in in progress (OIDC state, nonce, PKCE verifier);
--   kind 'flash'           — the portal's note after a write, shown once.
-- A dump holds no working cookie: the ids themselves are never stored.
CREATE TABLE shared_state (
    kind       TEXT   NOT NULL,
    digest     TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    -- Unix time in milliseconds after which the entry is gone.
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (kind, digest)
);
CREATE INDEX shared_state_expiry ON shared_state (expires_at);

-- Failed sign-ins per key: 'address:IP', 'account:NAME' or 'pair:NAME@IP'. Each failure
-- pushes `not_before` further out (growing delays); a success clears the account's keys.
CREATE TABLE signin_failures (
    key          TEXT   NOT NULL PRIMARY KEY,
    failures     BIGINT NOT NULL,
    -- Unix ms of the last failure; failures older than the window are forgotten.
    last_failure BIGINT NOT NULL,
    -- Unix ms before which another try under this key is refused (or held).
    not_before   BIGINT NOT NULL
);
