"""How much does a hostile workbook cost? (issue 9, finding 1)

Each file of the malformed corpus whose XML asks a reader for millions of cells (merges
and hyperlinks over whole columns or sheets, a sheet moved outside xl/worksheets/, a
value in the last row, hundreds of thousands of styled cells) is checked as an upload
is: the streaming checks, then reading in the limited child. Prints wall seconds, CPU
seconds (this process and the child) and the child's peak RSS. Before the fix the
first one took 31 s, 1.3 GB and produced 5.2 million problems; the whole-sheet merge ran
out of a 90 s budget at 3 GB. Figures, not a test.

    TESTING=1 .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
os.environ.setdefault("TESTING", "1")

import django  # noqa: E402

django.setup()

from spreadsheets.reader import read_workbook  # noqa: E402
from spreadsheets.safety import RefusedFile, check_workbook_bytes  # noqa: E402
from spreadsheets.sandbox import run_limited  # noqa: E402
from spreadsheets.services import check_limits  # noqa: E402
from tests.data.malformed_workbooks import MALFORMED  # noqa: E402

KEYS = [
    "merge_column",
    "merge_whole_sheet",
    "merge_escaped",
    "many_merges",
    "hyperlink_range",
    "hyperlink_whole_sheet",
    "moved_sheet_merge",
    "far_row",
    "many_cells",
]


def _read(data: bytes, name: str) -> None:
    read_workbook(data, name=name)


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    print(f"{'file':24} {'bytes':>10} {'wall s':>7} {'cpu s':>6} {'child MB':>9}  answer")
    for key in KEYS:
        name, make, _ = MALFORMED[key]
        data = make()
        wall, cpu = time.perf_counter(), _cpu()
        try:
            check_workbook_bytes(data, name=name)
            run_limited(_read, data, name, limits=check_limits())
            answer = "read"
        except RefusedFile as exc:
            answer = str(exc)[:60]
        wall, cpu = time.perf_counter() - wall, _cpu() - cpu
        child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{key:24} {len(data):>10,} {wall:>7.2f} {cpu:>6.2f} {child:>9.0f}  {answer}")


if __name__ == "__main__":
    main()
