"""Errors of the promotion services. They are the review cycles' error classes (one
mapping for the pages and the API): `PromotionError` is a broken rule (422, `errors` per
field), `StaleError` a revision conflict (409), `NotAllowed` a role too low (403),
`CaseLocked` a change to a decided or withdrawn case (409)."""

from __future__ import annotations

from reviews.errors import NotAllowed, ReviewError, StaleError


class PromotionError(ReviewError):
    """A change that cannot be made; the message is for the person who acted."""


class CaseLocked(PromotionError):
    """A decided (or withdrawn) promotion case, or something in it, was about to change."""

    def __init__(self) -> None:
        super().__init__(
            "This promotion case has been decided (or withdrawn) and can no longer be "
            "changed. Its record stays exactly as it was when it was closed."
        )


__all__ = ["CaseLocked", "NotAllowed", "PromotionError", "StaleError"]
