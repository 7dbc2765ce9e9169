"""A ladder and a team for the growth tests, and whole review cycles run through the
reviews services.

The Growth ladder: G1, G2 (shared trunk), then G3 (IC) and M3 (Manager). Emma is on G2
and reports to Max; Pia, Paul and Petra are her peers. Her forms ask, at her level:
Delivery (d2a, d2b), Communication (c2a, c2b), Craft (k1, carried from G1); at the next
levels: G3 (d3a, d3b, d3c, c3a, k3) and M3 (dm3, cm3a, cm3b)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from frameworks.models import Level
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from growth import services as gs
from growth.models import GrowthSettings, Rater
from reviews import services as rs
from reviews.models import FinalRating, FormItem, Participant, ReviewCycle, ReviewForm
from tests.framework_fixtures import load
from tests.reviews.factories import place_team


def readiness_rule(
    world: Any, percent: int, *, rating: int | None = None, rater: str = Rater.MANAGER
) -> GrowthSettings:
    """HR's first change of the organization's growth settings: the readiness rule (at
    least `percent` of a level's statements rated `rating` or higher, by `rater`; no
    rating: "Consistently shows this" or higher)."""
    return gs.update_settings(
        world.acme,
        actor=world.hr,
        expected_revision=0,
        readiness_percent=percent,
        readiness_rating=rating,
        readiness_rater=rater,
        suggestions=3,
    )


def growth_family() -> FamilyData:
    def st(*texts: str) -> list[StatementData]:
        return [StatementData(t) for t in texts]

    return FamilyData(
        name="Growth Engineering",
        key="",
        levels=[
            LevelData("G1", "Associate", 1, "shared", "Task"),
            LevelData("G2", "Engineer", 2, "shared", "Feature"),
            LevelData("G3", "Senior Engineer", 3, "ic", "Product area"),
            LevelData("M3", "Engineering Manager", 3, "manager", "Team"),
        ],
        competencies=[
            CompetencyData(
                "Delivery",
                category="Craft",
                statements={
                    "G1": st("d1 Ships small tasks with help."),
                    "G2": st("d2a Ships features on time.", "d2b Breaks work into steps."),
                    "G3": st("d3a Ships projects.", "d3b Plans a quarter.", "d3c Cuts scope."),
                    "M3": st("dm3 Runs the team's delivery."),
                },
            ),
            CompetencyData(
                "Communication",
                category="People",
                statements={
                    "G2": st("c2a Writes clear updates.", "c2b Explains trade-offs."),
                    "G3": st("c3a Presents to the area."),
                    "M3": st("cm3a Runs one-to-ones.", "cm3b Gives hard feedback."),
                },
            ),
            CompetencyData(
                "Craft",
                category="Craft",
                statements={
                    "G1": st("k1 Writes tested code."),
                    "G3": st("k3 Sets the area's standards."),
                },
            ),
        ],
    )


@dataclass
class GrowthTeam:
    levels: dict[str, Level]
    emma: Any
    max: Any
    peers: list[Any]
    peer_users: list[Any]


def growth_team(world: Any, *, peers: int = 3) -> GrowthTeam:
    """Call inside scope(world.acme)."""
    v1 = load(world.acme, growth_family(), actor=world.hr, publish=True)
    levels, people, users = place_team(
        world, v1, manager_level="M3", employee_level="G2", peers=peers
    )
    return GrowthTeam(levels, world.p_employee, world.p_manager, people, users)


def rate(
    form: ReviewForm,
    user: Any,
    ratings: dict[str, int],
    *,
    default: int | None = 3,
    comments: dict[str, str] | None = None,
    submit: bool = True,
) -> None:
    """Rate a form's items by the short code that starts each statement ("d2a")."""
    form.refresh_from_db()
    answers = []
    for item in FormItem.objects.filter(form=form, archived=False).order_by("position", "id"):
        code = item.text.split()[0]
        value = ratings.get(code, default)
        answers.append(
            {
                "statement": item.statement_uid,
                "rating": value,
                "comment": (comments or {}).get(code, ""),
                "evidence": "",
            }
        )
    revision = rs.save_answers(form, answers=answers, expected_revision=form.revision, actor=user)
    if submit:
        rs.submit_form(form, expected_revision=revision, actor=user)


def run_cycle(
    world: Any,
    t: GrowthTeam,
    *,
    name: str,
    manager: dict[str, int],
    self_ratings: dict[str, int] | None = None,
    peers: list[dict[str, int]] | None = None,
    adjust: dict[str, tuple[int, str]] | None = None,
    comments: dict[str, str] | None = None,
    include_next_level: bool = True,
) -> Participant:
    """A released cycle for Emma: self, manager and (if given) peer reviews, calibration
    adjustments by competency name, then finalize and release."""
    peer_count = len(peers or [])
    cycle = rs.create_cycle(
        world.acme,
        name=name,
        actor=world.hr,
        participants=[t.emma],
        inputs={"self": True, "manager": True, "peers": 3 if peer_count else 0},
        include_next_level=include_next_level,
    )
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    for peer in t.peers[:peer_count]:
        rs.nominate_peer(part, peer, actor=world.manager)
    cycle.refresh_from_db()
    rs.launch_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    return finish_cycle(
        world,
        t,
        cycle,
        manager=manager,
        self_ratings=self_ratings,
        peers=peers,
        adjust=adjust,
        comments=comments,
    )


def finish_cycle(
    world: Any,
    t: GrowthTeam,
    cycle: ReviewCycle,
    *,
    manager: dict[str, int],
    self_ratings: dict[str, int] | None = None,
    peers: list[dict[str, int]] | None = None,
    adjust: dict[str, tuple[int, str]] | None = None,
    comments: dict[str, str] | None = None,
) -> Participant:
    """Fill in Emma's forms of an open cycle, calibrate (adjustments by competency name),
    finalize and release."""
    part = Participant.objects.get(cycle=cycle, person=t.emma)
    forms = ReviewForm.objects.filter(cycle=cycle)
    rate(forms.get(kind="self"), world.employee, self_ratings or {}, comments=comments)
    rate(forms.get(kind="manager"), world.manager, manager, comments=comments)
    for peer, user, ratings in zip(t.peers, t.peer_users, peers or [], strict=False):
        rate(forms.get(kind="peer", reviewer=peer), user, ratings)
    cycle.refresh_from_db()
    rs.open_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    for comp, (value, reason) in (adjust or {}).items():
        uid = FinalRating.objects.get(participant=part, competency_name=comp).competency_uid
        rs.set_final_rating(part, competency_uid=uid, rating=value, reason=reason, actor=world.hr)
    cycle.refresh_from_db()
    rs.finalize_calibration(cycle, expected_revision=cycle.revision, actor=world.hr)
    cycle.refresh_from_db()
    rs.release_cycle(cycle, expected_revision=cycle.revision, actor=world.hr)
    part.refresh_from_db()
    assert part.cycle.status == ReviewCycle.Status.RELEASED
    return Participant.objects.select_related("cycle", "person").get(pk=part.pk)
