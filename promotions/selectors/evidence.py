"""The evidence a case can draw on: ratings from the person's released reviews (self and
manager only — a single peer's answer is never shown), their action items, and the
files attached to the case. Each option is identified by a reference
"kind:public id", and carries the label and detail copied into the case when attached."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from growth.models import ActionItem
from growth.selectors import RELEASED
from promotions.models import CaseArtifact, CaseEvidence, PromotionCase
from reviews.models import FormItem, ReviewForm, Scale

Kind = CaseEvidence.Kind


@dataclass(frozen=True)
class EvidenceOption:
    kind: str
    source_id: str
    label: str
    detail: str
    dated: dt.date | None
    statement_uid: str = ""  # ratings: the statement rated
    competency_uid: str = ""  # action items: the competency they target
    cycle_id: str = ""  # ratings: the review cycle (public id)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.source_id}"


def _rating_label(kind: str, cycle_name: str, rating: int, scale: Scale) -> str:
    who = "Manager review" if kind == ReviewForm.Kind.MANAGER else "Self-review"
    words = scale.label(rating)
    return f"{who} in {cycle_name}: rated {rating}" + (f" ({words})" if words else "")


def rating_options(case: PromotionCase, uids: Iterable[str]) -> dict[str, list[EvidenceOption]]:
    """Per statement uid, the ratings of it on the person's submitted self and manager
    reviews in released cycles, newest first (one query)."""
    found: dict[str, list[EvidenceOption]] = defaultdict(list)
    rows = (
        FormItem.objects.filter(
            form__participant__person_id=case.person_id,
            form__cycle__status__in=RELEASED,
            form__status=ReviewForm.Status.SUBMITTED,
            form__kind__in=[ReviewForm.Kind.MANAGER, ReviewForm.Kind.SELF],
            statement_uid__in=list(uids),
            rating__isnull=False,
            archived=False,
        )
        .select_related("form__cycle")
        .order_by("-form__cycle__released_at", "form__kind", "id")
    )
    for item in rows:
        cycle = item.form.cycle
        detail = " — ".join(x for x in (item.comment.strip(), item.evidence.strip()) if x)
        found[item.statement_uid].append(
            EvidenceOption(
                kind=Kind.RATING,
                source_id=item.public_id,
                label=_rating_label(
                    item.form.kind, cycle.name, int(item.rating or 0), Scale(cycle.scale)
                ),
                detail=detail,
                dated=cycle.released_at.date() if cycle.released_at else None,
                statement_uid=item.statement_uid,
                competency_uid=item.competency_uid,
                cycle_id=cycle.public_id,
            )
        )
    return dict(found)


def action_item_options(case: PromotionCase) -> list[EvidenceOption]:
    """The person's action items (not dropped), done ones first (one query)."""
    items = ActionItem.objects.filter(person_id=case.person_id).exclude(
        status=ActionItem.Status.DROPPED
    )
    found = []
    for item in sorted(items, key=lambda i: (i.status != ActionItem.Status.DONE, i.title)):
        status = str(ActionItem.Status(item.status).label)
        detail = " — ".join(x for x in (item.milestone, item.resource) if x)
        dated = item.completed_at.date() if item.completed_at else item.due
        found.append(
            EvidenceOption(
                kind=Kind.ACTION_ITEM,
                source_id=item.public_id,
                label=f"Action item “{item.title}” ({status.lower()})",
                detail=detail,
                dated=dated,
                statement_uid=item.statement_uid,
                competency_uid=item.competency_uid,
            )
        )
    return found


def artifact_options(case: PromotionCase) -> list[EvidenceOption]:
    return [
        EvidenceOption(
            kind=Kind.ARTIFACT,
            source_id=a.public_id,
            label=f"File “{a.name}”",
            detail=a.description,
            dated=a.uploaded_at.date(),
        )
        for a in CaseArtifact.objects.filter(case=case).order_by("uploaded_at", "id")
    ]


@dataclass
class StatementOptions:
    ratings: list[EvidenceOption]
    action_items: list[EvidenceOption]
    artifacts: list[EvidenceOption]

    @property
    def all(self) -> list[EvidenceOption]:
        return [*self.ratings, *self.action_items, *self.artifacts]


def evidence_options(
    case: PromotionCase, statements: Iterable[tuple[str, str]]
) -> dict[str, StatementOptions]:
    """What each statement (uid, competency uid) may cite: its own ratings, the action
    items on its competency, and any file of the case. Three queries."""
    statements = list(statements)
    ratings = rating_options(case, [uid for uid, _ in statements])
    items = action_item_options(case)
    files = artifact_options(case)
    return {
        uid: StatementOptions(
            ratings=ratings.get(uid, []),
            action_items=[i for i in items if i.competency_uid == comp or i.statement_uid == uid],
            artifacts=files,
        )
        for uid, comp in statements
    }
