from __future__ import annotations

from typing import Any

from django import forms

from frameworks.models import JobFamily


class AddCompetencyForm(forms.Form):
    family = forms.ChoiceField(
        label="Which job family should get this competency?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the job family to add the competency to."},
    )
    occupation = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, families: list[tuple[JobFamily, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.families = {f.public_id: f for f, _ in families}
        field = self.fields["family"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(f.public_id, f"{f.name} — {note}") for f, note in families]

    def clean_family(self) -> JobFamily:
        family = self.families.get(self.cleaned_data["family"])
        if family is None:
            raise forms.ValidationError("Choose the job family to add the competency to.")
        return family
