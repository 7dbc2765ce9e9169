"""The template library: every template file is a valid ladder, the Product Management
template has the ladder the issue asks for, starting from a template makes an audited
draft, and the hub pages are fast and respect roles."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frameworks.library import (
    DATA_DIR,
    TemplateNotFound,
    check_all,
    list_templates,
    load_template,
    start_from_template,
    template_keys,
    validate_raw,
)
from frameworks.library.matrix import build_matrix
from frameworks.models import (
    Competency,
    CompetencyCategory,
    EvidenceKind,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
)
from frameworks.services import publish_draft, version_to_data
from organizations.models import AuditEntry
from organizations.scoping import scope
from tests.framework_fixtures import PM_TEMPLATE_CODES

KEYS = template_keys()
MY_FAMILIES = [
    "product-management",
    "engineering",
    "design",
    "data",
    "customer-success",
]


def _raw(key: str) -> dict[str, Any]:
    return json.loads((DATA_DIR / f"{key}.json").read_text(encoding="utf-8"))


# --- the data files ----------------------------------------------------------------------


def test_every_file_follows_the_format():
    assert check_all() == {}


@pytest.mark.parametrize("key", MY_FAMILIES)
def test_my_families_are_in_the_library(key: str):
    assert key in KEYS


@pytest.mark.parametrize("key", KEYS)
def test_template_is_a_well_formed_ladder(key: str):
    data = load_template(key)
    assert data.key == key and data.name and data.description
    codes = data.level_codes()
    assert len(codes) == len(set(codes)), "level codes are unique"
    assert 6 <= len(data.levels) <= 10
    assert {lv.track for lv in data.levels} == {"shared", "ic", "manager"}
    shared = [lv.rank for lv in data.levels if lv.track == "shared"]
    split = [lv.rank for lv in data.levels if lv.track != "shared"]
    assert max(shared) < min(split), "the shared trunk sits below the split"
    first_ic = min(lv.rank for lv in data.levels if lv.track == "ic")
    first_mgr = min(lv.rank for lv in data.levels if lv.track == "manager")
    assert first_ic == first_mgr, "the tracks split at the same rank"
    for lv in data.levels:
        assert lv.summary and lv.key_question and lv.scope, lv.code
    assert 6 <= len(data.competencies) <= 10
    assert 3 <= len(data.categories()) <= 4
    names = [c.name.casefold() for c in data.competencies]
    assert len(names) == len(set(names))
    kinds = set(EvidenceKind.values)
    for comp in data.competencies:
        assert set(comp.statements) <= set(codes), f"{comp.name}: unknown level"
        assert len(comp.statements) >= 3, f"{comp.name} changes at too few levels"
        for items in comp.statements.values():
            for st in items:
                assert st.evidence and set(st.evidence) <= kinds, st.text
                assert len(st.text) >= 60, st.text
    # every level expects something new somewhere
    for code in codes:
        assert any(code in c.statements for c in data.competencies), code


@pytest.mark.parametrize("key", KEYS)
def test_statements_are_not_repeated(key: str):
    data = load_template(key)
    texts = [st.text for c in data.competencies for s in c.statements.values() for st in s]
    assert len(texts) == len(set(texts))


def test_product_management_ladder_is_the_one_asked_for():
    data = load_template("product-management")
    by_track = {
        t: [(lv.title, lv.rank) for lv in data.levels if lv.track == t]
        for t in ("shared", "ic", "manager")
    }
    assert by_track["shared"] == [
        ("Associate Product Manager", 1),
        ("Product Manager", 2),
        ("Senior Product Manager", 3),
    ]
    assert by_track["ic"] == [("Staff Product Manager", 4), ("Principal Product Manager", 5)]
    assert by_track["manager"] == [
        ("Group Product Manager", 4),
        ("Director of Product", 5),
        ("VP of Product", 6),
        ("Chief Product Officer", 7),
    ]
    scopes = {lv.code: lv.scope for lv in data.levels}
    assert [scopes[c] for c in ("APM", "PM", "SPM")] == ["Feature", "Product area", "Product line"]
    assert scopes["DIR"] == "Portfolio" and scopes["CPO"] == "Company"
    assert {lv.scope for lv in data.levels} == {
        "Feature",
        "Product area",
        "Product line",
        "Portfolio",
        "Company",
    }
    names = " ".join(c.name.casefold() for c in data.competencies)
    for word in ("discovery", "prioritization", "writing", "metric", "stakeholder", "coaching"):
        assert word in names
    assert "Team Lead" in next(lv.summary for lv in data.levels if lv.code == "GPM")


def test_validation_catches_broken_files():
    good = _raw("product-management")
    assert validate_raw(good, filename="product-management.json") == []

    def problems(change: Any) -> list[str]:
        raw = copy.deepcopy(good)
        change(raw)
        return validate_raw(raw, filename="product-management.json")

    assert problems(lambda r: r["levels"][1].update(code="APM"))  # duplicate code
    assert problems(lambda r: r["levels"][0].update(track="senior"))
    assert problems(lambda r: r["levels"][2].update(rank=9))  # trunk above the split
    assert problems(lambda r: r["competencies"][0]["statements"].update(ZZ=[]))
    assert problems(
        lambda r: r["competencies"][0]["statements"]["APM"][0].update(evidence=["vibes"])
    )
    assert problems(lambda r: r["competencies"][0]["statements"]["APM"][0].update(evidence=[]))
    assert problems(lambda r: r.update(colour="blue"))
    assert problems(lambda r: r.update(key="other"))
    assert problems(lambda r: r["levels"][0].pop("key_question"))


def test_unknown_template():
    with pytest.raises(TemplateNotFound):
        load_template("astrology")


def test_load_template_returns_a_fresh_copy():
    first = load_template("product-management")
    first.levels[0].title = "Changed"
    first.competencies.clear()
    again = load_template("product-management")
    assert again.levels[0].title == "Associate Product Manager"
    assert again.competencies


def test_list_templates_describes_each_family():
    infos = {t.key: t for t in list_templates()}
    pm = infos["product-management"]
    data = load_template("product-management")
    assert pm.level_count == 9
    assert pm.tracks == ("Shared", "IC", "Manager")
    assert pm.competency_count == len(data.competencies)
    assert pm.statement_count == data.statement_count() > 50
    assert dict(pm.levels_by_track)["IC"] == (
        "Staff Product Manager",
        "Principal Product Manager",
    )
    assert pm.summary


def test_matrix_carries_expectations_over_on_each_path():
    data = load_template("product-management")
    matrix = build_matrix(data)
    assert tuple(lv.code for lv in matrix.levels) == PM_TEMPLATE_CODES
    assert [(g.track, g.span) for g in matrix.tracks] == [("shared", 3), ("ic", 2), ("manager", 4)]
    assert [g.name for g in matrix.groups] == data.categories()
    writing = {cell.level.code: cell for cell in matrix.row("Writing craft").cells}
    # nothing new for a Director: the Group PM's expectations carry over, not Principal's
    assert writing["DIR"].is_empty
    assert writing["DIR"].carried_from is not None
    assert writing["DIR"].carried_from.code == "GPM"
    assert writing["DIR"].carried[0].text.startswith("Edits the PRDs")
    coaching = {cell.level.code: cell for cell in matrix.row("Coaching and mentorship").cells}
    assert coaching["APM"].carried_from is None and coaching["APM"].is_empty
    labels = matrix.row("Prioritization").cells[0].statements[0].evidence_labels
    assert labels == ["Written artifact", "360 input"]


# --- starting from a template ------------------------------------------------------------


def test_start_from_template_creates_an_audited_draft(world: Any, acme_scope: Any):
    data = load_template("product-management")
    draft = start_from_template(world.acme, "product-management", actor=world.hr)
    assert draft.is_draft and draft.source == "template:product-management"
    assert draft.family.name == "Product Management"
    assert draft.family.key == "product-management"
    assert Level.objects.filter(version=draft).count() == len(data.levels)
    assert Competency.objects.filter(version=draft).count() == len(data.competencies)
    assert CompetencyCategory.objects.filter(version=draft).count() == len(data.categories())
    assert Statement.objects.filter(version=draft).count() == data.statement_count()
    entry = AuditEntry.objects.filter(organization=world.acme, action="framework.draft_loaded")
    assert entry.count() == 1
    assert entry.get().data["source"] == "template:product-management"
    assert entry.get().actor == world.hr
    back = version_to_data(draft)
    assert [lv.code for lv in back.levels] == [lv.code for lv in data.levels]
    assert {c.name: c.statements for c in back.competencies} == {
        c.name: c.statements for c in data.competencies
    }


def test_using_a_template_again_replaces_the_draft(world: Any, acme_scope: Any):
    first = start_from_template(world.acme, "product-management", actor=world.hr)
    level_uids = set(Level.objects.filter(version=first).values_list("uid", flat=True))
    second = start_from_template(world.acme, "product-management", actor=world.hr)
    assert second.pk == first.pk
    assert FrameworkVersion.objects.filter(family=first.family).count() == 1
    assert set(Level.objects.filter(version=second).values_list("uid", flat=True)) == level_uids
    assert JobFamily.objects.count() == 1


def test_using_a_template_after_publishing_starts_a_new_draft(world: Any, acme_scope: Any):
    draft = start_from_template(world.acme, "product-management", actor=world.hr)
    publish_draft(draft, actor=world.hr, note="First ladder")
    again = start_from_template(world.acme, "product-management", actor=world.hr)
    assert again.pk != draft.pk and again.is_draft and again.number == 2
    assert again.based_on_id == draft.pk
    draft.refresh_from_db()
    assert Statement.objects.filter(version=draft).count() == again.statements.count()


# --- the pages ---------------------------------------------------------------------------


def test_hr_browses_the_hub(world: Any):
    client = world.client_for(world.hr)
    response = client.get(reverse("frameworks:library"))
    assert response.status_code == 200
    body = response.content.decode()
    for info in list_templates():
        assert info.name in body
        assert reverse("frameworks:template_detail", args=[info.key]) in body
    assert "Compare selected" in body


def test_detail_shows_the_whole_ladder(world: Any):
    client = world.client_for(world.hr)
    response = client.get(reverse("frameworks:template_detail", args=["product-management"]))
    assert response.status_code == 200
    body = response.content.decode()
    data = load_template("product-management")
    for lv in data.levels:
        assert lv.title in body
    first = data.competencies[0].statements["APM"][0].text
    assert first.replace("'", "&#x27;") in body
    assert 'class="matrix"' in body
    assert reverse("frameworks:template_use", args=["product-management"]) in body


def test_detail_for_an_unknown_template_is_not_found(world: Any):
    client = world.client_for(world.hr)
    assert client.get(reverse("frameworks:template_detail", args=["nope"])).status_code == 404
    hr = world.client_for(world.hr)
    assert hr.get(reverse("frameworks:template_use", args=["nope"])).status_code == 404
    assert hr.post(reverse("frameworks:template_use", args=["nope"])).status_code == 404


def test_compare_two_templates(world: Any):
    keys = KEYS[:2]
    client = world.client_for(world.hr)
    response = client.get(reverse("frameworks:template_compare"), {"keys": keys})
    assert response.status_code == 200
    assert [t.key for t in response.context["chosen"]] == keys
    body = response.content.decode()
    for key in keys:
        data = load_template(key)
        for lv in data.levels:
            assert lv.title in body


def test_compare_needs_two_or_three(world: Any):
    client = world.client_for(world.hr)
    url = reverse("frameworks:template_compare")
    one = client.get(url, {"keys": ["product-management"]})
    assert one.status_code == 200 and not one.context["chosen"]
    assert "Choose two or three templates" in one.content.decode()
    if len(KEYS) >= 4:
        four = client.get(url, {"keys": KEYS[:4]})
        assert not four.context["chosen"]
    unknown = client.get(url, {"keys": ["product-management", "astrology"]})
    assert not unknown.context["chosen"]
    blank = client.get(url, {"with": "product-management"})
    assert blank.status_code == 200 and not blank.context["form"].errors
    assert re.search(r'value="product-management"[^>]*checked', blank.content.decode())


def test_members_cannot_use_a_template(world: Any):
    client = world.client_for(world.employee)
    url = reverse("frameworks:template_use", args=["product-management"])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    with scope(world.acme):
        assert not JobFamily.objects.exists()


def test_hr_admin_uses_a_template(world: Any):
    client = world.client_for(world.hr)
    url = reverse("frameworks:template_use", args=["product-management"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Create the draft" in confirm.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    with scope(world.acme):
        family = JobFamily.objects.get()
        draft = FrameworkVersion.objects.get(family=family)
        assert draft.is_draft and draft.source == "template:product-management"
    expected = (
        reverse("frameworks:editor", args=[family.public_id])
        if _has_editor()
        else reverse("frameworks:index")
    )
    assert response["Location"] == expected
    again = client.get(url)
    assert "Its content will be replaced" in again.content.decode()
    assert "Replace the draft" in again.content.decode()
    hub = client.get(reverse("frameworks:library")).content.decode()
    assert "In your organization" in hub


def test_confirm_page_after_publishing_offers_a_new_draft(world: Any):
    with scope(world.acme):
        draft = start_from_template(world.acme, "product-management", actor=world.hr)
        publish_draft(draft, actor=world.hr, note="First ladder")
    client = world.client_for(world.hr)
    page = client.get(reverse("frameworks:template_use", args=["product-management"]))
    body = page.content.decode()
    assert "Start a new draft" in body and "Published v1 stays in use" in body


def _has_editor() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("frameworks:editor", args=["x" * 12])
    except NoReverseMatch:
        return False
    return True


def _count(client: Any, url: str, params: Any = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_hub_queries_do_not_grow_with_families(world: Any, django_assert_max_num_queries: Any):
    client = world.client_for(world.hr)
    pages = [
        (reverse("frameworks:library"), None),
        (reverse("frameworks:template_detail", args=["product-management"]), None),
        (reverse("frameworks:template_compare"), {"keys": KEYS[:3]}),
    ]
    before = [_count(client, url, params) for url, params in pages]
    with scope(world.acme):
        for key in KEYS:
            draft = start_from_template(world.acme, key, actor=world.hr)
            publish_draft(draft, actor=world.hr, note="v1")
            start_from_template(world.acme, key, actor=world.hr)
    after = [_count(client, url, params) for url, params in pages]
    assert after == before
    for (url, params), n in zip(pages, after, strict=True):
        with django_assert_max_num_queries(8):
            client.get(url, params or {})
        assert n <= 8


def test_outsider_sees_templates_but_nothing_of_acme(world: Any):
    """Templates are shared product content: another organization's member may look at
    them, but sees nothing of Acme's and using one writes only to their own organization."""
    with scope(world.acme):
        start_from_template(world.acme, "product-management", actor=world.hr)
    outsider = world.client_for(world.outsider)
    for url in (
        reverse("frameworks:library"),
        reverse("frameworks:template_detail", args=["product-management"]),
        reverse("frameworks:template_use", args=["product-management"]),
    ):
        body = outsider.get(url).content
        assert b"Acme" not in body and b"In your organization" not in body
        assert b"already has" not in body
    outsider.post(reverse("frameworks:template_use", args=["product-management"]))
    with scope(world.acme):
        assert FrameworkVersion.objects.count() == 1
    with scope(world.globex):
        assert FrameworkVersion.objects.get().source == "template:product-management"


def test_the_template_library_is_for_hr_only(world: Any):
    """The menu offers it to HR admins and owners only; typing its address as an employee
    or a manager gets the same 403 as every other HR page."""
    pages = [
        reverse("frameworks:library"),
        reverse("frameworks:template_detail", args=["product-management"]),
        reverse("frameworks:template_compare") + "?keys=product-management&keys=engineering",
    ]
    for user in (world.employee, world.manager):
        client = world.client_for(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert "Only an HR admin or an owner can open this page" in response.content.decode()
    for user in (world.hr, world.owner):
        client = world.client_for(user)
        assert [client.get(url).status_code for url in pages] == [200, 200, 200]
