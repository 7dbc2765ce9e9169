#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
    from clb.dotenv import load

    load(Path(__file__).resolve().parent / ".env")  # the same settings `make run` uses
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
