"""Each channel against a real server on loopback: mail through SMTP (aiosmtpd), SMS and the
WeCom, DingTalk and Feishu robots through HTTP, with their exact payloads and signatures."""

import base64
import datetime as dt
import email
import email.policy
import hashlib
import hmac
import logging
from types import SimpleNamespace

import pytest
from django.test import override_settings

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.clock import frozen
from aftersales.notifications.channels.robots import markdown_to_text
from aftersales.notifications.choices import Event
from aftersales.notifications.models import ChatRobot, NotificationPreference, OutboxMessage
from aftersales.notifications.services import notify, outbox_deliver
from aftersales.notifications.tests.conftest import free_port

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
SECRET = "SEC0123456789abcdef"


@pytest.fixture
def li(db):
    """Prefers email only, reads Chinese."""
    user = UserFactory(
        username="li", display_name="李工", email="li@example.cn", phone="13912345678"
    )
    NotificationPreference.objects.create(user=user, event="*", channels=["email"])
    return user


def smtp_settings(server):
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=server.port,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_TIMEOUT=5,
        DEFAULT_FROM_EMAIL="售后服务 <service@example.com>",
    )


# --- email --------------------------------------------------------------------------------


def test_email_reaches_a_real_smtp_server_in_utf8_chinese(case_a, li, smtp_server):
    with smtp_settings(smtp_server), frozen(T0):
        (message,) = notify(event=Event.ASSIGNED, recipients=[li], case=case_a)
        assert outbox_deliver() == {"sent": 1, "retry": 0, "dead": 0}

    (envelope,) = smtp_server.sink.envelopes
    assert envelope.rcpt_tos == ["li@example.cn"]
    assert envelope.mail_from == "service@example.com"
    received = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    # (Python's parser keeps the space that folds the encoded subject onto its own line.)
    assert received["Subject"].strip() == f"【P2】新工单 {case_a.number} 已派给您"
    assert received["To"] == "li@example.cn"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Message-ID"].startswith(f"<outbox-{message.pk}.")
    assert received.get_content_charset() == "utf-8"
    body = received.get_content()
    assert body.startswith("李工，您好：")
    assert "派给了您" in body and "海淀区公安分局" in body and "3号摄像头夜间黑屏" in body


def test_a_refusing_mail_server_means_a_retry(case_a, li, smtp_server):
    smtp_server.sink.refuse = True
    with smtp_settings(smtp_server), frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[li], case=case_a)
        assert outbox_deliver() == {"sent": 0, "retry": 1, "dead": 0}
    message.refresh_from_db()
    assert message.status == "pending" and "554" in message.last_error

    smtp_server.sink.refuse = False
    with smtp_settings(smtp_server), frozen(T0 + dt.timedelta(minutes=1)):
        assert outbox_deliver()["sent"] == 1
    assert len(smtp_server.sink.envelopes) == 1


def test_one_connection_serves_a_batch_and_a_bad_address_fails_alone(case_a, smtp_server):
    people = [UserFactory(username=f"p{i}", email=f"p{i}@example.com") for i in range(3)]
    for person in people:
        NotificationPreference.objects.create(user=person, event="*", channels=["email"])
    with smtp_settings(smtp_server), frozen(T0):
        notify(event=Event.CLOSED, recipients=people, case=case_a)
        assert outbox_deliver()["sent"] == 3
    assert sorted(e.rcpt_tos[0] for e in smtp_server.sink.envelopes) == [
        "p0@example.com",
        "p1@example.com",
        "p2@example.com",
    ]


def test_an_unreachable_mail_server_means_a_retry(case_a, li):
    nobody = SimpleNamespace(port=free_port())
    with smtp_settings(nobody), frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[li], case=case_a)
        assert outbox_deliver() == {"sent": 0, "retry": 1, "dead": 0}
    message.refresh_from_db()
    assert message.status == "pending" and "ConnectionRefusedError" in message.last_error


# --- SMS ----------------------------------------------------------------------------------


def test_the_http_sms_gateway_gets_json_with_a_bearer_token(case_a, web, engineer):
    engineer.phone = "13900001111"
    engineer.save()
    NotificationPreference.objects.create(user=engineer, event="*", channels=["sms"])
    with (
        override_settings(
            SMS_PROVIDER="http", SMS_HTTP_URL=f"{web.url}/sms", SMS_HTTP_TOKEN="tok-123"
        ),
        frozen(T0),
    ):
        (message,) = notify(event=Event.ASSIGNED, recipients=[engineer], case=case_a)
        assert outbox_deliver()["sent"] == 1
    (request,) = web.requests
    assert request.path == "/sms"
    assert request.headers["authorization"] == "Bearer tok-123"
    assert request.headers["content-type"] == "application/json"
    assert request.json == {"phone": "13900001111", "text": message.body}
    assert message.body.startswith(f"【P2】工单{case_a.number}已派给您")


def test_an_sms_gateway_error_means_a_retry(case_a, web, engineer):
    engineer.phone = "13900001111"
    engineer.save()
    NotificationPreference.objects.create(user=engineer, event="*", channels=["sms"])
    web.status = 503
    with override_settings(SMS_PROVIDER="http", SMS_HTTP_URL=f"{web.url}/sms"), frozen(T0):
        (message,) = notify(event=Event.ASSIGNED, recipients=[engineer], case=case_a)
        assert outbox_deliver()["retry"] == 1
    message.refresh_from_db()
    assert message.last_error == "DeliveryError: The SMS gateway answered HTTP 503."
    assert "authorization" not in web.requests[0].headers  # no token configured


def test_the_console_sms_provider_logs(case_a, engineer, caplog):
    engineer.phone = "13900001111"
    engineer.save()
    NotificationPreference.objects.create(user=engineer, event="*", channels=["sms"])
    with caplog.at_level(logging.INFO, logger="aftersales.notifications.channels.sms"):
        notify(event=Event.ASSIGNED, recipients=[engineer], case=case_a)
        assert outbox_deliver()["sent"] == 1
    assert f"SMS to 13900001111: 【P2】工单{case_a.number}" in caplog.text


# --- robots -------------------------------------------------------------------------------


def robot_message(web, kind: str, secret: str = "", path: str = "/hook") -> OutboxMessage:
    return ChatRobot.objects.create(
        name=f"{kind} 群", kind=kind, webhook_url=f"{web.url}{path}", secret=secret
    )


def test_wecom_gets_markdown(case_a, web):
    robot_message(web, "wecom", path="/cgi-bin/webhook/send?key=abc")
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver()["sent"] == 1
    (request,) = web.requests
    assert (request.path, request.query) == ("/cgi-bin/webhook/send", {"key": "abc"})
    assert request.json == {"msgtype": "markdown", "markdown": {"content": message.body}}
    assert message.body.startswith(f"**工单 {case_a.number} 已关闭**")


def test_dingtalk_gets_markdown_signed_with_hmac_sha256(case_a, web):
    robot_message(web, "dingtalk", secret=SECRET, path="/robot/send?access_token=t0k")
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver()["sent"] == 1
    (request,) = web.requests
    stamp = int(T0.timestamp() * 1000)
    assert request.path == "/robot/send"
    assert request.query["access_token"] == "t0k"
    assert request.query["timestamp"] == str(stamp)
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request.query["sign"] == expected  # parse_qs has undone the URL encoding
    assert request.json == {
        "msgtype": "markdown",
        "markdown": {"title": message.subject, "text": message.body},
    }


def test_dingtalk_without_a_secret_is_not_signed(case_a, web):
    robot_message(web, "dingtalk", path="/robot/send?access_token=t0k")
    with frozen(T0):
        notify(event=Event.CLOSED, recipients=[], case=case_a)
        outbox_deliver()
    assert web.requests[0].query == {"access_token": "t0k"}


def test_feishu_gets_text_signed_in_the_body(case_a, web):
    web.reply = {"code": 0, "msg": "success", "data": {}}
    robot_message(web, "feishu", secret=SECRET, path="/open-apis/bot/v2/hook/x1")
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver()["sent"] == 1
    (request,) = web.requests
    stamp = int(T0.timestamp())
    expected = base64.b64encode(
        hmac.new(f"{stamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert request.json == {
        "timestamp": str(stamp),
        "sign": expected,
        "msg_type": "text",
        "content": {
            "text": (
                f"工单 {case_a.number} 已关闭\n\n3号摄像头夜间黑屏（海淀区公安分局）\n\n"
                "工单已关闭\n\n"
                f"查看工单: http://127.0.0.1:8000/cases/{case_a.number}/"
            )
        },
    }
    assert message.body.startswith("**")  # the template is Markdown; Feishu gets the text


def test_feishu_without_a_secret_sends_no_signature(case_a, web):
    web.reply = {"code": 0, "msg": "success"}
    robot_message(web, "feishu")
    with frozen(T0):
        notify(event=Event.CLOSED, recipients=[], case=case_a)
        outbox_deliver()
    assert set(web.requests[0].json) == {"msg_type", "content"}


@pytest.mark.parametrize(
    ("kind", "reply", "error"),
    [
        ("wecom", {"errcode": 45009, "errmsg": "api freq out of limit"}, "45009"),
        ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, "310000"),
        (
            "feishu",
            {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"},
            "19021",
        ),
    ],
)
def test_a_robots_error_code_means_a_retry(case_a, web, kind, reply, error):
    web.reply = reply
    robot_message(web, kind, secret=SECRET if kind != "wecom" else "")
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver() == {"sent": 0, "retry": 1, "dead": 0}
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.last_error.startswith(f"DeliveryError: The robot refused the message: {error}")


def test_an_unreachable_robot_means_a_retry_without_its_key_in_the_error(case_a, db):
    ChatRobot.objects.create(
        name="gone",
        kind="wecom",
        webhook_url=f"http://127.0.0.1:{free_port()}/cgi-bin/webhook/send?key=SECRETKEY",
    )
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver()["retry"] == 1
    message.refresh_from_db()
    assert message.last_error == "DeliveryError: The robot's webhook did not answer: ConnectError"


def test_markdown_becomes_text_for_feishu():
    assert markdown_to_text("**标题**\n\n[查看工单](http://x/cases/1/)") == (
        "标题\n\n查看工单: http://x/cases/1/"
    )
