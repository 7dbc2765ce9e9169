"""The project's own Python files, as git lists them (tracked, and new ones not ignored),
for the tests that read the code itself (tests/test_dependencies.py, tests/test_typing.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def python_files() -> list[str]:
    """Paths relative to the repository root, of files that exist in the work tree."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [name for name in names if (ROOT / name).exists()]
