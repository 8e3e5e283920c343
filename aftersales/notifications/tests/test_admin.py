"""The outbox in the admin: list, filters, search, and the retry action and button."""

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.accounts.services import user_set_roles
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.clock import frozen
from aftersales.notifications.choices import Event
from aftersales.notifications.models import ChatRobot, NotificationTemplate, OutboxMessage
from aftersales.notifications.services import notify

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def dead(case_a, engineer):
    with frozen(T0):
        messages = notify(event=Event.CLOSED, recipients=[engineer], case=case_a)
    OutboxMessage.objects.filter(channel="email").update(
        status="dead", attempts=8, last_error="SMTPRecipientsRefused: 550 no such user"
    )
    return next(m for m in messages if m.channel == "email")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_outbox_lists_filters_and_searches(admin_client, dead, case_a):
    url = reverse("admin:notifications_outboxmessage_changelist")
    page = admin_client.get(url)
    assert page.status_code == 200
    assert b"engineer@example.com" in page.content

    dead_only = admin_client.get(url, {"status__exact": "dead"})
    assert list(dead_only.context["cl"].queryset) == [dead]
    by_channel = admin_client.get(url, {"channel__exact": "in_app", "event__exact": "closed"})
    assert [m.channel for m in by_channel.context["cl"].queryset] == ["in_app"]
    found = admin_client.get(url, {"q": case_a.number})
    assert found.context["cl"].result_count == 2
    found = admin_client.get(url, {"q": "no such user"})
    assert list(found.context["cl"].queryset) == [dead]


def test_the_retry_action_puts_dead_messages_back(
    admin_client, dead, django_capture_on_commit_callbacks
):
    url = reverse("admin:notifications_outboxmessage_changelist")
    with frozen(T0), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url,
            {"action": "retry", "_selected_action": [m.pk for m in OutboxMessage.objects.all()]},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    # The admin speaks the reader's language, here Chinese.
    assert "1 条消息将重新发送。" in [str(m) for m in response.context["messages"]]
    dead.refresh_from_db()
    # Retried at once (the test settings run tasks in place): delivered.
    assert (dead.status, dead.attempts) == ("sent", 1)


def test_the_retry_button_on_a_dead_message(admin_client, dead, django_capture_on_commit_callbacks):
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[dead.pk]))
    retry_url = reverse("admin:notifications_outboxmessage_retry", args=[dead.pk])
    assert retry_url.encode() in page.content
    assert b'name="_save"' not in page.content  # read-only: nothing to save

    with frozen(T0), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(retry_url)
    assert response.status_code == 302
    dead.refresh_from_db()
    assert dead.status == "sent"
    # A sent message offers no retry.
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[dead.pk]))
    assert retry_url.encode() not in page.content
    assert admin_client.get(retry_url).status_code == 405


def test_staff_without_the_right_cannot_retry(client, dead):
    dispatcher = UserFactory(username="d2")
    user_set_roles(user=dispatcher, roles=["dispatcher"])
    client.force_login(dispatcher)
    url = reverse("admin:notifications_outboxmessage_retry", args=[dead.pk])
    assert client.post(url).status_code == 302
    dead.refresh_from_db()
    assert dead.status == "dead"


def test_an_administrator_role_may_manage_templates_robots_and_the_outbox(client, dead):
    administrator = UserFactory(username="adm2")
    user_set_roles(user=administrator, roles=["administrator"])
    client.force_login(administrator)
    for name in ("outboxmessage", "notificationtemplate", "chatrobot", "notificationpreference"):
        assert client.get(reverse(f"admin:notifications_{name}_changelist")).status_code == 200


def test_a_template_that_does_not_compile_is_refused(admin_client):
    template = NotificationTemplate.objects.get(event="closed", channel="sms", language="en")
    url = reverse("admin:notifications_notificationtemplate_change", args=[template.pk])
    response = admin_client.post(
        url,
        {
            "event": "closed",
            "channel": "sms",
            "language": "en",
            "subject": "",
            "body": "Case {% if case.number %}",
        },
    )
    assert response.status_code == 200
    assert "Unclosed tag" in str(response.context["adminform"].form.errors["body"])
    template.refresh_from_db()
    assert "{% if case.number %}" not in template.body


def test_a_robot_gets_a_test_message_from_the_admin(
    admin_client, web, django_capture_on_commit_callbacks
):
    robot = ChatRobot.objects.create(
        name="运维群", kind="wecom", webhook_url=f"{web.url}/send", events=["breached"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_chatrobot_changelist"),
            {"action": "send_test", "_selected_action": [robot.pk]},
            follow=True,
        )
    assert response.status_code == 200
    (request,) = web.requests
    assert request.json["msgtype"] == "markdown"
    assert request.json["markdown"]["content"].startswith("**测试消息**")
