"""Forms of the portal. Ids a customer posts are looked up through scoped selectors only: an id
of another organisation's site or device reads as unknown, whether or not it exists."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.cases.choices import Severity
from aftersales.core.ids import parse_id
from aftersales.customers.selectors import asset_queryset, site_queryset
from aftersales.workspace.forms import MultipleFileField

# Severity in the customer's words (seeds 001 and 004: 故障级别).
SEVERITY_HELP = {
    Severity.P1: gettext_lazy(
        "The whole system is down and your work has stopped: no picture from any camera, "
        "the platform cannot be reached."
    ),
    Severity.P2: gettext_lazy(
        "The system still runs but badly, and your work is seriously affected: very slow, "
        "many devices down."
    ),
    Severity.P3: gettext_lazy(
        "Part of the system is faulty, most of your work goes on: one camera, one switch, "
        "one function."
    ),
    Severity.P4: gettext_lazy(
        "A question or a request: information, installation or configuration help; little "
        "or no impact."
    ),
}


def severity_options() -> list[dict]:
    return [
        {"value": value, "title": Severity(value).label, "help": SEVERITY_HELP[value]}
        for value in Severity.values
    ]


def _file_problem(upload) -> str | None:
    """What the case service would refuse in this file, said before anything is written."""
    name = PurePath(upload.name or "file").name.rstrip(". ")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in settings.ATTACHMENT_FORBIDDEN_EXTENSIONS:
        return _("Files of type .%(ext)s are not accepted.") % {"ext": extension}
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        return _("The file is larger than the limit of %(limit)s.") % {
            "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)
        }
    return None


class _FilesForm(forms.Form):
    files = MultipleFileField(label=gettext_lazy("Files"), required=False)

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        problems = []
        for upload in uploads:
            problem = _file_problem(upload)
            if problem:
                problems.append(
                    _("%(name)s: %(problem)s") % {"name": upload.name, "problem": problem}
                )
        if problems:
            raise forms.ValidationError(problems)
        return uploads


class NoteForm(_FilesForm):
    body = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("files") and not self.errors:
            raise forms.ValidationError(_("Write a note or add a file."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        widget=forms.Textarea,
        error_messages={"required": gettext_lazy("Tell us what is still wrong.")},
    )


class ConfirmForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Comment"), required=False, widget=forms.Textarea)


class RequestForm(_FilesForm):
    """A new request: what is wrong, how badly, where and on which device."""

    title = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say in a few words what is wrong.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Details"),
        widget=forms.Textarea,
        required=False,
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("How badly is your work affected?"),
        choices=Severity.choices,
        initial=Severity.P3,
        error_messages={"required": gettext_lazy("Choose how badly your work is affected.")},
    )
    site = forms.CharField(label=gettext_lazy("Site"), required=False)
    asset = forms.CharField(label=gettext_lazy("Device"), required=False)

    def __init__(self, *args, user, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.sites = sites

    def clean_site(self):
        ref = self.cleaned_data.get("site")
        if not ref:
            if self.sites:
                raise forms.ValidationError(_("Choose the site where the problem is."))
            return None
        pk = parse_id(ref)
        site = site_queryset(user=self.user).filter(pk=pk).first() if pk else None
        if site is None:
            raise forms.ValidationError(_("Unknown site: choose one of your organisation's."))
        return site

    def clean_asset(self):
        ref = self.cleaned_data.get("asset")
        if not ref:
            return None
        pk = parse_id(ref)
        asset = (
            asset_queryset(user=self.user).filter(pk=pk, archived_at__isnull=True).first()
            if pk
            else None
        )
        if asset is None:
            raise forms.ValidationError(
                _("Unknown device: choose one of your organisation's devices from the list.")
            )
        return asset

    def clean(self):
        data = super().clean()
        site, asset = data.get("site"), data.get("asset")
        if site is not None and asset is not None and asset.site_id != site.pk:
            self.add_error("asset", _("This device is not at the site you chose."))
        return data

    def errors_by_field(self) -> dict[str, list[str]]:
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}
