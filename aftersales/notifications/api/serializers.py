"""Input and output serializers of the notifications API. No rules live here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from aftersales.notifications.choices import ALL_EVENTS, PERSONAL_CHANNELS, Event
from aftersales.notifications.models import InAppNotification


class NotificationOut(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", default=None, read_only=True)
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = InAppNotification
        fields = ["id", "event", "title", "body", "url", "case", "created_at", "read_at", "is_read"]
        read_only_fields = fields


class UnreadCountOut(serializers.Serializer):
    unread = serializers.IntegerField()


class PreferenceItem(serializers.Serializer):
    event = serializers.ChoiceField(
        choices=[(ALL_EVENTS, _("Every event")), *Event.choices],
        help_text=_("An event code, or * for every event."),
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=list(PERSONAL_CHANNELS)), allow_empty=True
    )


class PreferencesIn(serializers.Serializer):
    preferences = PreferenceItem(many=True)


class PreferencesOut(serializers.Serializer):
    preferences = PreferenceItem(many=True, help_text=_("What you chose."))
    effective = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("For every event, the channels you get it on."),
    )
