"""Every operation of the API, with what each role gets (tests/api/test_access.py).

An operation missing here fails `test_every_operation_is_classified`. For each one:
`params` maps path parameters to objects built below (inside `scope(acme)`), `body`
builds a valid request body from those objects, and `expect` gives the status for each
Acme role (owner, hr, manager, employee). The outsider (Globex's owner, with a write
token) must get 404 on every operation that names an Acme object, and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("owner", "hr", "manager", "employee")
EVERYONE = {"owner": 200, "hr": 200, "manager": 200, "employee": 200}


def admins(ok: int = 200) -> dict[str, int]:
    return {"owner": ok, "hr": ok, "manager": 403, "employee": 403}


# HR and the managers above the person (a promotion case of Max's report)
WRITERS = {"owner": 200, "hr": 200, "manager": 200, "employee": 404}
ON_COMMITTEE = WRITERS


@dataclass
class Op:
    expect: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)
    body: Callable[[dict[str, Any]], Any] | None = None
    multipart: bool = False


def _workbook(objects: dict[str, Any]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    data = objects["workbook"]
    return {"file": SimpleUploadedFile("ladder.xlsx", data, xlsx), "dry_run": "true"}


def _note_file(objects: dict[str, Any]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    note = SimpleUploadedFile("notes.txt", b"Ran the Q2 roadmap review.\n", "text/plain")
    return {"file": note, "revision": str(objects["draft_case"].revision)}


OPS: dict[tuple[str, str], Op] = {
    ("GET", "/api/v1/me"): Op(EVERYONE),
    ("GET", "/api/v1/people"): Op(EVERYONE),
    ("POST", "/api/v1/people"): Op(
        admins(201), body=lambda o: {"name": "Nia New", "email": "nia@acme.test"}
    ),
    ("GET", "/api/v1/people/{id}"): Op(EVERYONE, params={"id": "person"}),
    ("PATCH", "/api/v1/people/{id}"): Op(
        admins(),
        params={"id": "person"},
        body=lambda o: {"revision": o["person"].revision, "title": "Changed"},
    ),
    ("GET", "/api/v1/frameworks"): Op(admins()),
    ("GET", "/api/v1/frameworks/{key}/versions/{number}"): Op(
        EVERYONE, params={"key": "family_key", "number": "version_number"}
    ),
    ("POST", "/api/v1/frameworks/{key}/publish"): Op(
        admins(), params={"key": "family_key"}, body=lambda o: {"note": "Second version"}
    ),
    ("POST", "/api/v1/frameworks/import"): Op(admins(), body=_workbook, multipart=True),
    ("GET", "/api/v1/frameworks/imports/{id}"): Op(admins(), params={"id": "import_job"}),
    ("POST", "/api/v1/frameworks/imports/{id}/confirm"): Op(admins(), params={"id": "import_job"}),
    ("GET", "/api/v1/frameworks/export"): Op(admins()),
    # --- reviews: Emma (employee) is reviewed; Max (manager) writes her manager review
    ("GET", "/api/v1/cycles"): Op(EVERYONE),
    ("POST", "/api/v1/cycles"): Op(
        admins(201), body=lambda o: {"name": "Next", "participants": [o["person"].public_id]}
    ),
    ("GET", "/api/v1/cycles/{id}"): Op(EVERYONE, params={"id": "open_cycle"}),
    ("POST", "/api/v1/cycles/{id}/launch"): Op(
        admins(), params={"id": "draft_cycle"}, body=lambda o: {"revision": 0}
    ),
    ("POST", "/api/v1/cycles/{id}/calibrate"): Op(
        admins(), params={"id": "open_cycle"}, body=lambda o: {"revision": o["open_cycle"].revision}
    ),
    ("POST", "/api/v1/cycles/{id}/release"): Op(
        admins(),
        params={"id": "calibration_cycle"},
        body=lambda o: {"revision": o["calibration_cycle"].revision},
    ),
    ("GET", "/api/v1/cycles/{id}/forms"): Op(EVERYONE, params={"id": "open_cycle"}),
    # Emma's own self-review: HR may read it, may not write it; Max sees it once submitted
    ("GET", "/api/v1/forms/{id}"): Op(
        {"owner": 200, "hr": 200, "manager": 404, "employee": 200}, params={"id": "self_form"}
    ),
    ("PATCH", "/api/v1/forms/{id}"): Op(
        {"owner": 403, "hr": 403, "manager": 404, "employee": 200},
        params={"id": "self_form"},
        body=lambda o: {"revision": o["self_form"].revision, "overall_comment": "Good half"},
    ),
    ("POST", "/api/v1/forms/{id}/submit"): Op(
        {"owner": 403, "hr": 403, "manager": 404, "employee": 200},
        params={"id": "answered_form"},
        body=lambda o: {"revision": o["answered_form"].revision},
    ),
    ("GET", "/api/v1/cycles/{id}/final-ratings"): Op(admins(), params={"id": "calibration_cycle"}),
    ("PATCH", "/api/v1/cycles/{id}/final-ratings"): Op(
        admins(),
        params={"id": "calibration_cycle"},
        body=lambda o: {
            "reviewee": o["person"].public_id,
            "competency": o["competency_uid"],
            "rating": 3,
            "reason": "Calibrated with the other PM leads",
        },
    ),
    # --- growth: Emma's released cycle and her action item
    ("GET", "/api/v1/people/{id}/gap-report"): Op(EVERYONE, params={"id": "person"}),
    ("GET", "/api/v1/action-items"): Op(EVERYONE),
    ("POST", "/api/v1/action-items"): Op(
        {"owner": 201, "hr": 201, "manager": 201, "employee": 201},
        body=lambda o: {
            "person": o["person"].public_id,
            "competency": o["competency_uid"],
            "title": "Lead the next roadmap review",
        },
    ),
    ("GET", "/api/v1/action-items/{id}"): Op(EVERYONE, params={"id": "action_item"}),
    ("PATCH", "/api/v1/action-items/{id}"): Op(
        EVERYONE,
        params={"id": "action_item"},
        body=lambda o: {"revision": o["action_item"].revision, "status": "in_progress"},
    ),
    # --- promotions: Emma's "not yet" (she reads its outcome), her case in review
    # (Max reviews it), Pia's written draft (Max's report, not Emma's to see)
    ("GET", "/api/v1/promotions"): Op(EVERYONE),
    ("POST", "/api/v1/promotions"): Op(
        {"owner": 201, "hr": 201, "manager": 201, "employee": 404},
        body=lambda o: {"person": o["other_report"].public_id, "target_level": "PM3"},
    ),
    ("GET", "/api/v1/promotions/{id}"): Op(EVERYONE, params={"id": "decided_case"}),
    ("PATCH", "/api/v1/promotions/{id}"): Op(
        WRITERS,
        params={"id": "draft_case"},
        body=lambda o: {"revision": o["draft_case"].revision, "summary": "Ready now"},
    ),
    ("POST", "/api/v1/promotions/{id}/submit"): Op(
        WRITERS, params={"id": "draft_case"}, body=lambda o: {"revision": o["draft_case"].revision}
    ),
    ("POST", "/api/v1/promotions/{id}/withdraw"): Op(
        WRITERS,
        params={"id": "draft_case"},
        body=lambda o: {"revision": o["draft_case"].revision, "reason": "Moved team"},
    ),
    ("POST", "/api/v1/promotions/{id}/verdict"): Op(
        {"owner": 403, "hr": 403, "manager": 200, "employee": 404},
        params={"id": "review_case"},
        body=lambda o: {"verdict": "approve", "comment": "Clear case"},
    ),
    ("POST", "/api/v1/promotions/{id}/decision"): Op(
        {"owner": 200, "hr": 200, "manager": 403, "employee": 404},
        params={"id": "review_case"},
        body=lambda o: {
            "decision": "approve",
            "rationale": "Meets every PM3 statement",
            "effective_date": "2026-07-01",
        },
    ),
    ("GET", "/api/v1/promotions/readiness"): Op(
        {"owner": 200, "hr": 200, "manager": 200, "employee": 403}
    ),
    ("GET", "/api/v1/promotions/{id}/evidence"): Op(WRITERS, params={"id": "draft_case"}),
    # only the nominee takes a gap of her "not yet" into her plan
    ("POST", "/api/v1/promotions/{id}/gaps/{statement}/accept"): Op(
        {"owner": 403, "hr": 403, "manager": 403, "employee": 201},
        params={"id": "decided_case", "statement": "gap_statement"},
    ),
    ("POST", "/api/v1/promotions/{id}/files"): Op(
        {**WRITERS, "owner": 201, "hr": 201, "manager": 201},
        params={"id": "draft_case"},
        body=_note_file,
        multipart=True,
    ),
    ("GET", "/api/v1/promotions/{id}/files/{file}"): Op(
        WRITERS, params={"id": "draft_case", "file": "case_file"}
    ),
    ("POST", "/api/v1/promotions/{id}/files/{file}/remove"): Op(
        WRITERS,
        params={"id": "draft_case", "file": "case_file"},
        body=lambda o: {"revision": o["draft_case"].revision},
    ),
    ("GET", "/api/v1/analytics/promotions"): Op(admins()),
    # a round with Max on its committee and no cases yet
    ("GET", "/api/v1/promotion-rounds"): Op(EVERYONE),
    ("POST", "/api/v1/promotion-rounds"): Op(
        admins(201), body=lambda o: {"name": "Autumn", "committee": [o["person"].public_id]}
    ),
    ("GET", "/api/v1/promotion-rounds/{id}"): Op(ON_COMMITTEE, params={"id": "round"}),
    ("PATCH", "/api/v1/promotion-rounds/{id}"): Op(
        {**ON_COMMITTEE, "manager": 403},
        params={"id": "round"},
        body=lambda o: {"revision": o["round"].revision, "notes": "Bring the packets"},
    ),
    ("POST", "/api/v1/promotion-rounds/{id}/close"): Op(
        {**ON_COMMITTEE, "manager": 403},
        params={"id": "round"},
        body=lambda o: {"revision": o["round"].revision},
    ),
}


def _promotion_cases(world: Any, t: Any) -> dict[str, Any]:
    """Emma's "not yet" case and her case in review (Max reviews it); Pia's written draft;
    a round with Max on its committee."""
    from promotions import services
    from tests.promotions.helpers import attach, case_in_review, decide, write_all

    decided = case_in_review(world, t, target="PM3")
    gap = decided.statements.order_by("position")[0].statement_uid
    rationale = "Not this year: the roadmap work is still ahead."
    decide(decided, world.hr, "not_yet", rationale, gaps=[gap])
    review = case_in_review(world, t, target="PM3", reviewers=[world.p_manager])
    pm3 = t.levels["PM3"].uid
    draft = services.open_case(t.peers[0], actor=world.manager, target_level_uid=pm3)
    write_all(draft, world.manager)
    note = attach(draft, world.manager, "launch-review.txt", b"The launch review Pia ran.\n")
    for case in (decided, review, draft):
        case.refresh_from_db()
    round = services.create_round(
        world.acme, actor=world.hr, name="Spring", committee=[world.p_manager]
    )
    return {
        "round": round,
        "gap_statement": gap,
        "case_file": note,
        "decided_case": decided,
        "review_case": review,
        "draft_case": draft,
        "other_report": t.peers[1],
    }


def build_objects(world: Any) -> dict[str, Any]:
    """Acme objects the operations name (built inside scope(acme)): the review team of
    tests/reviews/factories.py (Emma PM2 reporting to Max), a draft of its family, an
    import, and review cycles in each state."""
    from frameworks.services import start_draft
    from growth.services import create_action_item
    from reviews import services
    from reviews.models import FinalRating
    from spreadsheets.services import export_workbook, start_import
    from tests.reviews.factories import team
    from tests.reviews.helpers import fill, form_of, open_cycle

    t = team(world)
    only_self_and_manager = {"self": True, "manager": True, "peers": 0}
    draft_cycle = services.create_cycle(
        world.acme, name="Draft", actor=world.hr, participants=[t.emma]
    )
    calibration = open_cycle(world, t, inputs=only_self_and_manager)
    fill(form_of(calibration, "self"), world.employee, 3)
    fill(form_of(calibration, "manager"), world.manager, 4)
    services.open_calibration(calibration, expected_revision=calibration.revision, actor=world.hr)
    calibration.refresh_from_db()
    answered = open_cycle(world, t, inputs=only_self_and_manager)
    answered_form = fill(form_of(answered, "self"), world.employee, 3, submit=False)
    cycle = open_cycle(world, t, inputs=only_self_and_manager)
    released = open_cycle(world, t, inputs=only_self_and_manager)
    fill(form_of(released, "self"), world.employee, 3)
    fill(form_of(released, "manager"), world.manager, 2)
    for step in (services.open_calibration, services.finalize_calibration, services.release_cycle):
        released.refresh_from_db()
        step(released, expected_revision=released.revision, actor=world.hr)
    competency_uid = FinalRating.objects.filter(participant__cycle=calibration)[0].competency_uid
    item = create_action_item(
        t.emma, actor=world.hr, competency_uid=competency_uid, title="Read a book on roadmaps"
    )
    promotions = _promotion_cases(world, t)
    start_draft(t.family, actor=world.hr)
    # the organization's own export imports cleanly; checked last, so it is not stale
    workbook = export_workbook(world.acme, include_people=False)
    job = start_import(world.acme, name="ladder.xlsx", data=workbook, actor=world.hr)
    world.p_employee.refresh_from_db()
    return {
        "person": world.p_employee,
        "family_key": t.family.key,
        "version_number": t.v1.number,
        "import_job": job,
        "workbook": workbook,
        "draft_cycle": draft_cycle,
        "open_cycle": cycle,
        "calibration_cycle": calibration,
        "self_form": form_of(cycle, "self"),
        "answered_form": answered_form,
        "competency_uid": competency_uid,
        "action_item": item,
        **promotions,
    }
