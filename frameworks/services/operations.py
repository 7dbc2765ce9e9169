"""Edits of a draft as operations, and the draft's undo stack.

Every edit is an *operation*: a small JSON-able dict (`{"op": name, ...}`) applied by
`apply_operation()`, which returns the operation that reverses it. `apply_edit()` applies
one as an audited, undoable edit and pushes the inverse onto the draft's undo stack
(`DraftEdit.payload`); `undo_last_edit()` pops the top entry and applies it. Items are
named by `uid`, which survives a restore.

The registry `OPERATIONS` maps each name to its handler: `set_cell` (the statements of one
competency at one level), `set_draft_note` (a machine-drafted statement accepted) and, for
each kind of item in `ITEM_KINDS` (level, competency, category), `create_<kind>`,
`update_<kind>` ({"changes": {uid: {field: value}}}) and `delete_<kind>`; and `batch`
(several operations as one edit). Stored payloads carry `"v": PAYLOAD_VERSION`; an entry
written before payloads were versioned has none and is version 1. A change to the shape
of an operation bumps the version, and `apply_operation` refuses (with a sentence) what
it cannot read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from frameworks import limits
from frameworks.errors import EditError
from frameworks.identity import match_statement_uids
from frameworks.ladder import LadderProblem
from frameworks.models import (
    Competency,
    CompetencyCategory,
    DraftEdit,
    FrameworkVersion,
    Level,
    Statement,
    Track,
)
from frameworks.services.versions import bump_revision, ladder_problems, pending_uids
from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.scoping import new_public_id

Operation = dict[str, Any]
Handler = Callable[[FrameworkVersion, Operation], Operation]
Item = Level | Competency | CompetencyCategory

PAYLOAD_VERSION = 1
UNDO_DEPTH = 100  # edits kept on a draft's undo stack
OPERATIONS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of the operation `name`."""

    def register(handler: Handler) -> Handler:
        OPERATIONS[name] = handler
        return handler

    return register


# --- the kinds of items ------------------------------------------------------------------


def _check_level_fields(draft: FrameworkVersion, fields: dict[str, Any], uid: str = "") -> None:
    if "code" in fields:
        code = fields["code"]
        if not code:
            raise EditError("Give the level a short code, like PM3.", "code")
        if Level.objects.filter(version=draft, code__iexact=code).exclude(uid=uid).exists():
            raise EditError(f"There is already a level {code} in this ladder.", "code")
    if "title" in fields and not fields["title"]:
        raise EditError("Give the level a title, like Senior Product Manager.", "title")
    if "track" in fields and fields["track"] not in Track.values:
        raise EditError("Choose Shared, IC or Manager.", "track")
    _check_lengths("level", fields)


def _check_lengths(kind: str, fields: dict[str, Any]) -> None:
    for (owner, field), (what, limit) in limits.FIELD_LIMITS.items():
        if owner == kind and field in fields:
            message = limits.too_long(what, str(fields[field] or ""), limit)
            if message:
                raise EditError(message, field)


def _name_check(model: type[Competency] | type[CompetencyCategory], noun: str) -> Any:
    def check(draft: FrameworkVersion, fields: dict[str, Any], uid: str = "") -> None:
        _check_lengths(noun, fields)
        if "name" not in fields:
            return
        name = fields["name"]
        if not name:
            raise EditError(f"Give the {noun} a name.", "name")
        if model.objects.filter(version=draft, name__iexact=name).exclude(uid=uid).exists():
            raise EditError(f"There is already a {noun} called “{name}”.", "name")

    return check


@dataclass(frozen=True)
class ItemKind:
    """One kind of item a draft's editor adds, edits, moves and removes."""

    name: str  # "level": names its operations, its audit actions and its undo labels
    model: type[Level] | type[Competency] | type[CompetencyCategory]
    fields: tuple[str, ...]  # what a snapshot keeps, enough to create the item again
    check: Callable[..., None]  # (draft, fields, uid="") raises EditError on a bad value
    related: tuple[str, ...] = ()
    ladder: bool = False  # edits must not break a ladder rule (`frameworks.ladder`)

    def get(self, draft: FrameworkVersion, uid: str | None) -> Any:
        items = self.model.objects.filter(version=draft, uid=uid)
        found = (items.select_related(*self.related) if self.related else items).first()
        if found is None or not uid:
            raise EditError(f"That {self.name} is no longer in this draft. Reload the page.")
        return found

    def label(self, item: Any) -> str:
        """What people call the item (a level's code, else its name); `item` may be its
        fields."""
        key = "code" if self.name == "level" else "name"
        return item[key] if isinstance(item, dict) else getattr(item, key)

    def snapshot(self, item: Any) -> dict[str, Any]:
        data = {name: getattr(item, name) for name in self.fields if name != "category"}
        if "category" in self.fields:
            data["category"] = item.category.uid if item.category else ""
        return data

    def assign(self, draft: FrameworkVersion, item: Any, field: str, value: Any) -> None:
        if field == "category":
            item.category = CATEGORY.get(draft, value) if value else None
        else:
            setattr(item, field, value)


LEVEL = ItemKind(
    "level",
    Level,
    ("code", "title", "rank", "track", "scope", "summary", "key_question", "position"),
    _check_level_fields,
    ladder=True,
)
COMPETENCY = ItemKind(
    "competency",
    Competency,
    ("name", "description", "category", "position", "source"),
    _name_check(Competency, "competency"),
    related=("category",),
)
CATEGORY = ItemKind(
    "category",
    CompetencyCategory,
    ("name", "position"),
    _name_check(CompetencyCategory, "category"),
)
ITEM_KINDS = {kind.name: kind for kind in (LEVEL, COMPETENCY, CATEGORY)}


def _refuse_new_ladder_problems(draft: FrameworkVersion, before: list[LadderProblem]) -> None:
    """The editor refuses a level edit that breaks a ladder rule, exactly as an import
    refuses such a ladder (problems older data already had do not block other edits)."""
    new = [p for p in ladder_problems(draft) if p not in before]
    if new:
        raise EditError(new[0].message, "track" if new[0].kind == "track" else "rank")


# --- what a removed item takes with it ---------------------------------------------------


def _contents(kind: ItemKind, item: Any) -> dict[str, Any]:
    """A level's or competency's statements; a category's member competencies (which stay,
    without a category, when it is removed)."""
    if kind is CATEGORY:
        return {"members": list(item.competencies.values_list("uid", flat=True))}
    rows = Statement.objects.filter(**{kind.name: item}).select_related("competency", "level")
    return {
        "statements": [
            {
                "competency": st.competency.uid,
                "level": st.level.uid,
                "text": st.text,
                "evidence": list(st.evidence),
                "position": st.position,
                "uid": st.uid,
                "draft_note": st.draft_note,
            }
            for st in rows.order_by("position", "id")
        ]
    }


def _restore_contents(draft: FrameworkVersion, item: Any, op: Operation) -> None:
    if op.get("members"):
        Competency.objects.filter(version=draft, uid__in=op["members"]).update(category=item)
    if not op.get("statements"):
        return
    levels = {lv.uid: lv for lv in Level.objects.filter(version=draft)}
    comps = {c.uid: c for c in Competency.objects.filter(version=draft)}
    Statement.objects.bulk_create(
        [
            Statement(
                organization=draft.organization,
                version=draft,
                competency=comps[row["competency"]],
                level=levels[row["level"]],
                text=row["text"],
                evidence=row["evidence"],
                draft_note=row.get("draft_note", ""),
                position=row["position"],
                **({"uid": row["uid"]} if row.get("uid") else {}),
            )
            for row in op.get("statements", [])
            if row["competency"] in comps and row["level"] in levels
        ]
    )


# --- the operations ------------------------------------------------------------------------


@operation("set_cell")
def _set_cell(draft: FrameworkVersion, op: Operation) -> Operation:
    comp = COMPETENCY.get(draft, op["competency"])
    level = LEVEL.get(draft, op["level"])
    cell = Statement.objects.filter(version=draft, competency=comp, level=level)
    rows = list(cell.order_by("position", "id"))
    old = [[st.text, list(st.evidence), st.uid, st.draft_note] for st in rows]
    # [text, evidence] or, from an undo, [text, evidence, uid, draft note]
    new = op["statements"]
    # an undo puts back what was there, even a cell written before repeats were refused
    restoring = any(len(item) > 2 for item in new)
    problem = limits.cell_problem([str(item[0]) for item in new], repeats=not restoring)
    if problem:
        raise EditError(problem, "text")
    matched = match_statement_uids([(st.uid, st.text) for st in rows], [i[0] for i in new])
    # a machine draft stays marked only while its text is as drafted
    drafted = {st.text: st.draft_note for st in rows if st.draft_note}
    cell.delete()
    Statement.objects.bulk_create(
        [
            Statement(
                organization=draft.organization,
                version=draft,
                competency=comp,
                level=level,
                text=item[0],
                evidence=list(item[1]),
                position=i,
                uid=(item[2] if len(item) > 2 else "") or matched[i] or new_public_id(),
                draft_note=item[3] if len(item) > 3 else drafted.get(item[0], ""),
            )
            for i, item in enumerate(new)
        ]
    )
    return {**op, "statements": old}


@operation("set_draft_note")
def _set_draft_note(draft: FrameworkVersion, op: Operation) -> Operation:
    """Mark a statement as a machine draft (`note`) or, with "", as reviewed by a person."""
    statement = Statement.objects.filter(version=draft, uid=op["uid"]).first()
    if statement is None:
        raise EditError("That statement is no longer in this draft. Reload the page.")
    before = statement.draft_note
    Statement.objects.filter(pk=statement.pk).update(draft_note=op["note"])
    return {**op, "note": before}


def _update(kind: ItemKind) -> Handler:
    def update(draft: FrameworkVersion, op: Operation) -> Operation:
        problems = ladder_problems(draft) if kind.ladder else []
        before: dict[str, dict[str, Any]] = {}
        for uid, fields in op["changes"].items():
            item = kind.get(draft, uid)
            kind.check(draft, fields, uid)
            snap = kind.snapshot(item)
            before[uid] = {k: snap[k] for k in fields}
            for k, v in fields.items():
                kind.assign(draft, item, k, v)
            item.save(update_fields=list(fields))
        if kind.ladder:
            _refuse_new_ladder_problems(draft, problems)
        return {"op": f"update_{kind.name}", "changes": before}

    return update


def _create(kind: ItemKind) -> Handler:
    def create(draft: FrameworkVersion, op: Operation) -> Operation:
        fields = op[kind.name]
        kind.check(draft, fields)
        problems = ladder_problems(draft) if kind.ladder else []
        item = kind.model(organization=draft.organization, version=draft, uid=op["uid"])
        for k, v in fields.items():
            kind.assign(draft, item, k, v)
        item.save()
        if kind.ladder:
            _refuse_new_ladder_problems(draft, problems)
        _restore_contents(draft, item, op)
        return {"op": f"delete_{kind.name}", "uid": item.uid}

    return create


def _delete(kind: ItemKind) -> Handler:
    def delete(draft: FrameworkVersion, op: Operation) -> Operation:
        item = kind.get(draft, op["uid"])
        if kind is LEVEL and item.uid in pending_uids(draft):
            raise EditError(f"People are placed on {item.code}. Move them to another level first.")
        inverse = {
            "op": f"create_{kind.name}",
            "uid": item.uid,
            kind.name: kind.snapshot(item),
            **_contents(kind, item),
        }
        item.delete()
        return inverse

    return delete


for _kind in ITEM_KINDS.values():
    operation(f"update_{_kind.name}")(_update(_kind))
    operation(f"create_{_kind.name}")(_create(_kind))
    operation(f"delete_{_kind.name}")(_delete(_kind))


@operation("batch")
def _batch(draft: FrameworkVersion, op: Operation) -> Operation:
    """Several operations as one edit (O*NET adds a category and a competency with its
    statements); undone in reverse order."""
    inverses = [apply_operation(draft, {**sub, "v": PAYLOAD_VERSION}) for sub in op["ops"]]
    return {"op": "batch", "ops": list(reversed(inverses))}


def apply_operation(draft: FrameworkVersion, op: Operation) -> Operation:
    """Apply one operation to a draft's rows and return the operation that reverses it."""
    if op.get("v", 1) != PAYLOAD_VERSION:
        raise EditError(
            "This edit was saved by another version of the editor; it cannot be undone."
        )
    handler = OPERATIONS.get(op["op"])
    if handler is None:
        raise ValueError(f"unknown draft operation {op['op']!r}")
    return {**handler(draft, op), "v": PAYLOAD_VERSION}


# --- audited, undoable edits ---------------------------------------------------------------


def apply_edit(
    draft: FrameworkVersion,
    op: Operation,
    *,
    actor: Actor,
    expected_revision: int | None,
    label: str,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> Operation:
    """Apply `op` to a draft as one audited, undoable edit."""
    org = draft.organization
    org.ensure_writable()
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        inverse = apply_operation(draft, op)
        top = DraftEdit.objects.filter(version=draft).aggregate(m=Max("seq"))["m"] or 0
        DraftEdit.objects.filter(version=draft, seq__lte=top - UNDO_DEPTH + 1).delete()
        DraftEdit.objects.create(
            organization=org,
            version=draft,
            seq=top + 1,
            label=label[:200],
            payload=inverse,
            actor=user_of(actor),
        )
        record(
            org,
            actor,
            action,
            target if target is not None else draft,
            changes=_op_changes(op, inverse),
            data={"draft": str(draft), **(data or {})},
        )
    return inverse


def _op_changes(op: Operation, inverse: Operation) -> dict[str, list[Any]]:
    """Before and after of an edit, for the audit log: a cell's statements, or the
    fields of an edited level, competency or category."""
    if op["op"] == "set_cell":
        return {
            "statements": [
                [item[0] for item in inverse["statements"]],
                [item[0] for item in op["statements"]],
            ]
        }
    if op["op"].startswith("update_"):
        changes: dict[str, list[Any]] = {}
        for uid, after in op["changes"].items():
            before = inverse["changes"].get(uid, {})
            for field, value in after.items():
                if before.get(field) != value:
                    changes[field] = [before.get(field), value]
        return changes
    return {}


def last_edit(draft: FrameworkVersion) -> DraftEdit | None:
    return DraftEdit.objects.filter(version=draft).order_by("-seq").first()


def undo_last_edit(draft: FrameworkVersion, *, actor: Actor, expected_revision: int | None) -> str:
    """Reverse the latest edit of a draft. Returns the label of the edit undone."""
    org = draft.organization
    org.ensure_writable()
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        entry = last_edit(draft)
        if entry is None:
            raise EditError("There is nothing to undo in this draft.")
        apply_operation(draft, entry.payload)
        entry.delete()
        record(org, actor, "framework.edit_undone", draft, data={"edit": entry.label})
    return entry.label
