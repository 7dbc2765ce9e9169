"""The app shell's template tags (templates/base.html): what every page renders, written
in Python (issue 15: the CPU a page costs).

The signed-in top bar (the brand, the main navigation, the user menu with its
organization switcher, administration entries and log-out form) was about a hundred
template nodes and a dozen `{% url %}` reversals on every page, a fifth of a millisecond
of CPU or more; `app_topbar` writes the same HTML byte for byte
(`tests/core/test_app_shell.py`). `shell_url` and `shell_static` are `{% url %}` (a name
without arguments) and `{% static %}` remembered per process: a URL name and a static
file's (hashed) name do not change while a process runs.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from core.navigation import shell_url as _shell_url

register = template.Library()

_STATIC: dict[str, str] = {}


@receiver(setting_changed)
def _forget_static(**kwargs: Any) -> None:
    if kwargs["setting"] in ("STATIC_URL", "STORAGES", "STATIC_ROOT"):
        _STATIC.clear()


def static_url(path: str) -> str:
    """`{% static path %}`, computed once per process."""
    url = _STATIC.get(path)
    if url is None:
        url = _STATIC[path] = static(path)
    return url


@register.simple_tag
def shell_static(path: str) -> str:
    return static_url(path)


@register.simple_tag
def shell_url(name: str) -> str:
    return _shell_url(name)


def _csrf_input(context: template.Context) -> str:
    """What `{% csrf_token %}` renders."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's marker, not a secret)
        return ""
    return str(format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))


def _links(items: list[dict[str, Any]], before: str, after: str) -> str:
    return "".join(
        f'{before}<a href="{conditional_escape(item["url"])}"'
        f"{' aria-current=' + chr(34) + 'page' + chr(34) if item['active'] else ''}>"
        f"{conditional_escape(item['label'])}</a>{after}"
        for item in items
    )


@register.simple_tag(takes_context=True)
def app_topbar(context: template.Context) -> SafeString:
    """The signed-in top bar: brand, main navigation and user menu (see the module)."""
    e = conditional_escape
    request = context["request"]
    user = request.user
    org = context["org"]  # the tag is used under {% if membership %}
    membership = context["membership"]
    nav = context.get("nav") or []
    admin_menu = context.get("admin_menu") or []
    memberships = context.get("all_memberships") or []
    csrf = _csrf_input(context)
    initial = (user.get_full_name() or user.email)[:1].upper()
    role = membership.get_role_display()
    manager = " · manager" if context.get("is_manager") else ""
    long_nav = " mainnav--long" if len(nav) > 7 else ""
    parts = [
        f'<a class="brand" href="{e(_shell_url("dashboard"))}">\n'
        f'        <img src="{e(static_url("img/logo.svg"))}" alt="" width="28" height="28">'
        "<span>Career Ladder Builder</span>\n"
        "      </a>\n"
        "      \n"
        f'      <nav class="mainnav{long_nav}" aria-label="Main">\n'
        '        <button class="mainnav__toggle" type="button" aria-expanded="false" '
        'aria-controls="mainnav-list" data-toggle="mainnav-list">Menu</button>\n'
        '        <ul id="mainnav-list" class="mainnav__list">\n'
        f"          {_links(nav, '<li>', '</li>')}\n"
        "        </ul>\n"
        "      </nav>\n"
        '      <div class="usermenu">\n'
        '        <details class="dropdown">\n'
        f'          <summary><span class="avatar" aria-hidden="true">{e(initial)}</span>'
        f'<span class="usermenu__org">{e(org.name)}</span>'
        '<span class="visually-hidden">: your account and organization menu</span></summary>\n'
        '          <div class="dropdown__panel">\n'
        f'            <p class="dropdown__who">{e(user.email)}<br>'
        f'<span class="muted">{e(role)}{manager}</span></p>\n'
        "            "
    ]
    if len(memberships) > 1:
        options = "".join(
            f'<option value="{e(m.organization.public_id)}"'
            f"{' selected' if m.organization == org else ''}>{e(m.organization.name)}</option>"
            for m in memberships
        )
        parts.append(
            "\n"
            f'            <form method="post" action="{e(_shell_url("organizations:switch"))}">'
            f"{csrf}\n"
            '              <label for="switch-org">Organization</label>\n'
            '              <select id="switch-org" name="organization" data-autosubmit>\n'
            f"                {options}\n"
            "              </select>\n"
            '              <noscript><button class="button button--secondary button--small">'
            "Switch</button></noscript>\n"
            "            </form>\n"
            "            "
        )
    parts.append("\n            ")
    if context.get("me"):
        parts.append(
            f'<a href="{e(_shell_url("people:me"))}">My profile</a>\n'
            f'            <a href="{e(_shell_url("fairness:mine"))}">About me (voluntary)</a>'
        )
    parts.append("\n            ")
    if admin_menu:
        parts.append(
            f'<p class="dropdown__heading">{e(org.name)}</p>\n'
            f"            {_links(admin_menu, '', '')}\n"
            '            <p class="dropdown__heading">Your account</p>'
        )
    parts.append(
        "\n"
        f'            <a href="{e(_shell_url("account_change_password"))}">Password</a>\n'
        f'            <a href="{e(_shell_url("mfa_index"))}">Two-factor authentication</a>\n'
        f'            <a href="{e(_shell_url("api_tokens:list"))}">API tokens</a>\n'
        f'            <a href="{e(_shell_url("datarights:my_data"))}">Your data</a>\n'
        f'            <form method="post" action="{e(_shell_url("account_logout"))}">{csrf}'
        '<button class="linklike">Log out</button></form>\n'
        "          </div>\n"
        "        </details>\n"
        "      </div>\n"
        "      "
    )
    return mark_safe("".join(parts))  # every value above is escaped
