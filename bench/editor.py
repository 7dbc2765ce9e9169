"""How quick is the framework editor at 12 levels × 20 competencies?

Prints the median time (ms) and query count of: rendering the editor page, opening a
cell editor, saving a cell (htmx, answers the row), and rendering an employee's ladder.
Runs on a throwaway SQLite database (or DATABASE_URL if set). Figures, not a test.

    TESTING=1 .venv/bin/python bench/editor.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import throwaway_django  # noqa: E402

throwaway_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS = 15
FIGURES: dict[str, dict[str, float]] = {}


def measure(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    fn()  # warm up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        fn()
    FIGURES[label] = {
        "p50_ms": round(statistics.median(times), 2),
        "p90_ms": round(sorted(times)[int(RUNS * 0.9) - 1], 2),
        "queries": len(queries),
    }
    print(
        f"{label:<42} median {statistics.median(times):7.1f} ms   "
        f"p90 {sorted(times)[int(RUNS * 0.9) - 1]:7.1f} ms   {len(queries):3d} queries"
    )


def main() -> None:
    setup_test_environment()  # lets the test client's 'testserver' host in
    call_command("migrate", verbosity=0)
    from frameworks.models import Competency, Level
    from organizations.models import Role
    from organizations.scoping import scope
    from organizations.services import add_member, create_organization, create_user
    from people.services import ensure_person_for_user, update_person
    from tests.framework_fixtures import big_family, load

    owner = create_user("bench-owner@example.test", password=None, name="Owner")
    hr = create_user("bench-hr@example.test", password=None, name="Hana Hr")
    emp = create_user("bench-emp@example.test", password=None, name="Emma Employee")
    org = create_organization(name="Bench", slug="bench", owner=owner, owner_name="Owner")
    with scope(org):
        add_member(org, hr, role=Role.HR_ADMIN, actor=owner)
        add_member(org, emp, role=Role.MEMBER, actor=owner)
        published = load(org, big_family(12, 20), actor=hr, publish=True)
        person = ensure_person_for_user(org, emp, actor=owner)
        update_person(
            person,
            actor=owner,
            expected_revision=None,
            job_family=published.family,
            level=Level.objects.get(version=published, code="L3"),
        )
        from frameworks.services import start_draft

        draft = start_draft(published.family, actor=hr)
        comp = Competency.objects.get(version=draft, name="Competency 7").uid
        level = Level.objects.get(version=draft, code="L9").uid
    family_id = draft.family.public_id
    admin = Client()
    admin.force_login(hr)
    employee = Client()
    employee.force_login(emp)
    editor_url = reverse("frameworks:editor", args=[family_id])
    cell_url = reverse("frameworks:cell", args=[family_id, comp, level])
    htmx = {"HTTP_HX_REQUEST": "true"}
    print(f"Ladder: {12} levels × {20} competencies, {RUNS} runs each")

    def editor_page() -> None:
        response = admin.get(editor_url)
        assert response.status_code == 200, response.status_code

    def open_cell() -> None:
        assert admin.get(cell_url + "?edit=1", **htmx).status_code == 200

    counter = {"n": 0}

    def save_cell() -> None:
        with scope(org):
            draft.refresh_from_db()
        counter["n"] += 1
        response = admin.post(
            cell_url,
            {"text": f"Statement number {counter['n']}", "revision": draft.revision},
            **htmx,
        )
        assert b"Statement number" in response.content

    def my_ladder() -> None:
        assert employee.get(reverse("frameworks:my_ladder")).status_code == 200

    measure("Editor page (GET, 240 cells)", editor_page)
    measure("Open a cell editor (htmx GET)", open_cell)
    measure("Save a cell (htmx POST, answers the row)", save_cell)
    measure("Employee's ladder (GET)", my_ladder)
    from bench._common import save_figures

    save_figures("editor", FIGURES)


if __name__ == "__main__":
    main()
