"""The growth pages: who may open each one (every URL, every role), what they show,
their query counts at two sizes, the PDF and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from growth import services
from growth.demo import seed_history
from growth.models import ActionItem, CareerConversation
from growth.selectors import gap_report, targets_for
from organizations.scoping import scope
from people.services import create_person
from reviews.models import Participant, ReviewCycle
from tests.factories import make_people
from tests.growth.factories import growth_team, run_cycle
from tests.growth.test_gap_report import MANAGER, PEERS, SELF

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    """Emma (G2, reports to Max) with one released cycle and one action item; Pia is a
    peer with a login who is not in Emma's line."""
    with scope(world.acme):
        t = growth_team(world)
        part = run_cycle(world, t, name="2026 H1", manager=MANAGER, self_ratings=SELF, peers=PEERS)
        comms = next(c for c in targets_for(t.emma) if c.name == "Communication")
        item = services.create_action_item(
            t.emma, actor=world.employee, competency_uid=comms.uid, title="Ship it"
        )
    return t, part, item


ROLES = ["owner", "hr", "manager", "employee", "peer", "outsider"]


def client(world, t, role):
    user = t.peer_users[0] if role == "peer" else getattr(world, role)
    return world.client_for(user)


# URL name → (kwargs builder, expected GET status per role)
OK = {"owner": 200, "hr": 200, "manager": 200, "employee": 200, "peer": 404, "outsider": 404}
MATRIX = {
    "growth:plan": ("person", OK),
    "growth:item_new": ("person", OK),
    "growth:item": ("item", OK),
    "growth:report": ("participant", OK),
    "growth:report_pdf": ("participant", OK),
    "growth:latest_report": (
        "person",
        {**OK, "owner": 302, "hr": 302, "manager": 302, "employee": 302},
    ),
    "growth:conversation": ("person", {**OK, "employee": 404}),
    "growth:item_status": (
        "item",
        {**OK, "owner": 302, "hr": 302, "manager": 302, "employee": 302},
    ),
    "growth:suggest": (
        "participant",
        {**OK, "owner": 302, "hr": 302, "manager": 302, "employee": 302},
    ),
    "growth:settings": (
        None,
        {"owner": 200, "hr": 200, "manager": 403, "employee": 403, "peer": 403, "outsider": 200},
    ),
    "growth:team": (None, dict.fromkeys(ROLES, 200)),
    "growth:team_csv": (None, dict.fromkeys(ROLES, 200)),
    "growth:team_xlsx": (None, dict.fromkeys(ROLES, 200)),
    "growth:index": (None, {**dict.fromkeys(ROLES, 302)}),
}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_growth_url_for_every_role(name, world, setup):
    t, part, item = setup
    target, expected = MATRIX[name]
    kwargs = {}
    if target == "person":
        kwargs = {"person_id": t.emma.public_id}
    elif target == "item":
        kwargs = {"item_id": item.public_id}
    elif target == "participant":
        kwargs = {"participant_id": part.public_id}
    url = reverse(name, kwargs=kwargs)
    got = {role: client(world, t, role).get(url).status_code for role in ROLES}
    assert got == expected, url


def test_nobody_outside_the_line_can_post(world, setup):
    t, part, item = setup
    peer = client(world, t, "peer")
    assert (
        peer.post(reverse("growth:item", args=[item.public_id]), {"title": "x"}).status_code == 404
    )
    assert (
        peer.post(
            reverse("growth:item_status", args=[item.public_id]), {"status": "done", "revision": 0}
        ).status_code
        == 404
    )
    assert peer.post(reverse("growth:suggest", args=[part.public_id])).status_code == 404
    assert (
        client(world, t, "employee")
        .post(reverse("growth:conversation", args=[t.emma.public_id]), {"held_on": "2026-01-01"})
        .status_code
        == 404
    )
    with scope(world.acme):
        item.refresh_from_db()
        assert item.status == "open" and not CareerConversation.objects.exists()


def test_the_report_is_hidden_until_release(world):
    with scope(world.acme):
        t = growth_team(world, peers=0)
        part = run_cycle(world, t, name="c", manager=MANAGER)
        ReviewCycle.objects.filter(pk=part.cycle_id).update(status="calibration")
    url = reverse("growth:report", args=[part.public_id])
    assert world.client_for(world.employee).get(url).status_code == 404
    assert world.client_for(world.manager).get(url).status_code == 404
    assert world.client_for(world.hr).get(url).status_code == 404


def test_the_report_page_shows_figures_the_chart_and_suggestions(world, setup):
    _t, part, _ = setup
    page = world.client_for(world.employee).get(reverse("growth:report", args=[part.public_id]))
    html = page.content.decode()
    assert "Your gap report" in html
    assert "4 of 5 statements, 80%" in html and "1 of 3 statements, 33%" in html
    assert 'src="data:image/svg+xml;base64,' in html and "Bar chart of final ratings" in html
    assert "Suggested action items" in html and "d2a Ships features on time" in html
    # each suggestion names its competency and reads the gap as a size, not a number in a list
    with scope(world.acme):
        first = gap_report(part).suggestions[0]
    assert f"{first.competency_name} · gap of " in html
    assert "Gap 1 ·" not in html
    assert "style=" not in html  # strict CSP: no inline style attributes


def test_a_cycle_without_peers_says_so_instead_of_too_few_answered(world, setup):
    t, part, _ = setup
    html = world.client_for(world.employee).get(reverse("growth:report", args=[part.public_id]))
    assert '<th scope="col" class="num">Peers</th>' in html.content.decode()
    with scope(world.acme):
        second = run_cycle(world, t, name="2026 H2", manager=MANAGER)  # self + manager
    url = reverse("growth:report", args=[second.public_id])
    html = world.client_for(world.employee).get(url).content.decode()
    assert "This cycle did not ask for peer feedback." in html
    assert "too few peers answered" not in html
    assert '<th scope="col" class="num">Peers</th>' not in html


def test_suggestions_become_items_from_the_page(world, setup):
    _t, part, _ = setup
    with scope(world.acme):
        keys = [s.key for s in gap_report(part).suggestions]
    response = world.client_for(world.manager).post(
        reverse("growth:suggest", args=[part.public_id]), {"suggestion": keys}
    )
    assert response.status_code == 302
    with scope(world.acme):
        assert ActionItem.objects.filter(cycle=part.cycle).count() == len(keys) > 0


def test_status_changes_with_htmx_and_refuses_a_stale_revision(world, setup):
    _t, _, item = setup
    c = world.client_for(world.employee)
    url = reverse("growth:item_status", args=[item.public_id])
    ok = c.post(url, {"status": "in_progress", "revision": 0}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and b"Saved" in ok.content
    stale = c.post(url, {"status": "done", "revision": 0}, HTTP_HX_REQUEST="true")
    assert b"Someone else changed" in stale.content
    with scope(world.acme):
        item.refresh_from_db()
    assert item.status == "in_progress"


def test_a_status_change_with_htmx_updates_the_plan_counts_too(world, setup):
    """The plan's Open / Done counts come back out of band with the swapped item, so
    they never disagree with the item just marked done."""
    _t, _, item = setup
    c = world.client_for(world.employee)
    url = reverse("growth:item_status", args=[item.public_id])
    html = c.post(url, {"status": "done", "revision": 0}, HTTP_HX_REQUEST="true").content.decode()
    stats = html[html.index('id="plan-stats"') :]
    assert 'hx-swap-oob="true"' in stats
    assert '<p class="stat-label">Done</p><p class="stat">1</p>' in stats
    plan = c.get(reverse("growth:plan", args=[item.person.public_id])).content.decode()
    assert 'id="plan-stats"' in plan and "hx-swap-oob" not in plan


def test_editing_keeps_typed_text_when_someone_else_saved_first(world, setup):
    t, _, item = setup
    url = reverse("growth:item", args=[item.public_id])
    with scope(world.acme):
        services.update_action_item(item, actor=world.manager, expected_revision=0, title="Max's")
    form = {
        "title": "Emma's words",
        "competency": item.competency_uid,
        "statement": "",
        "owner": t.emma.public_id,
        "status": "open",
        "revision": 0,
    }
    page = world.client_for(world.employee).post(url, form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Someone else changed this item" in html and "Emma&#x27;s words" in html
    with scope(world.acme):
        item.refresh_from_db()
    assert item.title == "Max's"


def test_pdf_is_a_pdf_with_the_report(world, setup):
    _t, part, _ = setup
    response = world.client_for(world.manager).get(
        reverse("growth:report_pdf", args=[part.public_id])
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 20_000


def test_the_pdf_prints_readiness_once_without_a_progress_bar(world, setup, monkeypatch):
    """WeasyPrint prints a <progress> element's fallback text ("80%") under the figure
    that already says it; the PDF leaves the bar out."""
    from django.template.loader import render_to_string

    from growth.views import reports

    seen = {}

    def html_only(template, context, *, request):
        seen["html"] = render_to_string(template, context, request=request)
        return b"%PDF"

    monkeypatch.setattr(reports, "render_pdf", html_only)
    _t, part, _ = setup
    world.client_for(world.manager).get(reverse("growth:report_pdf", args=[part.public_id]))
    assert "4 of 5 statements, 80%" in seen["html"] and "<progress" not in seen["html"]


def test_person_page_shows_the_plan_to_the_line_only(world, setup):
    t, _, _ = setup
    url = reverse("people:detail", args=[t.emma.public_id])
    assert b"Ship it" in world.client_for(world.manager).get(url).content
    assert b"Ship it" in world.client_for(world.employee).get(url).content


def test_conversation_page_records_and_lists(world, setup):
    t, _, _ = setup
    url = reverse("growth:conversation", args=[t.emma.public_id])
    follow = timezone.localdate() + dt.timedelta(days=14)
    response = world.client_for(world.manager).post(
        url,
        {
            "held_on": timezone.localdate().isoformat(),
            "notes": "Wants G3.",
            "next_follow_up": follow.isoformat(),
        },
    )
    assert response.status_code == 302
    page = world.client_for(world.manager).get(url).content.decode()
    assert "Wants G3." in page and "Next follow-up" in page


def test_settings_page_saves_the_rule(world, setup):
    c = world.client_for(world.hr)
    response = c.post(
        reverse("growth:settings"),
        {
            "readiness_rater": "manager",
            "readiness_percent": "90",
            "readiness_rating": "",
            "suggestions": "2",
            "revision": "0",
        },
    )
    assert response.status_code == 302
    assert "at least 90%" in c.get(reverse("growth:settings")).content.decode()


# --- team gaps ---------------------------------------------------------------------------


def _released_cycle_for(world, t, first, count):
    """Add `count` people (numbered from `first`) under Max and run one released cycle
    for everyone (the cycles before it are removed)."""
    with scope(world.acme):
        ReviewCycle.objects.all().delete()
        make_people(
            world,
            count,
            start=first,
            name="Person {:03d}",
            manager=t.max,
            job_family=t.levels["G2"].version.family,
            level=lambda i: t.levels["G2" if i % 2 else "G3"],
        )
        seed_history(world.acme, cycles=1, plans=False, conversations=False)
        return Participant.objects.count()


def _count(c, url):
    with CaptureQueriesContext(connection) as ctx:
        response = c.get(url)
    assert response.status_code == 200
    return len(ctx), response


TEAM_VIEWS = ["", "?group=team&family=all", "?group=level", "?group=family&family=all", "?page=2"]


def _team_counts(world):
    counts = {}
    for who in ("hr", "manager"):
        c = world.client_for(getattr(world, who))
        for query in TEAM_VIEWS:
            counts[(who, query)] = _count(c, reverse("growth:team") + query)[0]
    return counts


def test_team_page_queries_do_not_grow_with_people(world):
    with scope(world.acme):
        t = growth_team(world, peers=0)
    assert _released_cycle_for(world, t, 0, 18) == 20
    small = _team_counts(world)
    page = world.client_for(world.hr).get(reverse("growth:team")).content.decode()
    assert "Person 000" in page and "Emma Employee" in page
    assert _released_cycle_for(world, t, 18, 180) == 200
    assert _team_counts(world) == small


def test_report_page_queries_do_not_grow_with_cycles(world):
    with scope(world.acme):
        t = growth_team(world, peers=0)
        first = run_cycle(world, t, name="c1", manager=MANAGER)
    c = world.client_for(world.employee)
    one, _ = _count(c, reverse("growth:report", args=[first.public_id]))
    with scope(world.acme):
        for n in range(2, 7):
            last = run_cycle(world, t, name=f"c{n}", manager=MANAGER)
            comp = gap_report(last).competencies[n % 3]
            services.create_action_item(
                t.emma, actor=world.employee, competency_uid=comp.uid, title=f"Item {n}"
            )
    six, page = _count(c, reverse("growth:report", args=[last.public_id]))
    assert page.content.decode().count('class="sparkline"') == 3
    assert one == six, f"{one} queries with 1 cycle, {six} with 6"


def test_exports_escape_formulas_and_match_the_page(world):
    with scope(world.acme):
        t = growth_team(world, peers=0)
        create_person(
            world.acme,
            actor=world.owner,
            name='=HYPERLINK("x")',
            email="evil@acme.test",
            manager=t.max,
            job_family=t.levels["G2"].version.family,
            level=t.levels["G2"],
        )
        seed_history(world.acme, cycles=1, plans=False, conversations=False)
    hr = world.client_for(world.hr)
    rows = list(csv.reader(io.StringIO(hr.get(reverse("growth:team_csv")).content.decode())))
    assert rows[0][:2] == ["Person", "Details"]
    names = [r[0] for r in rows[1:]]
    assert '\'=HYPERLINK("x")' in names and "Emma Employee" in names
    book = load_workbook(io.BytesIO(hr.get(reverse("growth:team_xlsx")).content))
    cell = next(c for c in book["Gaps"]["A"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.data_type == "s" and cell.quotePrefix
    # the manager's export holds only their reports
    mine = world.client_for(world.manager).get(reverse("growth:team_csv")).content.decode()
    assert "Max Manager" not in mine.splitlines()[1:] and "Emma Employee" in mine
