"""Promotion cases: the list, opening one, writing it (the case per target-level
statement with its evidence and files, reviewers and approvers), verdicts, the
decision, the packet PDF, and the nominee's view of the outcome."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from growth.pdf import render_pdf
from organizations.access import OrgRequest, org_required
from people.models import Person
from people.selectors import person_for_user
from promotions import access, services
from promotions.errors import PromotionError
from promotions.models import (
    CaseEvidence,
    CaseGap,
    CaseReviewer,
    CaseStatement,
    GapAcceptance,
    PromotionCase,
    PromotionRound,
)
from promotions.selectors import candidate_for, evidence_options, rating_history
from promotions.selectors.history import CycleColumn, HistoryRow, RatingHistory
from promotions.services.artifacts import ACCEPT, KINDS_IN_WORDS, max_bytes
from promotions.views.common import (
    artifact_or_404,
    case_or_404,
    case_post,
    date_or_none,
    fail,
    full_case_or_404,
    gap_or_404,
    is_lead,
    people_choices,
    person_or_404,
    revision,
    to_case,
    viewer,
)
from reviews.errors import ReviewError, StaleError

Status = PromotionCase.Status
STATUS_ORDER = [Status.IN_REVIEW, Status.DRAFT, Status.DECIDED, Status.WITHDRAWN]


@org_required()
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    """Cases the viewer may see, by status; and the viewer's own decided cases."""
    me = viewer(request)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    lead = is_lead(request)
    cases = (
        access.visible_cases(me).select_related("person", "round").order_by("-updated_at", "-id")
    )
    counts: dict[str, int] = {str(s): 0 for s in STATUS_ORDER}
    for row in cases.order_by().values("status").annotate(n=Count("id", distinct=True)):
        counts[row["status"]] = row["n"]
    page = Paginator(cases.filter(status=status) if status else cases, 50).get_page(
        request.GET.get("page")
    )
    mine = []
    if me.person is not None:
        mine = list(
            PromotionCase.objects.filter(person=me.person, status=Status.DECIDED).order_by(
                "-decided_at"
            )
        )
    return render(
        request,
        "promotions/index.html",
        {
            "page": page,
            "counts": [(s, Status(s).label, counts[s]) for s in STATUS_ORDER],
            "total": sum(counts.values()),
            "status": status,
            "query": f"status={status}" if status else "",
            "mine": mine,
            "lead": lead,
            "is_admin": me.is_admin,
            "my_rounds": set(access.visible_rounds(me).values_list("pk", flat=True)),
        },
    )


@org_required()
@require_http_methods(["GET", "POST"])
def new(request: OrgRequest, person_id: str) -> HttpResponse:
    """Open a case for someone: choose the target level (one step up, or the other track
    above the split), optionally a round, and a first summary."""
    person = person_or_404(request, person_id)
    me = viewer(request)
    candidate = candidate_for(person)
    rounds = list(PromotionRound.objects.filter(status=PromotionRound.Status.OPEN))
    chosen = request.POST.get("target") or request.GET.get("target", "")
    if candidate and not chosen and candidate.best:
        chosen = candidate.best.level_uid
    errors: dict[str, str] = {}
    summary = request.POST.get("summary", "")
    round_id = request.POST.get("round", "")
    if request.method == "POST" and candidate is not None:
        picked = next((r for r in rounds if r.public_id == round_id), None) if me.is_admin else None
        try:
            case = services.open_case(
                person, actor=request.user, target_level_uid=chosen, summary=summary, round=picked
            )
        except ReviewError as exc:
            errors = {f: m for f, m in exc.errors} or {"__all__": exc.message}
        else:
            messages.success(
                request,
                f"The case for {person.name} was opened with the ratings and action items "
                "that speak to each statement. Write the case for each one, then send it "
                "for review.",
            )
            return redirect("promotions:case", case_id=case.public_id)
    existing = PromotionCase.objects.filter(person=person, status__in=PromotionCase.OPEN).first()
    return render(
        request,
        "promotions/new.html",
        {
            "person": person,
            "candidate": candidate,
            "chosen": chosen,
            "summary": summary,
            "rounds": rounds if me.is_admin else [],
            "round_id": round_id,
            "errors": errors,
            "existing": existing,
        },
    )


def _statements(case: PromotionCase) -> list[CaseStatement]:
    return list(
        CaseStatement.objects.filter(case=case)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("evidence", queryset=CaseEvidence.objects.order_by("kind", "id"))
        )
    )


def case_context(request: OrgRequest, case: PromotionCase, posted: Any = None) -> dict[str, Any]:
    me = viewer(request)
    statements = _statements(case)
    read_only = request.organization.is_read_only
    # who reviews and approves can change until the decision; the case itself is
    # written while it is a draft: verdicts are given on the case as it was sent
    manageable = case.is_open and access.can_write(case, me) and not read_only
    writable = manageable and case.status == Status.DRAFT
    options = (
        evidence_options(case, [(s.statement_uid, s.competency_uid) for s in statements])
        if writable
        else {}
    )
    reviewers = list(CaseReviewer.objects.filter(case=case).select_related("person"))
    mine = [r for r in reviewers if r.person_id == me.pk]
    rows = []
    for st in statements:
        cited = {e.ref for e in st.evidence.all()}
        opts = options.get(st.statement_uid)
        rows.append(
            {
                "st": st,
                "argument": posted.get(f"argument-{st.statement_uid}", st.argument)
                if posted is not None
                else st.argument,
                "evidence": list(st.evidence.all()),
                "options": [
                    {"o": o, "checked": o.ref in cited} for o in (opts.all if opts else [])
                ],
            }
        )
    in_review = case.status == Status.IN_REVIEW
    missing = set(case.readiness.get("missing", []))
    return {
        "case": case,
        "person": case.person,
        "rows": rows,
        "summary": posted.get("summary", case.summary) if posted is not None else case.summary,
        "writable": writable,
        "manageable": manageable,
        "reviewers": [r for r in reviewers if r.role == CaseReviewer.Role.REVIEWER],
        "approvers": [r for r in reviewers if r.role == CaseReviewer.Role.APPROVER],
        "my_rows": mine,
        "can_verdict": in_review and bool(mine) and not request.organization.is_read_only,
        "can_decide": in_review
        and access.can_decide(case, me)
        and not request.organization.is_read_only,
        "artifacts": list(case.artifacts.all()),
        "round_visible": case.round is not None and access.can_see_round(case.round, me),
        "history": history_of(case),
        "people": people_choices() if manageable else [],
        "reviewer_ids": {r.person.public_id for r in reviewers if r.role == "reviewer"},
        "approver_ids": {r.person.public_id for r in reviewers if r.role == "approver"},
        "missing": missing,
        "gaps": list(CaseGap.objects.filter(case=case)) if case.is_decided else [],
        "accept": ACCEPT,
        "kinds_in_words": KINDS_IN_WORDS,
        "max_mb": max_bytes() // (1024 * 1024),
        "decisions": PromotionCase.Decision.choices,
        "verdicts": [v for v in CaseReviewer.Verdict.choices if v[0]],
        "today": timezone.localdate(),
    }


def history_of(case: PromotionCase) -> RatingHistory:
    """The rating history: as it was at the decision for a decided case (its record),
    the person's current one otherwise."""
    ratings = case.record.get("ratings") if case.is_decided else None
    if not ratings:
        return rating_history(case.person_id)
    return RatingHistory(
        cycles=[CycleColumn("", name, None) for name in ratings.get("cycles", [])],
        rows=[
            HistoryRow("", row["competency"], [Decimal(f) if f else None for f in row["finals"]])
            for row in ratings.get("rows", [])
        ],
    )


def _outcome(request: HttpRequest, case: PromotionCase) -> HttpResponse:
    gaps = list(CaseGap.objects.filter(case=case).order_by("position", "id"))
    accepted = {
        a.gap_id: a
        for a in GapAcceptance.objects.filter(gap__in=gaps).select_related("action_item")
    }
    return render(
        request,
        "promotions/outcome.html",
        {"case": case, "gaps": [(g, accepted.get(g.pk)) for g in gaps]},
    )


@org_required()
@require_GET
def case(request: OrgRequest, case_id: str) -> HttpResponse:
    found, mode = case_or_404(request, case_id)
    if mode == "outcome":
        return _outcome(request, found)
    return render(request, "promotions/case.html", case_context(request, found))


@org_required()
@case_post
def save(request: OrgRequest, found: PromotionCase) -> HttpResponse:
    uids = list(CaseStatement.objects.filter(case=found).values_list("statement_uid", flat=True))
    post = request.POST
    kwargs: dict[str, Any] = {
        "summary": post.get("summary", ""),
        "arguments": {u: post.get(f"argument-{u}", "") for u in uids if f"argument-{u}" in post},
    }
    if post.get("with_evidence"):
        kwargs["evidence"] = {u: post.getlist(f"evidence-{u}") for u in uids}
    try:
        services.save_case(found, actor=request.user, expected_revision=revision(request), **kwargs)
    except StaleError:
        found.refresh_from_db()
        messages.error(
            request,
            "Someone else saved this case while you were writing, so nothing was saved. "
            "Your words are still in the form below; save again to replace theirs.",
        )
        return render(request, "promotions/case.html", case_context(request, found, post))
    except ReviewError as exc:
        messages.error(request, exc.message)
        return render(request, "promotions/case.html", case_context(request, found, post))
    messages.success(request, "The case was saved.")
    if post.get("then") == "submit":
        found.refresh_from_db()
        return _submit(request, found)
    return to_case(found)


def _change(
    request: HttpRequest, found: PromotionCase, act: Callable[[], Any], done: str
) -> HttpResponse:
    """Change a case through a service, then back to the case with the service's refusal
    or `done`."""
    try:
        act()
    except ReviewError as exc:
        return fail(request, exc, "promotions:case", case_id=found.public_id)
    messages.success(request, done)
    return to_case(found)


def _refused(
    request: OrgRequest, found: PromotionCase, exc: ReviewError, form: str, **extra: Any
) -> HttpResponse:
    """A case form the service refused for what was typed: the case page again, with the
    form's error summary, each field's error and the words typed (`fail` otherwise)."""
    if isinstance(exc, StaleError) or not exc.errors:
        return fail(request, exc, "promotions:case", case_id=found.public_id)
    errors: dict[str, list[str]] = {}
    for field, message in exc.errors:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)
    context = case_context(request, found)
    context.update({"failed": form, "form_errors": errors, "posted": request.POST, **extra})
    return render(request, "promotions/case.html", context, status=400)


def _submit(request: OrgRequest, found: PromotionCase) -> HttpResponse:
    return _change(
        request,
        found,
        lambda: services.submit_case(found, actor=request.user, expected_revision=found.revision),
        "The case was sent for review. Its reviewers and approvers can give a verdict.",
    )


@org_required()
@case_post
def submit(request: OrgRequest, found: PromotionCase) -> HttpResponse:
    if found.revision != revision(request):
        messages.error(request, "The case changed since you opened it. Check it and send again.")
        return to_case(found)
    return _submit(request, found)


@org_required()
@case_post
def upload(request: OrgRequest, found: PromotionCase) -> HttpResponse:
    file = request.FILES.get("file")
    if file is None:
        return _refused(
            request, found, PromotionError("", [("file", "Choose a file to attach.")]), "upload"
        )
    if file.size and file.size > max_bytes():
        too_big = (
            f"“{file.name}” is larger than {max_bytes() // (1024 * 1024)} MB. "
            "Attach a smaller file."
        )
        return _refused(request, found, PromotionError(too_big, [("file", too_big)]), "upload")
    try:
        services.upload_artifact(
            found,
            actor=request.user,
            expected_revision=revision(request),
            name=file.name or "file",
            data=file.read(),
            description=request.POST.get("description", ""),
        )
    except ReviewError as exc:
        return _refused(request, found, exc, "upload")
    messages.success(
        request, f"“{file.name}” was attached. Tick it as evidence for the statements it shows."
    )
    return to_case(found)


@org_required()
@require_GET
def artifact(request: OrgRequest, artifact_id: str) -> HttpResponse:
    """A file of a case, always as a download with the type found from its bytes."""
    found = artifact_or_404(request, artifact_id)
    with found.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@org_required()
@require_http_methods(["GET", "POST"])
def remove_file(request: OrgRequest, artifact_id: str) -> HttpResponse:
    found = artifact_or_404(request, artifact_id)
    case_id = found.case.public_id
    if request.method != "POST":
        return redirect("promotions:case", case_id=case_id)
    try:
        services.remove_artifact(found, actor=request.user, expected_revision=revision(request))
    except ReviewError as exc:
        return fail(request, exc, "promotions:case", case_id=case_id)
    messages.success(request, f"“{found.name}” was removed from the case.")
    return redirect("promotions:case", case_id=case_id)


def _text(post: QueryDict, name: str) -> str:
    return post.get(name, "")


def _people(post: QueryDict, name: str) -> list[Person]:
    ids = [i[:20] for i in post.getlist(name)][:50]
    return list(Person.objects.filter(public_id__in=ids))


def _posted_change(
    service: Callable[..., Any],
    done: str,
    *,
    revised: bool = True,
    form: str = "",
    **fields: Callable[[QueryDict, str], Any],
) -> Callable[[HttpRequest, str], HttpResponse]:
    """The view of a case's button: the service gets the case, the viewer, each of the
    `fields` as its reader gets it from the form (and the revision the page showed, when
    `revised`); see `_change`. With a `form` name, what the service refuses in the
    typed fields comes back on the case page with that form's errors (`_refused`)."""

    @org_required()
    @case_post
    def view(request: OrgRequest, found: PromotionCase) -> HttpResponse:
        posted = {name: read(request.POST, name) for name, read in fields.items()}
        if revised:
            posted["expected_revision"] = revision(request)
        if not form:
            return _change(
                request, found, lambda: service(found, actor=request.user, **posted), done
            )
        try:
            service(found, actor=request.user, **posted)
        except ReviewError as exc:
            return _refused(request, found, exc, form)
        messages.success(request, done)
        return to_case(found)

    return view


people = _posted_change(
    services.set_case_people,
    "Reviewers and approvers were saved.",
    reviewers=_people,
    approvers=_people,
)
withdraw = _posted_change(
    services.withdraw_case,
    "The case was withdrawn. Its record is kept as it was.",
    form="withdraw",
    reason=_text,
)
verdict = _posted_change(
    services.record_verdict,
    "Your verdict was recorded.",
    verdict=_text,
    comment=_text,
    revised=False,
    form="verdict",
)


def decide_from_post(request: OrgRequest, found: PromotionCase) -> PromotionCase:
    """Decide a case from a decision form (the case page and the round share it)."""
    post = request.POST
    gaps = post.getlist("gaps") if post.get("decision") == "not_yet" else None
    return services.decide_case(
        found,
        actor=request.user,
        expected_revision=revision(request),
        decision=post.get("decision", ""),
        rationale=post.get("rationale", ""),
        effective_date=date_or_none(post.get("effective_date", "")),
        gaps=gaps if gaps else None,
    )


def decided_message(found: PromotionCase) -> str:
    name = found.person.name
    if found.approved:
        return (
            f"Approved: {name} moves to {found.target_label} from "
            f"{found.effective_date:%-d %b %Y}; their level history records it."
        )
    label = PromotionCase.Decision(found.decision).label
    return f"Decided: {label.lower()}. {name} can now see the outcome and the rationale."


@org_required()
@case_post
def decide(request: OrgRequest, found: PromotionCase) -> HttpResponse:
    round_back = found.round if request.POST.get("back") == "round" else None
    try:
        decide_from_post(request, found)
    except ReviewError as exc:
        if round_back and (isinstance(exc, StaleError) or not exc.errors):
            return fail(request, exc, "promotions:round", round_id=round_back.public_id)
        post = request.POST
        typed = {
            "decision": post.get("decision", ""),
            "rationale": post.get("rationale", ""),
            "effective_date": post.get("effective_date", ""),
            "gaps": post.getlist("gaps"),
        }
        # from the round: corrected on the case page, then back to the round
        back = "round" if round_back else ""
        return _refused(request, found, exc, "decide", decide_posted=typed, decide_back=back)
    found.refresh_from_db()
    messages.success(request, decided_message(found))
    if round_back:
        return redirect("promotions:round", round_id=round_back.public_id)
    return to_case(found)


@org_required()
@require_http_methods(["GET", "POST"])
def accept(request: OrgRequest, gap_id: str) -> HttpResponse:
    """The nominee takes a gap of a "not yet" into their development plan."""
    gap = gap_or_404(request, gap_id)
    if request.method != "POST":
        return redirect("promotions:case", case_id=gap.case.public_id)
    try:
        item = services.accept_gap(gap, actor=request.user)
    except ReviewError as exc:
        return fail(request, exc, "promotions:case", case_id=gap.case.public_id)
    messages.success(request, f"“{item.title}” is now an action item in your development plan.")
    return redirect("promotions:case", case_id=gap.case.public_id)


@org_required()
@require_GET
def packet(request: OrgRequest, case_id: str) -> HttpResponse:
    """The promotion packet: the case, the evidence per statement, the rating history,
    the decision, who approved it and when, and the framework version."""
    found = full_case_or_404(request, case_id)
    context = case_context(request, found)
    context.update(
        {
            "pdf": True,
            "record": found.record if found.is_decided else {},
            "printed_at": timezone.now(),
            "printed_by": person_for_user(request.user),
        }
    )
    pdf = render_pdf("promotions/packet_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(f"{found.person.name} promotion packet {found.target_level_code}")
    response["Content-Disposition"] = f'attachment; filename="{name or "promotion-packet"}.pdf"'
    return response
