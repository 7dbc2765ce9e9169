"""Discovery documents (RFC 7644 §4, RFC 7643 §5–§7): what this SCIM server supports."""

from __future__ import annotations

from typing import Any

from sso.scim.resources import ENTERPRISE, USER_SCHEMA


def service_provider_config(base: str, max_results: int) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": max_results},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The organization's SCIM token, made by an owner under "
                "Organization settings → Company sign-in → Provisioning.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": f"{base}ServiceProviderConfig",
        },
    }


def user_resource_type(base: str) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person in the organization's people directory",
        "schema": USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE, "required": False}],
        "meta": {"resourceType": "ResourceType", "location": f"{base}ResourceTypes/User"},
    }


def _attr(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "multiValued": False,
        "required": False,
        "caseExact": False,
        "mutability": "readWrite",
        "returned": "default",
        "uniqueness": "none",
        **extra,
    }


def all_schemas(base: str) -> list[dict[str, Any]]:
    user = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A person in the people directory",
        "attributes": [
            _attr("userName", required=True, uniqueness="server"),
            _attr("externalId", caseExact=True),
            _attr(
                "name",
                "complex",
                subAttributes=[_attr("formatted"), _attr("givenName"), _attr("familyName")],
            ),
            _attr("displayName"),
            _attr("title"),
            _attr("active", "boolean"),
            _attr(
                "emails",
                "complex",
                multiValued=True,
                subAttributes=[_attr("value"), _attr("type"), _attr("primary", "boolean")],
            ),
        ],
        "meta": {"resourceType": "Schema", "location": f"{base}Schemas/{USER_SCHEMA}"},
    }
    enterprise = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
        "id": ENTERPRISE,
        "name": "EnterpriseUser",
        "description": "The person's manager",
        "attributes": [
            _attr(
                "manager",
                "complex",
                subAttributes=[
                    _attr("value"),
                    _attr("$ref", "reference", referenceTypes=["User"]),
                    _attr("displayName", mutability="readOnly"),
                ],
            )
        ],
        "meta": {"resourceType": "Schema", "location": f"{base}Schemas/{ENTERPRISE}"},
    }
    return [user, enterprise]
