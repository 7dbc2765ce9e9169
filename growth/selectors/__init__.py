"""Read helpers for growth, shared by the pages, the PDF, the API and promotions. Each is
constant in queries whatever the number of people, cycles or items."""

from growth.selectors.heatmap import (
    BANDS,
    GROUPINGS,
    BigGap,
    Heatmap,
    HeatRow,
    gap_band,
    heatmap,
    released_cycles,
)
from growth.selectors.plan import (
    CompetencyChoice,
    CompetencyItems,
    Plan,
    item_history,
    items_by_competency,
    plan_for,
    targets_for,
)
from growth.selectors.report import (
    RELEASED,
    CompetencyGap,
    CompetencyTrend,
    GapReport,
    Operating,
    Suggestion,
    gap_report,
    released_participations,
)
from growth.selectors.rules import Readiness, ReadinessRule, StatementCheck, rule_for

__all__ = [
    "BANDS",
    "GROUPINGS",
    "RELEASED",
    "BigGap",
    "CompetencyChoice",
    "CompetencyGap",
    "CompetencyItems",
    "CompetencyTrend",
    "GapReport",
    "HeatRow",
    "Heatmap",
    "Operating",
    "Plan",
    "Readiness",
    "ReadinessRule",
    "StatementCheck",
    "Suggestion",
    "gap_band",
    "gap_report",
    "heatmap",
    "item_history",
    "items_by_competency",
    "plan_for",
    "released_cycles",
    "released_participations",
    "rule_for",
    "targets_for",
]
