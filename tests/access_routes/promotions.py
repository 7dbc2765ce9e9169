"""Promotions, promotion fairness and data rights."""

from __future__ import annotations

from typing import Any

from tests.access_routes.frameworks import emma_off_ladder, emma_on_pm2
from tests.access_routes.registry import (
    builder,
    catalog,
    tenant,
)


# --- promotions (promotions/) ---------------------------------------------------------------
def _promotions(world: Any) -> dict[str, Any]:
    """Emma (PM2 on the Product Management ladder) with a decided "not yet" case (one
    gap), and an open case being written with a file, in a round whose committee is
    Hana. Built once per world; Emma's directory entry goes back as other tests expect."""
    cached = getattr(world, "_promotions", None)
    if cached is not None:
        return cached
    from promotions import services
    from promotions.models import CaseStatement
    from promotions.selectors import candidate_for
    from tests.promotions.helpers import attach, decide, submit, write_all

    emma_on_pm2(world)
    target = candidate_for(world.p_employee).targets[0].level_uid

    def opened() -> Any:
        case = services.open_case(world.p_employee, actor=world.owner, target_level_uid=target)
        write_all(case, world.owner, "Shown on the pricing launch.", summary=None)
        return case

    decided = submit(opened(), world.owner)
    first = CaseStatement.objects.filter(case=decided).first().statement_uid
    decide(decided, world.owner, "not_yet", "Close; one statement to show.", gaps=[first])
    case = opened()
    artifact = attach(case, world.owner, "launch.txt", b"The pricing launch write-up.")
    round = services.create_round(
        world.acme, actor=world.owner, name="Spring round", committee=[world.p_hr], cases=[case]
    )
    emma_off_ladder(world)
    cached = {
        "case": case,
        "decided_case": decided,
        "artifact": artifact,
        "gap": decided.gaps.get(),
        "round": round,
    }
    world._promotions = cached
    return cached


for _key in ("case", "decided_case", "artifact", "gap", "round"):
    builder(f"promotion_{_key}")(lambda world, key=_key: _promotions(world)[key])

tenant("promotions:index")
tenant("promotions:readiness")
tenant("promotions:rounds")
tenant("promotions:round_new")
tenant("promotions:new", person_id="person")
for _name in ("case", "save", "people", "upload", "submit", "withdraw", "verdict", "packet"):
    tenant(f"promotions:{_name}", case_id="promotion_case")
tenant("promotions:decide", case_id="promotion_decided_case")
tenant("promotions:artifact", artifact_id="promotion_artifact")
tenant("promotions:remove_file", artifact_id="promotion_artifact")
tenant("promotions:accept_gap", gap_id="promotion_gap")
for _name in ("round", "round_edit", "round_close"):
    tenant(f"promotions:{_name}", round_id="promotion_round")
# data rights
tenant("datarights:my_data")
catalog("datarights:my_export", fmt="export_format")  # the format, not an object
tenant("datarights:person_export", person_id="person", fmt="export_format")
tenant("datarights:person_erase", person_id="person")


@builder("export_format")
def _export_format(world: Any) -> Any:
    return "json"


# --- promotion fairness (fairness/) ---------------------------------------------------------
@builder("fairness_attribute")
def _fairness_attribute(world: Any) -> Any:
    from fairness.services import create_attribute

    return create_attribute(
        world.acme, actor=world.hr, name="Gender", options=["Woman", "Man", "Non-binary"]
    )


@builder("fairness_upload")
def _fairness_upload(world: Any) -> Any:
    from fairness.services import upload_past_decisions

    return upload_past_decisions(
        world.acme,
        actor=world.hr,
        filename="past.csv",
        data=b"email,group,promoted\nold@acme.test,Woman,yes\n",
        default_attribute="Gender",
    )


tenant("fairness:index")  # HR admins and owners; members 403
tenant("fairness:export")
tenant("fairness:questions")
tenant("fairness:question", attribute_id="fairness_attribute")
tenant("fairness:past")
tenant("fairness:remove_past", upload_id="fairness_upload")
tenant("fairness:mine")

tenant("datarights:organization")
tenant("datarights:organization_export")
tenant("datarights:organization_delete")
tenant("datarights:organization_delete_cancel")
tenant("datarights:organization_export_download", export_id="organization_export")


@builder("organization_export")
def _organization_export(world: Any) -> Any:
    from django.core.files.base import ContentFile

    from datarights.models import OrganizationExport

    export = OrganizationExport.objects.create(organization=world.acme, status="done")
    export.file.save("acme.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    return export
