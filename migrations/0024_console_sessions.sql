-- Reason: the console's sign-in sessions live in PostgreSQL, so every replica knows them and sign-out ends them everywhere.

-- One row per signed-in browser. Only a SHA-256 of the session id is kept: the id itself is in the person's cookie and
-- nowhere else. A session acts through the API key it was opened with: revoking the key (or deactivating its person)
-- ends it at the next request. Timeouts (idle, absolute) are checked against last_seen_at and created_at.
CREATE TABLE console_sessions (
    id_hash      bytea PRIMARY KEY CHECK (octet_length(id_hash) = 32),
    key_id       uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_key ON console_sessions (key_id);
CREATE INDEX console_sessions_last_seen ON console_sessions (last_seen_at);
