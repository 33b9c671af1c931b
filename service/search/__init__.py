"""Search: the SearchIndex protocol and its backends (PostgreSQL full-text search, Meilisearch)."""
