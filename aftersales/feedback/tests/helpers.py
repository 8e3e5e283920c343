"""Helpers of feedback's tests."""

from urllib.parse import urlsplit

from aftersales.notifications.models import OutboxMessage


def survey_link(case) -> str:
    """The survey address the customer was sent (from the outbox's email), path and query."""
    message = (
        OutboxMessage.objects.filter(event="survey", channel="email", case=case)
        .order_by("-id")
        .first()
    )
    assert message is not None, "no survey email for this case"
    parts = urlsplit(message.payload["url"])
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def token_of(link: str) -> str:
    return urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
