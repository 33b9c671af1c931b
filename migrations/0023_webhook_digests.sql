-- Reason: a subscription may take one digest per period (hour, day or week, at a local time in its time zone) instead of one delivery per event.

-- Online-safe (decision 44): nullable columns without defaults change only the catalogue; the index is on the
-- subscriptions, a table of a few rows per endpoint.
ALTER TABLE webhook_subscriptions
    -- The schedule ({"every", "at", "timezone", "on"}, service/domain/digests.py); NULL: one delivery per event.
    ADD COLUMN digest jsonb,
    -- The period under way: from `digest_period_start` to `digest_next_at`, when its digest is built and queued.
    ADD COLUMN digest_period_start timestamptz,
    ADD COLUMN digest_next_at timestamptz,
    -- The event log position (as the feed orders it) up to which events are in digests already queued.
    ADD COLUMN digest_after_txid xid8,
    ADD COLUMN digest_after_id bigint,
    -- Where in the log the delivery mode last changed: events up to here follow the mode before (one by one, or
    -- in the last digest), events after it the mode now, however late the fan-out reaches them.
    ADD COLUMN mode_switched_txid xid8,
    ADD COLUMN mode_switched_id bigint;

CREATE INDEX webhook_subscriptions_digest_due ON webhook_subscriptions (digest_next_at)
    WHERE digest_next_at IS NOT NULL;
