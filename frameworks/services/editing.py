"""The editor's edits of a draft: a cell's statements, and adding, editing, moving and
removing levels, categories and competencies. Each builds one operation
(`frameworks.services.operations`) and applies it as an audited, undoable edit."""

from __future__ import annotations

from typing import Any, Protocol

from django.db.models import Max

from frameworks.errors import EditError, FrameworkError
from frameworks.models import (
    Competency,
    CompetencyCategory,
    EvidenceKind,
    FrameworkVersion,
    Level,
    Statement,
    Track,
)
from frameworks.services.operations import (
    CATEGORY,
    COMPETENCY,
    LEVEL,
    ItemKind,
    Operation,
    apply_edit,
)
from organizations.actors import Actor
from organizations.scoping import new_public_id

EVIDENCE_VALUES = [value for value, _ in EvidenceKind.choices]
PAST = {"Add": "added", "Edit": "edited", "Rename": "renamed", "Move": "moved", "Remove": "removed"}


def _item_edit(
    draft: FrameworkVersion,
    kind: ItemKind,
    verb: str,
    name: str,
    op: Operation,
    *,
    actor: Actor,
    expected_revision: int | None,
    data: dict[str, Any] | None = None,
) -> None:
    """Apply `op` as the edit "<verb> <kind> <name>" (e.g. "Move level PM3"), audited as
    `framework.<kind>_<verb, past>`."""
    apply_edit(
        draft,
        op,
        actor=actor,
        expected_revision=expected_revision,
        label=f"{verb} {kind.name} {name}",
        action=f"framework.{kind.name}_{PAST[verb]}",
        data=data if data is not None else {kind.name: name},
    )


def _edit_fields(
    draft: FrameworkVersion,
    kind: ItemKind,
    item: Any,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_revision: int | None,
) -> Any:
    """The edit "Edit <kind> <label>": new values for some of the item's fields (no
    changes, no edit). Returns the item as it is now."""
    if changes:
        name = kind.label(item)
        _item_edit(
            draft,
            kind,
            "Edit",
            name,
            {"op": f"update_{kind.name}", "changes": {item.uid: changes}},
            actor=actor,
            expected_revision=expected_revision,
            data={kind.name: name, "fields": sorted(changes)},
        )
    return kind.get(draft, item.uid)


def _add(
    kind: ItemKind,
    draft: FrameworkVersion,
    fields: dict[str, Any],
    *,
    actor: Actor,
    expected_revision: int | None,
) -> Any:
    """Add an item after the last of its kind; returns it."""
    top = kind.model.objects.filter(version=draft).aggregate(m=Max("position"))["m"]
    fields["position"] = (top if top is not None else -1) + 1
    uid = new_public_id()
    _item_edit(
        draft,
        kind,
        "Add",
        kind.label(fields),
        {"op": f"create_{kind.name}", "uid": uid, kind.name: fields},
        actor=actor,
        expected_revision=expected_revision,
    )
    return kind.get(draft, uid)


# --- statements ------------------------------------------------------------------------------


def _split_statements(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def edit_cell(
    draft: FrameworkVersion,
    *,
    competency_uid: str,
    level_uid: str,
    text: str,
    evidence: list[str],
    actor: Actor,
    expected_revision: int | None,
) -> None:
    """Set what a competency expects at a level: one statement per line of `text`.
    Empty text means "no new expectation at this level". The evidence kinds apply to every
    statement, except that lines left as they were keep their own evidence when the
    evidence boxes were not changed."""
    comp, level, existing = _cell(draft, competency_uid, level_uid)
    evidence = [kind for kind in EVIDENCE_VALUES if kind in set(evidence)]
    union = [k for k in EVIDENCE_VALUES if any(k in st.evidence for st in existing)]
    kept = {st.text: list(st.evidence) for st in existing}
    statements = [
        [line, kept[line] if (line in kept and evidence == union) else evidence]
        for line in _split_statements(text)
    ]
    _set_cell(draft, comp, level, existing, statements, actor, expected_revision)


def edit_cell_statements(
    draft: FrameworkVersion,
    *,
    competency_uid: str,
    level_uid: str,
    statements: list[tuple[str, list[str]]],
    actor: Actor,
    expected_revision: int | None,
) -> None:
    """Set what a competency expects at a level, statement by statement: (text, evidence
    kinds) for each, in order. Blank texts are left out; a text of several lines gives a
    statement per line, each with that statement's evidence."""
    comp, level, existing = _cell(draft, competency_uid, level_uid)
    rows = [
        [line, [kind for kind in EVIDENCE_VALUES if kind in set(evidence)]]
        for text, evidence in statements
        for line in _split_statements(text)
    ]
    _set_cell(draft, comp, level, existing, rows, actor, expected_revision)


def _cell(
    draft: FrameworkVersion, competency_uid: str, level_uid: str
) -> tuple[Competency, Level, list[Statement]]:
    """A cell of the draft: its competency, its level and its statements, in order."""
    comp = COMPETENCY.get(draft, competency_uid)
    level = LEVEL.get(draft, level_uid)
    existing = Statement.objects.filter(version=draft, competency=comp, level=level)
    return comp, level, list(existing.order_by("position", "id"))


def _set_cell(
    draft: FrameworkVersion,
    comp: Competency,
    level: Level,
    existing: list[Statement],
    statements: list[list[Any]],
    actor: Actor,
    expected_revision: int | None,
) -> None:
    if statements == [[st.text, list(st.evidence)] for st in existing]:
        return
    verb = "Clear" if not statements else ("Add" if not existing else "Edit")
    apply_edit(
        draft,
        {"op": "set_cell", "competency": comp.uid, "level": level.uid, "statements": statements},
        actor=actor,
        expected_revision=expected_revision,
        label=f"{verb} {comp.name} at {level.code}",
        action="framework.statement_edited",
        data={"competency": comp.name, "level": level.code, "statements": len(statements)},
    )


def accept_statement(
    draft: FrameworkVersion, statement_uid: str, *, actor: Actor, expected_revision: int | None
) -> None:
    """A person keeps a machine-drafted statement (O*NET) as it is: it stops being
    flagged as a draft. Undoable like any edit."""
    statement = (
        Statement.objects.filter(version=draft, uid=statement_uid)
        .select_related("competency", "level")
        .first()
    )
    if statement is None:
        raise EditError("That statement is no longer in this draft. Reload the page.")
    if not statement.draft_note:
        return
    where = f"{statement.competency.name} at {statement.level.code}"
    apply_edit(
        draft,
        {"op": "set_draft_note", "uid": statement.uid, "note": ""},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Accept a drafted statement of {where}",
        action="framework.statement_accepted",
        data={
            "competency": statement.competency.name,
            "level": statement.level.code,
            "statement": statement.text[:200],
            "drafted_from": statement.draft_note,
        },
    )


# --- levels ----------------------------------------------------------------------------------


def _level_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in fields.items() if k in LEVEL.fields and k != "position"}
    for key in ("code", "title", "scope", "summary", "key_question"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "rank" in clean:
        clean["rank"] = int(clean["rank"])
    return clean


def add_level(
    draft: FrameworkVersion, *, actor: Actor, expected_revision: int | None, **fields: Any
) -> Level:
    """Add a level (code, title, rank, track, scope, summary, key_question)."""
    clean = _level_fields(fields)
    clean.setdefault("track", Track.SHARED)
    for key in ("scope", "summary", "key_question"):
        clean.setdefault(key, "")
    LEVEL.check(draft, {"code": "", "title": "", **clean})
    return _add(LEVEL, draft, clean, actor=actor, expected_revision=expected_revision)


def update_level(
    draft: FrameworkVersion,
    level_uid: str,
    *,
    actor: Actor,
    expected_revision: int | None,
    **fields: Any,
) -> Level:
    level = LEVEL.get(draft, level_uid)
    clean = {k: v for k, v in _level_fields(fields).items() if getattr(level, k) != v}
    return _edit_fields(
        draft, LEVEL, level, clean, actor=actor, expected_revision=expected_revision
    )


# --- categories --------------------------------------------------------------------------------


def add_category(
    draft: FrameworkVersion, *, name: str, actor: Actor, expected_revision: int | None
) -> CompetencyCategory:
    name = name.strip()
    CATEGORY.check(draft, {"name": name})
    return _add(CATEGORY, draft, {"name": name}, actor=actor, expected_revision=expected_revision)


def rename_category(
    draft: FrameworkVersion,
    category_uid: str,
    *,
    name: str,
    actor: Actor,
    expected_revision: int | None,
) -> CompetencyCategory:
    cat = CATEGORY.get(draft, category_uid)
    name = name.strip()
    CATEGORY.check(draft, {"name": name}, cat.uid)
    if name != cat.name:
        _item_edit(
            draft,
            CATEGORY,
            "Rename",
            cat.name,
            {"op": "update_category", "changes": {cat.uid: {"name": name}}},
            actor=actor,
            expected_revision=expected_revision,
            data={"from": cat.name, "to": name},
        )
    return CATEGORY.get(draft, category_uid)


# --- competencies ------------------------------------------------------------------------------


def add_competency(
    draft: FrameworkVersion,
    *,
    name: str,
    actor: Actor,
    expected_revision: int | None,
    category_uid: str = "",
    description: str = "",
    source: str = "",
) -> Competency:
    name = name.strip()
    COMPETENCY.check(draft, {"name": name})
    if category_uid:
        CATEGORY.get(draft, category_uid)
    competency = {
        "name": name,
        "description": description.strip(),
        "category": category_uid,
        "source": source,
    }
    return _add(COMPETENCY, draft, competency, actor=actor, expected_revision=expected_revision)


def _next_position(model: Any, draft: FrameworkVersion) -> int:
    top = model.objects.filter(version=draft).aggregate(m=Max("position"))["m"]
    return (top if top is not None else -1) + 1


def add_competency_with_statements(
    draft: FrameworkVersion,
    *,
    name: str,
    description: str,
    source: str,
    category_name: str,
    statements: list[tuple[str, str, list[str]]],
    actor: Actor,
    expected_revision: int | None,
    label: str,
    action: str,
    data: dict[str, Any],
) -> Competency:
    """Add a competency with a first statement per level — (level uid, text, evidence) —
    under the category `category_name` (created when missing), as one audited edit that
    one undo removes (O*NET's "add as competency")."""
    if not Level.objects.filter(version=draft).exists():
        raise FrameworkError(
            f"{draft.family.name} has no levels yet. Add its levels first, then add "
            "competencies from O*NET."
        )
    if Competency.objects.filter(version=draft, name__iexact=name).exists():
        raise FrameworkError(f"{draft.family.name} already has a competency called “{name}”.")
    ops: list[Operation] = []
    category = CompetencyCategory.objects.filter(version=draft, name=category_name).first()
    category_uid = category.uid if category else new_public_id()
    if category is None:
        position = _next_position(CompetencyCategory, draft)
        ops.append(
            {
                "op": "create_category",
                "uid": category_uid,
                "category": {"name": category_name, "position": position},
            }
        )
    uid = new_public_id()
    competency = {
        "name": name,
        "description": description,
        "category": category_uid,
        "position": _next_position(Competency, draft),
        "source": source,
    }
    rows = [
        {"competency": uid, "level": level, "text": text, "evidence": list(kinds), "position": 0}
        for level, text, kinds in statements
    ]
    ops.append(
        {"op": "create_competency", "uid": uid, "competency": competency, "statements": rows}
    )
    apply_edit(
        draft,
        {"op": "batch", "ops": ops},
        actor=actor,
        expected_revision=expected_revision,
        label=label,
        action=action,
        data=data,
    )
    return COMPETENCY.get(draft, uid)


def update_competency(
    draft: FrameworkVersion,
    competency_uid: str,
    *,
    actor: Actor,
    expected_revision: int | None,
    **fields: Any,
) -> Competency:
    """Change a competency's name, description or category (a category uid or "")."""
    comp = COMPETENCY.get(draft, competency_uid)
    snap = COMPETENCY.snapshot(comp)
    wanted = {k: v for k, v in fields.items() if k in ("name", "description", "category")}
    for key in ("name", "description"):
        if key in wanted:
            wanted[key] = (wanted[key] or "").strip()
    COMPETENCY.check(draft, wanted, comp.uid)
    if wanted.get("category"):
        CATEGORY.get(draft, wanted["category"])
    changes = {k: v for k, v in wanted.items() if snap[k] != (v or "")}
    return _edit_fields(
        draft, COMPETENCY, comp, changes, actor=actor, expected_revision=expected_revision
    )


# --- moving and removing any item ------------------------------------------------------------


class Move(Protocol):
    def __call__(
        self,
        draft: FrameworkVersion,
        uid: str,
        /,
        *,
        direction: int,
        actor: Actor,
        expected_revision: int | None,
    ) -> None: ...


class Remove(Protocol):
    def __call__(
        self, draft: FrameworkVersion, uid: str, /, *, actor: Actor, expected_revision: int | None
    ) -> None: ...


def _swap(kind: ItemKind, draft: FrameworkVersion, item: Any, direction: int) -> Operation:
    """The changes that swap `item` with its neighbour (direction -1: before, 1: after):
    a level with the next one on its track (rank and position move together), a category
    with the next category, a competency with the next one in its category. Categories
    and competencies also get distinct positions in their order (older data may repeat
    one): the renumbering is part of the edit, made after the revision check, undone with
    it and written to the audit log."""
    if kind is LEVEL:
        items = list(
            Level.objects.filter(version=draft, track=item.track).order_by("rank", "position")
        )
        siblings = items
        edge = f"the {'most' if direction > 0 else 'least'} senior level on its track"
    else:
        items = list(kind.model.objects.filter(version=draft).order_by("position", "id"))
        siblings = items
        if kind is COMPETENCY:
            siblings = [c for c in items if c.category_id == item.category_id]
        edge = "last" if direction > 0 else "first"
    i = next(n for n, x in enumerate(siblings) if x.pk == item.pk)
    j = i + (1 if direction > 0 else -1)
    if not 0 <= j < len(siblings):
        raise EditError(f"{kind.label(item)} is already {edge}.")
    other = siblings[j]
    if kind is LEVEL:
        changes = {
            item.uid: {"rank": other.rank, "position": other.position},
            other.uid: {"rank": item.rank, "position": item.position},
        }
        if (item.rank, item.position) == (other.rank, other.position):
            changes[item.uid]["position"] = other.position + direction
        return changes
    order = list(items)
    a, b = order.index(item), order.index(other)
    order[a], order[b] = order[b], order[a]
    return {x.uid: {"position": n} for n, x in enumerate(order) if x.position != n}


def _mover(kind: ItemKind) -> Move:
    def move(
        draft: FrameworkVersion,
        uid: str,
        /,
        *,
        direction: int,
        actor: Actor,
        expected_revision: int | None,
    ) -> None:
        item = kind.get(draft, uid)
        _item_edit(
            draft,
            kind,
            "Move",
            kind.label(item),
            {"op": f"update_{kind.name}", "changes": _swap(kind, draft, item, direction)},
            actor=actor,
            expected_revision=expected_revision,
            data={kind.name: kind.label(item), "direction": direction},
        )

    move.__doc__ = f"Swap a {kind.name} with its neighbour (direction -1 or 1)."
    return move


def _remover(kind: ItemKind) -> Remove:
    def remove(
        draft: FrameworkVersion, uid: str, /, *, actor: Actor, expected_revision: int | None
    ) -> None:
        item = kind.get(draft, uid)
        _item_edit(
            draft,
            kind,
            "Remove",
            kind.label(item),
            {"op": f"delete_{kind.name}", "uid": item.uid},
            actor=actor,
            expected_revision=expected_revision,
        )

    remove.__doc__ = f"Remove a {kind.name} (and its statements; a category's competencies stay)."
    return remove


move_level, remove_level = _mover(LEVEL), _remover(LEVEL)
move_category, remove_category = _mover(CATEGORY), _remover(CATEGORY)
move_competency, remove_competency = _mover(COMPETENCY), _remover(COMPETENCY)
