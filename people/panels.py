"""Sections other apps add to a person's page (the development plan, …) without
`people` importing them: an app registers a function in its AppConfig.ready that returns
the context of its section for (request, person), or None to show nothing. Each context
names its `template`; the person page includes them in order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from people.models import Person

Panel = Callable[[HttpRequest, Person], dict[str, Any] | None]
PANELS: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def panels_for(request: HttpRequest, person: Person) -> list[dict[str, Any]]:
    found = []
    for panel in PANELS:
        context = panel(request, person)
        if context is not None:
            found.append(context)
    return found
