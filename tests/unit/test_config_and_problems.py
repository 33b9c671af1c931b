from __future__ import annotations

from pathlib import Path

import pytest

from service.api.problems import _pointer
from service.config import Settings


def test_settings_come_from_canon_variables_and_overrides_win() -> None:
    settings = Settings.from_env(
        {"CANON_MAX_BODY_BYTES": "2048", "CANON_DATA_DIR": "/tmp/x", "CANON_CORS_ORIGINS": "https://a,https://b"},
        database_url="postgresql://db/canon",
    )
    assert settings.max_body_bytes == 2048
    assert settings.data_dir == Path("/tmp/x")
    assert settings.cors_origins == ("https://a", "https://b")
    assert settings.database_url == "postgresql://db/canon"


def test_a_meilisearch_index_uid_meilisearch_would_refuse_is_refused_at_start() -> None:
    for uid in ("canon entries", "canon/entries", "x" * 201):
        with pytest.raises(ValueError, match=r"^CANON_MEILISEARCH_INDEX: Expected `str` matching regex"):
            Settings.from_env({"CANON_MEILISEARCH_INDEX": uid})


def test_a_bad_setting_is_named_by_its_variable() -> None:
    with pytest.raises(ValueError, match=r"^CANON_SEARCH_POOL_MAX: Expected `int`, got `str`$"):
        Settings.from_env({"CANON_SEARCH_POOL_MAX": "many"})
    with pytest.raises(ValueError, match=r"^CANON_WEBHOOK_RETRY_SECONDS: Expected `float`, got `str`$"):
        Settings.from_env({"CANON_WEBHOOK_RETRY_SECONDS": "5,soon"})


def test_empty_variables_mean_default() -> None:
    assert Settings.from_env({"CANON_DATABASE_URL": ""}).database_url is None


def test_msgspec_paths_become_json_pointers() -> None:
    assert _pointer(".content.aliases[0]") == "/content/aliases/0"
    assert _pointer(".title") == "/title"
    assert _pointer("") == ""
    assert _pointer(".content.criteria['a/b']") == "/content/criteria/a~1b"
