"""Development plans: creating and updating action items, with their history.

The person, everyone above them and HR may create and update items. Each change names
the revision it started from (two people editing one item never overwrite each other),
is kept in the item's history and in the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from growth.access import report_visible, viewer_of
from growth.models import ActionItem, ActionItemEvent
from growth.selectors.plan import targets_for
from growth.selectors.report import gap_report
from growth.services.common import managers_above, require_plan_access
from organizations.actors import Actor, user_of
from organizations.audit import actor_label, record
from people.models import Person
from reviews.errors import NotAllowed, ReviewError, StaleError
from reviews.models import FormItem, Participant

Status = ActionItem.Status
TEXT_LIMITS = {"title": 200, "resource": 500, "milestone": 300}
FIELDS = [
    "title",
    "owner",
    "competency_uid",
    "statement_uid",
    "resource_kind",
    "resource",
    "milestone",
    "due",
    "status",
]


def owner_choices(person: Person) -> list[Person]:
    """Who can own an item of `person`'s plan: the person and the managers above them."""
    return [person, *managers_above(person)]


def _words(value: Any) -> str:
    return " ".join(str(value or "").split())


def _clean(
    person: Person, item: ActionItem | None, data: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Validate the given fields (all of them for a new item); every problem at once."""
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for name, limit in TEXT_LIMITS.items():
        if name in data:
            out[name] = _words(data[name]) if name != "resource" else str(data[name] or "").strip()
            if len(out[name]) > limit:
                errors.append((name, f"Keep this under {limit} characters."))
    if "title" in out and not out["title"]:
        errors.append(
            ("title", "Say what will be done, for example “Lead the next roadmap review”.")
        )
    resource = out.get("resource", "")
    if "://" in resource and not resource.startswith(("https://", "http://")):
        errors.append(("resource", "A link must start with https:// or http://."))
    if "resource_kind" in data:
        out["resource_kind"] = data["resource_kind"] or ""
        if out["resource_kind"] and out["resource_kind"] not in ActionItem.ResourceKind.values:
            errors.append(("resource_kind", "Choose a kind of resource."))
    if "status" in data:
        out["status"] = data["status"]
        if out["status"] not in Status.values:
            errors.append(("status", "Choose a status."))
    if "due" in data:
        due = data["due"]
        if due is not None and not isinstance(due, dt.date):
            errors.append(("due", "Enter a real date, for example 30 6 2026."))
        elif due is not None and due < timezone.localdate() and (item is None or due != item.due):
            errors.append(("due", "Choose a due date from today onwards."))
        out["due"] = due
    if "owner" in data:
        owner = data["owner"] or person
        if owner.pk not in {p.pk for p in owner_choices(person)}:
            errors.append(("owner", f"Choose {person.name} or one of their managers."))
        out["owner"] = owner
    comp_uid = data.get("competency_uid", item.competency_uid if item else "")
    if "competency_uid" in data or "statement_uid" in data:
        targets = {c.uid: c for c in targets_for(person)}
        comp = targets.get(comp_uid or "")
        if comp is None:
            errors.append(("competency", "Choose a competency from the person’s ladder."))
        else:
            out["competency_uid"], out["competency_name"] = comp.uid, comp.name
            statement_uid = data.get("statement_uid", item.statement_uid if item else "") or ""
            text = next((s.text for s in comp.statements if s.uid == statement_uid), None)
            if statement_uid and text is None:
                # a statement rated in an earlier cycle (the ladder may have changed since)
                text = (
                    FormItem.objects.filter(
                        form__participant__person=person,
                        statement_uid=statement_uid,
                        competency_uid=comp.uid,
                    )
                    .values_list("text", flat=True)
                    .first()
                )
            if statement_uid and text is None:
                errors.append(("statement", "Choose a statement of this competency."))
            out["statement_uid"], out["statement_text"] = statement_uid, text or ""
    return out, errors


def _display(name: str, value: Any) -> Any:
    if isinstance(value, Person):
        return value.name
    if name == "status":
        return str(Status(value).label) if value in Status.values else value
    if name == "resource_kind":
        kinds = dict(ActionItem.ResourceKind.choices)
        return str(kinds.get(value, value)) if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _event(item: ActionItem, kind: str, actor: Actor, changes: dict, note: str = "") -> None:
    ActionItemEvent.objects.create(
        organization_id=item.organization_id,
        item=item,
        kind=kind,
        actor=user_of(actor),
        actor_label=actor_label(actor),
        changes=changes,
        note=note,
    )


def create_action_item(
    person: Person,
    *,
    actor: Actor,
    competency_uid: str,
    title: str,
    statement_uid: str = "",
    owner: Person | None = None,
    resource_kind: str = "",
    resource: str = "",
    milestone: str = "",
    due: dt.date | None = None,
    status: str = Status.OPEN,
    cycle_id: int | None = None,
    note: str = "",
) -> ActionItem:
    """Add an item to `person`'s development plan."""
    org = person.organization
    org.ensure_writable()
    require_plan_access(actor, person)
    if not person.is_active:
        raise ReviewError(f"{person.name} is no longer active; their plan cannot change.")
    data = {
        "title": title,
        "competency_uid": competency_uid,
        "statement_uid": statement_uid,
        "owner": owner,
        "resource_kind": resource_kind,
        "resource": resource,
        "milestone": milestone,
        "due": due,
        "status": status,
    }
    values, errors = _clean(person, None, data)
    if errors:
        raise ReviewError("The action item was not added.", errors)
    now = timezone.now()
    with transaction.atomic():
        item = ActionItem.objects.create(
            organization=org,
            person=person,
            cycle_id=cycle_id,
            created_by=user_of(actor),
            created_at=now,
            updated_at=now,
            completed_at=now if values["status"] == Status.DONE else None,
            **values,
        )
        _event(
            item,
            ActionItemEvent.Kind.CREATED,
            actor,
            {k: [None, _display(k, values[k])] for k in FIELDS if values.get(k) not in ("", None)},
            note,
        )
        record(
            org,
            actor,
            "action_item.created",
            item,
            target_label=f"{item.title} ({person.name})",
            data={"competency": item.competency_name},
        )
    return item


def update_action_item(
    item: ActionItem,
    *,
    actor: Actor,
    expected_revision: int,
    note: str = "",
    **changes: Any,
) -> ActionItem:
    """Change some fields of an item (any of `FIELDS`, `statement_uid` with or without
    `competency_uid`). Refused with StaleError if the item changed since
    `expected_revision` was read."""
    person = item.person
    org = item.organization
    org.ensure_writable()
    require_plan_access(actor, person)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ReviewError(
            "Unknown field.", [(k, "This cannot be changed.") for k in sorted(unknown)]
        )
    values, errors = _clean(person, item, changes)
    if errors:
        raise ReviewError("The action item was not saved.", errors)
    before = {k: getattr(item, k) for k in [*FIELDS, "competency_name", "statement_text"]}
    diff = {
        k: [_display(k, before[k]), _display(k, v)]
        for k, v in values.items()
        if k in FIELDS and before[k] != v
    }
    # targets read as words in the history, not as uids
    for uid_field, text_field in (
        ("competency_uid", "competency_name"),
        ("statement_uid", "statement_text"),
    ):
        if uid_field in diff:
            diff[uid_field] = [before[text_field], values.get(text_field, "")]
    now = timezone.now()
    fields = dict(values)
    if "status" in values and values["status"] != before["status"]:
        fields["completed_at"] = now if values["status"] == Status.DONE else None
    with transaction.atomic():
        updated = ActionItem.objects.filter(pk=item.pk, revision=expected_revision).update(
            **fields, revision=F("revision") + 1, updated_at=now
        )
        if not updated:
            raise StaleError("this action item")
        item.refresh_from_db()
        if diff or note.strip():
            only_status = set(diff) == {"status"}
            _event(
                item,
                ActionItemEvent.Kind.STATUS if only_status else ActionItemEvent.Kind.UPDATED,
                actor,
                diff,
                note.strip(),
            )
            record(
                org,
                actor,
                "action_item.status_changed" if only_status else "action_item.updated",
                item,
                target_label=f"{item.title} ({person.name})",
                changes={k: v for k, v in diff.items() if k != "title"} or None,
            )
    return item


def set_item_status(
    item: ActionItem, *, status: str, actor: Actor, expected_revision: int, note: str = ""
) -> ActionItem:
    return update_action_item(
        item, actor=actor, expected_revision=expected_revision, status=status, note=note
    )


def create_suggested_items(
    participant: Participant,
    *,
    actor: Actor,
    keys: Iterable[str],
    due: dt.date | None = None,
) -> list[ActionItem]:
    """Add the chosen suggestions of a gap report (by `Suggestion.key`) to the plan, tied
    to the cycle they came from."""
    viewer = viewer_of(actor)
    if not report_visible(participant, viewer):
        raise NotAllowed("Only the person, their managers and HR can use this gap report.")
    report = gap_report(participant)
    wanted = list(dict.fromkeys(keys))
    by_key = {s.key: s for s in report.suggestions}
    missing = [k for k in wanted if k not in by_key]
    if not wanted or missing:
        raise ReviewError(
            "Choose at least one suggestion."
            if not wanted
            else "Some suggestions are no longer offered; reload the page.",
            [("suggestions", "Choose from the suggestions shown.")],
        )
    created = []
    with transaction.atomic():
        for key in wanted:
            s = by_key[key]
            created.append(
                create_action_item(
                    participant.person,
                    actor=actor,
                    competency_uid=s.competency_uid,
                    statement_uid=s.statement_uid,
                    title=s.title,
                    resource_kind=s.resource_kind,
                    resource=s.resource,
                    milestone=s.milestone,
                    due=due or s.due,
                    cycle_id=participant.cycle_id,
                    note=f"Suggested by the gap report of {participant.cycle.name}.",
                )
            )
    return created


__all__ = [
    "NotAllowed",
    "create_action_item",
    "create_suggested_items",
    "owner_choices",
    "set_item_status",
    "update_action_item",
]
