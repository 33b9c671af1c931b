-- Reason: the webhook claim probes each subscription's due deliveries (LATERAL, capped per subscription) instead of ranking the whole backlog.

-- Per subscription, pending deliveries in the order they come due: one short index range per subscription, so a
-- claim costs the same with 100 or 100,000 deliveries pending.
CREATE INDEX webhook_deliveries_subscription_due
    ON webhook_deliveries (subscription_id, next_attempt_at, id) WHERE status = 'pending';
