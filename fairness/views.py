"""The promotion-fairness pages (HR admins and owners): the analysis with its plain
explanation and a CSV export, the questions people may answer, and uploads of past
decisions. And the one page where a person volunteers (or withdraws) their answers."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from fairness import services
from fairness.analysis import MIN_GROUP, THRESHOLD, Analysis
from fairness.models import DemographicAttribute, PastDecisionUpload
from fairness.selectors import Sources, answers_for, attributes, fairness_analysis, uploads
from fairness.significance import SignificanceUnavailable
from organizations.access import OrgRequest, org_required
from organizations.models import Role
from people.selectors import person_for_user
from reviews.errors import ReviewError

MAX_UPLOAD = 5 * 1024 * 1024
logger = logging.getLogger(__name__)


UNAVAILABLE = (
    "The significance tests behind these figures could not be run just now. Nothing is "
    "lost: the decisions and answers are all kept."
)


def unavailable(request: HttpRequest, error: SignificanceUnavailable) -> HttpResponse:
    """The statistics' child process failed or took too long: say so, never a server error
    (the log keeps why)."""
    logger.error("Fairness figures unavailable: %s", error)
    response = render(request, "503_busy.html", {"message": UNAVAILABLE}, status=503)
    response["Retry-After"] = "30"
    return response


def with_analysis(
    view: Callable[[OrgRequest, Analysis, Sources], HttpResponse],
) -> Callable[[OrgRequest], HttpResponse]:
    """The view gets the organization's fairness analysis and what it was made from; when
    its significance tests cannot run, the page says so (`unavailable`)."""

    @wraps(view)
    def wrapped(request: OrgRequest) -> HttpResponse:
        try:
            analysis, sources = fairness_analysis()
        except SignificanceUnavailable as error:
            return unavailable(request, error)
        return view(request, analysis, sources)

    return wrapped


@org_required(Role.HR_ADMIN)
@require_GET
@with_analysis
def analytics(request: OrgRequest, analysis: Analysis, sources: Sources) -> HttpResponse:
    return render(
        request,
        "fairness/analytics.html",
        {
            "analysis": analysis,
            "sources": sources,
            "threshold": THRESHOLD,
            "min_group": MIN_GROUP,
        },
    )


@org_required(Role.HR_ADMIN)
@require_GET
@with_analysis
def export(request: OrgRequest, analysis: Analysis, _sources: Sources) -> HttpResponse:
    """The same table as the page, one row per group; suppressed figures are blank."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "attribute",
            "group",
            "considered",
            "promoted",
            "rate",
            "impact_ratio",
            "flag_for_review",
            "test",
            "p_value",
            "average_final_rating",
            "years_in_level",
            "suppressed",
        ]
    )

    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text

    for g in analysis.groups:
        row = g.as_json()
        writer.writerow(
            [
                cell(g.attribute),
                cell(g.group),
                cell(row["n"]),
                cell(row["promoted"]),
                cell(g.rate),
                cell(g.impact_ratio),
                "yes" if g.flag else "no",
                g.test_name,
                cell(g.p_value),
                cell(g.average_rating),
                cell(g.years_in_level),
                {"small": "fewer than 5 people", "complementary": "hides a small group"}.get(
                    g.suppressed, ""
                ),
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="promotion-fairness-{stamp}.csv"'
    return response


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][:40]


def _question_page(
    request: HttpRequest,
    save: Callable[..., DemographicAttribute],
    done: str,
    template: str,
    context: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A question's form: a POST saves its wording and options through `save` and goes
    back to the questions saying `done` (which names the question as {name}); what the
    service refused shows beside the fields."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            saved = save(
                actor=request.user,
                name=request.POST.get("name", "")[:200],
                options=_lines(request.POST.get("options", "")),
            )
        except ReviewError as exc:
            errors = dict(exc.errors) or {"name": exc.message}
        else:
            messages.success(request, done.format(name=saved.name))
            return redirect("fairness:questions")
    return render(request, template, {**context(), "errors": errors})


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def questions(request: OrgRequest) -> HttpResponse:
    return _question_page(
        request,
        partial(services.create_attribute, request.organization),
        "“{name}” is now asked on everyone’s “About me” page.",
        "fairness/questions.html",
        lambda: {"questions": attributes(active_only=False), "posted": request.POST},
    )


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def question(request: OrgRequest, attribute_id: str) -> HttpResponse:
    found = get_object_or_404(DemographicAttribute, public_id=attribute_id)
    try:
        revision = int(request.POST.get("revision", "-1"))
    except ValueError:
        revision = -1
    return _question_page(
        request,
        partial(
            services.update_attribute,
            found,
            expected_revision=revision,
            is_active=request.POST.get("is_active") == "on",
        ),
        "“{name}” was saved.",
        "fairness/question.html",
        lambda: {"question": found, "posted": request.POST or None},
    )


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def past(request: OrgRequest) -> HttpResponse:
    """Upload a CSV of past decisions. What is wrong comes back in the error summary, each
    problem linking to its field (every row problem to the file)."""
    errors: list[tuple[str, str]] = []
    file_read = False
    if request.method == "POST":
        file = request.FILES.get("file")
        if file is None:
            errors = [("file", "Choose a CSV file to upload.")]
        elif (file.size or 0) > MAX_UPLOAD:
            errors = [("file", "The file is larger than 5 MB.")]
        else:
            try:
                made = services.upload_past_decisions(
                    request.organization,
                    actor=request.user,
                    filename=file.name or "decisions.csv",
                    data=file.read(),
                    default_attribute=request.POST.get("attribute", ""),
                )
            except ReviewError as exc:
                errors = list(exc.errors) or [("file", exc.message)]
                file_read = True
            else:
                messages.success(
                    request, f"{made.rows} past decisions from “{made.filename}” were added."
                )
                return redirect("fairness:index")
    by_field: dict[str, list[str]] = {}
    for field, message in errors:
        by_field.setdefault(field, []).append(message)
    return render(
        request,
        "fairness/past.html",
        {
            "uploads": uploads(),
            "errors": errors,
            # the rows of a file that was read were wrong (not a missing file or attribute)
            "rows_wrong": any(f == "file" for f, _m in errors) and file_read,
            # beside a field: its one problem, or a pointer to the rows in the summary
            "field_errors": {
                f: ms[0] if len(ms) == 1 else "Correct the rows listed above."
                for f, ms in by_field.items()
            },
            "attribute": request.POST.get("attribute", ""),
        },
    )


@org_required(Role.HR_ADMIN)
@require_http_methods(["GET", "POST"])
def remove_past(request: OrgRequest, upload_id: str) -> HttpResponse:
    found = get_object_or_404(PastDecisionUpload, public_id=upload_id)
    if request.method == "POST":
        services.remove_upload(found, actor=request.user)
        messages.success(request, f"“{found.filename}” and its decisions were removed.")
    return redirect("fairness:past")


@org_required()
@require_http_methods(["GET", "POST"])
def mine(request: OrgRequest) -> HttpResponse:
    """A person's own answers: voluntary, "Prefer not to say" always offered."""
    me = person_for_user(request.user)
    if me is None:
        return render(request, "fairness/mine.html", {"me": None, "answers": []})
    if request.method == "POST":
        given = {
            a.attribute.public_id: request.POST.get(f"q-{a.attribute.public_id}", "")[:120]
            for a in answers_for(me)
        }
        try:
            services.set_my_answers(me, actor=request.user, answers=given)
        except ReviewError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your answers were saved. You can change them at any time.")
            return redirect("fairness:mine")
    return render(request, "fairness/mine.html", {"me": me, "answers": answers_for(me)})
