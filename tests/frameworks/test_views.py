"""The framework pages per persona: HR admins edit, members are refused, everyone sees
their own ladder. Query counts stay flat at 12 levels × 20 competencies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from frameworks import services
from frameworks.models import Competency, DraftEdit, FrameworkVersion, Level, Statement
from organizations.scoping import scope
from tests.factories import place
from tests.framework_fixtures import big_family, cell, cell_uids, load, small_family, write_cell

pytestmark = pytest.mark.django_db


def hx(client, method, url, data=None):
    return getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")


def revision_of(draft):
    with scope(draft.organization):
        draft.refresh_from_db()
        return draft.revision


def test_index_lists_families_with_status(world, draft):
    response = world.client_for(world.hr).get(reverse("frameworks:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Product Management" in body and "Draft of v1" in body
    assert reverse("frameworks:library") in body and reverse("spreadsheets:index") in body


def test_index_empty_state(world):
    response = world.client_for(world.hr).get(reverse("frameworks:index"))
    assert b"No career ladders yet" in response.content


def test_members_cannot_edit(world, draft):
    fid = draft.family.public_id
    client = world.client_for(world.employee)
    for name in ("frameworks:index", "frameworks:family_new"):
        assert client.get(reverse(name)).status_code == 403
    for name in ("frameworks:editor", "frameworks:family", "frameworks:publish"):
        assert client.get(reverse(name, args=[fid])).status_code == 403
    with scope(world.acme):
        comp, level = cell_uids(draft, "Prioritization", "PM1")
    url = reverse("frameworks:cell", args=[fid, comp, level])
    response = client.post(url, {"text": "Hacked", "revision": draft.revision})
    assert response.status_code == 403
    with scope(world.acme):
        assert not Statement.objects.filter(text="Hacked").exists()


def test_new_blank_family_opens_the_editor(world):
    client = world.client_for(world.hr)
    response = client.post(reverse("frameworks:family_new"), {"name": "Design"})
    with scope(world.acme):
        draft = FrameworkVersion.objects.get(family__name="Design")
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:editor", args=[draft.family.public_id])
    page = client.get(response["Location"])
    assert b"This ladder is empty" in page.content
    again = client.post(reverse("frameworks:family_new"), {"name": "design"})
    assert b"already a job family" in again.content


def test_cell_edit_save_and_undo_over_htmx(world, draft):
    client = world.client_for(world.hr)
    fid = draft.family.public_id
    with scope(world.acme):
        comp, level = cell_uids(draft, "Communication", "PM3")
    url = reverse("frameworks:cell", args=[fid, comp, level])
    form = hx(client, "get", url + "?edit=1")
    assert b"<textarea" in form.content and b'name="evidence-0"' in form.content
    rev = revision_of(draft)
    saved = hx(
        client,
        "post",
        url,
        {"text": "Writes the product area update.", "evidence": ["metric"], "revision": rev},
    )
    assert saved.status_code == 200
    body = saved.content.decode()
    assert body.lstrip().startswith("<tr")
    assert "Writes the product area update." in body
    assert f'value="{rev + 1}"' in body and 'hx-swap-oob="outerHTML:input.draft-revision"' in body
    assert "Saved at" in body and "Undo: Add Communication at PM3" in body
    assert saved["X-Draft-Revision"] == str(rev + 1)
    # the same (now stale) revision is refused, and the typed text is kept
    stale = hx(client, "post", url, {"text": "Other admin", "revision": rev})
    assert "Someone else changed this draft" in stale.content.decode()
    assert "Other admin" in stale.content.decode()
    assert stale["HX-Retarget"] == f"#cell-{comp}-{level}"
    with scope(world.acme):
        assert not Statement.objects.filter(text="Other admin").exists()
    undone = hx(client, "post", reverse("frameworks:undo", args=[fid]), {"revision": rev + 1})
    assert undone.status_code == 200
    assert "Undone: Add Communication at PM3" in undone.content.decode()
    with scope(world.acme):
        assert not Statement.objects.filter(text="Writes the product area update.").exists()
        assert not DraftEdit.objects.filter(version=draft).exists()


def test_structure_forms(world, draft):
    client = world.client_for(world.hr)
    fid = draft.family.public_id
    rev = revision_of(draft)
    bad = client.post(
        reverse("frameworks:level_add", args=[fid]),
        {"code": "pm2", "title": "Dup", "rank": 2, "track": "shared", "revision": rev},
    )
    assert b"There is already a level PM2" in bad.content and b"error-summary" in bad.content
    ok = client.post(
        reverse("frameworks:level_add", args=[fid]),
        {"code": "pm5", "title": "Principal PM", "rank": 5, "track": "ic", "revision": rev},
    )
    assert ok.status_code == 302
    rev = revision_of(draft)
    client.post(
        reverse("frameworks:category_add", args=[fid]), {"name": "Execution", "revision": rev}
    )
    with scope(world.acme):
        assert draft.categories.filter(name="Execution").exists()
        cat = draft.categories.get(name="Leadership").uid
    client.post(
        reverse("frameworks:competency_add", args=[fid]),
        {"name": "Delivery", "category": cat, "revision": revision_of(draft)},
    )
    with scope(world.acme):
        comp = Competency.objects.get(version=draft, name="Delivery")
        assert comp.category.name == "Leadership"
    moved = hx(
        client,
        "post",
        reverse("frameworks:competency_move", args=[fid, comp.uid]),
        {"direction": "-1", "revision": revision_of(draft)},
    )
    assert moved.status_code == 200 and b'id="editor"' in moved.content
    removed = hx(
        client,
        "post",
        reverse("frameworks:level_remove", args=[fid, _level_uid(world, draft, "PM5")]),
        {"revision": 0},
    )
    assert removed["HX-Reswap"] == "none"
    assert b"Someone else changed this draft" in removed.content


def _level_uid(world, draft, code):
    with scope(world.acme):
        return Level.objects.get(version=draft, code=code).uid


def test_publish_page_says_what_will_happen_and_publishes(world, draft):

    client = world.client_for(world.hr)
    fid = draft.family.public_id
    v1 = services.publish_draft(draft, actor=world.hr, note="First")
    with scope(world.acme):
        place(world.p_employee, Level.objects.get(version=v1, code="PM2"), actor=world.hr)
        services.start_draft(v1.family, actor=world.hr)
    page = client.get(reverse("frameworks:publish", args=[fid]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "This publishes v2 of Product Management; 1 person moves to the new version." in text
    assert "Nothing has changed since v1: v2 would be the same ladder" in text  # an unchanged draft
    with scope(world.acme):
        v2_draft = services.current_draft(v1.family)
        comp, level = cell(v2_draft)
        write_cell(
            v2_draft, comp.uid, level.uid, "Ranks the roadmap.", actor=world.hr, revision=None
        )
    text = re.sub(
        r"\s+", " ", client.get(reverse("frameworks:publish", args=[fid])).content.decode()
    )
    assert "This publishes v2" in text and "Nothing has changed" not in text
    missing = client.post(reverse("frameworks:publish", args=[fid]), {"revision": 0, "note": ""})
    assert b"Say in a sentence what changed" in missing.content
    done = client.post(
        reverse("frameworks:publish", args=[fid]),
        {
            "note": "Clearer PM2",
            "reason": "Agreed with the PM leads.",
            "revision": revision_of(services.current_draft(v1.family)),
        },
    )
    assert done.status_code == 302
    history = client.get(reverse("frameworks:family", args=[fid])).content.decode()
    assert "Clearer PM2" in history and "v2" in history


def test_version_page_is_read_only_and_rollback_starts_a_draft(world, draft):
    client = world.client_for(world.hr)
    editor = client.get(reverse("frameworks:editor", args=[draft.family.public_id]))
    v1 = services.publish_draft(draft, actor=world.hr, note="First")
    page = client.get(reverse("frameworks:version", args=[v1.public_id]))
    assert page.status_code == 200
    assert b"Ranks the backlog of one feature" in page.content
    assert b"matrix__cell-edit" not in page.content
    # read-only, the matrix flows with the page; the editor keeps its own scroll box
    assert b'class="matrix-wrap matrix-wrap--flow"' in page.content
    assert b'class="matrix-wrap"' in editor.content
    response = client.post(
        reverse("frameworks:start_draft", args=[v1.family.public_id]), {"from": v1.public_id}
    )
    assert response.status_code == 302
    with scope(world.acme):
        assert services.current_draft(v1.family).based_on_id == v1.pk


def test_discard_draft(world, draft):
    client = world.client_for(world.hr)
    fid = draft.family.public_id
    assert (
        b"cannot be undone" in client.get(reverse("frameworks:discard_draft", args=[fid])).content
    )
    client.post(reverse("frameworks:discard_draft", args=[fid]))
    with scope(world.acme):
        assert services.current_draft(draft.family) is None


def test_guides_render_for_everyone(world):
    for slug in ("build-a-ladder", "write-statements", "ic-or-manager"):
        response = world.client_for(world.employee).get(reverse("frameworks:guide", args=[slug]))
        assert response.status_code == 200
    text = world.client_for(world.hr).get(reverse("frameworks:guide", args=["write-statements"]))
    assert b"Makes good prioritization decisions." in text.content
    assert world.client_for(world.hr).get("/frameworks/guide/nope/").status_code == 404


def test_editor_links_the_guides(world, draft):
    page = world.client_for(world.hr).get(
        reverse("frameworks:editor", args=[draft.family.public_id])
    )
    for slug in ("build-a-ladder", "write-statements", "ic-or-manager"):
        assert reverse("frameworks:guide", args=[slug]).encode() in page.content


# --- query counts at 12 levels × 20 competencies -----------------------------------------


@pytest.fixture
def big_draft(world, acme_scope):
    return load(world.acme, big_family(), actor=world.hr)


def test_editor_query_count_is_constant(world, big_draft, django_assert_max_num_queries):
    client = world.client_for(world.hr)
    url = reverse("frameworks:editor", args=[big_draft.family.public_id])
    client.get(url)  # warm the session
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.count(b'<td id="cell-') == 240


def test_cell_save_query_count_is_constant(world, big_draft, django_assert_max_num_queries):
    client = world.client_for(world.hr)
    with scope(world.acme):
        comp = Competency.objects.get(version=big_draft, name="Competency 7").uid
        level = Level.objects.get(version=big_draft, code="L9").uid
    url = reverse("frameworks:cell", args=[big_draft.family.public_id, comp, level])
    with django_assert_max_num_queries(40):
        response = hx(client, "post", url, {"text": "New", "revision": revision_of(big_draft)})
    assert b"New" in response.content


def test_index_and_version_query_counts(world, big_draft, django_assert_max_num_queries):
    client = world.client_for(world.hr)
    v1 = services.publish_draft(big_draft, actor=world.hr, note="v1")
    with scope(world.acme):
        for n in range(5):
            load(world.acme, small_family(f"Family {n}"), actor=world.hr, publish=True)
    client.get(reverse("frameworks:index"))
    with django_assert_max_num_queries(12):
        client.get(reverse("frameworks:index"))
    with django_assert_max_num_queries(16):
        client.get(reverse("frameworks:version", args=[v1.public_id]))


def test_unknown_items_answer_404(world, draft):
    client = world.client_for(world.hr)
    fid = draft.family.public_id
    with scope(world.acme):
        comp, level = cell_uids(draft, "Prioritization", "PM1")
    assert client.get(reverse("frameworks:cell", args=[fid, "nope", level])).status_code == 404
    assert client.get(reverse("frameworks:cell", args=[fid, comp, "nope"])).status_code == 404
    assert client.get(reverse("frameworks:level_edit", args=[fid, "nope"])).status_code == 404
    assert client.get(reverse("frameworks:competency_edit", args=[fid, "nope"])).status_code == 404


def test_guides_are_readable_without_logging_in(client):
    response = client.get(reverse("frameworks:guide", args=["build-a-ladder"]))
    assert response.status_code == 200
    assert b"shared trunk" in response.content


def test_item_forms_open_in_the_editor_panel(world, draft):
    client = world.client_for(world.hr)
    fid = draft.family.public_id
    url = reverse("frameworks:category_add", args=[fid])
    panel = hx(client, "get", url)
    assert panel["HX-Retarget"] == "#editor-panel"
    assert b"<h1" not in panel.content and b'hx-post="' in panel.content
    bad = hx(client, "post", url, {"name": "leadership", "revision": revision_of(draft)})
    assert bad["HX-Retarget"] == "#editor-panel"
    assert b"There is already a category" in bad.content
    ok = hx(client, "post", url, {"name": "Execution", "revision": revision_of(draft)})
    assert "HX-Retarget" not in ok
    assert b'id="editor"' in ok.content and b"Category Execution added." in ok.content
