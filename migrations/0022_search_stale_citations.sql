-- Reason: search hits say which of a message's or asset's citations name a version no longer in effect (issue 16, item 6), so documents keep them.

-- The stale citations of the version a document shows, as the search sync renders them (`service/store/citations.py`):
-- [{kind, slug, cited_version, current_version}], in the order of the version's references. Only shown, never matched.
ALTER TABLE search_documents ADD COLUMN stale_citations jsonb NOT NULL DEFAULT '[]';

-- Documents indexed before this migration take them from the version each shows, so hits say so from the upgrade on,
-- without a `canon reindex` (the sync writes them from now on). Documents citing nothing stale are not rewritten.
WITH found AS (
    SELECT d.kind, d.slug, d.layer,
           (SELECT jsonb_agg(jsonb_build_object('kind', c.kind, 'slug', c.slug,
                                                'cited_version', (r.ref ->> 'version')::int,
                                                'current_version', c.current_version) ORDER BY r.ord)
            FROM jsonb_array_elements(v.content -> 'references') WITH ORDINALITY AS r(ref, ord)
            JOIN entries c ON c.kind = r.ref ->> 'kind' AND c.slug = r.ref ->> 'slug'
            WHERE c.current_version > (r.ref ->> 'version')::int) AS stale
    FROM search_documents d
    JOIN entries e ON e.kind = d.kind AND e.slug = d.slug
    JOIN versions v ON v.entry_id = e.id AND v.number = d.version
    WHERE d.kind IN ('message', 'asset') AND jsonb_typeof(v.content -> 'references') = 'array'
)
UPDATE search_documents d
SET stale_citations = f.stale
FROM found f
WHERE (d.kind, d.slug, d.layer) = (f.kind, f.slug, f.layer) AND f.stale IS NOT NULL;
