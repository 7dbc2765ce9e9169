"""In a real browser: the list of who can log in reads on a phone, one card per login, with
the owner's role control whole instead of cut off at the screen's edge."""

from __future__ import annotations

import pytest

from tests.browser import PHONE, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_logins_list_fits_a_phone(page, live_server, world):
    login(page, live_server, world.owner)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/organization/members/")
    wrap, table = page.locator(".members-table").evaluate(
        "t => [t.parentElement.clientWidth, t.scrollWidth]"
    )
    assert table <= wrap, f"the logins table is {table}px wide in a {wrap}px box at 390 px"
    select = page.get_by_label("Role for emma@acme.test")
    box = select.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    assert page.locator('td[data-label="Two-factor"]').first.is_visible()
