"""Erasing a person, through the registry: the plan (what will be deleted, kept and
pseudonymised, and why) and its execution.

Rows are deleted row by row with plain SQL, never by Django's cascade, so nothing goes
that no declaration names; keys are checked by the database before the transaction
ends, so a declaration that forgot a child row fails the erasure instead of leaving an
orphan or losing data silently. The person's directory entry stays as a pseudonym
("Erased person 7kq2"), because decided promotions and colleagues' reviews point at it.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from datarights.registry import Action, Declaration, Link, To, declarations
from organizations.actors import Actor, user_id_of
from organizations.db_guards import purging
from organizations.models import Membership


class ErasureRefused(Exception):
    """Erasure cannot start; the message says what to do first."""


@dataclass
class Line:
    label: str
    action: Action
    reason: str
    count: int


@dataclass
class Plan:
    person: Any
    pseudonym: str
    lines: list[Line] = field(default_factory=list)
    login_deleted: bool = False
    login_kept_reason: str = ""
    # an active person of a read-only organization is deactivated by the erasure itself;
    # their active reports move to `reports_to` (their manager, or nobody)
    deactivates: bool = False
    reports_moved: list[Any] = field(default_factory=list)
    reports_to: Any = None
    # (declaration, link) → primary keys, after overlaps are resolved (delete wins)
    rows: dict[tuple[str, int], set[Any]] = field(default_factory=dict)

    def by_action(self, action: Action) -> list[Line]:
        return [line for line in self.lines if line.action == action]

    @property
    def deleted(self) -> list[Line]:
        return self.by_action(Action.DELETE)

    @property
    def kept(self) -> list[Line]:
        return self.by_action(Action.KEEP)

    @property
    def pseudonymised(self) -> list[Line]:
        return self.by_action(Action.PSEUDONYMISE)

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for line in self.lines:
            totals[line.action.value] += line.count
        return dict(totals)


def pseudonym_for(person: Any) -> str:
    return f"Erased person {person.public_id[:6]}"


def refusal(person: Any, actor: Actor) -> str:
    """Why `person` cannot be erased now, or ""."""
    if person.erased_at:
        return f"{person.name}'s personal data was already erased."
    if person.is_active and not person.organization.is_read_only:
        return (
            f"Deactivate {person.name} first: erasure is for people who have left, and "
            "deactivating ends their login and hands their reports to HR."
        )
    if person.user_id and person.user_id == user_id_of(actor):
        return "You cannot erase yourself. Ask another HR admin or an owner."
    if person.is_active:  # read-only: nobody can deactivate them, so erasure will
        return _deactivation_refusal(person, actor)
    return ""


def _deactivation_refusal(person: Any, actor: Actor) -> str:
    """What `people.services.set_active` would refuse (it refuses it again, in
    `erase_person`): the last owner, or an owner for a non-owner."""
    from organizations.models import Membership, Role

    owners = Membership.objects.filter(role=Role.OWNER, is_active=True)
    if not person.user_id or not owners.filter(user_id=person.user_id).exists():
        return ""
    if not owners.exclude(user_id=person.user_id).exists():
        return f"{person.name} is the only owner. Make someone else an owner before erasing them."
    if not owners.filter(user_id=user_id_of(actor)).exists():
        return f"{person.name} is an owner. Only an owner can erase an owner who is still active."
    return ""


def _plan_deactivation(person: Any, plan: Plan) -> None:
    plan.deactivates = True
    above = person.manager
    plan.reports_to = above if above is not None and above.is_active else None
    plan.reports_moved = list(person.reports.filter(is_active=True).order_by("name", "pk"))


def _deactivate_to_erase(person: Any, actor: Actor, plan: Plan) -> None:
    """A read-only organization cannot deactivate anyone, yet must still erase a person
    who asked: the erasure deactivates them (closing their login, its sessions and API
    tokens) and moves their active reports to their manager, each step audited as usual,
    inside `legal_duty()` — the only writes it lets through the read-only lock."""
    from organizations.models import legal_duty
    from people.services import PersonError, set_active, update_person

    with legal_duty():
        try:
            for report in plan.reports_moved:
                update_person(report, actor=actor, expected_revision=None, manager=plan.reports_to)
            set_active(person, actor=actor, active=False)
        except PersonError as error:
            raise ErasureRefused(str(error)) from error


def _base(declaration: Declaration, org: Any) -> models.QuerySet:
    qs: models.QuerySet = models.QuerySet(
        declaration.model
    )  # no guards of custom querysets: plain rows
    if declaration.organization:
        qs = qs.filter(**{declaration.organization: org.pk})
    return qs


def plan_erasure(person: Any) -> Plan:
    org = person.organization
    plan = Plan(person, pseudonym_for(person))
    plan.login_deleted, plan.login_kept_reason = _login_fate(person)
    if person.is_active:
        _plan_deactivation(person, plan)
    for declaration in declarations():
        if declaration.with_login:
            continue
        matched: list[tuple[int, Link, set[Any]]] = []
        with declaration.reader():
            for index, link in enumerate(declaration.links):
                q = link.q(person)
                if q is None:
                    continue
                pks = set(_base(declaration, org).filter(q).values_list("pk", flat=True))
                matched.append((index, link, pks))
        deleted = set().union(*(pks for _, link, pks in matched if link.action == Action.DELETE))
        shown: dict[Action, tuple[set[Any], list[str]]] = {}
        for index, link, pks in matched:
            if link.action != Action.DELETE:
                pks = pks - deleted
            plan.rows[(declaration.model_label, index)] = pks
            if pks:  # one line per kind of record and action: rows counted once
                rows, reasons = shown.setdefault(link.action, (set(), []))
                rows |= pks
                if link.reason not in reasons:
                    reasons.append(link.reason)
        for action, (rows, reasons) in shown.items():
            plan.lines.append(Line(declaration.label, action, " ".join(reasons), len(rows)))
    login = "Login and its sign-in details (e-mail addresses, two-factor methods, devices)"
    if person.user_id:
        if plan.login_deleted:
            plan.lines.append(Line(login, Action.DELETE, "Used only in this organization.", 1))
        else:
            plan.lines.append(Line(login, Action.KEEP, plan.login_kept_reason, 1))
    return plan


def _login_fate(person: Any) -> tuple[bool, str]:
    if not person.user_id:
        return False, ""
    elsewhere = (  # across organizations, on purpose
        Membership._base_manager.filter(user_id=person.user_id)
        .exclude(organization_id=person.organization_id)
        .count()
    )
    if elsewhere:
        return False, (
            f"The same login is used in {elsewhere} other organization"
            f"{'s' if elsewhere > 1 else ''}; only its membership here ends."
        )
    return True, ""


def _replacer(person: Any, pseudonym: str) -> Any:
    user = person.user
    words = {person.name, person.email}
    if user is not None:
        words |= {user.get_full_name(), user.email}
    words = {w for w in words if w and len(w) >= 3}
    if not words:
        return lambda value: value
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in sorted(words, key=len, reverse=True)),
        re.IGNORECASE,
    )

    def replace(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(pseudonym, value)
        if isinstance(value, list):
            return [replace(v) for v in value]
        if isinstance(value, dict):
            return {k: replace(v) for k, v in value.items()}
        return value

    return replace


def erase_person(person: Any, *, actor: Actor) -> Plan:
    """Erase `person` (already deactivated) following the registry; returns the plan as
    carried out. One transaction; the audit entry says what was kept and why."""
    from organizations import audit
    from people.models import Person

    org = person.organization
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
        )
        if why := refusal(person, actor):
            raise ErasureRefused(why)
        deactivation = Plan(person, pseudonym_for(person))
        if person.is_active:  # only in a read-only organization (see `refusal`)
            _plan_deactivation(person, deactivation)
            _deactivate_to_erase(person, actor, deactivation)
            person = Person.objects.select_related("user").get(pk=person.pk)
        plan = plan_erasure(person)  # after: the deactivation's audit entries are scrubbed too
        plan.deactivates = deactivation.deactivates
        plan.reports_moved, plan.reports_to = deactivation.reports_moved, deactivation.reports_to
        replace = _replacer(person, plan.pseudonym)
        files: list[Any] = []
        for declaration in declarations():
            if not declaration.with_login:
                _carry_out(declaration, plan, replace, files)
        Person.objects.filter(pk=person.pk).update(
            name=plan.pseudonym,
            email=f"erased-{person.public_id}@erased.invalid",
            title="",
            user=None,
            manager=None,
            start_date=None,
            is_active=False,
            erased_at=timezone.now(),
            updated_at=timezone.now(),
            revision=models.F("revision") + 1,
        )
        if plan.login_deleted and person.user is not None:
            person.user.delete()  # allauth's rows go with it (declared `with_login`)
        connection.check_constraints()  # a forgotten child row fails here, before commit
        person.refresh_from_db()
        audit.record(
            org,
            actor,
            "person.erased",
            person,
            data={
                "deleted": plan.counts().get("delete", 0),
                "kept": [f"{line.label}: {line.count}" for line in plan.kept],
                "pseudonymised": plan.counts().get("pseudonymise", 0),
                "login": "deleted"
                if plan.login_deleted
                else ("kept (used elsewhere)" if plan.login_kept_reason else "none"),
                **(
                    {
                        "deactivated": "while read-only, to erase",
                        "reports_moved": len(plan.reports_moved),
                    }
                    if plan.deactivates
                    else {}
                ),
            },
        )
        transaction.on_commit(lambda: remove_files(files))
    return plan


def _carry_out(declaration: Declaration, plan: Plan, replace: Any, files: list[Any]) -> None:
    model = declaration.model
    qs: models.QuerySet = models.QuerySet(model)
    to_delete: set[Any] = set()
    rewrite: set[Any] = set()
    for index, link in enumerate(declaration.links):
        pks = plan.rows.get((declaration.model_label, index), set())
        if not pks:
            continue
        if link.action == Action.DELETE:
            to_delete |= pks
            continue
        rewrite |= pks
        if link.action == Action.PSEUDONYMISE and link.to != To.TEXT and "__" not in link.path:
            target = model._meta.get_field(link.field_name) if link.path != "pk" else None
            if target is not None and target.null:
                qs.filter(pk__in=pks).update(**{link.path: None})
    if rewrite and declaration.scrub:
        with purging() if declaration.guarded else contextlib.nullcontext():
            _scrub(declaration, rewrite - to_delete, replace)
    if to_delete:
        if declaration.files:
            for row in qs.filter(pk__in=to_delete).values(*declaration.files):
                files.extend(name for name in row.values() if name)
        qs.filter(pk__in=to_delete)._raw_delete(connection.alias)


def _scrub(declaration: Declaration, pks: set[Any], replace: Any) -> None:
    qs: models.QuerySet = models.QuerySet(declaration.model)
    counted = "pseudonymised" in {f.name for f in declaration.model._meta.concrete_fields}
    for row in qs.filter(pk__in=pks).values("pk", *declaration.scrub):
        new = {column: replace(row[column]) for column in declaration.scrub}
        if counted:
            new["pseudonymised"] = models.F("pseudonymised") + 1
        elif all(new[c] == row[c] for c in declaration.scrub):
            continue
        qs.filter(pk=row["pk"]).update(**new)


def remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        with contextlib.suppress(OSError):  # a file already gone is fine
            default_storage.delete(name)
