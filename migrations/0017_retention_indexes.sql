-- canon: no-transaction
-- Reason: retention finds finished deliveries by when they finished, and keeps every event a stored delivery refers to.

-- Finished deliveries in the order they finished: each pruning batch is one short index range.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_finished
    ON webhook_deliveries (completed_at) WHERE status <> 'pending';

-- Deliveries by event: an event is pruned only when no stored delivery refers to it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_event
    ON webhook_deliveries (event_id) WHERE event_id IS NOT NULL;
