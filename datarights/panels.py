"""The "Personal data" section of a person's page, for HR and owners (registered with
`people.panels`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from people.models import Person


def personal_data_panel(request: HttpRequest, person: Person) -> dict[str, Any] | None:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_admin:
        return None
    return {"template": "datarights/partials/person_panel.html"}
