"""A published fix reaches open forms.

When a family publishes a new version while a cycle is open, its open (unsubmitted)
forms can be moved onto the new version, statement by statement (by uid):

- unchanged statements keep their answers;
- changed statements take the new wording and keep the old answer, marked for a new
  rating (the old wording is kept beside it);
- new statements are added, unanswered;
- removed statements are archived with their answers (shown, no longer asked).

Submitted forms stay on the version they were submitted on. `pending_fixes` shows HR
exactly this before `apply_framework_fix` does it; both are constant in queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from frameworks.models import FrameworkVersion, JobFamily
from organizations.actors import Actor, user_of
from organizations.audit import record
from reviews import framework_adapter as fw
from reviews.errors import ReviewError
from reviews.models import FixApplication, FormItem, ReviewCycle, ReviewForm
from reviews.services.common import lock_cycle, require_admin
from reviews.services.generation import item_rows, new_item


@dataclass
class StatementChange:
    uid: str
    competency: str
    level_code: str
    before: str
    after: str
    answered: int = 0  # forms whose answer is kept (changed/removed) or needs a new rating


@dataclass
class FormPlan:
    form: ReviewForm
    unchanged: int = 0
    changed: list[FormItem] = field(default_factory=list)
    added: list[tuple[fw.StatementRow, str, int]] = field(default_factory=list)
    removed: list[FormItem] = field(default_factory=list)
    moved: list[FormItem] = field(default_factory=list)  # same text, new place or position
    restored: list[FormItem] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return bool(self.changed or self.added or self.removed or self.restored)


@dataclass
class PendingFix:
    family: JobFamily
    version: FrameworkVersion
    from_versions: list[FrameworkVersion]
    plans: list[FormPlan]
    changed: list[StatementChange]
    added: list[StatementChange]
    removed: list[StatementChange]
    skipped: list[str]  # people whose level the new version does not have
    submitted_stay: int  # submitted forms that stay on their version

    @property
    def forms(self) -> int:
        return len(self.plans)

    @property
    def people(self) -> int:
        return len({p.form.participant_id for p in self.plans})

    @property
    def answers_to_redo(self) -> int:
        return sum(1 for p in self.plans for it in p.changed if it.rating is not None)


def _plan(
    cycle: ReviewCycle,
    form: ReviewForm,
    items: list[FormItem],
    content: fw.VersionContent,
) -> FormPlan:
    plan = FormPlan(form=form)
    target = item_rows(cycle, content, form.participant.level_uid, form.kind)
    by_uid = {it.statement_uid: it for it in items}
    wanted = set()
    for position, (row, section) in enumerate(target):
        wanted.add(row.uid)
        item = by_uid.get(row.uid)
        if item is None:
            plan.added.append((row, section, position))
            continue
        if item.archived:
            plan.restored.append(item)
        elif item.text != row.text:
            plan.changed.append(item)
        else:
            plan.unchanged += 1
        if (
            item.text != row.text
            or item.position != position
            or item.section != section
            or item.competency_uid != row.competency_uid
            or item.level_uid != row.level_uid
        ):
            plan.moved.append(item)
        item._target = (row, section, position)  # type: ignore[attr-defined]
    plan.removed = [it for it in items if it.statement_uid not in wanted and not it.archived]
    return plan


def pending_fixes(cycle: ReviewCycle) -> list[PendingFix]:
    """For each family with a version newer than the one open forms are on: what applying
    it would change, form by form. Empty when there is nothing to apply."""
    if cycle.status != ReviewCycle.Status.OPEN:
        return []
    family_ids = set(
        ReviewForm.objects.filter(cycle=cycle)
        .values_list("version__family_id", flat=True)
        .distinct()
        .order_by()
    )
    current = fw.current_versions(family_ids)
    # only the forms of a family with a newer version: usually none, so this stays cheap
    behind = [
        Q(version__family_id=family_id, version__number__lt=version.number)
        for family_id, version in current.items()
    ]
    if not behind:
        return []
    forms = list(
        ReviewForm.objects.filter(cycle=cycle)
        .filter(reduce(or_, behind))
        .select_related("participant__person", "version")
        .order_by("participant__person__name", "kind", "id")
    )
    stale = [
        f
        for f in forms
        if not f.is_submitted
        and current.get(f.version.family_id)
        and f.version.number < current[f.version.family_id].number
    ]
    if not stale:
        return []
    targets = {current[f.version.family_id].pk: current[f.version.family_id] for f in stale}
    contents = fw.load_contents(targets.values())
    items: dict[int, list[FormItem]] = defaultdict(list)
    for it in FormItem.objects.filter(form__in=[f.pk for f in stale]).order_by("position", "id"):
        items[it.form_id].append(it)
    fixes: dict[int, PendingFix] = {}
    for form in stale:
        version = current[form.version.family_id]
        fix = fixes.get(version.family_id)
        if fix is None:
            fix = fixes[version.family_id] = PendingFix(
                family=version.family,
                version=version,
                from_versions=[],
                plans=[],
                changed=[],
                added=[],
                removed=[],
                skipped=[],
                submitted_stay=sum(
                    1
                    for f in forms
                    if f.is_submitted
                    and f.version.family_id == version.family_id
                    and f.version.number < version.number
                ),
            )
        content = contents[version.pk]
        if content.level(form.participant.level_uid) is None:
            name = form.participant.person.name
            if name not in fix.skipped:
                fix.skipped.append(name)
            continue
        if form.version not in fix.from_versions:
            fix.from_versions.append(form.version)
        fix.plans.append(_plan(cycle, form, items[form.pk], content))
    for fix in fixes.values():
        _summarise(fix)
    return [fix for fix in fixes.values() if fix.plans or fix.skipped]


def _summarise(fix: PendingFix) -> None:
    """What changed, statement by statement, across the forms (for the confirmation)."""
    changed: dict[str, StatementChange] = {}
    added: dict[str, StatementChange] = {}
    removed: dict[str, StatementChange] = {}
    for plan in fix.plans:
        for it in plan.changed:
            row = it._target[0]  # type: ignore[attr-defined]
            entry = changed.setdefault(
                it.statement_uid,
                StatementChange(
                    it.statement_uid, row.competency_name, row.level_code, it.text, row.text
                ),
            )
            entry.answered += it.rating is not None
        for row, _section, _position in plan.added:
            added.setdefault(
                row.uid, StatementChange(row.uid, row.competency_name, row.level_code, "", row.text)
            )
        for it in plan.removed:
            entry = removed.setdefault(
                it.statement_uid,
                StatementChange(it.statement_uid, it.competency_name, it.level_code, it.text, ""),
            )
            entry.answered += it.rating is not None
    fix.changed, fix.added, fix.removed = (
        list(changed.values()),
        list(added.values()),
        list(removed.values()),
    )


def apply_framework_fix(
    cycle: ReviewCycle,
    *,
    version: FrameworkVersion,
    expected_revision: int,
    actor: Actor,
) -> FixApplication:
    """Move the open forms of `version`'s family onto it (see the module's docstring)."""
    org = cycle.organization
    org.ensure_writable()
    require_admin(actor)
    with transaction.atomic():
        lock_cycle(cycle, expected_revision, ReviewCycle.Status.OPEN)
        fix = next((f for f in pending_fixes(cycle) if f.version.pk == version.pk), None)
        if fix is None or not fix.plans:
            raise ReviewError(
                "There is nothing to apply: no open review is on an older version of this ladder."
            )
        now = timezone.now()
        updates: list[FormItem] = []
        new_items: list[FormItem] = []
        for plan in fix.plans:
            form = plan.form
            for it in {id(it): it for it in plan.moved + plan.restored}.values():
                row, section, position = it._target  # type: ignore[attr-defined]
                if it.text != row.text:
                    it.previous_text = it.text
                    it.needs_new_rating = it.rating is not None
                it.text, it.section, it.position = row.text, section, position
                it.competency_uid, it.competency_name = row.competency_uid, row.competency_name
                it.category_name, it.level_uid, it.level_code = (
                    row.category_name,
                    row.level_uid,
                    row.level_code,
                )
                it.evidence_kinds, it.archived, it.updated_at = list(row.evidence), False, now
                updates.append(it)
            for it in plan.removed:
                it.archived, it.updated_at = True, now
                it.position += 10_000  # after the live statements
                updates.append(it)
            for row, section, position in plan.added:
                new_items.append(new_item(form, row, section, position))
        FormItem.objects.bulk_update(
            updates,
            [
                "text",
                "previous_text",
                "needs_new_rating",
                "section",
                "position",
                "competency_uid",
                "competency_name",
                "category_name",
                "level_uid",
                "level_code",
                "evidence_kinds",
                "archived",
                "updated_at",
            ],
            batch_size=500,
        )
        FormItem.objects.bulk_create(new_items, batch_size=1000)
        ReviewForm.objects.filter(
            pk__in=[p.form.pk for p in fix.plans], status__in=["not_started", "in_progress"]
        ).update(version=version, revision=F("revision") + 1, updated_at=now)
        summary = {
            "forms": fix.forms,
            "people": fix.people,
            "statements_changed": len(fix.changed),
            "statements_added": len(fix.added),
            "statements_removed": len(fix.removed),
            "answers_to_redo": fix.answers_to_redo,
            "from": sorted({v.label for v in fix.from_versions}),
            "skipped": fix.skipped,
        }
        application = FixApplication.objects.create(
            organization=org,
            cycle=cycle,
            family=fix.family,
            version=version,
            forms=fix.forms,
            summary=summary,
            applied_by=user_of(actor),
        )
        record(
            org,
            actor,
            "review_cycle.fix_applied",
            cycle,
            data={"version": str(version), **summary},
        )
    return application
