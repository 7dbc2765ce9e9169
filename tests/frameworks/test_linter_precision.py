"""Precision and recall of the statement linter on a hand-labelled set.

tests/data/linter_labelled.jsonl holds statements written for this test across ten job
families, weak and strong, each labelled with the flags a careful HR reviewer would
raise (`labels`), optionally with evidence kinds and the same competency's statements at
the adjacent levels (`neighbours`). Label rules:
- not_behavioral: a trait, disposition, state of mind or a quality judgement ("good",
  "effectively") with nothing concrete that says what the work looks like;
- not_evidence_anchored: no artifact or output, no audience, no measurable result, and
  no evidence kind;
- not_level_specific: the same as (or only "more"/"always" away from) a neighbour;
- off_topic: nothing to do with its competency (`competency`: name, description and its
  other statements) — e.g. O*NET's example "Asks customers if they would like a cup of
  coffee" under Service Orientation in a support team's ladder.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from frameworks.linter import FLAG_LABELS, Topic, lint_statement

DATA = Path(__file__).resolve().parents[1] / "data" / "linter_labelled.jsonl"
ROWS = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
MINIMUM = 0.85


def _pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


def _predictions() -> list[tuple[set[str], set[str]]]:
    out = []
    for row in ROWS:
        comp = row.get("competency")
        topic = None
        if comp:
            topic = Topic(comp["name"], comp.get("description", ""), tuple(comp["statements"]))
        result = lint_statement(
            row["text"],
            evidence=row.get("evidence", []),
            neighbours=row.get("neighbours", []),
            topic=topic,
        )
        out.append((set(result.codes), set(row["labels"])))
    return out


def test_the_labelled_set_is_broad_enough():
    assert len(ROWS) >= 80
    families = {row["family"] for row in ROWS}
    assert len(families) >= 10
    clean = sum(1 for row in ROWS if not row["labels"])
    assert 0.3 < clean / len(ROWS) < 0.7, "weak and strong statements in similar numbers"
    for code in FLAG_LABELS:
        assert sum(1 for row in ROWS if code in row["labels"]) >= 10, code
    assert all(set(row["labels"]) <= set(FLAG_LABELS) for row in ROWS)


def test_flagged_versus_clean_precision_and_recall():
    tp = fp = fn = 0
    for got, want in _predictions():
        tp += bool(got) and bool(want)
        fp += bool(got) and not want
        fn += bool(want) and not got
    precision, recall = _pr(tp, fp, fn)
    print(
        f"\nflagged vs clean on {len(ROWS)} statements: precision {precision:.3f}, "
        f"recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"
    )
    assert precision >= MINIMUM
    assert recall >= MINIMUM


@pytest.mark.parametrize("code", list(FLAG_LABELS))
def test_per_flag_precision_and_recall(code: str):
    tp = fp = fn = 0
    for got, want in _predictions():
        tp += code in got and code in want
        fp += code in got and code not in want
        fn += code in want and code not in got
    precision, recall = _pr(tp, fp, fn)
    print(f"\n{code}: precision {precision:.3f}, recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert precision >= MINIMUM
    assert recall >= MINIMUM
