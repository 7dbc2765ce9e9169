"""The statement linter: does a statement describe behaviour someone could observe, at
this level and not the next?

`lint_statement(text, evidence=..., neighbours=...)` returns a score (0–100) and the
flags it raised, each with why and how to fix it:

- `not_behavioral` — the statement names a trait or a quality ("is proactive", "has
  excellent judgement", "makes good decisions") rather than something the person does.
- `not_level_specific` — it is (almost) the same as the same competency's statement at
  the adjacent level, so it cannot tell the two levels apart.
- `not_evidence_anchored` — nothing in it can be observed: no artifact or output, no
  audience, no measurable result, and no evidence kind is tagged.
- `off_topic` — it has nothing to do with its competency: none of its words (by their
  first five letters, so "prioritizes" meets "prioritization") is in the competency's
  name or description, or in a statement of the competency that is itself linked to
  them (followed link by link), and it shares fewer than two words with any one of the
  competency's statements. "Asks customers if they would like a cup of coffee" under
  Service Orientation ("Actively looking for ways to help people") is flagged.

The rules are deliberately general: small lexicons of trait words and vague qualifiers,
and of artifacts, audiences and measures; a word-sequence and word-set similarity for
neighbours. `lint_family_data()` / `lint_version()` lint a whole ladder, comparing each
statement with the same competency at adjacent levels of its track line.

The linter is a package: `statements` checks one statement, `ladders` every statement of
a ladder. Import from `frameworks.linter`, which re-exports both (and the lexicon's
`STOPWORDS`).
"""

from frameworks.linter.ladders import (
    FamilyLint,
    StatementLint,
    adjacent_levels,
    flag_matrix,
    lint_family_data,
    lint_version,
    neighbours_for_lines,
    neighbours_in_version,
    topic_in_version,
    track_lines,
)
from frameworks.linter.statements import (
    ALL_HELP,
    ALL_LABELS,
    COMMON_WORDS,
    DRAFT_HELP,
    DRAFT_LABELS,
    FLAG_HELP,
    FLAG_LABELS,
    NOT_BEHAVIORAL,
    NOT_EVIDENCE_ANCHORED,
    NOT_LEVEL_SPECIFIC,
    OFF_TOPIC,
    PENALTIES,
    PREDICATE_LEADS,
    SIMILARITY_THRESHOLD,
    STOPWORDS,
    UNREVIEWED_DRAFT,
    Flag,
    LintResult,
    Neighbour,
    Topic,
    draft_flag,
    lint_statement,
    off_topic,
    similarity,
    with_flag,
)

__all__ = [
    "ALL_HELP",
    "ALL_LABELS",
    "COMMON_WORDS",
    "DRAFT_HELP",
    "DRAFT_LABELS",
    "FLAG_HELP",
    "FLAG_LABELS",
    "NOT_BEHAVIORAL",
    "NOT_EVIDENCE_ANCHORED",
    "NOT_LEVEL_SPECIFIC",
    "OFF_TOPIC",
    "PENALTIES",
    "PREDICATE_LEADS",
    "SIMILARITY_THRESHOLD",
    "STOPWORDS",
    "UNREVIEWED_DRAFT",
    "FamilyLint",
    "Flag",
    "LintResult",
    "Neighbour",
    "StatementLint",
    "Topic",
    "adjacent_levels",
    "draft_flag",
    "flag_matrix",
    "lint_family_data",
    "lint_statement",
    "lint_version",
    "neighbours_for_lines",
    "neighbours_in_version",
    "off_topic",
    "similarity",
    "topic_in_version",
    "track_lines",
    "with_flag",
]
