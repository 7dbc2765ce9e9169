"""Read `.env` the way `bin/serve` (and so `make run`) does, so `manage.py` commands see
the same settings as the server they sit beside."""

from __future__ import annotations

import os
import shlex
from pathlib import Path


def parse(text: str) -> dict[str, str]:
    """KEY=VALUE lines with shell quoting and `# comments`, as `. ./.env` reads them."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        for word in words:
            key, sep, value = word.partition("=")
            if sep and key.isidentifier():
                values[key] = value
    return values


def load(path: Path) -> None:
    """Set each variable of `path` that the environment does not already set."""
    if path.is_file():
        for key, value in parse(path.read_text()).items():
            os.environ.setdefault(key, value)
