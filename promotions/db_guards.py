"""The database refuses to change a decided or withdrawn promotion case (SQLite and
PostgreSQL), like published framework versions and submitted review forms.

- A closed case's row keeps every column except the nullable links a deleted user or
  person may clear (`opened_by`, `decided_by`, `manager`).
- No part of a closed case (statements, evidence, files, reviewers, gaps) may be
  inserted or updated.

Deletes are refused by the models (`CaseLocked`); a database-level delete guard would
also stop test flushes, so there is none (as for framework versions).

`organizations.db_guards.purging()` lets an update through: erasing a person replaces
their name in a decided case they are kept in (`datarights.erasure`).
"""

from __future__ import annotations

from collections.abc import Iterator

from organizations.db_guards import (
    PG_NOT_PURGING,
    SQLITE_NOT_PURGING,
    Trigger,
    closed_row_fixed,
)

CASES = "promotions_promotioncase"
PARTS = [
    "promotions_casestatement",
    "promotions_caseevidence",
    "promotions_caseartifact",
    "promotions_casereviewer",
    "promotions_casegap",
]
CLOSED = "('decided', 'withdrawn')"
# columns of a closed case that may still change: links cleared by SET_NULL
LOOSE = ["opened_by_id", "decided_by_id", "manager_id"]
MESSAGE = "a decided promotion case cannot be changed"


def _closed(ref: str) -> str:
    return f"(SELECT status FROM {CASES} WHERE id = {ref}) IN {CLOSED}"  # noqa: S608


PG_SETUP = f"""
CREATE OR REPLACE FUNCTION clb_promotion_part_guard() RETURNS trigger AS $$
BEGIN
  IF {PG_NOT_PURGING} AND ((TG_OP = 'UPDATE' AND EXISTS (
        SELECT 1 FROM {CASES} WHERE id = OLD.case_id AND status IN {CLOSED}))
     OR EXISTS (SELECT 1 FROM {CASES} WHERE id = NEW.case_id AND status IN {CLOSED}))
  THEN
    RAISE EXCEPTION '{MESSAGE} (%)', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END; $$ LANGUAGE plpgsql;
"""  # noqa: S608 (constants only)


def triggers() -> Iterator[Trigger]:
    from promotions.models import PromotionCase

    abort = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    yield closed_row_fixed(
        "clb_promotion_case_fixed",
        PromotionCase,
        closed=f"OLD.status IN {CLOSED}",
        loose=LOOSE,
        message=MESSAGE,
        purge_passes=True,
    )
    for table in PARTS:
        name = f"clb_{table.removeprefix('promotions_')}_closed"
        yield Trigger(
            name=name,
            table=table,
            postgresql=f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION clb_promotion_part_guard()",
            postgresql_setup=PG_SETUP,
        )
        yield Trigger(
            name=f"{name}_insert",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_insert BEFORE INSERT ON {table} "
            f"WHEN {_closed('NEW.case_id')} {abort}",
        )
        yield Trigger(
            name=f"{name}_update",
            table=table,
            sqlite=f"CREATE TRIGGER {name}_update BEFORE UPDATE ON {table} "
            f"WHEN {SQLITE_NOT_PURGING} AND ({_closed('OLD.case_id')} OR "
            f"{_closed('NEW.case_id')}) {abort}",
        )
