"""API tokens, company sign-in and SCIM, billing."""

from __future__ import annotations

from typing import Any

from tests.access_routes.registry import (
    bearer,
    builder,
    public,
    tenant,
    token,
)

# --- API tokens (api/views.py); the API itself is covered by tests/api/test_access.py ---


@builder("api_token")
def _api_token(world: Any) -> Any:
    from api.tokens import create_token

    return create_token(world.acme, user=world.hr, actor=world.hr, name="HRIS sync")[0]


tenant("api_tokens:list")
tenant("api_tokens:revoke", token_id="api_token")
public("api:openapi-json")
public("api:openapi-view")
public("api:api-root")
public("api_v1")
# --- company sign-in and SCIM provisioning (sso/) ------------------------------------------


@builder("email_domain")
def _email_domain(world: Any) -> Any:
    from sso.services import add_domain

    return add_domain(world.acme, actor=world.owner, domain="acme.test")


@builder("sign_in_key")
def _sign_in_key(world: Any) -> Any:
    from sso.services import settings_for

    return settings_for(world.acme)


tenant("sso:settings")
tenant("sso:provisioning")
tenant("sso:required")
tenant("sso:domain_add")
tenant("sso:domain_verify", domain_id="email_domain")
tenant("sso:domain_remove", domain_id="email_domain")
public("sso:start")
token("sso:start_for", key="sign_in_key")
for _name in (
    "root",
    "service_provider_config",
    "resource_types",
    "schemas",
    "users",
):
    bearer(f"scim:{_name}")
bearer("scim:resource_type", type_name="user_resource_type")
bearer("scim:schema", schema_id="user_schema_id")
bearer("scim:user", user_id="person")


@builder("user_resource_type")
def _user_resource_type(world: Any) -> Any:
    return "User"


@builder("user_schema_id")
def _user_schema_id(world: Any) -> Any:
    return "urn:ietf:params:scim:schemas:core:2.0:User"


# --- billing and the ROI calculator (billing/) ----------------------------------------------
tenant("billing:index")  # owners only; HR admins and members get 403
tenant("billing:checkout")
tenant("billing:portal")
public("billing:webhook")  # Stripe's; only a correctly signed event changes anything
public("billing:roi")
public("billing:roi_chart")
