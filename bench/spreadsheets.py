"""How quick and how lean is the Master Template import and export at scale?

A workbook of 10 job families × 12 levels × 20 competencies (2 statements per cell,
4,800 statements) and 2,000 people: write it, check it (read + validate + preview), apply
it (drafts + people, one transaction), export it again. Prints seconds and peak Python
memory (tracemalloc, in a second pass so it does not slow the timings) and the process'
max RSS. Runs on a throwaway SQLite database (or DATABASE_URL if set). Figures, not a test.

    TESTING=1 .venv/bin/python bench/spreadsheets.py
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import throwaway_django  # noqa: E402

_tmp = throwaway_django()

from django.core.management import call_command  # noqa: E402

FAMILIES, LEVELS, COMPETENCIES, PER_CELL, PEOPLE = 10, 12, 20, 2, 2000
FIGURES: dict[str, Any] = {"seconds": {}, "peak_mb": {}, "lost": 0, "errors": 0}


def frameworks() -> list[Any]:
    from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData

    out = []
    for f in range(FAMILIES):
        levels = []
        for i in range(LEVELS):
            track = "shared" if i < 4 else ("ic" if i % 2 == 0 else "manager")
            rank = i + 1 if i < 4 else 5 + (i - 4) // 2
            levels.append(LevelData(f"F{f}L{i}", f"Family {f} level {i}", rank, track))
        comps = [
            CompetencyData(
                name=f"Competency {c}",
                category=f"Category {c % 4}",
                description=f"What competency {c} is about.",
                statements={
                    lv.code: [
                        StatementData(f"At {lv.code}, shows behaviour {c}.{s} — with ünïcødé")
                        for s in range(PER_CELL)
                    ]
                    for lv in levels
                },
            )
            for c in range(COMPETENCIES)
        ]
        out.append(
            FamilyData(name=f"Family {f}", key=f"family-{f}", levels=levels, competencies=comps)
        )
    return out


def people(families: list[Any]) -> list[Any]:
    from spreadsheets.writer import PersonOut

    rows = []
    for i in range(PEOPLE):
        fam = families[i % FAMILIES]
        rows.append(
            PersonOut(
                email=f"person{i}@bench.example",
                name=f"Person {i}",
                manager_email="" if i < 10 else f"person{i // 10}@bench.example",
                family=fam.name,
                level=fam.levels[i % LEVELS].code,
                start_date=dt.date(2015, 1, 1) + dt.timedelta(days=i),
            )
        )
    return rows


def timed(label: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = fn()
    took = time.perf_counter() - start
    FIGURES["seconds"][label] = round(took, 2)
    print(f"{label:<46} {took:7.2f} s", flush=True)
    return result


def peak(label: str, fn: Callable[[], Any]) -> Any:
    tracemalloc.start()
    result = fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    FIGURES["peak_mb"][label] = round(top / 1024 / 1024, 1)
    print(f"{label:<46} {top / 1024 / 1024:7.1f} MB peak", flush=True)
    return result


def main() -> None:
    call_command("migrate", verbosity=0)
    from organizations.scoping import scope
    from organizations.services import create_organization, create_user
    from spreadsheets.services import apply_import, check_workbook, export_workbook
    from spreadsheets.writer import build_workbook

    data = frameworks()
    directory = people(data)
    orgs = []
    for n in range(2):
        owner = create_user(f"bench-owner{n}@example.test", password=None, name="Owner")
        orgs.append(
            create_organization(
                name=f"Bench {n}", slug=f"bench-{n}", owner=owner, owner_name="Owner"
            )
        )
    statements = FAMILIES * LEVELS * COMPETENCIES * PER_CELL
    print(
        f"Workbook: {FAMILIES} families × {LEVELS} levels × {COMPETENCIES} competencies "
        f"({statements:,} statements), {PEOPLE:,} people"
    )
    print("-- time")
    content = timed("write the workbook (build_workbook)", lambda: build_workbook(data, directory))
    print(f"{'   file size':<46} {len(content) / 1024:7.0f} KB")
    org = orgs[0]
    with scope(org):
        result = timed("check: read + validate + preview", lambda: check_workbook(content))
        assert result.ok, result.problems[:5]
        assert result.parsed is not None
        parsed = result.parsed
        done = timed(
            "apply: 10 drafts + 2,000 people",
            lambda: apply_import(org, parsed.families, parsed.people, actor=None),
        )
        assert done["people_created"] == PEOPLE
        exported = timed("export from the database", lambda: export_workbook(org, which="draft"))
        again = timed("check the export again (changes preview)", lambda: check_workbook(exported))
        assert again.ok
        assert all(f["status"] == "unchanged" for f in again.summary["families"])
    print("-- memory")
    with scope(org):
        peak("check: read + validate + preview", lambda: check_workbook(content))
        peak("export from the database", lambda: export_workbook(org, which="draft"))
    other = orgs[1]
    with scope(other):
        fresh = check_workbook(content)
        assert fresh.parsed is not None
        peak(
            "apply: 10 drafts + 2,000 people",
            lambda: apply_import(other, fresh.parsed.families, fresh.parsed.people, actor=None),
        )
    print("-- malformed corpus (tests/data/malformed_workbooks.py)")
    from tests.data.malformed_workbooks import build_malformed

    corpus = build_malformed(Path(_tmp) / "malformed")
    times = []
    with scope(org):
        for key, (path, _phrase) in corpus.items():
            data_bytes = path.read_bytes()
            start = time.perf_counter()
            checked = check_workbook(data_bytes, name=path.name)
            times.append((time.perf_counter() - start, key))
            assert not checked.ok, key
    times.sort()
    print(f"{'files refused or rejected':<46} {len(times):7d}")
    print(f"{'median time to the message':<46} {times[len(times) // 2][0] * 1000:7.1f} ms")
    print(f"{'slowest (' + times[-1][1] + ')':<46} {times[-1][0] * 1000:7.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'process max RSS':<46} {rss:7.0f} MB")
    FIGURES.update(
        workbook={"families": FAMILIES, "statements": statements, "people": PEOPLE},
        file_kb=round(len(content) / 1024),
        malformed={"files": len(times), "median_ms": round(times[len(times) // 2][0] * 1000, 1)},
        max_rss_mb=round(rss),
    )
    from bench._common import save_figures

    save_figures("spreadsheets", FIGURES)


if __name__ == "__main__":
    main()
