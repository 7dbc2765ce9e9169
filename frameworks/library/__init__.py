"""The template library: ready-made ladders an organization can start from.

Each family is one JSON file in `data/` holding the `frameworks.schema.FamilyData`
shape (see README.md in this folder for the format). `list_templates()` describes them
for the hub, `load_template(key)` returns a fresh `FamilyData`, and
`start_from_template(org, key, actor=...)` copies one into an organization as a draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from frameworks.ladder import Ladder, validate
from frameworks.models import EvidenceKind, FrameworkVersion, Track
from frameworks.schema import CompetencyData, FamilyData, LevelData, StatementData
from organizations.actors import Actor
from organizations.models import Organization

DATA_DIR = Path(__file__).resolve().parent / "data"

FAMILY_FIELDS = {"key", "name", "description", "summary", "levels", "competencies"}
LEVEL_FIELDS = {"code", "title", "rank", "track", "scope", "summary", "key_question"}
COMPETENCY_FIELDS = {"name", "category", "description", "statements"}
STATEMENT_FIELDS = {"text", "evidence"}


class TemplateNotFound(KeyError):
    """No template with that key."""


class TemplateError(ValueError):
    """A template data file does not follow the format."""


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    summary: str
    description: str
    level_count: int
    tracks: tuple[str, ...]  # Track labels present, in ladder order: Shared, IC, Manager
    competency_count: int
    category_count: int
    statement_count: int
    levels_by_track: tuple[tuple[str, tuple[str, ...]], ...]  # (track label, level titles)
    categories: tuple[str, ...]
    competencies: tuple[str, ...]


# --- reading the files ------------------------------------------------------------------


def _paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(DATA_DIR.glob("*.json"))}


@cache
def _raw(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    if not isinstance(raw, dict):
        raise TemplateError(f"{path.name}: the file must hold one JSON object.")
    return raw


def _to_data(raw: dict[str, Any]) -> FamilyData:
    return FamilyData(
        name=raw["name"],
        key=raw["key"],
        description=raw.get("description", ""),
        levels=[
            LevelData(
                code=lv["code"],
                title=lv["title"],
                rank=int(lv["rank"]),
                track=lv.get("track", Track.SHARED),
                scope=lv.get("scope", ""),
                summary=lv.get("summary", ""),
                key_question=lv.get("key_question", ""),
            )
            for lv in raw.get("levels", [])
        ],
        competencies=[
            CompetencyData(
                name=c["name"],
                category=c.get("category", ""),
                description=c.get("description", ""),
                statements={
                    code: [
                        StatementData(text=st["text"], evidence=list(st.get("evidence", [])))
                        for st in items
                    ]
                    for code, items in c.get("statements", {}).items()
                    if items
                },
            )
            for c in raw.get("competencies", [])
        ],
    )


def validate_raw(raw: dict[str, Any], *, filename: str = "") -> list[str]:
    """Every way a template file breaks the format, as sentences (empty when valid)."""
    where = f"{filename}: " if filename else ""
    problems: list[str] = []

    def bad(msg: str) -> None:
        problems.append(where + msg)

    for extra in sorted(set(raw) - FAMILY_FIELDS):
        bad(f"unknown field “{extra}”.")
    for required in ("key", "name", "levels", "competencies"):
        if not raw.get(required):
            bad(f"“{required}” is missing or empty.")
    if problems:
        return problems
    if filename and raw["key"] != filename.removesuffix(".json"):
        bad(f"key “{raw['key']}” must match the file name.")
    tracks = set(Track.values)
    kinds = set(EvidenceKind.values)
    codes: list[str] = []
    ranks: list[int] = []
    for i, lv in enumerate(raw["levels"]):
        label = f"level {i + 1} ({lv.get('code', '?')})"
        for extra in sorted(set(lv) - LEVEL_FIELDS):
            bad(f"{label}: unknown field “{extra}”.")
        for required in ("code", "title", "rank", "summary", "key_question"):
            if lv.get(required) in (None, ""):
                bad(f"{label}: “{required}” is missing.")
        if lv.get("track", Track.SHARED) not in tracks:
            bad(f"{label}: track must be one of {', '.join(sorted(tracks))}.")
        if not isinstance(lv.get("rank"), int):
            bad(f"{label}: rank must be a whole number.")
            continue
        codes.append(lv.get("code", ""))
        ranks.append(lv["rank"])
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        bad(f"level codes must be unique; repeated: {', '.join(dupes)}.")
    if ranks != sorted(ranks):
        bad("levels must be listed from the lowest rank to the highest.")
    ranked = [
        LevelData(str(lv.get("code", "")), "", lv["rank"], lv.get("track", Track.SHARED))
        for lv in raw["levels"]
        if isinstance(lv.get("rank"), int) and lv.get("track", Track.SHARED) in tracks
    ]
    for problem in validate(ranked):
        bad(f"level {problem.level}: {problem.message}")
    known = set(codes)
    names: list[str] = []
    for comp in raw["competencies"]:
        name = comp.get("name", "")
        names.append(name.casefold())
        label = f"competency “{name or '?'}”"
        for extra in sorted(set(comp) - COMPETENCY_FIELDS):
            bad(f"{label}: unknown field “{extra}”.")
        for required in ("name", "category", "description"):
            if not comp.get(required):
                bad(f"{label}: “{required}” is missing.")
        statements = comp.get("statements", {})
        if not isinstance(statements, dict):
            bad(f"{label}: statements must map level codes to lists.")
            continue
        for code, items in statements.items():
            if code not in known:
                bad(f"{label}: statements for unknown level “{code}”.")
            for st in items:
                for extra in sorted(set(st) - STATEMENT_FIELDS):
                    bad(f"{label} at {code}: unknown statement field “{extra}”.")
                if not str(st.get("text", "")).strip():
                    bad(f"{label} at {code}: a statement has no text.")
                evidence = st.get("evidence", [])
                if not evidence:
                    bad(f"{label} at {code}: a statement names no evidence kind.")
                for kind in evidence:
                    if kind not in kinds:
                        bad(f"{label} at {code}: unknown evidence kind “{kind}”.")
    if len(set(names)) != len(names):
        bad("competency names must be unique.")
    return problems


def check_all() -> dict[str, list[str]]:
    """Problems per template file; an empty dict means every file is valid."""
    out: dict[str, list[str]] = {}
    for key, path in _paths().items():
        try:
            problems = validate_raw(_raw(path), filename=path.name)
        except (json.JSONDecodeError, TemplateError) as exc:
            problems = [f"{path.name}: {exc}"]
        if problems:
            out[key] = problems
    return out


# --- the public API ---------------------------------------------------------------------


def template_keys() -> list[str]:
    return list(_paths())


def load_template(key: str) -> FamilyData:
    """A fresh `FamilyData` for the template `key` (callers may change it freely)."""
    path = _paths().get(key)
    if path is None:
        raise TemplateNotFound(key)
    raw = _raw(path)
    problems = validate_raw(raw, filename=path.name)
    if problems:
        raise TemplateError("; ".join(problems))
    return _to_data(raw)


def template_summary(key: str) -> str:
    path = _paths().get(key)
    if path is None:
        raise TemplateNotFound(key)
    return str(_raw(path).get("summary", ""))


def describe(data: FamilyData, summary: str = "") -> TemplateInfo:
    labels = dict(Track.choices)
    by_track = [
        (str(labels[t]), tuple(lv.title for lv in levels))
        for t, levels in Ladder(data.levels).tracks()
    ]
    return TemplateInfo(
        key=data.key,
        name=data.name,
        summary=summary or data.description,
        description=data.description,
        level_count=len(data.levels),
        tracks=tuple(label for label, _ in by_track),
        competency_count=len(data.competencies),
        category_count=len(data.categories()),
        statement_count=data.statement_count(),
        levels_by_track=tuple(by_track),
        categories=tuple(data.categories()),
        competencies=tuple(c.name for c in data.competencies),
    )


def get_template_info(key: str) -> TemplateInfo:
    return describe(load_template(key), template_summary(key))


def list_templates() -> list[TemplateInfo]:
    """Every template in the library, in name order."""
    infos = [get_template_info(key) for key in template_keys()]
    return sorted(infos, key=lambda info: info.name.casefold())


def start_from_template(org: Organization, key: str, *, actor: Actor) -> FrameworkVersion:
    """Copy template `key` into `org` as the draft of its job family.

    A family with the template's key (or name) that already exists gets its draft
    replaced, or a new draft after its latest published version. The draft records
    `template:<key>` as its source and the audit log gets a `framework.draft_loaded`
    entry naming it."""
    from frameworks.services import apply_family_data

    data = load_template(key)
    return apply_family_data(org, data, actor=actor, source=f"template:{key}")
