"""In a real browser: the read-only ladder matrix (an employee's ladder, a template page,
a published version) flows with the page instead of sitting in a box that scrolls both
ways. It scrolls only sideways, and only when wider than the page; its column headers stay
under the top bar as the page scrolls down, and the competency column stays on the left as
it scrolls sideways. Screenshots go to screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from frameworks.library import start_from_template
from frameworks.models import Level
from frameworks.services import publish_draft
from organizations.scoping import scope
from tests.browser import SHOTS, login
from tests.factories import place

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def geometry(page: Any) -> dict[str, float]:
    return page.evaluate(
        """() => {
          const wrap = document.querySelector('.matrix-wrap');
          const head = wrap.querySelector('thead tr.matrix__levels th');
          const corner = wrap.querySelector('th.matrix__corner');
          return {
            wrapTop: wrap.getBoundingClientRect().top,
            wrapLeft: wrap.getBoundingClientRect().left,
            scrollHeight: wrap.scrollHeight, clientHeight: wrap.clientHeight,
            scrollWidth: wrap.scrollWidth, clientWidth: wrap.clientWidth,
            headTop: head.getBoundingClientRect().top,
            cornerLeft: corner.getBoundingClientRect().left,
            barBottom: document.querySelector('.topbar').getBoundingClientRect().bottom,
            pageWidth: document.documentElement.scrollWidth,
            viewport: innerHeight,
          };
        }"""
    )


def test_read_only_matrix_flows_with_the_page(page: Any, live_server: Any, world: Any):
    with scope(world.acme):
        draft = start_from_template(world.acme, "product-management", actor=world.hr)
        version = publish_draft(draft, actor=world.hr, note="First version")
        level = Level.objects.get(version=version, code="PM")
        place(world.p_employee, level, actor=world.hr)
    login(page, live_server, world.employee)
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/frameworks/my-ladder/")
        g = geometry(page)
        # no box of its own to scroll down: the whole matrix is as tall as its rows
        assert g["scrollHeight"] <= g["clientHeight"] + 1, g
        assert g["clientHeight"] > g["viewport"], "the matrix should flow past one screen"
        # it scrolls sideways inside the page; the page itself does not
        assert g["scrollWidth"] > g["clientWidth"], g
        assert g["pageWidth"] <= width, g
        # scroll down into the middle of the matrix: the level headers sit under the top bar
        page.evaluate(
            "scrollTo(0, document.querySelector('.matrix-wrap').getBoundingClientRect().top"
            " + scrollY + 1200)"
        )
        page.evaluate("document.querySelector('.matrix-wrap').scrollLeft = 300")
        page.wait_for_timeout(150)
        g = geometry(page)
        assert g["wrapTop"] < -1000, g
        assert g["barBottom"] <= g["headTop"] <= g["barBottom"] + 45, g
        # and the competency column stays on the left while the levels scroll sideways
        assert abs(g["cornerLeft"] - g["wrapLeft"]) <= 2, g
        page.screenshot(path=str(SHOTS / f"matrix-flow-ladder-{width}.png"))

    # the template page and a published version flow the same way
    login(page, live_server, world.hr)
    page.set_viewport_size({"width": 1280, "height": 900})
    for name, path in (
        ("template", "/frameworks/templates/product-management/"),
        ("version", f"/frameworks/versions/{version.public_id}/"),
    ):
        page.goto(live_server.url + path)
        g = geometry(page)
        assert g["scrollHeight"] <= g["clientHeight"] + 1, (path, g)
        assert g["clientHeight"] > g["viewport"], path
        page.screenshot(path=str(SHOTS / f"matrix-flow-{name}-1280.png"), full_page=True)
