"""The fairness analysis in a browser: a flagged group's row is tinted from its first cell
(the group's name) to its last, at a desktop and a phone width."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser import DESKTOP, PHONE, login, shoot_widths
from tests.fairness.test_pages import upload_biased

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_flagged_row_is_tinted_from_its_first_cell(page, live_server, world):
    upload_biased(world)
    login(page, live_server, world.hr)
    page.goto(live_server.url + reverse("fairness:index"))
    row = page.locator("tr.row-problem").first
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        first = row.locator("th").evaluate("e => getComputedStyle(e).backgroundColor")
        cells = row.locator("td").evaluate_all(
            "es => es.map(e => getComputedStyle(e).backgroundColor)"
        )
        assert set(cells) == {first}, (size, first, cells)
        assert first not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    shoot_widths(page, "fairness-flagged-row")
