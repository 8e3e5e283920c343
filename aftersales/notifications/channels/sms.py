"""SMS providers. Choose with SMS_PROVIDER: "console" writes to the log (the default, for
trying the system out), "http" posts {"phone": ..., "text": ...} as JSON with a bearer token to
SMS_HTTP_URL: a small gateway in front of the SMS service the company contracts with (Aliyun,
Tencent Cloud...), which each need their own signed API."""

import logging
from typing import Protocol

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from aftersales.notifications.channels.errors import DeliveryError, PermanentError

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, phone: str, text: str) -> None:
        """Send one text message, or raise DeliveryError."""


class ConsoleSmsProvider:
    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)


class HttpSmsProvider:
    def __init__(self, *, url: str, token: str, client: httpx.Client):
        self.url, self.token, self.client = url, token, client

    def send(self, *, phone: str, text: str) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = self.client.post(
                self.url, json={"phone": phone, "text": text}, headers=headers
            )
        except httpx.HTTPError as exc:
            raise DeliveryError(
                _("The SMS gateway did not answer: %(error)s") % {"error": type(exc).__name__}
            ) from exc
        if not response.is_success:
            raise DeliveryError(
                _("The SMS gateway answered HTTP %(status)s.") % {"status": response.status_code}
            )


def provider(*, client: httpx.Client) -> SmsProvider:
    if settings.SMS_PROVIDER == "console":
        return ConsoleSmsProvider()
    if settings.SMS_PROVIDER == "http":
        if not settings.SMS_HTTP_URL:
            raise DeliveryError(_("SMS_PROVIDER is http but SMS_HTTP_URL is not set."))
        return HttpSmsProvider(
            url=settings.SMS_HTTP_URL, token=settings.SMS_HTTP_TOKEN, client=client
        )
    raise DeliveryError(
        _("Unknown SMS_PROVIDER “%(name)s”: use console or http.") % {"name": settings.SMS_PROVIDER}
    )


def send(message, *, client: httpx.Client) -> None:
    if not message.address:
        raise PermanentError(_("The recipient has no phone number."))
    provider(client=client).send(phone=message.address, text=message.body)
