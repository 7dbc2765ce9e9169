"""In a real browser: an HR admin searches O*NET for "Product Manager", opens the
occupation, adds a skill to a ladder, and reads the statement check of that ladder.
Screenshots at 1280 and 390 px go to screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from frameworks.services import apply_family_data
from onet import data
from organizations.scoping import scope
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _ladder() -> FamilyData:
    levels = [
        LevelData("PM1", "Associate PM", 1, "shared", "Feature"),
        LevelData("PM2", "Product Manager", 2, "shared", "Product area"),
        LevelData("PM3", "Senior PM", 3, "ic", "Product line"),
        LevelData("GPM", "Group PM", 3, "manager", "Product line"),
    ]
    return FamilyData(
        name="Product Management",
        levels=levels,
        competencies=[
            CompetencyData(
                "Prioritization",
                category="Product craft",
                statements={
                    "PM1": [StatementData("Makes good prioritization decisions")],
                    "PM2": [
                        StatementData(
                            "Ranks the product area's backlog every sprint and shares the "
                            "reasoning for the top five items with engineering and design",
                            ["decision_record"],
                        )
                    ],
                    "PM3": [
                        StatementData(
                            "Ranks the product area's backlog every sprint and always shares the "
                            "reasoning for the top five items with engineering and design",
                            ["decision_record"],
                        )
                    ],
                    "GPM": [StatementData("Coaches PMs to rank their roadmaps", ["360_input"])],
                },
            ),
            CompetencyData(
                "Communication",
                category="Working with others",
                statements={
                    "PM1": [StatementData("Is a strong communicator")],
                    "PM2": [StatementData("Builds relationships")],
                    "PM3": [
                        StatementData(
                            "Presents the product line roadmap to the leadership team each "
                            "quarter and records which bets were cut and why",
                            ["written_artifact"],
                        )
                    ],
                },
            ),
        ],
    )


def test_onet_search_occupation_add_and_lint_report(page, live_server, world):
    with scope(world.acme):
        draft = apply_family_data(world.acme, _ladder(), actor=world.owner)
    login(page, live_server, world.hr)

    page.goto(f"{live_server.url}/onet/")
    expect(page.get_by_role("heading", name="O*NET occupations")).to_be_visible()
    page.get_by_label("Job title").fill("Product Manager")
    first = page.locator(".onet-result").first
    expect(first).to_contain_text("Marketing Managers")
    expect(first).to_contain_text("11-2021.00")
    expect(page.locator(".onet-attribution")).to_be_visible()
    assert "q=Product" in page.url  # the search is in the address, so it can be shared
    shoot(page, "onet-search-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "onet-search-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    first.get_by_role("link", name="Marketing Managers").click()
    expect(page.get_by_role("heading", name="Marketing Managers", level=1)).to_be_visible()
    expect(page.locator(".onet-attribution")).to_be_visible()
    shoot(page, "onet-occupation-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "onet-occupation-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    top = data.get_occupation("11-2021.00").skills[0].element
    page.locator(f"a[href^='/onet/elements/{top.id}/add/']").click()
    expect(page.get_by_role("heading", name=f"Add “{top.name}” as a competency")).to_be_visible()
    page.get_by_role("button", name="Add as competency").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the job family")
    page.get_by_label("Product Management — adds it to the draft").check()
    shoot(page, "onet-add-1280")
    page.get_by_role("button", name="Add as competency").click()
    expect(page.locator(".messages")).to_contain_text(f"Added “{top.name}”")

    page.goto(f"{live_server.url}/frameworks/{draft.public_id}/lint/")
    expect(page.get_by_role("heading", name="Statement check: Product Management")).to_be_visible()
    expect(page.locator("#flag-not_behavioral")).to_contain_text("Is a strong communicator")
    expect(page.locator("#flag-not_level_specific")).to_contain_text("Ranks the product area")
    shoot(page, "lint-report-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "lint-report-390")
