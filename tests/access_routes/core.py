"""The site, organizations, people and accounts."""

from __future__ import annotations

from typing import Any

from tests.access_routes.registry import (
    builder,
    dev,
    public,
    tenant,
    token,
)

# --- objects --------------------------------------------------------------------------


@builder("person")
def _person(world: Any) -> Any:
    return world.p_employee


@builder("manager_person")
def _manager_person(world: Any) -> Any:
    return world.p_manager


# --- core and organizations ---------------------------------------------------------------
public("landing")
public("pricing")
public("onet_attribution")
public("healthz")
public("readyz")
dev("dev_outbox")
tenant("dashboard")
public("no_organization")
public("mfa_required")
tenant("organizations:switch")
tenant("organizations:settings")
tenant("organizations:audit_log")
tenant("organizations:members")


# --- people ------------------------------------------------------------------------------


@builder("people_import")
def _people_import(world: Any) -> Any:
    from people.services import stage_import

    return stage_import(
        world.acme,
        actor=world.hr,
        filename="people.csv",
        header=["Name", "Email"],
        rows=[["Nina New", "nina@acme.test"]],
    )


tenant("people:list")
tenant("people:team")
tenant("people:add")
tenant("people:bulk")
tenant("people:me")
tenant("people:org_chart")
tenant("people:level_options")
tenant("people:import")
tenant("people:import_example")
tenant("people:import_preview", import_id="people_import")
tenant("people:detail", person_id="person")
tenant("people:edit", person_id="person")
tenant("people:deactivate", person_id="person")
tenant("people:reactivate", person_id="person")


# --- accounts: invitations, new organization; organization members ----------------------


@builder("invitation")
def _invitation(world: Any) -> Any:
    from accounts.services import invite_by_email

    return invite_by_email(
        world.acme, email="ivy@acme.test", name="Ivy Invitee", role="member", actor=world.hr
    )


@builder("membership")
def _membership(world: Any) -> Any:
    from organizations.models import Membership

    return Membership.objects.get(user=world.hr)


tenant("accounts:create_organization")
tenant("accounts:invitations")
tenant("accounts:invite_everyone")
tenant("accounts:invite_person", person_id="person")
tenant("accounts:revoke_invitation", invitation_id="invitation")
token("accounts:accept_invitation", token="invitation_token")
tenant("organizations:change_role", membership_id="membership")
