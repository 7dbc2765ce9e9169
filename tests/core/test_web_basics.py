"""The web basics on every page: user text escaped, security headers, no debug pages,
CSRF on every view."""

from __future__ import annotations

import re

from django.urls import reverse

from frameworks.services import start_draft
from organizations.scoping import scope
from tests.test_access_matrix import acme_fingerprint

SCRIPT = "<script>alert(1)</script>"


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


IMG = '"><img src=x onerror=alert(1)>'
RAW = [b"<script>alert(1)", b"<img src=x onerror"]


def test_user_text_is_escaped_everywhere(world):
    """Names and statements typed by HR (or imported) never become markup."""
    from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
    from frameworks.services import apply_family_data, publish_draft
    from people.services import update_person

    with scope(world.acme):
        data = FamilyData(
            name=f"Fam {SCRIPT}{IMG}",
            description=f"Desc {SCRIPT}{IMG}",
            levels=[
                LevelData("L1", f"Lvl {SCRIPT}{IMG}", 1, summary=f"Sum {IMG}"),
                LevelData("L2", f"Two {IMG}", 2, key_question=f"Q {SCRIPT}"),
            ],
            competencies=[
                CompetencyData(
                    f"Comp {SCRIPT}{IMG}",
                    category=f"Cat {SCRIPT}{IMG}",
                    description=f"CD {IMG}",
                    statements={
                        "L1": [StatementData(f"Does {SCRIPT}{IMG}")],
                        "L2": [StatementData(f"Leads {IMG}{SCRIPT}")],
                    },
                )
            ],
        )
        v1 = publish_draft(
            apply_family_data(world.acme, data, actor=world.hr), actor=world.hr, note=IMG
        )
        draft = start_draft(v1.family, actor=world.hr)
        level = v1.levels.get(code="L1")
        for person in (world.p_employee, world.p_manager):
            person.refresh_from_db()
            update_person(
                person,
                actor=world.hr,
                expected_revision=None,
                name=f"{person.name} {SCRIPT}{IMG}",
                title=f"Title {IMG}",
                job_family=v1.family,
                level=level,
            )
        comp = draft.competencies.get().uid
        lv = draft.levels.get(code="L1").uid
    fam = v1.family.public_id
    emma = world.p_employee.public_id
    admin_pages = [
        reverse("dashboard"),
        reverse("people:list"),
        reverse("people:detail", args=[emma]),
        reverse("people:edit", args=[emma]),
        reverse("people:deactivate", args=[emma]),
        reverse("people:org_chart"),
        reverse("frameworks:index"),
        reverse("frameworks:family", args=[fam]),
        reverse("frameworks:version", args=[v1.public_id]),
        reverse("frameworks:editor", args=[fam]),
        reverse("frameworks:diff", args=[fam]) + f"?a={v1.public_id}&b={draft.public_id}",
        reverse("frameworks:publish", args=[fam]),
        reverse("frameworks:discard_draft", args=[fam]),
        reverse("frameworks:lint_report", args=[v1.public_id]),
        reverse("frameworks:cell", args=[fam, comp, lv]) + "?edit=1",
        reverse("frameworks:level_edit", args=[fam, lv]),
        reverse("frameworks:competency_edit", args=[fam, comp]),
        reverse("frameworks:person_ladder", args=[emma]),
        reverse("frameworks:library"),
        reverse("organizations:audit_log"),
        reverse("organizations:members"),
        reverse("accounts:invitations"),
        reverse("onet:add", args=["2.A.1.c"]),
    ]
    member_pages = [
        reverse("dashboard"),
        reverse("people:team"),
        reverse("people:me"),
        reverse("people:detail", args=[emma]),
        reverse("people:org_chart"),
        reverse("frameworks:my_ladder"),
        reverse("frameworks:person_ladder", args=[emma]),
    ]
    checked = 0
    for user, pages in ((world.hr, admin_pages), (world.manager, member_pages)):
        client = world.client_for(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, f"GET {url} → {response.status_code}"
            for raw in RAW:
                assert raw not in response.content, f"{url} shows unescaped {raw!r}"
            checked += b"&lt;script&gt;alert(1)" in response.content
    assert checked >= len(admin_pages) + len(member_pages) - 6  # the payload really shows


def test_security_headers_on_every_page(world):
    response = world.client_for(world.hr).get(reverse("people:list"))
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(rb"<script[^>]*>", response.content)
    assert scripts and all(f'nonce="{nonce}"'.encode() in s for s in scripts)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"onclick=" not in response.content and b' style="' not in response.content


def test_no_debug_pages_for_missing_urls(world, settings):
    settings.DEBUG = False
    response = world.client_for(world.hr).get("/people/zzzzzzzzzzzz/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content and b"URLconf" not in response.content


def test_no_view_is_exempt_from_csrf():
    """Except machine endpoints that authenticate only by an Authorization header (SCIM's
    bearer token, kind "bearer" in access_routes): a browser's cookies give no access
    there (tests/sso/test_scim.py::test_a_browser_session_is_not_a_scim_login); and
    allauth's SAML endpoints, which identity providers post to from another site: the
    signed SAML message is their protection (tests/sso/test_sign_in.py::test_saml_*)."""
    from tests.access_routes import ROUTES
    from tests.test_access_matrix import all_patterns

    # Stripe's webhook cannot carry a CSRF token: its signature (checked with the endpoint's
    # secret, tests/billing/test_billing.py) is what makes a POST to it trusted.
    signed_instead = {"billing:webhook"}
    exempt = [
        name
        for name, cb, _p in all_patterns()
        if getattr(cb, "csrf_exempt", False)
        and getattr(ROUTES.get(name), "kind", "") != "bearer"
        and name not in {"saml_acs", "saml_sls"}
        and name not in signed_instead
        and not name.startswith("api:")  # the API: bearer tokens only, never the session
    ]
    assert not exempt


def test_posts_without_the_csrf_token_are_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.hr)
    before = acme_fingerprint(world.acme)
    for url, data in (
        (reverse("people:add"), {"name": "Csrf Victim", "email": "csrf@acme.test"}),
        (
            reverse("people:deactivate", args=[world.p_employee.public_id]),
            {},
        ),
        (reverse("frameworks:family_new"), {"name": "Csrf family"}),
        (reverse("accounts:invitations"), {"email": "x@acme.test", "name": "X", "role": "member"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert acme_fingerprint(world.acme) == before


HEAVY = {"openpyxl", "numpy", "scipy", "statsmodels", "pandas"}


def test_a_web_process_loads_its_views_and_freezes_them_before_its_first_request():
    """clb/wsgi.py imports every view and freezes what is loaded (clb/process.py), so no
    request pays for the imports or for a full collection walking them. And none of the
    big libraries that only some requests need is among them: openpyxl and numpy (~37 MB,
    imported where a workbook is read or written), scipy, statsmodels and pandas (~90 MB,
    never in a web process: tests/fairness/test_significance.py)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    probe = (
        "import gc, sys; import clb.wsgi; "
        "print(gc.get_freeze_count(), 'reviews.views.forms' in sys.modules, "
        "'fairness.views' in sys.modules, "
        f"','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {HEAVY!r})) or '-')"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        # a production process: DEBUG off wants a secret key (a fresh clone has no var/)
        env={**os.environ, "SECRET_KEY": "probe-" + "k" * 50},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    frozen, views, fairness, heavy = done.stdout.split()
    assert int(frozen) > 50_000 and views == fairness == "True", done.stdout
    assert heavy == "-", f"a web process's start loads {heavy}"
