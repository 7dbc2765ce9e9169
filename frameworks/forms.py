"""Forms for the framework editor. They validate input only; the services check the rest
(unique codes and names) and raise `EditError` with the field it concerns."""

from __future__ import annotations

from typing import Any

from django import forms

from frameworks import limits
from frameworks.models import SCOPE_SUGGESTIONS, Track


def optional_text(label: str, *, max_length: int, rows: int, help_text: str) -> forms.CharField:
    """An optional text of a few lines."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class RevisionMixin(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput(attrs={"class": "draft-revision"}))


class FamilyForm(forms.Form):
    name = forms.CharField(
        label="Job family name",
        max_length=120,
        help_text="What people in this family do, e.g. Product Management or Engineering.",
    )
    description = optional_text(
        "Description",
        max_length=limits.FAMILY_DESCRIPTION,
        rows=3,
        help_text="One or two sentences people see at the top of their ladder.",
    )


class LevelForm(RevisionMixin):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Short and unique in this ladder, e.g. PM3.",
        widget=forms.TextInput(attrs={"class": "input--short"}),
    )
    title = forms.CharField(label="Title", max_length=120, help_text="e.g. Senior Product Manager.")
    track = forms.ChoiceField(
        label="Track",
        choices=Track.choices,
        widget=forms.RadioSelect,
        help_text="Shared levels come before the split; IC and Manager levels after it.",
    )
    rank = forms.IntegerField(
        label="Rank",
        min_value=0,
        max_value=99,
        help_text="Higher is more senior. An IC and a Manager level can share a rank "
        "(Staff PM and Group PM).",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    scope = forms.CharField(
        label="Scope",
        max_length=80,
        required=False,
        help_text="How far this level's work reaches: " + ", ".join(SCOPE_SUGGESTIONS) + ".",
        widget=forms.TextInput(attrs={"list": "scope-suggestions", "class": "input--medium"}),
    )
    summary = optional_text(
        "Summary",
        max_length=limits.LEVEL_SUMMARY,
        rows=3,
        help_text="What someone at this level does, in two or three sentences.",
    )
    key_question = optional_text(
        "Key developmental question",
        max_length=limits.KEY_QUESTION,
        rows=2,
        help_text="The question someone at this level works on, e.g. “How do I make my "
        "product area succeed without me in every decision?”",
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()


class CategoryForm(RevisionMixin):
    name = forms.CharField(
        label="Category name",
        max_length=120,
        help_text="A group of related competencies, e.g. Product craft or Leadership.",
    )


class CompetencyForm(RevisionMixin):
    name = forms.CharField(
        label="Competency name", max_length=160, help_text="e.g. Prioritization."
    )
    category = forms.ChoiceField(label="Category", required=False)
    description = optional_text(
        "Description",
        max_length=limits.COMPETENCY_DESCRIPTION,
        rows=3,
        help_text="What this competency covers, in a sentence or two.",
    )

    def __init__(self, *args: Any, categories: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "No category")] + [  # type: ignore[attr-defined]
            (c.uid, c.name) for c in categories
        ]


class CellForm(RevisionMixin):
    """The revision a cell edit starts from; the statements themselves are read with
    `frameworks.views_editor.posted_statements` (a text and its evidence per statement)."""


class PublishForm(RevisionMixin):
    note = forms.CharField(
        label="What changed in this version?",
        max_length=limits.VERSION_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="People see this note in the version history, e.g. “Clearer statements for "
        "Strategy at PM3 and PM4”.",
        error_messages={"required": "Say in a sentence what changed in this version."},
    )
    reason = optional_text(
        "Why publish with flagged statements?",
        max_length=500,
        rows=2,
        help_text="Kept in the version note and the audit log, e.g. “Wording agreed with "
        "the managers; we fix it in v4”.",
    )

    def __init__(self, *args: Any, open_flags: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_flags = open_flags
        if not open_flags:
            del self.fields["reason"]
            return
        reason = self.fields["reason"]
        reason.required = True
        reason.error_messages["required"] = (
            f"The checker still flags {open_flags} statement{'s' if open_flags != 1 else ''}. "
            "Fix them in the draft, or say why you publish anyway."
        )
