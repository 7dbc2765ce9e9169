"""Growth (gap reports, development plans, team gaps) and review cycles."""

from __future__ import annotations

from typing import Any

from tests.access_routes.frameworks import emma_off_ladder, emma_on_pm2
from tests.access_routes.registry import (
    builder,
    tenant,
)

# --- growth (gap reports, development plans, team gaps) ------------------------------------


@builder("growth_participant")
def _growth_participant(world: Any) -> Any:
    """Emma in a released cycle (rows only: the report of a cycle with no ratings)."""
    from django.utils import timezone

    from reviews.models import Participant, ReviewCycle

    cycle = ReviewCycle.objects.create(
        organization=world.acme,
        name="Released cycle",
        status=ReviewCycle.Status.RELEASED,
        released_at=timezone.now(),
    )
    return Participant.objects.create(
        organization=world.acme,
        cycle=cycle,
        person=world.p_employee,
        manager=world.p_manager,
        level_code="E2",
        level_title="Engineer",
    )


@builder("growth_item")
def _growth_item(world: Any) -> Any:
    from growth.models import ActionItem

    return ActionItem.objects.create(
        organization=world.acme,
        person=world.p_employee,
        owner=world.p_employee,
        competency_uid="c1",
        competency_name="Delivery",
        title="Lead the next release",
    )


tenant("growth:index")
tenant("growth:plan", person_id="person")
tenant("growth:item_new", person_id="person")
tenant("growth:latest_report", person_id="person")
tenant("growth:conversation", person_id="person")
tenant("growth:item", item_id="growth_item")
tenant("growth:item_status", item_id="growth_item")
tenant("growth:report", participant_id="growth_participant")
tenant("growth:report_pdf", participant_id="growth_participant")
tenant("growth:suggest", participant_id="growth_participant")
tenant("growth:team")
tenant("growth:team_csv")
tenant("growth:team_xlsx")
tenant("growth:settings")


# --- review cycles (reviews/) ---------------------------------------------------------------
def _reviews(world: Any) -> dict[str, Any]:
    """Acme's review cycles, one in each state, for Emma (PM2 on the Product Management
    ladder) reviewed by Max: a draft, an open cycle with a peer (Hana), one in
    calibration and one released. Built once per world."""
    cached = getattr(world, "_reviews", None)
    if cached is not None:
        return cached
    from reviews import services
    from reviews.models import FinalRating, Participant, PeerNomination, ReviewForm

    emma_on_pm2(world)

    def cycle(name: str, peers: int = 0) -> Any:
        return services.create_cycle(
            world.acme,
            name=name,
            actor=world.hr,
            participants=[world.p_employee],
            inputs={"self": True, "manager": True, "peers": peers},
        )

    def launched(name: str, peers: int = 0) -> Any:
        c = cycle(name, peers)
        if peers:
            part = Participant.objects.get(cycle=c)
            services.nominate_peer(part, world.p_hr, actor=world.manager)
        c.refresh_from_db()
        services.launch_cycle(c, expected_revision=c.revision, actor=world.hr)
        c.refresh_from_db()
        return c

    draft = cycle("Review draft")
    open_ = launched("Review open", peers=3)
    calib = launched("Review calibration")
    services.open_calibration(calib, expected_revision=calib.revision, actor=world.hr)
    released = launched("Review released")
    services.open_calibration(released, expected_revision=released.revision, actor=world.hr)
    released.refresh_from_db()
    services.finalize_calibration(released, expected_revision=released.revision, actor=world.hr)
    released.refresh_from_db()
    services.release_cycle(released, expected_revision=released.revision, actor=world.hr)
    calib_part = Participant.objects.get(cycle=calib)
    # the cycles pinned Emma's ladder; her directory entry goes back as other tests expect
    emma_off_ladder(world)
    cached = {
        "draft": draft,
        "open": open_,
        "calibration": calib,
        "released": released,
        "self_form": ReviewForm.objects.get(cycle=open_, kind="self"),
        "open_participant": Participant.objects.get(cycle=open_),
        "draft_participant": Participant.objects.get(cycle=draft),
        "calibration_participant": calib_part,
        "released_participant": Participant.objects.get(cycle=released),
        "competency_uid": FinalRating.objects.filter(participant=calib_part).first().competency_uid,
        "nomination": PeerNomination.objects.get(participant__cycle=open_),
    }
    world._reviews = cached
    return cached


for _key in (
    "draft",
    "open",
    "calibration",
    "released",
    "self_form",
    "open_participant",
    "draft_participant",
    "calibration_participant",
    "released_participant",
    "competency_uid",
    "nomination",
):
    builder(f"review_{_key}")(lambda world, key=_key: _reviews(world)[key])

tenant("reviews:my_reviews")
tenant("reviews:cycles")
tenant("reviews:new")
tenant("reviews:scale")
for _name in ("form", "form_save", "form_submit", "form_reopen"):
    tenant(f"reviews:{_name}", form_id="review_self_form")
tenant("reviews:peers", participant_id="review_open_participant")
tenant("reviews:peer_decide", nomination_id="review_nomination")
for _name in ("results", "conversation", "acknowledge"):
    tenant(f"reviews:{_name}", participant_id="review_released_participant")
tenant("reviews:team", cycle_id="review_open")
for _name in (
    "setup_name",
    "setup_people",
    "setup_inputs",
    "setup_deadlines",
    "setup_next_level",
    "setup_preview",
    "launch",
    "delete",
    "add_people",
):
    tenant(f"reviews:{_name}", cycle_id="review_draft")
tenant("reviews:remove_participant", participant_id="review_draft_participant")
tenant("reviews:reassign", participant_id="review_draft_participant")
tenant("reviews:copy", cycle_id="review_released")
for _name in ("cycle", "remind", "fixes", "open_calibration"):
    tenant(f"reviews:{_name}", cycle_id="review_open")
tenant("reviews:close", cycle_id="review_released")
for _name in ("calibration", "finalize"):
    tenant(f"reviews:{_name}", cycle_id="review_calibration")
tenant("reviews:release", cycle_id="review_calibration")
tenant(
    "reviews:adjust",
    participant_id="review_calibration_participant",
    competency_uid="review_competency_uid",
)
