import pytest

pytestmark = pytest.mark.django_db


def test_landing_and_pricing_are_public(client):
    landing = client.get("/")
    assert landing.status_code == 200
    # the whole loop is built: the page must not announce parts of it as coming
    assert b"oming next" not in landing.content and b"Reviews against the ladder" in landing.content
    response = client.get("/pricing/")
    assert b"per organization" in response.content


def test_dashboard_for_each_persona(world):
    for user in (world.owner, world.hr, world.manager, world.employee):
        response = world.client_for(user).get("/home/")
        assert response.status_code == 200, user
    assert b"Getting started" in world.client_for(world.hr).get("/home/").content
    assert b"Emma Employee" in world.client_for(world.manager).get("/home/").content


def test_a_set_up_organization_sees_what_to_do_next_instead_of_the_checklist(client):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from organizations.scoping import unscoped

    call_command("seed_demo", "--org", "ready", "--people", "12")
    with unscoped():
        hr = get_user_model().objects.get(email="hr@ready.test")
    client.force_login(hr)
    page = client.get("/home/").content.decode()
    assert "Your ladders are live" in page and "Getting started" not in page


def test_hr_home_shows_the_loop_under_way(client):
    """HR's home shows the running cycles with their forms submitted, people ready for
    promotion, cases in review and open action items: the figures of the pages they
    link to."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from growth.models import ActionItem
    from organizations.scoping import scope, unscoped
    from people.models import Person
    from promotions.models import PromotionCase, ReadinessRecord
    from reviews.models import ReviewCycle, ReviewForm

    call_command("seed_demo", "--org", "loop", "--people", "12")
    with unscoped():
        hr = get_user_model().objects.get(email="hr@loop.test")
        org = hr.memberships.get().organization
    client.force_login(hr)
    page = client.get("/home/").content.decode()
    with scope(org):
        running = ReviewCycle.objects.filter(status__in=["open", "calibration"]).order_by(
            "-launched_at"
        )
        released = ReviewCycle.objects.filter(status="released").first()
        assert running.exists(), "the demo has a cycle open"
        cycle = running.first()
        forms = ReviewForm.objects.filter(cycle=cycle)
        done = forms.filter(status="submitted").count()
        ready = ReadinessRecord.objects.filter(listed=True, ready=True).count()
        in_review = PromotionCase.objects.filter(status="in_review").count()
        live = ActionItem.objects.filter(status__in=ActionItem.LIVE).count()
    assert "Under way" in page
    assert cycle.name in page
    if released is not None:  # finished cycles are on the Reviews page, not here
        assert released.name not in page
    assert f"{done} of {forms.count()} forms submitted" in page
    assert f"{ready} {'person' if ready == 1 else 'people'} ready for promotion" in page
    assert f"{in_review} promotion case" in page
    assert f"{live} action item" in page

    # the employee's to-do: their reviews still to write in the open cycle
    with unscoped():
        employee = get_user_model().objects.get(email="employee@loop.test")
    client.force_login(employee)
    page = client.get("/home/").content.decode()
    with scope(org):
        me = Person.objects.get(user=employee)
        to_write = ReviewForm.objects.filter(
            reviewer=me, cycle__status="open", status__in=["not_started", "in_progress"]
        )
        submitted = ReviewForm.objects.filter(reviewer=me, status="submitted")
        assert to_write.exists()
    assert "To do" in page
    for form in to_write[:5]:
        assert f"/reviews/forms/{form.public_id}/" in page
    for form in submitted:
        assert f"/reviews/forms/{form.public_id}/" not in page


def test_dashboard_counts_only_invitations_still_waiting(world):
    from accounts.services import invite_person, revoke_invitation
    from organizations.scoping import scope
    from people.services import create_person

    with scope(world.acme):
        a = create_person(world.acme, actor=world.hr, name="Ann", email="ann@acme.test")
        b = create_person(world.acme, actor=world.hr, name="Bob", email="bob@acme.test")
        invite_person(world.acme, a, role="member", actor=world.hr)
        revoke_invitation(
            invite_person(world.acme, b, role="member", actor=world.hr), actor=world.hr
        )
    page = world.client_for(world.hr).get("/home/").content.decode()
    assert "1 invitation pending" in page


def test_someone_signed_in_goes_from_the_front_page_to_their_home(world, client):
    hr = world.client_for(world.hr)
    response = hr.get("/")
    assert response.status_code == 302 and response["Location"] == "/home/"
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert "Cookie" in response.get("Vary", "")
    # anyone else still gets the public page, and a signed-in person can still read pricing
    assert client.get("/").status_code == 200
    assert hr.get("/pricing/").status_code == 200
