-- Reason: replicas must share secrets (search-token signing) that no setting gives them, so they keep them here.

-- One row per generation of a named secret: the newest generation signs (once every process has had time to read it,
-- see service/secrets.py), every kept generation verifies. `canon secrets rotate` adds a generation and drops all but
-- the previous one.
CREATE TABLE shared_secrets (
    name text NOT NULL,
    generation integer NOT NULL CHECK (generation > 0),
    value bytea NOT NULL CHECK (octet_length(value) >= 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, generation)
);
