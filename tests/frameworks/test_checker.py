"""A checker HR can trust (issue 8): it flags a statement unrelated to its competency,
shows its flags on each statement in the editor, and publishing lists the open flags and
asks for a reason to publish anyway (kept in the version note and the audit log)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from frameworks import services
from frameworks.library import load_template, template_keys
from frameworks.linter import OFF_TOPIC, Topic, lint_family_data, lint_statement
from frameworks.models import FrameworkVersion
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from organizations.models import AuditEntry
from organizations.scoping import scope
from tests.framework_fixtures import load

pytestmark = pytest.mark.django_db

COFFEE = "Asks customers if they would like a cup of coffee"
RELIEF = "Directs relief agency operations in a disaster area"
FLIGHTS = "Makes flight reservations for customers using an online booking site"


def support_family() -> FamilyData:
    """A support team's ladder with O*NET's Service Orientation examples as statements."""
    levels = [
        LevelData("S1", "Support Agent", 1, "shared", "Queue"),
        LevelData("S2", "Senior Support Agent", 2, "shared", "Product area"),
        LevelData("S3", "Support Lead", 3, "manager", "Team"),
    ]
    return FamilyData(
        name="Customer Support",
        levels=levels,
        competencies=[
            CompetencyData(
                "Ticket handling",
                category="Support craft",
                description="Solving customers' tickets correctly and within the target time.",
                statements={
                    "S1": [StatementData("Answers tickets in the queue within four hours.")],
                    "S2": [
                        StatementData(
                            "Writes a help-centre article for each ticket type that comes in "
                            "more than five times a week."
                        )
                    ],
                    "S3": [StatementData("Reports first-response time for the team each week.")],
                },
            ),
            CompetencyData(
                "Service Orientation",
                category="O*NET skills",
                description="Actively looking for ways to help people.",
                statements={
                    "S1": [StatementData(COFFEE)],
                    "S2": [StatementData(FLIGHTS)],
                    "S3": [StatementData(RELIEF)],
                },
            ),
        ],
    )


def test_the_issues_examples_are_flagged_for_a_support_team():
    report = lint_family_data(support_family())
    flagged = {i.text: i.result.codes for i in report.items if OFF_TOPIC in i.result.codes}
    assert COFFEE in flagged and RELIEF in flagged and FLIGHTS in flagged
    assert report.score is not None and report.score < 100
    # the support team's own statements are on topic
    assert not [i for i in report.items if i.competency == "Ticket handling" and i.result.flags]
    # the message says what is wrong and names the competency
    coffee = next(i for i in report.items if i.text == COFFEE)
    message = next(f.message for f in coffee.result.flags if f.code == OFF_TOPIC)
    assert "Service Orientation" in message


def test_a_statement_about_its_competency_is_not_off_topic():
    topic = Topic(
        "Prioritization",
        "Deciding what to work on next: ranking the backlog and the roadmap.",
        ("Ranks the feature backlog with the team each sprint.",),
    )
    on = lint_statement("Ranks the product area roadmap every quarter.", topic=topic)
    assert OFF_TOPIC not in on.codes
    off = lint_statement("Waters the office plants every morning.", topic=topic)
    assert OFF_TOPIC in off.codes


@pytest.mark.parametrize("key", template_keys())
def test_no_template_statement_is_off_topic(key):
    report = lint_family_data(load_template(key))
    assert not [i.text for i in report.items if OFF_TOPIC in i.result.codes]


@pytest.fixture
def support_draft(world, acme_scope):
    return load(world.acme, support_family(), actor=world.hr)


def test_the_editor_shows_each_statements_flags(world, support_draft):
    page = world.client_for(world.hr).get(
        reverse("frameworks:editor", args=[support_draft.family.public_id])
    )
    text = page.content.decode()
    assert "statements flagged" in text
    item = re.search(re.escape(COFFEE) + r".*?</li>", text, re.DOTALL)
    assert item and "Unrelated to the competency" in item.group(0)
    clean = re.search(r"Answers tickets in the queue within four hours\..*?</li>", text, re.DOTALL)
    assert clean and "statement-flags" not in clean.group(0)


def test_publishing_lists_open_flags_and_needs_a_reason(world, support_draft):
    client = world.client_for(world.hr)
    url = reverse("frameworks:publish", args=[support_draft.family.public_id])
    page = client.get(url).content.decode()
    assert "The checker still flags" in page and COFFEE in page
    assert "Why publish with flagged statements?" in page
    refused = client.post(url, {"note": "First version", "revision": support_draft.revision})
    assert refused.status_code == 200
    assert "or say why you publish anyway" in refused.content.decode()
    assert not FrameworkVersion.objects.filter(status="published").exists()
    done = client.post(
        url,
        {
            "note": "First version",
            "reason": "The O*NET skill stays until the team lead rewrites it next week.",
            "revision": support_draft.revision,
        },
    )
    assert done.status_code == 302
    with scope(world.acme):
        v1 = FrameworkVersion.objects.get(status="published")
        assert "First version" in v1.note
        assert "the checker flagged: The O*NET skill stays" in v1.note
        entry = AuditEntry.objects.filter(action="framework.published").latest("id")
        assert entry.data["reason"].startswith("The O*NET skill stays")
        assert entry.data["open_flags"] >= 3


def test_a_clean_draft_publishes_without_a_reason(world, acme_scope):
    draft = services.apply_family_data(world.acme, load_template("engineering"), actor=world.hr)
    client = world.client_for(world.hr)
    url = reverse("frameworks:publish", args=[draft.family.public_id])
    page = client.get(url).content.decode()
    assert "The checker still flags" not in page and "Why publish" not in page
    done = client.post(url, {"note": "First version", "revision": draft.revision})
    assert done.status_code == 302
