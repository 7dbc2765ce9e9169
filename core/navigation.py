"""The app shell's navigation, per role. Each entry: (url name, label, who sees it).

`who`: "all" (every member), "manager" (has reports), "admin" (HR admin or owner),
"owner" (owners only).
A test checks that every entry resolves."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

NAV: list[tuple[str, str, str]] = [
    ("dashboard", "Home", "all"),
    ("frameworks:my_ladder", "My ladder", "all"),
    ("reviews:my_reviews", "Reviews", "all"),
    ("growth:index", "Development", "all"),
    ("promotions:index", "Promotions", "all"),
    ("people:team", "My team", "manager"),
    ("people:list", "People", "admin"),
    ("frameworks:index", "Frameworks", "admin"),
    # employees and managers read ladders; choosing a template is for HR (the pages
    # refuse everyone else: tests/test_access_roles.py)
    ("frameworks:library", "Templates", "admin"),
    ("spreadsheets:index", "Import & export", "admin"),
]

# The organization's administration, in the user menu (top right) for HR admins.
ADMIN_MENU: list[tuple[str, str, str]] = [
    ("organizations:settings", "Organization settings", "admin"),
    ("billing:index", "Billing", "owner"),
    ("organizations:members", "Logins and roles", "admin"),
    ("sso:settings", "Company sign-in", "admin"),
    ("accounts:invitations", "Invitations", "admin"),
    ("growth:settings", "Growth settings", "admin"),
    ("fairness:index", "Promotion fairness", "admin"),
    ("reviews:scale", "Rating scale", "admin"),
    ("organizations:audit_log", "Audit log", "admin"),
    ("onet:search", "O*NET skills library", "admin"),
]


@lru_cache(maxsize=256)
def _url(name: str, prefix: str, urlconf: str) -> str | None:
    """An entry's URL: the same for every request of a process with the same script
    prefix and URLconf (the keys), so reversed once, not on every page."""
    try:
        return reverse(name, urlconf=urlconf)
    except NoReverseMatch:  # an app still being built; tests/test_navigation.py fails
        return None


def shell_url(name: str) -> str:
    """`{% url name %}` for a name without arguments, reversed once per process (the
    app shell's links: core/templatetags/app_shell.py)."""
    url = _url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    if url is None:
        raise NoReverseMatch(f"Reverse for '{name}' not found.")
    return url


def nav_for(
    request: Any,
    *,
    is_admin: bool,
    is_manager: bool,
    entries: list[tuple[str, str, str]] = NAV,
    is_owner: bool = False,
) -> list[dict[str, Any]]:
    items = []
    for name, label, who in entries:
        if who == "admin" and not is_admin:
            continue
        if who == "owner" and not is_owner:
            continue
        if who == "manager" and not (is_manager or is_admin):
            continue
        url = _url(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        if url is None:
            continue
        items.append({"url": url, "label": label, "active": False})
    # Only the entry with the longest matching prefix is current (/frameworks/templates/
    # is "Templates", not also "Frameworks").
    path = request.path
    matches = [
        i for i in items if path == i["url"] or (i["url"] != "/home/" and path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(str(i["url"])))["active"] = True
    return items
