"""Input and output serializers of the feedback API. No rules live here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.feedback.choices import Period, RevisitView, SatisfactionBy
from aftersales.feedback.models import Revisit, Survey


class _OrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class _UserRef(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class SurveyOut(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    case_title = serializers.CharField(source="case.title")
    organisation = _OrganisationRef()
    engineer = _UserRef(allow_null=True)
    recipient = _UserRef()
    state = serializers.SerializerMethodField(help_text=_("open, answered or expired"))
    follow_up = serializers.CharField(source="follow_up.number", default=None, allow_null=True)

    class Meta:
        model = Survey
        fields = [
            "id",
            "case",
            "case_title",
            "organisation",
            "engineer",
            "recipient",
            "language",
            "case_closed_at",
            "sent_at",
            "expires_at",
            "state",
            "answered_at",
            "rating",
            "comment",
            "follow_up",
        ]
        read_only_fields = fields

    def get_state(self, survey: Survey) -> str:
        return str(survey.state_at(self.context["at"]))


class ReportQuery(serializers.Serializer):
    start = serializers.DateField(required=False, help_text=_("First day, included."))
    end = serializers.DateField(required=False, help_text=_("Last day, included."))
    period = serializers.ChoiceField(choices=Period.choices, required=False)

    def validate(self, attrs):
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        return attrs


class SatisfactionQuery(ReportQuery):
    by = serializers.ChoiceField(choices=SatisfactionBy.choices, required=False)
    organisation = serializers.CharField(
        required=False, help_text=_("Organisation id or customer code.")
    )
    engineer = serializers.CharField(required=False, help_text=_("Engineer's username."))


class SatisfactionRowOut(serializers.Serializer):
    period = serializers.DateField(allow_null=True)
    organisation_id = serializers.IntegerField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    engineer_id = serializers.IntegerField(allow_null=True)
    engineer = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    distribution = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("How many gave each rating, 1 to 5.")
    )


class ComplaintQuery(serializers.Serializer):
    start = serializers.DateField(help_text=_("A day of the first month."))
    end = serializers.DateField(help_text=_("A day of the last month."))
    by_organisation = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("The end is before the start.")]})
        return attrs


class ComplaintRowOut(serializers.Serializer):
    month = serializers.DateField()
    organisation_id = serializers.IntegerField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()


class _ContactRef(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    mobile = serializers.CharField()


class RevisitOut(serializers.ModelSerializer):
    organisation = _OrganisationRef()
    case = serializers.CharField(source="case.number", default=None, allow_null=True)
    contract = serializers.CharField(source="contract.number", default=None, allow_null=True)
    contact = _ContactRef(allow_null=True)
    done_by = serializers.CharField(source="done_by.username", default=None, allow_null=True)
    complaint = serializers.CharField(source="complaint.number", default=None, allow_null=True)
    calls = serializers.ListField(child=serializers.DictField(), read_only=True)

    class Meta:
        model = Revisit
        fields = [
            "id",
            "kind",
            "organisation",
            "case",
            "contract",
            "contact",
            "due_at",
            "scheduled_for",
            "created_at",
            "attempts",
            "calls",
            "done_at",
            "done_by",
            "outcome",
            "satisfied",
            "notes",
            "complaint",
        ]
        read_only_fields = fields


class RevisitListQuery(serializers.Serializer):
    view = serializers.ChoiceField(choices=RevisitView.choices, required=False)


class RevisitScheduleIn(serializers.Serializer):
    case = serializers.CharField(required=False, help_text=_("Case number."))
    contract = serializers.CharField(required=False, help_text=_("Contract number."))
    due_at = serializers.DateTimeField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class RevisitRecordIn(serializers.Serializer):
    reached = serializers.BooleanField()
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    retry_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    open_complaint = serializers.BooleanField(required=False, default=False)


class RevisitOutcomeQuery(ReportQuery):
    by_organisation = serializers.BooleanField(required=False, default=False)


class RevisitOutcomeRowOut(serializers.Serializer):
    period = serializers.DateField(allow_null=True)
    organisation_id = serializers.IntegerField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    done = serializers.IntegerField()
    reached = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    not_reached = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    complaints = serializers.IntegerField()
