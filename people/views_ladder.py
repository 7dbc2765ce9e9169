"""Each person's ladder: where they are, what the next level expects, and the whole
matrix of their job family's latest published version. Printable, and as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from frameworks.ladder_diagram import build_diagram
from frameworks.pdf import render_pdf
from frameworks.selectors import ladder_for
from organizations.access import OrgRequest, org_required
from people.models import Person
from people.selectors import can_view_person, person_for_user


def _context(request: HttpRequest, person: Person | None, *, own: bool) -> dict:
    ladder = ladder_for(person) if person is not None else None
    diagram = None
    if person is not None and ladder is not None and ladder.matrix is not None:
        diagram = build_diagram(
            ladder.matrix.levels,
            name=ladder.family.name,
            current=ladder.level,
            uid="ladder-diagram",
            here_label="You are here" if own else f"{person.name} is here",
        )
    return {"person": person, "ladder": ladder, "own": own, "diagram": diagram}


@org_required()
def my_ladder(request: OrgRequest) -> HttpResponse:
    me = person_for_user(request.user)
    return render(request, "frameworks/ladder.html", _context(request, me, own=True))


def _visible_person(request: OrgRequest, person_id: str) -> Person:
    person = get_object_or_404(Person.objects.select_related("job_family"), public_id=person_id)
    if not can_view_person(request.user, request.membership, person):
        raise Http404("Not found")
    return person


@org_required()
def person_ladder(request: OrgRequest, person_id: str) -> HttpResponse:
    person = _visible_person(request, person_id)
    me = person_for_user(request.user)
    own = me is not None and me.pk == person.pk
    return render(request, "frameworks/ladder.html", _context(request, person, own=own))


@org_required()
def ladder_pdf(request: OrgRequest, person_id: str) -> HttpResponse:
    person = _visible_person(request, person_id)
    me = person_for_user(request.user)  # one's own PDF says "you", as the page does
    context = _context(request, person, own=me is not None and me.pk == person.pk)
    if context["ladder"] is None or context["ladder"].version is None:
        messages.info(request, f"{person.name} has no published ladder to download yet.")
        return redirect("frameworks:person_ladder", person.public_id)
    pdf = render_pdf("frameworks/ladder_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{person.name} ladder") or "ladder"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
