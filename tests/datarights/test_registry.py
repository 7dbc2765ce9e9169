"""The registry cannot silently miss data: every model of every installed app with a key
to a person, a login or an organization is declared, every such key has a link, and
every row erasure deletes takes its children with it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from datarights.registry import Action, To, declaration_for, declarations
from organizations.models import Organization
from people.models import Person

USER = settings.AUTH_USER_MODEL
PERSONAL = {Person._meta.label, USER}
WATCHED = PERSONAL | {Organization._meta.label}


def _keys(model: type[models.Model]) -> list[models.ForeignKey]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is not None
    ]


def _models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if not m._meta.auto_created]


def test_every_model_with_a_key_to_a_person_a_login_or_an_organization_is_declared():
    missing = [
        m._meta.label
        for m in _models()
        if any(f.related_model._meta.label in WATCHED for f in _keys(m))
        and declaration_for(m) is None
    ]
    assert not missing, (
        "Declare these models in datarights/declarations.py (how they are exported and "
        f"erased, and why): {missing}"
    )


def test_every_key_to_a_person_or_a_login_has_a_link():
    missing = []
    for m in _models():
        declaration = declaration_for(m)
        if declaration is None:
            continue
        linked = {link.field_name for link in declaration.links}
        for f in _keys(m):
            if f.related_model._meta.label in PERSONAL and f.name not in linked:
                missing.append(f"{m._meta.label}.{f.name}")
    assert not missing, f"Say in datarights/declarations.py what erasure does to: {missing}"


def test_rows_that_erasure_deletes_take_their_children_with_them():
    """A model with a key to a model whose rows erasure deletes must say what happens to
    its own rows through that key (erasure deletes row by row, not by cascade)."""
    deleting = {
        d.model_label
        for d in declarations()
        if not d.with_login and any(link.action == Action.DELETE for link in d.links)
    }
    missing = []
    for m in _models():
        for f in _keys(m):
            if f.related_model._meta.label not in deleting or f.related_model is m:
                continue
            declaration = declaration_for(m)
            covered = declaration is not None and (
                f.name in declaration.siblings
                or any(
                    link.path.startswith(f.name + "__") or link.path == f.name
                    for link in declaration.links
                )
            )
            if not covered:
                missing.append(f"{m._meta.label}.{f.name}")
    assert not missing, f"Rows erasure deletes would leave these behind: {missing}"


def test_declarations_name_real_models_fields_and_reasons():
    for d in declarations():
        model = d.model  # raises LookupError for a wrong label
        names = {f.name for f in model._meta.concrete_fields}
        for column in (*d.secret, *d.scrub, *d.files):
            assert column in names, f"{d.model_label}.{column}"
        for link in d.links:
            assert link.reason.strip(), d.model_label
            if link.to in (To.TEXT, To.EMAIL, To.PUBLIC_ID):
                # a column of the row, or of the row it belongs to ("job__payload")
                columns = [c.split("__")[0] for c in link.path.split("|")]
                assert all(c in names for c in columns), d.model_label
            else:
                first = link.path.split("__")[0]
                assert first == "pk" or first in names, f"{d.model_label}: {link.path}"
            if link.audience != link.audience.BOTH:
                assert link.withheld.strip(), f"{d.model_label}: {link.path} says why"
        if not d.links:
            assert d.note, f"{d.model_label}: say why it holds nothing personal"


def test_the_walk_notices_a_model_nobody_declared(monkeypatch):
    """Take a declaration away, as if a new feature forgot it: the walk names the model."""
    from datarights import registry

    monkeypatch.delitem(registry._registry, "growth.CareerConversation")
    with pytest.raises(AssertionError, match=r"growth\.CareerConversation"):
        test_every_model_with_a_key_to_a_person_a_login_or_an_organization_is_declared()
