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

from frameworks.models import (
    Competency,
    CompetencyCategory,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from organizations.audit import record
from organizations.models import Organization


class FrameworkError(Exception):
    """A change to a framework that cannot be made; the message is for the user."""


class ConcurrentEditError(FrameworkError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this draft while you were editing. "
            "Reload to see their changes, then make yours again."
        )


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
    """The whole content of a version as plain data (4 queries)."""
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
            StatementData(text=st.text, evidence=list(st.evidence))
        )
    level_order = [level.code for level in levels]
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
        categories[name] = CompetencyCategory.objects.create(
            organization=org, version=draft, name=name, position=pos
        )
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
                statements.append(
                    Statement(
                        organization=org,
                        version=draft,
                        competency=c,
                        level=levels[code],
                        text=st.text,
                        evidence=list(st.evidence),
                        position=i,
                    )
                )
    Statement.objects.bulk_create(statements, batch_size=500)


def _carry_uids(data: FamilyData, previous: FamilyData | None) -> None:
    """Match levels by code and competencies by name to the version a draft replaces, so
    the same thing keeps its identity across versions."""
    if previous is None:
        return
    level_uid = {lv.code: lv.uid for lv in previous.levels}
    comp_uid = {c.name.casefold(): c.uid for c in previous.competencies}
    for lv in data.levels:
        lv.uid = lv.uid or level_uid.get(lv.code, "")
    for c in data.competencies:
        c.uid = c.uid or comp_uid.get(c.name.casefold(), "")


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
        elif family.name != data.name or family.description != data.description:
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
        _carry_uids(data, version_to_data(draft) if draft.levels.exists() else None)
        _carry_uids(data, version_to_data(base) if base else None)
        _write_content(draft, data)
        record(
            org,
            actor,
            "framework.draft_loaded",
            draft,
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


def discard_draft(draft: FrameworkVersion, *, actor: Any) -> None:
    org = draft.organization
    org.ensure_writable()
    if not draft.is_draft:
        raise FrameworkError("Only a draft can be discarded.")
    with transaction.atomic():
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
    from people.models import Person

    org = draft.organization
    org.ensure_writable()
    note = note.strip()
    if not note:
        raise FrameworkError("Say in a sentence what changed in this version.")
    with transaction.atomic():
        bump_revision(draft, expected_revision)
        if not Level.objects.filter(version=draft).exists():
            raise FrameworkError("Add at least one level before publishing.")
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
        movers = (
            Person.objects.filter(level__version__family=draft.family)
            .exclude(level__version=draft)
            .select_related("level")
        )
        for person in movers:
            assert person.level is not None
            person.level = new_levels[person.level.uid]
            person.save(update_fields=["level"])
        record(org, actor, "framework.published", draft, data={"note": note})
    return draft
