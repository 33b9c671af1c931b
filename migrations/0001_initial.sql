-- Reason: the foundation: entries with numbered versions and approvals, API keys, the event log (outbox) and the audit log.

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    prefix      text NOT NULL,
    secret_hash bytea NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('reader', 'editor', 'approver', 'admin')),
    team        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

CREATE TABLE entries (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('definition', 'message', 'asset')),
    slug            text NOT NULL,
    title           text NOT NULL,
    tags            text[] NOT NULL DEFAULT '{}',
    owners          text[] NOT NULL DEFAULT '{}',
    required_teams  text[] NOT NULL DEFAULT '{}',
    retired_at      timestamptz,
    current_version integer,
    latest_version  integer NOT NULL DEFAULT 0,
    -- Bumped on every change to the entry or any of its versions: the source of every ETag.
    revision        bigint NOT NULL DEFAULT 1,
    created_by      text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, slug)
);
CREATE INDEX entries_kind_slug_prefix ON entries (kind, slug text_pattern_ops);
CREATE INDEX entries_kind_lower_title ON entries (kind, lower(title) text_pattern_ops);
CREATE INDEX entries_tags ON entries USING gin (tags);
CREATE INDEX entries_owners ON entries USING gin (owners);

CREATE TABLE versions (
    entry_id        uuid NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    number          integer NOT NULL CHECK (number > 0),
    status          text NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'published', 'superseded')),
    content         jsonb NOT NULL,
    author          text NOT NULL,
    author_key      uuid,
    based_on        integer,
    review_comment  text,
    effective_from  timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    submitted_at    timestamptz,
    published_at    timestamptz,
    superseded_at   timestamptz,
    PRIMARY KEY (entry_id, number)
);
-- At most one version of an entry is being worked on at a time.
CREATE UNIQUE INDEX versions_one_open ON versions (entry_id) WHERE status IN ('draft', 'in_review', 'approved');
CREATE INDEX versions_status ON versions (status);

CREATE TABLE approvals (
    entry_id     uuid NOT NULL,
    number       integer NOT NULL,
    team         text NOT NULL,
    approver     text NOT NULL,
    approver_key uuid,
    comment      text,
    approved_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, number, team),
    FOREIGN KEY (entry_id, number) REFERENCES versions (entry_id, number) ON DELETE CASCADE
);

-- The outbox. Rows are ordered by (txid, id): a reader only sees rows whose transaction id is below the
-- oldest transaction still running, so a row can never appear behind a cursor that has already passed it.
CREATE TABLE events (
    id          bigserial PRIMARY KEY,
    txid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    type        text NOT NULL,
    kind        text NOT NULL,
    entry_id    uuid,
    slug        text,
    version     integer,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    data        jsonb NOT NULL
);
CREATE UNIQUE INDEX events_feed_order ON events (txid, id);
CREATE INDEX events_type_order ON events (type, txid, id);

CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    actor_key    uuid,
    action       text NOT NULL,
    kind         text,
    slug         text,
    entry_id     uuid,
    from_version integer,
    to_version   integer,
    detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entry ON audit_log (entry_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);

-- Wakes workers (webhook dispatch, search sync) as soon as a change commits; a periodic sweep covers lost notifies.
CREATE FUNCTION notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('canon_events', '');
    RETURN NULL;
END;
$$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events();

-- Each background consumer of the event log (webhook fan-out, search sync) keeps its own feed position.
CREATE TABLE consumer_offsets (
    name       text PRIMARY KEY,
    txid       xid8 NOT NULL DEFAULT '0',
    event_id   bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Workers say they are alive here; readiness and operators read it.
CREATE TABLE worker_heartbeats (
    worker_id  text PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now()
);
