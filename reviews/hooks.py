"""Notes other apps show beside each competency of a review form — e.g. the action items
`growth` keeps for it — without `reviews` importing them. A provider registered from its
app's `AppConfig.ready` takes the form and returns {competency uid: context}; each
context names the `template` the form page includes for it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from reviews.models import ReviewForm

FormNotes = Callable[[ReviewForm], dict[str, dict[str, Any]]]
PROVIDERS: list[FormNotes] = []


def register_form_notes(provider: FormNotes) -> FormNotes:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def form_notes(form: ReviewForm) -> dict[str, list[dict[str, Any]]]:
    """{competency uid: [context, …]} from every provider."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for provider in PROVIDERS:
        for uid, context in provider(form).items():
            found[uid].append(context)
    return dict(found)
