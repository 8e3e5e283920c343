"""In the app: the notification a person sees in the workspace."""

from django.utils.translation import gettext as _

from aftersales.core.clock import now
from aftersales.notifications.channels.errors import PermanentError
from aftersales.notifications.models import InAppNotification


def send(message) -> None:
    if message.recipient_id is None:
        raise PermanentError(_("The recipient no longer exists."))
    # One per outbox message, however often it is delivered.
    InAppNotification.objects.get_or_create(
        message_id=message.pk,
        defaults={
            "user_id": message.recipient_id,
            "title": message.subject,
            "body": message.body,
            "url": (message.payload or {}).get("url", "")[:500],
            "event": message.event,
            "case_id": message.case_id,
            "created_at": now(),
        },
    )
