"""An employee's results after release: final ratings with the scale's definitions, the
manager's comments, and peer (and upward) input — combined only, never one peer's, and
only when at least the cycle's threshold of peers (or reports) answered. Constant
queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from reviews.models import FormItem, Participant, ReviewForm, Scale
from reviews.selectors.ratings import CompetencyRatings, competency_ratings


@dataclass
class ResultRow:
    ratings: CompetencyRatings
    manager_summary: str = ""
    manager_comments: list[tuple[str, str]] = field(default_factory=list)  # (statement, comment)
    peer_comments: list[str] = field(default_factory=list)  # unattributed, sorted
    upward_comments: list[str] = field(default_factory=list)  # from reports, the same way
    final_label: str = ""
    final_definition: str = ""


@dataclass
class Results:
    part: Participant
    scale: Scale
    rows: list[ResultRow]
    manager_overall: str
    peers_answered: int
    peers_shown: bool
    threshold: int


def results(part: Participant) -> Results:
    cycle = part.cycle
    threshold = max(cycle.peer_threshold, 3)
    ratings = competency_ratings(cycle, [part.pk]).get(part.pk, [])
    forms = list(
        ReviewForm.objects.filter(
            participant=part,
            status=ReviewForm.Status.SUBMITTED,
            kind__in=[ReviewForm.Kind.MANAGER, ReviewForm.Kind.PEER, ReviewForm.Kind.UPWARD],
        )
    )
    manager = next((f for f in forms if f.kind == ReviewForm.Kind.MANAGER), None)
    peer_ids = [f.pk for f in forms if f.kind == ReviewForm.Kind.PEER]
    upward_ids = {f.pk for f in forms if f.kind == ReviewForm.Kind.UPWARD}
    shown = len(peer_ids) >= threshold
    comments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    peer_comments: dict[str, list[str]] = defaultdict(list)
    upward_comments: dict[str, list[str]] = defaultdict(list)
    wanted = ([manager.pk] if manager else []) + (peer_ids if shown else [])
    if len(upward_ids) >= threshold:
        wanted += upward_ids
    for it in FormItem.objects.filter(form_id__in=wanted, section="level", archived=False).order_by(
        "position"
    ):
        if not it.comment.strip():
            continue
        if manager and it.form_id == manager.pk:
            comments[it.competency_uid].append((it.text, it.comment))
        elif it.form_id in upward_ids:
            upward_comments[it.competency_uid].append(it.comment)
        else:
            peer_comments[it.competency_uid].append(it.comment)
    scale = Scale(cycle.scale)
    rows = [
        ResultRow(
            ratings=r,
            final_label=scale.label(r.final),
            final_definition=scale.definition(r.final),
            manager_summary=(manager.summaries or {}).get(r.uid, "") if manager else "",
            manager_comments=comments.get(r.uid, []),
            # sorted, so that nothing about the order tells who wrote what
            peer_comments=sorted(peer_comments.get(r.uid, []), key=str.casefold),
            upward_comments=sorted(upward_comments.get(r.uid, []), key=str.casefold),
        )
        for r in ratings
    ]
    return Results(
        part=part,
        scale=scale,
        rows=rows,
        manager_overall=manager.overall_comment if manager else "",
        peers_answered=len(peer_ids),
        peers_shown=shown,
        threshold=threshold,
    )
