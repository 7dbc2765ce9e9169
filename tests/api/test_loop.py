"""The loop through the API alone, as a customer's script would run it: load a ladder
from a Master Template, publish it, place people, run a review cycle (launch, the
employee and the manager answer and submit, calibrate one rating with a reason,
release), read the gap report, add an action item and complete it, then open a
promotion case, write it, send it for review, approve it and see the new level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spreadsheets.writer import build_workbook
from tests.framework_fixtures import small_family

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()


def test_the_whole_loop_through_the_api(world, api_for):
    hr, emma, max_ = api_for("hr"), api_for("employee"), api_for("manager")

    # a ladder from a Master Template, published with a note
    workbook = build_workbook([small_family()], None)
    upload = {"file": SimpleUploadedFile("pm.xlsx", workbook, XLSX), "dry_run": "false"}
    imported = ok(hr.client.post("/api/v1/frameworks/import", upload, headers=hr.headers))
    assert imported["status"] == "done"
    family = ok(hr.get("frameworks"))["items"][0]
    assert family["has_draft"] and family["published_version"] is None
    version = ok(hr.post(f"frameworks/{family['key']}/publish", {"note": "First ladder"}))
    assert version["number"] == 1
    assert [lv["next"] for lv in version["levels"] if lv["code"] == "PM2"] == [["PM3"]]

    # people placed on it: Max (PM3) manages Emma (PM2)
    me_emma, me_max = ok(emma.get("me"))["person"], ok(max_.get("me"))["person"]
    for person, level in ((me_max, "PM3"), (me_emma, "PM2")):
        current = ok(hr.get(f"people/{person}"))
        ok(
            hr.patch(
                f"people/{person}",
                {"revision": current["revision"], "family": family["key"], "level": level},
            )
        )
    assert ok(hr.get(f"people/{me_emma}"))["manager"] == me_max

    # a review cycle
    cycle = ok(
        hr.post(
            "cycles",
            {
                "name": "2026 H1",
                "participants": [me_emma],
                "inputs": {"self": True, "manager": True, "peers": 0},
            },
        ),
        201,
    )
    cycle = ok(hr.post(f"cycles/{cycle['id']}/launch", {"revision": cycle["revision"]}))
    for client, kind, rating in ((emma, "self", 4), (max_, "manager", 2)):
        forms = ok(client.get(f"cycles/{cycle['id']}/forms"))["items"]
        form = next(f for f in forms if f["kind"] == kind)
        detail = ok(client.get(f"forms/{form['id']}"))
        answers = [
            {"statement": i["statement"], "rating": rating, "comment": "Seen in Q1"}
            for i in detail["items"]
        ]
        saved = ok(
            client.patch(
                f"forms/{form['id']}", {"revision": detail["revision"], "answers": answers}
            )
        )
        done = ok(client.post(f"forms/{form['id']}/submit", {"revision": saved["revision"]}))
        assert done["status"] == "submitted"
    cycle = ok(hr.get(f"cycles/{cycle['id']}"))
    assert cycle["completion"]["submitted"] == 2
    cycle = ok(hr.post(f"cycles/{cycle['id']}/calibrate", {"revision": cycle["revision"]}))
    finals = ok(hr.get(f"cycles/{cycle['id']}/final-ratings"))["items"]
    raised = finals[0]
    ok(
        hr.patch(
            f"cycles/{cycle['id']}/final-ratings",
            {
                "reviewee": me_emma,
                "competency": raised["competency"],
                "rating": 3,
                "reason": "Calibrated against the other PM2s",
            },
        )
    )
    cycle = ok(hr.get(f"cycles/{cycle['id']}"))
    assert (
        ok(hr.post(f"cycles/{cycle['id']}/release", {"revision": cycle["revision"]}))["status"]
        == "released"
    )

    # the employee's gap report
    report = ok(emma.get(f"people/{me_emma}/gap-report"))
    by_uid = {c["uid"]: c for c in report["competencies"]}
    assert by_uid[raised["competency"]]["final"] == 3.0
    top = report["competencies"][0]
    assert top["gap"] is not None and float(top["gap"]) > 0
    assert report["readiness"][0]["level"] == "PM3"

    # an action item for the largest gap, completed
    due = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    item = ok(
        emma.post(
            "action-items",
            {
                "person": me_emma,
                "competency": top["uid"],
                "title": "Write the next roadmap",
                "due": due,
            },
        ),
        201,
    )
    item = ok(
        max_.patch(
            f"action-items/{item['id']}",
            {"revision": item["revision"], "status": "done", "note": "Reviewed"},
        )
    )
    assert item["status"] == "done"
    listed = ok(hr.get(f"action-items?person={me_emma}&status=done"))
    assert listed["count"] == 1

    # a promotion: Max opens Emma's case for PM3, writes it, sends it; HR approves it
    ready = ok(max_.get(f"people/{me_emma}/gap-report"))["readiness"][0]
    case = ok(max_.post("promotions", {"person": me_emma, "target_level": ready["level"]}), 201)
    assert case["status"] == "draft" and case["from_level"] == "PM2"
    words = [
        {"statement": s["statement"], "argument": "Ran the Q2 roadmap review alone"}
        for s in case["case"]
    ]
    case = ok(max_.patch(f"promotions/{case['id']}", {"revision": case["revision"], "case": words}))
    case = ok(max_.post(f"promotions/{case['id']}/submit", {"revision": case["revision"]}))
    assert case["status"] == "in_review"
    assert emma.get(f"promotions/{case['id']}").status_code == 404  # not hers to read yet
    case = ok(
        hr.post(
            f"promotions/{case['id']}/decision",
            {
                "decision": "approve",
                "rationale": "Shows every PM3 statement",
                "effective_date": "2026-07-01",
            },
        )
    )
    assert case["status"] == "decided" and case["decision"] == "approve"
    assert ok(hr.get(f"people/{me_emma}"))["level"] == "PM3"
    outcome = ok(emma.get(f"promotions/{case['id']}"))
    assert outcome["decision"] == "approve" and outcome["case"] is None
    again = hr.patch(f"promotions/{case['id']}", {"revision": case["revision"], "summary": "x"})
    assert again.status_code == 409
