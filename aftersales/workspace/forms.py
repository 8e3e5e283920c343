from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import Role
from aftersales.cases.choices import (
    CallKind,
    CaseType,
    Cause,
    Channel,
    Severity,
    Visibility,
    WaitingOn,
)
from aftersales.cases.selectors import engineer_workload
from aftersales.core.errors import NotFound
from aftersales.customers import selectors as customer_selectors


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    files = MultipleFileField(label=_("Files"), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not self.files.getlist("files"):
            raise forms.ValidationError(_("Write a note or drop a file."))
        return data


def action_choices(case) -> dict:
    """What the action forms offer: engineers with their load and region, teams, experts and
    the fixed lists."""
    # The forms show names, loads and regions: not the engineers' teams and groups, whose
    # prefetching cost more than the rest of the case page (200 engineers); the experts are
    # picked by one query of ids instead.
    engineers = list(engineer_workload().prefetch_related(None))
    experts = set(
        User.groups.through.objects.filter(group__name=Role.EXPERT).values_list(
            "user_id", flat=True
        )
    )
    return {
        "engineers": engineers,
        "experts": [u for u in engineers if u.pk in experts]
        or list(User.objects.filter(groups__name=Role.EXPERT, is_active=True)),
        "teams": list(Team.objects.filter(is_active=True).only("id", "code", "name")),
        "causes": Cause.choices,
        "severities": Severity.choices,
        "waiting_on": WaitingOn.choices,
        "call_kinds": CallKind.choices,
        "visibilities": Visibility.choices,
    }


QUEUE_LABELS = {
    "unassigned": _("Unassigned"),
    "due_soon": _("Due soon"),
    "breached": _("Breached"),
    "waiting": _("Waiting"),
    "team": _("By team"),
}


class _ScopedForm(forms.Form):
    """Forms whose choices come from what the signed-in user may see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def errors_text(self) -> str:
        return "; ".join(
            f"{self.fields[f].label if f in self.fields else ''}: {' '.join(m)}".lstrip(": ")
            for f, m in self.errors.items()
        )

    def _organisation(self, ref: str):
        try:
            return customer_selectors.organisation_find(user=self.user, ref=ref)
        except NotFound as exc:
            raise forms.ValidationError(_("Unknown organisation.")) from exc


class CaseForm(_ScopedForm):
    organisation = forms.CharField(label=_("Organisation (code)"))
    contact = forms.IntegerField(label=_("Contact"), required=False)
    caller_name = forms.CharField(label=_("Caller"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial="P3")
    case_type = forms.ChoiceField(label=_("Case type"), choices=CaseType.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="phone")
    reported_at = forms.DateTimeField(label=_("Reported at"), required=False)
    assets = forms.Field(label=_("Assets"), required=False, widget=forms.MultipleHiddenInput)
    assignee = forms.CharField(label=_("Assign to"), required=False)

    def clean_assets(self) -> list[int]:
        values = self.cleaned_data.get("assets") or []
        if not all(str(v).isdigit() for v in values):
            raise forms.ValidationError(_("Unknown asset."))
        return [int(v) for v in values]

    def clean_organisation(self):
        return self._organisation(self.cleaned_data["organisation"])

    def clean_assignee(self):
        username = self.cleaned_data.get("assignee")
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Unknown engineer."))
        return user

    def case_arguments(self) -> dict:
        data = self.cleaned_data
        organisation = data["organisation"]
        contact = (
            customer_selectors.contact_queryset(user=self.user)
            .filter(pk=data.get("contact"), organisation=organisation)
            .first()
            if data.get("contact")
            else None
        )
        assets = list(
            customer_selectors.asset_queryset(user=self.user).filter(pk__in=data["assets"])
        )
        arguments = {
            "organisation": organisation,
            "title": data["title"],
            "description": data["description"],
            "severity": data["severity"],
            "case_type": data["case_type"],
            "channel": data["channel"],
            "assets": assets,
            "contact": contact,
            "caller_name": data["caller_name"],
            "caller_phone": data["caller_phone"],
        }
        if data.get("reported_at"):
            arguments["reported_at"] = data["reported_at"]
        return arguments


class ConsultationForm(_ScopedForm):
    organisation = forms.CharField(label=_("Organisation (code)"), required=False)
    caller_name = forms.CharField(label=_("Caller"), max_length=100)
    caller_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea)
    answer = forms.CharField(label=_("Answer given"), widget=forms.Textarea, required=False)
    resolved = forms.BooleanField(label=_("Resolved on the call"), required=False, initial=True)
    satisfied = forms.BooleanField(label=_("Caller satisfied"), required=False, initial=True)

    def clean_organisation(self):
        ref = self.cleaned_data.get("organisation")
        return self._organisation(ref) if ref else None
