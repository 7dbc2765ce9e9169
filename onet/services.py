"""Adding an O*NET skill or knowledge area to a ladder as a competency.

Added from an occupation that fits the family (`occupation_fits`: a word of its job
titles is in the family's name or level titles), the competency gets first-draft
statements from that occupation's tasks that are about the element, one per level from
the lowest up, each with what the level adds and the kind of evidence that would show
it. Each is marked as a draft (`Statement.draft_note`) and the checker flags it until a
person rewrites it in the company's words or accepts it. O*NET's generic level examples
("Ask customers if they would like a cup of coffee") are never used: they come from
unrelated occupations. Without an occupation, the competency comes without statements.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from frameworks.linter import STOPWORDS
from frameworks.models import (
    Competency,
    CompetencyCategory,
    DraftEdit,
    EvidenceKind,
    FrameworkVersion,
    JobFamily,
    Level,
    Statement,
    Track,
)
from frameworks.services import FrameworkError, bump_revision, current_draft, start_draft
from onet.data import Element, Occupation, get_element, get_occupation
from onet.data import _tokens as tokens
from organizations.actors import Actor, user_of
from organizations.audit import record

CATEGORY = "O*NET skills"

IRREGULAR = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# words that say nothing about what a task is about
STOP = STOPWORDS | {"such", "other", "need", "way", "work", "all", "any", "about"}


def third_person(phrase: str) -> str:
    """ "Write an email to staff" → "Writes an email to staff" (O*NET anchors are
    imperatives)."""
    first, _, rest = phrase.strip().partition(" ")
    word = first.rstrip(",;:")
    tail = first[len(word) :]
    lower = word.lower()
    if lower in IRREGULAR:
        verb = IRREGULAR[lower]
    elif lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        verb = lower + "es"
    elif lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        verb = lower[:-1] + "ies"
    else:
        verb = lower + "s"
    return f"{verb.capitalize()}{tail} {rest}".strip()


_EVIDENCE_HINTS: list[tuple[tuple[str, ...], str]] = [
    (
        ("writ", "document", "report", "record", "plan", "design", "develop", "program"),
        EvidenceKind.WRITTEN_ARTIFACT,
    ),
    (
        ("decid", "decision", "judg", "select", "determine", "evaluat", "approve", "choose"),
        EvidenceKind.DECISION_RECORD,
    ),
    (
        (
            "calculat",
            "measur",
            "monitor",
            "cost",
            "budget",
            "financ",
            "quality",
            "math",
            "count",
            "inspect",
            "test",
        ),
        EvidenceKind.METRIC,
    ),
    (
        (
            "speak",
            "listen",
            "interview",
            "instruct",
            "teach",
            "persua",
            "negotiat",
            "coordinat",
            "serv",
            "customer",
            "counsel",
            "convinc",
            "present",
            "personnel",
            "manag",
            "direct",
        ),
        EvidenceKind.INPUT_360,
    ),
]


def evidence_for(element: Element, anchor: str) -> list[str]:
    """The evidence kinds that would show work like `anchor`."""
    haystack = f"{element.name} {anchor}".lower()
    kinds = [
        str(kind) for stems, kind in _EVIDENCE_HINTS if any(stem in haystack for stem in stems)
    ]
    return kinds[:2] or [str(EvidenceKind.WRITTEN_ARTIFACT), str(EvidenceKind.INPUT_360)]


@dataclass(frozen=True)
class DraftStatement:
    level: Level
    task: str
    text: str
    evidence: list[str]


# Words of job titles that say how senior, not what the work is.
def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


TITLE_NOISE = _wordset(
    "associate junior senior staff principal lead head chief vp vice president director "
    "group manager management team member specialist i ii iii iv of and the"
)


def _title_words(text: str) -> set[str]:
    return {w for w in tokens(text) if w not in TITLE_NOISE and len(w) > 2}


def occupation_fits(occupation: Occupation, family: JobFamily, levels: list[Level]) -> bool:
    """Whether an O*NET occupation fits a job family: a word of the family's name,
    description or level titles (seniority words aside) is in the occupation's title or
    one of its reported job titles. Customer Service Representatives fits "Customer
    Support"; Baristas does not."""
    ours = _title_words(" ".join([family.name, family.description, *(lv.title for lv in levels)]))
    theirs = _title_words(" ".join([occupation.title, *occupation.titles]))
    return bool(ours & theirs)


def related_tasks(occupation: Occupation, element: Element) -> list[str]:
    """The occupation's tasks that are about the element (share a word with its name or
    description), most related first."""
    about = set(tokens(f"{element.name} {element.description}")) - STOP
    scored = [(len(about & set(tokens(task))), n, task) for n, task in enumerate(occupation.tasks)]
    return [task for hits, _, task in sorted(scored, key=lambda x: (-x[0], x[1])) if hits]


def draft_statements(
    element: Element, levels: list[Level], occupation: Occupation | None
) -> list[DraftStatement]:
    """First-draft statements from the tasks of `occupation` (one that fits the family)
    that are about the element: one task per level, from the lowest level up, with what
    the level adds. None without an occupation: O*NET's generic level examples ("Ask
    customers if they would like a cup of coffee") come from unrelated occupations."""
    if occupation is None or not levels:
        return []
    tasks = related_tasks(occupation, element)
    ranks = sorted({lv.rank for lv in levels})
    out = []
    for lv, task in zip(sorted(levels, key=lambda lv: (lv.rank, lv.position)), tasks, strict=False):
        i = ranks.index(lv.rank)
        share = i / (len(ranks) - 1) if len(ranks) > 1 else 0.5
        if lv.track == Track.MANAGER:
            how = (
                "and makes sure the people they manage can do the same, checking their "
                "work in one-on-ones"
            )
        elif share < 1 / 3:
            how = "with guidance from a more experienced colleague who reviews the result"
        elif share < 2 / 3:
            how = "on their own, and shares the result with the people who rely on it"
        else:
            how = "and coaches colleagues through such work in reviews or pairing sessions"
        text = f"{third_person(task.rstrip('.'))}, {how}."
        out.append(DraftStatement(lv, task, text, evidence_for(element, task)))
    return out


def draft_note(occupation: Occupation) -> str:
    return f"Drafted from O*NET tasks of {occupation.title} ({occupation.code})."


def add_element_as_competency(
    version: FrameworkVersion,
    element_id: str,
    *,
    actor: Actor,
    occupation_code: str = "",
    expected_revision: int | None = None,
) -> Competency:
    """Add an O*NET skill or knowledge area to a draft as a competency (category
    "O*NET skills", source "onet:<element id>") with a first draft of statements for
    each of its levels. Refuses published versions."""
    org = version.organization
    org.ensure_writable()
    element = get_element(element_id)
    if element is None:
        raise FrameworkError("That O*NET skill or knowledge area does not exist.")
    if not version.is_draft:
        raise FrameworkError("Published versions cannot be changed. Start a new draft first.")
    with transaction.atomic():
        bump_revision(version, expected_revision)
        levels = list(Level.objects.filter(version=version))
        if not levels:
            raise FrameworkError(
                f"{version.family.name} has no levels yet. Add its levels first, then add "
                "competencies from O*NET."
            )
        if Competency.objects.filter(version=version, name__iexact=element.name).exists():
            raise FrameworkError(
                f"{version.family.name} already has a competency called “{element.name}”."
            )
        category = CompetencyCategory.objects.filter(version=version, name=CATEGORY).first()
        if category is None:
            top = CompetencyCategory.objects.filter(version=version).aggregate(m=Max("position"))[
                "m"
            ]
            category = CompetencyCategory.objects.create(
                organization=org,
                version=version,
                name=CATEGORY,
                position=(top if top is not None else -1) + 1,
            )
        top = Competency.objects.filter(version=version).aggregate(m=Max("position"))["m"]
        competency = Competency.objects.create(
            organization=org,
            version=version,
            category=category,
            name=element.name,
            description=element.description,
            source=f"onet:{element.id}",
            position=(top if top is not None else -1) + 1,
        )
        occupation = get_occupation(occupation_code) if occupation_code else None
        if occupation is not None and not occupation_fits(occupation, version.family, levels):
            raise FrameworkError(
                f"{occupation.title} does not look like {version.family.name}: no word of "
                "its job titles is in the family's name or level titles. Choose an "
                "occupation that fits the family, so the drafted statements describe work "
                "your people do."
            )
        drafts = draft_statements(element, levels, occupation)
        Statement.objects.bulk_create(
            [
                Statement(
                    organization=org,
                    version=version,
                    competency=competency,
                    level=d.level,
                    text=d.text,
                    evidence=d.evidence,
                    draft_note=draft_note(occupation) if occupation else "",
                    position=0,
                )
                for d in drafts
            ]
        )
        # undoable from the editor like any other edit: the undo removes the competency
        seq = DraftEdit.objects.filter(version=version).aggregate(m=Max("seq"))["m"] or 0
        DraftEdit.objects.create(
            organization=org,
            version=version,
            seq=seq + 1,
            label=f"Add competency {element.name} from O*NET"[:200],
            payload={"op": "delete_competency", "uid": competency.uid},
            actor=user_of(actor),
        )
        record(
            org,
            actor,
            "framework.competency_added_from_onet",
            competency,
            data={
                "draft": str(version),
                "element": element.id,
                "name": element.name,
                "occupation": occupation_code,
                "statements": len(drafts),
            },
        )
    return competency


def add_to_family(
    family: JobFamily, element_id: str, *, actor: Actor, occupation_code: str = ""
) -> Competency:
    """Add the element to the family's draft, starting a draft from the latest published
    version when there is none."""
    with transaction.atomic():
        draft = current_draft(family) or start_draft(family, actor=actor)
        return add_element_as_competency(
            draft, element_id, actor=actor, occupation_code=occupation_code
        )
