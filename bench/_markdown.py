"""Markdown tables of the latest `make bench` figures, for docs/performance.md.

.venv/bin/python bench/_markdown.py [bench/out/latest.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import scale_rows


def _cell(figures: dict[str, Any]) -> str:
    return (
        f"{figures['queries']} · {figures['p50_ms']:.0f} · {figures['p95_ms']:.0f} · "
        f"{figures.get('ratio', 1.0):.1f}"
    )


def table(scale: dict[str, Any], group: str) -> list[str]:
    sizes = [str(s) for s in scale["sizes"]]
    head = "| | " + " | ".join(f"{s} people: queries · p50 · p95 ms · ratio" for s in sizes)
    lines = [head + " | flat |", "|---|" + "---|" * len(sizes) + "---|"]
    for label, cells, flat in scale_rows(scale, group, sizes, "Floor (one query)", _cell):
        lines.append(f"| {label} | {' | '.join(cells)} | {'yes' if flat else '**no**'} |")
    return lines


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "out/latest.json")
    figures = json.loads(path.read_text(encoding="utf-8"))
    scale = figures["scale"]
    out = ["### Pages", "", *table(scale, "pages"), "", "### API lists", ""]
    out += table(scale, "api")
    out += ["", "### Cycle launch", "", "| people | seconds | queries | forms | items |"]
    out += ["|---|---|---|---|---|"]
    for row in scale["launch"].values():
        out.append(
            f"| {row['participants']} | {row['seconds']} | {row['queries']} | {row['forms']} "
            f"| {row['items']} |"
        )
    sheets = figures.get("spreadsheets", {})
    if sheets:
        out += ["", "### Master Template (10 families, 4,800 statements, 2,000 people)", ""]
        out += ["| step | seconds | peak MB |", "|---|---|---|"]
        for step, seconds in sheets["seconds"].items():
            out.append(f"| {step} | {seconds} | {sheets['peak_mb'].get(step, '')} |")
    mem = scale.get("memory", {})
    out += [
        "",
        f"Web process peak RSS: {mem.get('peak_rss_mb')} MB after "
        f"{mem.get('requests')} requests (just after start: "
        f"{mem.get('rss_after_start_mb', mem.get('rss_after_setup_mb'))} MB).",
    ]
    out += [
        "",
        f"lost: {figures['lost']}, errors: {figures['errors']}; "
        f"`make bench` took {figures['seconds']:.0f} s.",
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
