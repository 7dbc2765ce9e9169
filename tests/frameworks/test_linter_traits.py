"""Trait statements an HR person types first are flagged, even with evidence ticked."""

import pytest

from frameworks.linter import lint_statement


@pytest.mark.parametrize(
    "text", ["Is a hard worker and passionate.", "Is hard-working and reliable."]
)
def test_common_trait_statements_are_not_behaviour(text):
    assert "not_behavioral" in [flag.code for flag in lint_statement(text).flags]
