"""The O*NET occupation browser and "add as competency" (HR admins)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from frameworks.models import FrameworkVersion, JobFamily
from frameworks.services import FrameworkError
from onet import data
from onet.forms import AddCompetencyForm
from onet.services import add_to_family, related_tasks
from organizations.access import OrgRequest, org_required
from organizations.models import Role

EXAMPLES = ["Product Manager", "Software Developer", "Accountant", "Recruiter", "Data Scientist"]


@org_required(Role.HR_ADMIN)
def search(request: OrgRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    matches, total = data.search(query) if query else ([], 0)
    context = {"query": query, "matches": matches, "total": total, "examples": EXAMPLES}
    if request.htmx:
        return render(request, "onet/search.html#results", context)
    return render(request, "onet/search.html", context)


@org_required(Role.HR_ADMIN)
def occupation(request: OrgRequest, code: str) -> HttpResponse:
    occ = data.get_occupation(code)
    if occ is None:
        raise Http404("No such occupation")
    return render(request, "onet/occupation.html", {"occupation": occ})


def _family_choices() -> list[tuple[JobFamily, str]]:
    families = list(JobFamily.objects.order_by("position", "name"))
    versions = FrameworkVersion.objects.filter(family__in=families).order_by("-number")
    drafts = {v.family_id for v in versions if v.is_draft}
    published: dict[int, FrameworkVersion] = {}
    for v in versions:
        if not v.is_draft:
            published.setdefault(v.family_id, v)
    choices = []
    for family in families:
        if family.pk in drafts:
            note = "adds it to the draft"
        elif family.pk in published:
            note = f"starts a draft from {published[family.pk].label}"
        else:
            note = "starts a draft"
        choices.append((family, note))
    return choices


@org_required(Role.HR_ADMIN)
def add(request: OrgRequest, element_id: str) -> HttpResponse:
    element = data.get_element(element_id)
    if element is None:
        raise Http404("No such skill or knowledge area")
    code = request.GET.get("occupation", "") or request.POST.get("occupation", "")
    occ = data.get_occupation(code)
    families = _family_choices()
    form = AddCompetencyForm(
        request.POST or None,
        families=families,
        initial={"occupation": occ.code if occ else ""},
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        family = form.cleaned_data["family"]
        try:
            competency = add_to_family(
                family, element.id, actor=request.user, occupation_code=occ.code if occ else ""
            )
        except FrameworkError as exc:
            error = str(exc)
        else:
            count = competency.statements.count()
            messages.success(
                request,
                f"Added “{element.name}” to the {family.name} draft with {count} first-draft "
                f"statement{'s' if count != 1 else ''} from the tasks of {occ.title}: each is "
                "flagged until you rewrite it in your company's words or accept it."
                if count and occ
                else f"Added “{element.name}” to the {family.name} draft. Write what each "
                "level expects in the editor.",
            )
            return redirect("frameworks:editor", family.public_id)
    return render(
        request,
        "onet/add.html",
        {
            "element": element,
            "occupation": occ,
            "tasks": related_tasks(occ, element) if occ else [],
            "form": form,
            "families": families,
            "error": error,
        },
    )
