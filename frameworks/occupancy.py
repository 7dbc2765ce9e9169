"""Who stands on a family's levels, asked of the app that knows: `frameworks` keeps the
ladders and knows nothing of people, so `people` (a layer above) registers the answers
here from its `AppConfig.ready` (`people/occupancy.py`). Nothing registered — a ladder
nobody stands on — answers "nobody".

- `placed_uids(family)`: level uid → how many people (active or not) are placed in the
  family on that uid; what publishing, discarding and replacing a draft must not strand.
- `active_count(family)`: how many active people are placed in the family.
- `published(draft, before=…, after=…, actor=…)`: called inside `publish_draft`'s
  transaction once the draft is published; writes what the people directory keeps of it
  (their level history) and returns how many history lines it wrote.
"""

from __future__ import annotations

from collections import Counter

from frameworks.models import FrameworkVersion, JobFamily, Level
from organizations.actors import Actor

ByUid = dict[str, Level]


class Occupancy:
    """The answers; this base answers "nobody stands on any level" (while no app has
    registered). `people` registers a subclass."""

    def placed_uids(self, family: JobFamily) -> Counter[str]:
        return Counter()

    def active_count(self, family: JobFamily) -> int:
        return 0

    def published(self, draft: FrameworkVersion, before: ByUid, after: ByUid, actor: Actor) -> int:
        return 0


_registered: list[Occupancy] = [Occupancy()]


def register(occupancy: Occupancy) -> None:
    _registered[0] = occupancy


def placed_uids(family: JobFamily) -> Counter[str]:
    return _registered[0].placed_uids(family)


def active_count(family: JobFamily) -> int:
    return _registered[0].active_count(family)


def published(draft: FrameworkVersion, *, before: ByUid, after: ByUid, actor: Actor) -> int:
    return _registered[0].published(draft, before, after, actor)
