-- canon: no-transaction
-- Reason: spelling corrections read the 50 vocabulary words nearest by trigrams; with GiST's default 12-byte signatures that walk visited most of the index (~40 ms for 10,000 words), with 256-byte signatures ~2 ms.

-- A word's trigram signature is a bit set hashed into `siglen` bytes. At 12 bytes (the default) nearly every bit
-- of an inner page's union is set, so the nearest-neighbour search cannot prune and reads ~2,300 pages for one
-- misspelt word; at 256 bytes it reads ~120.
-- The new index is built CONCURRENTLY beside the old one, which then goes; words are written and corrections served
-- throughout (a database that applied this file's first text, which blocked them, keeps that record: decision 44).
-- Each statement can be run again after a failure part-way.
CREATE INDEX CONCURRENTLY IF NOT EXISTS search_terms_trgm_wide ON search_terms USING gist (term gist_trgm_ops(siglen = 256));
DROP INDEX CONCURRENTLY IF EXISTS search_terms_trgm;
ALTER INDEX search_terms_trgm_wide RENAME TO search_terms_trgm;
