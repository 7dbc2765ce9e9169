"""The statement linter in the browser: as-you-type feedback for the editor, and a report
over one framework version."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frameworks.linter import (
    ALL_HELP,
    ALL_LABELS,
    lint_statement,
    lint_version,
    neighbours_for_lines,
    topic_in_version,
)
from frameworks.models import FrameworkVersion
from organizations.access import OrgRequest, org_required
from organizations.models import Role

MAX_LINES = 100
MAX_LINE = 2000


@require_POST
@org_required(Role.HR_ADMIN, allow_when_read_only=True)
def lint(request: OrgRequest) -> HttpResponse:
    """POST text (repeatable, one statement per line), evidence-<i> for the i-th text (or
    one evidence list for all) and optionally version, competency and level (uids) → an
    HTML fragment with the flags or a tick."""
    from frameworks.views_editor import posted_statements

    statements = [
        (line.strip()[:MAX_LINE], evidence)
        for text, evidence in posted_statements(request.POST)
        for line in text.splitlines()
        if line.strip()
    ][:MAX_LINES]
    version_id = request.POST.get("version", "").strip()
    version = get_object_or_404(FrameworkVersion, public_id=version_id) if version_id else None
    # a cell holds a handful of statements; more than MAX_LINES is not linted (bounded work)
    lines = [line for line, _ in statements]
    competency, level = request.POST.get("competency", ""), request.POST.get("level", "")
    topic = None
    if version is not None:
        neighbours = neighbours_for_lines(version, competency, level, lines)
        topic = topic_in_version(version, competency, level, lines)
    else:
        neighbours = [[] for _ in lines]
    results = [
        lint_statement(line, evidence=evidence, neighbours=near, topic=topic)
        for (line, evidence), near in zip(statements, neighbours, strict=True)
    ]
    return render(
        request,
        "frameworks/lint/result.html",
        {"results": results, "several": len(results) > 1},
    )


@org_required(Role.HR_ADMIN)
def lint_report(request: OrgRequest, version_id: str) -> HttpResponse:
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("family"), public_id=version_id
    )
    report = lint_version(version)
    counts = report.counts()
    if version.is_draft:
        cell_base = reverse("frameworks:editor", args=[version.family.public_id])
    else:
        cell_base = reverse("frameworks:version", args=[version.public_id])
    return render(
        request,
        "frameworks/lint/report.html",
        {
            "version": version,
            "family": version.family,
            "report": report,
            "counts": counts,
            "flag_counts": [(code, label, counts[code]) for code, label in ALL_LABELS.items()],
            "groups": [
                {"code": code, "label": label, "help": ALL_HELP[code], "items": items}
                for code, label, items in report.by_flag()
            ],
            "cell_base": cell_base,
        },
    )
