"""The signed-in person's own notifications and channel preferences: parse, call, render."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.notifications import selectors, services
from aftersales.notifications.api import serializers


class NotificationListView(generics.ListAPIView):
    """Your notifications, newest first."""

    serializer_class = serializers.NotificationOut

    def get_queryset(self):
        return selectors.inapp_list(user=self.request.user)


class NotificationReadView(APIView):
    @extend_schema(request=None, responses=serializers.NotificationOut)
    def post(self, request, pk: int):
        """Mark one of your notifications read."""
        notification = services.inapp_mark_read(user=request.user, notification_id=pk)
        return Response(serializers.NotificationOut(notification).data)


class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses=serializers.UnreadCountOut)
    def post(self, request):
        """Mark all your notifications read."""
        services.inapp_mark_all_read(user=request.user)
        return Response({"unread": 0})


class UnreadCountView(APIView):
    @extend_schema(responses=serializers.UnreadCountOut)
    def get(self, request):
        """How many of your notifications are unread."""
        return Response({"unread": selectors.inapp_unread_count(user=request.user)})


class PreferencesView(APIView):
    def _render(self, user, code=status.HTTP_200_OK) -> Response:
        data = {
            "preferences": [
                {"event": p.event, "channels": p.channels}
                for p in selectors.preferences_of(user=user)
            ],
            "effective": selectors.effective_channels(user=user),
        }
        return Response(serializers.PreferencesOut(data).data, status=code)

    @extend_schema(responses=serializers.PreferencesOut)
    def get(self, request):
        """Your channel preferences, and what they mean for every event."""
        return self._render(request.user)

    @extend_schema(request=serializers.PreferencesIn, responses=serializers.PreferencesOut)
    def put(self, request):
        """Replace your channel preferences. The most specific wins: an event's own, then
        "*" (every event), then the defaults (in the app and email; SMS too for assigned,
        reminder, escalated and breached)."""
        parsed = serializers.PreferencesIn(data=request.data)
        parsed.is_valid(raise_exception=True)
        services.preferences_set(
            user=request.user, preferences=parsed.validated_data["preferences"]
        )
        return self._render(request.user)
