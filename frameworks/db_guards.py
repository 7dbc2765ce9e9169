"""The database refuses to change a published version or anything in it (SQLite and
PostgreSQL), like the audit log refuses updates.

- A published version's row keeps every column except the nullable links
  (`created_by`, `published_by`, `based_on`), which a deleted user or draft may clear.
- No level, category, competency or statement may be inserted into a published version,
  and none of its rows may be updated or deleted; a published version's row may not be
  deleted.

Deletes are refused by the models too (`VersionedItem.delete`, `VersionedQuerySet.delete`)
and by PROTECT on the family. Removing a whole organization (and the test database's
flush) runs inside `organizations.db_guards.purging()`, which the delete guards let pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from organizations.db_guards import (
    PG_NOT_PURGING,
    SQLITE_NOT_PURGING,
    Trigger,
    abort,
    closed_row_fixed,
    parts_of_closed_rows,
)

ITEMS = [
    "frameworks_level",
    "frameworks_competencycategory",
    "frameworks_competency",
    "frameworks_statement",
]
VERSIONS = "frameworks_frameworkversion"
# columns of a published version that may still change: links cleared by SET_NULL
LOOSE = ["created_by_id", "published_by_id", "based_on_id"]
MESSAGE = "published framework versions cannot be changed"

PG_SETUP = f"""
CREATE OR REPLACE FUNCTION clb_version_published_kept() RETURNS trigger AS $$
BEGIN
  IF {PG_NOT_PURGING} AND OLD.status = 'published' THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  RETURN OLD;
END; $$ LANGUAGE plpgsql;
"""


def triggers() -> Iterator[Trigger]:
    from frameworks.models import FrameworkVersion

    yield closed_row_fixed(
        "clb_version_published_fixed",
        FrameworkVersion,
        closed="OLD.status = 'published'",
        loose=LOOSE,
        message=MESSAGE,
    )
    yield Trigger(
        name="clb_version_published_kept",
        table=VERSIONS,
        sqlite=f"CREATE TRIGGER clb_version_published_kept BEFORE DELETE ON {VERSIONS} "
        f"WHEN {SQLITE_NOT_PURGING} AND OLD.status = 'published' {abort(MESSAGE)}",
        postgresql=f"CREATE TRIGGER clb_version_published_kept BEFORE DELETE ON {VERSIONS} "
        "FOR EACH ROW EXECUTE FUNCTION clb_version_published_kept()",
        postgresql_setup=PG_SETUP,
    )
    yield from parts_of_closed_rows(
        "clb_published_item_guard",
        ITEMS,
        parent=VERSIONS,
        key="version_id",
        closed="= 'published'",
        message=MESSAGE,
        suffix="published",
        deletes=True,
    )
