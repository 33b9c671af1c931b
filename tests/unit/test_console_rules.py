"""The console's pure rules: when a session ends, when its use is written down, criteria as readable lines, and the
CSRF token a session derives."""

from __future__ import annotations

import datetime as dt

from service.console.rules import RuleLine, readable
from service.domain.sessions import Standing, standing, worth_touching
from service.usecases.console_sessions import csrf_matches, csrf_token

SIGNED_IN = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
IDLE, ABSOLUTE = HOUR, 12 * HOUR


def at(elapsed: dt.timedelta, last_seen: dt.timedelta = dt.timedelta(0)) -> Standing:
    return standing(
        created_at=SIGNED_IN,
        last_seen_at=SIGNED_IN + last_seen,
        now=SIGNED_IN + elapsed,
        idle=IDLE,
        absolute=ABSOLUTE,
    )


def test_a_session_is_active_until_idle_for_the_idle_timeout() -> None:
    assert at(59 * dt.timedelta(minutes=1)) is Standing.active
    assert at(HOUR) is Standing.idle
    assert at(5 * HOUR, last_seen=4 * HOUR + dt.timedelta(minutes=30)) is Standing.active


def test_a_busy_session_still_ends_at_the_absolute_timeout() -> None:
    assert at(ABSOLUTE - dt.timedelta(seconds=1), last_seen=ABSOLUTE - dt.timedelta(minutes=1)) is Standing.active
    assert at(ABSOLUTE, last_seen=ABSOLUTE - dt.timedelta(seconds=1)) is Standing.expired
    assert at(ABSOLUTE + HOUR, last_seen=dt.timedelta(0)) is Standing.expired  # both: the absolute one is named


def test_last_use_is_written_at_most_once_a_minute_or_a_tenth_of_the_idle_timeout() -> None:
    seen = SIGNED_IN
    assert not worth_touching(last_seen_at=seen, now=seen + dt.timedelta(seconds=59), idle=IDLE)
    assert worth_touching(last_seen_at=seen, now=seen + dt.timedelta(minutes=1), idle=IDLE)
    short = dt.timedelta(seconds=100)
    assert worth_touching(last_seen_at=seen, now=seen + dt.timedelta(seconds=10), idle=short)
    assert not worth_touching(last_seen_at=seen, now=seen + dt.timedelta(seconds=9), idle=short)


def test_criteria_read_as_nested_rules_in_words() -> None:
    criteria = {
        "all": [
            {"field": "company.employees", "op": "gte", "value": 50},
            {
                "any": [{"field": "score", "op": "gte", "value": 60}, {"field": "demo", "op": "eq", "value": True}],
                "label": "engaged",
            },
            {"not": {"field": "country", "op": "in", "value": ["KP", "IR"]}},
            {"field": "email", "op": "exists"},
            {"field": "size", "op": "between", "value": [1, 5]},
        ]
    }
    assert readable(criteria) == RuleLine(
        "Matches all of these:",
        [
            RuleLine("company.employees ≥ 50"),
            RuleLine("Matches at least one of these:", [RuleLine("score ≥ 60"), RuleLine("demo = true")], "engaged"),
            RuleLine("Matches none of these:", [RuleLine("country in [KP, IR]")]),
            RuleLine("email present"),
            RuleLine("size between 1 and 5"),
        ],
    )


def test_odd_criteria_are_shown_not_refused() -> None:
    assert readable("text") == RuleLine("text")
    assert readable({"weird": 1}).text == '{"weird":1}'


def test_the_csrf_token_is_the_sessions_own() -> None:
    token = csrf_token("session-a")
    assert token == csrf_token("session-a")
    assert token != csrf_token("session-b")
    assert "session-a" not in token
    assert csrf_matches("session-a", token)
    assert not csrf_matches("session-b", token)
    assert not csrf_matches("session-a", None)
    assert not csrf_matches("session-a", "")
