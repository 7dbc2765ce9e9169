"""Accessibility checked by a machine: axe-core runs on every main page as each role (HR
admin at 1280 px; manager and employee at 390 px, as on a phone) and the test fails on any
serious or critical violation of WCAG 2.0/2.1 A and AA.

axe-core is a test-only npm package (package.json, `make node-packages`, which `make test`
runs); the test injects it into each page (a browser context that bypasses the CSP, since
an injected script has no nonce). It is never served to users."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from frameworks.library import start_from_template
from frameworks.services import start_draft
from organizations.scoping import scope
from reviews import services as rs
from reviews.models import ReviewForm
from tests.browser import SHOTS, login
from tests.growth.factories import growth_team, run_cycle
from tests.growth.test_gap_report import MANAGER, SELF
from tests.promotions.helpers import case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Started without waiting, so that the three roles' pages are checked side by side (each
# page has its own renderer process); COLLECT then waits for the result.
START_AXE = """(tags) => {
  window.__axeProblems = axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  }).then((result) => result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help}\\n` + v.nodes.slice(0, 4)
      .map((n) => `    ${n.target.join(" ")}  ${n.failureSummary.replace(/\\s+/g, " ")}`)
      .join("\\n")));
}"""
COLLECT = "() => window.__axeProblems"


@pytest.fixture
def new_axe_page(browser: Any) -> Any:
    """A page in its own browser context of `width` px that bypasses the CSP (the
    injected axe-core script has no nonce)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make node-packages` (make test runs it)")
    contexts: list[Any] = []

    def new(width: int) -> Any:
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()


def test_axe_core_is_never_served_to_users():
    assert finders.find("axe-core/axe.min.js") is None
    assert finders.find("axe.min.js") is None


def test_main_pages_have_no_serious_accessibility_violations(new_axe_page, live_server, world):
    with scope(world.acme):
        t = growth_team(world)
        released = run_cycle(world, t, name="2026 H1", manager=MANAGER, self_ratings=SELF)
        case = case_in_review(world, t)
        family = t.levels["G2"].version.family
        version = t.levels["G2"].version
        start_draft(family, actor=world.hr)
        start_from_template(world.acme, "product-management", actor=world.hr)
        # an open cycle, so that there are review forms to fill in
        open_cycle = rs.create_cycle(
            world.acme,
            name="2026 H2",
            actor=world.hr,
            participants=[t.emma],
            inputs={"self": True, "manager": True, "peers": 0},
        )
        open_cycle.refresh_from_db()
        rs.launch_cycle(open_cycle, expected_revision=open_cycle.revision, actor=world.hr)
        forms = {f.kind: f.public_id for f in ReviewForm.objects.filter(cycle=open_cycle)}
    emma, cycle = t.emma.public_id, released.cycle.public_id

    def url(name: str, *args: Any) -> str:
        return reverse(name, args=args)

    everyone = [
        url("dashboard"),
        url("frameworks:my_ladder"),
        url("reviews:my_reviews"),
        url("growth:index"),
        url("promotions:index"),
    ]
    pages = {
        world.hr: [
            *everyone,
            url("people:list"),
            url("people:add"),
            url("people:detail", emma),
            url("people:import"),
            url("people:org_chart"),
            url("frameworks:index"),
            url("frameworks:family", family.public_id),
            url("frameworks:editor", family.public_id),
            url("frameworks:version", version.public_id),
            url("frameworks:library"),
            url("frameworks:template_detail", "product-management"),
            url("frameworks:person_ladder", emma),
            url("spreadsheets:index"),
            url("reviews:cycles"),
            url("reviews:cycle", cycle),
            url("reviews:results", released.public_id),
            url("reviews:scale"),
            url("growth:latest_report", emma),
            url("growth:settings"),
            url("promotions:case", case.public_id),
            url("promotions:readiness"),
            url("promotions:rounds"),
            url("fairness:index"),
            url("organizations:settings"),
            url("organizations:members"),
            url("organizations:audit_log"),
            url("accounts:invitations"),
            url("sso:settings"),
        ],
        world.manager: [
            *everyone,
            url("people:team"),
            url("growth:team"),
            url("frameworks:person_ladder", emma),
            url("growth:latest_report", emma),
            url("growth:plan", emma),
            url("reviews:form", forms["manager"]),
            url("promotions:case", case.public_id),
        ],
        world.employee: [
            *everyone,
            url("people:me"),
            url("reviews:form", forms["self"]),
            url("reviews:results", released.public_id),
            url("growth:latest_report", emma),
            url("fairness:mine"),
        ],
    }
    problems: list[str] = []
    timings: list[str] = []
    started = time.monotonic()
    # HR works at a desk; managers and employees check their pages on a phone as well
    widths = {world.hr: 1280, world.manager: 390, world.employee: 390}
    tabs = {}
    for user in pages:
        tabs[user] = new_axe_page(widths[user])
        login(tabs[user], live_server, user)
    for n in range(max(len(paths) for paths in pages.values())):
        one = time.monotonic()
        batch = [(user, paths[n]) for user, paths in pages.items() if n < len(paths)]
        for user, path in batch:
            tabs[user].goto(live_server.url + path)
            tabs[user].add_script_tag(path=str(AXE))
            tabs[user].evaluate(START_AXE, TAGS)
        for user, path in batch:
            found = tabs[user].evaluate(COLLECT)
            problems += [f"{user.email} {path} at {widths[user]} px\n  {p}" for p in found]
        timings.append(f"{time.monotonic() - one:5.2f} s  " + ", ".join(p for _, p in batch))
    pages_checked = sum(len(paths) for paths in pages.values())
    took = time.monotonic() - started
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "axe-report.txt").write_text(
        f"{pages_checked} pages in {took:.1f} s\n\n" + "\n".join([*problems, "", *timings])
    )
    assert problems == [], "\n".join(problems)
