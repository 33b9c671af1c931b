"""One vocabulary of version statuses: the enum, the SQL built from it, and the schema's own constraint and indexes."""

from __future__ import annotations

import re
from pathlib import Path

from service.domain.model import OPEN_STATUSES, RELEASED_STATUSES, SUBMITTED_STATUSES, VersionStatus
from service.store import statuses

MIGRATIONS = Path(__file__).parents[2] / "migrations"


def test_the_enum_is_what_the_schema_allows() -> None:
    initial = (MIGRATIONS / "0001_initial.sql").read_text()
    check = re.search(r"status\s+text NOT NULL CHECK \(status IN (\([^)]*\))\)", initial)
    assert check is not None
    assert check.group(1) == "(" + ", ".join(f"'{s}'" for s in VersionStatus) + ")"


def test_the_groups_are_rendered_as_the_partial_indexes_name_them() -> None:
    """The planner uses a partial index only for a predicate it can match: the SQL says what the index says."""
    schema = "\n".join(path.read_text() for path in sorted(MIGRATIONS.glob("*.sql")))
    assert f"CREATE UNIQUE INDEX versions_one_open ON versions (entry_id) WHERE status IN {statuses.OPEN};" in schema
    assert f"WHERE status = {statuses.PUBLISHED} AND effective_from > published_at;" in schema
    assert statuses.SUBMITTED == "('in_review', 'approved')"
    assert statuses.RELEASED == "('published', 'superseded')"


def test_the_groups_hold_what_their_names_say() -> None:
    assert {VersionStatus.draft, *SUBMITTED_STATUSES} == OPEN_STATUSES
    assert set(VersionStatus) == OPEN_STATUSES | RELEASED_STATUSES
    assert not OPEN_STATUSES & RELEASED_STATUSES
    assert "published" in RELEASED_STATUSES  # the text read from the database is found in the groups


def test_only_enum_text_reaches_sql() -> None:
    constants = [value for name, value in vars(statuses).items() if name.isupper() and isinstance(value, str)]
    assert constants
    for constant in constants:
        assert re.fullmatch(r"'[a-z_]+'|\('[a-z_]+'(, '[a-z_]+')*\)", constant), constant
