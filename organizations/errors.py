"""What the services of every app refuse in the same way: a change with a message for the
user that may name the form field it concerns, and an edit made on a stale copy."""

from __future__ import annotations


class FieldError(Exception):
    """A change that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def changed_meanwhile(what: str) -> str:
    """The message for an edit refused because someone else saved `what` ("this person")
    since the editor read it."""
    return (
        f"Someone else changed {what} while you were editing. Reload the page to "
        "see their changes, then make yours again."
    )
