"""Errors of the review-cycle services. Every message is for the person who acted."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ReviewError(Exception):
    """A change that cannot be made. `errors` lists problems per field (the API's
    `errors: [{field, message}]`, the page's error summary)."""

    def __init__(self, message: str, errors: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []


class StaleError(ReviewError):
    """Someone else changed the thing since it was read (a revision check failed)."""

    def __init__(self, what: str = "this") -> None:
        super().__init__(
            f"Someone else changed {what} while you were working on it, so nothing was "
            "saved. Reload the page to see the latest version, then make your change again."
        )


class NotAllowed(PermissionDenied):
    """The person may see the thing but not make this change (403)."""
