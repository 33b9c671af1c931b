-- Reason: messages and assets: version expiry, citations between entries, content-addressed blobs, direct uploads.

ALTER TABLE versions ADD COLUMN expires_at timestamptz;
CREATE INDEX versions_expiring ON versions (expires_at) WHERE expires_at IS NOT NULL AND status = 'published';

-- "Which messages and assets cite this definition?" is a containment query on the citations of each version.
CREATE INDEX versions_references ON versions USING gin ((content -> 'references') jsonb_path_ops);

-- Every blob an upload stored. A blob no version's content names is garbage once the grace period has passed.
CREATE TABLE blobs (
    sha256     text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint NOT NULL CHECK (size >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX versions_blob ON versions ((content ->> 'sha256')) WHERE content ? 'sha256';

-- Direct (presigned) uploads in flight: what the client promised, checked when it says it is done.
CREATE TABLE asset_uploads (
    id           uuid PRIMARY KEY,
    entry_id     uuid NOT NULL,
    number       integer NOT NULL,
    file_name    text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    sha256       text NOT NULL,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    FOREIGN KEY (entry_id, number) REFERENCES versions (entry_id, number) ON DELETE CASCADE
);

-- Each expiry notice (`expiring`, `expired`) is sent once per version, however many workers run.
CREATE TABLE expiry_notices (
    entry_id uuid NOT NULL,
    number   integer NOT NULL,
    notice   text NOT NULL CHECK (notice IN ('expiring', 'expired')),
    sent_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, number, notice)
);
