-- Reason: a digest's collapsed entries are stored once and shared by every subscription's delivery of the same changes, instead of a copy per delivery.

-- Online-safe (decision 44): a new table, and a nullable column without a default (a catalogue change only).
CREATE TABLE webhook_digest_bodies (
    id         bigserial PRIMARY KEY,
    -- The JSON array of the digest's entries, as sent in `data.entries`: kept as text, it is sent as it is.
    entries    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A digest delivery's payload is its envelope without `data.entries`; these are joined in when it is sent.
ALTER TABLE webhook_deliveries ADD COLUMN digest_body_id bigint REFERENCES webhook_digest_bodies (id);
