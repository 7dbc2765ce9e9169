"""The fairness statistics, pinned on hand-computed cases.

48 of 80 promoted (group A) against 21 of 50 (group B):
- rates 48/80 = 0.600 and 21/50 = 0.420; impact ratio 0.420 / 0.600 = 0.700 < 0.80: flagged;
- every expected count is ≥ 5 (B promoted: 50 × 69 / 130 = 26.5; the smallest, A not
  promoted… B not promoted 50 × 61 / 130 = 23.5), so the pooled z-test applies:
  p̂ = 69/130 = 0.5308, SE = sqrt(p̂(1−p̂)(1/80 + 1/50)) = 0.0900, z = 0.18/0.0900 = 2.00,
  p = 0.0454;
- Fisher's exact test on the same table gives p ≈ 0.05 (0.0495).
A group of 4 is suppressed, and so is the smallest other group of its attribute (its
complement)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from fairness.analysis import (
    FISHER,
    Z_TEST,
    Observation,
    analyse,
    compare,
    expected_counts,
    fisher,
)


def obs(attribute: str, group: str, n: int, promoted: int) -> list[Observation]:
    return [Observation(attribute, group, i < promoted) for i in range(n)]


def groups_of(attribute: str, *rows: tuple[str, int, int]) -> dict[str, Any]:
    """The analysed groups of one attribute, by name, from (group, n, promoted) rows."""
    result = analyse([o for group, n, promoted in rows for o in obs(attribute, group, n, promoted)])
    return {g.group: g for g in result.attributes[0].groups}


def test_the_hand_computed_case():
    result = analyse(obs("Gender", "A", 80, 48) + obs("Gender", "B", 50, 21))
    a, b = result.attributes[0].groups
    assert (a.group, a.n, a.promoted, a.rate) == ("A", 80, 48, Decimal("0.600"))
    assert (b.group, b.n, b.promoted, b.rate) == ("B", 50, 21, Decimal("0.420"))
    assert a.reference and a.impact_ratio == Decimal("1.000") and not a.flag
    assert b.impact_ratio == Decimal("0.700") and b.flag
    assert b.test == Z_TEST
    assert b.comparison is not None
    assert b.comparison.statistic == pytest.approx(2.00, abs=0.005)
    assert b.p_value == pytest.approx(0.0454, abs=0.0001)
    # Fisher's exact test on the same table
    exact = fisher(21, 50, 48, 80)
    assert exact.test == FISHER
    assert exact.p_value == pytest.approx(0.05, abs=0.001)
    assert result.as_json()["groups"][1] == {
        "attribute": "Gender",
        "group": "B",
        "n": 50,
        "promoted": 21,
        "rate": 0.42,
        "impact_ratio": 0.7,
        "test": "two_proportion_z",
        "p_value": 0.0454,
        "flag": True,
        "suppressed": False,
    }


def test_expected_counts_choose_the_test():
    assert min(expected_counts(21, 50, 48, 80)) == pytest.approx(50 * 61 / 130)
    # 2 of 10 against 9 of 10: the expected promoted count of each is 5.5, not promoted 4.5
    small = compare(2, 10, 9, 10)
    assert small.test == FISHER
    assert small.p_value == pytest.approx(0.00547, abs=0.0001)
    assert compare(21, 50, 48, 80).test == Z_TEST


def test_a_group_of_four_is_suppressed_with_its_complement():
    groups = groups_of(
        "Age band", ("Under 30", 40, 20), ("30 to 49", 30, 15), ("50 and over", 4, 1)
    )
    small, complement, shown = groups["50 and over"], groups["30 to 49"], groups["Under 30"]
    assert small.suppressed == "small"
    assert complement.suppressed == "complementary"  # else 4 = total − the others
    assert not shown.suppressed
    for g in (small, complement):
        row = g.as_json()
        assert row["suppressed"] is True
        assert row["rate"] is None and row["impact_ratio"] is None and row["p_value"] is None
        assert row["n"] is None and row["promoted"] is None and row["flag"] is False
    assert shown.reference


def test_a_complement_is_taken_from_groups_that_are_not_compared_first():
    groups = groups_of(
        "Gender",
        ("Women", 40, 20),
        ("Men", 30, 15),
        ("Non-binary", 3, 1),
        ("Prefer not to say", 9, 4),
    )
    assert groups["Non-binary"].suppressed == "small"
    assert groups["Prefer not to say"].suppressed == "complementary"
    assert not groups["Men"].suppressed and not groups["Women"].suppressed


def test_two_small_groups_need_no_complement():
    groups = groups_of("Team", ("A", 30, 10), ("B", 30, 12), ("C", 3, 1), ("D", 2, 0))
    hidden = {name for name, g in groups.items() if g.suppressed}
    assert hidden == {"C", "D"}


def test_prefer_not_to_say_and_not_answered_are_shown_but_not_compared():
    groups = groups_of(
        "Gender", ("A", 20, 10), ("Prefer not to say", 10, 1), ("Not answered", 10, 9)
    )
    assert groups["A"].reference  # "Not answered" has a higher rate but is no group
    for name in ("Prefer not to say", "Not answered"):
        g = groups[name]
        assert g.rate is not None and g.impact_ratio is None and not g.flag and g.test is None


def test_the_ratio_is_never_rounded_across_the_line():
    # 0.5597 / 0.7 = 0.79957…: flagged, so it shows 0.799, not 0.800
    result = analyse(obs("G", "A", 10000, 7000) + obs("G", "B", 10000, 5597))
    b = next(g for g in result.attributes[0].groups if g.group == "B")
    assert b.flag and b.impact_ratio == Decimal("0.799")


def test_nobody_promoted_means_no_ratio():
    result = analyse(obs("G", "A", 10, 0) + obs("G", "B", 10, 0))
    assert all(g.impact_ratio is None and not g.flag for g in result.attributes[0].groups)


def test_json_is_one_object_with_the_contract_fields():
    result = analyse(obs("Gender", "A", 80, 48) + obs("Gender", "B", 50, 21))
    text = json.dumps(result.as_json())
    rows = json.loads(text)["groups"]
    assert [set(r) for r in rows] == [
        {
            "attribute",
            "group",
            "n",
            "promoted",
            "rate",
            "impact_ratio",
            "test",
            "p_value",
            "flag",
            "suppressed",
        }
    ] * 2
