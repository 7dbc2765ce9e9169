"""The framework pages refuse another organization's versions and uids; stale drafts are
not discarded or replaced; the editor's audit entries keep before and after."""

from __future__ import annotations

import re

from django.urls import reverse

from frameworks.models import FrameworkVersion
from organizations.models import AuditEntry
from organizations.scoping import scope, unscoped
from people.models import Person
from tests.framework_fixtures import small_family, write_cell
from tests.test_access_matrix import acme_fingerprint


def test_start_draft_from_another_orgs_version_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    with scope(world.globex):
        from frameworks.services import discard_draft

        discard_draft(ladders.globex_draft, actor=world.outsider)
    before = acme_fingerprint(world.acme)
    response = olga.post(
        reverse("frameworks:start_draft", kwargs={"family_id": ladders.globex_family.public_id}),
        {"from": ladders.acme_v1.public_id},
    )
    assert response.status_code == 404
    assert acme_fingerprint(world.acme) == before
    with unscoped():
        assert not FrameworkVersion._base_manager.filter(
            family=ladders.globex_family, status="draft"
        ).exists()


def test_diff_with_another_orgs_versions_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    url = reverse("frameworks:diff", kwargs={"family_id": ladders.globex_family.public_id})
    response = olga.get(url, {"a": ladders.acme_v1.public_id, "b": ladders.globex_v1.public_id})
    assert response.status_code == 404
    response = olga.get(url, {"a": ladders.globex_v1.public_id, "b": ladders.acme_draft.public_id})
    assert response.status_code == 404


def test_lint_with_another_orgs_version_is_404(world, ladders):
    olga = world.client_for(world.outsider)
    response = olga.post(
        reverse("frameworks:lint"),
        {
            "text": "Ranks the backlog of one feature with the team.",
            "version": ladders.acme_draft.public_id,
            "competency": ladders.acme_competency.uid,
            "level": ladders.acme_level.uid,
        },
    )
    assert response.status_code == 404


def test_editor_endpoints_refuse_another_orgs_uids(world, ladders):
    """Globex's own family in the URL, Acme's level / competency / category uids."""
    olga = world.client_for(world.outsider)
    fam = ladders.globex_family.public_id
    rev = ladders.globex_draft.revision
    lv, comp, cat = (
        ladders.acme_level.uid,
        ladders.acme_competency.uid,
        ladders.acme_category.uid,
    )
    before = acme_fingerprint(world.acme)
    posts = [
        (
            reverse("frameworks:cell", args=[fam, comp, lv]),
            {"text": "Hacked", "revision": rev},
        ),
        (
            reverse("frameworks:level_edit", args=[fam, lv]),
            {"code": "HX", "title": "Hacked", "track": "shared", "rank": 1, "revision": rev},
        ),
        (reverse("frameworks:level_move", args=[fam, lv]), {"direction": "1", "revision": rev}),
        (reverse("frameworks:level_remove", args=[fam, lv]), {"revision": rev}),
        (
            reverse("frameworks:category_edit", args=[fam, cat]),
            {"name": "Hacked", "revision": rev},
        ),
        (reverse("frameworks:category_move", args=[fam, cat]), {"direction": "1", "revision": rev}),
        (reverse("frameworks:category_remove", args=[fam, cat]), {"revision": rev}),
        (
            reverse("frameworks:competency_edit", args=[fam, comp]),
            {"name": "Hacked", "revision": rev},
        ),
        (
            reverse("frameworks:competency_move", args=[fam, comp]),
            {"direction": "1", "revision": rev},
        ),
        (reverse("frameworks:competency_remove", args=[fam, comp]), {"revision": rev}),
    ]
    for url, data in posts:
        assert olga.get(url).status_code == 404, url
        assert olga.post(url, data).status_code == 404, url
    # a category uid of Acme's in Globex's "add a competency" form
    response = olga.post(
        reverse("frameworks:competency_add", args=[fam]),
        {"name": "Cross", "category": cat, "revision": rev},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("category")
    assert acme_fingerprint(world.acme) == before
    with scope(world.globex):
        ladders.globex_draft.refresh_from_db()
        assert ladders.globex_draft.revision == rev


def test_onet_add_refuses_another_orgs_family(world, ladders):
    olga = world.client_for(world.outsider)
    before = acme_fingerprint(world.acme)
    response = olga.post(
        reverse("onet:add", kwargs={"element_id": "2.A.1.c"}),
        {"family": ladders.acme_family.public_id, "occupation": "11-2021.00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("family")
    assert acme_fingerprint(world.acme) == before


def test_discarding_a_draft_someone_edited_since_is_refused(world, ladders):
    """The discard page names the draft revision it showed; edits made after it are not
    thrown away by a confirmation given before them."""
    from frameworks import services

    hr = world.client_for(world.hr)
    fid = ladders.acme_family.public_id
    page = hr.get(reverse("frameworks:discard_draft", args=[fid]))
    shown = re.search(rb'name="revision" value="(\d+)"', page.content)
    assert shown, "the discard form carries the draft revision"
    with scope(world.acme):
        write_cell(
            ladders.acme_draft,
            ladders.acme_competency.uid,
            ladders.acme_level.uid,
            "Written by Olivia meanwhile.",
            actor=world.owner,
            revision=None,
        )
    response = hr.post(
        reverse("frameworks:discard_draft", args=[fid]), {"revision": shown.group(1).decode()}
    )
    assert response.status_code == 302
    with scope(world.acme):
        assert services.current_draft(ladders.acme_family) is not None
    follow = hr.get(response["Location"])
    assert b"Someone else changed this draft" in follow.content
    # with the current revision it is discarded
    page = hr.get(reverse("frameworks:discard_draft", args=[fid]))
    current = re.search(rb'name="revision" value="(\d+)"', page.content).group(1).decode()
    hr.post(reverse("frameworks:discard_draft", args=[fid]), {"revision": current})
    with scope(world.acme):
        assert services.current_draft(ladders.acme_family) is None


def test_using_a_template_does_not_replace_a_draft_changed_since_the_confirmation(world):
    from frameworks.library import start_from_template

    hr = world.client_for(world.hr)
    url = reverse("frameworks:template_use", args=["product-management"])
    page = hr.get(url)
    shown = re.search(rb'name="draft_state" value="([^"]*)"', page.content).group(1).decode()
    assert shown == "none"
    with scope(world.acme):  # meanwhile Olivia loads the template and writes in the draft
        draft = start_from_template(world.acme, "product-management", actor=world.owner)
        level = draft.levels.order_by("rank").first()
        comp = draft.competencies.order_by("position").first()
        write_cell(
            draft, comp.uid, level.uid, "Olivia's own words.", actor=world.owner, revision=None
        )
    response = hr.post(url, {"draft_state": shown})
    assert response.status_code == 400
    assert b"Someone changed this job family" in response.content
    with scope(world.acme):
        texts = list(draft.statements.values_list("text", flat=True))
    assert "Olivia's own words." in texts
    # confirming the current state replaces it, as the page says
    page = hr.get(url)
    shown = re.search(rb'name="draft_state" value="([^"]*)"', page.content).group(1).decode()
    assert hr.post(url, {"draft_state": shown}).status_code == 302


def test_lint_endpoint_work_is_bounded(world, ladders, django_assert_max_num_queries):
    """Anyone can sign up and be an HR admin; a huge POST must not cost a query per line."""
    hr = world.client_for(world.hr)
    text = "\n".join(f"Writes update number {i} for the team." for i in range(3000))
    with django_assert_max_num_queries(40):
        response = hr.post(
            reverse("frameworks:lint"),
            {
                "text": text,
                "version": ladders.acme_draft.public_id,
                "competency": ladders.acme_competency.uid,
                "level": ladders.acme_level.uid,
            },
        )
    assert response.status_code == 200


def test_editor_audit_entries_keep_before_and_after(world, ladders):
    from frameworks import services

    draft = ladders.acme_draft
    with scope(world.acme):
        write_cell(
            draft,
            ladders.acme_competency.uid,
            ladders.acme_level.uid,
            "Ranks a feature backlog alone.",
            actor=world.hr,
            revision=None,
        )
        entry = AuditEntry.objects.filter(action="framework.statement_edited").first()
        assert entry.changes == {"statements": [[], ["Ranks a feature backlog alone."]]}
        services.update_level(
            draft, ladders.acme_level.uid, actor=world.hr, expected_revision=None, title="PM"
        )
        entry = AuditEntry.objects.filter(action="framework.level_edited").first()
        assert entry.changes == {"title": ["Product Manager", "PM"]}
        services.update_competency(
            draft,
            ladders.acme_competency.uid,
            actor=world.hr,
            expected_revision=None,
            name="Ranking",
        )
        entry = AuditEntry.objects.filter(action="framework.competency_edited").first()
        assert entry.changes == {"name": ["Prioritization", "Ranking"]}


def test_loading_a_draft_that_renames_the_family_is_audited(world, ladders):
    from frameworks.services import apply_family_data

    data = small_family("Product Management")
    data.description = "Changed by an import."
    with scope(world.acme):
        apply_family_data(world.acme, data, actor=world.hr, family=ladders.acme_family)
        entry = AuditEntry.objects.filter(action="framework.draft_loaded").first()
    assert entry.changes == {"family_description": ["", "Changed by an import."]}


def test_publishing_a_renamed_level_adds_to_the_level_history_of_its_people(world, ladders):
    from frameworks import services
    from people.models import LevelChange
    from tests.factories import place

    with scope(world.acme):
        emma = Person.objects.get(pk=world.p_employee.pk)
        place(emma, ladders.acme_published_level, actor=world.hr, level_effective_date=None)
        max_ = Person.objects.get(pk=world.p_manager.pk)
        place(max_, ladders.acme_v1.levels.get(code="PM1"), actor=world.hr)
        before = LevelChange.objects.count()
        services.update_level(
            ladders.acme_draft,
            ladders.acme_level.uid,
            actor=world.hr,
            expected_revision=None,
            title="Product Manager II",
        )
        services.publish_draft(ladders.acme_draft, actor=world.hr, note="Renamed PM2")
        emma.refresh_from_db()
        assert emma.level.title == "Product Manager II"
        added = list(LevelChange.objects.order_by("-id")[: LevelChange.objects.count() - before])
    assert [(c.person_id, c.level_code, c.level_title) for c in added] == [
        (emma.pk, "PM2", "Product Manager II")
    ]
    assert "renamed" in added[0].reason
