"""Promotion cases through the API: open, write, send, decide; a decided case answers
409 to every change; the nominee reads only the outcome; problems name the field;
lists keep their query count; the fairness analytics for HR."""

from __future__ import annotations

from typing import Any

import pytest

from organizations.models import AuditEntry
from organizations.scoping import scope
from promotions.models import PromotionCase
from tests.api.test_basics import assert_problem
from tests.reviews.factories import team

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(world):
    with scope(world.acme):
        return team(world)


def ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    return response.json()


def opened(client: Any, person: str, **extra: Any) -> dict[str, Any]:
    return ok(client.post("promotions", {"person": person, "target_level": "PM3", **extra}), 201)


def written(client: Any, case: dict[str, Any]) -> dict[str, Any]:
    words = [{"statement": s["statement"], "argument": "Led the Q2 review"} for s in case["case"]]
    case = ok(
        client.patch(f"promotions/{case['id']}", {"revision": case["revision"], "case": words})
    )
    return ok(client.post(f"promotions/{case['id']}/submit", {"revision": case["revision"]}))


def test_open_write_and_decide_not_yet(world, t, api_for):
    max_, hr, emma = api_for("manager"), api_for("hr"), api_for("employee")
    emma_id = world.p_employee.public_id
    case = opened(max_, emma_id, summary="Runs the roadmap already")
    assert case["target_level"] == "PM3" and case["family"] == t.family.key
    assert case["case"] and all(s["level"] == "PM3" and s["argument"] == "" for s in case["case"])
    assert emma.get(f"promotions/{case['id']}").status_code == 404  # not hers while open
    case = written(max_, case)
    gap = case["case"][0]["statement"]
    decided = ok(
        hr.post(
            f"promotions/{case['id']}/decision",
            {"decision": "not_yet", "rationale": "Not yet: one more cycle", "gaps": [gap]},
        )
    )
    assert decided["decision"] == "not_yet" and decided["status"] == "decided"
    assert [g["statement"] for g in decided["gaps"]] == [gap]
    outcome = ok(emma.get(f"promotions/{case['id']}"))
    assert outcome["rationale"] == "Not yet: one more cycle"
    assert outcome["case"] is None and outcome["reviewers"] is None
    assert outcome["summary"] is None and outcome["decided_by"] is None
    assert outcome["gaps"][0]["accepted"] is False
    assert ok(emma.get("promotions"))["count"] == 1
    assert_problem(emma.patch(f"promotions/{case['id']}", {"revision": 0}), 403)
    with scope(world.acme):
        entry = AuditEntry.objects.filter(action="promotion_case.decided").get()
    assert entry.actor == world.hr and entry.data["via"].startswith("API token")


def test_a_decided_case_answers_409_to_every_change(world, t, api_for):
    max_, hr = api_for("manager"), api_for("hr")
    case = written(max_, opened(max_, world.p_employee.public_id))
    decided = ok(
        hr.post(
            f"promotions/{case['id']}/decision",
            {"decision": "decline", "rationale": "The scope is not there yet"},
        )
    )
    rev = decided["revision"]
    url = f"promotions/{case['id']}"
    for response in (
        hr.patch(url, {"revision": rev, "summary": "Changed"}),
        hr.post(f"{url}/decision", {"decision": "approve", "rationale": "On reflection"}),
        hr.post(f"{url}/submit", {"revision": rev}),
        hr.post(f"{url}/withdraw", {"revision": rev, "reason": "Oops"}),
    ):
        body = assert_problem(response, 409)
        assert "decided" in body["detail"]
    assert ok(hr.get(url)) == decided


def test_stale_revisions_and_problems_name_the_field(world, t, api_for):
    max_, hr = api_for("manager"), api_for("hr")
    emma_id = world.p_employee.public_id
    bad_level = hr.post("promotions", {"person": emma_id, "target_level": "PM9"})
    assert "target_level" in {e["field"] for e in assert_problem(bad_level, 422)["errors"]}
    case = opened(max_, emma_id)
    again = max_.post("promotions", {"person": emma_id, "target_level": "PM3"})
    assert "already has an open promotion case" in assert_problem(again, 409)["detail"]
    stale = max_.patch(f"promotions/{case['id']}", {"revision": 99, "summary": "Late"})
    assert assert_problem(stale, 409)
    unsent = max_.post(f"promotions/{case['id']}/submit", {"revision": case["revision"]})
    fields = {e["field"] for e in assert_problem(unsent, 422)["errors"]}
    assert fields == {f"case.{s['statement']}.argument" for s in case["case"]}
    bad_ref = max_.patch(
        f"promotions/{case['id']}",
        {
            "revision": case["revision"],
            "case": [{"statement": case["case"][0]["statement"], "evidence": ["rating:nope"]}],
        },
    )
    field = f"case.{case['case'][0]['statement']}.evidence"
    assert field in {e["field"] for e in assert_problem(bad_ref, 422)["errors"]}
    case = written(max_, case)
    no_reason = hr.post(f"promotions/{case['id']}/decision", {"decision": "approve"})
    assert "rationale" in {e["field"] for e in assert_problem(no_reason, 422)["errors"]}
    no_date = hr.post(
        f"promotions/{case['id']}/decision", {"decision": "approve", "rationale": "Ready"}
    )
    assert "effective_date" in {e["field"] for e in assert_problem(no_date, 422)["errors"]}
    assert_problem(  # Max writes the case; he does not decide it
        max_.post(
            f"promotions/{case['id']}/decision",
            {"decision": "approve", "rationale": "Ready", "effective_date": "2026-07-01"},
        ),
        403,
    )
    with scope(world.acme):
        assert PromotionCase.objects.get(public_id=case["id"]).status == "in_review"


def test_reviewers_give_verdicts_and_approvers_come_first(world, t, api_for):
    max_, hr, owner = api_for("manager"), api_for("hr"), api_for("owner")
    case = opened(max_, world.p_employee.public_id)
    named = ok(
        hr.patch(
            f"promotions/{case['id']}",
            {
                "revision": case["revision"],
                "reviewers": [world.p_manager.public_id],
                "approvers": [world.p_owner.public_id],
            },
        )
    )
    assert {(r["name"], r["role"]) for r in named["reviewers"]} == {
        ("Max Manager", "reviewer"),
        ("Olivia Owner", "approver"),
    }
    case = written(max_, named)
    verdict = ok(max_.post(f"promotions/{case['id']}/verdict", {"verdict": "approve"}))
    assert {r["role"]: r["verdict"] for r in verdict["reviewers"]}["reviewer"] == "approve"
    decide = {"decision": "approve", "rationale": "Ready", "effective_date": "2026-07-01"}
    waiting = hr.post(f"promotions/{case['id']}/decision", decide)
    assert "Waiting for Olivia Owner" in assert_problem(waiting, 422)["errors"][0]["message"]
    ok(owner.post(f"promotions/{case['id']}/verdict", {"verdict": "approve"}))
    assert ok(hr.post(f"promotions/{case['id']}/decision", decide))["decision"] == "approve"
    assert ok(hr.get(f"people/{world.p_employee.public_id}"))["level"] == "PM3"


def test_withdraw_needs_a_reason(world, t, api_for):
    max_ = api_for("manager")
    case = opened(max_, world.p_employee.public_id)
    url = f"promotions/{case['id']}/withdraw"
    blank = max_.post(url, {"revision": case["revision"], "reason": "  "})
    assert "reason" in {e["field"] for e in assert_problem(blank, 422)["errors"]}
    done = ok(max_.post(url, {"revision": case["revision"], "reason": "Moved to another team"}))
    assert done["status"] == "withdrawn" and done["withdrawn_at"]


def test_the_list_keeps_its_query_count(world, t, api_for, django_assert_max_num_queries):
    hr = api_for("hr")

    def open_for(start: int, n: int) -> None:
        from promotions.services import open_case
        from tests.factories import make_people

        with scope(world.acme):
            nominees = make_people(
                world,
                n,
                start=start,
                actor=world.hr,
                name="Nominee {}",
                email="nominee{}@acme.test",
                manager=t.max,
                job_family=t.family,
                level=t.levels["PM1"],
            )
            for person in nominees:
                open_case(person, actor=world.hr, target_level_uid=t.levels["PM2"].uid)

    open_for(0, 2)
    # each request also counts itself in the shared (database) rate-limit cache
    with django_assert_max_num_queries(30) as few:
        assert hr.get("promotions?limit=200").json()["count"] == 2
    open_for(2, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert hr.get("promotions?limit=200").json()["count"] == 10


def test_fairness_analytics_for_hr_only(world, t, api_for):
    from fairness import services

    rows = "".join(f"w{i}@old.test,Women,{'yes' if i < 2 else 'no'},Gender\n" for i in range(6))
    rows += "".join(f"m{i}@old.test,Men,{'yes' if i < 5 else 'no'},Gender\n" for i in range(6))
    with scope(world.acme):
        services.upload_past_decisions(
            world.acme,
            actor=world.hr,
            filename="past.csv",
            data=("email,group,promoted,attribute\n" + rows).encode(),
            default_attribute="Gender",
        )
    groups = {g["group"]: g for g in ok(api_for("hr").get("analytics/promotions"))["items"]}
    assert groups["Women"]["n"] == 6 and groups["Women"]["promoted"] == 2
    assert groups["Women"]["flag"] is True and groups["Women"]["impact_ratio"] == 0.4
    assert groups["Women"]["test"] == "fisher_exact" and groups["Men"]["suppressed"] is False
    assert_problem(api_for("manager").get("analytics/promotions"), 403)


def test_not_yet_gaps_become_the_nominees_action_items(world, t, api_for):
    max_, hr, emma = api_for("manager"), api_for("hr"), api_for("employee")
    case = written(max_, opened(max_, world.p_employee.public_id))
    uid = case["case"][0]["statement"]
    ok(
        hr.post(
            f"promotions/{case['id']}/decision",
            {"decision": "not_yet", "rationale": "One more cycle", "gaps": [uid]},
        )
    )
    url = f"promotions/{case['id']}/gaps/{uid}/accept"
    assert_problem(max_.post(url), 403)  # only Emma takes it into her plan
    item = ok(emma.post(url), 201)
    assert item["person"] == world.p_employee.public_id and item["status"] == "open"
    assert_problem(emma.post(url), 409)  # once
    gap = ok(emma.get(f"promotions/{case['id']}"))["gaps"][0]
    assert gap["accepted"] and gap["action_item"] == item["id"]
    assert_problem(emma.post(f"promotions/{case['id']}/gaps/nope/accept"), 404)


def test_evidence_options_are_cited_by_ref(world, t, api_for):
    from tests.reviews.helpers import fill, form_of, open_cycle

    with scope(world.acme):
        from reviews import services as reviews

        cycle = open_cycle(
            world, t, inputs={"self": True, "manager": True, "peers": 0}, include_next_level=True
        )
        fill(form_of(cycle, "self"), world.employee, 4)
        fill(form_of(cycle, "manager"), world.manager, 3)
        for step in (reviews.open_calibration, reviews.finalize_calibration):
            cycle.refresh_from_db()
            step(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
        reviews.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    max_ = api_for("manager")
    case = opened(max_, world.p_employee.public_id)
    choices = ok(max_.get(f"promotions/{case['id']}/evidence"))["statements"]
    first = choices[0]
    ratings = [o for o in first["options"] if o["kind"] == "rating"]
    assert ratings and all(o["cited"] for o in ratings)  # pulled in when opened
    changed = ok(
        max_.patch(
            f"promotions/{case['id']}",
            {
                "revision": case["revision"],
                "case": [{"statement": first["statement"], "evidence": [ratings[0]["ref"]]}],
            },
        )
    )
    cited = next(s for s in changed["case"] if s["statement"] == first["statement"])
    assert [e["ref"] for e in cited["evidence"]] == [ratings[0]["ref"]]
    assert api_for("employee").get(f"promotions/{case['id']}/evidence").status_code == 404


def test_readiness_for_leads_with_a_constant_query_count(
    world, t, api_for, django_assert_max_num_queries
):
    from tests.reviews.factories import more_people

    hr = api_for("hr")
    assert_problem(api_for("employee").get("promotions/readiness"), 403)
    with django_assert_max_num_queries(40) as few:
        small = ok(hr.get("promotions/readiness?everyone=true"))
    with scope(world.acme):
        more_people(world, t, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = ok(hr.get("promotions/readiness?everyone=true&limit=200"))
    assert large["count"] == small["count"] + 12 and large["rule"]
    emma = next(c for c in large["items"] if c["person"] == world.p_employee.public_id)
    assert emma["level"] == "PM2" and [x["level"] for x in emma["targets"]] == ["PM3"]
    assert ok(hr.get("promotions/readiness"))["count"] == 0  # nobody reviewed: nobody ready
    mine = ok(api_for("manager").get("promotions/readiness?everyone=true&limit=200"))
    assert world.p_manager.public_id not in {c["person"] for c in mine["items"]}


def test_a_round_is_set_up_changed_and_closed(world, t, api_for):
    max_, hr = api_for("manager"), api_for("hr")
    case = written(max_, opened(max_, world.p_employee.public_id))
    made = ok(
        hr.post(
            "promotion-rounds",
            {"name": "Spring", "committee": [world.p_owner.public_id], "cases": [case["id"]]},
        ),
        201,
    )
    assert made["cases"] == [case["id"]] and made["committee"][0]["name"] == "Olivia Owner"
    assert_problem(max_.get(f"promotion-rounds/{made['id']}"), 404)  # not on the committee
    assert_problem(hr.post("promotion-rounds", {"name": "", "committee": []}), 422)
    changed = ok(
        hr.patch(
            f"promotion-rounds/{made['id']}",
            {"revision": made["revision"], "decide_by": "2026-06-30"},
        )
    )
    assert changed["decide_by"] == "2026-06-30" and changed["cases"] == [case["id"]]
    early = hr.post(f"promotion-rounds/{made['id']}/close", {"revision": changed["revision"]})
    assert "Decide every case" in assert_problem(early, 409)["detail"]
    owner = api_for("owner")
    decide = {"decision": "approve", "rationale": "Ready", "effective_date": "2026-07-01"}
    ok(owner.post(f"promotions/{case['id']}/decision", decide))
    closed = ok(hr.post(f"promotion-rounds/{made['id']}/close", {"revision": changed["revision"]}))
    assert closed["status"] == "closed"
    stale = hr.patch(f"promotion-rounds/{made['id']}", {"revision": closed["revision"]})
    assert_problem(stale, 409)


def test_files_are_attached_cited_downloaded_and_removed(world, t, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    max_, emma = api_for("manager"), api_for("employee")
    case = opened(max_, world.p_employee.public_id)
    url = f"/api/v1/promotions/{case['id']}/files"

    def upload(name: str, data: bytes, revision: int) -> Any:
        body = {"file": SimpleUploadedFile(name, data), "revision": str(revision)}
        return max_.client.post(url, body, headers=max_.headers)

    refused = upload("tool.exe", b"MZ\x90\x00binary", case["revision"])
    assert "file" in {e["field"] for e in assert_problem(refused, 422)["errors"]}
    note = ok(upload("q2.txt", b"Ran the Q2 roadmap review.\n", case["revision"]), 201)
    assert note["content_type"] == "text/plain" and note["size"] == 27
    assert_problem(upload("late.txt", b"Late\n", case["revision"]), 409)  # stale revision
    case = ok(max_.get(f"promotions/{case['id']}"))
    first = case["case"][0]["statement"]
    cited = ok(
        max_.patch(
            f"promotions/{case['id']}",
            {
                "revision": case["revision"],
                "case": [{"statement": first, "evidence": [note["ref"]]}],
            },
        )
    )
    assert [e["ref"] for e in cited["case"][0]["evidence"]] == [note["ref"]]
    download = max_.get(f"promotions/{case['id']}/files/{note['id']}")
    assert download.status_code == 200 and download.content == b"Ran the Q2 roadmap review.\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert emma.get(f"promotions/{case['id']}/files/{note['id']}").status_code == 404
    removed = ok(
        max_.post(
            f"promotions/{case['id']}/files/{note['id']}/remove", {"revision": cited["revision"]}
        )
    )
    assert removed["files"] == [] and removed["case"][0]["evidence"] == []


def test_a_sent_case_keeps_its_words_and_files_but_not_its_reviewers(world, t, api_for):
    """As on the pages: reviewers judge the case as it was sent; who reviews can change."""
    max_, hr = api_for("manager"), api_for("hr")
    case = written(max_, opened(max_, world.p_employee.public_id))
    url = f"promotions/{case['id']}"
    late = max_.patch(url, {"revision": case["revision"], "summary": "One more thing"})
    assert "being written" in assert_problem(late, 409)["detail"]
    named = ok(hr.patch(url, {"revision": case["revision"], "reviewers": [world.p_hr.public_id]}))
    assert [r["name"] for r in named["reviewers"]] == ["Hana Hr"]
    assert named["summary"] == case["summary"]
