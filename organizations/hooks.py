"""What other apps add to the organization's own pages, registered from their
`AppConfig.ready`, so that `organizations` imports no app above it.

- `on_members_page(fn)`: `fn(memberships)` is called when the members page is shown; it
  may set attributes on each membership (people: `m.person`, the directory entry of the
  login) and returns extra context for the page (accounts: the pending invitations).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from organizations.models import Membership

MembersPageHook = Callable[[list[Membership]], dict[str, Any]]
MEMBERS_PAGE: list[MembersPageHook] = []


def on_members_page(hook: MembersPageHook) -> MembersPageHook:
    if hook not in MEMBERS_PAGE:
        MEMBERS_PAGE.append(hook)
    return hook


def members_page_context(memberships: list[Membership]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for hook in MEMBERS_PAGE:
        context.update(hook(memberships))
    return context
