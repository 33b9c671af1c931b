"""Fail-fast settings: validated at start-up (naming the variable), and their defaults are the clients' own."""

from __future__ import annotations

import inspect

import pytest

from service.blobs import s3
from service.config import Settings
from service.search import meili_client


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CANON_S3_CONNECT_TIMEOUT", "0", "Expected `float` > 0.0"),
        ("CANON_S3_READ_TIMEOUT", "-1", "Expected `float` > 0.0"),
        ("CANON_S3_MAX_ATTEMPTS", "0", "Expected `int` >= 1"),
        ("CANON_S3_MAX_ATTEMPTS", "11", "Expected `int` <= 10"),
        ("CANON_S3_RETRY_MODE", "legacy", "Invalid enum value 'legacy'"),
        ("CANON_MEILISEARCH_CONNECT_TIMEOUT", "0", "Expected `float` > 0.0"),
        ("CANON_MEILISEARCH_READ_TIMEOUT", "soon", "Expected `float`"),
        ("CANON_MEILISEARCH_RETRIES", "-1", "Expected `int` >= 0"),
        ("CANON_DATABASE_CONNECT_TIMEOUT", "0", "Expected `float` > 0.0"),
        ("CANON_DATABASE_ACQUIRE_TIMEOUT", "0", "Expected `float` > 0.0"),
        ("CANON_DATABASE_COMMAND_TIMEOUT", "-5", "Expected `float` > 0.0"),
    ],
)
def test_a_bad_timeout_or_budget_is_refused_naming_its_variable(variable: str, value: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{variable}: {message}"):
        Settings.from_env({variable: value})


def test_timeouts_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "CANON_S3_CONNECT_TIMEOUT": "1.5",
            "CANON_S3_READ_TIMEOUT": "30",
            "CANON_S3_MAX_ATTEMPTS": "4",
            "CANON_S3_RETRY_MODE": "adaptive",
            "CANON_MEILISEARCH_RETRIES": "0",
            "CANON_DATABASE_COMMAND_TIMEOUT": "20",
        }
    )
    assert (settings.s3_connect_timeout, settings.s3_read_timeout) == (1.5, 30.0)
    assert (settings.s3_max_attempts, settings.s3_retry_mode) == (4, "adaptive")
    assert (settings.meilisearch_retries, settings.database_command_timeout) == (0, 20.0)


def test_the_settings_defaults_are_the_clients_defaults() -> None:
    settings = Settings()
    client = inspect.signature(s3.make_client).parameters
    assert settings.s3_connect_timeout == client["connect_timeout"].default == s3.CONNECT_TIMEOUT
    assert settings.s3_read_timeout == client["read_timeout"].default == s3.READ_TIMEOUT
    assert settings.s3_max_attempts == client["max_attempts"].default == s3.MAX_ATTEMPTS
    assert settings.s3_retry_mode == client["retry_mode"].default
    assert settings.meilisearch_connect_timeout == meili_client.CONNECT_TIMEOUT
    assert settings.meilisearch_read_timeout == meili_client.READ_TIMEOUT
    assert settings.meilisearch_retries == meili_client.RETRIES


@pytest.mark.parametrize(
    "limits", [{"connect_timeout": 0.0}, {"read_timeout": -1.0}, {"max_attempts": 0}, {"retry_mode": "legacy"}]
)
def test_make_client_refuses_impossible_limits(limits: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"connect_timeout|max_attempts|retry_mode"):
        s3.make_client(endpoint_url=None, region="us-east-1", **limits)  # type: ignore[arg-type]
