"""Forms of the survey page and the revisit pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.feedback.services import COMMENT_MAX, NOTES_MAX

RATING_LABELS = [
    (5, _("Very satisfied")),
    (4, _("Satisfied")),
    (3, _("Neither satisfied nor dissatisfied")),
    (2, _("Dissatisfied")),
    (1, _("Very dissatisfied")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=RATING_LABELS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class RevisitRecordForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Did you reach the customer?"),
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you reached the customer.")},
    )
    satisfied = forms.TypedChoiceField(
        label=_("Is the customer satisfied?"),
        choices=YES_NO,
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=NOTES_MAX, widget=forms.Textarea
    )
    retry_at = forms.DateTimeField(
        label=_("Try again at"),
        required=False,
        help_text=_("Not reached: leave empty to close the revisit, or say when to call again."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    open_complaint = forms.BooleanField(
        label=_("Open a complaint case for the quality manager"), required=False
    )


class RevisitScheduleForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("Call on"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": _("Give the day and time of the call.")},
    )
    notes = forms.CharField(
        label=_("What to ask"), required=False, max_length=NOTES_MAX, widget=forms.Textarea
    )
