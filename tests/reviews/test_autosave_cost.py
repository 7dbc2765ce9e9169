"""An autosave is the request deadline day sends most (every few seconds per reviewer,
`make load`): its answer reuses what the page already loaded and takes a fixed number of
queries, however many statements are answered; the answers are written with one UPDATE
per distinct set of values (at most MAX_UPDATE_GROUPS, then one bulk update)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.scoping import scope
from reviews.models import FormItem
from reviews.services.answers import MAX_UPDATE_GROUPS
from tests.reviews.factories import team
from tests.reviews.helpers import form_of, open_cycle

pytestmark = pytest.mark.django_db

MAX_QUERIES = 13


def test_an_autosave_takes_a_fixed_few_queries(world):
    with scope(world.acme):
        t = team(world)
        cycle = open_cycle(world, t, inputs={"self": True, "manager": True, "peers": 0})
        form = form_of(cycle, "self")
        uids = list(
            FormItem.objects.filter(form=form)
            .order_by("position")
            .values_list("statement_uid", flat=True)
        )
    emma = world.client_for(world.employee)
    path = reverse("reviews:form_save", kwargs={"form_id": form.public_id})
    counts = []
    for revision, answered in enumerate([uids[:1], uids]):
        data = {"revision": revision}
        for uid in answered:
            data |= {f"rating-{uid}": "3", f"comment-{uid}": f"save {revision}"}
        with CaptureQueriesContext(connection) as queries:
            saved = emma.post(path, data, HTTP_HX_REQUEST="true")
        body = saved.content.decode()
        assert "Saved" in body, body[:500]
        assert re.search(rf'id="form-revision" value="{revision + 1}" hx-swap-oob', body)
        counts.append(len(queries))
    # every statement a different rating and comment: more UPDATEs, still bounded
    data = {"revision": 2}
    for n, uid in enumerate(uids):
        data |= {f"rating-{uid}": str(n % 4 + 1), f"comment-{uid}": f"note {n}"}
    with CaptureQueriesContext(connection) as queries:
        saved = emma.post(path, data, HTTP_HX_REQUEST="true")
    assert "Saved" in saved.content.decode()
    counts.append(len(queries))
    assert counts[0] == counts[1] <= MAX_QUERIES, counts
    assert counts[2] <= counts[1] + MAX_UPDATE_GROUPS - 1, counts
