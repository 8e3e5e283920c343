"""Reads of notifications: a person's own, never anyone else's."""

from django.db.models import QuerySet

from aftersales.accounts.models import User
from aftersales.notifications.choices import Event
from aftersales.notifications.models import InAppNotification, NotificationPreference
from aftersales.notifications.services import channels_for


def inapp_list(*, user: User) -> QuerySet[InAppNotification]:
    """The user's in-app notifications, newest first."""
    if not user.is_authenticated or not user.is_active:
        return InAppNotification.objects.none()
    return InAppNotification.objects.filter(user_id=user.pk).select_related("case").order_by("-id")


def inapp_unread_count(*, user: User) -> int:
    if not user.is_authenticated or not user.is_active:
        return 0
    return InAppNotification.objects.filter(user_id=user.pk, read_at=None).count()


def preferences_of(*, user: User) -> list[NotificationPreference]:
    return list(NotificationPreference.objects.filter(user_id=user.pk).order_by("event"))


def effective_channels(*, user: User) -> dict[str, list[str]]:
    """For every event, the channels the user gets it on: the event's preference, else the
    "every event" one, else the defaults."""
    mine = {user.pk: {p.event: p.channels for p in preferences_of(user=user)}}
    return {event: channels_for(user.pk, event, mine) for event in Event.values}
