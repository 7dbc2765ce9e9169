"""Verdicts and decisions on promotion cases, and the gaps a "not yet" leaves.

- Reviewers and approvers give a verdict (approve / not yet / decline) with a comment
  while the case is in review.
- HR, an approver of the case, or the committee of its open round decides: approve,
  not yet or decline, with a written rationale and an effective date. A case is approved
  only once every approver has approved it.
- Approval moves the person to the target level through `people.services`
  (`update_person`), which records it in their level history with the effective date.
- "Not yet" names the statements to work on; the person sees them and can accept each
  as an action item of their development plan (`growth.services.create_action_item`).
- Everything the decision rested on is kept on the case (`record`, immutable with it)
  and written to the append-only audit log: the criteria's framework version, the
  readiness figure, the rating history, the evidence per statement, every reviewer and
  approver with their verdict and time, who decided and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from frameworks.models import Level
from growth.models import ActionItem
from growth.selectors import targets_for
from growth.selectors.report import SUGGESTED_DAYS
from growth.services import create_action_item
from organizations.actors import Actor, user_of
from people.models import LevelChange, Person
from people.services import update_person
from promotions.access import can_decide, viewer_of
from promotions.errors import CaseLocked, NotAllowed, PromotionError
from promotions.models import (
    CaseEvidence,
    CaseGap,
    CaseReviewer,
    CaseStatement,
    GapAcceptance,
    PromotionCase,
)
from promotions.selectors.history import rating_history
from promotions.services.common import label, lock_case, record_case, words
from promotions.tasks import DECIDED, send_case_emails
from reviews import framework_adapter as fw

Decision = PromotionCase.Decision
Verdict = CaseReviewer.Verdict


def _stamp(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%-d %b %Y %H:%M") if value else ""


def record_verdict(
    case: PromotionCase, *, actor: Actor, verdict: str, comment: str = ""
) -> list[CaseReviewer]:
    """A reviewer's or approver's verdict on a case in review (they may change it until
    the case is decided)."""
    org = case.organization
    org.ensure_writable()
    viewer = viewer_of(actor)
    if viewer.pk is None or not CaseReviewer.objects.filter(case=case, person_id=viewer.pk):
        raise NotAllowed("Only the case's reviewers and approvers can give a verdict.")
    if verdict not in (Verdict.APPROVE, Verdict.NOT_YET, Verdict.DECLINE):
        raise PromotionError(
            "Choose approve, not yet or decline.", [("verdict", "Choose a verdict.")]
        )
    with transaction.atomic():
        status = (
            PromotionCase.objects.select_for_update()
            .filter(pk=case.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status in PromotionCase.CLOSED:
            raise CaseLocked()
        if status != PromotionCase.Status.IN_REVIEW:
            raise PromotionError("Verdicts are given once the case has been sent for review.")
        rows = list(CaseReviewer.objects.filter(case=case, person_id=viewer.pk))
        now = timezone.now()
        for row in rows:
            row.verdict, row.comment, row.responded_at = verdict, words(comment), now
            row.save(update_fields=["verdict", "comment", "responded_at"])
        record_case(
            case,
            actor,
            "promotion_case.verdict",
            data={
                "as": ", ".join(str(r.get_role_display()) for r in rows),
                "verdict": str(Verdict(verdict).label),
                "comment": words(comment),
            },
        )
    return rows


def _move_person(case: PromotionCase, actor: Actor, effective: dt.date) -> LevelChange | None:
    """Put the person on the target level (the same uid in the family's current
    version) through the people service."""
    person = Person.objects.select_for_update().get(pk=case.person_id)
    place = fw.level_of(person)
    if place.level_uid != case.from_level_uid or place.family_id != case.family_id:
        raise PromotionError(
            f"{person.name}'s level has changed since this case was opened, so it cannot be "
            "approved as it stands. Withdraw it and open a new case from their current level."
        )
    version = fw.current_versions([case.family_id]).get(case.family_id)
    level = (
        Level.objects.filter(version=version, uid=case.target_level_uid).first()
        if version
        else None
    )
    if level is None:
        raise PromotionError(
            f"Level {case.target_level_code} is no longer on the {case.family.name} ladder. "
            "Withdraw this case and open a new one for a level on the current ladder."
        )
    update_person(
        person,
        actor=actor,
        expected_revision=None,
        job_family=case.family,
        level=level,
        level_effective_date=effective,
        level_reason=f"Promoted to {level.code} {level.title} (promotion case {case.public_id})"[
            :200
        ],
    )
    return LevelChange.objects.filter(person=person).order_by("-id").first()


def _gap_rows(case: PromotionCase, uids: list[str]) -> list[CaseGap]:
    statements = {s.statement_uid: s for s in CaseStatement.objects.filter(case=case)}
    return [
        CaseGap(
            organization_id=case.organization_id,
            case=case,
            statement_uid=uid,
            competency_uid=statements[uid].competency_uid,
            competency_name=statements[uid].competency_name,
            text=statements[uid].text,
            title=f"{statements[uid].competency_name}: {statements[uid].text}"[:200],
            position=n,
        )
        for n, uid in enumerate(uids)
    ]


def decision_record(case: PromotionCase) -> dict[str, Any]:
    """What the decision rests on, as plain data (kept on the case, shown in the packet)."""
    version = case.version
    history = rating_history(case.person_id)
    evidence: dict[int, list[CaseEvidence]] = {}
    for ev in CaseEvidence.objects.filter(case=case).order_by("kind", "id"):
        evidence.setdefault(ev.statement_id, []).append(ev)
    people = CaseReviewer.objects.filter(case=case).select_related("person").order_by("role", "id")
    return {
        "criteria": {
            "family": case.family.name,
            "version": version.number,
            "version_id": version.public_id,
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
        "from_level": case.from_label,
        "target_level": case.target_label,
        "readiness": case.readiness,
        "ratings": {
            "cycles": [c.name for c in history.cycles],
            "rows": [
                {
                    "competency": r.name,
                    "finals": [str(f) if f is not None else None for f in r.finals],
                }
                for r in history.rows
            ],
        },
        "statements": [
            {
                "uid": st.statement_uid,
                "competency": st.competency_name,
                "text": st.text,
                "case": st.argument,
                "evidence": [
                    {"kind": e.kind, "label": e.label, "detail": e.detail}
                    for e in evidence.get(st.pk, [])
                ],
            }
            for st in CaseStatement.objects.filter(case=case).order_by("position", "id")
        ],
        "reviewers": [
            {
                "name": r.person.name,
                "role": r.role,
                "verdict": r.verdict,
                "comment": r.comment,
                "at": r.responded_at.isoformat() if r.responded_at else None,
            }
            for r in people
        ],
    }


def _criteria_words(crit: dict[str, Any]) -> str:
    """ "Engineering, version 1, published 2 Mar 2026": the version as people name it (the
    record keeps its id too)."""
    words = f"{crit['family']}, version {crit['version']}"
    if crit["published_at"]:
        published = timezone.localdate(dt.datetime.fromisoformat(crit["published_at"]))
        words += f", published {published:%-d %b %Y}"
    return words


def _audit_lines(rec: dict[str, Any]) -> dict[str, Any]:
    """The record as lines the audit log page shows."""
    crit = rec["criteria"]
    history_lines = []
    for n, cycle in enumerate(rec["ratings"]["cycles"]):
        parts = [
            f"{row['competency']} {row['finals'][n]}"
            for row in rec["ratings"]["rows"]
            if row["finals"][n] is not None
        ]
        history_lines.append(f"{cycle}: " + " · ".join(parts))
    return {
        "criteria": _criteria_words(crit),
        "from_level": rec["from_level"],
        "target_level": rec["target_level"],
        "readiness": rec["readiness"].get("figure", ""),
        "ratings": history_lines,
        "evidence": [
            f"{st['text']} — " + ("; ".join(e["label"] for e in st["evidence"]) or "no evidence")
            for st in rec["statements"]
        ],
        "approvers": [
            f"{r['name']}: {r['verdict'] or 'no verdict'}"
            + (f" at {r['at'][:16].replace('T', ' ')}" if r["at"] else "")
            for r in rec["reviewers"]
            if r["role"] == CaseReviewer.Role.APPROVER
        ],
        "reviewers": [
            f"{r['name']}: {r['verdict'] or 'no verdict'}"
            + (f" at {r['at'][:16].replace('T', ' ')}" if r["at"] else "")
            for r in rec["reviewers"]
            if r["role"] == CaseReviewer.Role.REVIEWER
        ],
    }


def decide_case(
    case: PromotionCase,
    *,
    actor: Actor,
    expected_revision: int,
    decision: str,
    rationale: str,
    effective_date: dt.date | None = None,
    gaps: Iterable[str] | None = None,
) -> PromotionCase:
    """Decide a case in review. Approval moves the person; "not yet" leaves the `gaps`
    (statement uids; by default those the readiness rule found missing)."""
    org = case.organization
    org.ensure_writable()
    viewer = viewer_of(actor)
    if not can_decide(case, viewer):
        raise NotAllowed(
            "Only HR, the case's approvers and its promotion round's committee can decide it."
        )
    if case.status in PromotionCase.CLOSED:
        raise CaseLocked()
    errors: list[tuple[str, str]] = []
    if decision not in Decision.values:
        errors.append(("decision", "Choose approve, not yet or decline."))
    if not words(rationale):
        errors.append(("rationale", "Write why: the decision against the level's statements."))
    if decision == Decision.APPROVE and effective_date is None:
        errors.append(("effective_date", "Enter the date the new level takes effect."))
    statements = list(
        CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True)
    )
    chosen = list(dict.fromkeys(gaps if gaps is not None else []))
    if decision == Decision.NOT_YET:
        if gaps is None:
            chosen = [u for u in case.readiness.get("missing", []) if u in statements]
        if not chosen:
            errors.append(("gaps", "Choose the statements they should work on before next time."))
        if any(u not in statements for u in chosen):
            errors.append(("gaps", "Choose statements of this case."))
    approvers = list(
        CaseReviewer.objects.filter(case=case, role=CaseReviewer.Role.APPROVER).select_related(
            "person"
        )
    )
    if decision == Decision.APPROVE:
        waiting = [
            a.person.name
            for a in approvers
            if a.verdict != Verdict.APPROVE and a.person_id != viewer.pk
        ]
        if waiting:
            errors.append(
                (
                    "decision",
                    f"Waiting for {', '.join(waiting)} to approve. Every approver must approve "
                    "before the case can be approved.",
                )
            )
    if errors:
        raise PromotionError("The decision was not recorded.", errors)
    effective = effective_date or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        lock_case(case, expected_revision, PromotionCase.Status.IN_REVIEW)
        for a in approvers:
            if a.person_id == viewer.pk:  # deciding is this approver's verdict too
                a.verdict, a.responded_at = decision, now
                a.comment = a.comment or words(rationale)
                a.save(update_fields=["verdict", "responded_at", "comment"])
        change = _move_person(case, actor, effective) if decision == Decision.APPROVE else None
        if decision == Decision.NOT_YET:
            CaseGap.objects.bulk_create(_gap_rows(case, chosen))
        rec = decision_record(case)
        rec.update(
            decision=decision,
            rationale=words(rationale),
            effective_date=effective.isoformat(),
            decided_by=label(actor),
            decided_at=now.isoformat(),
            round=case.round.name if case.round_id and case.round else None,
            level_change=change.public_id if change else None,
            gaps=chosen if decision == Decision.NOT_YET else [],
        )
        case.status = PromotionCase.Status.DECIDED
        case.decision = decision
        case.rationale = words(rationale)
        case.effective_date = effective
        case.decided_at = now
        case.decided_by = user_of(actor)
        case.decided_by_label = label(actor)
        case.record = rec
        case.save(
            update_fields=[
                "status",
                "decision",
                "rationale",
                "effective_date",
                "decided_at",
                "decided_by",
                "decided_by_label",
                "record",
                "updated_at",
            ]
        )
        record_case(
            case,
            actor,
            "promotion_case.decided",
            changes={"decision": [None, str(Decision(decision).label)]},
            data={
                **_audit_lines(rec),
                "rationale": rec["rationale"],
                "effective_date": rec["effective_date"],
                "decided_at": rec["decided_at"],
                "round": rec["round"],
                "gaps": [s["text"] for s in rec["statements"] if s["uid"] in chosen],
            },
        )
        transaction.on_commit(lambda: send_case_emails.enqueue(org.pk, case.pk, DECIDED))
    return case


def accept_gap(gap: CaseGap, *, actor: Actor) -> ActionItem:
    """The person takes a gap of their "not yet" decision into their development plan."""
    case = gap.case
    case.organization.ensure_writable()
    viewer = viewer_of(actor)
    if viewer.pk is None or viewer.pk != case.person_id:
        raise NotAllowed("Only the person themselves can accept these gaps.")
    if case.decision != Decision.NOT_YET:
        raise PromotionError("Only a “not yet” decision leaves gaps to accept.")
    person = case.person
    with transaction.atomic():
        if GapAcceptance.objects.select_for_update().filter(gap=gap).exists():
            raise PromotionError("You have already added this to your development plan.")
        known = {s.uid for c in targets_for(person) for s in c.statements}
        item = create_action_item(
            person,
            actor=actor,
            competency_uid=gap.competency_uid,
            statement_uid=gap.statement_uid if gap.statement_uid in known else "",
            title=gap.title,
            owner=person,
            resource_kind=ActionItem.ResourceKind.STRETCH,
            resource="A piece of work, agreed with your manager, where you can show this",
            milestone=f"Your manager agrees you consistently show: {gap.text}"[:300],
            due=timezone.localdate() + dt.timedelta(days=SUGGESTED_DAYS),
            note=f"From the promotion decision of {_stamp(case.decided_at)} (not yet).",
        )
        GapAcceptance.objects.create(
            organization=case.organization,
            gap=gap,
            action_item=item,
            accepted_by=user_of(actor),
        )
        record_case(case, actor, "promotion_case.gap_accepted", data={"gap": gap.text})
    return item
