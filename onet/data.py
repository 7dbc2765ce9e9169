"""The compact O*NET file and the occupation search.

The app reads only `onet/data/onet.json.gz` at run time (built by
`python manage.py build_onet_data --source ../shared/data/onet`), so a customer install
needs no O*NET download. The file is loaded once per process.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from frameworks.lexicon import singular

DATA_FILE = Path(__file__).resolve().parent / "data" / "onet.json.gz"

ATTRIBUTION = (
    "This product includes information from the O*NET 29.3 Database by the U.S. Department "
    "of Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 "
    "license. O*NET® is a trademark of USDOL/ETA."
)

LEVEL_MAX = 7.0
IMPORTANCE_MAX = 5.0
KIND_LABELS = {"skill": "Skill", "knowledge": "Knowledge"}


@dataclass(frozen=True)
class Element:
    """A skill (2.A / 2.B) or knowledge area (2.C) of the O*NET content model."""

    id: str
    name: str
    kind: str
    description: str
    anchors: tuple[tuple[int, str], ...]  # (level 0-7, what work at that level looks like)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def anchor_near(self, level: float) -> str:
        if not self.anchors:
            return ""
        return min(self.anchors, key=lambda a: (abs(a[0] - level), a[0]))[1]


@dataclass(frozen=True)
class Rating:
    element: Element
    importance: float  # 1-5
    level: float  # 0-7

    @property
    def importance_percent(self) -> int:
        return round(100 * self.importance / IMPORTANCE_MAX)

    @property
    def level_percent(self) -> int:
        return round(100 * self.level / LEVEL_MAX)

    @property
    def example(self) -> str:
        return self.element.anchor_near(self.level)


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    description: str
    titles: tuple[str, ...]
    job_zone: int | None
    tasks: tuple[str, ...]
    skills: tuple[Rating, ...]
    knowledge: tuple[Rating, ...]

    @property
    def has_ratings(self) -> bool:
        return bool(self.skills or self.knowledge)

    def top_skills(self, n: int = 5) -> tuple[Rating, ...]:
        return self.skills[:n]

    def top_knowledge(self, n: int = 3) -> tuple[Rating, ...]:
        return self.knowledge[:n]


@dataclass
class Catalogue:
    release: str
    elements: dict[str, Element]
    occupations: dict[str, Occupation]
    _index: list[tuple[Occupation, tuple[str, ...], list[tuple[str, tuple[str, ...]]]]] = field(
        default_factory=list, repr=False
    )


def _tokens(text: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("&", " and "))
    return tuple(singular(w) for w in words)


def _parse(raw: dict[str, Any]) -> Catalogue:
    elements = {
        eid: Element(
            id=eid,
            name=e["name"],
            kind=e["kind"],
            description=e["description"],
            anchors=tuple((int(v), text) for v, text in e["anchors"]),
        )
        for eid, e in raw["elements"].items()
    }
    occupations: dict[str, Occupation] = {}
    index = []
    for o in raw["occupations"]:
        occ = Occupation(
            code=o["code"],
            title=o["title"],
            description=o["description"],
            titles=tuple(o["titles"]),
            job_zone=o.get("job_zone"),
            tasks=tuple(o.get("tasks", [])),
            skills=tuple(Rating(elements[eid], im, lv) for eid, im, lv in o["skill"]),
            knowledge=tuple(Rating(elements[eid], im, lv) for eid, im, lv in o["knowledge"]),
        )
        occupations[occ.code] = occ
        index.append((occ, _tokens(occ.title), [(t, _tokens(t)) for t in occ.titles]))
    return Catalogue(
        release=raw.get("release", ""), elements=elements, occupations=occupations, _index=index
    )


@cache
def catalogue() -> Catalogue:
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        return _parse(json.load(fh))


def get_occupation(code: str) -> Occupation | None:
    return catalogue().occupations.get(code)


def get_element(element_id: str) -> Element | None:
    return catalogue().elements.get(element_id)


@dataclass(frozen=True)
class Match:
    occupation: Occupation
    matched_title: str  # the reported title that matched, when it was not the occupation title
    rank: (
        int  # 0 exact title, 1 exact reported title, 2 words in title, 3 words in a reported title
    )


def _contains(haystack: tuple[str, ...], needles: tuple[str, ...]) -> bool:
    """Every query word is a word of `haystack`; the last may be a prefix (type-ahead)."""
    words = set(haystack)
    for i, needle in enumerate(needles):
        if needle in words:
            continue
        last = i == len(needles) - 1
        if last and len(needle) >= 3 and any(w.startswith(needle) for w in haystack):
            continue
        return False
    return True


def search(query: str, *, limit: int = 25) -> tuple[list[Match], int]:
    """Occupations whose title or reported job titles match `query`, exact title matches
    first. Returns (the first `limit` matches, how many matched in all)."""
    query = query.strip()
    q = tuple(w for word in _tokens(query) for w in ABBREVIATIONS.get(word, (word,)))
    if not q:
        return [], 0
    cat = catalogue()
    if re.fullmatch(r"\d{2}-\d{4}(\.\d{2})?", query):
        hits = [o for code, o in cat.occupations.items() if code.startswith(query)]
        return [Match(o, "", 0) for o in hits[:limit]], len(hits)
    matches: list[Match] = []
    for occ, title_tokens, reported in cat._index:
        if title_tokens == q:
            matches.append(Match(occ, "", 0))
            continue
        exact = next((t for t, toks in reported if toks == q), None)
        if exact is not None:
            matches.append(Match(occ, exact, 1))
            continue
        if _contains(title_tokens, q):
            matches.append(Match(occ, "", 2))
            continue
        partial = [t for t, toks in reported if _contains(toks, q)]
        if partial:
            matches.append(Match(occ, min(partial, key=len), 3))
    if not matches and len(q) > 1:
        matches = _closest(cat, q)
    matches.sort(
        key=lambda m: (m.rank, len(m.matched_title or m.occupation.title), m.occupation.title)
    )
    return matches[:limit], len(matches)


# Short forms people type that O*NET spells out.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ux": ("user", "experience"),
    "ui": ("user", "interface"),
    "hr": ("human", "resource"),
    "qa": ("quality", "assurance"),
    "it": ("information", "technology"),
}


def _closest(cat: Any, q: tuple[str, ...]) -> list[Match]:
    """When no occupation matches every word ("UX Designer"), those that match the most
    words of the query, best first (rank 4 and up: fewer words matched, lower)."""
    found: list[Match] = []
    for occ, title_tokens, reported in cat._index:
        candidates = [("", title_tokens)] + [(t, toks) for t, toks in reported]
        best_title, best = "", 0
        for title, toks in candidates:
            hits = len(set(q) & set(toks))
            if hits > best or (hits == best and hits and len(title) < len(best_title)):
                best_title, best = title, hits
        if best:
            found.append(Match(occ, best_title, 4 + len(q) - best))
    return found
