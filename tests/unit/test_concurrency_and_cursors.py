from __future__ import annotations

import pytest

from service.domain.concurrency import check_if_match, etag, none_match
from service.domain.cursors import decode_cursor, encode_cursor
from service.domain.errors import Invalid, PreconditionFailed, PreconditionRequired
from service.domain.events import event_type_to_sql_like, matches_type, valid_type_pattern


def test_if_match_accepts_the_current_tag_a_list_or_star_where_it_is_optional() -> None:
    check_if_match('"7"', 7, required=True)
    check_if_match('"3", "7"', 7, required=True)
    check_if_match('*, "7"', 7, required=True)
    check_if_match("*", 7, required=False)
    check_if_match(None, 7, required=False)
    with pytest.raises(PreconditionRequired, match="not \\*"):
        check_if_match("*", 7, required=True)


def test_if_match_missing_is_428_and_stale_is_412() -> None:
    with pytest.raises(PreconditionRequired):
        check_if_match(None, 7, required=True)
    with pytest.raises(PreconditionFailed, match='current ETag is "7"'):
        check_if_match('"6"', 7, required=True)
    with pytest.raises(PreconditionFailed):
        check_if_match('W/"7"', 7, required=True)  # If-Match compares strongly


def test_if_none_match_compares_weakly() -> None:
    assert none_match('W/"7"', 7)
    assert none_match(f"{etag(1)}, {etag(7)}", 7)
    assert not none_match('"6"', 7)
    assert not none_match(None, 7)


def test_cursors_round_trip_and_refuse_foreign_input() -> None:
    assert decode_cursor(encode_cursor(12, "abc"), 2) == [12, "abc"]
    for bad in ("", "!!!", encode_cursor(1), "eyJ4IjogMX0"):
        with pytest.raises(Invalid):
            decode_cursor(bad, 2)


def test_event_type_patterns() -> None:
    assert matches_type("definition.published", ["definition.*"])
    assert matches_type("definition.published", ["*.published"])
    assert not matches_type("message.published", ["definition.*"])
    assert valid_type_pattern("definition.draft_updated")
    assert not valid_type_pattern("definition.%")
    assert not valid_type_pattern("definition")
    assert valid_type_pattern("*")
    assert event_type_to_sql_like("definition.*") == "definition.%"
    assert event_type_to_sql_like("definition.draft_updated") == "definition.draft\\_updated"
