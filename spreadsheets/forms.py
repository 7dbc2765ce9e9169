from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from frameworks.models import JobFamily


def limit_label() -> str:
    return f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Workbook",
        help_text="",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": "Choose the workbook to upload.",
            "empty": "The file is empty. Choose the workbook again and upload it.",
            "invalid": "Choose the workbook to upload.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"An Excel workbook (.xlsx) of up to {limit_label()}, "
            f"{settings.IMPORT_MAX_SHEETS} sheets and {settings.IMPORT_MAX_ROWS:,} rows."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError("The file is empty. Choose the workbook again.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {limit_label()}. Remove unused sheets or images "
                "and try again."
            )
        return upload


class ExportForm(forms.Form):
    family = forms.ChoiceField(label="Job family", required=False)
    version = forms.ChoiceField(
        label="Version",
        required=False,
        choices=[
            ("published", "Latest published version"),
            ("draft", "Current draft (where there is one)"),
        ],
        initial="published",
        help_text="Families without the version you choose are exported as they are.",
    )
    people = forms.BooleanField(
        label="Include people",
        required=False,
        initial=True,
        help_text="With one job family chosen, only the people in that family.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.families = list(JobFamily.objects.all())
        family_field = self.fields["family"]
        assert isinstance(family_field, forms.ChoiceField)
        family_field.choices = [("", "All job families")] + [
            (f.public_id, f.name) for f in self.families
        ]

    def clean_version(self) -> str:
        return self.cleaned_data.get("version") or "published"

    def chosen_family(self) -> JobFamily | None:
        wanted = self.cleaned_data.get("family")
        return next((f for f in self.families if f.public_id == wanted), None)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Up to 5,000 people and 2 MB. Save your spreadsheet as “CSV UTF-8”.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. Add a header row and one row per person.",
        },
    )
