"""The contract (docs/spec/api.md, a copy of ../shared/spec/api.md) against the served
OpenAPI schema: every path and method of its resource table exists, and every field
the table names is in that operation's schema, nested where the table nests it, with
the values it lists and the fields it says are required.

The table is read as it is written:

- column 1: the path (below `/api/v1`), column 2: the methods, and `?name=` for a
  query parameter; column 3: the fields.
- a field is a name in backticks; `[ … ]` or `{ … }` after it lists the fields of its
  items (or of the object); `( … )` after it says something about it: names in
  backticks there are the values it takes (an enum), and "required" makes it required.
- a field of a row is looked for in everything the row's operations take or answer:
  query parameters, request bodies (JSON or multipart) and successful answers; a nested
  field must be a field of the object (or of the items) its parent names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from api.main import api

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "docs" / "spec" / "api.md"
SHARED = ROOT.parent / "shared" / "spec" / "api.md"
PREFIX = "/api/v1"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


# --- reading the table ------------------------------------------------------------------


@dataclass
class Field:
    name: str
    children: list[Field] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    required: bool = False

    def __repr__(self) -> str:
        return self.name


@dataclass
class Row:
    path: str
    methods: list[str]
    query: list[str]
    fields: list[Field]

    @property
    def operations(self) -> list[tuple[str, str]]:
        return [(m, PREFIX + self.path) for m in self.methods]


TOKEN = re.compile(r"`([^`]*)`|([\[\]{}()])|([^`\[\]{}()]+)")


def parse_fields(text: str) -> list[Field]:
    """`a` [`b` (`x`/`y`), `c` (required)], `d` {`e`: bool} → a tree of fields."""
    top: list[Field] = []
    stack: list[list[Field] | None] = [top]  # None: an opener right after another
    last: Field | None = None  # the latest field: what ( … ) and [ … ] speak of
    depth = 0  # inside parentheses
    opened = False  # the previous token opened [ or {
    for code, bracket, words in (m.groups() for m in TOKEN.finditer(text)):
        if depth:
            depth += {"(": 1, ")": -1}.get(bracket or "", 0)
            if last is not None and code is not None:
                last.values.append(code)
            if last is not None and words and "required" in words:
                last.required = True
            continue
        if bracket == "(":
            depth = 1
        elif bracket in ("[", "{"):
            stack.append(None if opened or last is None else last.children)
        elif bracket in ("]", "}"):
            stack.pop()
        elif code is not None:
            last = Field(code)
            next(s for s in reversed(stack) if s is not None).append(last)
        opened = bracket in ("[", "{")
    return top


def spec_rows(text: str) -> list[Row]:
    """The rows of the table under "## Resources"."""
    section = text.split("## Resources", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`/"):
            continue
        path = cells[0].strip("`")
        methods = [m for m in re.findall(r"[A-Z]+", cells[1]) if m in METHODS]
        query = re.findall(r"`\?([a-z_]+)=`", cells[1])
        rows.append(Row(path, methods, query, parse_fields(cells[2])))
    return rows


def test_the_spec_copy_is_the_shared_contract():
    if not SHARED.exists():
        pytest.skip("../shared/spec/api.md is not beside this checkout")
    assert SPEC.read_text() == SHARED.read_text(), (
        "docs/spec/api.md differs from ../shared/spec/api.md: copy it again"
    )


def test_the_table_is_read_as_written():
    rows = {r.path: r for r in spec_rows(SPEC.read_text())}
    assert len(rows) >= 20
    version = rows["/frameworks/{key}/versions/{number}"]
    levels = next(f for f in version.fields if f.name == "levels")
    assert [c.name for c in levels.children] == [
        "code", "title", "track", "rank", "scope", "key_question", "next"
    ]  # fmt: skip
    assert next(c for c in levels.children if c.name == "track").values == [
        "shared", "ic", "manager"
    ]  # fmt: skip
    form = rows["/forms/{id}"]
    answers = next(f for f in form.fields if f.name == "answers")
    assert [c.name for c in answers.children] == ["statement", "rating", "comment", "evidence"]
    cycles = rows["/cycles"]
    inputs = next(f for f in cycles.fields if f.name == "inputs")
    assert [c.name for c in inputs.children] == ["self", "manager", "peers"]
    decision = rows["/promotions/{id}/decision"]
    assert next(f for f in decision.fields if f.name == "rationale").required
    assert rows["/people/{id}/gap-report"].query == ["cycle"]


# --- reading the schema -----------------------------------------------------------------


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _shapes(doc: dict[str, Any], schema: dict[str, Any], seen: int = 0) -> Iterator[dict]:
    """The object schemas a schema stands for: itself, its array items, its variants."""
    schema = _resolve(doc, schema)
    if seen > 8:
        return
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for variant in schema.get(key, []):
            yield from _shapes(doc, variant, seen + 1)
    if "items" in schema:
        yield from _shapes(doc, schema["items"], seen + 1)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _shapes(doc, extra, seen + 1)


def _properties(doc: dict[str, Any], schema: dict[str, Any]) -> Iterator[tuple[str, dict, bool]]:
    """(name, schema, required) of the fields of the object(s) a schema stands for."""
    for shape in _shapes(doc, schema):
        required = set(shape.get("required", []))
        for name, sub in shape.get("properties", {}).items():
            yield name, sub, name in required


def _anywhere(doc: dict[str, Any], schema: dict[str, Any], depth: int = 0) -> Iterator[tuple]:
    if depth > 6:
        return
    for name, sub, required in _properties(doc, schema):
        yield name, sub, required
        yield from _anywhere(doc, sub, depth + 1)


def _values(doc: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for shape in _shapes(doc, schema):
        found.update(str(v) for v in shape.get("enum", []))
        if "const" in shape:
            found.add(str(shape["const"]))
    return found


def _fits(doc: dict[str, Any], spec: Field, schema: dict[str, Any], required: bool) -> str:
    """'' when the schema of a field keeps what the spec says of it, else why not."""
    if spec.required and not required:
        return f"`{spec.name}` is not required"
    if spec.values:  # `status` (`open`, `done`) are values; `user` (`email`, `name`) fields
        missing = set(spec.values) - _values(doc, schema)
        fields = {name for name, _, _ in _properties(doc, schema)}
        if missing and not set(spec.values) <= fields:
            return f"`{spec.name}` takes neither the values nor has the fields {sorted(missing)}"
    for child in spec.children:
        candidates = [(s, r) for n, s, r in _properties(doc, schema) if n == child.name]
        if not candidates:
            return f"`{spec.name}` has no field `{child.name}`"
        why = [_fits(doc, child, s, r) for s, r in candidates]
        if all(why):
            return why[0]
    return ""


def operation_roots(doc: dict[str, Any], method: str, path: str) -> list[tuple[str, dict, bool]]:
    """Every field an operation takes or answers: query parameters, and the fields (at
    any depth) of its request bodies and successful answers."""
    operation = doc["paths"][path][method.lower()]
    found = [
        (p["name"], p.get("schema", {}), bool(p.get("required")))
        for p in operation.get("parameters", [])
        if p["in"] == "query"
    ]
    bodies = [c["schema"] for c in operation.get("requestBody", {}).get("content", {}).values()]
    for status, answer in operation.get("responses", {}).items():
        if str(status).startswith("2"):
            bodies += [c["schema"] for c in answer.get("content", {}).values() if "schema" in c]
    for body in bodies:
        found += list(_anywhere(doc, body))
    return found


def gaps(doc: dict[str, Any], rows: list[Row]) -> list[str]:
    problems = []
    for row in rows:
        present = [op for op in row.operations if op[1] in doc["paths"]]
        present = [op for op in present if op[0].lower() in doc["paths"][op[1]]]
        for method, path in sorted(set(row.operations) - set(present)):
            problems.append(f"{method} {path}: missing")
        if not present:
            continue
        roots = [r for m, p in present for r in operation_roots(doc, m, p)]
        label = f"{'/'.join(row.methods)} {row.path}"
        for name in row.query:
            if not any(
                p["name"] == name and p["in"] == "query"
                for m, path in present
                for p in doc["paths"][path][m.lower()].get("parameters", [])
            ):
                problems.append(f"{label}: no query parameter `{name}`")
        for spec in row.fields:
            candidates = [(s, r) for n, s, r in roots if n == spec.name]
            if not candidates:
                problems.append(f"{label}: no field `{spec.name}`")
                continue
            why = [_fits(doc, spec, s, r) for s, r in candidates]
            if all(why):
                problems.append(f"{label}: {why[0]}")
    return problems


def test_every_path_and_field_of_the_contract_is_in_the_schema():
    problems = gaps(api.get_openapi_schema(), spec_rows(SPEC.read_text()))
    assert not problems, "The API differs from docs/spec/api.md:\n" + "\n".join(problems)


def test_the_comparison_notices_a_missing_field_and_a_missing_route():
    doc = api.get_openapi_schema()
    rows = spec_rows(
        "## Resources\n| `/me` | GET | `user` (`email`, `name`), `shoe_size` |\n"
        "| `/me` | DELETE | |\n"
        "| `/people` | GET | `items` [`id`, `level` (`seven`)] |\n"
    )
    assert gaps(doc, rows) == [
        "GET /me: no field `shoe_size`",
        "DELETE /api/v1/me: missing",
        "GET /people: `level` takes neither the values nor has the fields ['seven']",
    ]


# --- the Basics section -----------------------------------------------------------------


def _answer(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    ok = operation["responses"].get("200") or operation["responses"].get("201") or {}
    content = ok.get("content", {}).get("application/json", {})
    return _resolve(doc, content.get("schema", {}))


def test_every_list_has_items_count_next_limit_and_offset():
    """Lists: `{"items", "count", "next"}` with `?limit=` (at most 200) and `?offset=`."""
    doc = api.get_openapi_schema()
    for path, item in doc["paths"].items():
        operation = item.get("get")
        if operation is None or path.endswith("}"):  # one thing, e.g. a form and its items
            continue
        if "items" not in _answer(doc, operation).get("properties", {}):
            continue
        assert {"items", "count", "next"} <= set(_answer(doc, operation)["properties"]), path
        params = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
        assert "limit" in params and "offset" in params, path
        assert params["limit"]["schema"]["maximum"] == 200, path


def test_ids_are_strings():
    """Ids are the public ids, strings, in a field `id`."""
    doc = api.get_openapi_schema()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            for name, schema, _ in _anywhere(doc, _answer(doc, operation)):
                if name == "id":
                    types = {s.get("type") for s in _shapes(doc, schema)} - {None}
                    assert types == {"string"}, (method, path, types)


def test_schema_names_are_unique():
    """ninja names a component after its class: two classes of one name would silently
    share one description in the schema (and one would be wrong)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    from api import routers

    modules = [
        importlib.import_module(found.name)
        for found in pkgutil.walk_packages(routers.__path__, f"{routers.__name__}.")
    ]
    assert len(modules) > 6  # every router, the promotions package's parts too
    seen: dict[str, type] = {}
    for module in modules:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                assert seen.setdefault(name, cls) is cls, f"two schemas named {name}"


RATINGS = {
    # "Ratings are numbers on the organization's scale": where the table names ratings
    ("get", "/api/v1/people/{id}/gap-report"): (
        "competencies",
        {"expected", "final", "self", "manager", "peers", "gap"},
    ),
    ("get", "/api/v1/cycles/{id}/final-ratings"): ("items", {"proposed", "final"}),
    ("get", "/api/v1/forms/{id}"): ("items", {"rating"}),
}


@pytest.mark.parametrize(("method", "path"), sorted(RATINGS))
def test_ratings_are_numbers(method, path):
    doc = api.get_openapi_schema()
    parent, names = RATINGS[(method, path)]
    answer = _answer(doc, doc["paths"][path][method])
    rows = next(sub for name, sub, _ in _properties(doc, answer) if name == parent)
    found = {name: sub for name, sub, _ in _properties(doc, rows) if name in names}
    assert set(found) == names, path
    for name, sub in found.items():
        types = {s.get("type") for s in _shapes(doc, sub)} - {None, "null"}
        assert types and types <= {"number", "integer"}, (path, name, types)
