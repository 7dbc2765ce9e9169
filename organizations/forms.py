from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q, QuerySet

from organizations.audit_words import action_words
from organizations.models import AuditEntry, Role


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label="Organization name", max_length=120)
    require_mfa_for_admins = forms.BooleanField(
        label="Require two-factor authentication for owners and HR admins",
        required=False,
        help_text="They will be asked to set up an authenticator app before they can continue.",
    )


class AuditFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        help_text="A person, an e-mail, an item name or what happened (e.g. decided)",
    )
    action = forms.ChoiceField(label="What happened", required=False)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()
        action_field = self.fields["action"]
        assert isinstance(action_field, forms.ChoiceField)
        self.action_labels = {a: action_words(a) for a in actions}
        action_field.choices = [("", "Anything"), *self.action_labels.items()]

    def apply(self, qs: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"]
            said = q.casefold()
            named = [a for a, words in self.action_labels.items() if said in words.casefold()]
            qs = qs.filter(
                Q(actor_label__icontains=q) | Q(target_label__icontains=q) | Q(action__in=named)
            )
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("since"):
            qs = qs.filter(at__date__gte=data["since"])
        if data.get("until"):
            qs = qs.filter(at__date__lt=data["until"] + dt.timedelta(days=1))
        return qs


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
