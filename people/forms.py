"""Forms for the people directory. They validate input; the services write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from frameworks.models import JobFamily, Level
from people.models import Person
from people.placement import placeable_levels

LEVEL_HELP = (
    "Levels of the job family's latest published ladder. A level only its draft has is "
    "pending until the draft is published."
)


def level_label(level: Level) -> str:
    return f"{level.code} · {level.title} ({level.get_track_display()} track)"


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return level_label(obj)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.title})" if obj.title else obj.name


def level_choices(levels: list[Level], *, grouped: bool) -> list[Any]:
    """Choices for the level select: one group per job family when no family is chosen."""
    choices: list[Any] = [("", "No level yet")]
    if not grouped:
        return choices + [(lv.public_id, level_label(lv)) for lv in levels]
    groups: dict[str, list[tuple[str, str]]] = {}
    for lv in levels:
        groups.setdefault(lv.version.family.name, []).append((lv.public_id, level_label(lv)))
    return choices + list(groups.items())


class PersonForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the person's full name."},
    )
    email = forms.EmailField(
        label="Work e-mail address",
        max_length=254,
        error_messages={
            "required": "Enter their work e-mail address.",
            "invalid": "Enter an e-mail address in the right format, like name@example.com.",
        },
        help_text="Used to invite them to log in. Each person needs their own address.",
    )
    title = forms.CharField(
        label="Job title",
        max_length=150,
        required=False,
        help_text="As it appears in your HR system, for example “Senior Product Manager”.",
    )
    manager = PersonChoiceField(
        label="Manager",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="No manager (top of the organization)",
    )
    job_family: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Job family",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="Not placed on a ladder yet",
    )
    level = LevelChoiceField(
        label="Level",
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="No level yet",
        help_text=LEVEL_HELP,
    )
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input--short"}, format="%Y-%m-%d"),
        help_text="The day they joined the company.",
    )

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        managers: QuerySet[Person] = Person.objects.filter(is_active=True).order_by("name")
        if person is not None:
            managers = Person.objects.filter(Q(is_active=True) | Q(pk=person.manager_id))
            managers = managers.exclude(pk=person.pk).order_by("name")
        self.fields["manager"].queryset = managers  # type: ignore[attr-defined]
        self.fields["job_family"].queryset = JobFamily.objects.filter(  # type: ignore[attr-defined]
            Q(archived_at=None) | Q(pk=getattr(person, "job_family_id", None))
        ).order_by("position", "name")
        self.fields["job_family"].widget.attrs.update(
            {
                "hx-get": reverse("people:level_options"),
                "hx-trigger": "change",
                "hx-target": "#id_level-field",
                "hx-swap": "outerHTML",
            }
        )
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")
        family = self._chosen_family()
        levels = placeable_levels(family)
        level_field = self.fields["level"]
        level_field.queryset = Level.objects.filter(pk__in=[lv.pk for lv in levels])  # type: ignore[attr-defined]
        level_field.choices = level_choices(levels, grouped=family is None)  # type: ignore[attr-defined]
        self.family = family

    def _chosen_family(self) -> JobFamily | None:
        key = self.add_prefix("job_family")
        if self.is_bound:
            value = self.data.get(key)
        else:
            value = self.initial.get("job_family")
            if isinstance(value, JobFamily):
                return value
        if not value:
            return None
        return JobFamily.objects.filter(public_id=value).first()

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level, family = data.get("level"), data.get("job_family")
        if level is not None and family is None:
            data["job_family"] = level.version.family
        elif level is not None and family is not None and level.version.family_id != family.pk:
            self.add_error("level", f"Choose a level of the {family.name} ladder.")
        return data


class EditPersonForm(PersonForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    level_effective_date = forms.DateField(
        label="Date the new level takes effect",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "input--short"}, format="%Y-%m-%d"),
        help_text="Only needed when you change the job family or level. Recorded in their "
        "level history.",
    )
    level_reason = forms.CharField(
        label="Reason for the level change",
        max_length=200,
        required=False,
        help_text="For example “Promotion after the spring review” or “Correction”.",
    )

    def level_changed(self) -> bool:
        person = self.person
        assert person is not None
        data = self.cleaned_data
        family, level = data.get("job_family"), data.get("level")
        return (getattr(family, "pk", None), getattr(level, "uid", "")) != (
            person.job_family_id,
            person.level_uid,
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and self.level_changed():
            if not data.get("level_effective_date"):
                self.add_error(
                    "level_effective_date",
                    "Enter the date the new level takes effect, for example today.",
                )
            if not data.get("level_reason", "").strip():
                self.add_error("level_reason", "Say why the level changes, in a few words.")
        return data

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        return {
            "name": person.name,
            "email": person.email,
            "title": person.title,
            "manager": person.manager.public_id if person.manager else None,
            "job_family": person.job_family,
            "level": person.level.public_id if person.level else None,
            "start_date": person.start_date,
            "revision": person.revision,
            "level_effective_date": timezone.localdate(),
        }


STATUS_CHOICES = [("active", "Active"), ("deactivated", "Deactivated"), ("all", "Everyone")]
LOGIN_CHOICES = [
    ("", "Any"),
    ("has", "Has a login"),
    ("none", "No login yet"),
    ("uninvited", "Not invited"),
    ("invited", "Invited, not accepted yet"),
]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    family = forms.ChoiceField(label="Job family", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    manager = forms.ChoiceField(label="Manager", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
    login = forms.ChoiceField(label="Login", required=False, choices=LOGIN_CHOICES)

    def __init__(
        self,
        *args: Any,
        families: list[JobFamily],
        levels: list[Level],
        managers: list[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.fields["q"].widget.attrs.update(
            type="search", placeholder="Name or e-mail", autocomplete="off"
        )
        self.fields["family"].choices = [("", "All families")] + [  # type: ignore[attr-defined]
            (f.public_id, f.name) for f in families
        ]
        codes = sorted({lv.code for lv in levels}, key=lambda c: (len(c), c))
        self.fields["level"].choices = [("", "All levels")] + [(c, c) for c in codes]  # type: ignore[attr-defined]
        self.fields["manager"].choices = [("", "Anyone")] + [  # type: ignore[attr-defined]
            (m.public_id, m.name) for m in managers
        ]

    def apply(self, qs: QuerySet[Person]) -> QuerySet[Person]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if q := (data.get("q") or "").strip():
            qs = qs.filter(Q(name__icontains=q) | Q(email__icontains=q))
        if family := data.get("family"):
            qs = qs.filter(job_family__public_id=family)
        if level := data.get("level"):
            qs = qs.filter(level_uid__in=[lv.uid for lv in self.levels if lv.code == level])
        if manager := data.get("manager"):
            qs = qs.filter(manager__public_id=manager)
        status = data.get("status") or "active"
        if status == "active":
            qs = qs.filter(is_active=True)
        elif status == "deactivated":
            qs = qs.filter(is_active=False)
        login = data.get("login")
        if login == "has":
            qs = qs.filter(user__isnull=False)
        elif login == "none":
            qs = qs.filter(user__isnull=True)
        elif login == "uninvited":
            qs = qs.filter(Q(invited=False), user__isnull=True)
        elif login == "invited":
            qs = qs.filter(Q(invited=True), user__isnull=True)
        return qs

    @property
    def is_filtered(self) -> bool:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return any(v for k, v in data.items() if k != "status") or data.get("status") not in (
            None,
            "",
            "active",
        )


def parse_date(value: str) -> dt.date | None:
    """YYYY-MM-DD or DD/MM/YYYY; None when neither."""
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


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
