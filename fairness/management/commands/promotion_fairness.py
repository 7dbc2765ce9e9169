"""python manage.py promotion_fairness --org SLUG [--csv FILE] [--attribute NAME]

Prints the promotion-fairness analysis of an organization (decided promotion cases with
volunteered demographic data, and the past decisions uploaded), as the analytics page
shows it. `--csv FILE` adds the rows of a past-decisions CSV to the analysis without
storing them. The last line is one JSON object:
{"groups": [{"attribute", "group", "n", "promoted", "rate", "impact_ratio", "test",
"p_value", "flag", "suppressed"}]}."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fairness.analysis import THRESHOLD, GroupResult
from fairness.pastfile import read_past_decisions
from fairness.selectors import fairness_analysis
from organizations.management.lookup import organization_or_error
from organizations.scoping import scope


def _cell(value: Any, fmt: str = "{}") -> str:
    return "—" if value is None else fmt.format(value)


def _line(g: GroupResult) -> str:
    if g.suppressed:
        why = "fewer than 5 people" if g.suppressed == "small" else "hidden so a small group "
        why += "" if g.suppressed == "small" else "cannot be worked out"
        return f"  {g.group:<28} suppressed ({why})"
    verdict = "FLAG FOR REVIEW" if g.flag else ("reference" if g.reference else "")
    if not g.compared:
        verdict = "not compared"
    return (
        f"  {g.group:<28} n={g.n:<5} promoted={g.promoted:<5} rate={_cell(g.rate):<6} "
        f"ratio={_cell(g.impact_ratio):<6} {g.test_name or '':<22} p={_cell(g.p_value):<7} "
        f"rating={_cell(g.average_rating):<5} years={_cell(g.years_in_level):<4} {verdict}"
    ).rstrip()


class Command(BaseCommand):
    help = "Print an organization's promotion-fairness analysis; the last line is JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("--csv", help="a CSV of past decisions to add (not stored)")
        parser.add_argument(
            "--attribute",
            default="Group",
            help="the attribute of CSV rows without an attribute column (default: Group)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        org = organization_or_error(options["org"])
        extra = []
        if options["csv"]:
            path = Path(options["csv"])
            if not path.is_file():
                raise CommandError(f"No file at {path}.")
            parsed = read_past_decisions(path.read_bytes(), default_attribute=options["attribute"])
            if not parsed.ok:
                raise CommandError("The CSV was not used:\n" + "\n".join(parsed.problems))
            extra = parsed.rows
        with scope(org):
            analysis, sources = fairness_analysis(extra)
        out = self.stdout.write
        out(f"Promotion fairness — {org.name}")
        out(
            f"Decisions analysed: {sources.cases} promotion case(s) decided in the product, "
            f"{sources.past} past decision(s) from CSV files."
        )
        out(
            f"Impact ratio = a group's promotion rate / the highest rate; under "
            f"{THRESHOLD:.2f} is flagged for review (four-fifths rule, 29 CFR 1607.4(D)). "
            "Fisher's exact test when an expected count is under 5, otherwise the pooled "
            "two-proportion z-test. A flag is a prompt to review, not a finding of "
            "discrimination."
        )
        for attribute in analysis.attributes:
            out("")
            out(f"{attribute.name}:")
            for g in attribute.groups:
                out(_line(g))
        if not analysis.attributes:
            out("")
            out(
                "Nothing to analyse yet: no decided cases with volunteered data, no past decisions."
            )
        out("")
        out(json.dumps(analysis.as_json()))
