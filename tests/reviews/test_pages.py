"""The review-cycle pages through the test client: the guided set-up, the form with
autosave and revisions, peers, fixes, calibration, release and results."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from organizations.scoping import scope
from reviews import services
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm
from reviews.models.forms import by_deadline
from tests.reviews.factories import more_people, publish_fix, team
from tests.reviews.helpers import fill, form_of, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(world):
    with scope(world.acme):
        return team(world)


def url(name, **kw):
    return reverse(f"reviews:{name}", kwargs=kw or None)


def revision_of(cycle):
    with scope(cycle.organization):
        return ReviewCycle.objects.get(pk=cycle.pk).revision


def test_guided_set_up_then_launch(t, world):
    hr = world.client_for(world.hr)
    assert hr.get(url("new")).status_code == 200
    response = hr.post(url("new"), {"name": "", "period_start": "2026-01-01"})
    assert b"Enter the name of the review cycle" in response.content
    assert b"Enter both dates of the period" in response.content
    response = hr.post(
        url("new"),
        {"name": "H1 2026", "period_start": "2026-01-01", "period_end": "2026-06-30"},
    )
    with scope(world.acme):
        cycle = ReviewCycle.objects.get()
    assert response.url == url("setup_people", cycle_id=cycle.public_id)
    page = hr.get(response.url)
    assert b"Step 2 of 6" in page.content and b"Max Manager" in page.content
    response = hr.post(
        url("setup_people", cycle_id=cycle.public_id),
        {"kind": "teams", "revision": revision_of(cycle)},
    )
    assert b"Choose at least one." in response.content  # a team must be chosen
    response = hr.post(
        url("setup_people", cycle_id=cycle.public_id),
        {"kind": "teams", "teams": [t.max.public_id], "revision": revision_of(cycle)},
    )
    assert response.url == url("setup_inputs", cycle_id=cycle.public_id)
    response = hr.post(
        url("setup_inputs", cycle_id=cycle.public_id),
        {
            "self_review": "on",
            "manager_review": "on",
            "peers": "3",
            "peer_threshold": "3",
            "manager_sees_self": "after_own",
            "revision": revision_of(cycle),
        },
    )
    assert response.url == url("setup_deadlines", cycle_id=cycle.public_id)
    response = hr.post(
        url("setup_deadlines", cycle_id=cycle.public_id),
        {"self": "2026-07-10", "peer": "2026-07-17", "revision": revision_of(cycle)},
    )
    assert response.url == url("setup_next_level", cycle_id=cycle.public_id)
    response = hr.post(
        url("setup_next_level", cycle_id=cycle.public_id),
        {"include_next_level": "yes", "revision": revision_of(cycle)},
    )
    assert response.url == url("setup_preview", cycle_id=cycle.public_id)
    # a stale page changes nothing and says why
    stale = hr.post(
        url("setup_name", cycle_id=cycle.public_id),
        {"name": "Renamed", "revision": 0},
    )
    assert b"Someone else changed this review cycle" in stale.content
    preview = hr.get(url("setup_preview", cycle_id=cycle.public_id))
    text = preview.content.decode()
    assert "Who reviews whom" in text and "Emma Employee" in text
    assert "creates <strong>8 review forms</strong>" in text  # 4 self + 4 manager reviews
    launched = hr.post(url("launch", cycle_id=cycle.public_id), {"revision": revision_of(cycle)})
    assert launched.url == url("cycle", cycle_id=cycle.public_id)
    dashboard = hr.get(launched.url)
    assert b"0%" in dashboard.content and b"By job family" in dashboard.content
    # employees never see the set-up
    for name in ("new", "cycles"):
        assert world.client_for(world.employee).get(url(name)).status_code == 403


def test_check_page_counts_everyone_and_shows_one_page_of_rows(t, world, monkeypatch):
    from reviews import services
    from reviews.views import setup

    monkeypatch.setattr(setup, "PREVIEW_PAGE_SIZE", 2)
    people = [t.emma, t.max, *t.peers, world.p_hr]
    with scope(world.acme):
        cycle = services.create_cycle(
            world.acme,
            name="Paged",
            actor=world.hr,
            participants=people,
            inputs={"self": True, "manager": True, "peers": 0},
        )
    hr = world.client_for(world.hr)
    first = hr.get(url("setup_preview", cycle_id=cycle.public_id)).content.decode()
    n = len(people)
    assert f"<dd>{n} people</dd>" in first
    pages = -(-n // 2)
    assert f"Page 1 of {pages}" in first
    # the totals and problems cover everyone, not only the page's rows
    assert "1 person cannot be reviewed yet" in first
    assert "<li>Hana Hr has no job family.</li>" in first
    names = sorted(p.name for p in people)
    shown = [name for name in names if f"<strong>{name}</strong>" in first]
    assert shown == names[:2]
    last = hr.get(url("setup_preview", cycle_id=cycle.public_id) + f"?page={pages}")
    assert f"<strong>{names[-1]}</strong>" in last.content.decode()


def test_people_chosen_one_by_one_stay_through_the_people_step(t, world):
    """A cycle whose people were chosen one by one (copied from such a cycle, or made
    through the API) keeps them when HR walks through the steps: the people step
    offers to keep them, chosen, instead of "everyone"."""
    with scope(world.acme):
        cycle = services.create_cycle(
            world.acme, name="Two of us", actor=world.hr, participants=[t.emma, t.peers[0]]
        )
    hr = world.client_for(world.hr)
    step = url("setup_people", cycle_id=cycle.public_id)
    page = hr.get(step).content.decode()
    assert re.search(r'value="kept" id="[^"]+" checked>\s*<label[^>]*>Keep the 2 people', page)
    assert 'value="everyone" id="id_kind_1">' in page  # not chosen
    response = hr.post(step, {"kind": "kept", "revision": revision_of(cycle)})
    assert response.url == url("setup_inputs", cycle_id=cycle.public_id)
    with scope(world.acme):
        kept = set(Participant.objects.filter(cycle=cycle).values_list("person_id", flat=True))
    assert kept == {t.emma.pk, t.peers[0].pk}
    # a rule still replaces them, and then the step shows the rule
    hr.post(step, {"kind": "everyone", "revision": revision_of(cycle)})
    with scope(world.acme):
        assert Participant.objects.filter(cycle=cycle).count() > 2
    assert "Keep the" not in hr.get(step).content.decode()


def test_autosave_revisions_and_submit(t, world):
    with scope(world.acme):
        cycle = open_cycle(world, t, inputs={"self": True, "manager": True, "peers": 0})
        form = form_of(cycle, "self")
        items = list(FormItem.objects.filter(form=form).order_by("position"))
    emma = world.client_for(world.employee)
    listing = emma.get(url("my_reviews"))
    assert b"Your self-review" in listing.content
    page = emma.get(url("form", form_id=form.public_id))
    assert b"0 of 2 rated" in page.content
    assert b"Consistently shows this" in page.content  # the scale beside the ratings
    first = items[0].statement_uid
    saved = emma.post(
        url("form_save", form_id=form.public_id),
        {"revision": 0, f"rating-{first}": "4", f"comment-{first}": "Ran the planning."},
        HTTP_HX_REQUEST="true",
    )
    body = saved.content.decode()
    assert "Saved" in body and "1 of 2 rated" in body
    assert re.search(r'name="revision" id="form-revision" value="1" hx-swap-oob', body)
    # the header's "Not started" becomes "In progress" with the first autosave
    badge = r'<span id="form-status" hx-swap-oob="true">[^<]*<span[^>]*>In progress<'
    assert re.search(badge, body)
    stale = emma.post(
        url("form_save", form_id=form.public_id),
        {"revision": 0, f"rating-{first}": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert b"Someone else changed this review" in stale.content
    with scope(world.acme):
        assert FormItem.objects.get(pk=items[0].pk).rating == 4
    incomplete = emma.post(url("form_submit", form_id=form.public_id), {"revision": 1})
    assert incomplete.status_code == 400
    assert f'href="#st-{items[1].statement_uid}"'.encode() in incomplete.content
    done = emma.post(
        url("form_submit", form_id=form.public_id),
        {"revision": 1, f"rating-{items[1].statement_uid}": "3"},
    )
    assert done.url == url("my_reviews")
    with scope(world.acme):
        assert ReviewForm.objects.get(pk=form.pk).status == "submitted"
    # a written review's link names its cycle: not one more link called "Your self-review"
    written = emma.get(url("my_reviews")).content.decode()
    assert re.search(rf"Your self-review<span[^>]*> · {re.escape(cycle.name)}</span></a>", written)
    late = emma.post(
        url("form_save", form_id=form.public_id), {"revision": 2}, HTTP_HX_REQUEST="true"
    )
    assert late.status_code == 404  # a submitted form is no longer editable
    # the manager sees the self-review once their own is submitted
    max_ = world.client_for(world.manager)
    assert max_.get(url("form", form_id=form.public_id)).status_code == 404
    with scope(world.acme):
        manager_form = fill(form_of(cycle, "manager"), world.manager, 3)
    assert b"Read the self-review" in max_.get(url("form", form_id=manager_form.public_id)).content
    assert max_.get(url("form", form_id=form.public_id)).status_code == 200
    # HR reopens with a reason
    hr = world.client_for(world.hr)
    hr.post(url("form_reopen", form_id=form.public_id), {"reason": "Wrong statement rated."})
    again = emma.get(url("form", form_id=form.public_id))
    assert (
        b"HR reopened this review" in again.content and b"Wrong statement rated." in again.content
    )


def test_peers_nominated_and_approved_on_the_page(t, world):
    with scope(world.acme):
        cycle = open_cycle(world, t, people=[t.emma, t.peers[1]])
        part = Participant.objects.get(cycle=cycle, person=t.peers[1])
    paul = world.client_for(t.peer_users[1])
    assert b"Nominate peers" in paul.get(url("my_reviews")).content
    paul.post(url("peers", participant_id=part.public_id), {"peer": t.emma.public_id})
    max_ = world.client_for(world.manager)
    mine = max_.get(url("my_reviews")).content.decode()
    assert "Paul Peer proposed 1 peer" in mine
    page = max_.get(url("peers", participant_id=part.public_id)).content.decode()
    nomination = re.search(r"/reviews/nominations/(\w+)/decide/", page).group(1)
    approved = max_.post(
        url("peer_decide", nomination_id=nomination), {"decision": "approve"}, follow=True
    ).content.decode()
    assert "Emma Employee will be asked for feedback." in approved
    with scope(world.acme):
        assert ReviewForm.objects.filter(participant=part, kind="peer", reviewer=t.emma).exists()
    # an approved peer's button says what it does: removes them
    button = re.search(r'value="decline"[^>]*>(\w+)<span class="visually-hidden"> Emma', approved)
    assert button and button.group(1) == "Remove"
    removed = max_.post(
        url("peer_decide", nomination_id=nomination), {"decision": "decline"}, follow=True
    ).content.decode()
    assert "Emma Employee was removed and will not be asked for feedback." in removed
    with scope(world.acme):
        assert not ReviewForm.objects.filter(participant=part, kind="peer", reviewer=t.emma)
    # HR asking directly says who will be asked
    asked = world.client_for(world.hr).post(
        url("peers", participant_id=part.public_id), {"peer": t.peers[0].public_id}, follow=True
    )
    assert "Pia Peer will be asked for feedback." in asked.content.decode()
    # someone else's peers page is not found
    pia = world.client_for(t.peer_users[0])
    assert pia.get(url("peers", participant_id=part.public_id)).status_code == 404


def test_fix_calibration_release_and_results(t, world, django_capture_on_commit_callbacks):
    with scope(world.acme):
        cycle = open_cycle(world, t)
        fill(form_of(cycle, "self"), world.employee, 4)
        for n, (peer, user) in enumerate(zip(t.peers, t.peer_users, strict=True)):
            fill(form_of(cycle, "peer", reviewer=peer), user, 3, comment=f"Peer note {n}")
        publish_fix(
            t.family, world.hr, cells={("Communication", "PM2"): ["Writes a clear weekly update."]}
        )
    hr = world.client_for(world.hr)
    fixes = hr.get(url("fixes", cycle_id=cycle.public_id)).content.decode()
    assert (
        "Writes a weekly update for the team." in fixes and "Writes a clear weekly update." in fixes
    )
    assert "Apply v2 to 1 open form" in fixes  # the manager review; the others are submitted
    assert "3 submitted reviews stay" not in fixes and "4</strong> submitted reviews stay" in fixes
    with scope(world.acme):
        version = t.family.versions.get(number=2)
    hr.post(
        url("fixes", cycle_id=cycle.public_id),
        {"version": version.public_id, "revision": revision_of(cycle)},
    )
    with scope(world.acme):
        assert form_of(cycle, "manager").version == version
        fill(form_of(cycle, "manager"), world.manager, 2)
    hr.post(url("open_calibration", cycle_id=cycle.public_id), {"revision": revision_of(cycle)})
    calibration = hr.get(url("calibration", cycle_id=cycle.public_id)).content.decode()
    assert "Emma Employee" in calibration and "No evidence" in calibration
    for peer in t.peers:
        assert peer.name not in calibration  # peers never named beside their answers
    with scope(world.acme):
        part = Participant.objects.get(cycle=cycle)
        row = FinalRating.objects.filter(participant=part).first()
    adjust = url("adjust", participant_id=part.public_id, competency_uid=row.competency_uid)
    refused = hr.post(adjust, {"rating": "3", "reason": "", "revision": row.revision})
    assert b"Enter the reason" in refused.content
    hr.post(adjust, {"rating": "3", "reason": "Led the roadmap.", "revision": row.revision})
    hr.post(url("finalize", cycle_id=cycle.public_id), {"revision": revision_of(cycle)})
    with django_capture_on_commit_callbacks(execute=True):
        hr.post(url("release", cycle_id=cycle.public_id), {"revision": revision_of(cycle)})
    emma = world.client_for(world.employee)
    results = emma.get(url("results", participant_id=part.public_id)).content.decode()
    assert "Your results" in results and "Led the roadmap." in results
    assert "Peer note 0" in results  # peer comments, without names
    for peer in t.peers:
        assert peer.name not in results
    max_ = world.client_for(world.manager)
    max_.post(
        url("conversation", participant_id=part.public_id),
        {"held_on": dt.date.today().isoformat(), "notes": "Agreed on next steps."},
    )
    # the list says what is left to do with released results (not a "New" that never goes)
    assert "Not acknowledged yet" in emma.get(url("my_reviews")).content.decode()
    emma.post(url("acknowledge", participant_id=part.public_id), {"comment": "Thanks."})
    assert "Not acknowledged yet" not in emma.get(url("my_reviews")).content.decode()
    again = emma.get(url("results", participant_id=part.public_id)).content.decode()
    assert "Agreed on next steps." in again and "You acknowledged these results" in again
    pia = world.client_for(t.peer_users[0])
    assert pia.get(url("results", participant_id=part.public_id)).status_code == 404


def test_dashboard_queries_do_not_grow_with_people(t, world, django_assert_max_num_queries):
    from reviews import services

    with scope(world.acme):
        cycle = open_cycle(
            world, t, people=[t.emma, *t.peers], deadlines={"self": dt.date(2020, 1, 1)}
        )
    hr = world.client_for(world.hr)

    def count(name, **kw):
        with django_assert_max_num_queries(60) as ctx:
            assert hr.get(url(name, **kw)).status_code == 200
        return len(ctx.captured_queries)

    small = [count("cycle", cycle_id=cycle.public_id), count("cycles"), count("my_reviews")]
    with scope(world.acme):
        extra = more_people(world, t, 15)
        services.add_participants(cycle, extra, actor=world.hr)
    big = [count("cycle", cycle_id=cycle.public_id), count("cycles"), count("my_reviews")]
    assert small == big


def test_the_final_rating_page_shows_the_scale_beside_the_control(t, world):
    """The scale's written definitions sit beside every rating control, the final
    rating in calibration included."""
    with scope(world.acme):
        cycle = open_cycle(world, t, inputs={"self": True, "manager": True, "peers": 0})
        fill(form_of(cycle, "manager"), world.manager, 2)
    hr = world.client_for(world.hr)
    hr.post(url("open_calibration", cycle_id=cycle.public_id), {"revision": revision_of(cycle)})
    with scope(world.acme):
        part = Participant.objects.get(cycle=cycle)
        row = FinalRating.objects.filter(participant=part).first()
        scale = ReviewCycle.objects.get(pk=cycle.pk).scale
    page = hr.get(
        url("adjust", participant_id=part.public_id, competency_uid=row.competency_uid)
    ).content.decode()
    for point in scale["points"]:
        assert point["definition"] in page, point
    assert "meets the level" in page


def test_a_reviewer_sees_which_of_their_reviews_are_late(t, world):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    with scope(world.acme):
        cycle = open_cycle(
            world,
            t,
            inputs={"self": True, "manager": True, "peers": 0},
            deadlines={"self": yesterday, "manager": dt.date.today()},
        )
        self_form, manager_form = form_of(cycle, "self"), form_of(cycle, "manager")
    employee, manager = world.client_for(world.employee), world.client_for(world.manager)
    late = employee.get(url("my_reviews")).content.decode()
    assert re.search(r"Your self-review.*?due .*?Late</span>", late, re.S)
    on_time = manager.get(url("my_reviews")).content.decode()
    assert "Manager review for Emma Employee" in on_time and "Late</span>" not in on_time
    # The form itself says so too, beside its status.
    form_page = employee.get(url("form", form_id=self_form.public_id)).content.decode()
    assert re.search(r"was due \d+ \w+.*?Late</span>", form_page, re.S)
    form_page = manager.get(url("form", form_id=manager_form.public_id)).content.decode()
    assert "Late</span>" not in form_page and re.search(r"· due \d+ \w+", form_page)


def test_an_upward_form_says_how_the_manager_sees_it(t, world):
    with scope(world.acme):
        cycle = open_cycle(
            world, t, people=[t.max], inputs={"upward": True, "self": False, "peers": 0}
        )
        form = form_of(cycle, "upward", reviewer=t.emma)
    page = world.client_for(world.employee).get(url("form", form_id=form.public_id))
    html = page.content.decode()
    assert "Your answers stay anonymous." in html
    assert "only ever see their reports’ feedback combined" in html
    assert "at least 3 of their reports have answered" in html and "peers have answered" not in html


def test_completion_dashboard_pages_its_team_and_manager_tables(t, world, monkeypatch):
    """At 2,000 people the dashboard had 234 teams and 234 managers in two tables: each
    table shows one page of rows (the latest first), paged on its own, and the figures
    above them still count every form."""
    from reviews.views import running

    monkeypatch.setattr(running, "COMPLETION_PAGE_SIZE", 1)
    with scope(world.acme):
        cycle = open_cycle(
            world,
            t,
            people=[t.emma, t.max, *t.peers],
            inputs={"self": True, "manager": True, "peers": 0},
        )
    hr = world.client_for(world.hr)
    page = url("cycle", cycle_id=cycle.public_id)

    def rows(query=""):
        text = hr.get(page + query).content.decode()
        shown = re.findall(r'<th scope="row">([^<]+)</th>', text)
        return text, shown

    text, shown = rows()
    assert "of 10 forms submitted" in text  # 5 self and 5 manager reviews, all of them
    # by job family (one), by team (first of two), by manager (first of two)
    assert shown == [t.family.name, "Max Manager’s team", "Max Manager"]
    assert text.count("Page 1 of 2") == 2
    assert 'href="?teams=2#team-heading"' in text
    assert 'href="?managers=2#manager-heading"' in text
    text, shown = rows("?teams=2")
    assert shown == [t.family.name, "Olivia Owner’s team", "Max Manager"]
    assert 'href="?teams=2&amp;managers=2#manager-heading"' in text  # keeps the other's page
    _text, shown = rows("?teams=2&managers=2")
    assert shown == [t.family.name, "Olivia Owner’s team", "Olivia Owner"]


def test_completion_figures_by_family_team_and_manager(t, world):
    """What each row of the dashboard counts (held while its queries were merged)."""
    from reviews import selectors

    with scope(world.acme):
        cycle = open_cycle(
            world,
            t,
            people=[t.emma, t.max, *t.peers],
            inputs={"self": True, "manager": True, "peers": 0},
            deadlines={"self": dt.date(2026, 1, 1)},
        )
        fill(form_of(cycle, "self", person=t.emma), world.employee, 3)
        fill(form_of(cycle, "manager", person=t.emma), world.manager, 3, submit=False)
        done = selectors.completion(cycle, today=dt.date(2026, 12, 31))

    def figures(groups):
        return {
            g.label: (g.counts.total, g.counts.submitted, g.counts.in_progress, g.counts.late)
            for g in groups
        }

    assert (done.overall.total, done.overall.submitted, done.overall.in_progress) == (10, 1, 1)
    assert done.late_total == 4  # the four self-reviews not submitted
    assert figures(done.by_phase) == {"Self-reviews": (5, 1, 0, 4), "Manager reviews": (5, 0, 1, 0)}
    assert figures(done.by_family) == {t.family.name: (10, 1, 1, 4)}
    assert figures(done.by_team) == {
        "Max Manager’s team": (8, 1, 1, 3),
        "Olivia Owner’s team": (2, 0, 0, 1),
    }
    assert figures(done.by_manager) == {"Max Manager": (4, 0, 1, 0), "Olivia Owner": (1, 0, 0, 0)}
    late = [f.reviewer.name for f in done.late_forms]
    assert late == ["Max Manager", "Paul Peer", "Petra Peer", "Pia Peer"]


def test_a_released_cycles_page_pages_its_people_and_counts_everyone(t, world, monkeypatch):
    """A released cycle's page listed every person reviewed (2,000 rows at 2,000 people):
    it shows a page of them, by name, and its counts still cover everyone."""
    from reviews.views import running

    monkeypatch.setattr(running, "PEOPLE_PAGE_SIZE", 2)
    people = [t.emma, t.max, *t.peers]
    with scope(world.acme):
        cycle = open_cycle(
            world, t, people=people, inputs={"self": True, "manager": False, "peers": 0}
        )
        services.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
        services.finalize_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
        cycle.refresh_from_db()
        services.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
        part = Participant.objects.get(cycle=cycle, person=t.emma)
        services.record_conversation(
            part, held_on=dt.date.today(), notes="Talked.", actor=world.manager
        )
    hr = world.client_for(world.hr)
    page = url("cycle", cycle_id=cycle.public_id)
    first = hr.get(page).content.decode()
    assert '<span class="stat">5</span><span class="stat-label">people reviewed' in first
    assert '<span class="stat">1</span><span class="stat-label">conversations recorded' in first
    names = sorted(p.name for p in people)
    assert re.findall(r'/results/">([^<]+)</a>', first) == names[:2]
    assert "Page 1 of 3" in first
    last = hr.get(page + "?page=3").content.decode()
    assert re.findall(r'/results/">([^<]+)</a>', last) == names[4:]


def test_forms_to_write_are_listed_soonest_due_first():
    """Reviews and the home page list a late form before those due later, and forms
    without a deadline last; otherwise in the order given."""
    day = dt.date(2026, 12, 1)
    forms = [
        SimpleNamespace(name="peer A", due=day + dt.timedelta(days=7)),
        SimpleNamespace(name="no deadline", due=None),
        SimpleNamespace(name="peer B", due=day + dt.timedelta(days=7)),
        SimpleNamespace(name="late self-review", due=day - dt.timedelta(days=1)),
    ]
    names = [f.name for f in by_deadline(forms)]  # type: ignore[arg-type]
    assert names == ["late self-review", "peer A", "peer B", "no deadline"]


def test_the_check_page_says_when_nobody_is_left_to_add(t, world):
    from people.models import Person

    with scope(world.acme):
        placed = list(Person.objects.filter(is_active=True).exclude(level_uid=""))
        cycle = services.create_cycle(
            world.acme,
            name="Everyone",
            actor=world.hr,
            participants=placed[1:],
            inputs={"self": True, "manager": True, "peers": 0},
        )
    hr = world.client_for(world.hr)
    page = hr.get(url("setup_preview", cycle_id=cycle.public_id)).content.decode()
    assert 'name="people"' in page and "already in this cycle" not in page
    with scope(world.acme):
        services.add_participants(cycle, [placed[0]], actor=world.hr)
    page = hr.get(url("setup_preview", cycle_id=cycle.public_id)).content.decode()
    assert 'name="people"' not in page
    assert "Everyone placed on a ladder is already in this cycle." in page


def test_the_next_level_step_asks_its_question_once_like_the_other_steps(t, world):
    """Step 5 read its heading twice (heading, then the same question as a bold legend);
    like the other steps it asks in the heading and explains in the intro."""
    hr = world.client_for(world.hr)
    hr.post(url("new"), {"name": "H1 2026"})
    with scope(world.acme):
        cycle = ReviewCycle.objects.get()
    page = hr.get(url("setup_next_level", cycle_id=cycle.public_id)).content.decode()
    assert "<h1>Rate the next level too?</h1>" in page
    assert '<p class="lead-text">Self and manager reviews then also rate' in page
    legend = re.search(r"<legend([^>]*)>Rate the statements of the next level too\?", page)
    assert legend and 'class="visually-hidden"' in legend.group(1)
    assert 'class="hint"' not in page.split("<h1>")[1]
