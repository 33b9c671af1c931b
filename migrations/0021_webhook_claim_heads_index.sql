-- canon: no-transaction
-- Reason: the claim reads each subscription's due queue heads (migration 0018) from an index of heads alone.

-- Pending heads per subscription in the order they come due: a claim's probe reads due heads only, never the
-- deliveries queued behind them, however long the backlog of one entry grows.
CREATE INDEX CONCURRENTLY IF NOT EXISTS webhook_deliveries_due_heads
    ON webhook_deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending' AND head;
