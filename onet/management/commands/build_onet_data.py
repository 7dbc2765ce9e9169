"""Build the compact O*NET file the app reads at run time (onet/data/onet.json.gz).

    python manage.py build_onet_data --source ../shared/data/onet

Reads the O*NET text release (tab-separated) and keeps only what the product shows:
occupations (title, description, job zone, a few core tasks), reported job titles,
skills and knowledge with importance and level, and the level scale anchors of each
skill and knowledge element. The output is deterministic, so rebuilding from the same
release gives the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from onet.data import ATTRIBUTION, DATA_FILE

TASKS_PER_OCCUPATION = 8
KINDS = {"Skills.txt": "skill", "Knowledge.txt": "knowledge"}
REQUIRED = [
    "Occupation Data.txt",
    "Content Model Reference.txt",
    "Level Scale Anchors.txt",
    "Sample of Reported Titles.txt",
    "Skills.txt",
    "Knowledge.txt",
]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _release(source: Path) -> str:
    readme = source / "Read Me.txt"
    if readme.exists():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("O*NET") and "Database" in line:
                return line.replace("O*NET", "").replace("Database", "").strip()
    return ""


def build(source: Path) -> dict[str, Any]:
    missing = [name for name in REQUIRED if not (source / name).exists()]
    if missing:
        raise CommandError(f"{source} is missing: {', '.join(missing)}")

    descriptions = {
        r["Element ID"]: r["Description"] for r in _rows(source / "Content Model Reference.txt")
    }
    anchors: dict[str, list[list[Any]]] = defaultdict(list)
    for r in _rows(source / "Level Scale Anchors.txt"):
        if r["Scale ID"] == "LV":
            anchors[r["Element ID"]].append(
                [int(float(r["Anchor Value"])), r["Anchor Description"]]
            )

    elements: dict[str, dict[str, Any]] = {}
    # code -> kind -> element -> {"IM": x, "LV": y}
    ratings: dict[str, dict[str, dict[str, dict[str, float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(dict))
    )
    for filename, kind in KINDS.items():
        for r in _rows(source / filename):
            eid = r["Element ID"]
            if eid not in elements:
                elements[eid] = {
                    "name": r["Element Name"],
                    "kind": kind,
                    "description": descriptions.get(eid, ""),
                    "anchors": sorted(anchors.get(eid, [])),
                }
            value = float(r["Data Value"])
            if r["Scale ID"] == "LV" and r.get("Not Relevant") == "Y":
                value = 0.0
            ratings[r["O*NET-SOC Code"]][kind][eid][r["Scale ID"]] = round(value, 2)

    titles: dict[str, list[str]] = defaultdict(list)
    for r in _rows(source / "Sample of Reported Titles.txt"):
        titles[r["O*NET-SOC Code"]].append(r["Reported Job Title"])

    zones: dict[str, int] = {}
    if (source / "Job Zones.txt").exists():
        zones = {r["O*NET-SOC Code"]: int(r["Job Zone"]) for r in _rows(source / "Job Zones.txt")}

    tasks: dict[str, list[str]] = defaultdict(list)
    if (source / "Task Statements.txt").exists():
        for r in _rows(source / "Task Statements.txt"):
            code = r["O*NET-SOC Code"]
            if r["Task Type"] == "Core" and len(tasks[code]) < TASKS_PER_OCCUPATION:
                tasks[code].append(r["Task"])

    occupations = []
    for r in _rows(source / "Occupation Data.txt"):
        code = r["O*NET-SOC Code"]
        occ: dict[str, Any] = {
            "code": code,
            "title": r["Title"],
            "description": r["Description"],
            "titles": sorted(set(titles.get(code, []))),
            "job_zone": zones.get(code),
            "tasks": tasks.get(code, []),
        }
        for kind in KINDS.values():
            rated = ratings.get(code, {}).get(kind, {})
            # [element id, importance 1-5, level 0-7], most important first
            occ[kind] = sorted(
                ([eid, v.get("IM", 0.0), v.get("LV", 0.0)] for eid, v in rated.items()),
                key=lambda item: (-item[1], -item[2], item[0]),
            )
        occupations.append(occ)

    return {
        "release": _release(source),
        "attribution": ATTRIBUTION,
        "elements": dict(sorted(elements.items())),
        "occupations": occupations,
    }


class Command(BaseCommand):
    help = "Build onet/data/onet.json.gz from an O*NET text release."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", required=True, help="Folder of O*NET .txt files")
        parser.add_argument("--output", default=str(DATA_FILE), help="Where to write the file")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        if not source.is_dir():
            raise CommandError(f"{source} is not a folder")
        data = build(source)
        out = Path(options["output"])
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        # mtime=0 keeps the gzip bytes identical between builds of the same release
        with (
            out.open("wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(payload.encode("utf-8"))
        rated = sum(1 for o in data["occupations"] if o["skill"])
        self.stdout.write(
            f"Wrote {out} ({out.stat().st_size // 1024} KB): {len(data['occupations'])} "
            f"occupations ({rated} with ratings), {len(data['elements'])} skills and "
            "knowledge areas."
        )
