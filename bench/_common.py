"""What the benchmarks share: figures written for `bench/run.py` to merge into the one JSON
line `make bench` ends with, and timing helpers."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def throwaway_django() -> Path:
    """Set Django up as the benchmarks run it: the test settings, on a throwaway SQLite
    database in a new temporary folder (or DATABASE_URL if set). Returns the folder."""
    tmp = Path(tempfile.mkdtemp(prefix="clb-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
    os.environ.setdefault("TESTING", "1")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    import django

    django.setup()
    return tmp


def save_figures(name: str, figures: dict[str, Any]) -> None:
    """Write this benchmark's figures where `bench/run.py` collects them (BENCH_OUT);
    a script run on its own just prints its table."""
    out = os.environ.get("BENCH_OUT")
    if out:
        Path(out, f"{name}.json").write_text(json.dumps(figures, default=str), encoding="utf-8")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def summary(times_ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(times_ms), 2),
        "p95_ms": round(percentile(times_ms, 0.95), 2),
        "runs": len(times_ms),
    }


def scale_rows(
    figures: dict[str, Any],
    group: str,
    sizes: list[str],
    floor: str,
    cell: Callable[[dict[str, Any]], str],
) -> list[tuple[str, list[str], bool]]:
    """The rows of bench/scale.py's table of `group` ("pages" or "api"): the one-query
    floor (labelled `floor`), then each page; each with its figures at every size written
    by `cell`, and whether it makes as many queries at every size."""
    rows = [(floor, [figures["floor"][s] for s in sizes])]
    rows += [
        (label, [figures[group][s][label] for s in sizes]) for label in figures[group][sizes[-1]]
    ]
    return [
        (label, [cell(f) for f in by], len({f["queries"] for f in by}) == 1) for label, by in rows
    ]


def approve_peers(org: Any, cycle: Any, peers: int) -> int:
    """Give every participant of the draft `cycle` up to `peers` approved peers: the next
    colleagues under the same manager (set-up, not what a benchmark measures). Returns how
    many nominations were made."""
    from reviews.models import Participant, PeerNomination

    parts = list(Participant.objects.filter(cycle=cycle).select_related("person"))
    by_team: dict[int | None, list[int]] = {}
    for part in parts:
        by_team.setdefault(part.person.manager_id, []).append(part.person_id)
    made = PeerNomination.objects.bulk_create(
        PeerNomination(
            organization=org,
            participant=part,
            peer_id=mates[(i + k) % len(mates)],
            status="approved",
        )
        for part in parts
        for mates in [by_team[part.person.manager_id]]
        for i in [mates.index(part.person_id)]
        for k in range(1, min(peers, len(mates) - 1) + 1)
    )
    return len(made)
