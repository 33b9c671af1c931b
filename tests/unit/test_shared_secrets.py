"""The key ring: sign with the newest secret (a database generation once every process has had time to read it),
accept every kept one; the settings that configure the list."""

from __future__ import annotations

import datetime as dt

import pytest

from service.config import Settings
from service.search import links, tokens
from service.shared_secrets import KeyRing, signing_delay
from service.store.secrets import Secret

OLD, NEW = b"o" * 32, b"n" * 32


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_configured_secrets_sign_with_the_first_and_accept_all() -> None:
    ring = KeyRing(("newest", "previous"))
    assert ring.configured
    assert ring.signing == b"newest"
    assert ring.accepted == (b"newest", b"previous")
    token = tokens.mint(b"previous", tokens.SearchGrant(exp=2**40))
    assert tokens.verify(ring.accepted, token).exp == 2**40
    now = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)
    exp = int(now.timestamp()) + 300
    url = links.signed_url(b"previous", "https://canon.test/v1/assets/deck/content", "deck", 2, exp)
    params = {"version": ["2"], "expires": [str(exp)], "signature": [url.rsplit("=", 1)[1]]}
    assert links.verify(ring.accepted, "deck", params, now=now).version == 2
    with pytest.raises(links.InvalidLink, match="signature"):
        links.verify([b"newest"], "deck", params, now=now)


def test_a_new_database_generation_is_accepted_at_once_and_signs_only_after_the_delay() -> None:
    clock = Clock()
    ring = KeyRing(clock=clock)
    ring.replace([Secret(value=OLD, generation=1, age=5000.0)], signing_delay(60))
    assert ring.signing == OLD
    ring.replace([Secret(value=NEW, generation=2, age=30.0), Secret(value=OLD, generation=1, age=5000.0)], 120)
    assert ring.accepted == (NEW, OLD)
    assert ring.signing == OLD  # other processes may not have read NEW yet
    clock.now += 89.0
    assert ring.signing == OLD
    clock.now += 1.0
    assert ring.signing == NEW


def test_the_only_secret_signs_at_once_however_new() -> None:
    ring = KeyRing(clock=Clock())
    ring.replace([Secret(value=NEW, generation=1, age=0.0)], 120)
    assert ring.signing == NEW


def test_an_empty_ring_refuses_to_sign() -> None:
    with pytest.raises(RuntimeError, match="no search-token secret"):
        _ = KeyRing().signing


def test_the_settings_take_a_list_newest_first_or_one_secret_but_not_both() -> None:
    assert Settings.from_env({"CANON_SEARCH_TOKEN_SECRETS": "new,old"}).search_token_keys == ("new", "old")
    assert Settings.from_env({"CANON_SEARCH_TOKEN_SECRET": "one"}).search_token_keys == ("one",)
    assert Settings.from_env({}).search_token_keys == ()
    with pytest.raises(ValueError, match="CANON_SEARCH_TOKEN_SECRET and CANON_SEARCH_TOKEN_SECRETS"):
        Settings.from_env({"CANON_SEARCH_TOKEN_SECRETS": "a,b", "CANON_SEARCH_TOKEN_SECRET": "c"})
    with pytest.raises(ValueError, match="empty secret"):
        Settings.from_env({"CANON_SEARCH_TOKEN_SECRETS": "a,,b"})
