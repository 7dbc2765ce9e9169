"""Forms for growth pages. They read the input; the services validate the rules and
write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms.models import model_to_dict

from growth.models import ActionItem, Rater
from growth.selectors import CompetencyChoice
from people.models import Person
from reviews.errors import ReviewError
from reviews.models import Scale

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# service field names -> form field names
FIELD_OF = {"competency_uid": "competency", "statement_uid": "statement"}


def apply_errors(form: forms.Form, exc: ReviewError) -> None:
    """Show a service's errors on the form's fields (the rest at the top)."""
    if not exc.errors:
        form.add_error(None, exc.message)
    for name, message in exc.errors:
        name = FIELD_OF.get(name, name)
        form.add_error(name if name in form.fields else None, message)


class ActionItemForm(forms.Form):
    title = forms.CharField(
        label="What will be done",
        max_length=200,
        help_text="One concrete step, for example “Lead the Q3 roadmap review”.",
        error_messages={"required": "Say what will be done."},
    )
    competency = forms.ChoiceField(
        label="Competency it builds",
        error_messages={"required": "Choose the competency this item builds."},
    )
    statement = forms.ChoiceField(
        label="Statement it targets",
        required=False,
        help_text="The line of the ladder this item should move. Leave empty for the "
        "competency as a whole.",
    )
    owner = forms.ChoiceField(label="Owner", help_text="Who makes it happen.")
    resource_kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "None"), *ActionItem.ResourceKind.choices],
    )
    resource = forms.CharField(
        label="Title or link",
        max_length=500,
        required=False,
        help_text="A title, a name or a link (https://…).",
    )
    milestone = forms.CharField(
        label="Milestone",
        max_length=300,
        required=False,
        help_text="How you will both know it is done, for example “Two roadmap reviews led”.",
    )
    due = forms.DateField(
        label="Due date",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Enter a real date."},
    )

    def __init__(
        self,
        *args: Any,
        targets: list[CompetencyChoice],
        owners: list[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choice("competency").choices = [("", "Choose a competency")] + [
            (c.uid, c.name) for c in targets
        ]
        statements: list[Any] = [("", "The competency as a whole")]
        for c in targets:
            if c.statements:
                statements.append(
                    (c.name, [(s.uid, f"{s.level_code}: {s.text}") for s in c.statements])
                )
        self._choice("statement").choices = statements
        self._choice("owner").choices = [
            (p.public_id, f"{p.name}{' (the person)' if n == 0 else ''}")
            for n, p in enumerate(owners)
        ]
        self.owners = {p.public_id: p for p in owners}

    def _choice(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "competency_uid": data["competency"],
            "statement_uid": data.get("statement") or "",
            "owner": self.owners.get(data["owner"]),
            "resource_kind": data.get("resource_kind") or "",
            "resource": data.get("resource") or "",
            "milestone": data.get("milestone") or "",
            "due": data.get("due"),
        }

    @staticmethod
    def initial_for(item: ActionItem) -> dict[str, Any]:
        """The item's values under the form's field names (most are the model's own)."""
        own = ["title", "resource_kind", "resource", "milestone", "due", "status", "revision"]
        return model_to_dict(item, fields=own) | {
            "competency": item.competency_uid,
            "statement": item.statement_uid,
            "owner": item.owner.public_id if item.owner else "",
        }


class EditItemForm(ActionItemForm):
    status = forms.ChoiceField(label="Status", choices=ActionItem.Status.choices)
    note = forms.CharField(
        label="Note for the history",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why it changed, for example “Moved: the project started later”.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "status": self.cleaned_data["status"]}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=ActionItem.Status.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ConversationForm(forms.Form):
    held_on = forms.DateField(
        label="Date of the conversation",
        widget=DATE,
        error_messages={
            "required": "Enter the date of the conversation.",
            "invalid": "Enter a real date.",
        },
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you talked about, what they want next, what you agreed. Only "
        "their managers and HR see these notes.",
    )
    next_follow_up = forms.DateField(
        label="Next follow-up",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Enter a real date."},
    )


class SettingsForm(forms.Form):
    readiness_rater = forms.ChoiceField(
        label="Whose ratings count",
        choices=[(v, str(label).capitalize()) for v, label in Rater.choices],
        widget=forms.RadioSelect,
    )
    readiness_percent = forms.IntegerField(
        label="Share of the next level’s statements",
        min_value=1,
        max_value=100,
        help_text="In percent. 80 means 4 out of every 5 statements.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
        error_messages={"required": "Enter a percentage from 1 to 100."},
    )
    readiness_rating = forms.ChoiceField(label="Rated at least", required=False)
    suggestions = forms.IntegerField(
        label="Suggested action items per gap report",
        min_value=0,
        max_value=10,
        help_text="The report suggests one item for each of this many of the largest gaps.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, scale: Scale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["readiness_rating"]).choices = [
            ("", f"The scale’s “meets the level” point ({scale.meets}, {scale.label(scale.meets)})")
        ] + [(str(p["value"]), f"{p['value']} · {p['label']}") for p in scale.points]
