-- Reason: a subscription chooses the format of its deliveries (standard, slack, teams) and may filter events by the teams their entry concerns.

-- Online-safe (decision 44): both columns have constant defaults, which PostgreSQL records in the catalogue without
-- rewriting the table; the check scans the subscriptions, a table of a few rows per endpoint.
-- How each delivery's body is rendered when it is sent (service/webhooks/formats.py): the stored payload stays the
-- Standard Webhooks envelope, so changing the format changes what pending deliveries and retries send as well.
ALTER TABLE webhook_subscriptions
    ADD COLUMN format text NOT NULL DEFAULT 'standard' CONSTRAINT webhook_subscriptions_format
        CHECK (format IN ('standard', 'slack', 'teams')),
    -- Events whose `data.teams` (owners, required, reviewing and acknowledging teams) share one of these; empty: any.
    ADD COLUMN teams text[] NOT NULL DEFAULT '{}';
