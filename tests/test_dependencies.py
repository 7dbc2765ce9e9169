"""Dependencies between apps point one way (docs/architecture.md, "Layers").

Every import of every first-party module is read with `ast` — imports inside functions
too, since a function-level import is still a dependency — and an app may import only
apps in layers below its own. Apps of the same layer do not import each other. So there
is no import cycle between apps, and a new one fails here with the file and the line.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from tests.source_files import python_files

ROOT = Path(__file__).resolve().parent.parent

# bottom first; an app imports only apps of lower layers
LAYERS: list[set[str]] = [
    {"organizations"},  # the tenant, scoping, audit log, access, signals and hooks
    {"frameworks"},  # ladders: families, versions, levels, competencies, statements
    {"people"},  # the directory: a person stands on a level of a framework
    {"accounts", "onet", "spreadsheets"},  # logins and invitations (of people); importers
    {"reviews"},
    {"growth"},
    {"promotions"},
    {"fairness"},
    {"api", "sso", "billing"},  # the API over every domain; company sign-in; the plan
    {"datarights"},  # a person's data (export, erasure) and an organization's, over every app
    {"jobs"},  # the scheduler: runs hooks of every app below it (datarights' deletions too)
    {"core"},  # the site shell: dashboards, navigation, the demo seed over every app
    {"clb"},  # the project: settings and root URLs
]
LAYER = {app: n for n, apps in enumerate(LAYERS) for app in apps}

# Imports that still point up, each with the reason and the work that removes it. The
# test fails when one of them disappears, so this list only shrinks.
KNOWN: dict[tuple[str, str], str] = {}


def imports_by_app() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) → ["file:line", …] for first-party imports."""
    files = python_files()
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for name in files:
        app = name.split("/")[0]
        if app not in LAYER or "/migrations/" in name:
            continue
        module = name.removesuffix(".py").removesuffix("/__init__").split("/")
        package = module if name.endswith("__init__.py") else module[:-1]
        for node in ast.walk(ast.parse((ROOT / name).read_text(), name)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: within the same package, so the same app
                    base = package[: len(package) - node.level + 1]
                    targets = [".".join([*base, node.module or ""])]
                else:
                    targets = [node.module or ""]
            else:
                continue
            for target in targets:
                other = target.split(".")[0]
                if other in LAYER and other != app:
                    found[(app, other)].append(f"{name}:{node.lineno}")
    return found


def test_every_app_is_in_a_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"clb"}
    assert apps <= set(LAYER), f"put {sorted(apps - set(LAYER))} in a layer (and the docs)"


def test_apps_import_only_apps_below_them():
    wrong = [
        f"{app} → {other}: {', '.join(places[:3])}"
        for (app, other), places in sorted(imports_by_app().items())
        if LAYER[other] >= LAYER[app] and (app, other) not in KNOWN
    ]
    assert not wrong, "imports that point up or sideways:\n" + "\n".join(wrong)


def test_the_known_exceptions_still_exist():
    found = imports_by_app()
    gone = [edge for edge in KNOWN if edge not in found]
    assert not gone, f"remove {gone} from KNOWN: the import is gone"
