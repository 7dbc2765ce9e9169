"""Forms for the people directory. They validate input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from frameworks.models import JobFamily, Level
from people.models import Person
from people.placement import placeable_levels

LEVEL_HELP = (
    "Levels of the job family's latest published ladder. A level only its draft has is "
    "pending until the draft is published."
)

DATE = forms.DateInput(attrs={"type": "date", "class": "input--short"}, format="%Y-%m-%d")


def level_label(level: Level) -> str:
    return f"{level.code} · {level.title} ({level.get_track_display()} track)"


class PublicIdChoiceField(forms.ModelChoiceField):
    """An optional choice of one of the organization's rows, posted as its public id. The
    form sets the queryset in `__init__`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("to_field_name", "public_id")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class LevelChoiceField(PublicIdChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return level_label(obj)


class PersonChoiceField(PublicIdChoiceField):
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
        empty_label="No manager (top of the organization)",
    )
    job_family: forms.ModelChoiceField = PublicIdChoiceField(
        label="Job family",
        empty_label="Not placed on a ladder yet",
    )
    level = LevelChoiceField(
        label="Level",
        empty_label="No level yet",
        help_text=LEVEL_HELP,
    )
    start_date = forms.DateField(
        label="Start date",
        required=False,
        widget=DATE,
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
        widget=DATE,
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


def _reverse(expression: Any) -> Any:
    """The same ordering, the other way round; empty values stay last."""
    if isinstance(expression, OrderBy):
        return OrderBy(expression.expression, descending=not expression.descending, nulls_last=True)
    return expression.desc(nulls_last=True)


def _level_rank() -> Subquery:
    """The rank of a person's level: of the family's latest published version that has the
    uid, else of its draft (a pending placement)."""
    return Subquery(
        Level.objects.filter(version__family=OuterRef("job_family"), uid=OuterRef("level_uid"))
        .order_by(Case(When(version__status="published", then=0), default=1), "-version__number")
        .values("rank")[:1]
    )


# sort key → the ordering, ascending; "-key" reverses it. Every ordering ends in the name
# and the id, so a sort is stable: equal rows keep one order from page to page.
SORTS: dict[str, list[Any]] = {
    "name": [Lower("name")],
    "family": [F("job_family__name").asc(nulls_last=True)],
    "level": [F("level_rank").asc(nulls_last=True)],
    "manager": [Lower("manager__name").asc(nulls_last=True)],
    "status": [F("is_active").desc(), F("user_id").asc(nulls_last=True), F("invited").desc()],
}
SORTS.update({f"-{k}": [_reverse(e) for e in v] for k, v in list(SORTS.items())})


def sort_people(qs: QuerySet[Person], key: str) -> QuerySet[Person]:
    order = SORTS.get(key, SORTS["name"])
    if "invited" not in qs.query.annotations:  # the column accounts adds (people.panels)
        order = [e for e in order if "invited" not in str(e)]
    if key.lstrip("-") == "level":
        qs = qs.annotate(level_rank=_level_rank())
    tie = [Lower("name"), "pk"] if key.lstrip("-") != "name" else ["pk"]
    return qs.order_by(*order, *tie)


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {name}" if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """Django's select, the same HTML, written in Python: its templates render each option
    on its own, which took most of the people list's time with hundreds of managers."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        out = [format_html('<select name="{}"', widget["name"]), _attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                out.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                out.append(format_html('\n  <option value="{}"', str(option["value"])))
                out.append(_attrs(option["attrs"]))
                out.append(format_html(">{}</option>\n", option["label"]))
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return mark_safe("".join(out))  # every part is escaped above


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    family = forms.ChoiceField(label="Job family", required=False, widget=QuickSelect)
    level = forms.ChoiceField(label="Level", required=False, widget=QuickSelect)
    manager = forms.ChoiceField(label="Manager", required=False, widget=QuickSelect)
    status = forms.ChoiceField(
        label="Status", required=False, choices=STATUS_CHOICES, widget=QuickSelect
    )
    login = forms.ChoiceField(
        label="Login", required=False, choices=LOGIN_CHOICES, widget=QuickSelect
    )
    sort = forms.ChoiceField(
        required=False, choices=[(k, k) for k in SORTS], widget=forms.HiddenInput
    )

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
        # one group per job family, its levels by rank (placeable_levels' order)
        groups: dict[str, list[tuple[str, str]]] = {}
        for lv in levels:
            groups.setdefault(lv.version.family.name, []).append(
                (lv.uid, f"{lv.code} · {lv.title}")
            )
        self.fields["level"].choices = [("", "All levels"), *groups.items()]  # type: ignore[attr-defined]
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
            qs = qs.filter(level_uid=level)
        if manager := data.get("manager"):
            qs = qs.filter(manager__public_id=manager)
        status = data.get("status") or "active"
        if status == "active":
            qs = qs.filter(is_active=True)
        elif status == "deactivated":
            qs = qs.filter(is_active=False)
        qs = sort_people(qs, data.get("sort") or "name")
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
        return any(v for k, v in data.items() if k not in ("status", "sort")) or data.get(
            "status"
        ) not in (
            None,
            "",
            "active",
        )


class BulkForm(forms.Form):
    """The second step of a bulk change: what exactly to do with the chosen people."""

    action = forms.ChoiceField(widget=forms.HiddenInput)
    level = LevelChoiceField(
        label="New level",
        help_text="Each person moves to this level, in its job family.",
    )
    family: forms.ModelChoiceField = PublicIdChoiceField(
        label="New job family",
        empty_label="Choose a job family",
        help_text="Their level is cleared: a level belongs to one family's ladder. Place them "
        "on a level of the new family afterwards.",
    )
    manager = PersonChoiceField(
        label="New manager",
        empty_label="No manager (top of the organization)",
    )
    choice = forms.ChoiceField(label="Invite them", required=False)
    effective_date = forms.DateField(
        label="Date the change takes effect",
        required=False,
        widget=DATE,
        help_text="Recorded in each person's level history.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        required=False,
        help_text="For example “Re-levelling after the new ladder” or “Team moved”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from people.bulk import action_choices
        from people.panels import BULK_ACTIONS

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = action_choices()  # type: ignore[attr-defined]
        levels = placeable_levels()
        level_field = self.fields["level"]
        level_field.queryset = Level.objects.filter(pk__in=[lv.pk for lv in levels])  # type: ignore[attr-defined]
        level_field.choices = [("", "Choose a level"), *level_choices(levels, grouped=True)[1:]]  # type: ignore[attr-defined]
        self.fields["family"].queryset = JobFamily.objects.filter(  # type: ignore[attr-defined]
            archived_at=None
        ).order_by("position", "name")
        self.fields["manager"].queryset = Person.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        action = self.data.get("action") or self.initial.get("action")
        extra = BULK_ACTIONS.get(str(action))
        self.fields["choice"].choices = extra[2] if extra else []  # type: ignore[attr-defined]
        if extra:
            self.fields["choice"].label = extra[0]
        self.fields["effective_date"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action == "level" and not data.get("level"):
            self.add_error("level", "Choose the level to move them to.")
        if action == "family" and not data.get("family"):
            self.add_error("family", "Choose the job family to move them to.")
        if action in ("level", "family"):
            if not data.get("effective_date"):
                self.add_error("effective_date", "Enter the date it takes effect, e.g. today.")
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Say why, in a few words.")
        if self.fields["choice"].choices and not data.get("choice"):  # type: ignore[attr-defined]
            self.add_error("choice", "Choose one.")
        return data

    def fields_for_action(self) -> list[Any]:
        action = self.data.get("action") or self.initial.get("action")
        names = {
            "level": ["level", "effective_date", "reason"],
            "family": ["family", "effective_date", "reason"],
            "manager": ["manager"],
        }.get(str(action), ["choice"] if self.fields["choice"].choices else [])  # type: ignore[attr-defined]
        return [self[name] for name in names]
