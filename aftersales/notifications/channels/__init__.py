"""How outbox messages leave: email, SMS, chat robots, the app. `Session` sends a batch,
reusing one mail connection and one HTTP client."""

import contextlib

import httpx
from django.conf import settings
from django.core.mail import get_connection
from django.utils.translation import gettext as _

from aftersales.notifications.channels.errors import DeliveryError, PermanentError
from aftersales.notifications.choices import ROBOT_CHANNELS, Channel

__all__ = ["DeliveryError", "PermanentError", "Session"]


class Session:
    """One delivery batch. Use as a context manager; `send` raises DeliveryError (try again
    later) or PermanentError (no point trying again)."""

    def __init__(self):
        self._mail = None
        self._http: httpx.Client | None = None

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info) -> None:
        self._close_mail()
        if self._http is not None:
            self._http.close()
            self._http = None

    def _close_mail(self) -> None:
        if self._mail is not None:
            # Closing a broken connection may fail too.
            with contextlib.suppress(Exception):
                self._mail.close()
            self._mail = None

    @property
    def mail(self):
        if self._mail is None:
            self._mail = get_connection(fail_silently=False)
        return self._mail

    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(
                timeout=settings.NOTIFICATIONS_HTTP_TIMEOUT, follow_redirects=False
            )
        return self._http

    def send(self, message) -> None:
        from aftersales.notifications.channels import email, in_app, robots, sms

        if message.channel == Channel.EMAIL:
            try:
                email.send(message, connection=self.mail)
            except Exception:
                # A broken SMTP session: start the next message on a fresh one.
                self._close_mail()
                raise
        elif message.channel == Channel.SMS:
            sms.send(message, client=self.http)
        elif message.channel == Channel.IN_APP:
            in_app.send(message)
        elif message.channel in ROBOT_CHANNELS:
            robots.send(message, client=self.http)
        else:
            raise PermanentError(_("Unknown channel “%(channel)s”.") % {"channel": message.channel})
