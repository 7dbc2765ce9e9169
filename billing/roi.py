"""The ROI calculator's arithmetic: plain functions, pinned by tests on hand-worked cases.

Every figure comes from the visitor's own numbers and the assumptions listed in
`ASSUMPTIONS`, which the page prints with their sources. Replacement cost is a range
(50–200% of salary), never one invented figure."""

from __future__ import annotations

from dataclasses import dataclass

REPLACEMENT_LOW = 0.5  # × salary, per leaver
REPLACEMENT_HIGH = 2.0
WORKING_HOURS_PER_YEAR = 1760  # 44 weeks × 40 hours, to turn a salary into an hourly cost

ASSUMPTIONS = [
    (
        "Replacing one person costs between half and twice their yearly salary.",
        "SHRM (Society for Human Resource Management) and Gallup publish replacement-cost "
        "estimates in this range; where in it you fall depends on the role's seniority.",
    ),
    (
        "A manager's hour costs their salary divided by 1,760 working hours a year "
        "(44 weeks of 40 hours), unless you enter an hourly cost.",
        "Our simplification; it leaves out benefits and overheads, so it understates the cost.",
    ),
    (
        "The share of leavers who go for lack of a visible path, the share of them a ladder "
        "keeps and the paperwork time it saves are your estimates.",
        "Exit surveys (e.g. the Work Institute's yearly Retention Report, LinkedIn's Workplace "
        "Learning Report) rank career development among the most-cited reasons for leaving; "
        "your own exit interviews are the best source. The defaults are examples, not "
        "measurements.",
    ),
]


@dataclass(frozen=True)
class Inputs:
    headcount: int
    salary: float
    turnover_pct: float  # of headcount, per year
    path_share_pct: float  # of leavers, who leave for lack of a visible path
    kept_pct: float  # of those, whom a visible ladder keeps
    paperwork_hours: float  # managers' hours a year on promotion and review paperwork, all together
    paperwork_saved_pct: float  # of those hours, that a written ladder saves
    hourly_cost: float | None  # a manager's hour; None derives it from the salary
    price_per_year: float  # the product's flat price


@dataclass(frozen=True)
class Result:
    leavers: float
    path_leavers: float
    kept: float
    hourly_cost: float
    paperwork_cost: float
    status_quo_low: float
    status_quo_high: float
    recovered_low: float
    recovered_high: float
    price_per_year: float
    salary: float

    @property
    def net_low(self) -> float:
        return self.recovered_low - self.price_per_year

    @property
    def net_high(self) -> float:
        return self.recovered_high - self.price_per_year

    @property
    def break_even_people(self) -> float:
        """How many people a ladder must keep a year to pay for itself, at the low
        replacement cost (the cautious end)."""
        per_person = self.salary * REPLACEMENT_LOW
        return self.price_per_year / per_person if per_person else 0.0


def calculate(i: Inputs) -> Result:
    leavers = i.headcount * i.turnover_pct / 100
    path_leavers = leavers * i.path_share_pct / 100
    kept = path_leavers * i.kept_pct / 100
    hourly = i.hourly_cost if i.hourly_cost is not None else i.salary / WORKING_HOURS_PER_YEAR
    paperwork = i.paperwork_hours * hourly
    saved_paperwork = paperwork * i.paperwork_saved_pct / 100
    return Result(
        leavers=leavers,
        path_leavers=path_leavers,
        kept=kept,
        hourly_cost=hourly,
        paperwork_cost=paperwork,
        status_quo_low=path_leavers * i.salary * REPLACEMENT_LOW + paperwork,
        status_quo_high=path_leavers * i.salary * REPLACEMENT_HIGH + paperwork,
        recovered_low=kept * i.salary * REPLACEMENT_LOW + saved_paperwork,
        recovered_high=kept * i.salary * REPLACEMENT_HIGH + saved_paperwork,
        price_per_year=i.price_per_year,
        salary=i.salary,
    )
