"""What the frameworks app refuses, with messages for the user."""

from __future__ import annotations


class FrameworkError(Exception):
    """A change to a framework that cannot be made; the message is for the user."""


class ConcurrentEditError(FrameworkError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this draft while you were editing. "
            "Reload to see their changes, then make yours again."
        )


class EditError(FrameworkError):
    """A draft edit that cannot be made; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PublishedVersionError(FrameworkError):
    """Something tried to change or delete a published version or an item in it."""

    def __init__(self, what: str = "This version") -> None:
        super().__init__(
            f"{what} belongs to a published version, which cannot be changed. "
            "Start a new draft to make changes."
        )
