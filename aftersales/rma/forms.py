"""Forms of the spare-parts pages: they parse what was posted, with choices limited to what
the reader may pick; the services decide the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.cases.choices import Visibility
from aftersales.customers.models import Asset, Site, Vendor
from aftersales.rma.choices import RepairKind
from aftersales.rma.models import SparePart, StockLocation

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _parts():
    return SparePart.objects.filter(is_active=True).select_related("vendor").order_by("part_number")


def _locations():
    return StockLocation.objects.filter(is_active=True).order_by("kind", "code")


def _part_field(**kwargs):
    return forms.ModelChoiceField(label=_("Part"), queryset=_parts(), **kwargs)


LOCATION = _("Location")
NOTE = _("Note")


def _location_field(label=LOCATION, **kwargs):
    return forms.ModelChoiceField(label=label, queryset=_locations(), **kwargs)


def _note_field(label=NOTE, required=False):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 2}))


class SerialNumbersField(forms.CharField):
    """Serial numbers, one a line (or separated by commas or spaces)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [s for s in re.split(r"[\s,，;；]+", text) if s]


class VisibilityField(forms.ChoiceField):
    """Internal unless the customer is to see it."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Visible to"), choices=Visibility.choices, required=False, **kwargs
        )

    def clean(self, value):
        return super().clean(value) or Visibility.INTERNAL


class _Form(forms.Form):
    def errors_text(self) -> str:
        return "; ".join(
            f"{self.fields[field].label}: {' '.join(messages)}"
            if field in self.fields
            else " ".join(messages)
            for field, messages in self.errors.items()
        )


class _Quantity(_Form):
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    serial_numbers = SerialNumbersField(label=_("Serial numbers"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("quantity") is None and not data.get("serial_numbers"):
            raise forms.ValidationError(_("Give a quantity, or the serial numbers of the units."))
        return data

    def stock_arguments(self) -> dict:
        data = self.cleaned_data
        return {"quantity": data.get("quantity"), "serial_numbers": data["serial_numbers"]}


class ReceiveForm(_Quantity):
    part = _part_field()
    location = _location_field()
    note = _note_field(_("Note (delivery note, purchase order…)"))


class TransferForm(_Quantity):
    part = _part_field()
    from_location = _location_field(_("From"))
    to_location = _location_field(_("To"))
    note = _note_field()


class MinimumForm(_Form):
    part = _part_field()
    location = _location_field()
    minimum = forms.IntegerField(label=_("Minimum level"), min_value=0)


class TakeForm(_Quantity):
    """Reserve or use parts for a case."""

    part = _part_field()
    location = _location_field()
    note = _note_field()


class ConfirmFaultForm(_Form):
    part = _part_field(help_text=_("The good part to ship."))
    fault = forms.CharField(
        label=_("Fault found (the customer sees it)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    asset = forms.ModelChoiceField(label=_("Asset"), queryset=Asset.objects.none(), required=False)
    faulty_serial = forms.CharField(label=_("Faulty part's serial number"), required=False)
    ship_from = _location_field(_("Reserve a unit at"), required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["asset"].queryset = Asset.objects.filter(
                organisation_id=case.organisation_id
            )


class LendForm(_Form):
    part = forms.ModelChoiceField(label=_("Loaner"), queryset=_parts().filter(serialised=True))
    serial_number = forms.CharField(label=_("Serial number"))
    location = _location_field(_("From"))
    due_back_at = forms.DateTimeField(
        label=_("Due back"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    asset = forms.ModelChoiceField(
        label=_("Stands in for"), queryset=Asset.objects.none(), required=False
    )
    note = _note_field()

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            org = case.organisation_id
            self.fields["site"].queryset = Site.objects.filter(organisation_id=org)
            self.fields["asset"].queryset = Asset.objects.filter(organisation_id=org)


class VendorForm(_Form):
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"))
    reference = forms.CharField(label=_("Vendor's reference number"), max_length=100)
    note = _note_field()
    wait = forms.BooleanField(label=_("The case waits on the vendor"), required=False, initial=True)
    visibility = VisibilityField()


# --- steps of an order, a loan, a vendor ticket ----------------------------------------------


class ShipForm(_Form):
    ship_from = _location_field(_("Ship from"), required=False)
    replacement_serial = forms.CharField(label=_("Replacement's serial number"), required=False)
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=50)
    tracking_number = forms.CharField(label=_("Tracking number"), required=False, max_length=100)
    note = _note_field()


class ReceiveFaultyForm(_Form):
    faulty_serial = forms.CharField(label=_("Serial number received"), required=False)
    note = _note_field()


class SendToRepairForm(_Form):
    repair_kind = forms.ChoiceField(label=_("Repair by"), choices=RepairKind.choices)
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=Vendor.objects.order_by("name"), required=False
    )
    reference = forms.CharField(label=_("Repair reference"), required=False, max_length=100)
    note = _note_field()


class NoteForm(_Form):
    note = _note_field()


class InspectForm(_Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("true", _("Passed: back to stock")), ("false", _("Failed: scrap"))],
        coerce=lambda value: value == "true",
    )
    note = _note_field(_("Inspection result"), required=True)
    location = _location_field(_("Back to stock at"), required=False)
    serial_number = forms.CharField(label=_("Serial number"), required=False)


class ReasonForm(_Form):
    reason = _note_field(_("Reason"), required=True)


class ExtendForm(_Form):
    due_back_at = forms.DateTimeField(
        label=_("Due back"), widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M"]
    )
    reason = _note_field(_("Reason"), required=True)


class ReturnForm(_Form):
    location = _location_field(_("Back to stock at"))
    note = _note_field()


class AnswerForm(_Form):
    answer = _note_field(_("The vendor's answer"), required=True)
    visibility = VisibilityField()


class CloseForm(_Form):
    note = _note_field()
    resume = forms.BooleanField(
        label=_("Resume the case if it waits on the vendor"), required=False, initial=True
    )


class ReleaseForm(_Form):
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=1)
    note = _note_field()
