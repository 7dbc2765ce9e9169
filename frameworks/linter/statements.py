"""The statement linter's checks of one statement: the flags, what each means and costs,
and `lint_statement` (see the package's docstring)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING, Any

from frameworks.lexicon import (
    ACTION_VERBS,
    ARTIFACTS,
    AUDIENCES,
    DEGREE_WORDS,
    EVIDENCE_KINDS,
    MEASURES,
    MENTAL_VERBS,
    PERSON_NOUNS,
    QUALITY_NOUNS,
    STOPWORDS,
    TRAIT_WORDS,
    VAGUE_ADJECTIVES,
    VAGUE_ADVERBS,
    VAGUE_VERBS,
)
from frameworks.lexicon import (
    NUMBER as _NUMBER,
)
from frameworks.lexicon import (
    lexicon as _lexicon,
)
from frameworks.lexicon import (
    singular as _singular,
)
from frameworks.lexicon import (
    within as _in,
)
from frameworks.lexicon import (
    words as _words,
)

if TYPE_CHECKING:
    pass

NOT_BEHAVIORAL = "not_behavioral"
NOT_LEVEL_SPECIFIC = "not_level_specific"
NOT_EVIDENCE_ANCHORED = "not_evidence_anchored"
OFF_TOPIC = "off_topic"

FLAG_LABELS = {
    NOT_BEHAVIORAL: "Describes a trait, not behaviour",
    NOT_LEVEL_SPECIFIC: "Same as the next level",
    NOT_EVIDENCE_ANCHORED: "Nothing to observe",
    OFF_TOPIC: "Unrelated to the competency",
}
FLAG_HELP = {
    NOT_BEHAVIORAL: "These name a trait or a quality judgement instead of something the person "
    "does, so two managers can rate the same work differently.",
    NOT_LEVEL_SPECIFIC: "These read (almost) the same as the same competency at the next level "
    "up or down, so nobody can tell what changes with a promotion.",
    NOT_EVIDENCE_ANCHORED: "Nothing in these can be seen or checked in a review: no document or "
    "output, no audience, no measure, and no evidence kind is tagged.",
    OFF_TOPIC: "These have nothing to do with the competency they sit under: none of their "
    "words appear in its name, its description or its other statements. Drafts taken from "
    "another occupation's examples often read like this.",
}
# Not a judgement of the wording: a statement a machine drafted (from O*NET) stays
# flagged until a person edits it or accepts it as written.
UNREVIEWED_DRAFT = "unreviewed_draft"
DRAFT_LABELS = {UNREVIEWED_DRAFT: "Draft to rewrite"}
DRAFT_HELP = {
    UNREVIEWED_DRAFT: "These were drafted from O*NET's examples for a similar occupation. "
    "Rewrite each in your company's own words, or accept it as written.",
}
ALL_LABELS = {**FLAG_LABELS, **DRAFT_LABELS}
ALL_HELP = {**FLAG_HELP, **DRAFT_HELP}


def draft_flag(note: str) -> Flag:
    return Flag(
        UNREVIEWED_DRAFT,
        f"{note} Nobody has reviewed it yet.",
        "Rewrite it to describe the work in your company's words, or choose Accept to keep "
        "it as written.",
    )


# how much each flag takes off the score of 100
PENALTIES = {
    NOT_BEHAVIORAL: 40,
    NOT_EVIDENCE_ANCHORED: 35,
    NOT_LEVEL_SPECIFIC: 30,
    OFF_TOPIC: 50,
    UNREVIEWED_DRAFT: 20,
}

# Two statements whose word sequence or word set is at least this similar (0–1), once
# words that only say "more" or "how often" are set aside, do not tell levels apart.
SIMILARITY_THRESHOLD = 0.8


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    suggestion: str

    @property
    def label(self) -> str:
        return ALL_LABELS.get(self.code, self.code)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "suggestion": self.suggestion}


@dataclass
class LintResult:
    text: str
    score: int
    flags: list[Flag] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.flags]

    @property
    def ok(self) -> bool:
        return not self.flags

    def as_dict(self) -> dict[str, Any]:
        return {
            "statement": self.text,
            "score": self.score,
            "flags": [f.as_dict() for f in self.flags],
        }


@dataclass(frozen=True)
class Topic:
    """What a statement should be about: its competency's name and description and the
    competency's other statements (at any level)."""

    name: str
    description: str = ""
    statements: tuple[str, ...] = ()

    @cached_property
    def statement_words(self) -> tuple[tuple[str, frozenset[str]], ...]:
        """Each statement (stripped) with its topic words, worked out once for all the
        competency's statements `off_topic` checks (a row of the editor: dozens)."""
        return tuple((t.strip(), frozenset(_topic_words(t))) for t in self.statements if t.strip())

    @cached_property
    def own_words(self) -> frozenset[str]:
        """The topic words of the competency's name and description."""
        return frozenset(_topic_words(f"{self.name} {self.description}"))


@dataclass(frozen=True)
class Neighbour:
    """A statement of the same competency at an adjacent level."""

    text: str
    level: str = ""


# --- the checks -------------------------------------------------------------------------------


def _observables(words: list[str], text: str) -> list[str]:
    """What in the statement could be seen or counted: artifacts, audiences, measures."""
    found = [w for w in words if _in(w, ARTIFACTS) or _in(w, AUDIENCES) or _in(w, MEASURES)]
    if _NUMBER.search(text):
        found.append("a number")
    return found


PREDICATE_LEADS = _lexicon("and also who often always consistently generally usually truly really")


def _trait_phrase(words: list[str]) -> str:
    """The phrase that makes this a trait statement, or ''."""
    n = len(words)
    for i, w in enumerate(words):
        # only as the statement's own verb: "Is proactive", "… and has strong judgement",
        # not "so every area has clear ownership"
        if i > 0 and words[i - 1] not in PREDICATE_LEADS:
            continue
        window = words[i + 1 : i + 5]
        # "is proactive", "is a strong communicator", "is very detail-oriented"
        if w in {"is", "are", "be", "being", "remains", "stays", "seems", "appears", "am"}:
            if window[:1] in (["a"], ["an"]):
                # "is a natural closer", "is a strong team player"
                for j, nxt in enumerate(window[1:4]):
                    if nxt in PERSON_NOUNS:
                        return " ".join(words[i : i + j + 3])
            for j, nxt in enumerate(window):
                if nxt in TRAIT_WORDS or nxt in PERSON_NOUNS:
                    return " ".join(words[i : i + j + 2])
                if nxt in {
                    "a",
                    "an",
                    "the",
                    "very",
                    "really",
                    "highly",
                    "extremely",
                    "always",
                    "consistently",
                    "truly",
                    "seen",
                    "known",
                    "considered",
                    "go-to",
                }:
                    continue
                if nxt in VAGUE_ADJECTIVES or nxt.endswith("ly"):
                    continue
                break
        # "has excellent judgement", "shows initiative", "demonstrates strong leadership"
        if w in {
            "has",
            "have",
            "possesses",
            "shows",
            "displays",
            "exhibits",
            "demonstrates",
            "embodies",
        }:
            for j, nxt in enumerate(window):
                # "demonstrates the prototype" names an artifact and does not stop here
                if _in(nxt, QUALITY_NOUNS) or nxt in TRAIT_WORDS:
                    return " ".join(words[i : i + j + 2])
                # up to three describing words may come first ("has deep technical
                # knowledge"); "the" points at a particular thing ("has the plan approved")
                if nxt == "the" or _in(nxt, ARTIFACTS) or _in(nxt, AUDIENCES):
                    break
    # starts with a trait: "Proactive in ...", "Strong communicator", "Detail-oriented"
    if n and (words[0] in TRAIT_WORDS or words[0] in VAGUE_ADJECTIVES):
        return words[0]
    return ""


def _mental_only(words: list[str]) -> str:
    """A statement led by a verb of mind ("understands", "knows", "cares about") with no
    action that shows it. Returns the verb, or ''."""
    words = list(words)
    while words and words[0].endswith("ly") and words[0] not in MENTAL_VERBS:
        words = words[1:]  # "deeply understands"
    if not words:
        return ""
    first = words[0]
    if (
        first in {"is", "are"}
        and len(words) > 1
        and words[1] in {"aware", "familiar", "comfortable", "able"}
    ):
        first = f"{first} {words[1]}"
    elif first not in MENTAL_VERBS - {
        "is",
        "are",
        "be",
        "being",
        "has",
        "have",
        "shows",
        "demonstrates",
        "displays",
        "exhibits",
    }:
        return ""
    if any(w in ACTION_VERBS for w in words[1:]):
        return ""
    return first


def _vague_qualifier(words: list[str]) -> str:
    if words and words[0] in VAGUE_VERBS:
        return words[0]
    for w in words:
        if w in VAGUE_ADJECTIVES or w in VAGUE_ADVERBS:
            return w
    return ""


def _original(text: str, phrase: str) -> str:
    """`phrase` (lower-cased words) as it was written in `text`."""
    pattern = r"\W+".join(re.escape(w) for w in phrase.split())
    found = re.search(pattern, text, flags=re.IGNORECASE)
    return found.group(0) if found else phrase


def _comparable(text: str) -> list[str]:
    return [w for w in _words(text) if w not in STOPWORDS and w not in DEGREE_WORDS]


def similarity(a: str, b: str) -> float:
    """0–1: the larger of the word-sequence ratio and the word-set overlap, after
    dropping filler and words that only express degree or frequency."""
    wa, wb = _comparable(a), _comparable(b)
    if not wa and not wb:
        return 1.0 if a.strip().casefold() == b.strip().casefold() else 0.0
    if not wa or not wb:
        return 0.0
    seq = SequenceMatcher(None, wa, wb, autojunk=False).ratio()
    sa, sb = set(map(_singular, wa)), set(map(_singular, wb))
    jaccard = len(sa & sb) / len(sa | sb)
    return max(seq, jaccard)


# Words so common in any ladder that sharing them says nothing about the topic.
COMMON_WORDS = _lexicon(
    """
    work works working team teams people person level levels each every own other others
    new one two not no without before after about across within through over under up out
    into what how why who whose which make makes made take takes get gets set sets does do
    doing done use uses using keep keeps way ways thing things time times part parts help
    helps sure kind right first next last same whole
    """
)


_SUFFIXES = ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "s")


def _stem(word: str) -> str:
    """A light stem: "ranks", "ranked", "ranking" → "rank"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


def _topic_words(text: str) -> set[str]:
    """The words that carry a text's topic, stemmed and cut to their first five letters
    (a crude stem that lets "prioritizes" meet "prioritization", "ranks" meet
    "ranking")."""
    return {
        _stem(w)[:5]
        for w in _words(text)
        if len(w) > 2
        and not w.isdigit()
        and w not in STOPWORDS
        and w not in DEGREE_WORDS
        and w not in COMMON_WORDS
    }


def off_topic(text: str, topic: Topic) -> bool:
    """Whether `text` has nothing to do with `topic` (see the module docstring)."""
    words = _topic_words(text)
    if not words:
        return False
    own = text.strip()
    others = [other for t, other in topic.statement_words if t != own]
    if any(len(words & other) >= 2 for other in others):
        return False
    linked = set(topic.own_words)
    left = [other for other in others if other]
    while True:
        if words & linked:
            return False
        reached = [other for other in left if other & linked]
        if not reached:
            return True
        for other in reached:
            linked |= other
            left.remove(other)


def with_flag(result: LintResult, flag: Flag) -> LintResult:
    flags = [flag, *result.flags]
    score = max(0, 100 - sum(PENALTIES.get(f.code, 0) for f in flags))
    return LintResult(text=result.text, score=score, flags=flags)


def _as_neighbour(item: str | Neighbour) -> Neighbour:
    return item if isinstance(item, Neighbour) else Neighbour(text=str(item))


def lint_statement(
    text: str,
    *,
    evidence: Iterable[str] = (),
    neighbours: Iterable[str | Neighbour] = (),
    topic: Topic | None = None,
) -> LintResult:
    """Lint one statement. `neighbours`: the same competency's statements at the adjacent
    levels (strings or `Neighbour`s with the level's name); `topic`: its competency, to
    check the statement is about it."""
    text = " ".join(text.split())
    words = _words(text)
    evidence = [e for e in evidence if e in EVIDENCE_KINDS]
    flags: list[Flag] = []

    trait = _trait_phrase(words)
    # words of the trait itself ("a team player") are not something to observe
    rest = words
    if trait:
        at = " ".join(words).find(trait)
        before = " ".join(words)[:at].split()
        rest = before + words[len(before) + len(trait.split()) :]
    # the first word is the verb ("Leads", "Builds", "Reports"), not an artifact
    observed = _observables(rest[1:] if rest is words else rest, text)
    mental = "" if trait else _mental_only(words)
    # A vague judgement ("good", "effectively") is let off only when the statement also
    # says concretely what the work is: two or more observable things, or one in a
    # statement long enough to describe the work.
    concrete = len(set(observed)) >= 2 or (len(words) >= 14 and observed)
    vague = "" if (trait or mental or concrete) else _vague_qualifier(words)
    if trait:
        flags.append(
            Flag(
                NOT_BEHAVIORAL,
                f"“{_original(text, trait)}” describes what someone is like, not what they "
                "do. Two managers can read it differently, and nobody can point to it in a review.",
                "Start with a verb for something the person does, and say what comes out "
                "of it: “Writes a one-page brief for each project that the team approves "
                "before work starts” instead of “Is organised”.",
            )
        )
    elif mental:
        flags.append(
            Flag(
                NOT_BEHAVIORAL,
                f"“{_original(text, mental)}” describes what happens in someone's head, "
                "which nobody can see.",
                "Say what the person does that shows it: “Explains the pricing model to new "
                "account managers in their first week” instead of “Understands pricing”.",
            )
        )
    elif vague:
        flags.append(
            Flag(
                NOT_BEHAVIORAL,
                f"“{_original(text, vague)}” judges the work without saying what it looks "
                "like, so people at this level cannot tell whether they meet it.",
                "Replace the judgement with what the person does and what comes out of it: "
                "“Ranks the backlog each sprint and writes down why the top three items "
                "come first” instead of “Makes good prioritization decisions”.",
            )
        )

    if not observed and not evidence:
        flags.append(
            Flag(
                NOT_EVIDENCE_ANCHORED,
                "Nothing in this statement can be seen or checked: no document or other "
                "output, no audience, no measurable result, and no kind of evidence is "
                "tagged.",
                "Name what someone could look at in a review — an artifact (a spec, a "
                "forecast, a post-mortem), who it is for (customers, the leadership team) "
                "or a measure (within two days, every quarter) — and tag the kind of "
                "evidence.",
            )
        )

    for item in neighbours:
        nb = _as_neighbour(item)
        if not nb.text.strip():
            continue
        sim = similarity(text, nb.text)
        if sim >= SIMILARITY_THRESHOLD:
            where = f"at {nb.level}" if nb.level else "at the adjacent level"
            identical = sim >= 0.999 and text.casefold() == " ".join(nb.text.split()).casefold()
            flags.append(
                Flag(
                    NOT_LEVEL_SPECIFIC,
                    (
                        f"This is the same as the statement {where}"
                        if identical
                        else f"This differs from the statement {where} only by words like "
                        "“always” or “more”"
                        if sim >= 0.999
                        else f"This reads almost the same as the statement {where} "
                        f"({round(sim * 100)}% alike)"
                    )
                    + f": “{nb.text.strip()}”. Nobody could tell the two levels apart.",
                    "Say what changes at this level: the scope (a feature, a product area, "
                    "the company), how independently the work is done, or who it influences "
                    "— not just “more” or “always”.",
                )
            )
            break

    # a trait ("Is organized") gets the trait advice, not this one as well
    if (
        topic is not None
        and NOT_BEHAVIORAL not in [f.code for f in flags]
        and off_topic(text, topic)
    ):
        flags.append(
            Flag(
                OFF_TOPIC,
                f"Nothing in this statement is about {topic.name}: none of its words appear "
                "in the competency's name, description or other statements.",
                f"Describe work that shows {topic.name} in your team, at this level — or move "
                "the statement to the competency it belongs to, or remove it.",
            )
        )

    score = max(0, 100 - sum(PENALTIES.get(f.code, 0) for f in flags))
    return LintResult(text=text, score=score, flags=flags)
