-- Reason: extracted text is keyed by the file and the type it was read as (digest + content type), so bytes read under a wrong label can never take the text of versions that label the same bytes right.

ALTER TABLE asset_texts ADD COLUMN content_type text;

-- A text recorded so far was read as the type of the newest version naming its file when the worker read it: the
-- newest version updated no later than the extraction, else the newest one. The other types a file is labelled
-- with have no row yet: the worker reads the file again as each of them. A text whose file no version names any
-- more (garbage collection removes it with its blob) gets the empty type, which no version has.
UPDATE asset_texts t
SET content_type = coalesce(
    (SELECT coalesce(v.content ->> 'content_type', '') FROM versions v
     WHERE v.content ? 'sha256' AND v.content ->> 'sha256' = t.sha256
     ORDER BY v.updated_at <= t.extracted_at DESC, v.updated_at DESC
     LIMIT 1),
    '');

ALTER TABLE asset_texts
    ALTER COLUMN content_type SET NOT NULL,
    DROP CONSTRAINT asset_texts_pkey,
    ADD PRIMARY KEY (sha256, content_type);
