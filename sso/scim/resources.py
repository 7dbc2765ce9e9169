"""A person as a SCIM User (RFC 7643 §4.1 + the enterprise extension's manager), and
incoming SCIM payloads (POST/PUT bodies, PATCH operations) as a plain set of changes.

The SCIM `id` is the person's public id. What we keep: userName, externalId, the name
(given / family / display), the work e-mail, title, active and manager. Other attributes
identity providers send (phone numbers, addresses, locale, …) are accepted and ignored.
"""

from __future__ import annotations

import re
from typing import Any

from sso.scim.errors import ScimError

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
UNSET: Any = object()


def split_name(name: str) -> tuple[str, str]:
    given, _, family = name.strip().partition(" ")
    return given, family.strip()


def to_resource(person: Any, base_url: str) -> dict[str, Any]:
    link = getattr(person, "scim_link", None) if _has_link(person) else None
    given, family = split_name(person.name)
    if link is not None and f"{link.given_name} {link.family_name}".strip() == person.name:
        given, family = link.given_name, link.family_name
    location = f"{base_url}Users/{person.public_id}"
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE],
        "id": person.public_id,
        "userName": link.user_name if link is not None else person.email,
        "name": {"formatted": person.name, "givenName": given, "familyName": family},
        "displayName": person.name,
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "active": person.is_active,
        "meta": {
            "resourceType": "User",
            "created": person.created_at.isoformat(),
            "lastModified": person.updated_at.isoformat(),
            "location": location,
            "version": f'W/"{person.revision}"',
        },
    }
    if link is not None and link.external_id:
        resource["externalId"] = link.external_id
    if person.title:
        resource["title"] = person.title
    enterprise: dict[str, Any] = {}
    if person.manager_id:
        enterprise["manager"] = {
            "value": person.manager.public_id,
            "$ref": f"{base_url}Users/{person.manager.public_id}",
            "displayName": person.manager.name,
        }
    resource[ENTERPRISE] = enterprise
    return resource


def _has_link(person: Any) -> bool:
    try:
        return person.scim_link is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False


def as_bool(value: Any) -> bool:
    """Entra ID has sent booleans as the strings "True" / "False"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    raise ScimError(400, f"“active” must be true or false, not {value!r}.", "invalidValue")


def _text(value: Any, what: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    raise ScimError(400, f"{what} must be text.", "invalidValue")


def _work_email(emails: Any) -> str:
    if isinstance(emails, str):
        return emails.strip()
    if not isinstance(emails, list):
        return ""
    items = [e for e in emails if isinstance(e, dict) and e.get("value")]
    for test in (
        lambda e: e.get("primary") in (True, "true", "True"),
        lambda e: str(e.get("type", "")).lower() == "work",
        lambda e: True,
    ):
        for item in items:
            if test(item):
                return str(item["value"]).strip()
    return ""


def _manager_ref(value: Any) -> str:
    """The manager reference: {"value": "..."} (RFC 7643), or a bare string (Entra ID)."""
    if isinstance(value, dict):
        value = value.get("value", "")
    if isinstance(value, list) and value:  # some clients wrap it in a list
        return _manager_ref(value[0])
    return _text(value, "manager") if value is not None else ""


def from_resource(body: Any) -> dict[str, Any]:
    """The changes a full User resource (POST / PUT) asks for. Attributes left out are
    left as they are (RFC 7644 §3.5.1 lets a service provider keep them)."""
    if not isinstance(body, dict):
        raise ScimError(400, "The request body must be a SCIM User object.", "invalidSyntax")
    changes: dict[str, Any] = {}
    for key, value in body.items():
        _apply_attribute(changes, key, value)
    return changes


# simple text attributes: SCIM path (lower case) → (our key, the name in messages)
TEXT_PATHS = {
    "username": ("user_name", "userName"),
    "externalid": ("external_id", "externalId"),
    "displayname": ("display_name", "displayName"),
    "title": ("title", "title"),
    "name.givenname": ("given_name", "name.givenName"),
    "name.familyname": ("family_name", "name.familyName"),
    "name.formatted": ("formatted", "name.formatted"),
}
# complex attributes whose sub-attributes are applied one by one, with this path prefix
CONTAINERS = {ENTERPRISE.lower(): f"{ENTERPRISE}:", "name": "name."}
MANAGER_PATHS = {f"{ENTERPRISE.lower()}:manager", f"{ENTERPRISE.lower()}:manager.value"}


def _apply_attribute(changes: dict[str, Any], key: str, value: Any) -> None:
    """One top-level attribute (or a full path such as "name.givenName")."""
    lower = key.lower()
    if lower.startswith(USER_SCHEMA.lower() + ":"):
        lower = lower[len(USER_SCHEMA) + 1 :]
    if lower in CONTAINERS:
        for sub, sub_value in (value if isinstance(value, dict) else {}).items():
            _apply_attribute(changes, CONTAINERS[lower] + sub, sub_value)
    elif lower in MANAGER_PATHS:
        changes["manager"] = _manager_ref(value)
    elif lower in TEXT_PATHS:
        name, label = TEXT_PATHS[lower]
        changes[name] = _text(value, label)
    elif lower == "active":
        changes["active"] = as_bool(value)
    elif lower == "emails":
        if email := _work_email(value):
            changes["email"] = email
    elif re.fullmatch(r"emails\[[^\]]*\]\.value", lower) or lower == "emails.value":
        changes["email"] = _text(value, "emails")
    # anything else (phoneNumbers, addresses, locale, groups, password, …) is not kept


def from_patch(body: Any) -> dict[str, Any]:
    """The changes a PatchOp asks for (RFC 7644 §3.5.2), in the forms Okta and Entra ID
    send: ops in any case, a path or a value object, string booleans."""
    if not isinstance(body, dict) or not isinstance(body.get("Operations"), list):
        raise ScimError(400, "A PATCH needs an “Operations” list.", "invalidSyntax")
    changes: dict[str, Any] = {}
    for operation in body["Operations"]:
        if not isinstance(operation, dict):
            raise ScimError(400, "Each operation must be an object.", "invalidSyntax")
        op = str(operation.get("op", "")).lower()
        path = operation.get("path")
        value = operation.get("value")
        if op not in {"add", "replace", "remove"}:
            raise ScimError(400, f"Unknown operation “{op}”.", "invalidSyntax")
        if op == "remove":
            if not path:
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            lower = str(path).lower()
            if lower.startswith(ENTERPRISE.lower()) and "manager" in lower:
                changes["manager"] = ""
            elif lower == "title":
                changes["title"] = ""
            elif lower == "externalid":
                changes["external_id"] = ""
            continue
        if path:
            _apply_attribute(changes, str(path), value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _apply_attribute(changes, key, item)
        else:
            raise ScimError(
                400, "An operation without a path needs an object value.", "invalidValue"
            )
    return changes
