-- Reason: sign-off that cannot be bypassed: reviewed fields live in each version, credentials belong to people or services, audit records carry values, and readers' feed skips unreleased work.

-- 1. What is reviewed is in the version. The entry's columns stay as the projection of the version it is listed
--    under (current, else latest), refreshed by the store on every write, so listings keep their indexes.
ALTER TABLE versions
    ADD COLUMN title          text,
    ADD COLUMN tags           text[],
    ADD COLUMN owners         text[],
    ADD COLUMN required_teams text[],
    -- The teams whose approval this version needs, fixed when it is submitted: its own required teams and those
    -- of the version then in effect.
    ADD COLUMN review_teams   text[],
    -- The person (or service) who wrote it, and everyone who edited it since: none of them may approve it.
    ADD COLUMN author_id      uuid,
    ADD COLUMN editor_ids     uuid[] NOT NULL DEFAULT '{}';

UPDATE versions v SET title = e.title, tags = e.tags, owners = e.owners, required_teams = e.required_teams
FROM entries e WHERE e.id = v.entry_id;

ALTER TABLE versions
    ALTER COLUMN title SET NOT NULL,
    ALTER COLUMN tags SET NOT NULL,
    ALTER COLUMN owners SET NOT NULL,
    ALTER COLUMN required_teams SET NOT NULL;

-- Reviews under way keep the teams they were submitted under; one that needed nobody now needs its owners.
UPDATE versions SET review_teams = CASE WHEN cardinality(required_teams) > 0 THEN required_teams ELSE owners END
WHERE status IN ('in_review', 'approved');
UPDATE versions v SET status = 'in_review'
WHERE v.status = 'approved'
  AND EXISTS (SELECT 1 FROM unnest(v.review_teams) t
              WHERE NOT EXISTS (SELECT 1 FROM approvals a
                                WHERE a.entry_id = v.entry_id AND a.number = v.number AND a.team = t));

-- 2. People and services. Every credential acts as one principal.
CREATE TABLE principals (
    id             uuid PRIMARY KEY,
    type           text NOT NULL CHECK (type IN ('person', 'service')),
    subject        text NOT NULL UNIQUE,
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('reader', 'editor', 'approver', 'admin')),
    teams          text[] NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    deactivated_at timestamptz,
    CHECK (type = 'person' OR role <> 'approver')
);

ALTER TABLE api_keys
    ADD COLUMN principal_id uuid REFERENCES principals (id),
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;

-- Key names become unique among live keys: older duplicates get a numbered suffix.
UPDATE api_keys k SET name = k.name || ' (' || d.n || ')'
FROM (SELECT id, row_number() OVER (PARTITION BY name ORDER BY created_at, id) AS n FROM api_keys
      WHERE revoked_at IS NULL) d
WHERE d.id = k.id AND d.n > 1;
CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoked_at IS NULL;

-- Each existing key becomes its own person, with the key's role and team, so nothing stops working; an admin
-- replaces them with real people and their keys (docs/operations.md).
INSERT INTO principals (id, type, subject, name, role, teams, created_at)
SELECT k.id, 'person', 'key:' || k.id, k.name, k.role,
       CASE WHEN k.team IS NULL THEN '{}'::text[] ELSE ARRAY[k.team] END, k.created_at
FROM api_keys k;
UPDATE api_keys SET principal_id = id;
ALTER TABLE api_keys ALTER COLUMN principal_id SET NOT NULL;
CREATE INDEX api_keys_principal ON api_keys (principal_id);

UPDATE versions v SET author_id = k.principal_id FROM api_keys k WHERE k.id = v.author_key;

-- 3. One person's approval counts for one team per version.
ALTER TABLE approvals ADD COLUMN approver_id uuid;
UPDATE approvals a SET approver_id = k.principal_id FROM api_keys k WHERE k.id = a.approver_key;
CREATE UNIQUE INDEX approvals_one_team_per_person ON approvals (entry_id, number, approver_id);

-- 4. Audit records name the person, the credential and the request.
ALTER TABLE audit_log
    ADD COLUMN actor_id     uuid,
    ADD COLUMN actor_type   text,
    ADD COLUMN actor_name   text,
    ADD COLUMN credential   text,
    ADD COLUMN request_id   text;
UPDATE audit_log l SET actor_id = k.principal_id FROM api_keys k WHERE k.id = l.actor_key;
CREATE INDEX audit_log_actor_id ON audit_log (actor_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- 5. Events about unreleased versions are for editors and up; readers' feed passes over them.
ALTER TABLE events ADD COLUMN audience text NOT NULL DEFAULT 'reader' CHECK (audience IN ('reader', 'editor'));
UPDATE events SET audience = 'editor'
WHERE type ~ '\.(created|draft_updated|submitted|approved|rejected|review_requested|review_overdue)$';

-- 6. During a rolling upgrade the previous release still writes for a few minutes: fill in what it does not know
--    (a later migration drops these triggers once no such release can be running).
CREATE FUNCTION fill_version_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title IS NULL THEN
        SELECT e.title, e.tags, e.owners, e.required_teams INTO NEW.title, NEW.tags, NEW.owners, NEW.required_teams
        FROM entries e WHERE e.id = NEW.entry_id;
    END IF;
    IF NEW.status IN ('in_review', 'approved') AND NEW.review_teams IS NULL THEN
        SELECT ARRAY(SELECT DISTINCT t FROM unnest(NEW.required_teams || coalesce(c.required_teams, '{}')) t ORDER BY t)
        INTO NEW.review_teams
        FROM entries e LEFT JOIN versions c ON c.entry_id = e.id AND c.number = e.current_version
        WHERE e.id = NEW.entry_id;
        IF cardinality(NEW.review_teams) = 0 THEN
            NEW.review_teams := NEW.owners;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER versions_fill_fields BEFORE INSERT OR UPDATE ON versions
    FOR EACH ROW EXECUTE FUNCTION fill_version_fields();

CREATE FUNCTION fill_key_principal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.principal_id IS NULL THEN
        INSERT INTO principals (id, type, subject, name, role, teams)
        VALUES (NEW.id, 'person', 'key:' || NEW.id, NEW.name, NEW.role,
                CASE WHEN NEW.team IS NULL THEN '{}'::text[] ELSE ARRAY[NEW.team] END);
        NEW.principal_id := NEW.id;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER api_keys_fill_principal BEFORE INSERT ON api_keys
    FOR EACH ROW EXECUTE FUNCTION fill_key_principal();
