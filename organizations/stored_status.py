"""Models that refuse changes once their row is stored in a closed status (a decided
promotion case, a submitted review form) need the status as the database has it, not as
the object in memory says."""

from __future__ import annotations

from typing import Any, Self

from django.db import models


class StoredStatus(models.Model):
    """Keeps `_loaded_status`: the `status` of the row when it was loaded, refreshed or
    last saved ("" for a row not saved yet)."""

    _loaded_status: str = ""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        self._loaded_status = self.status  # type: ignore[attr-defined]

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any, **kwargs: Any) -> Self:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_status = instance.__dict__.get("status", "")
        return instance

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded_status = self.status  # type: ignore[attr-defined]
