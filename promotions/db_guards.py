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

from organizations.db_guards import Trigger, closed_row_fixed, parts_of_closed_rows

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


def triggers() -> Iterator[Trigger]:
    from promotions.models import PromotionCase

    yield closed_row_fixed(
        "clb_promotion_case_fixed",
        PromotionCase,
        closed=f"OLD.status IN {CLOSED}",
        loose=LOOSE,
        message=MESSAGE,
        purge_passes=True,
    )
    yield from parts_of_closed_rows(
        "clb_promotion_part_guard",
        PARTS,
        parent=CASES,
        key="case_id",
        closed=f"IN {CLOSED}",
        message=MESSAGE,
        suffix="closed",
        purge_passes=True,
    )
