from __future__ import annotations

from pathlib import Path

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


def test_empty_variables_mean_default() -> None:
    assert Settings.from_env({"CANON_DATABASE_URL": ""}).database_url is None


def test_msgspec_paths_become_json_pointers() -> None:
    assert _pointer(".data.content.aliases[0]") == "/content/aliases/0"
    assert _pointer(".data.title") == "/title"
    assert _pointer(".data") == ""
    assert _pointer(".data.content.criteria['a/b']") == "/content/criteria/a~1b"
