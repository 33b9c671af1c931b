-- Reason: PostgreSQL search (issue 5): indexed documents, their vocabulary for typo correction, glossary synonyms.

-- All three ship with PostgreSQL's contrib and are trusted extensions: a database owner can create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

-- English stemming with accents folded first, so "résumé" and "resume" are one lexeme in documents, queries and
-- highlights alike (ts_headline marks the accented original).
CREATE TEXT SEARCH CONFIGURATION canon_search (COPY = english);
ALTER TEXT SEARCH CONFIGURATION canon_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

-- unaccent() is only STABLE (its dictionary could change); this wrapper is IMMUTABLE so indexes can use it. The
-- SQL-standard body binds the dictionary when created, whatever the search_path is later.
CREATE FUNCTION canon_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN lower(unaccent('unaccent'::regdictionary, value));

-- One row per entry and layer: its current published version ('published') and its version in progress ('draft').
-- Kept in sync from the event log by the worker (service/search/sync.py), in the transaction that moves its offset.
CREATE TABLE search_documents (
    kind           text NOT NULL,
    slug           text NOT NULL,
    layer          text NOT NULL CHECK (layer IN ('published', 'draft')),
    version        integer NOT NULL,
    version_status text NOT NULL,
    title          text NOT NULL,
    tags           text[] NOT NULL DEFAULT '{}',
    teams          text[] NOT NULL DEFAULT '{}',
    aliases        text[] NOT NULL DEFAULT '{}',
    summary        text NOT NULL DEFAULT '',
    body           text NOT NULL DEFAULT '',
    extracted_text text NOT NULL DEFAULT '',
    expires_at     timestamptz,
    updated_at     timestamptz,
    api_url        text NOT NULL DEFAULT '',
    content_url    text,
    title_key      text NOT NULL,      -- canon_fold(title): a query equal to the whole title ranks first
    -- Everything, weighted (title and aliases A, summary B, body C, asset file text D): what a query must match.
    tsv            tsvector NOT NULL,
    -- Title and aliases alone: a match here ranks above any match elsewhere.
    names_tsv      tsvector NOT NULL,
    -- Title, aliases and summary: what ranking reads. Small, so ranking thousands of matches never detoasts `tsv`.
    head_tsv       tsvector NOT NULL,
    PRIMARY KEY (kind, slug, layer)
);
CREATE INDEX search_documents_tsv ON search_documents USING gin (tsv);
CREATE INDEX search_documents_head ON search_documents USING gin (head_tsv);
CREATE INDEX search_documents_tags ON search_documents USING gin (tags);
CREATE INDEX search_documents_teams ON search_documents USING gin (teams);
CREATE INDEX search_documents_listing ON search_documents (layer, title_key, kind, slug);

-- Every word ever indexed (folded), with how often: a query word not in here is a misspelling to correct.
-- Only grows between reindexes: a word that left the corpus stays "known", which merely skips its correction.
CREATE TABLE search_terms (
    term text PRIMARY KEY,
    hits bigint NOT NULL DEFAULT 1
);
CREATE INDEX search_terms_trgm ON search_terms USING gist (term gist_trgm_ops);
CREATE INDEX search_terms_prefix ON search_terms (term text_pattern_ops);

-- Glossary synonyms: the terms of one group (a definition's title and aliases) stand for each other in queries.
CREATE TABLE search_synonyms (
    group_id integer NOT NULL,
    term     text NOT NULL,
    words    text[] NOT NULL,
    PRIMARY KEY (group_id, term)
);
CREATE INDEX search_synonyms_words ON search_synonyms USING gin (words);

-- Bumped by every change to the documents or the synonyms: API processes cache results and vocabulary lookups
-- and drop them when these numbers move (checked at most every few hundred milliseconds).
CREATE TABLE search_generation (
    id        boolean PRIMARY KEY DEFAULT true CHECK (id),
    documents bigint NOT NULL DEFAULT 0,
    synonyms  bigint NOT NULL DEFAULT 0
);
INSERT INTO search_generation DEFAULT VALUES;

CREATE FUNCTION search_documents_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_generation SET documents = documents + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER search_documents_changed AFTER INSERT OR UPDATE OR DELETE ON search_documents
    FOR EACH STATEMENT EXECUTE FUNCTION search_documents_changed();

CREATE FUNCTION search_synonyms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE search_generation SET synonyms = synonyms + 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER search_synonyms_changed AFTER INSERT OR UPDATE OR DELETE ON search_synonyms
    FOR EACH STATEMENT EXECUTE FUNCTION search_synonyms_changed();
