"""Forms of the review-cycle pages. They check input; the services check the rest and
raise `ReviewError` with the fields concerned (shown through `add_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms

from frameworks.models import EvidenceKind
from reviews.errors import ReviewError
from reviews.models import MIN_PEER_THRESHOLD, Phase, ReviewCycle

DATE = forms.DateInput(attrs={"type": "date", "class": "input--short"}, format="%Y-%m-%d")


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)


def add_errors(form: forms.Form, error: ReviewError, default_field: str | None = None) -> None:
    """Show a service's errors on a Django form: on the field they name, or at the top."""
    if not error.errors:
        form.add_error(None, error.message)
        return
    for field, message in error.errors:
        name = field if field in form.fields else default_field
        form.add_error(name if name in form.fields else None, message)


class NameForm(forms.Form):
    name = forms.CharField(
        label="Name of the review cycle",
        max_length=120,
        help_text="People see it in their e-mails and on their reviews, "
        "e.g. “2026 mid-year review”.",
    )
    period_start = forms.DateField(
        label="Period starts",
        required=False,
        widget=DATE,
        help_text="The work the review looks back on.",
    )
    period_end = forms.DateField(label="Period ends", required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end after it starts.")
        if bool(start) != bool(end):
            self.add_error(
                "period_end" if start else "period_start",
                "Enter both dates of the period, or neither.",
            )
        return data


RULE_CHOICES = [
    ("everyone", "Everyone placed on a ladder"),
    ("families", "People in some job families"),
    ("levels", "People at some levels"),
    ("teams", "Some managers’ direct reports (their teams)"),
    ("managers", "Everyone under some managers, directly or not"),
]


KEEP = "kept"  # the people step's choice to leave the people chosen one by one as they are


class ParticipantsForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who takes part?", choices=RULE_CHOICES, widget=forms.RadioSelect
    )
    families = forms.MultipleChoiceField(
        label="Job families", required=False, widget=forms.CheckboxSelectMultiple
    )
    levels = forms.MultipleChoiceField(
        label="Levels", required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.MultipleChoiceField(
        label="Managers whose direct reports take part",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    managers = forms.MultipleChoiceField(
        label="Managers whose whole organization takes part",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        choices: dict[str, list[tuple[str, str]]],
        kept: int = 0,
        **kwargs: Any,
    ):
        """`kept`: how many people were chosen one by one (a copied cycle, or one made
        through the API) — keeping them is then the first choice, so that walking
        through the steps does not swap them for everyone."""
        super().__init__(*args, **kwargs)
        for name, options in choices.items():
            self.fields[name].choices = options  # type: ignore[attr-defined]
        if kept:
            label = f"Keep the {kept} {'person' if kept == 1 else 'people'} chosen one by one"
            self.fields["kind"].choices = [(KEEP, label), *RULE_CHOICES]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and kind not in ("everyone", KEEP) and not data.get(kind):
            self.add_error(kind, "Choose at least one.")
        return data

    @property
    def rule(self) -> dict[str, Any]:
        kind = self.cleaned_data["kind"]
        return {"kind": kind, "ids": list(self.cleaned_data.get(kind) or [])}


class InputsForm(forms.Form):
    self_review = forms.BooleanField(
        label="Self-review",
        required=False,
        help_text="Each person rates themselves against their level’s statements.",
    )
    manager_review = forms.BooleanField(
        label="Manager review",
        required=False,
        help_text="Their manager rates them. The manager’s ratings are the proposed final ratings.",
    )
    peers = forms.IntegerField(
        label="Peers per person",
        min_value=0,
        max_value=10,
        initial=3,
        help_text=f"Colleagues who give feedback; 0 for none. At least {MIN_PEER_THRESHOLD}: "
        f"peer feedback is only ever shown combined, and only when {MIN_PEER_THRESHOLD} or more "
        "peers have answered.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    upward = forms.BooleanField(
        label="Upward feedback",
        required=False,
        help_text="People who manage others are also reviewed by their direct reports "
        "(combined, like peers).",
    )
    peer_threshold = forms.IntegerField(
        label="Show peer feedback when at least this many peers answered",
        min_value=MIN_PEER_THRESHOLD,
        max_value=10,
        initial=MIN_PEER_THRESHOLD,
        help_text=f"Never fewer than {MIN_PEER_THRESHOLD}, so no one’s answers can be singled out.",
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    manager_sees_self = forms.ChoiceField(
        label="When does the manager see the self-review?",
        choices=ReviewCycle.SelfVisibility.choices,
        widget=forms.RadioSelect,
        initial=ReviewCycle.SelfVisibility.AFTER_OWN,
        help_text="Waiting until the manager has written their own review keeps it independent.",
    )
    peer_competencies = forms.MultipleChoiceField(
        label="Competencies peers answer",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "A shorter form for peers. Choose none to ask peers about every competency; "
            "people on a ladder with none of the chosen ones are asked about all of theirs."
        ),
    )

    def __init__(self, *args: Any, competencies: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["peer_competencies"].choices = competencies  # type: ignore[attr-defined]
        if not competencies:
            del self.fields["peer_competencies"]

    @property
    def changes(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "inputs": {
                "self": d["self_review"],
                "manager": d["manager_review"],
                "peers": d["peers"] or 0,
                "upward": d["upward"],
            },
            "peer_threshold": d["peer_threshold"],
            "manager_sees_self": d["manager_sees_self"],
            "peer_competency_uids": d.get("peer_competencies") or [],
        }


class DeadlinesForm(forms.Form):
    def __init__(self, *args: Any, phases: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        hints: dict[str, str] = {
            Phase.NOMINATIONS: "When peers must be nominated and approved.",
            Phase.SELF: "When self-reviews are due.",
            Phase.PEER: "When peer (and upward) feedback is due.",
            Phase.MANAGER: "When manager reviews are due.",
            Phase.CALIBRATION: "When HR plans to finish calibration (for your planning).",
        }
        for phase in phases:
            self.fields[phase] = forms.DateField(
                label=str(Phase(phase).label), required=False, widget=DATE, help_text=hints[phase]
            )

    @property
    def deadlines(self) -> dict[str, Any]:
        return {phase: self.cleaned_data.get(phase) for phase in self.fields}


class NextLevelForm(forms.Form):
    include_next_level = forms.TypedChoiceField(
        label="Rate the statements of the next level too?",
        choices=[
            ("yes", "Yes — see who is ready for the next level"),
            ("no", "No — only the person’s own level"),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )  # the step's heading asks it; what it means is the step's intro


class ReassignForm(RevisionForm):
    reviewer = forms.ChoiceField(label="Who writes the manager review?")

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", "Choose a person"), *people]  # type: ignore[attr-defined]


class AddPeopleForm(RevisionForm):
    people = forms.MultipleChoiceField(
        label="People to add",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Only people placed on a ladder. Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = people  # type: ignore[attr-defined]


class NominateForm(forms.Form):
    peer = forms.ChoiceField(label="Colleague")

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["peer"].choices = [("", "Choose a colleague"), *people]  # type: ignore[attr-defined]


class ReminderForm(forms.Form):
    phase = forms.ChoiceField(
        label="Remind everyone with",
        choices=[
            (Phase.SELF, "Self-reviews to finish"),
            (Phase.PEER, "Peer feedback to give"),
            (Phase.MANAGER, "Manager reviews to write"),
            (Phase.NOMINATIONS, "Peers to nominate or approve"),
        ],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why is it reopened?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The reviewer and the audit log see this.",
    )


class FinalRatingForm(forms.Form):
    rating = forms.TypedChoiceField(label="Final rating", coerce=int)
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required: the evidence or discussion behind the change.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, scale_choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = scale_choices  # type: ignore[attr-defined]


def _optional_text(label: str, help_text: str) -> forms.CharField:
    """Free text of up to 5,000 characters that may be left empty."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
    )


class ConversationForm(forms.Form):
    held_on = forms.DateField(label="Date of the conversation", widget=DATE)
    notes = _optional_text(
        "Notes", "What you agreed, in a few lines. The employee sees these notes."
    )


class AcknowledgeForm(forms.Form):
    comment = _optional_text(
        "Your comment",
        "Anything you want on record about these results. Your manager and HR see it.",
    )


class ScaleForm(RevisionForm):
    meets = forms.TypedChoiceField(
        label="Which point means “meets the level”?",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Gap reports compare each final rating with this point.",
    )

    def __init__(self, *args: Any, points: list[dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["meets"].choices = [  # type: ignore[attr-defined]
            (p["value"], f"{p['value']} — {p['label']}") for p in points
        ]
        for p in points:
            v = p["value"]
            self.fields[f"label_{v}"] = forms.CharField(
                label=f"Label of {v}", max_length=60, initial=p["label"]
            )
            self.fields[f"definition_{v}"] = forms.CharField(
                label=f"What {v} means",
                max_length=400,
                initial=p["definition"],
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (p["value"], self[f"label_{p['value']}"], self[f"definition_{p['value']}"])
            for p in self.points
        ]

    @property
    def new_points(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "value": p["value"],
                "label": d[f"label_{p['value']}"],
                "definition": d[f"definition_{p['value']}"],
            }
            for p in self.points
        ]


EVIDENCE_CHOICES = [("", "Kind of evidence"), *EvidenceKind.choices]
