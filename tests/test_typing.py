"""The types that services and views promise, checked where mypy cannot see a gap: a
parameter named `actor` in app code is an `Actor` (organizations/actors.py: a user, a
`SystemActor` or None), never `Any`; a view behind `org_required` (or a name given to
one of its roles, `admin = org_required(Role.HR_ADMIN)`) takes an `OrgRequest`; an API
operation takes an `ApiRequest`. mypy checks the bodies against those types; this test
keeps the types from being left off or widened back."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.source_files import python_files

ROOT = Path(__file__).resolve().parent.parent
ORG_DECORATORS = {"org_required", "member_required", "admin_required", "owner_required"}
API_DECORATORS = {f"router.{verb}" for verb in ("get", "post", "put", "patch", "delete")}


def app_modules() -> Iterator[tuple[str, ast.Module]]:
    for name in python_files():
        if name.startswith(("tests/", "bench/")) or "/migrations/" in name:
            continue
        yield name, ast.parse((ROOT / name).read_text(), name)


def functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def annotation(arg: ast.arg) -> str:
    return ast.unparse(arg.annotation) if arg.annotation is not None else "(none)"


def role_shortcuts(tree: ast.Module) -> set[str]:
    """Module-level names for org_required(...) (`owner_only`, `admin`, …)."""
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) == "org_required"
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def test_every_actor_is_typed_as_an_actor():
    wrong = [
        f"{name}:{fn.lineno} {fn.name}(actor: {annotation(arg)})"
        for name, tree in app_modules()
        for fn in functions(tree)
        for arg in [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
        if arg.arg == "actor" and annotation(arg) != "Actor"
    ]
    assert not wrong, "annotate these `actor: Actor`:\n" + "\n".join(wrong)


def test_organization_views_and_api_operations_take_a_typed_request():
    wrong = []
    checked = 0
    for name, tree in app_modules():
        org = ORG_DECORATORS | role_shortcuts(tree)
        for fn in functions(tree):
            decorators = {ast.unparse(d).split("(")[0] for d in fn.decorator_list}
            wanted = (
                "ApiRequest"
                if decorators & API_DECORATORS
                else "OrgRequest"
                if decorators & org
                else None
            )
            if wanted is None or not fn.args.args or fn.args.args[0].arg != "request":
                continue
            checked += 1
            if annotation(fn.args.args[0]) != wanted:
                wrong.append(
                    f"{name}:{fn.lineno} {fn.name}(request: {annotation(fn.args.args[0])})"
                )
    assert checked > 150, f"only {checked} views found: has org_required moved?"
    assert not wrong, "annotate these with the typed request:\n" + "\n".join(wrong)
