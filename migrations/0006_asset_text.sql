-- Reason: the text inside asset files, extracted by the worker off the request path, keyed by the file's digest so search can join it.

-- One row per blob the worker has read: its text (possibly cut at the caps), or why it could not be read.
-- A row with `error` set is final for those bytes: the worker does not try them again. The row goes when garbage
-- collection deletes the blob.
CREATE TABLE asset_texts (
    sha256       text PRIMARY KEY REFERENCES blobs (sha256) ON DELETE CASCADE,
    text         text NOT NULL DEFAULT '',
    error        text,
    truncated    boolean NOT NULL DEFAULT false,
    pages        integer,
    extracted_at timestamptz NOT NULL DEFAULT now()
);
