"""Filling in a review form: autosaved answers, submitting, and HR reopening."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from frameworks.models import EvidenceKind
from organizations.actors import Actor
from organizations.audit import record
from organizations.prepared import Prepared
from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.models import FormItem, FormLocked, ReviewCycle, ReviewForm, Scale
from reviews.services.common import check_status, person_of, require_admin

MAX_TEXT = 5000
MAX_EVIDENCE = 2000

# a form's live items, read by every autosave and submit: compiled once
# (organizations/prepared.py). No ordering for a save: the default one (form -> cycle,
# participant) joins three tables.
LIVE_ITEMS = Prepared(
    lambda form_id: FormItem.objects.filter(form_id=form_id, archived=False).order_by(),
    form_id=int,
)
LIVE_ITEMS_IN_ORDER = Prepared(
    lambda form_id: FormItem.objects.filter(form_id=form_id, archived=False).order_by(
        "position", "id"
    ),
    form_id=int,
)


def _label(form: ReviewForm) -> str:
    return f"{form.get_kind_display()} of {form.participant.person.name}"


def _claim_form(form: ReviewForm, expected_revision: int, **changes: Any) -> None:
    """Bump the form's revision if nobody else has, and it is not submitted."""
    now = timezone.now()
    updated = (
        ReviewForm.objects.filter(pk=form.pk, revision=expected_revision)
        .exclude(status=ReviewForm.Status.SUBMITTED)
        .update(revision=F("revision") + 1, updated_at=now, **changes)
    )
    if not updated:
        stored = ReviewForm.objects.filter(pk=form.pk).values_list("status", flat=True).first()
        if stored == ReviewForm.Status.SUBMITTED:
            raise FormLocked()
        raise StaleError("this review")
    form.revision = expected_revision + 1
    form.updated_at = now
    for key, value in changes.items():
        setattr(form, key, value)


def _check_reviewer(form: ReviewForm, actor: Actor) -> None:
    me = person_of(actor)
    if me is None or me.pk != form.reviewer_id:
        raise NotAllowed("Only the reviewer can fill in this review.")


def _clean_answer(
    item: FormItem, answer: dict[str, Any], scale: Scale
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The fields of `item` this answer changes, and any problems."""
    changes: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    field = f"statement-{item.statement_uid}"
    if "rating" in answer:
        rating = answer["rating"]
        if rating in ("", None):
            rating = None
        else:
            try:
                rating = int(rating)
            except (TypeError, ValueError):
                rating = -1
            if not scale.is_valid(rating):
                errors.append((field, f"Choose a rating from {scale.lowest} to {scale.highest}."))
        if rating != item.rating or item.needs_new_rating:
            changes["rating"] = rating
            changes["needs_new_rating"] = False
    for key, limit in (("comment", MAX_TEXT), ("evidence", MAX_EVIDENCE)):
        if key in answer:
            value = str(answer[key] or "").strip()
            if len(value) > limit:
                errors.append((field, f"Keep the {key} under {limit} characters."))
            if value != getattr(item, key):
                changes[key] = value
    if "evidence_kind" in answer:
        kind = str(answer["evidence_kind"] or "")
        if kind and kind not in EvidenceKind.values:
            errors.append((field, "Choose a kind of evidence from the list."))
        if kind != item.evidence_kind:
            changes["evidence_kind"] = kind
    return changes, errors


# more distinct sets of values than this in one save: one bulk_update instead
MAX_UPDATE_GROUPS = 8


def _write_items(items: list[FormItem], fields: list[str], now: Any) -> None:
    """Write `fields` of the changed items: one UPDATE per distinct set of values (an
    autosave's new ratings come from a small scale, so a handful), which is half the CPU of
    bulk_update's CASE per row and field; many distinct values (comments) use that."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for item in items:
        item.updated_at = now
        groups.setdefault(tuple(getattr(item, name) for name in fields), []).append(item.pk)
    if len(groups) > MAX_UPDATE_GROUPS:
        FormItem.objects.bulk_update(items, [*fields, "updated_at"])
        return
    for values, ids in groups.items():
        changes = dict(zip(fields, values, strict=True))
        FormItem.objects.filter(pk__in=ids).update(updated_at=now, **changes)


def save_answers(
    form: ReviewForm,
    *,
    answers: list[dict[str, Any]],
    expected_revision: int,
    actor: Actor,
    overall_comment: str | None = None,
    summaries: dict[str, str] | None = None,
    skip_unknown: bool = False,
) -> int:
    """Save some answers of an open form: each answer names its `statement` (uid) and any
    of `rating`, `comment`, `evidence`, `evidence_kind`. Only what is given changes. A stale
    revision or a submitted form changes nothing. Returns the form's new revision.
    An answer or summary for a statement or competency not on the form is refused, or
    with `skip_unknown` (the page's own post, from before a ladder fix) left out."""
    org = form.organization
    org.ensure_writable()
    _check_reviewer(form, actor)
    scale = Scale(form.cycle.scale)
    with transaction.atomic():
        check_status(form.cycle, ReviewCycle.Status.OPEN)
        items = {it.statement_uid: it for it in LIVE_ITEMS.all(form_id=form.pk)}
        changed: list[FormItem] = []
        fields: set[str] = set()
        errors: list[tuple[str, str]] = []
        for answer in answers:
            uid = str(answer.get("statement", ""))
            item = items.get(uid)
            if item is None and skip_unknown:
                continue
            if item is None:
                errors.append(
                    (f"statement-{uid}", "This statement is not on the form (reload the page).")
                )
                continue
            item_changes, item_errors = _clean_answer(item, answer, scale)
            errors.extend(item_errors)
            if item_changes:
                for key, value in item_changes.items():
                    setattr(item, key, value)
                fields |= set(item_changes)
                changed.append(item)
        form_changes: dict[str, Any] = {}
        if overall_comment is not None and overall_comment.strip() != form.overall_comment:
            if len(overall_comment) > MAX_TEXT:
                errors.append(("overall_comment", f"Keep it under {MAX_TEXT} characters."))
            form_changes["overall_comment"] = overall_comment.strip()
        if summaries is not None:
            known = {it.competency_uid for it in items.values()}
            merged = dict(form.summaries)
            for uid, text in summaries.items():
                if uid not in known and skip_unknown:
                    continue
                if uid not in known:
                    errors.append((f"summary-{uid}", "This competency is not on the form."))
                elif (text or "").strip() != merged.get(uid, ""):
                    merged[uid] = (text or "").strip()
            if merged != form.summaries:
                form_changes["summaries"] = merged
        if errors:
            raise ReviewError("Some answers could not be saved.", errors)
        if not (changed or form_changes):
            # nothing to write: the revision is only checked, so a repeated autosave of
            # an unchanged page does not make the reviewer's next save stale
            stored = ReviewForm.objects.filter(pk=form.pk).values_list("status", "revision").get()
            if stored[0] == ReviewForm.Status.SUBMITTED:
                raise FormLocked()
            if stored[1] != expected_revision:
                raise StaleError("this review")
            form.saved_items = list(items.values())  # type: ignore[attr-defined]
            return expected_revision
        if form.status == ReviewForm.Status.NOT_STARTED:
            form_changes["status"] = ReviewForm.Status.IN_PROGRESS
        _claim_form(form, expected_revision, **form_changes)
        if changed:
            _write_items(changed, sorted(fields), form.updated_at)
        record(
            org,
            actor,
            "review_form.saved",
            form,
            target_label=_label(form),
            data={"answers": len(changed)},
        )
    # the live items as this save left them: the autosave's answer shows them (no query)
    form.saved_items = list(items.values())  # type: ignore[attr-defined]
    return form.revision


def missing_answers(form: ReviewForm) -> list[FormItem]:
    """Items still to rate before the form can be submitted."""
    return _missing_in(LIVE_ITEMS_IN_ORDER.all(form_id=form.pk))


def _missing_in(items: list[FormItem]) -> list[FormItem]:
    return [it for it in items if it.rating is None or it.needs_new_rating]


def _item_label(item: FormItem, items: list[FormItem]) -> str:
    """How the error summary names a statement so that each line points at one: the
    competency, "(next level)" in the next level's part, and which of its statements
    when the competency has several there."""
    same = [
        it
        for it in items
        if it.competency_uid == item.competency_uid and it.section == item.section
    ]
    label = item.competency_name
    if item.section == FormItem.Section.NEXT:
        label += " (next level)"
    if len(same) > 1:
        label += f", statement {same.index(item) + 1} of {len(same)}"
    return label


def submit_form(form: ReviewForm, *, expected_revision: int, actor: Actor) -> ReviewForm:
    """Lock a complete form. Every statement must have a rating (and a statement changed
    by a ladder fix a new one)."""
    org = form.organization
    org.ensure_writable()
    _check_reviewer(form, actor)
    with transaction.atomic():
        check_status(form.cycle, ReviewCycle.Status.OPEN)
        items = LIVE_ITEMS_IN_ORDER.all(form_id=form.pk)
        missing = _missing_in(items)
        if missing:
            raise ReviewError(
                f"Rate every statement before submitting: {len(missing)} still to rate.",
                [
                    (
                        f"statement-{it.statement_uid}",
                        f"{_item_label(it, items)}: "
                        + ("rate the new wording" if it.needs_new_rating else "choose a rating"),
                    )
                    for it in missing
                ],
            )
        now = timezone.now()
        _claim_form(form, expected_revision, status=ReviewForm.Status.SUBMITTED, submitted_at=now)
        form._loaded_status = ReviewForm.Status.SUBMITTED
        record(org, actor, "review_form.submitted", form, target_label=_label(form))
    return form


def reopen_form(form: ReviewForm, *, reason: str, actor: Actor) -> ReviewForm:
    """HR reopens a submitted form so its reviewer can correct it. The reason is kept on
    the form and in the audit log."""
    org = form.organization
    org.ensure_writable()
    require_admin(actor)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReviewError(
            "Say why the review is reopened.", [("reason", "Say why the review is reopened.")]
        )
    with transaction.atomic():
        check_status(form.cycle, ReviewCycle.Status.OPEN)
        updated = ReviewForm.objects.filter(pk=form.pk, status=ReviewForm.Status.SUBMITTED).update(
            status=ReviewForm.Status.IN_PROGRESS,
            reopened_at=timezone.now(),
            reopen_reason=reason,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise ReviewError("Only a submitted review can be reopened.")
        form.refresh_from_db()
        record(
            org,
            actor,
            "review_form.reopened",
            form,
            target_label=_label(form),
            data={"reason": reason},
        )
    return form
