from __future__ import annotations

import datetime as dt

from service.store.entry_views import EntryView
from service.store.view_cache import ViewCache

VIEW = EntryView(body=b"{}", revision=3, status="published")


def enabled_cache() -> ViewCache:
    cache = ViewCache(max_views=2)
    cache.reset(enabled=True)
    return cache


def test_a_stored_view_is_served_until_its_entry_changes() -> None:
    cache = enabled_cache()
    cache.put(("definition", "mql", None), VIEW, cache.generation("definition", "mql"), None)
    assert cache.get(("definition", "mql", None)) is VIEW
    cache.invalidate("definition", "mql")
    assert cache.get(("definition", "mql", None)) is None


def test_a_view_read_before_an_invalidation_is_not_stored() -> None:
    cache = enabled_cache()
    generation = cache.generation("definition", "mql")
    cache.invalidate("definition", "mql")  # a write committed while the view was being read
    cache.put(("definition", "mql", None), VIEW, generation, None)
    assert cache.get(("definition", "mql", None)) is None


def test_invalidation_is_per_entry_and_per_kind() -> None:
    cache = enabled_cache()
    cache.put(("definition", "mql", None), VIEW, cache.generation("definition", "mql"), None)
    cache.put(("message", "mql", None), VIEW, cache.generation("message", "mql"), None)
    cache.invalidate("definition", "mql")
    assert cache.get(("message", "mql", None)) is VIEW


def test_nothing_is_served_or_kept_while_disabled() -> None:
    cache = enabled_cache()
    cache.put(("definition", "mql", None), VIEW, cache.generation("definition", "mql"), None)
    cache.reset(enabled=False)
    assert cache.get(("definition", "mql", None)) is None
    cache.put(("definition", "mql", None), VIEW, cache.generation("definition", "mql"), None)
    cache.reset(enabled=True)
    assert cache.get(("definition", "mql", None)) is None


def test_a_reset_invalidates_reads_in_flight() -> None:
    cache = enabled_cache()
    generation = cache.generation("definition", "mql")
    cache.reset(enabled=True)  # the listener reconnected: notifications may have been lost meanwhile
    cache.put(("definition", "mql", None), VIEW, generation, None)
    assert cache.get(("definition", "mql", None)) is None


def test_expiring_views_are_kept_only_until_they_expire() -> None:
    cache = enabled_cache()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    cache.put(("asset", "deck", None), VIEW, cache.generation("asset", "deck"), past)
    assert cache.get(("asset", "deck", None)) is None
    cache.put(
        ("asset", "deck", 1), VIEW, cache.generation("asset", "deck"), dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    )
    assert cache.get(("asset", "deck", 1)) is VIEW


def test_the_least_recently_used_view_goes_first() -> None:
    cache = enabled_cache()
    for slug in ("a", "b"):
        cache.put(("definition", slug, None), VIEW, cache.generation("definition", slug), None)
    assert cache.get(("definition", "a", None)) is VIEW
    cache.put(("definition", "c", None), VIEW, cache.generation("definition", "c"), None)
    assert cache.get(("definition", "b", None)) is None
    assert cache.get(("definition", "a", None)) is VIEW


def test_notifications_name_kind_and_slug() -> None:
    cache = enabled_cache()
    cache.put(("definition", "sql", None), VIEW, cache.generation("definition", "sql"), None)
    cache.on_notify(None, 1, "canon_entry_changed", "definition:sql")
    assert cache.get(("definition", "sql", None)) is None
