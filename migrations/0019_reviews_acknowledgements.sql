-- Reason: people are told what waits for them: review requests per team (the review queue, overdue reminders once per window, a per-entry review window) and acknowledgements of versions in effect by the teams they are addressed to.

-- Online-safe (decision 44): each ALTER adds a column with a constant default or none, which PostgreSQL records in
-- the catalogue without rewriting or scanning the table; the new tables are empty or hold one row per team whose
-- review is under way. The runner's lock_timeout keeps the brief catalogue locks from queueing traffic.

-- 1. Who must acknowledge a version: part of what is reviewed, like its required teams.
ALTER TABLE versions ADD COLUMN acknowledge_teams text[] NOT NULL DEFAULT '{}';

-- 2. An entry's own review window (seconds), overriding CANON_REVIEW_WINDOW_SECONDS; NULL: the setting.
ALTER TABLE entries ADD COLUMN review_window_seconds integer;

-- 3. One row per team whose approval a version in review still awaits: written when it is submitted, removed when
--    that team approves or the version is sent back. `overdue_windows` counts the review windows already announced
--    by a `review_overdue` event, so each window is announced once however many workers run.
CREATE TABLE review_requests (
    entry_id          uuid NOT NULL,
    number            integer NOT NULL,
    team              text NOT NULL,
    requested_at      timestamptz NOT NULL DEFAULT now(),
    requested_by      text NOT NULL,
    requested_by_name text NOT NULL,
    requested_by_type text NOT NULL,
    overdue_windows   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, number, team),
    FOREIGN KEY (entry_id, number) REFERENCES versions (entry_id, number) ON DELETE CASCADE
);
-- The queue of a team, oldest first.
CREATE INDEX review_requests_team ON review_requests (team, requested_at);

-- Reviews under way when this runs: one request per team still to approve, at the time of the last submission
-- (from the audit log; else the version's first submission), by whoever submitted it (else its author).
INSERT INTO review_requests (entry_id, number, team, requested_at, requested_by, requested_by_name, requested_by_type)
SELECT v.entry_id, v.number, t.team,
       coalesce(s.at, v.submitted_at, v.updated_at),
       coalesce(s.actor, v.author), coalesce(s.actor_name, s.actor, v.author), coalesce(s.actor_type, 'person')
FROM versions v
CROSS JOIN LATERAL unnest(v.review_teams) AS t(team)
LEFT JOIN LATERAL (
    SELECT l.at, l.actor, l.actor_name, l.actor_type FROM audit_log l
    WHERE l.entry_id = v.entry_id AND l.to_version = v.number AND l.action LIKE '%.submitted'
    ORDER BY l.id DESC LIMIT 1) s ON true
WHERE v.status = 'in_review'
  AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.entry_id = v.entry_id AND a.number = v.number AND a.team = t.team)
ON CONFLICT DO NOTHING;

-- 4. Acknowledgements: one per person and version, with the person's addressed teams at the time.
CREATE TABLE acknowledgements (
    entry_id        uuid NOT NULL,
    number          integer NOT NULL,
    person_id       uuid NOT NULL REFERENCES principals (id),
    teams           text[] NOT NULL,
    key_id          uuid,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, number, person_id),
    FOREIGN KEY (entry_id, number) REFERENCES versions (entry_id, number) ON DELETE CASCADE
);

-- 5. People already named by an `acknowledgement_overdue` event for a version: each is named once per version.
CREATE TABLE acknowledgement_reminders (
    entry_id    uuid NOT NULL,
    number      integer NOT NULL,
    person_id   uuid NOT NULL REFERENCES principals (id),
    reminded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, number, person_id),
    FOREIGN KEY (entry_id, number) REFERENCES versions (entry_id, number) ON DELETE CASCADE
);
