"""Opening and writing promotion cases.

A case is opened for someone on a ladder, for a level one step up (see
`promotions.selectors.readiness`), by HR or a manager above them. It copies the target
level's statements from the current published version (pinned, PROTECT) with the
readiness figure of the moment, and pulls in, for each statement, its latest ratings
from the person's released reviews and the action items that targeted it. The writer
then argues each statement, adds or removes evidence and files, names reviewers and
approvers, and sends it for review. Every change names the revision it started from."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from organizations.actors import Actor, user_of
from people.models import Person
from promotions.access import can_open_for, viewer_of
from promotions.errors import NotAllowed, PromotionError
from promotions.models import (
    CaseEvidence,
    CaseReviewer,
    CaseStatement,
    PromotionCase,
    PromotionRound,
)
from promotions.selectors.evidence import EvidenceOption, evidence_options
from promotions.selectors.readiness import Candidate, candidate_for
from promotions.services.common import label, lock_case, record_case, require_writer, words
from promotions.tasks import SUBMITTED, send_case_emails
from reviews import framework_adapter as fw

Status = PromotionCase.Status


def _readiness_snapshot(candidate: Candidate, level_uid: str) -> dict[str, Any]:
    target = candidate.target(level_uid)
    if target is None:
        return {}
    r = target.readiness
    return {
        "figure": r.figure,
        "ready": r.ready,
        "met": r.met,
        "total": r.total,
        "rule": r.words,
        "cycle": candidate.cycle.name if candidate.cycle else "",
        "cycle_id": candidate.cycle.public_id if candidate.cycle else "",
        "missing": [s.uid for s in r.missing],
    }


def _statements_for(case: PromotionCase) -> list[CaseStatement]:
    content = fw.load_contents([case.version])[case.version.pk]
    rows = content.own_statements(case.target_level_uid) or content.expected_statements(
        case.target_level_uid
    )
    return [
        CaseStatement(
            organization_id=case.organization_id,
            case=case,
            statement_uid=row.uid,
            competency_uid=row.competency_uid,
            competency_name=row.competency_name,
            category_name=row.category_name,
            level_code=row.level_code,
            text=row.text,
            position=n,
        )
        for n, row in enumerate(rows)
    ]


def _evidence_row(
    case: PromotionCase, statement: CaseStatement, option: EvidenceOption, actor: Actor
) -> CaseEvidence:
    artifact = None
    if option.kind == CaseEvidence.Kind.ARTIFACT:
        artifact = case.artifacts.get(public_id=option.source_id)
    return CaseEvidence(
        organization_id=case.organization_id,
        case=case,
        statement=statement,
        kind=option.kind,
        source_id=option.source_id,
        artifact=artifact,
        label=option.label[:300],
        detail=option.detail,
        dated=option.dated,
        added_by_label=label(actor),
    )


def open_case(
    person: Person,
    *,
    actor: Actor,
    target_level_uid: str,
    summary: str = "",
    round: PromotionRound | None = None,
) -> PromotionCase:
    """Open a promotion case for `person` towards the level `target_level_uid` (one step
    up on their ladder, or a track change above the split)."""
    org = person.organization
    org.ensure_writable()
    viewer = viewer_of(actor)
    if not can_open_for(viewer, person):
        raise NotAllowed("Only HR and the managers above someone can open a case for them.")
    if not person.is_active:
        raise PromotionError(f"{person.name} is no longer active.")
    candidate = candidate_for(person)
    if candidate is None:
        raise PromotionError(
            f"{person.name} is not on a published ladder, so there is no level to promote "
            "them to. Place them on a level first.",
            [("person", "Choose someone who is on a level of a published ladder.")],
        )
    target = candidate.target(target_level_uid)
    if target is None:
        choices = ", ".join(t.label for t in candidate.targets) or "none"
        raise PromotionError(
            "Choose a level one step up from the person's level.",
            [("target_level", f"Choose one of: {choices}.")],
        )
    if round is not None and not round.is_open:
        raise PromotionError(
            "That promotion round is closed.", [("round", "Choose an open round.")]
        )
    version = fw.current_versions([candidate.family_id])[candidate.family_id]
    now = timezone.now()
    with transaction.atomic():
        if PromotionCase.objects.filter(person=person, status__in=PromotionCase.OPEN).exists():
            raise PromotionError(
                f"{person.name} already has an open promotion case. Finish or withdraw it first."
            )
        try:
            with transaction.atomic():
                case = PromotionCase.objects.create(
                    organization=org,
                    person=person,
                    manager=viewer.person if viewer.person else person.manager,
                    family_id=candidate.family_id,
                    version=version,
                    from_level_uid=candidate.level_uid,
                    from_level_code=candidate.level_code,
                    from_level_title=candidate.level_title,
                    from_track=candidate.track,
                    target_level_uid=target.level_uid,
                    target_level_code=target.level_code,
                    target_level_title=target.level_title,
                    target_track=target.track,
                    readiness=_readiness_snapshot(candidate, target.level_uid),
                    summary=words(summary),
                    round=round,
                    opened_by=user_of(actor),
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as exc:
            raise PromotionError(f"{person.name} already has an open promotion case.") from exc
        statements = CaseStatement.objects.bulk_create(_statements_for(case))
        _pull_evidence(case, statements, actor)
        record_case(
            case,
            actor,
            "promotion_case.opened",
            data={
                "from_level": case.from_label,
                "target_level": case.target_label,
                "criteria": f"{version.family.name}, version {version.number}",
                "readiness": case.readiness.get("figure", ""),
                "round": round.name if round else None,
            },
        )
    return case


def _pull_evidence(case: PromotionCase, statements: list[CaseStatement], actor: Actor) -> None:
    """Each statement starts with its latest manager and self ratings and the action items
    that targeted it."""
    options = evidence_options(case, [(s.statement_uid, s.competency_uid) for s in statements])
    rows = []
    for st in statements:
        found = options[st.statement_uid]
        latest = found.ratings[0].cycle_id if found.ratings else ""
        rows += [_evidence_row(case, st, o, actor) for o in found.ratings if o.cycle_id == latest]
        for opt in found.action_items:
            if opt.statement_uid == st.statement_uid:
                rows.append(_evidence_row(case, st, opt, actor))
    CaseEvidence.objects.bulk_create(rows)


def save_case(
    case: PromotionCase,
    *,
    actor: Actor,
    expected_revision: int,
    summary: str | None = None,
    arguments: dict[str, str] | None = None,
    evidence: dict[str, list[str]] | None = None,
) -> PromotionCase:
    """Change the case's summary, the words for some statements (`arguments`, by
    statement uid) and the evidence of some statements (`evidence`: statement uid → the
    references it cites, "rating:<id>", "action_item:<id>", "artifact:<id>"; the list
    replaces what the statement cited). Only while it is a draft: reviewers and
    approvers give their verdicts on the case as it was sent."""
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    statements = {s.statement_uid: s for s in CaseStatement.objects.filter(case=case)}
    errors = [
        ("statement", "That statement is not part of this case.")
        for uid in [*(arguments or {}), *(evidence or {})]
        if uid not in statements
    ]
    options = evidence_options(case, [(u, s.competency_uid) for u, s in statements.items()])
    wanted: dict[str, dict[str, EvidenceOption]] = {}
    for uid, refs in (evidence or {}).items():
        if uid not in statements:
            continue
        allowed = {o.ref: o for o in options[uid].all}
        bad = [r for r in refs if r not in allowed]
        if bad:
            errors.append(
                (f"evidence-{uid}", "Choose evidence from this person's reviews, plan or files.")
            )
        wanted[uid] = {r: allowed[r] for r in dict.fromkeys(refs) if r in allowed}
    if errors:
        raise PromotionError("The case was not saved.", list(dict.fromkeys(errors)))
    with transaction.atomic():
        lock_case(case, expected_revision, Status.DRAFT)
        changed: list[str] = []
        if summary is not None and words(summary) != case.summary:
            case.summary = words(summary)
            case.save(update_fields=["summary", "updated_at"])
            changed.append("summary")
        else:
            case.save(update_fields=["updated_at"])
        for uid, text in (arguments or {}).items():
            st = statements[uid]
            if words(text) != st.argument:
                st.argument = words(text)
                st.save(update_fields=["argument"])
                changed.append(f"case for “{st.text[:60]}”")
        for uid, chosen in wanted.items():
            st = statements[uid]
            have = {e.ref: e for e in CaseEvidence.objects.filter(statement=st)}
            gone = [e.pk for ref, e in have.items() if ref not in chosen]
            if gone:
                CaseEvidence.objects.filter(pk__in=gone).delete()
            new = [
                _evidence_row(case, st, o, actor) for ref, o in chosen.items() if ref not in have
            ]
            CaseEvidence.objects.bulk_create(new)
            if gone or new:
                changed.append(f"evidence for “{st.text[:60]}”")
        if changed:
            record_case(case, actor, "promotion_case.saved", data={"changed": changed})
    return case


def _tell(org_id: int, case_id: int, event: str) -> None:
    """E-mail the people concerned once the change has committed."""
    transaction.on_commit(lambda: send_case_emails.enqueue(org_id, case_id, event))


def missing_arguments(case: PromotionCase) -> list[CaseStatement]:
    return [s for s in CaseStatement.objects.filter(case=case) if not s.argument.strip()]


def submit_case(case: PromotionCase, *, actor: Actor, expected_revision: int) -> PromotionCase:
    """Send a written case for review: every statement needs the writer's words."""
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    missing = missing_arguments(case)
    if missing:
        raise PromotionError(
            "Write the case for every statement before sending it for review.",
            [(f"argument-{s.statement_uid}", f"Say how they show “{s.text}”.") for s in missing],
        )
    with transaction.atomic():
        lock_case(case, expected_revision, Status.DRAFT)
        case.status = Status.IN_REVIEW
        case.submitted_at = timezone.now()
        case.save(update_fields=["status", "submitted_at", "updated_at"])
        record_case(case, actor, "promotion_case.submitted")
        _tell(org.pk, case.pk, SUBMITTED)
    return case


def withdraw_case(
    case: PromotionCase, *, actor: Actor, expected_revision: int, reason: str
) -> PromotionCase:
    """Close a case without a decision (e.g. the person left). The reason is required."""
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    if not words(reason):
        raise PromotionError(
            "Say why the case is withdrawn.", [("reason", "Say why the case is withdrawn.")]
        )
    with transaction.atomic():
        lock_case(case, expected_revision, *PromotionCase.OPEN)
        case.status = Status.WITHDRAWN
        case.withdrawn_at = timezone.now()
        case.rationale = words(reason)
        case.save(update_fields=["status", "withdrawn_at", "rationale", "updated_at"])
        record_case(case, actor, "promotion_case.withdrawn", data={"reason": case.rationale})
    return case


def set_case_people(
    case: PromotionCase,
    *,
    actor: Actor,
    expected_revision: int,
    reviewers: Iterable[Person],
    approvers: Iterable[Person],
) -> PromotionCase:
    """Name the case's reviewers (they give a recommendation) and approvers (each must
    approve before the case can be approved). What someone already said is kept while
    they stay on the case."""
    org = case.organization
    org.ensure_writable()
    require_writer(case, actor)
    wanted = {
        CaseReviewer.Role.REVIEWER: list({p.pk: p for p in reviewers}.values()),
        CaseReviewer.Role.APPROVER: list({p.pk: p for p in approvers}.values()),
    }
    errors = []
    for role, people in wanted.items():
        for p in people:
            if p.pk == case.person_id:
                errors.append((role + "s", f"{p.name} is the person nominated."))
            elif not p.is_active:
                errors.append((role + "s", f"{p.name} is no longer active."))
    if errors:
        raise PromotionError("The reviewers and approvers were not saved.", errors)
    with transaction.atomic():
        lock_case(case, expected_revision, *PromotionCase.OPEN)
        case.save(update_fields=["updated_at"])
        have = {(r.role, r.person_id): r for r in CaseReviewer.objects.filter(case=case)}
        keep = {(role, p.pk) for role, people in wanted.items() for p in people}
        CaseReviewer.objects.filter(
            pk__in=[r.pk for k, r in have.items() if k not in keep]
        ).delete()
        CaseReviewer.objects.bulk_create(
            [
                CaseReviewer(organization=org, case=case, person=p, role=role)
                for role, people in wanted.items()
                for p in people
                if (role, p.pk) not in have
            ]
        )
        record_case(
            case,
            actor,
            "promotion_case.people_set",
            data={
                "reviewers": [p.name for p in wanted[CaseReviewer.Role.REVIEWER]],
                "approvers": [p.name for p in wanted[CaseReviewer.Role.APPROVER]],
            },
        )
    return case
