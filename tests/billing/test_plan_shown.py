"""The trial's days left everywhere an owner looks, and "Choose a plan" always leads to
the billing page, never to a new trial."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["dashboard", "organizations:settings", "billing:index"])
def test_owner_sees_the_days_left(world, page):
    world.acme.trial_ends_at = timezone.now() + timedelta(days=4, hours=1)
    world.acme.save(update_fields=["trial_ends_at"])
    body = world.client_for(world.owner).get(reverse(page)).content.decode()
    assert "Free trial: 5 days left." in body  # the shell banner
    assert "5 days left" in body.replace("Free trial: 5 days left.", "")  # and the page itself
    assert 'href="/billing/">Choose a plan' in body or page == "billing:index"


def test_an_expired_owner_is_led_to_billing_never_to_a_new_trial(world):
    world.acme.trial_ends_at = timezone.now() - timedelta(days=1)
    world.acme.save(update_fields=["trial_ends_at"])
    owner = world.client_for(world.owner)
    for page in ("dashboard", "organizations:settings", "pricing"):
        body = owner.get(reverse(page)).content.decode()
        assert 'href="/billing/"' in body
        assert reverse("account_signup") not in body, page


def test_hr_admins_are_told_who_chooses_the_plan(world):
    body = world.client_for(world.hr).get(reverse("organizations:settings")).content.decode()
    assert "An owner of Acme chooses the plan" in body
    assert 'href="/billing/"' not in body
    assert (
        world.client_for(world.hr).get(reverse("pricing")).content.count(b"/accounts/signup/") == 0
    )


def test_billing_is_in_the_owners_menu_only(world):
    assert b'href="/billing/">Billing' in world.client_for(world.owner).get("/home/").content
    assert b'href="/billing/">Billing' not in world.client_for(world.hr).get("/home/").content
