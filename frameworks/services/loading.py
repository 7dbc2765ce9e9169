"""Loading plain data (`frameworks.schema.FamilyData`) into a draft, and reading a
version back into it. Templates, the Master Template import, O*NET and the demo seed all
load through `apply_family_data`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from frameworks import occupancy
from frameworks.errors import FrameworkError
from frameworks.identity import carry_uids, drop_repeated_uids
from frameworks.ladder import validate as validate_ladder
from frameworks.models import (
    Competency,
    CompetencyCategory,
    DraftEdit,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.selectors import current_version
from frameworks.services.versions import (
    bump_revision,
    create_family,
    current_draft,
    next_number,
)
from organizations.actors import Actor, user_of
from organizations.audit import record
from organizations.models import Organization

LEVEL_DATA = ("code", "title", "rank", "track", "scope", "summary", "key_question")


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
            StatementData(
                text=st.text, evidence=list(st.evidence), uid=st.uid, draft_note=st.draft_note
            )
        )
    level_order = [level.code for level in levels]
    categories = CompetencyCategory.objects.filter(version=version).order_by("position", "id")
    return FamilyData(
        name=family.name,
        key=family.key,
        description=family.description,
        levels=[
            LevelData(uid=lv.uid, **{name: getattr(lv, name) for name in LEVEL_DATA})
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


def write_content(draft: FrameworkVersion, data: FamilyData) -> None:
    """Replace a draft's rows with `data` (uids kept where `data` carries them)."""
    org = draft.organization
    Statement.objects.filter(version=draft).delete()
    Competency.objects.filter(version=draft).delete()
    CompetencyCategory.objects.filter(version=draft).delete()
    placed = list(occupancy.placed_uids(draft.family))
    Level.objects.filter(version=draft).exclude(
        uid__in=[lv.uid for lv in data.levels if lv.uid]
    ).exclude(uid__in=placed).delete()
    existing = {lv.uid: lv for lv in Level.objects.filter(version=draft)}
    levels: dict[str, Level] = {}
    for pos, lv in enumerate(data.levels):
        obj = existing.pop(lv.uid, None) if lv.uid else None
        fields = {name: getattr(lv, name) for name in LEVEL_DATA} | {"position": pos}
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
                    draft_note=st.draft_note,
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
    actor: Actor,
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
        base = current_version(family)
        if draft is None:
            draft = FrameworkVersion.objects.create(
                organization=org,
                family=family,
                number=next_number(family),
                based_on=base,
                source=source,
                created_by=user_of(actor),
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
        write_content(draft, data)
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
