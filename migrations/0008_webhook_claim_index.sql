-- canon: no-transaction
-- Reason: the webhook claim probes each subscription's due deliveries (LATERAL, capped per subscription) instead of ranking the whole backlog.

-- Per subscription, pending deliveries in the order they come due: one short index range per subscription, so a
-- claim costs the same with 100 or 100,000 deliveries pending. Built CONCURRENTLY, so deliveries keep being written
-- while it builds (a database that applied this file's first text, which blocked them, keeps that record: decision 44).
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_subscription_due
    ON webhook_deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending';
