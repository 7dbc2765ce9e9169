"""The part of SCIM filtering identity providers use (RFC 7644 §3.4.2.2): `attr eq "value"`
clauses joined by `and`. Okta and Microsoft Entra ID look users up with `userName eq`,
`externalId eq` and `emails[type eq "work"].value eq`; anything else answers 400
invalidFilter, as the RFC asks."""

from __future__ import annotations

import json
import re

from django.db.models import Q

from sso.scim.errors import ScimError

_CLAUSE = re.compile(
    r"""\s*(?P<attr>[A-Za-z][\w.:-]*(?:\[[^\]]*\])?(?:\.[A-Za-z]+)?)\s+(?P<op>[A-Za-z]{2})\s+
    (?P<value>"(?:[^"\\]|\\.)*"|true|false|null)\s*""",
    re.VERBOSE | re.IGNORECASE,
)
_AND = re.compile(r"and\s", re.IGNORECASE)
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user"
CORE = "urn:ietf:params:scim:schemas:core:2.0:user:"


def parse(text: str) -> list[tuple[str, str, object]]:
    clauses, pos = [], 0
    while True:
        match = _CLAUSE.match(text, pos)
        if match is None:
            raise ScimError(400, f"This filter is not supported: {text}", "invalidFilter")
        raw = match["value"]
        value: object = json.loads(raw) if raw.startswith('"') else json.loads(raw.lower())
        clauses.append((match["attr"].lower(), match["op"].lower(), value))
        pos = match.end()
        if pos >= len(text):
            return clauses
        joiner = _AND.match(text, pos)
        if joiner is None:
            raise ScimError(400, "Only “and” can join filter expressions here.", "invalidFilter")
        pos = joiner.end()


def _q(attr: str, value: object) -> Q:
    attr = attr.removeprefix(CORE)
    text = "" if value is None else str(value)
    if attr == "username":
        return Q(scim_link__user_name__iexact=text) | Q(scim_link__isnull=True, email__iexact=text)
    if attr == "externalid":
        return Q(scim_link__external_id=text)
    if attr == "id":
        return Q(public_id=text)
    if attr in {"emails", "emails.value"} or (
        attr.startswith("emails[") and attr.endswith("].value")
    ):
        return Q(email__iexact=text)
    if attr == "displayname":
        return Q(name__iexact=text)
    if attr == "active" and isinstance(value, bool):
        return Q(is_active=value)
    if attr == "title":
        return Q(title__iexact=text)
    raise ScimError(400, f"Filtering by {attr} is not supported.", "invalidFilter")


def to_q(text: str) -> Q:
    query = Q()
    for attr, op, value in parse(text):
        if op != "eq":
            raise ScimError(400, f"Only “eq” filters are supported, not “{op}”.", "invalidFilter")
        query &= _q(attr, value)
    return query
