"""Query counts of the promotion pages do not grow with the organization: the same page
at two sizes makes the same number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.scoping import scope
from promotions import services
from promotions.models import PromotionCase
from tests.factories import make_people
from tests.promotions.factories import promotion_team

pytestmark = pytest.mark.django_db


def grow(world, t, n, start):
    """n more people on G2 under Max, each with a case being written, all in a round."""
    people = make_people(
        world,
        n,
        start=start,
        name="Person {:03}",
        manager=t.max,
        job_family=t.family,
        level=t.levels["G2"],
    )
    g3 = t.levels["G3"].uid
    return [services.open_case(person, actor=world.hr, target_level_uid=g3) for person in people]


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_pages_are_constant_in_queries(world):
    with scope(world.acme):
        t = promotion_team(world, peers=0)
        cases = grow(world, t, 3, 0)
        round = services.create_round(
            world.acme, actor=world.hr, name="R", committee=[world.p_owner], cases=cases
        )
    hr = world.client_for(world.hr)
    urls = [
        reverse("promotions:readiness") + "?show=everyone",
        reverse("promotions:index"),
        reverse("promotions:rounds"),
        reverse("promotions:round", args=[round.public_id]),
        reverse("fairness:index"),
    ]
    for url in urls:  # warm caches (sessions, the rate-limit table)
        count(hr, url)
    small = {url: count(hr, url) for url in urls}
    with scope(world.acme):
        more = grow(world, t, 12, 100)
        round.refresh_from_db()
        services.update_round(
            round,
            actor=world.hr,
            expected_revision=round.revision,
            name="R",
            committee=[world.p_owner],
            cases=[*cases, *more],
        )
        assert PromotionCase.objects.filter(round=round).count() == 15
    large = {url: count(hr, url) for url in urls}
    print("queries per page (3 cases → 15 cases):", small, large)
    assert large == small
