-- canon: no-transaction
-- Reason: retention deletes a digest body only once no delivery refers to it, found by this index.

CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_digest_body
    ON webhook_deliveries (digest_body_id) WHERE digest_body_id IS NOT NULL;
