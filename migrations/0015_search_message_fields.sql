-- Reason: search filters and counts messages by type, locale, audience and segment, so their documents keep those fields of the version they show.

-- One value each, for messages only (NULL for definitions and assets, which a message filter therefore leaves out).
-- Small and few: the filters test them on the rows the other conditions already narrowed, with no index of their own.
ALTER TABLE search_documents
    ADD COLUMN message_type text,
    ADD COLUMN locale text,
    ADD COLUMN audience text,
    ADD COLUMN segment text;

-- Documents indexed before this migration take the fields from the version each shows, so filters are right from the
-- upgrade on, without a `canon reindex` (the sync writes them from now on). Empty values are no value, as the sync
-- renders them.
UPDATE search_documents d
SET message_type = nullif(v.content ->> 'message_type', ''),
    locale = nullif(v.content ->> 'locale', ''),
    audience = nullif(v.content ->> 'audience', ''),
    segment = nullif(v.content ->> 'segment', '')
FROM entries e
JOIN versions v ON v.entry_id = e.id
WHERE d.kind = 'message' AND e.kind = d.kind AND e.slug = d.slug AND v.number = d.version;
