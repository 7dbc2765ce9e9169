"""What other apps add to people's pages without `people` importing them, registered
from their AppConfig.ready:

- `register(panel)`: a section of a person's page (the development plan, …): a function
  that returns the context of its section for (request, person), or None to show
  nothing. Each context names its `template`; the person page includes them in order.
- `register_profile(fn)`: extra context for a person's page, e.g. accounts' pending
  `invitation` (shown beside "No login").
- `register_column(name, expression)`: a value each directory row is annotated with,
  e.g. accounts' `invited` (an `Exists` of a pending invitation); `expression()` is
  called per query, so it may depend on the time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from organizations.access import OrgRequest
from people.models import Person

Panel = Callable[[OrgRequest, Person], dict[str, Any] | None]
PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def panels_for(request: OrgRequest, person: Person) -> list[dict[str, Any]]:
    found = []
    for panel in PANELS:
        context = panel(request, person)
        if context is not None:
            found.append(context)
    return found


Profile = Callable[[OrgRequest, Person], dict[str, Any]]
PROFILE: list[Profile] = []
COLUMNS: dict[str, Callable[[], Any]] = {}


def register_profile(fn: Profile) -> Profile:
    if fn not in PROFILE:
        PROFILE.append(fn)
    return fn


def profile_context(request: OrgRequest, person: Person) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for fn in PROFILE:
        context.update(fn(request, person))
    return context


def register_column(name: str, expression: Callable[[], Any]) -> None:
    COLUMNS[name] = expression


def columns() -> dict[str, Any]:
    return {name: expression() for name, expression in COLUMNS.items()}


# --- bulk actions other apps offer on the directory -------------------------------------

# `register_bulk_action(key, label, run, choices)`: an action of the directory's bulk form
# (e.g. accounts' "invite"): `run(org, person, actor=…, choice=…)` changes one person and
# raises people.services.PersonError with a message for the user when it cannot; `choices`
# (value, label) are offered first (e.g. the role to invite as).
BulkRun = Callable[..., Any]
BULK_ACTIONS: dict[str, tuple[str, BulkRun, list[tuple[str, str]]]] = {}


def register_bulk_action(
    key: str, label: str, run: BulkRun, choices: list[tuple[str, str]] | None = None
) -> None:
    BULK_ACTIONS[key] = (label, run, choices or [])
