"""The promotion-fairness analysis: per attribute and group, who was considered, who was
promoted, and whether a group's rate is low enough against the best-treated group to
look into.

- **Rate** = promoted / considered ("eligible": each decided promotion case, and each row
  of past decisions uploaded).
- **Impact ratio** = a group's rate / the highest rate among the groups compared in that
  attribute; under 0.80 it is **flagged for review** (the four-fifths rule of the US
  Uniform Guidelines, 29 CFR 1607.4(D)).
- **Significance** of the difference with the highest-rate group, from a maintained
  library, never hand-written: Fisher's exact test (two-sided, `scipy.stats.fisher_exact`)
  when any expected count of the 2×2 table is under 5, otherwise the pooled two-proportion
  z-test (`statsmodels` `proportions_ztest`).
- **Suppression**: a group of fewer than 5 people shows no figures; when that leaves one
  group hidden in an attribute, the smallest other group is hidden too, so the first
  cannot be worked out from the totals.
- "Prefer not to say" and "Not answered" are shown but never compared.

Results are flags for review, never findings of discrimination.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from fairness.models import PREFER_NOT

MIN_GROUP = 5
THRESHOLD = Decimal("0.80")
NOT_ANSWERED = "Not answered"
NOT_COMPARED = {PREFER_NOT.lower(), NOT_ANSWERED.lower()}
FISHER, Z_TEST = "fisher_exact", "two_proportion_z"
TEST_NAMES = {FISHER: "Fisher's exact test", Z_TEST: "Two-proportion z-test"}


@dataclass(frozen=True)
class Observation:
    """One person considered for promotion, in one group of one attribute."""

    attribute: str
    group: str
    promoted: bool
    rating: Decimal | None = None
    days_in_level: int | None = None


@dataclass(frozen=True)
class Comparison:
    test: str
    statistic: float  # z for the z-test, the odds ratio for Fisher's
    p_value: float


def expected_counts(promoted_a: int, n_a: int, promoted_b: int, n_b: int) -> list[float]:
    """The expected counts of the 2×2 table (group × promoted) if promotion did not
    depend on the group."""
    total = n_a + n_b
    yes = promoted_a + promoted_b
    no = total - yes
    return [n * col / total for n in (n_a, n_b) for col in (yes, no)]


def compare(promoted: int, n: int, ref_promoted: int, ref_n: int) -> Comparison:
    """A group against the reference (highest-rate) group: Fisher's exact test when any
    expected count is under 5, else the pooled two-proportion z-test (positive z: the
    reference group's rate is higher)."""
    if min(expected_counts(promoted, n, ref_promoted, ref_n)) < 5:
        return fisher(promoted, n, ref_promoted, ref_n)
    from statsmodels.stats.proportion import proportions_ztest

    z, p = proportions_ztest([ref_promoted, promoted], [ref_n, n])
    return Comparison(Z_TEST, float(z), float(p))


def fisher(promoted: int, n: int, ref_promoted: int, ref_n: int) -> Comparison:
    from scipy.stats import fisher_exact

    table = [[ref_promoted, ref_n - ref_promoted], [promoted, n - promoted]]
    result = fisher_exact(table, alternative="two-sided")
    odds = float(result.statistic)
    return Comparison(FISHER, odds if math.isfinite(odds) else 0.0, float(result.pvalue))


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class GroupResult:
    attribute: str
    group: str
    n: int
    promoted: int
    ratings: list[Decimal] = field(default_factory=list, repr=False)
    days: list[int] = field(default_factory=list, repr=False)
    compared: bool = True
    suppressed: str = ""  # "" | "small" | "complementary"
    reference: bool = False
    impact: Decimal | None = None  # exact
    comparison: Comparison | None = None

    @property
    def is_suppressed(self) -> bool:
        return bool(self.suppressed)

    @property
    def exact_rate(self) -> Decimal:
        return Decimal(self.promoted) / Decimal(self.n) if self.n else Decimal(0)

    @property
    def rate(self) -> Decimal | None:
        return None if self.suppressed else _round(self.exact_rate, "0.001")

    @property
    def flag(self) -> bool:
        return not self.suppressed and self.impact is not None and self.impact < THRESHOLD

    @property
    def impact_ratio(self) -> Decimal | None:
        """Three decimals, never rounded across the 0.80 line (0.7996 shows 0.799)."""
        if self.suppressed or self.impact is None:
            return None
        shown = _round(self.impact, "0.001")
        if (shown < THRESHOLD) != self.flag:
            shown = self.impact.quantize(Decimal("0.001"), rounding=ROUND_DOWN)
        return shown

    @property
    def p_value(self) -> float | None:
        if self.suppressed or self.comparison is None:
            return None
        return round(self.comparison.p_value, 4)

    @property
    def test(self) -> str | None:
        return None if self.suppressed or self.comparison is None else self.comparison.test

    @property
    def test_name(self) -> str:
        return TEST_NAMES.get(self.test or "", "")

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05

    @property
    def average_rating(self) -> Decimal | None:
        if self.suppressed or not self.ratings:
            return None
        return _round(sum(self.ratings, Decimal(0)) / len(self.ratings), "0.01")

    @property
    def years_in_level(self) -> Decimal | None:
        if self.suppressed or not self.days:
            return None
        return _round(Decimal(sum(self.days)) / len(self.days) / Decimal("365.25"), "0.1")

    def as_json(self) -> dict[str, Any]:
        hidden = bool(self.suppressed)
        return {
            "attribute": self.attribute,
            "group": self.group,
            "n": None if hidden else self.n,
            "promoted": None if hidden else self.promoted,
            "rate": None if self.rate is None else float(self.rate),
            "impact_ratio": None if self.impact_ratio is None else float(self.impact_ratio),
            "test": self.test,
            "p_value": self.p_value,
            "flag": self.flag,
            "suppressed": hidden,
        }


@dataclass
class AttributeResult:
    name: str
    groups: list[GroupResult]

    @property
    def flagged(self) -> list[GroupResult]:
        return [g for g in self.groups if g.flag]

    @property
    def reference(self) -> GroupResult | None:
        return next((g for g in self.groups if g.reference), None)


@dataclass
class Analysis:
    attributes: list[AttributeResult]
    considered: int  # decisions analysed (each appears once per attribute)

    @property
    def groups(self) -> list[GroupResult]:
        return [g for a in self.attributes for g in a.groups]

    @property
    def flagged(self) -> list[GroupResult]:
        return [g for g in self.groups if g.flag]

    def as_json(self) -> dict[str, Any]:
        return {"groups": [g.as_json() for g in self.groups]}


def _suppress(groups: list[GroupResult]) -> None:
    small = [g for g in groups if g.n < MIN_GROUP]
    for g in small:
        g.suppressed = "small"
    if len(small) == 1 and len(groups) > 1:
        # one hidden group could be worked out from the totals: hide the smallest other
        # one too (a group that is not compared first)
        others = [g for g in groups if not g.suppressed]
        min(others, key=lambda g: (g.compared, g.n, g.group)).suppressed = "complementary"


def _compare(groups: list[GroupResult]) -> None:
    candidates = [g for g in groups if g.compared and not g.suppressed]
    if not candidates:
        return
    ref = max(candidates, key=lambda g: (g.exact_rate, g.n))
    ref.reference = True
    if ref.exact_rate == 0:
        return  # nobody was promoted: no ratio to compute
    for g in candidates:
        g.impact = g.exact_rate / ref.exact_rate
        if g is not ref:
            g.comparison = compare(g.promoted, g.n, ref.promoted, ref.n)


def analyse(observations: Iterable[Observation]) -> Analysis:
    by_key: dict[tuple[str, str], GroupResult] = {}
    order: dict[str, list[GroupResult]] = defaultdict(list)
    people: dict[str, int] = defaultdict(int)
    for obs in observations:
        key = (obs.attribute.strip(), obs.group.strip())
        group = by_key.get(key)
        if group is None:
            group = by_key[key] = GroupResult(
                attribute=key[0],
                group=key[1],
                n=0,
                promoted=0,
                compared=key[1].lower() not in NOT_COMPARED,
            )
            order[key[0]].append(group)
        group.n += 1
        group.promoted += int(obs.promoted)
        people[key[0]] += 1
        if obs.rating is not None:
            group.ratings.append(obs.rating)
        if obs.days_in_level is not None:
            group.days.append(obs.days_in_level)
    attributes = []
    for name in sorted(order, key=str.lower):
        groups = sorted(order[name], key=lambda g: (not g.compared, -g.n, g.group.lower()))
        _suppress(groups)
        _compare(groups)
        attributes.append(AttributeResult(name, groups))
    return Analysis(attributes=attributes, considered=max(people.values(), default=0))
