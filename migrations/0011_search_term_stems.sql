-- Reason: snippets are highlighted in Python from the words of the vocabulary that stem to a query's terms, instead of ts_headline parsing and stemming every hit's text on each search (about half of a typical search's time).

-- The stem of one folded word as the index sees it ('' for a stop word or a word with no lexeme). An immutable
-- wrapper, like canon_fold: the configuration is fixed by name.
CREATE FUNCTION canon_stem(word text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN coalesce((SELECT min(l) FROM unnest(tsvector_to_array(to_tsvector('canon_search', word))) AS l), '');

-- Each vocabulary word's stem, computed once when the word first appears: a search asks which words stem to its
-- terms (or begin with a prefix term) and marks those words in the snippets.
ALTER TABLE search_terms ADD COLUMN stem text;
UPDATE search_terms SET stem = canon_stem(term);
ALTER TABLE search_terms ALTER COLUMN stem SET NOT NULL;
CREATE INDEX search_terms_stem ON search_terms (stem text_pattern_ops, hits DESC);
