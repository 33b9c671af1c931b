"""Search tokens: signed, expiring, restricted, and never accepted once altered."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.model import Principal, Role
from service.search import tokens
from service.search.tokens import InvalidToken, SearchGrant
from service.usecases.search import SearchTokenCreate, mint_token

SECRET = b"s" * 32
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def test_a_minted_token_verifies_until_it_expires() -> None:
    issued = mint_token(
        SECRET,
        Principal(subject="portal", name="portal", role=Role.reader),
        SearchTokenCreate(tags=["b", "a", "a"]),
        now=NOW,
    )
    assert issued.expires_at == NOW + dt.timedelta(minutes=15)
    assert issued.tags == ["a", "b"]
    grant = tokens.verify([SECRET], issued.token, now=NOW + dt.timedelta(minutes=14))
    assert grant.tags == ["a", "b"]
    assert grant.teams == []
    with pytest.raises(InvalidToken, match="expired"):
        tokens.verify([SECRET], issued.token, now=NOW + dt.timedelta(minutes=15))


def test_altered_or_foreign_tokens_are_refused() -> None:
    token = tokens.mint(SECRET, SearchGrant(exp=int(NOW.timestamp()) + 60, tags=["pricing"]))
    payload, signature = token.removeprefix(tokens.PREFIX).split(".")
    unrestricted = tokens.mint(SECRET, SearchGrant(exp=int(NOW.timestamp()) + 60))
    other_payload = unrestricted.removeprefix(tokens.PREFIX).split(".")[0]
    for forged in (
        f"{tokens.PREFIX}{other_payload}.{signature}",  # the restriction dropped, the old signature kept
        f"{tokens.PREFIX}{payload}.{signature[:-1]}{'B' if signature.endswith('A') else 'A'}",
        f"{tokens.PREFIX}{payload}",
        token.removeprefix(tokens.PREFIX),
        tokens.mint(b"another secret", SearchGrant(exp=int(NOW.timestamp()) + 60)),
    ):
        with pytest.raises(InvalidToken):
            tokens.verify([SECRET], forged, now=NOW)


def test_signed_garbage_is_refused_without_crashing() -> None:
    payload = "bm90IGpzb24"  # "not json"
    forged = f"{tokens.PREFIX}{payload}.{tokens._sign(SECRET, payload)}"
    with pytest.raises(InvalidToken, match="not valid"):
        tokens.verify([SECRET], forged, now=NOW)


def test_a_token_signed_with_any_of_the_secrets_verifies_and_none_other() -> None:
    grant = SearchGrant(exp=int(NOW.timestamp()) + 60, tags=["pricing"])
    previous, newest, stranger = b"p" * 32, b"n" * 32, b"x" * 32
    for signer in (newest, previous):
        assert tokens.verify([newest, previous], tokens.mint(signer, grant), now=NOW) == grant
    with pytest.raises(InvalidToken, match="not valid"):
        tokens.verify([newest, previous], tokens.mint(stranger, grant), now=NOW)
    with pytest.raises(InvalidToken, match="not valid"):
        tokens.verify([], tokens.mint(newest, grant), now=NOW)
