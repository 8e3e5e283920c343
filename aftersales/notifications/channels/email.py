"""Email through Django's email backend (SMTP in production), as UTF-8 text."""

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from aftersales.notifications.channels.errors import DeliveryError, PermanentError


def message_id(message) -> str:
    """The same Message-ID for every try of one outbox message, so that a mail delivered
    twice (at least once, after all) can be recognised as one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
    tag = hashlib.sha256(f"{message.pk}:{message.created_at.isoformat()}".encode()).hexdigest()
    return f"<outbox-{message.pk}.{tag[:16]}@{domain}>"


def send(message, *, connection) -> None:
    if not message.address:
        raise PermanentError(_("The recipient has no email address."))
    mail = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.address],
        connection=connection,
        headers={"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"},
    )
    if mail.send(fail_silently=False) != 1:
        raise DeliveryError(_("The mail backend did not send the message."))
