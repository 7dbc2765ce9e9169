"""Run every benchmark in bench/ (`make bench`): each prints its own table, then this
prints, as the last line of its output, one JSON object with every figure.

Each benchmark writes its figures to a JSON file in a temporary directory (BENCH_OUT,
see bench/_common.py); this merges them under the benchmark's name, with each script's
exit status and seconds, and totals the figures named `lost` and `errors` (a script
that fails counts as an error). BENCH_ONLY=scale,spreadsheets runs only those. The line
is also kept in bench/out/latest.json; `bench/_markdown.py` turns it into the tables of
docs/performance.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    only = {s.strip() for s in os.environ.get("BENCH_ONLY", "").split(",") if s.strip()}
    found = []
    for script in sorted(HERE.glob("*.py")):
        # launch.py is a tool for working on the launch (bench/scale.py times it too)
        if script.name in {"run.py", "__init__.py", "launch.py"} or script.name.startswith("_"):
            continue
        if only and script.stem not in only:
            continue
        found.append(script)
    return found


def main() -> int:
    out = tempfile.mkdtemp(prefix="clb-bench-figures-")
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE.parent),
        "DJANGO_SETTINGS_MODULE": "clb.settings",
        "BENCH_OUT": out,
    }
    env.setdefault("TESTING", "1")
    runs: dict[str, Any] = {}
    started = time.perf_counter()
    for script in scripts():
        print(f"\n=== {script.name}", flush=True)
        start = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], env=env, cwd=HERE.parent)
        runs[script.stem] = {
            "exit": result.returncode,
            "seconds": round(time.perf_counter() - start, 1),
        }
    figures: dict[str, Any] = {}
    for path in sorted(Path(out).glob("*.json")):
        figures[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    failed = [name for name, run in runs.items() if run["exit"] != 0]
    parts = [f for f in figures.values() if isinstance(f, dict)]
    summary = {
        "lost": sum(int(f.get("lost", 0)) for f in parts),
        "errors": sum(int(f.get("errors", 0)) for f in parts) + len(failed),
        "failed_benchmarks": failed,
        "benchmarks": runs,
        "seconds": round(time.perf_counter() - started, 1),
    }
    line = json.dumps({**summary, **figures})
    saved = HERE / "out"  # the latest figures, for docs/performance.md (bench/_markdown.py)
    saved.mkdir(exist_ok=True)
    (saved / "latest.json").write_text(line + "\n", encoding="utf-8")
    sys.stdout.flush()
    print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
