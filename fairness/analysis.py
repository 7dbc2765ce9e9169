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
  z-test (`statsmodels` `proportions_ztest`). `fairness.significance` runs them: in this
  process by default, or, for a web process, by way of its stored figures and a
  short-lived child process (`fairness.selectors.fairness_analysis`), so the libraries
  never load into a web process.
- **Suppression**: a group of fewer than 5 people shows no figures; when that leaves one
  group hidden in an attribute, the smallest other group is hidden too, so the first
  cannot be worked out from the totals.
- "Prefer not to say" and "Not answered" are shown but never compared.

Results are flags for review, never findings of discrimination.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from fairness.models import PREFER_NOT
from fairness.significance import FISHER, Z_TEST, Comparison, Counts, compare_all

# the statistics themselves, under their older names here too
from fairness.significance import compare as compare
from fairness.significance import expected_counts as expected_counts
from fairness.significance import fisher as fisher

MIN_GROUP = 5
THRESHOLD = Decimal("0.80")
NOT_ANSWERED = "Not answered"
NOT_COMPARED = {PREFER_NOT.lower(), NOT_ANSWERED.lower()}
TEST_NAMES = {FISHER: "Fisher's exact test", Z_TEST: "Two-proportion z-test"}


@dataclass(frozen=True)
class Observation:
    """One person considered for promotion, in one group of one attribute."""

    attribute: str
    group: str
    promoted: bool
    rating: Decimal | None = None
    days_in_level: int | None = None


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


Comparisons = Callable[[Collection[Counts]], Mapping[Counts, Comparison]]


def _compare(groups: list[GroupResult]) -> dict[int, Counts]:
    """Mark the reference group and the impact ratios; return the table of counts each
    other compared group is tested on (by the group's id)."""
    candidates = [g for g in groups if g.compared and not g.suppressed]
    if not candidates:
        return {}
    ref = max(candidates, key=lambda g: (g.exact_rate, g.n))
    ref.reference = True
    if ref.exact_rate == 0:
        return {}  # nobody was promoted: no ratio to compute
    tables = {}
    for g in candidates:
        g.impact = g.exact_rate / ref.exact_rate
        if g is not ref:
            tables[id(g)] = (g.promoted, g.n, ref.promoted, ref.n)
    return tables


def analyse(
    observations: Iterable[Observation], comparisons: Comparisons = compare_all
) -> Analysis:
    """`comparisons` works out the significance tests of every table of counts at once:
    in this process by default (`fairness.significance.compare_all`)."""
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
    tables: dict[int, Counts] = {}
    for name in sorted(order, key=str.lower):
        groups = sorted(order[name], key=lambda g: (not g.compared, -g.n, g.group.lower()))
        _suppress(groups)
        tables.update(_compare(groups))
        attributes.append(AttributeResult(name, groups))
    if tables:
        figures = comparisons(set(tables.values()))
        for a in attributes:
            for g in a.groups:
                if id(g) in tables:
                    g.comparison = figures[tables[id(g)]]
    return Analysis(attributes=attributes, considered=max(people.values(), default=0))
