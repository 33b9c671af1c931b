"""Identity providers: who a bearer token says the caller is."""
