"""The one ladder model (frameworks.ladder): order, trunk and split, one step up, and the
rules, which the editor and the importer apply alike."""

from __future__ import annotations

import pytest
from django.db import transaction

from frameworks import services
from frameworks.ladder import Ladder, validate
from frameworks.models import Level
from frameworks.schema import FamilyData, LevelData
from organizations.scoping import scope
from spreadsheets.reader import read_workbook
from spreadsheets.validator import parse_workbook
from spreadsheets.writer import build_workbook
from tests.framework_fixtures import load, small_family


def codes(levels):
    return [lv.code for lv in levels]


LADDER = Ladder(small_family().levels)


def test_order_trunk_and_tracks():
    assert codes(LADDER.ordered()) == ["PM1", "PM2", "PM3", "PM4", "GPM"]
    assert codes(LADDER.trunk) == ["PM1", "PM2", "PM3"]
    assert codes(LADDER.ic) == ["PM4"] and codes(LADDER.manager) == ["GPM"]
    assert [codes(line) for line in LADDER.lines()] == [
        ["PM1", "PM2", "PM3", "PM4"],
        ["PM1", "PM2", "PM3", "GPM"],
    ]


def test_one_step_up_is_both_tracks_at_the_split_and_nothing_at_the_top():
    by_code = {lv.code: lv for lv in LADDER.levels}
    assert codes(LADDER.next_levels(by_code["PM1"])) == ["PM2"]
    assert codes(LADDER.next_levels(by_code["PM3"])) == ["PM4", "GPM"]
    assert LADDER.next_levels(by_code["PM4"]) == []
    assert LADDER.next_levels(LevelData("XX", "Not here", 1)) == []
    assert codes(LADDER.below(by_code["GPM"])) == ["PM1", "PM2", "PM3"]


def test_levels_are_matched_by_uid_so_another_object_for_the_same_level_works():
    levels = [LevelData("A", "A", 1, uid="u1"), LevelData("B", "B", 2, uid="u2")]
    assert codes(Ladder(levels).next_levels(LevelData("renamed", "A", 1, uid="u1"))) == ["B"]


def test_validate_names_the_level_to_correct():
    ok = small_family().levels
    assert validate(ok) == []
    twice = [*ok, LevelData("PM5", "Principal PM", 4, "ic")]
    assert [(p.kind, p.level) for p in validate(twice)] == [("rank", "PM5")]
    low = [*ok, LevelData("M0", "Team lead", 2, "manager")]
    assert [(p.kind, p.level) for p in validate(low)] == [("split", "PM3")]
    assert "Rank 4 is already used by IC level PM4" in validate(twice)[0].message


@pytest.mark.django_db
def test_the_editor_refuses_two_ic_levels_at_one_rank(acme_scope, world):
    draft = load(acme_scope, small_family(), actor=world.hr)
    with pytest.raises(services.EditError) as refused:
        services.add_level(
            draft,
            code="PM5",
            title="Principal PM",
            rank=4,
            track="ic",
            actor=world.hr,
            expected_revision=draft.revision,
        )
    assert refused.value.field == "rank"
    pm4 = Level.objects.get(version=draft, code="PM4")
    with pytest.raises(services.EditError):
        services.update_level(
            draft, pm4.uid, rank=3, track="shared", actor=world.hr, expected_revision=None
        )
    assert Level.objects.filter(version=draft).count() == 5


def editor_accepts(org, actor, levels):
    """Type the levels into a blank draft one by one; False at the first refusal."""
    draft = services.create_blank_family(org, name="Generated", actor=actor)
    for lv in levels:
        try:
            services.add_level(
                draft,
                code=lv.code,
                title=lv.title,
                rank=lv.rank,
                track=lv.track,
                actor=actor,
                expected_revision=draft.revision,
            )
        except services.EditError:
            return False
        draft.refresh_from_db()
    return True


def importer_accepts(levels):
    book = build_workbook([FamilyData(name="Generated", levels=levels)], None)
    return parse_workbook(read_workbook(book)).ok


@pytest.mark.django_db
def test_the_editor_and_the_importer_accept_and_refuse_the_same_ladders(world):
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    @settings(
        max_examples=30,
        deadline=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(st.sampled_from(["shared", "ic", "manager"]), st.integers(1, 5)),
            min_size=1,
            max_size=6,
        )
    )
    def check(shape):
        levels = [
            LevelData(f"L{n}", f"Level {n}", rank, track) for n, (track, rank) in enumerate(shape)
        ]
        expected = not validate(levels)
        assert importer_accepts(levels) == expected
        with scope(world.acme), transaction.atomic():
            assert editor_accepts(world.acme, world.hr, levels) == expected
            transaction.set_rollback(True)

    check()
