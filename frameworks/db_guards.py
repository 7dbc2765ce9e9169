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
    closed_row_fixed,
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


def _published(ref: str) -> str:
    return f"(SELECT status FROM {VERSIONS} WHERE id = {ref}) = 'published'"  # noqa: S608


PG_SETUP = f"""
CREATE OR REPLACE FUNCTION clb_published_item_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF {PG_NOT_PURGING} AND EXISTS (
        SELECT 1 FROM {VERSIONS} WHERE id = OLD.version_id AND status = 'published') THEN
      RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME;
    END IF;
    RETURN OLD;
  END IF;
  IF (TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM {VERSIONS} WHERE id = OLD.version_id AND status = 'published'))
     OR EXISTS (SELECT 1 FROM {VERSIONS} WHERE id = NEW.version_id AND status = 'published')
  THEN
    RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION clb_version_published_kept() RETURNS trigger AS $$
BEGIN
  IF {PG_NOT_PURGING} AND OLD.status = 'published' THEN
    RAISE EXCEPTION '{MESSAGE}';
  END IF;
  RETURN OLD;
END; $$ LANGUAGE plpgsql;
"""  # noqa: S608 (constants only)


def triggers() -> Iterator[Trigger]:
    from frameworks.models import FrameworkVersion

    abort = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
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
        f"WHEN {SQLITE_NOT_PURGING} AND OLD.status = 'published' {abort}",
        postgresql=f"CREATE TRIGGER clb_version_published_kept BEFORE DELETE ON {VERSIONS} "
        "FOR EACH ROW EXECUTE FUNCTION clb_version_published_kept()",
        postgresql_setup=PG_SETUP,
    )
    for table in ITEMS:
        name = f"clb_{table.removeprefix('frameworks_')}_published"
        yield Trigger(
            name=name,
            table=table,
            postgresql=f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION clb_published_item_guard()",
            postgresql_setup=PG_SETUP,
        )
        # SQLite triggers fire on one event each
        yield Trigger(
            name=f"{name}_insert",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_insert BEFORE INSERT ON {table} "
            f"WHEN {_published('NEW.version_id')} {abort}",
        )
        yield Trigger(
            name=f"{name}_update",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} "
            f"WHEN {_published('OLD.version_id')} OR {_published('NEW.version_id')} {abort}",
        )
        yield Trigger(
            name=f"{name}_delete",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_delete BEFORE DELETE ON {table} "
            f"WHEN {SQLITE_NOT_PURGING} AND {_published('OLD.version_id')} {abort}",
        )
