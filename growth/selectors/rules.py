"""The readiness rule: when someone counts as ready for a level, stated in words.

One rule per organization (`GrowthSettings`, defaults when missing): "the manager rated
at least 80% of the next level's statements 3 or higher in this cycle". Gap reports use it
for readiness and for the operating level; promotions reuse it (never a second copy)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from growth.models import DEFAULT_PERCENT, DEFAULT_SUGGESTIONS, GrowthSettings, Rater
from organizations.models import Organization
from reviews.models import Scale
from reviews.selectors import StatementRatings


@dataclass(frozen=True)
class ReadinessRule:
    percent: int = DEFAULT_PERCENT
    rating: int = 3
    rater: str = Rater.MANAGER
    rating_label: str = ""

    def describe(self, target: str = "the next level") -> str:
        """The rule in words, e.g. "The manager rated at least 80% of the next level's
        statements 3 (Consistently shows this) or higher in this cycle."."""
        who = (
            "The manager"
            if self.rater == Rater.MANAGER
            else ("Both the manager and the person themselves")
        )
        label = f" (“{self.rating_label}”)" if self.rating_label else ""
        return (
            f"{who} rated at least {self.percent}% of {target}’s statements "
            f"{self.rating}{label} or higher in this cycle."
        )

    def passes(self, ratings: dict[str, int | None]) -> bool:
        """Does one statement count (its ratings by kind: 'manager', 'self')?"""
        kinds = ["manager"] if self.rater == Rater.MANAGER else ["manager", "self"]
        for kind in kinds:
            value = ratings.get(kind)
            if value is None or value < self.rating:
                return False
        return True

    def check(
        self,
        statements: Iterable[StatementRatings],
        *,
        level_uid: str,
        level_code: str,
        level_title: str,
    ) -> Readiness:
        """Apply the rule to the statements of one level (the caller picks them: the
        next level's own statements, or everything rated at the person's level)."""
        checks = [
            StatementCheck(
                uid=s.uid,
                competency_uid=s.competency_uid,
                competency_name=s.competency_name,
                text=s.text,
                ratings=dict(s.ratings),
                passed=self.passes(s.ratings),
            )
            for s in statements
        ]
        return Readiness(
            level_uid=level_uid,
            level_code=level_code,
            level_title=level_title,
            rule=self,
            statements=checks,
        )


@dataclass
class StatementCheck:
    uid: str
    competency_uid: str
    competency_name: str
    text: str
    ratings: dict[str, int | None]
    passed: bool

    @property
    def manager(self) -> int | None:
        return self.ratings.get("manager")

    @property
    def self_rating(self) -> int | None:
        return self.ratings.get("self")


@dataclass
class Readiness:
    """The rule applied to one level: the figure, and what is missing."""

    level_uid: str
    level_code: str
    level_title: str
    rule: ReadinessRule
    statements: list[StatementCheck] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.statements)

    @property
    def met(self) -> int:
        return sum(1 for s in self.statements if s.passed)

    @property
    def assessed(self) -> bool:
        """False when the cycle did not rate this level's statements."""
        return any(v is not None for s in self.statements for v in s.ratings.values())

    @property
    def exact_percent(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return Decimal(100 * self.met) / Decimal(self.total)

    @property
    def ready(self) -> bool:
        # compared exactly (no rounding): 79.5% is not 80%
        return self.assessed and self.met * 100 >= self.rule.percent * self.total

    @property
    def percent_label(self) -> str:
        """Rounded to a whole percent, unless rounding would cross the rule's line."""
        exact = self.exact_percent
        whole = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if (whole >= self.rule.percent) != self.ready:
            shown = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if (shown >= self.rule.percent) != self.ready:
                shown = exact.quantize(Decimal("0.1"), rounding="ROUND_DOWN")
            return f"{shown}%"
        return f"{whole}%"

    @property
    def figure(self) -> str:
        """ "17 of 20 statements, 85%" — or why there is no figure."""
        if not self.total:
            return "No statements to rate at this level"
        if not self.assessed:
            return "Not rated in this cycle"
        noun = "statement" if self.total == 1 else "statements"
        return f"{self.met} of {self.total} {noun}, {self.percent_label}"

    @property
    def missing(self) -> list[StatementCheck]:
        return [s for s in self.statements if not s.passed]

    @property
    def words(self) -> str:
        return self.rule.describe(f"{self.level_code} {self.level_title}".strip())


def settings_row(org: Organization) -> GrowthSettings | None:
    return GrowthSettings.objects.filter(organization=org).first()


def rule_for(
    org: Organization, scale: Scale | None = None, *, row: GrowthSettings | None = None
) -> ReadinessRule:
    """The organization's readiness rule (one query, none when `row` is given), worded
    with `scale` (a cycle's scale; the default scale otherwise)."""
    scale = scale or Scale(None)
    row = row if row is not None else settings_row(org)
    rating = (row.readiness_rating if row else None) or scale.meets
    return ReadinessRule(
        percent=row.readiness_percent if row else DEFAULT_PERCENT,
        rating=rating,
        rater=row.readiness_rater if row else Rater.MANAGER,
        rating_label=scale.label(rating),
    )


def suggestion_count(row: GrowthSettings | None) -> int:
    return row.suggestions if row else DEFAULT_SUGGESTIONS
