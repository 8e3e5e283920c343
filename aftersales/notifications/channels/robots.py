"""Group chat robots: their real webhook payloads and signatures.

- WeCom (企业微信): POST {"msgtype": "markdown", "markdown": {"content": ...}} to the webhook
  (its key is in the URL; WeCom robots are not signed).
- DingTalk (钉钉): POST {"msgtype": "markdown", "markdown": {"title", "text"}}; with a secret
  (加签), `timestamp` (ms) and `sign` = urlencoded base64 of HMAC-SHA256 keyed by the secret
  over "timestamp\\nsecret", as query parameters.
- Feishu (飞书): POST {"msg_type": "text", "content": {"text": ...}}; with a secret,
  `timestamp` (s) and `sign` = base64 of HMAC-SHA256 keyed by "timestamp\\nsecret" over an
  empty message, in the body.

All three answer HTTP 200 with an error code in JSON when they refuse a message (bad
signature, rate limit...): errcode != 0 (WeCom, DingTalk) or code != 0 (Feishu) is a
failure, tried again later."""

import base64
import hashlib
import hmac
import re
import urllib.parse

import httpx
from django.utils.translation import gettext as _

from aftersales.core.clock import now
from aftersales.notifications.channels.errors import DeliveryError, PermanentError
from aftersales.notifications.choices import RobotKind


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def markdown_to_text(text: str) -> str:
    """Feishu's text messages show Markdown as typed: keep words and links, drop the marks."""
    text = _LINK.sub(r"\1: \2", text)
    text = _BOLD.sub(r"\1", text)
    return re.sub(r"\n{3,}", "\n\n", text)


def request(kind: str, *, url: str, secret: str, subject: str, body: str) -> tuple[str, dict]:
    """The URL and JSON body to post for one message."""
    moment = now()
    if kind == RobotKind.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": body}}
    if kind == RobotKind.DINGTALK:
        stamp = int(moment.timestamp() * 1000)
        payload = {"msgtype": "markdown", "markdown": {"title": subject or body[:30], "text": body}}
        return dingtalk_url(url, secret, stamp), payload
    if kind == RobotKind.FEISHU:
        payload: dict = {"msg_type": "text", "content": {"text": markdown_to_text(body)}}
        if secret:
            stamp = int(moment.timestamp())
            payload = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **payload}
        return url, payload
    raise PermanentError(_("Unknown robot kind “%(kind)s”.") % {"kind": kind})


def check_answer(kind: str, response: httpx.Response) -> None:
    if not response.is_success:
        raise DeliveryError(
            _("The robot's webhook answered HTTP %(status)s.") % {"status": response.status_code}
        )
    try:
        answer = response.json()
    except ValueError as exc:
        raise DeliveryError(_("The robot's webhook did not answer JSON.")) from exc
    if not isinstance(answer, dict):
        raise DeliveryError(_("The robot's webhook did not answer JSON."))
    if kind == RobotKind.FEISHU:
        code = answer.get("code", answer.get("StatusCode", 0))
        text = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, text = answer.get("errcode", 0), answer.get("errmsg", "")
    if code not in (0, "0"):
        raise DeliveryError(
            _("The robot refused the message: %(code)s %(text)s") % {"code": code, "text": text}
        )


def send(message, *, client: httpx.Client) -> None:
    robot = message.robot
    if robot is None:
        raise PermanentError(_("The chat robot was deleted."))
    if not robot.is_active:
        raise PermanentError(_("The chat robot is switched off."))
    # The robot's current address and secret: an administrator may have fixed them since.
    url, payload = request(
        robot.kind,
        url=robot.webhook_url,
        secret=robot.secret,
        subject=message.subject,
        body=message.body,
    )
    try:
        response = client.post(url, json=payload)
    except httpx.HTTPError as exc:
        # The exception's text may carry the URL, and with it the robot's key: leave it out.
        raise DeliveryError(
            _("The robot's webhook did not answer: %(error)s") % {"error": type(exc).__name__}
        ) from exc
    check_answer(robot.kind, response)
