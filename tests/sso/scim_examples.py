"""SCIM request bodies as RFC 7644 / RFC 7643, Okta's SCIM 2.0 guide and Microsoft
Entra ID's provisioning documentation show them (written down from those documents;
addresses changed to Acme's verified domain where a test needs it to be one)."""

from __future__ import annotations

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# RFC 7644 §3.3 — creating a resource (no e-mail address at all)
RFC_CREATE_BJENSEN = {
    "schemas": [USER],
    "userName": "bjensen",
    "externalId": "bjensen",
    "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara",
    },
}

# RFC 7644 §3.5.1 — replacing with PUT (two e-mail addresses, no "primary")
RFC_PUT_BJENSEN = {
    "schemas": [USER],
    "id": "2819c223-7f76-453a-919d-413861904646",
    "userName": "bjensen",
    "externalId": "bjensen",
    "name": {
        "formatted": "Ms. Barbara J Jensen III",
        "familyName": "Jensen",
        "givenName": "Barbara",
        "middleName": "Jane",
    },
    "roles": [],
    "emails": [{"value": "bjensen@acme.test"}, {"value": "babs@jensen.org"}],
}

# RFC 7644 §3.5.2.1 — "add" with no path: the value's attributes are added
RFC_PATCH_ADD_NO_PATH = {
    "schemas": [PATCH],
    "Operations": [
        {
            "op": "add",
            "value": {"emails": [{"value": "babs@acme.test", "type": "home"}], "nickname": "Babs"},
        }
    ],
}


# RFC 7643 §4.3 — the enterprise extension (manager as a complex attribute)
def rfc_enterprise_user(user_name: str, email: str, manager_id: str) -> dict:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "name": {"givenName": "Barbara", "familyName": "Jensen"},
        "emails": [{"value": email, "type": "work", "primary": True}],
        "title": "Tour Guide",
        ENTERPRISE: {
            "employeeNumber": "701984",
            "costCenter": "4130",
            "organization": "Universal Studios",
            "division": "Theme Park",
            "department": "Tour Operations",
            "manager": {
                "value": manager_id,
                "$ref": f"../Users/{manager_id}",
                "displayName": "John Smith",
            },
        },
    }


# Okta, SCIM 2.0 guide — "Create the user"
OKTA_CREATE = {
    "schemas": [USER],
    "userName": "test.user@acme.test",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@acme.test", "type": "work"}],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": True,
}


# Okta — "Update a specific user (PUT)": the whole profile, with a new first name
def okta_put(user_id: str) -> dict:
    return {
        **OKTA_CREATE,
        "id": user_id,
        "name": {"givenName": "Another", "familyName": "User"},
        "displayName": "Another User",
    }


# Okta — "Deactivate a specific user" / "Reactivate"
OKTA_DEACTIVATE = {
    "schemas": [PATCH],
    "Operations": [{"op": "replace", "value": {"active": False}}],
}
OKTA_REACTIVATE = {"schemas": [PATCH], "Operations": [{"op": "replace", "value": {"active": True}}]}

# Okta's connection test and user lookup
OKTA_CONNECTION_TEST = "/scim/v2/Users?startIndex=1&count=2"
OKTA_LOOKUP = (
    "/scim/v2/Users?filter=userName%20eq%20%22test.user%40acme.test%22&startIndex=1&count=100"
)

# Microsoft Entra ID — "Create User" (userName is not the e-mail address)
ENTRA_CREATE = {
    "schemas": [USER, ENTERPRISE],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
    "active": True,
    "emails": [
        {
            "primary": True,
            "type": "work",
            "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@acme.test",
        }
    ],
    "meta": {"resourceType": "User"},
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName",
    },
    "roles": [],
}
ENTRA_LOOKUP = '/scim/v2/Users?filter=userName+eq+"Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"'
ENTRA_LOOKUP_NONE = '/scim/v2/Users?filter=userName+eq+"non-existent user"'

# Entra — "Update User [Multi-valued properties]"
ENTRA_PATCH_MULTI = {
    "schemas": [PATCH],
    "Operations": [
        {
            "op": "Replace",
            "path": 'emails[type eq "work"].value',
            "value": "updatedEmail@acme.test",
        },
        {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
    ],
}

# Entra — "Update User [Single-valued properties]"
ENTRA_PATCH_SINGLE = {
    "schemas": [PATCH],
    "Operations": [
        {
            "op": "Replace",
            "path": "userName",
            "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
        }
    ],
}


# Entra — manager: the value is the manager's id as a plain string; and its removal
def entra_add_manager(manager_id: str) -> dict:
    return {
        "schemas": [PATCH],
        "Operations": [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": manager_id}],
    }


ENTRA_REMOVE_MANAGER = {
    "schemas": [PATCH],
    "Operations": [{"op": "Remove", "path": f"{ENTERPRISE}:manager"}],
}

# Entra — "Disable User"; older Entra tenants send the boolean as a string
ENTRA_DISABLE = {
    "Operations": [{"op": "Replace", "path": "active", "value": False}],
    "schemas": [PATCH],
}
ENTRA_DISABLE_STRING = {
    "Operations": [{"op": "Replace", "path": "active", "value": "False"}],
    "schemas": [PATCH],
}
