"""When a citation is stale: the rule, as pure functions (the SQL in `service/store/citations.py` says the same).

A message or asset cites a version of another entry, pinned when written. At an instant, the citation is **stale**
when the cited entry has a version in effect then and the cited version is older: a newer version has replaced it.
A citation of a version not yet in effect (scheduled) is not stale, nor is one of an entry with nothing in effect.
It **becomes** stale when the version in effect changes from `previous` to `current` and it was not stale before
but is after: `previous <= cited < current` (anything cited is stale or fresh once, so each citation is announced
once per version it falls behind from being current or newer).
"""

from __future__ import annotations


def is_stale(cited: int, in_effect: int | None) -> bool:
    """Whether a citation of version `cited` is stale while version `in_effect` (None: none) is in effect."""
    return in_effect is not None and cited < in_effect


def becomes_stale(cited: int, previous: int | None, current: int | None) -> bool:
    """Whether a citation of version `cited` turns stale when the version in effect moves from `previous` to
    `current`."""
    return not is_stale(cited, previous) and is_stale(cited, current)
