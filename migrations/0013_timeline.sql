-- Reason: one rule for what is in effect (service/domain/timeline.py): effective instants recomputed from each version's effective date (back-dating allowed), every entry's statuses and current version recomputed, scheduled versions found by index.

-- A version is in effect from its effective date at 00:00 UTC, or from its publication when it has none; no longer
-- "not before its publication", so history from before Canon can be recorded.
UPDATE versions
SET effective_from = coalesce((content ->> 'effective_date')::date::timestamp AT TIME ZONE 'UTC', published_at)
WHERE status IN ('published', 'superseded') AND published_at IS NOT NULL;

-- Each released version is in effect from its instant until the earliest instant of a version published after it.
-- Done with (superseded): that end has passed, or comes before its start. Otherwise current or scheduled.
WITH spans AS (
    SELECT v.entry_id, v.number, v.effective_from AS start,
           (SELECT min(l.effective_from) FROM versions l
            WHERE l.entry_id = v.entry_id AND l.status IN ('published', 'superseded')
              AND (l.published_at, l.number) > (v.published_at, v.number)) AS stop
    FROM versions v WHERE v.status IN ('published', 'superseded')
)
UPDATE versions v
SET status = CASE WHEN s.stop IS NOT NULL AND (s.stop <= s.start OR s.stop <= now()) THEN 'superseded' ELSE 'published' END,
    superseded_at = CASE WHEN s.stop IS NOT NULL AND (s.stop <= s.start OR s.stop <= now())
                         THEN coalesce(v.superseded_at, now()) END
FROM spans s
WHERE s.entry_id = v.entry_id AND s.number = v.number;

-- The current version: among those in effect from now or before, the one published last.
UPDATE entries e
SET current_version = (SELECT v.number FROM versions v
                       WHERE v.entry_id = e.id AND v.status IN ('published', 'superseded') AND v.effective_from <= now()
                       ORDER BY v.published_at DESC, v.number DESC LIMIT 1),
    revision = revision + 1
WHERE EXISTS (SELECT 1 FROM versions v WHERE v.entry_id = e.id AND v.status IN ('published', 'superseded'));

-- The listed fields follow the listed version (current, else latest).
UPDATE entries e
SET (title, tags, owners, required_teams) = (
    SELECT v.title, v.tags, v.owners, v.required_teams FROM versions v
    WHERE v.entry_id = e.id AND v.number = coalesce(e.current_version, e.latest_version));

-- The worker asks every second which scheduled versions have come due: only versions in effect after their
-- publication are in this index, not every current version.
CREATE INDEX versions_scheduled ON versions (effective_from) WHERE status = 'published' AND effective_from > published_at;
