-- Reason: spelling corrections read the 50 vocabulary words nearest by trigrams; with GiST's default 12-byte signatures that walk visited most of the index (~40 ms for 10,000 words), with 256-byte signatures ~2 ms.

-- A word's trigram signature is a bit set hashed into `siglen` bytes. At 12 bytes (the default) nearly every bit
-- of an inner page's union is set, so the nearest-neighbour search cannot prune and reads ~2,300 pages for one
-- misspelt word; at 256 bytes it reads ~120.
DROP INDEX search_terms_trgm;
CREATE INDEX search_terms_trgm ON search_terms USING gist (term gist_trgm_ops(siglen = 256));
