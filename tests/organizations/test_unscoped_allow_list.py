"""Cross-tenant reads are rare and named: `unscoped()` and `_base_manager` appear only in
the modules listed here, each with the reason it must see every organization. A new use
fails this test until it is justified and added."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERN = re.compile(r"\bunscoped\(\)|\b_base_manager\b")

# module -> (uses, why it crosses organizations)
ALLOWED: dict[str, tuple[int, str]] = {
    "organizations/scoping.py": (4, "defines the fences (and names them); keys' owners"),
    "organizations/middleware.py": (2, "finds the user's memberships before a scope exists"),
    "organizations/services.py": (1, "create_user: a login is not owned by one organization"),
    "organizations/management/commands/create_organization.py": (1, "operator command"),
    "accounts/services.py": (1, "an invitation link is opened before sign-in (by token)"),
    "api/tokens.py": (3, "a bearer token names its organization (by hashed token)"),
    "billing/services.py": (2, "Stripe webhooks and the daily run cover every organization"),
    "growth/services/reminders.py": (1, "the scheduler's overdue reminders, per organization"),
    "spreadsheets/leases.py": (3, "the worker's heartbeat and reaper see every import job"),
    "spreadsheets/tasks.py": (1, "a job takes an id, then re-enters its organization's scope"),
    "core/management/commands/seed_demo.py": (1, "operator command: seeds an organization"),
    "core/demo.py": (2, "the demo seed creates logins and its organization"),
    "core/demo_scale.py": (4, "the bulk demo seed creates logins and organizations"),
    "sso/providers.py": (4, "company sign-in finds the organization from the login domain"),
    "sso/receivers.py": (1, "allauth's sign-in signal arrives before a scope exists"),
    "sso/services.py": (1, "a verified e-mail domain is unique across organizations"),
    "sso/forms.py": (1, "a verified e-mail domain is unique across organizations"),
    "sso/scim/views.py": (2, "SCIM requests name their organization by bearer token"),
    "datarights/registry.py": (1, "export/erasure read every model, filtering by organization"),
    "datarights/erasure.py": (1, "whether an erased person's login is used elsewhere"),
    "datarights/orgdeletion.py": (2, "deleting an organization: its members' other logins"),
    "datarights/services.py": (3, "the worker builds an organization's export by job id"),
    "jobs/scheduler.py": (2, "the scheduler runs each job per organization, in its scope"),
}
SKIP = ("tests/", "bench/", ".venv/", ".tools/", "node_modules/")


def _uses() -> dict[str, int]:
    found: dict[str, int] = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(SKIP) or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        n = sum(
            1
            for line in text.splitlines()
            if PATTERN.search(line) and not line.lstrip().startswith(("#", "def unscoped"))
        )
        if n:
            found[rel] = n
    return found


def test_cross_tenant_access_only_where_named():
    uses = _uses()
    unexpected = {m: n for m, n in uses.items() if m not in ALLOWED}
    assert unexpected == {}, "add a reason to ALLOWED, or use scope(org)"
    grown = {m: n for m, n in uses.items() if n > ALLOWED[m][0]}
    assert grown == {}, "more cross-tenant uses than allowed: justify them in ALLOWED"


def test_the_allow_list_has_no_stale_entries():
    uses = _uses()
    assert {m for m in ALLOWED if m not in uses} == set()
