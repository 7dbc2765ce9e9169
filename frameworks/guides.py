"""The guidance pages linked from the editor: how to build a ladder, how to write a good
statement, how to choose between the IC and Manager tracks. Content lives in
templates/frameworks/guides/<slug>.html."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    summary: str

    @property
    def template(self) -> str:
        return f"frameworks/guides/{self.slug}.html"


GUIDES = [
    Guide(
        "build-a-ladder",
        "How to build a ladder",
        "Job families, levels, the shared trunk and the split into IC and Manager tracks.",
    ),
    Guide(
        "write-statements",
        "How to write a good competency statement",
        "Observable behaviour, scope and evidence — with weak and strong examples.",
    ),
    Guide(
        "ic-or-manager",
        "Choosing between the IC and Manager tracks",
        "What changes on each track, and questions to ask before someone switches.",
    ),
]
GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}
