"""Read helpers for the people directory, shared by views, reports and the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from organizations.prepared import Prepared
from organizations.scoping import active_organization
from people import panels
from people.models import Person

# one at most (uniq_person_user): ordered by the key, not the default name. Every page
# asks: compiled once (organizations/prepared.py)
PERSON_OF_USER = Prepared(
    lambda user_id: (
        Person.objects.filter(user_id=user_id).select_related("job_family").order_by("pk")[:1]
    ),
    user_id=int,
)


def person_for_user(user) -> Person | None:
    """The directory entry of the logged-in user in the active organization."""
    if not user.is_authenticated:
        return None
    return PERSON_OF_USER.first(user_id=user.pk)


def person_for_request(request) -> Person | None:
    """`person_for_user` once per request: the view, the app shell and the services the
    view calls with `request.user` (see `known_person`) share one lookup."""
    try:
        return request._me
    except AttributeError:
        pass
    me = person_for_user(request.user)
    request._me = me
    org = active_organization()
    if org is not None and request.user.is_authenticated:
        # request.user is this request's own object: the note lives as long as the request
        request.user._person_in = (org.pk, me)
    return me


def known_person(user) -> tuple[bool, Person | None]:
    """(True, the person) that `person_for_request` found for this user object in the
    active organization, or (False, None) when it did not look (then query)."""
    note = getattr(user, "_person_in", None)
    org = active_organization()
    if note is None or org is None or note[0] != org.pk:
        return False, None
    return True, note[1]


def report_ids(person: Person | None, *, direct_only: bool = False) -> set[int]:
    """Ids of everyone who reports to `person`, directly or (by default) indirectly.
    One query, whatever the size of the organization."""
    if person is None:
        return set()
    children: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in Person.objects.filter(is_active=True).values_list("pk", "manager_id"):
        if manager_id:
            children[manager_id].append(pk)
    if direct_only:
        return set(children.get(person.pk, []))
    found: set[int] = set()
    stack = list(children.get(person.pk, []))
    while stack:
        pk = stack.pop()
        if pk in found:
            continue
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


# the app shell asks on every page: compiled once (organizations/prepared.py)
A_REPORT = Prepared(
    lambda person_id: (
        Person.objects.filter(manager_id=person_id, is_active=True)
        .values_list("pk", flat=True)
        .order_by()[:1]
    ),
    person_id=int,
)


def is_manager(person: Person | None) -> bool:
    return person is not None and bool(A_REPORT.all(person_id=person.pk))


def visible_people(user, membership) -> QuerySet[Person]:
    """HR admins see everyone; a manager their reports and themselves; others themselves."""
    qs = Person.objects.all()
    if membership.is_admin:
        return qs
    me = person_for_user(user)
    if me is None:
        return qs.none()
    return qs.filter(pk__in={me.pk, *report_ids(me)})


def can_view_person(user, membership, person: Person) -> bool:
    if membership.is_admin:
        return True
    me = person_for_user(user)
    return me is not None and (me.pk == person.pk or person.pk in report_ids(me))


# --- the directory pages ----------------------------------------------------------------


def directory() -> QuerySet[Person]:
    """People with everything a directory row shows, in a constant number of queries."""
    return (
        Person.objects.select_related("manager", "job_family")
        .annotate(**panels.columns())  # e.g. `invited` (accounts)
        .order_by("name")
    )


def org_chart(people: Iterable[Person]) -> list[dict[str, Any]]:
    """Nest active people under their managers. Someone whose manager is not in `people`
    (no manager, or a manager the viewer cannot see) is at the top level."""
    people = [p for p in people if p.is_active]
    ids = {p.pk for p in people}
    children: dict[int | None, list[Person]] = defaultdict(list)
    for p in people:
        children[p.manager_id if p.manager_id in ids else None].append(p)

    def build(pk: int | None, seen: frozenset[int]) -> list[dict[str, Any]]:
        nodes = []
        for p in sorted(children.get(pk, []), key=lambda x: x.name.casefold()):
            if p.pk in seen:
                continue
            nodes.append({"person": p, "reports": build(p.pk, seen | {p.pk})})
        return nodes

    return build(None, frozenset())
