"""The promotion pages: who may open each one (every role), a case written, reviewed and
decided through the pages, the nominee's view, the packet PDF, and query counts at two
sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from organizations.scoping import scope
from people.models import LevelChange
from promotions import services
from promotions.models import CaseStatement, PromotionCase
from reviews import framework_adapter as fw
from tests.promotions.factories import NOT_READY, READY, promotion_team, reviewed
from tests.promotions.helpers import case_in_review

pytestmark = pytest.mark.django_db
ROLES = ["owner", "hr", "manager", "employee", "peer", "outsider"]


@pytest.fixture
def t(world):
    with scope(world.acme):
        team = promotion_team(world, peers=1)
        reviewed(world, team, READY)
    return team


def client(world, t, role):
    return world.client_for(t.peer_users[0] if role == "peer" else getattr(world, role))


def _open(world, t, target="G3"):
    with scope(world.acme):
        return services.open_case(
            t.emma, actor=world.manager, target_level_uid=t.levels[target].uid
        )


def test_readiness_list_per_role(world, t):
    url = reverse("promotions:readiness")
    got = {role: client(world, t, role).get(url) for role in ROLES}
    assert got["hr"].status_code == 200 and b"Emma Employee" in got["hr"].content
    assert b"Ready" in got["hr"].content and b"5 of 5 statements, 100%" in got["hr"].content
    assert got["manager"].status_code == 200 and b"Emma Employee" in got["manager"].content
    # the manager sees only the people below them
    assert b"Olivia Owner" not in got["manager"].content
    assert got["employee"].status_code == 403 and got["peer"].status_code == 403
    assert got["outsider"].status_code == 200  # Globex's own list, HR of Globex
    assert b"Emma" not in got["outsider"].content


def test_readiness_filters(world, t):
    c = client(world, t, "hr")
    with scope(world.acme):
        family = t.emma.job_family.public_id
        other = world.p_owner.public_id
    assert b"Emma Employee" in c.get(reverse("promotions:readiness"), {"family": family}).content
    assert (
        b"Emma Employee" not in c.get(reverse("promotions:readiness"), {"manager": other}).content
    )
    assert b"Emma Employee" not in c.get(reverse("promotions:readiness"), {"level": "G1"}).content
    everyone = c.get(reverse("promotions:readiness"), {"show": "everyone"}).content
    assert b"Pia Peer" in everyone
    assert b" shown are ready" in everyone


def test_the_ready_only_list_counts_the_ready_without_an_of(world, t):
    """Only the ready are listed by default, so "1 of 1 shown are ready" would say
    nothing (and "0 of 0" less): the line gives the number ready."""
    html = client(world, t, "hr").get(reverse("promotions:readiness")).content.decode()
    assert " shown are ready" not in html and " shown is ready" not in html
    assert "1 ready · " in html


def test_case_written_reviewed_and_decided_through_the_pages(world, t):
    manager = client(world, t, "manager")
    with scope(world.acme):
        g3 = t.levels["G3"].uid
        emma_id = t.emma.public_id
    page = manager.get(reverse("promotions:new", args=[emma_id]))
    assert page.status_code == 200 and b"G3 Senior Engineer" in page.content
    response = manager.post(
        reverse("promotions:new", args=[emma_id]), {"target": g3, "summary": "Leads search."}
    )
    assert response.status_code == 302
    with scope(world.acme):
        case = PromotionCase.objects.get(person=t.emma)
        uids = list(CaseStatement.objects.filter(case=case).values_list("statement_uid", flat=True))
    url = reverse("promotions:case", args=[case.public_id])
    page = manager.get(url)
    assert page.status_code == 200 and b"Manager review in 2026 H1: rated 3" in page.content
    # sending without words for every statement is refused, and says which
    data = {"revision": case.revision, "summary": "Leads search.", "with_evidence": "1"}
    response = manager.post(
        reverse("promotions:save", args=[case.public_id]), {**data, "then": "submit"}, follow=True
    )
    assert b"Write the case for every statement" in response.content
    case.refresh_from_db()
    data = {"revision": case.revision, "summary": "Leads search.", "with_evidence": ""}
    data.update({f"argument-{u}": f"Shown in the search rewrite ({u})." for u in uids})
    response = manager.post(reverse("promotions:save", args=[case.public_id]), data)
    assert response.status_code == 302
    # a stale revision keeps the typed words on the page
    stale = manager.post(
        reverse("promotions:save", args=[case.public_id]),
        {**data, "summary": "My newer words"},
    )
    assert stale.status_code == 200 and b"My newer words" in stale.content
    assert b"Someone else saved this case" in stale.content
    case.refresh_from_db()
    with scope(world.acme):
        owner_pid = world.p_owner.public_id
    manager.post(
        reverse("promotions:people", args=[case.public_id]),
        {"revision": case.revision, "approvers": [owner_pid]},
    )
    case.refresh_from_db()
    manager.post(reverse("promotions:submit", args=[case.public_id]), {"revision": case.revision})
    case.refresh_from_db()
    assert case.status == "in_review"
    # the nominee and an unrelated colleague do not see the case while it is open
    assert client(world, t, "employee").get(url).status_code == 404
    assert client(world, t, "peer").get(url).status_code == 404
    assert client(world, t, "outsider").get(url).status_code == 404
    # the approver gives a verdict; HR decides
    owner = client(world, t, "owner")
    assert b"Your verdict" in owner.get(url).content
    owner.post(reverse("promotions:verdict", args=[case.public_id]), {"verdict": "approve"})
    hr = client(world, t, "hr")
    case.refresh_from_db()
    response = hr.post(
        reverse("promotions:decide", args=[case.public_id]),
        {
            "revision": case.revision,
            "decision": "approve",
            "rationale": "Meets every G3 statement.",
            "effective_date": "2026-04-01",
        },
        follow=True,
    )
    assert b"Approved: Emma Employee moves to G3 Senior Engineer" in response.content
    with scope(world.acme):
        t.emma.refresh_from_db()
        assert fw.level_of(t.emma).level_uid == g3
        assert LevelChange.objects.filter(person=t.emma, level_code="G3").exists()
    # read-only everywhere now
    page = manager.get(url).content
    assert b"Decision: Approved" in page and b'name="argument-' not in page
    assert b"Record the decision" not in hr.get(url).content
    # the nominee sees the outcome (not the deliberations)
    mine = client(world, t, "employee").get(url)
    assert mine.status_code == 200 and b"Congratulations" in mine.content
    assert b"Meets every G3 statement." in mine.content
    assert b"Shown in the search rewrite" not in mine.content
    pdf = hr.get(reverse("promotions:packet", args=[case.public_id]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert (
        client(world, t, "employee")
        .get(reverse("promotions:packet", args=[case.public_id]))
        .status_code
        == 404
    )


def test_not_yet_leaves_gaps_the_nominee_accepts(world, t):
    with scope(world.acme):
        reviewed(world, t, NOT_READY, name="2026 H2")
        case = case_in_review(world, t)
    hr = client(world, t, "hr")
    with scope(world.acme):
        first = CaseStatement.objects.filter(case=case).first().statement_uid
    hr.post(
        reverse("promotions:decide", args=[case.public_id]),
        {"revision": case.revision, "decision": "not_yet", "rationale": "Close.", "gaps": [first]},
    )
    case.refresh_from_db()
    assert case.decision == "not_yet"
    emma = client(world, t, "employee")
    page = emma.get(reverse("promotions:case", args=[case.public_id])).content
    assert b"Add to my development plan" in page
    with scope(world.acme):
        gap = case.gaps.get()
    response = emma.post(reverse("promotions:accept_gap", args=[gap.public_id]), follow=True)
    assert b"In your plan" in response.content
    # nobody else accepts someone's gaps: the manager is told, a colleague gets 404
    refused = client(world, t, "manager").post(
        reverse("promotions:accept_gap", args=[gap.public_id]), follow=True
    )
    assert b"Only the person themselves" in refused.content
    peer = client(world, t, "peer").post(reverse("promotions:accept_gap", args=[gap.public_id]))
    assert peer.status_code == 404
    assert b"Decisions about you" in emma.get(reverse("promotions:index")).content


def test_decision_needs_a_rationale(world, t):
    with scope(world.acme):
        case = case_in_review(world, t)
    response = client(world, t, "hr").post(
        reverse("promotions:decide", args=[case.public_id]),
        {"revision": case.revision, "decision": "approve", "rationale": ""},
        follow=True,
    )
    assert b"Write why" in response.content
    case.refresh_from_db()
    assert case.status == "in_review"


def test_case_pages_per_role(world, t):
    case = _open(world, t)
    expected = {
        "owner": 200,
        "hr": 200,
        "manager": 200,
        "employee": 404,
        "peer": 404,
        "outsider": 404,
    }
    for role, status in expected.items():
        c = client(world, t, role)
        assert c.get(reverse("promotions:case", args=[case.public_id])).status_code == status, role
        if role in ("hr", "employee", "outsider"):  # a PDF takes a moment: three roles
            packet = c.get(reverse("promotions:packet", args=[case.public_id]))
            assert packet.status_code == status, role
    with scope(world.acme):
        emma_id = t.emma.public_id
    new = {"owner": 200, "hr": 200, "manager": 200, "employee": 404, "peer": 404, "outsider": 404}
    for role, status in new.items():
        got = client(world, t, role).get(reverse("promotions:new", args=[emma_id])).status_code
        assert got == status, role


def test_promotion_pages_never_read_volunteered_answers(world, t):
    """The answers' manager refuses any read outside the person's page and the analytics:
    a page that read them would fail; none shows them."""
    from fairness import services as fairness_services

    with scope(world.acme):
        q = fairness_services.create_attribute(
            world.acme, actor=world.hr, name="Gender", options=["Woman", "Nonbinary-x"]
        )
        fairness_services.set_my_answers(
            t.emma, actor=world.employee, answers={q.public_id: "Nonbinary-x"}
        )
        case = case_in_review(world, t)
        round = services.create_round(
            world.acme, actor=world.hr, name="R", committee=[world.p_owner], cases=[case]
        )
    hr = client(world, t, "hr")
    for url in (
        reverse("promotions:readiness") + "?show=everyone",
        reverse("promotions:index"),
        reverse("promotions:case", args=[case.public_id]),
        reverse("promotions:round", args=[round.public_id]),
    ):
        response = hr.get(url)
        assert response.status_code == 200 and b"Nonbinary-x" not in response.content, url


def test_files_through_the_pages(world):
    """Attach a file (checked from its bytes), cite it, download it as an attachment only
    when allowed, and remove it; a file that is not what its name says is refused."""
    import io

    from promotions.models import CaseArtifact, CaseEvidence

    with scope(world.acme):
        team = promotion_team(world, peers=1)
    case = _open(world, team)
    manager = world.client_for(world.manager)
    upload = reverse("promotions:upload", args=[case.public_id])
    bad = manager.post(
        upload,
        {"revision": case.revision, "file": io.BytesIO(b"MZ\x90\x00binary"), "description": ""},
        follow=True,
    )
    assert "is not a readable .pdf file" not in bad.content.decode()  # the name decides first
    assert "Attach a PDF, Word" in bad.content.decode()
    fake = io.BytesIO(b"not really a pdf")
    fake.name = "design.pdf"
    refused = manager.post(upload, {"revision": case.revision, "file": fake}, follow=True)
    assert "“design.pdf” is not a readable .pdf file" in refused.content.decode()
    good = io.BytesIO(b"The search rewrite, in one page.")
    good.name = "rewrite.txt"
    manager.post(upload, {"revision": case.revision, "file": good, "description": "Write-up"})
    with scope(world.acme):
        artifact = CaseArtifact.objects.get(case=case)
        case.refresh_from_db()
        uid = case.statements.first().statement_uid
    page = manager.get(reverse("promotions:case", args=[case.public_id])).content.decode()
    assert "rewrite.txt" in page and f"artifact:{artifact.public_id}" in page
    manager.post(
        reverse("promotions:save", args=[case.public_id]),
        {
            "revision": case.revision,
            "with_evidence": "1",
            f"evidence-{uid}": [f"artifact:{artifact.public_id}"],
        },
    )
    with scope(world.acme):
        assert CaseEvidence.objects.filter(case=case, kind="artifact").count() == 1
    url = reverse("promotions:artifact", args=[artifact.public_id])
    download = manager.get(url)
    assert download.status_code == 200 and download.content == b"The search rewrite, in one page."
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    for user in (world.employee, world.outsider, team.peer_users[0]):
        assert world.client_for(user).get(url).status_code == 404
    case.refresh_from_db()
    manager.post(
        reverse("promotions:remove_file", args=[artifact.public_id]), {"revision": case.revision}
    )
    with scope(world.acme):
        assert not CaseArtifact.objects.filter(case=case).exists()
        assert not CaseEvidence.objects.filter(case=case, kind="artifact").exists()


def test_withdrawing_needs_a_reason_and_closes_the_case(world):
    with scope(world.acme):
        team = promotion_team(world, peers=0)
    case = _open(world, team)
    manager = world.client_for(world.manager)
    url = reverse("promotions:withdraw", args=[case.public_id])
    refused = manager.post(url, {"revision": case.revision, "reason": " "}, follow=True)
    assert b"Say why the case is withdrawn." in refused.content
    manager.post(url, {"revision": case.revision, "reason": "Moved team."})
    case.refresh_from_db()
    assert case.status == "withdrawn" and case.rationale == "Moved team."
    page = manager.get(reverse("promotions:case", args=[case.public_id])).content
    assert b"Withdrawn" in page and b"Moved team." in page and b'name="reason"' not in page
    # nothing changes any more, through any form
    again = manager.post(url, {"revision": case.revision, "reason": "Again"}, follow=True)
    assert b"can no longer be changed" in again.content


def test_a_round_without_a_name_gets_the_error_summary_not_the_browsers_bubble(world, t):
    hr = world.client_for(world.hr)
    page = hr.get(reverse("promotions:round_new")).content.decode()
    # the browser would stop the form with its own bubble before the summary could show
    assert '<form method="post" class="form form--wide" novalidate>' in page
    answer = hr.post(reverse("promotions:round_new"), {"name": ""}).content.decode()
    assert 'class="error-summary"' in answer and 'href="#name-field"' in answer


def _summary_for(page: str, *fields: str) -> bool:
    """The page has the error summary, linking to each field, and each field its error."""
    return 'class="error-summary"' in page and all(
        f'href="#{f}-field"' in page and f'id="{f}-field"' in page for f in fields
    )


def _novalidate(page: str, action: str) -> bool:
    """The form posting to `action` leaves the checking to the server."""
    return " novalidate" in page.split(f'action="{action}"')[1].split(">")[0]


def test_the_case_pages_forms_answer_with_the_error_summary_and_keep_what_was_typed(world, t):
    """The decide, verdict and withdraw forms are checked by the server, not by the
    browser's bubble: a refused one comes back with its error summary, the field's error
    and the words typed."""
    with scope(world.acme):
        case = case_in_review(world, t, reviewers=[world.p_owner])
    hr, owner = client(world, t, "hr"), client(world, t, "owner")
    url = reverse("promotions:case", args=[case.public_id])
    decide, withdraw, verdict = (
        reverse(f"promotions:{a}", args=[case.public_id]) for a in ("decide", "withdraw", "verdict")
    )
    page = hr.get(url).content.decode()
    assert _novalidate(page, decide) and _novalidate(page, withdraw)
    assert _novalidate(owner.get(url).content.decode(), verdict)

    refused = hr.post(decide, {"revision": case.revision, "rationale": "Strong on search."})
    page = refused.content.decode()
    assert refused.status_code == 400 and _summary_for(page, "decide-decision")
    assert "Choose approve, not yet or decline." in page and "Strong on search.</textarea>" in page
    assert "{#" not in page

    refused = owner.post(verdict, {"verdict": "", "comment": "Mostly there."})
    page = refused.content.decode()
    assert refused.status_code == 400 and _summary_for(page, "verdict")
    assert "Mostly there.</textarea>" in page

    refused = hr.post(withdraw, {"revision": case.revision, "reason": " "})
    assert refused.status_code == 400 and _summary_for(refused.content.decode(), "reason")
    case.refresh_from_db()
    assert case.status == "in_review"


def test_attaching_without_a_file_and_a_new_case_get_the_error_summary(world):
    with scope(world.acme):
        team = promotion_team(world, peers=0)
        emma_id = team.emma.public_id
    new = reverse("promotions:new", args=[emma_id])
    manager = world.client_for(world.manager)
    assert '<form method="post" class="form" novalidate>' in manager.get(new).content.decode()
    case = _open(world, team)
    upload = reverse("promotions:upload", args=[case.public_id])
    assert _novalidate(
        manager.get(reverse("promotions:case", args=[case.public_id])).content.decode(), upload
    )
    refused = manager.post(upload, {"revision": case.revision, "description": "The write-up"})
    page = refused.content.decode()
    assert refused.status_code == 400 and _summary_for(page, "file")
    assert "Choose a file to attach." in page and 'value="The write-up"' in page


def test_a_decision_refused_on_the_round_page_keeps_what_was_typed_and_goes_back_after(world, t):
    """The round's decide form is checked by the server too; a refused one comes back on
    the case page with its errors and the words typed, and once recorded the decider is
    taken back to the round."""
    with scope(world.acme):
        case = case_in_review(world, t, reviewers=[world.p_owner])
        round = services.create_round(
            world.acme, actor=world.hr, name="Spring", committee=[world.p_owner], cases=[case]
        )
    hr = client(world, t, "hr")
    decide = reverse("promotions:decide", args=[case.public_id])
    round_url = reverse("promotions:round", args=[round.public_id])
    assert _novalidate(hr.get(round_url).content.decode(), decide)

    typed = {"revision": case.revision, "back": "round", "rationale": "Strong on search."}
    refused = hr.post(decide, typed)
    page = refused.content.decode()
    assert refused.status_code == 400 and _summary_for(page, "decide-decision")
    assert "Strong on search.</textarea>" in page
    assert '<input type="hidden" name="back" value="round">' in page

    done = hr.post(decide, {**typed, "decision": "decline"})
    assert done.status_code == 302 and done["Location"] == round_url
    case.refresh_from_db()
    assert case.status == "decided"
