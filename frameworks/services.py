"""The write path for frameworks: drafts, publishing, and loading plain data.

Every function runs in one transaction and writes an audit entry. Drafts carry a
`revision` that every edit must name (`expected_revision`), so two admins editing the
same draft cannot silently overwrite each other (`ConcurrentEditError`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from frameworks.errors import (
    ConcurrentEditError,
    EditError,
    FrameworkError,
)
from frameworks.identity import carry_uids, drop_repeated_uids, match_statement_uids
from frameworks.ladder import LadderProblem
from frameworks.ladder import validate as validate_ladder
from frameworks.models import (
    Competency,
    CompetencyCategory,
    DraftEdit,
    EvidenceKind,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
    Track,
)
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from organizations.audit import record
from organizations.models import Organization
from organizations.scoping import new_public_id

# --- reading -----------------------------------------------------------------------------


def latest_published(family: JobFamily) -> FrameworkVersion | None:
    return (
        FrameworkVersion.objects.filter(family=family, status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )


def current_draft(family: JobFamily) -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(
        family=family, status=FrameworkVersion.Status.DRAFT
    ).first()


def version_to_data(version: FrameworkVersion) -> FamilyData:
    """The whole content of a version as plain data, uids included (5 queries)."""
    family = version.family
    levels = list(Level.objects.filter(version=version).order_by("rank", "position", "id"))
    code_by_level = {level.pk: level.code for level in levels}
    competencies = list(
        Competency.objects.filter(version=version)
        .select_related("category")
        .order_by("position", "id")
    )
    statements: dict[int, dict[str, list[StatementData]]] = {c.pk: {} for c in competencies}
    for st in Statement.objects.filter(version=version).order_by("position", "id"):
        per_level = statements[st.competency_id]
        per_level.setdefault(code_by_level[st.level_id], []).append(
            StatementData(text=st.text, evidence=list(st.evidence), uid=st.uid)
        )
    level_order = [level.code for level in levels]
    categories = CompetencyCategory.objects.filter(version=version).order_by("position", "id")
    return FamilyData(
        name=family.name,
        key=family.key,
        description=family.description,
        levels=[
            LevelData(
                code=lv.code,
                title=lv.title,
                rank=lv.rank,
                track=lv.track,
                scope=lv.scope,
                summary=lv.summary,
                key_question=lv.key_question,
                uid=lv.uid,
            )
            for lv in levels
        ],
        competencies=[
            CompetencyData(
                name=c.name,
                category=c.category.name if c.category else "",
                description=c.description,
                statements={
                    code: statements[c.pk][code] for code in level_order if code in statements[c.pk]
                },
                source=c.source,
                uid=c.uid,
            )
            for c in competencies
        ],
        category_uids={cat.name: cat.uid for cat in categories},
    )


# --- concurrency ---------------------------------------------------------------------


def bump_revision(draft: FrameworkVersion, expected_revision: int | None) -> int:
    """Claim the next revision of a draft, or raise if someone else got there first.

    Pass `expected_revision=None` only from code that owns the draft outright (imports,
    templates, seeding)."""
    if not draft.is_draft:
        raise FrameworkError("Published versions cannot be changed. Start a new draft.")
    qs = FrameworkVersion.objects.filter(pk=draft.pk, status=FrameworkVersion.Status.DRAFT)
    if expected_revision is not None:
        qs = qs.filter(revision=expected_revision)
    updated = qs.update(revision=F("revision") + 1, updated_at=timezone.now())
    if not updated:
        raise ConcurrentEditError()
    draft.refresh_from_db(fields=["revision", "updated_at"])
    return draft.revision


# --- writing -----------------------------------------------------------------------------


def _unique_key(org: Organization, name: str, key: str = "") -> str:
    base = slugify(key or name)[:50] or "family"
    candidate, n = base, 2
    while JobFamily.objects.filter(organization=org, key=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def create_family(
    org: Organization, *, name: str, actor: Any, key: str = "", description: str = ""
) -> JobFamily:
    org.ensure_writable()
    name = name.strip()
    if not name:
        raise FrameworkError("Give the job family a name.")
    with transaction.atomic():
        if JobFamily.objects.filter(organization=org, name__iexact=name).exists():
            raise FrameworkError(f"There is already a job family called “{name}”.")
        position = JobFamily.objects.filter(organization=org).aggregate(m=Max("position"))["m"] or 0
        family = JobFamily.objects.create(
            organization=org,
            name=name,
            key=_unique_key(org, name, key),
            description=description,
            position=position + 1,
        )
        record(org, actor, "family.created", family)
    return family


def _next_number(family: JobFamily) -> int:
    top = FrameworkVersion.objects.filter(
        family=family, status=FrameworkVersion.Status.PUBLISHED
    ).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def _write_content(draft: FrameworkVersion, data: FamilyData) -> None:
    """Replace a draft's rows with `data` (uids kept where `data` carries them)."""
    org = draft.organization
    Statement.objects.filter(version=draft).delete()
    Competency.objects.filter(version=draft).delete()
    CompetencyCategory.objects.filter(version=draft).delete()
    Level.objects.filter(version=draft).exclude(
        uid__in=[lv.uid for lv in data.levels if lv.uid]
    ).filter(people__isnull=True).delete()
    existing = {lv.uid: lv for lv in Level.objects.filter(version=draft)}
    levels: dict[str, Level] = {}
    for pos, lv in enumerate(data.levels):
        obj = existing.pop(lv.uid, None) if lv.uid else None
        fields = dict(
            code=lv.code,
            title=lv.title,
            rank=lv.rank,
            track=lv.track,
            scope=lv.scope,
            summary=lv.summary,
            key_question=lv.key_question,
            position=pos,
        )
        if obj is None:
            obj = Level(organization=org, version=draft, **fields)
            if lv.uid:
                obj.uid = lv.uid
            obj.code = f"__tmp{pos}"  # codes are unique per version; set after all exist
            obj.save()
        else:
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.code = f"__tmp{pos}"
            obj.save()
        levels[lv.code] = obj
    if existing:
        names = ", ".join(sorted(f"{lv.code}" for lv in existing.values()))
        raise FrameworkError(
            f"Levels {names} still have people on them. Move those people to another "
            "level before removing the level."
        )
    for lv in data.levels:
        obj = levels[lv.code]
        obj.code = lv.code
        obj.save(update_fields=["code"])
    categories: dict[str, CompetencyCategory] = {}
    for pos, name in enumerate(data.categories()):
        category = CompetencyCategory(organization=org, version=draft, name=name, position=pos)
        if data.category_uids.get(name):
            category.uid = data.category_uids[name]
        category.save()
        categories[name] = category
    statements: list[Statement] = []
    for pos, comp in enumerate(data.competencies):
        c = Competency(
            organization=org,
            version=draft,
            name=comp.name,
            description=comp.description,
            category=categories.get(comp.category),
            position=pos,
            source=comp.source,
        )
        if comp.uid:
            c.uid = comp.uid
        c.save()
        for code, items in comp.statements.items():
            if code not in levels:
                raise FrameworkError(f"“{comp.name}” has statements for unknown level {code}.")
            for i, st in enumerate(items):
                statement = Statement(
                    organization=org,
                    version=draft,
                    competency=c,
                    level=levels[code],
                    text=st.text,
                    evidence=list(st.evidence),
                    position=i,
                )
                if st.uid:
                    statement.uid = st.uid
                statements.append(statement)
    Statement.objects.bulk_create(statements, batch_size=500)


def apply_family_data(
    org: Organization,
    data: FamilyData,
    *,
    actor: Any,
    source: str = "",
    family: JobFamily | None = None,
) -> FrameworkVersion:
    """Load `data` as the draft of its job family (created when missing, matched by key
    or name). An existing draft's content is replaced; otherwise a new draft is started
    after the latest published version. Returns the draft."""
    org.ensure_writable()
    with transaction.atomic():
        if family is None:
            family = (
                JobFamily.objects.filter(organization=org, key=data.key).first()
                if data.key
                else None
            ) or JobFamily.objects.filter(organization=org, name__iexact=data.name).first()
        if family is None:
            family = create_family(
                org, name=data.name, key=data.key, description=data.description, actor=actor
            )
        renamed: dict[str, list[Any]] = {}
        if family.name != data.name or family.description != data.description:
            for field, value in (("name", data.name), ("description", data.description)):
                if getattr(family, field) != value:
                    renamed[f"family_{field}"] = [getattr(family, field), value]
            family.name, family.description = data.name, data.description
            family.save(update_fields=["name", "description"])
        draft = current_draft(family)
        base = latest_published(family)
        if draft is None:
            draft = FrameworkVersion.objects.create(
                organization=org,
                family=family,
                number=_next_number(family),
                based_on=base,
                source=source,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
        else:
            bump_revision(draft, None)
            if source:
                draft.source = source
                draft.save(update_fields=["source"])
        drop_repeated_uids(data)
        carry_uids(data, version_to_data(draft) if draft.levels.exists() else None)
        carry_uids(data, version_to_data(base) if base else None)
        if problems := validate_ladder(data.levels):
            raise FrameworkError(
                f"The {data.name} ladder cannot be loaded: "
                + " ".join(f"{p.level}: {p.message}" for p in problems)
            )
        _write_content(draft, data)
        DraftEdit.objects.filter(version=draft).delete()  # earlier edits cannot be undone
        record(
            org,
            actor,
            "framework.draft_loaded",
            draft,
            changes=renamed,
            data={
                "source": source,
                "levels": len(data.levels),
                "competencies": len(data.competencies),
                "statements": data.statement_count(),
            },
        )
    return draft


def start_draft(
    family: JobFamily, *, actor: Any, from_version: FrameworkVersion | None = None
) -> FrameworkVersion:
    """Open a draft copied from `from_version` (default: the latest published version).
    Starting from an older version is how a family is rolled back."""
    org = family.organization
    org.ensure_writable()
    with transaction.atomic():
        existing = current_draft(family)
        if existing is not None:
            if from_version is None or from_version.pk == existing.pk:
                return existing
            raise FrameworkError(
                "This family already has a draft. Publish or discard it before starting "
                "another one."
            )
        if from_version is not None and (
            from_version.family_id != family.pk or from_version.is_draft
        ):
            raise FrameworkError("Start a draft from a published version of this job family.")
        source = from_version or latest_published(family)
        draft = FrameworkVersion.objects.create(
            organization=org,
            family=family,
            number=_next_number(family),
            based_on=source,
            source=f"v{source.number}" if source else "blank",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if source is not None:
            _write_content(draft, version_to_data(source))
        record(
            org,
            actor,
            "framework.draft_started",
            draft,
            data={"from": source.label if source else "blank"},
        )
    return draft


def discard_draft(
    draft: FrameworkVersion, *, actor: Any, expected_revision: int | None = None
) -> None:
    """Delete a draft. `expected_revision` is the revision the confirmation showed: edits
    made since then are not thrown away by it."""
    org = draft.organization
    org.ensure_writable()
    if not draft.is_draft:
        raise FrameworkError("Only a draft can be discarded.")
    with transaction.atomic():
        if expected_revision is not None:
            bump_revision(draft, expected_revision)
        if Level.objects.filter(version=draft, people__isnull=False).exists():
            raise FrameworkError(
                "People are placed on levels of this draft; it cannot be discarded."
            )
        record(org, actor, "framework.draft_discarded", draft)
        draft.delete()


def publish_draft(
    draft: FrameworkVersion, *, actor: Any, note: str, expected_revision: int | None = None
) -> FrameworkVersion:
    """Make a draft an immutable published version, and move the people of this family
    onto the matching levels of the new version."""
    from people.models import LevelChange, Person

    org = draft.organization
    org.ensure_writable()
    note = note.strip()
    if not note:
        raise FrameworkError("Say in a sentence what changed in this version.")
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        if not Level.objects.filter(version=draft).exists():
            raise FrameworkError("Add at least one level before publishing.")
        if problems := ladder_problems(draft):
            raise FrameworkError(
                "Correct the ladder before publishing: "
                + " ".join(f"{p.level}: {p.message}" for p in problems)
            )
        new_levels = {lv.uid: lv for lv in Level.objects.filter(version=draft)}
        stranded = (
            Person.objects.filter(level__version__family=draft.family)
            .exclude(level__version=draft)
            .exclude(level__uid__in=list(new_levels))
            .select_related("level")
        )
        if stranded.exists():
            codes = sorted({p.level.code for p in stranded if p.level})
            raise FrameworkError(
                f"This version removes level(s) {', '.join(codes)} that people are still on. "
                "Move them to another level first."
            )
        draft.status = FrameworkVersion.Status.PUBLISHED
        draft.number = _next_number(draft.family)
        draft.note = note
        draft.published_at = timezone.now()
        draft.published_by = actor if getattr(actor, "pk", None) else None
        draft.save(update_fields=["status", "number", "note", "published_at", "published_by"])
        DraftEdit.objects.filter(version=draft).delete()
        movers = (
            Person.objects.filter(level__version__family=draft.family)
            .exclude(level__version=draft)
            .select_related("level")
        )
        renamed = []
        for person in movers:
            assert person.level is not None
            old = person.level
            person.level = new_levels[old.uid]
            person.save(update_fields=["level"])
            if (old.code, old.title) != (person.level.code, person.level.title):
                renamed.append(
                    LevelChange(
                        organization=org,
                        person=person,
                        job_family=draft.family,
                        level_uid=person.level.uid,
                        level_code=person.level.code,
                        level_title=person.level.title,
                        effective_date=timezone.localdate(),
                        reason=f"{draft.label} published: the level was renamed",
                        changed_by=actor if getattr(actor, "pk", None) else None,
                    )
                )
        # a person's level history shows the name their level had at each time
        LevelChange.objects.bulk_create(renamed)
        record(
            org,
            actor,
            "framework.published",
            draft,
            data={"note": note, "people_renamed_level": len(renamed)},
        )
    return draft


# --- editing a draft ---------------------------------------------------------------------
#
# Every edit is an *operation*: a small JSON-able dict applied by `_apply()`, which returns
# the operation that reverses it. The editor's functions below build an operation, apply
# it and push the inverse onto the draft's undo stack (`DraftEdit`); `undo_last_edit()`
# pops the top entry and applies it. Items are named by `uid`, which survives a restore.


LEVEL_FIELDS = ["code", "title", "rank", "track", "scope", "summary", "key_question", "position"]
COMPETENCY_FIELDS = ["name", "description", "category", "position", "source"]
CATEGORY_FIELDS = ["name", "position"]
EVIDENCE_VALUES = [value for value, _ in EvidenceKind.choices]
UNDO_DEPTH = 100  # edits kept on a draft's undo stack


def _level(draft: FrameworkVersion, uid: str) -> Level:
    level = Level.objects.filter(version=draft, uid=uid).first()
    if level is None:
        raise EditError("That level is no longer in this draft. Reload the page.")
    return level


def _competency(draft: FrameworkVersion, uid: str) -> Competency:
    comp = Competency.objects.filter(version=draft, uid=uid).select_related("category").first()
    if comp is None:
        raise EditError("That competency is no longer in this draft. Reload the page.")
    return comp


def _category(draft: FrameworkVersion, uid: str) -> CompetencyCategory:
    cat = CompetencyCategory.objects.filter(version=draft, uid=uid).first()
    if cat is None:
        raise EditError("That category is no longer in this draft. Reload the page.")
    return cat


def _category_or_none(draft: FrameworkVersion, uid: str | None) -> CompetencyCategory | None:
    return _category(draft, uid) if uid else None


def _level_snapshot(level: Level) -> dict[str, Any]:
    return {name: getattr(level, name) for name in LEVEL_FIELDS}


def _competency_snapshot(comp: Competency) -> dict[str, Any]:
    data = {name: getattr(comp, name) for name in COMPETENCY_FIELDS if name != "category"}
    data["category"] = comp.category.uid if comp.category else ""
    return data


def _statements_of(qs: Any) -> list[dict[str, Any]]:
    return [
        {
            "competency": st.competency.uid,
            "level": st.level.uid,
            "text": st.text,
            "evidence": list(st.evidence),
            "position": st.position,
            "uid": st.uid,
        }
        for st in qs.select_related("competency", "level").order_by("position", "id")
    ]


def _restore_statements(draft: FrameworkVersion, rows: list[dict[str, Any]]) -> None:
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
                position=row["position"],
                **({"uid": row["uid"]} if row.get("uid") else {}),
            )
            for row in rows
            if row["competency"] in comps and row["level"] in levels
        ]
    )


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


def ladder_problems(version: FrameworkVersion) -> list[LadderProblem]:
    """The ladder rules the levels of `version` break (`frameworks.ladder.validate`)."""
    return validate_ladder(Level.objects.filter(version=version).order_by("rank", "position"))


def _refuse_new_ladder_problems(draft: FrameworkVersion, before: list[LadderProblem]) -> None:
    """The editor refuses a level edit that breaks a ladder rule, exactly as an import
    refuses such a ladder (problems older data already had do not block other edits)."""
    new = [p for p in ladder_problems(draft) if p not in before]
    if new:
        raise EditError(new[0].message, "track" if new[0].kind == "track" else "rank")


def _check_competency_name(draft: FrameworkVersion, name: str, uid: str = "") -> None:
    if not name:
        raise EditError("Give the competency a name.", "name")
    if Competency.objects.filter(version=draft, name__iexact=name).exclude(uid=uid).exists():
        raise EditError(f"There is already a competency called “{name}”.", "name")


def _check_category_name(draft: FrameworkVersion, name: str, uid: str = "") -> None:
    if not name:
        raise EditError("Give the category a name.", "name")
    if (
        CompetencyCategory.objects.filter(version=draft, name__iexact=name)
        .exclude(uid=uid)
        .exists()
    ):
        raise EditError(f"There is already a category called “{name}”.", "name")


def _apply(draft: FrameworkVersion, op: dict[str, Any]) -> dict[str, Any]:
    """Apply one operation to a draft's rows and return the operation that reverses it."""
    org = draft.organization
    kind = op["op"]
    if kind == "set_cell":
        comp = _competency(draft, op["competency"])
        level = _level(draft, op["level"])
        cell = Statement.objects.filter(version=draft, competency=comp, level=level)
        rows = list(cell.order_by("position", "id"))
        old = [[st.text, list(st.evidence), st.uid] for st in rows]
        # [text, evidence] or, from an undo, [text, evidence, uid]
        new = op["statements"]
        matched = match_statement_uids([(st.uid, st.text) for st in rows], [i[0] for i in new])
        cell.delete()
        Statement.objects.bulk_create(
            [
                Statement(
                    organization=org,
                    version=draft,
                    competency=comp,
                    level=level,
                    text=item[0],
                    evidence=list(item[1]),
                    position=i,
                    uid=(item[2] if len(item) > 2 else "") or matched[i] or new_public_id(),
                )
                for i, item in enumerate(new)
            ]
        )
        return {**op, "statements": old}
    if kind == "update_level":
        problems = ladder_problems(draft)
        before: dict[str, dict[str, Any]] = {}
        for uid, fields in op["changes"].items():
            level = _level(draft, uid)
            _check_level_fields(draft, fields, uid)
            before[uid] = {k: getattr(level, k) for k in fields}
            for k, v in fields.items():
                setattr(level, k, v)
            level.save(update_fields=list(fields))
        _refuse_new_ladder_problems(draft, problems)
        return {"op": "update_level", "changes": before}
    if kind == "create_level":
        fields = op["level"]
        _check_level_fields(draft, fields)
        problems = ladder_problems(draft)
        level = Level(organization=org, version=draft, uid=op["uid"], **fields)
        level.save()
        _refuse_new_ladder_problems(draft, problems)
        _restore_statements(draft, op.get("statements", []))
        return {"op": "delete_level", "uid": level.uid}
    if kind == "delete_level":
        level = _level(draft, op["uid"])
        if level.people.exists():
            raise EditError(f"People are placed on {level.code}. Move them to another level first.")
        inverse = {
            "op": "create_level",
            "uid": level.uid,
            "level": _level_snapshot(level),
            "statements": _statements_of(Statement.objects.filter(level=level)),
        }
        level.delete()
        return inverse
    if kind == "update_competency":
        before = {}
        for uid, fields in op["changes"].items():
            comp = _competency(draft, uid)
            if "name" in fields:
                _check_competency_name(draft, fields["name"], uid)
            snap = _competency_snapshot(comp)
            before[uid] = {k: snap[k] for k in fields}
            for k, v in fields.items():
                if k == "category":
                    comp.category = _category_or_none(draft, v)
                else:
                    setattr(comp, k, v)
            comp.save(update_fields=list(fields))
        return {"op": "update_competency", "changes": before}
    if kind == "create_competency":
        fields = dict(op["competency"])
        _check_competency_name(draft, fields["name"])
        category = _category_or_none(draft, fields.pop("category", ""))
        comp = Competency(
            organization=org, version=draft, uid=op["uid"], category=category, **fields
        )
        comp.save()
        _restore_statements(draft, op.get("statements", []))
        return {"op": "delete_competency", "uid": comp.uid}
    if kind == "delete_competency":
        comp = _competency(draft, op["uid"])
        inverse = {
            "op": "create_competency",
            "uid": comp.uid,
            "competency": _competency_snapshot(comp),
            "statements": _statements_of(Statement.objects.filter(competency=comp)),
        }
        comp.delete()
        return inverse
    if kind == "update_category":
        before = {}
        for uid, fields in op["changes"].items():
            cat = _category(draft, uid)
            if "name" in fields:
                _check_category_name(draft, fields["name"], uid)
            before[uid] = {k: getattr(cat, k) for k in fields}
            for k, v in fields.items():
                setattr(cat, k, v)
            cat.save(update_fields=list(fields))
        return {"op": "update_category", "changes": before}
    if kind == "create_category":
        fields = op["category"]
        _check_category_name(draft, fields["name"])
        cat = CompetencyCategory.objects.create(
            organization=org, version=draft, uid=op["uid"], **fields
        )
        if op.get("members"):
            Competency.objects.filter(version=draft, uid__in=op["members"]).update(category=cat)
        return {"op": "delete_category", "uid": cat.uid}
    if kind == "delete_category":
        cat = _category(draft, op["uid"])
        inverse = {
            "op": "create_category",
            "uid": cat.uid,
            "category": {k: getattr(cat, k) for k in CATEGORY_FIELDS},
            "members": list(cat.competencies.values_list("uid", flat=True)),
        }
        cat.delete()  # its competencies stay, without a category
        return inverse
    raise ValueError(f"unknown draft operation {kind!r}")


def _edit(
    draft: FrameworkVersion,
    op: dict[str, Any],
    *,
    actor: Any,
    expected_revision: int | None,
    label: str,
    action: str,
    target: Any = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Apply `op` to a draft as one audited, undoable edit."""
    org = draft.organization
    org.ensure_writable()
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        inverse = _apply(draft, op)
        top = DraftEdit.objects.filter(version=draft).aggregate(m=Max("seq"))["m"] or 0
        DraftEdit.objects.filter(version=draft, seq__lte=top - UNDO_DEPTH + 1).delete()
        DraftEdit.objects.create(
            organization=org,
            version=draft,
            seq=top + 1,
            label=label[:200],
            payload=inverse,
            actor=actor if getattr(actor, "pk", None) else None,
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


def _op_changes(op: dict[str, Any], inverse: dict[str, Any]) -> dict[str, list[Any]]:
    """Before and after of an edit, for the audit log: a cell's statements, or the
    fields of an edited level, competency or category."""
    if op["op"] == "set_cell":
        return {
            "statements": [
                [item[0] for item in inverse["statements"]],
                [item[0] for item in op["statements"]],
            ]
        }
    if op["op"] in ("update_level", "update_competency", "update_category"):
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


def undo_last_edit(draft: FrameworkVersion, *, actor: Any, expected_revision: int | None) -> str:
    """Reverse the latest edit of a draft. Returns the label of the edit undone."""
    org = draft.organization
    org.ensure_writable()
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        entry = last_edit(draft)
        if entry is None:
            raise EditError("There is nothing to undo in this draft.")
        _apply(draft, entry.payload)
        entry.delete()
        record(org, actor, "framework.edit_undone", draft, data={"edit": entry.label})
    return entry.label


def _split_statements(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def edit_cell(
    draft: FrameworkVersion,
    *,
    competency_uid: str,
    level_uid: str,
    text: str,
    evidence: list[str],
    actor: Any,
    expected_revision: int | None,
) -> None:
    """Set what a competency expects at a level: one statement per line of `text`.
    Empty text means "no new expectation at this level". The evidence kinds apply to every
    statement, except that lines left as they were keep their own evidence when the
    evidence boxes were not changed."""
    comp = _competency(draft, competency_uid)
    level = _level(draft, level_uid)
    evidence = [kind for kind in EVIDENCE_VALUES if kind in set(evidence)]
    existing = list(
        Statement.objects.filter(version=draft, competency=comp, level=level).order_by(
            "position", "id"
        )
    )
    union = [k for k in EVIDENCE_VALUES if any(k in st.evidence for st in existing)]
    kept = {st.text: list(st.evidence) for st in existing}
    statements = [
        [line, kept[line] if (line in kept and evidence == union) else evidence]
        for line in _split_statements(text)
    ]
    if statements == [[st.text, list(st.evidence)] for st in existing]:
        return
    verb = "Clear" if not statements else ("Add" if not existing else "Edit")
    _edit(
        draft,
        {"op": "set_cell", "competency": comp.uid, "level": level.uid, "statements": statements},
        actor=actor,
        expected_revision=expected_revision,
        label=f"{verb} {comp.name} at {level.code}",
        action="framework.statement_edited",
        data={"competency": comp.name, "level": level.code, "statements": len(statements)},
    )


def _level_fields(fields: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in fields.items() if k in LEVEL_FIELDS and k != "position"}
    for key in ("code", "title", "scope", "summary", "key_question"):
        if key in clean:
            clean[key] = (clean[key] or "").strip()
    if "rank" in clean:
        clean["rank"] = int(clean["rank"])
    return clean


def add_level(
    draft: FrameworkVersion, *, actor: Any, expected_revision: int | None, **fields: Any
) -> Level:
    """Add a level (code, title, rank, track, scope, summary, key_question)."""
    clean = _level_fields(fields)
    clean.setdefault("track", Track.SHARED)
    for key in ("scope", "summary", "key_question"):
        clean.setdefault(key, "")
    top = Level.objects.filter(version=draft).aggregate(m=Max("position"))["m"]
    clean["position"] = (top if top is not None else -1) + 1
    uid = new_public_id()
    _check_level_fields(draft, {"code": "", "title": "", **clean})
    _edit(
        draft,
        {"op": "create_level", "uid": uid, "level": clean},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Add level {clean['code']}",
        action="framework.level_added",
        data={"level": clean["code"]},
    )
    return _level(draft, uid)


def update_level(
    draft: FrameworkVersion,
    level_uid: str,
    *,
    actor: Any,
    expected_revision: int | None,
    **fields: Any,
) -> Level:
    level = _level(draft, level_uid)
    clean = {k: v for k, v in _level_fields(fields).items() if getattr(level, k) != v}
    if clean:
        _edit(
            draft,
            {"op": "update_level", "changes": {level.uid: clean}},
            actor=actor,
            expected_revision=expected_revision,
            label=f"Edit level {level.code}",
            action="framework.level_edited",
            data={"level": level.code, "fields": sorted(clean)},
        )
    return _level(draft, level_uid)


def _track_order(draft: FrameworkVersion, track: str) -> list[Level]:
    return list(Level.objects.filter(version=draft, track=track).order_by("rank", "position"))


def move_level(
    draft: FrameworkVersion,
    level_uid: str,
    *,
    direction: int,
    actor: Any,
    expected_revision: int | None,
) -> None:
    """Swap a level with its neighbour on the same track (direction -1: more junior,
    +1: more senior). Rank and position move together."""
    level = _level(draft, level_uid)
    order = _track_order(draft, level.track)
    i = next(n for n, lv in enumerate(order) if lv.pk == level.pk)
    j = i + (1 if direction > 0 else -1)
    if not 0 <= j < len(order):
        raise EditError(
            f"{level.code} is already the {'most' if direction > 0 else 'least'} "
            "senior level on its track."
        )
    other = order[j]
    changes = {
        level.uid: {"rank": other.rank, "position": other.position},
        other.uid: {"rank": level.rank, "position": level.position},
    }
    if level.rank == other.rank and level.position == other.position:
        changes[level.uid]["position"] = other.position + direction
    _edit(
        draft,
        {"op": "update_level", "changes": changes},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Move level {level.code}",
        action="framework.level_moved",
        data={"level": level.code, "direction": direction},
    )


def remove_level(
    draft: FrameworkVersion, level_uid: str, *, actor: Any, expected_revision: int | None
) -> None:
    level = _level(draft, level_uid)
    _edit(
        draft,
        {"op": "delete_level", "uid": level.uid},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Remove level {level.code}",
        action="framework.level_removed",
        data={"level": level.code},
    )


def add_category(
    draft: FrameworkVersion, *, name: str, actor: Any, expected_revision: int | None
) -> CompetencyCategory:
    name = name.strip()
    _check_category_name(draft, name)
    top = CompetencyCategory.objects.filter(version=draft).aggregate(m=Max("position"))["m"]
    uid = new_public_id()
    _edit(
        draft,
        {
            "op": "create_category",
            "uid": uid,
            "category": {"name": name, "position": (top if top is not None else -1) + 1},
        },
        actor=actor,
        expected_revision=expected_revision,
        label=f"Add category {name}",
        action="framework.category_added",
        data={"category": name},
    )
    return _category(draft, uid)


def rename_category(
    draft: FrameworkVersion,
    category_uid: str,
    *,
    name: str,
    actor: Any,
    expected_revision: int | None,
) -> CompetencyCategory:
    cat = _category(draft, category_uid)
    name = name.strip()
    _check_category_name(draft, name, cat.uid)
    if name != cat.name:
        _edit(
            draft,
            {"op": "update_category", "changes": {cat.uid: {"name": name}}},
            actor=actor,
            expected_revision=expected_revision,
            label=f"Rename category {cat.name}",
            action="framework.category_renamed",
            data={"from": cat.name, "to": name},
        )
    return _category(draft, category_uid)


def _move_changes(
    items: list[Any], siblings: list[Any], item: Any, direction: int, what: str
) -> dict[str, Any]:
    """Position changes that swap `item` with its neighbour among `siblings`, giving all
    `items` distinct positions in their order (older data may repeat one). The
    renumbering is part of the edit: made after the revision check, undone with it and
    written to the audit log."""
    i = next(n for n, x in enumerate(siblings) if x.pk == item.pk)
    j = i + (1 if direction > 0 else -1)
    if not 0 <= j < len(siblings):
        raise EditError(f"{what} is already {'last' if direction > 0 else 'first'}.")
    order = list(items)
    a = next(n for n, x in enumerate(order) if x.pk == item.pk)
    b = next(n for n, x in enumerate(order) if x.pk == siblings[j].pk)
    order[a], order[b] = order[b], order[a]
    return {x.uid: {"position": n} for n, x in enumerate(order) if x.position != n}


def move_category(
    draft: FrameworkVersion,
    category_uid: str,
    *,
    direction: int,
    actor: Any,
    expected_revision: int | None,
) -> None:
    cat = _category(draft, category_uid)
    items = list(CompetencyCategory.objects.filter(version=draft).order_by("position", "id"))
    changes = _move_changes(items, items, cat, direction, cat.name)
    _edit(
        draft,
        {"op": "update_category", "changes": changes},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Move category {cat.name}",
        action="framework.category_moved",
        data={"category": cat.name, "direction": direction},
    )


def remove_category(
    draft: FrameworkVersion, category_uid: str, *, actor: Any, expected_revision: int | None
) -> None:
    """Remove a category; its competencies stay, listed under "Other competencies"."""
    cat = _category(draft, category_uid)
    _edit(
        draft,
        {"op": "delete_category", "uid": cat.uid},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Remove category {cat.name}",
        action="framework.category_removed",
        data={"category": cat.name},
    )


def add_competency(
    draft: FrameworkVersion,
    *,
    name: str,
    actor: Any,
    expected_revision: int | None,
    category_uid: str = "",
    description: str = "",
    source: str = "",
) -> Competency:
    name = name.strip()
    _check_competency_name(draft, name)
    _category_or_none(draft, category_uid)
    top = Competency.objects.filter(version=draft).aggregate(m=Max("position"))["m"]
    uid = new_public_id()
    _edit(
        draft,
        {
            "op": "create_competency",
            "uid": uid,
            "competency": {
                "name": name,
                "description": description.strip(),
                "category": category_uid,
                "position": (top if top is not None else -1) + 1,
                "source": source,
            },
        },
        actor=actor,
        expected_revision=expected_revision,
        label=f"Add competency {name}",
        action="framework.competency_added",
        data={"competency": name},
    )
    return _competency(draft, uid)


def update_competency(
    draft: FrameworkVersion,
    competency_uid: str,
    *,
    actor: Any,
    expected_revision: int | None,
    **fields: Any,
) -> Competency:
    """Change a competency's name, description or category (a category uid or "")."""
    comp = _competency(draft, competency_uid)
    snap = _competency_snapshot(comp)
    wanted = {k: v for k, v in fields.items() if k in ("name", "description", "category")}
    for key in ("name", "description"):
        if key in wanted:
            wanted[key] = (wanted[key] or "").strip()
    if "name" in wanted:
        _check_competency_name(draft, wanted["name"], comp.uid)
    if wanted.get("category"):
        _category(draft, wanted["category"])
    changes = {k: v for k, v in wanted.items() if snap[k] != (v or "")}
    if changes:
        _edit(
            draft,
            {"op": "update_competency", "changes": {comp.uid: changes}},
            actor=actor,
            expected_revision=expected_revision,
            label=f"Edit competency {comp.name}",
            action="framework.competency_edited",
            data={"competency": comp.name, "fields": sorted(changes)},
        )
    return _competency(draft, competency_uid)


def move_competency(
    draft: FrameworkVersion,
    competency_uid: str,
    *,
    direction: int,
    actor: Any,
    expected_revision: int | None,
) -> None:
    """Move a competency up or down within its category."""
    comp = _competency(draft, competency_uid)
    items = list(Competency.objects.filter(version=draft).order_by("position", "id"))
    siblings = [c for c in items if c.category_id == comp.category_id]
    changes = _move_changes(items, siblings, comp, direction, comp.name)
    _edit(
        draft,
        {"op": "update_competency", "changes": changes},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Move competency {comp.name}",
        action="framework.competency_moved",
        data={"competency": comp.name, "direction": direction},
    )


def remove_competency(
    draft: FrameworkVersion, competency_uid: str, *, actor: Any, expected_revision: int | None
) -> None:
    comp = _competency(draft, competency_uid)
    _edit(
        draft,
        {"op": "delete_competency", "uid": comp.uid},
        actor=actor,
        expected_revision=expected_revision,
        label=f"Remove competency {comp.name}",
        action="framework.competency_removed",
        data={"competency": comp.name},
    )


def create_blank_family(
    org: Organization, *, name: str, actor: Any, description: str = ""
) -> FrameworkVersion:
    """A new job family with an empty draft, ready for the editor."""
    with transaction.atomic():
        family = create_family(org, name=name, description=description, actor=actor)
        return start_draft(family, actor=actor)
