"""The significance tests of the fairness analysis, from the maintained libraries, and how
a web process gets their figures without importing them.

The figures come from the libraries, never hand-written: Fisher's exact test
(`scipy.stats.fisher_exact`, two-sided) when any expected count of the 2×2 table is under
5, else the pooled two-proportion z-test (`statsmodels` `proportions_ztest`). Both are a
function of four whole numbers (the group's promoted and considered, the reference
group's promoted and considered).

Importing scipy.stats and statsmodels (which loads pandas) adds about 90 MB to a process,
which a web process never gives back. So a web process does not import them: it reads
the figures it has already worked out (`fairness.models.SignificanceResult`, keyed by the
four numbers and the libraries' versions) and has the missing ones worked out by a
short-lived child process, `python -m fairness.significance`: the four numbers in as
JSON, the library's figures out as JSON (floats written with `repr`, so exactly), then
it exits and its memory is returned. `compare()` is that child's code, and runs in any
other process that wants the figures at once (tests, scripts).

This module imports neither Django nor the libraries when it is imported.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

FISHER, Z_TEST = "fisher_exact", "two_proportion_z"
CHILD_TIMEOUT_SECONDS = 60  # importing the libraries takes 2–6 s on a busy 2-core machine
ROOT = Path(__file__).resolve().parent.parent

# (promoted, considered, reference promoted, reference considered)
Counts = tuple[int, int, int, int]


@dataclass(frozen=True)
class Comparison:
    test: str
    statistic: float  # z for the z-test, the odds ratio for Fisher's
    p_value: float


class SignificanceUnavailable(RuntimeError):
    """The child process that runs the libraries failed or took too long."""


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
    reference group's rate is higher). Imports the libraries: not in a web process."""
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


@cache
def libraries() -> str:
    """The versions whose figures these are (read from the installed packages' metadata,
    without importing them): a stored figure is used only by the same versions."""
    return f"scipy {version('scipy')}; statsmodels {version('statsmodels')}"


def compare_all(counts: Iterable[Counts]) -> dict[Counts, Comparison]:
    """Every comparison at once, in this process (imports the libraries)."""
    return {c: compare(*c) for c in counts}


def in_child(counts: Iterable[Counts]) -> dict[Counts, Comparison]:
    """Every comparison at once, worked out by a short-lived child process, so the
    libraries never load into this one."""
    wanted = sorted(set(counts))
    if not wanted:
        return {}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "fairness.significance"],
            input=json.dumps(wanted),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SignificanceUnavailable(f"The significance tests did not run: {exc}") from exc
    if done.returncode != 0:
        raise SignificanceUnavailable(
            f"The significance tests failed (exit {done.returncode}): {done.stderr[-1000:]}"
        )
    figures = json.loads(done.stdout)
    if len(figures) != len(wanted):
        raise SignificanceUnavailable("The significance tests answered for other tables.")
    return {
        c: Comparison(test, float(statistic), float(p))
        for c, (test, statistic, p) in zip(wanted, figures, strict=True)
    }


def main() -> None:
    """The child: a JSON list of [promoted, n, reference promoted, reference n] on stdin,
    a JSON list of [test, statistic, p value] in the same order on stdout."""
    counts = json.load(sys.stdin)
    out = []
    for row in counts:
        a, b, c, d = (int(v) for v in row)
        if min(a, b, c, d) < 0 or a > b or c > d or b + d == 0:
            raise SystemExit(f"not a 2×2 table of counts: {row!r}")
        result = compare(a, b, c, d)
        out.append([result.test, result.statistic, result.p_value])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
