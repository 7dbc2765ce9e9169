"""A review form as its page shows it: sections (the person's level, then the next
level), competencies in the ladder's order, items, progress. The items in one query
(none when they are given)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from organizations.prepared import Prepared
from reviews.hooks import form_notes
from reviews.models import FormItem, ReviewForm, Scale
from reviews.selectors.ratings import mean


@dataclass
class CompetencyBlock:
    uid: str
    name: str
    category: str
    items: list[FormItem] = field(default_factory=list)
    summary: str = ""
    notes: list[dict[str, Any]] = field(default_factory=list)  # from `reviews.hooks`

    @property
    def mean(self) -> Decimal | None:
        return mean(Decimal(it.rating) for it in self.items if it.rating is not None)

    @property
    def rated(self) -> int:
        return sum(1 for it in self.items if it.rating is not None and not it.needs_new_rating)


@dataclass
class FormSection:
    key: str
    title: str
    intro: str
    competencies: list[CompetencyBlock]


@dataclass
class FormPage:
    form: ReviewForm
    scale: Scale
    sections: list[FormSection]
    archived: list[FormItem]
    total: int
    rated: int
    to_redo: int

    @property
    def complete(self) -> bool:
        return self.rated == self.total


def _blocks(items: list[FormItem], summaries: dict[str, str]) -> list[CompetencyBlock]:
    blocks: dict[str, CompetencyBlock] = {}
    for it in items:
        block = blocks.get(it.competency_uid)
        if block is None:
            block = blocks[it.competency_uid] = CompetencyBlock(
                uid=it.competency_uid,
                name=it.competency_name,
                category=it.category_name,
                summary=summaries.get(it.competency_uid, ""),
            )
        block.items.append(it)
    return list(blocks.values())


# every form page: compiled once (organizations/prepared.py)
FORM_ITEMS = Prepared(
    lambda form_id: FormItem.objects.filter(form_id=form_id).order_by("position", "id"),
    form_id=int,
)


def form_page(form: ReviewForm, live_items: list[FormItem] | None = None) -> FormPage:
    """`live_items`: the form's items that are not archived, already in hand (what an
    autosave just wrote, for its answer; the page then lists no archived items)."""
    if live_items is None:
        items = FORM_ITEMS.all(form_id=form.pk)
    else:
        items = sorted(live_items, key=lambda it: (it.position, it.pk))
    live = [it for it in items if not it.archived]
    part = form.participant
    level = [it for it in live if it.section == FormItem.Section.LEVEL]
    nxt = [it for it in live if it.section == FormItem.Section.NEXT]
    who = "your" if form.kind == ReviewForm.Kind.SELF else f"{part.person.name}’s"
    sections = [
        FormSection(
            key="level",
            title=f"At {who} level: {part.level_code} {part.level_title}".strip(),
            intro="Rate each statement against the scale. A competency with no new statement "
            "at this level keeps the one from the level below.",
            competencies=_blocks(level, form.summaries),
        )
    ]
    if nxt:
        codes = (
            " and ".join(f"{lv['code']} {lv['title']}" for lv in part.next_levels)
            or "the next level"
        )
        sections.append(
            FormSection(
                key="next",
                title=f"The next level: {codes}",
                intro="These statements show readiness for the next step. They do not count "
                "in the ratings for the current level.",
                competencies=_blocks(nxt, form.summaries),
            )
        )
    rated = sum(1 for it in live if it.rating is not None and not it.needs_new_rating)
    return FormPage(
        form=form,
        scale=Scale(form.cycle.scale),
        sections=sections,
        archived=[it for it in items if it.archived],
        total=len(live),
        rated=rated,
        to_redo=sum(1 for it in live if it.needs_new_rating),
    )


def with_notes(page: FormPage) -> FormPage:
    """Put beside each competency (its first block) what other apps keep for it through
    `reviews.hooks` — the person's open and completed action items. For the full page,
    not for an autosave's answer."""
    notes = form_notes(page.form)
    for section in page.sections:
        for block in section.competencies:
            block.notes = notes.pop(block.uid, [])
    return page
