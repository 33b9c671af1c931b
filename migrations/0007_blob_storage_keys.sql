-- Reason: blobs stay at the key they were uploaded to (no server-side copy to a content address); the ledger records where each digest is stored.

-- The one object that holds each digest's bytes. Blobs of the first layout live at their content address.
ALTER TABLE blobs ADD COLUMN storage_key text;
UPDATE blobs SET storage_key = 'blobs/sha256/' || substr(sha256, 1, 2) || '/' || sha256;
ALTER TABLE blobs ALTER COLUMN storage_key SET NOT NULL;
-- One key holds one digest: garbage collection asks "does any row name this key?" for every stored object.
CREATE UNIQUE INDEX blobs_storage_key ON blobs (storage_key);
