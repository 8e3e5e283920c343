"""`notify` and `notify_many`: who gets what, on which channel, in which language, written in
the caller's transaction, once per dedupe key, in a handful of queries."""

import datetime as dt
import math

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from aftersales.accounts.tests.factories import TeamFactory, UserFactory
from aftersales.cases import services as case_services
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.notifications.choices import Event
from aftersales.notifications.models import (
    ChatRobot,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from aftersales.notifications.services import Notification, notify, notify_many

UTC = dt.UTC


@pytest.fixture
def zhang(db):
    """An engineer who reads Chinese, with email and phone."""
    return UserFactory(
        username="zhang", display_name="张工", phone="13911112222", language="zh-hans"
    )


@pytest.fixture
def smith(db):
    return UserFactory(username="smith", display_name="Smith", phone="", language="en")


def channels_of(messages) -> set[str]:
    return {m.channel for m in messages}


def test_assigned_goes_to_the_app_email_and_sms_in_the_recipients_language(case_a, zhang):
    messages = notify(event=Event.ASSIGNED, recipients=[zhang], case=case_a)

    assert channels_of(messages) == {"in_app", "email", "sms"}
    by_channel = {m.channel: m for m in messages}
    email = by_channel["email"]
    assert email.address == "zhang@example.com" and email.language == "zh-hans"
    assert email.subject == f"【P2】新工单 {case_a.number} 已派给您"
    assert "张工，您好" in email.body
    assert "海淀区公安分局" in email.body
    assert f"http://127.0.0.1:8000/cases/{case_a.number}/" in email.body
    assert by_channel["sms"].address == "13911112222"
    assert by_channel["sms"].body.startswith(
        f"【P2】工单{case_a.number}已派给您：3号摄像头夜间黑屏"
    )
    assert all(m.status == "pending" and m.case_id == case_a.pk for m in messages)


def test_an_english_reader_gets_english_and_no_sms_without_a_phone(case_a, smith):
    messages = notify(event=Event.ASSIGNED, recipients=[smith], case=case_a)

    assert channels_of(messages) == {"in_app", "email"}
    email = next(m for m in messages if m.channel == "email")
    assert email.subject == f"[P2] Case {case_a.number} is assigned to you"
    assert email.body.startswith("Hello Smith,")


def test_events_without_urgency_skip_sms(case_a, zhang):
    messages = notify(event=Event.REOPENED, recipients=[zhang], case=case_a)
    assert channels_of(messages) == {"in_app", "email"}


def test_the_most_specific_preference_wins(case_a, zhang):
    NotificationPreference.objects.create(user=zhang, event="*", channels=["in_app"])
    NotificationPreference.objects.create(user=zhang, event="escalated", channels=["sms"])

    assert channels_of(notify(event=Event.CLOSED, recipients=[zhang], case=case_a)) == {"in_app"}
    assert channels_of(notify(event=Event.ESCALATED, recipients=[zhang], case=case_a)) == {"sms"}


def test_an_empty_preference_silences_the_event(case_a, zhang):
    NotificationPreference.objects.create(user=zhang, event="reminder", channels=[])
    assert notify(event=Event.REMINDER, recipients=[zhang], case=case_a) == []


def test_a_password_reset_goes_by_email_only_whatever_the_preferences(zhang):
    NotificationPreference.objects.create(user=zhang, event="*", channels=["in_app"])
    ChatRobot.objects.create(name="群", kind="wecom", webhook_url="http://127.0.0.1:9/x")
    messages = notify(
        event=Event.PASSWORD_RESET,
        recipients=[zhang],
        context={"url": "http://127.0.0.1:8000/reset/abc/"},
    )
    assert channels_of(messages) == {"email"}
    assert "http://127.0.0.1:8000/reset/abc/" in messages[0].body


def test_inactive_and_repeated_recipients_are_skipped(case_a, zhang, smith):
    smith.is_active = False
    smith.save()
    messages = notify(event=Event.CLOSED, recipients=[zhang, zhang, smith], case=case_a)
    assert {m.recipient_id for m in messages} == {zhang.pk}
    assert len(messages) == 2


def test_times_show_in_the_recipients_time_zone(case_a, zhang, smith):
    smith.time_zone = "Europe/London"
    smith.save()
    due = dt.datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    for_zhang = notify(event=Event.ASSIGNED, recipients=[zhang], case=case_a, context={"due": due})
    for_smith = notify(event=Event.ASSIGNED, recipients=[smith], case=case_a, context={"due": due})
    zhang_email = next(m for m in for_zhang if m.channel == "email")
    smith_email = next(m for m in for_smith if m.channel == "email")
    assert "在 2026-01-05 09:30 前" in zhang_email.body
    assert "before 2026-01-05 01:30" in smith_email.body
    # The payload keeps the context as JSON, for the record.
    assert zhang_email.payload["context"]["due"].startswith("2026-01-05T01:30:00")


def test_lazy_labels_in_the_context_are_told_in_each_recipients_language(case_a, zhang, smith):
    role = gettext_lazy("Case escalated")  # any lazy label: a role's, in the SLA engine
    messages = notify(
        event=Event.ESCALATED, recipients=[zhang, smith], case=case_a, context={"role": role}
    )
    email = {m.recipient_id: m.body for m in messages if m.channel == "email"}
    assert "escalated to the Case escalated" in email[smith.pk]
    assert "已按服务级别协议升级至工单升级" in email[zhang.pk]


def test_a_missing_translation_falls_back_to_english(case_a, zhang):
    NotificationTemplate.objects.filter(event="reopened", language="zh-hans").delete()
    messages = notify(event=Event.REOPENED, recipients=[zhang], case=case_a)
    email = next(m for m in messages if m.channel == "email")
    assert email.language == "en"
    assert email.subject == f"Case {case_a.number} is reopened"


def test_a_broken_template_falls_back_and_never_raises(case_a, zhang):
    NotificationTemplate.objects.filter(event="reopened", channel="email").update(
        body="{% if %}broken"
    )
    messages = notify(event=Event.REOPENED, recipients=[zhang], case=case_a)
    email = next(m for m in messages if m.channel == "email")
    # Both languages are broken: the built-in text, in English.
    assert email.language == "en"
    assert case_a.number in email.body and "3号摄像头夜间黑屏" in email.body


def test_an_unknown_event_gets_the_built_in_text(case_a, zhang):
    messages = notify(event="something_new", recipients=[zhang], case=case_a)
    assert channels_of(messages) == {"in_app", "email"}
    assert messages[0].subject == f"something_new: {case_a.number} 3号摄像头夜间黑屏"


def test_an_administrators_edit_is_used(case_a, zhang):
    NotificationTemplate.objects.filter(
        event="closed", channel="in_app", language="zh-hans"
    ).update(subject="结案：{{ case.number }}", body="{{ recipient.name }}：工单已关闭。")
    message = next(
        m
        for m in notify(event=Event.CLOSED, recipients=[zhang], case=case_a)
        if m.channel == "in_app"
    )
    assert (message.subject, message.body) == (f"结案：{case_a.number}", "张工：工单已关闭。")


def test_templates_do_not_escape_text(case_a, zhang):
    case_a.title = "<NVR> & 交换机"
    messages = notify(event=Event.CLOSED, recipients=[zhang], case=case_a)
    assert all("<NVR> & 交换机" in m.body for m in messages)


# --- robots -------------------------------------------------------------------------------


def test_robots_get_the_events_they_subscribe_to_within_their_scope(case_a, zhang, org_b):
    team = TeamFactory(code="desk", name="服务台")
    everything = ChatRobot.objects.create(
        name="全部", kind="wecom", webhook_url="http://127.0.0.1:9/all"
    )
    escalations = ChatRobot.objects.create(
        name="升级", kind="dingtalk", webhook_url="http://127.0.0.1:9/esc", events=["escalated"]
    )
    ChatRobot.objects.create(
        name="别家", kind="feishu", webhook_url="http://127.0.0.1:9/b", organisation=org_b
    )
    ChatRobot.objects.create(
        name="某组", kind="feishu", webhook_url="http://127.0.0.1:9/t", team=team
    )
    ChatRobot.objects.create(
        name="停用", kind="wecom", webhook_url="http://127.0.0.1:9/off", is_active=False
    )

    closed = notify(event=Event.CLOSED, recipients=[], case=case_a)
    escalated = notify(event=Event.ESCALATED, recipients=[zhang], case=case_a)

    assert [m.robot for m in closed] == [everything]
    robots = {m.robot for m in escalated if m.robot_id}
    assert robots == {everything, escalations}
    robot_message = next(m for m in escalated if m.robot == escalations)
    assert robot_message.channel == "dingtalk" and robot_message.recipient is None
    assert robot_message.address == "http://127.0.0.1:9/esc"
    assert robot_message.body.startswith(f"**【P2】工单 {case_a.number} 已升级**")


def test_robots_speak_their_own_language(case_a):
    ChatRobot.objects.create(
        name="intl", kind="wecom", webhook_url="http://127.0.0.1:9/en", language="en"
    )
    (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
    assert message.language == "en"
    assert message.subject == f"Case {case_a.number} closed"
    assert message.body == (
        f"**Case {case_a.number} closed**\n\n3号摄像头夜间黑屏 (海淀区公安分局)\n\n"
        f"The case is closed.\n\n[Open the case](http://127.0.0.1:8000/cases/{case_a.number}/)"
    )


# --- transactions and idempotency ---------------------------------------------------------


def test_messages_are_written_in_the_callers_transaction(case_a, zhang):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(event=Event.CLOSED, recipients=[zhang], case=case_a)
        assert OutboxMessage.objects.count() == 2
        raise RuntimeError("the caller's change failed")
    assert OutboxMessage.objects.count() == 0


def test_a_dedupe_key_writes_each_message_once(case_a, zhang, smith):
    ChatRobot.objects.create(name="群", kind="wecom", webhook_url="http://127.0.0.1:9/x")
    first = notify(
        event=Event.BREACHED, recipients=[zhang], case=case_a, dedupe_key="breach:1:response"
    )
    again = notify(
        event=Event.BREACHED,
        recipients=[zhang, smith],
        case=case_a,
        dedupe_key="breach:1:response",
    )
    assert len(first) == 4 and all(m.pk for m in first)  # app, email, sms, robot
    # Only what is new: smith was not told the first time.
    assert {(m.recipient_id, m.channel) for m in again} == {
        (smith.pk, "in_app"),
        (smith.pk, "email"),
    }
    assert OutboxMessage.objects.count() == 6
    assert OutboxMessage.objects.filter(dedupe_key=f"breach:1:response:{zhang.pk}:sms").count() == 1


def test_a_long_dedupe_key_is_hashed_to_fit(case_a, zhang):
    key = "x" * 300
    (message, *_rest) = notify(event=Event.CLOSED, recipients=[zhang], case=case_a, dedupe_key=key)
    assert len(message.dedupe_key) <= 200
    assert notify(event=Event.CLOSED, recipients=[zhang], case=case_a, dedupe_key=key) == []


def test_notify_many_returns_the_number_written(case_a, zhang, smith):
    count = notify_many(
        [
            Notification(event=Event.REMINDER, recipients=[zhang], case=case_a),
            Notification(event=Event.BREACHED, recipients=[zhang, smith], case=case_a),
        ]
    )
    assert count == 3 + 3 + 2
    assert notify_many([]) == 0


# --- query budget ---------------------------------------------------------------------------


def _sweep(count: int, cases: list[Case], people: list, keyed: bool) -> list[Notification]:
    return [
        Notification(
            event=Event.ESCALATED if i % 2 else Event.REMINDER,
            recipients=[people[i % len(people)], people[(i + 1) % len(people)]],
            case=cases[i % len(cases)],
            context={"level": 1, "due": dt.datetime(2026, 1, 5, tzinfo=UTC)},
            dedupe_key=f"step:{count}:{i}" if keyed else None,
        )
        for i in range(count)
    ]


def _count(items) -> tuple[int, int, int]:
    connection.ensure_connection()
    with CaptureQueriesContext(connection) as queries:
        written = notify_many(items)
    inserts = sum(1 for q in queries if q["sql"].lstrip().upper().startswith("INSERT"))
    return written, len(queries) - inserts, inserts


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "deduplicated"])
def test_notify_many_needs_the_same_queries_for_10_or_200_items(dispatcher, org_a, org_b, keyed):
    with frozen(dt.datetime(2026, 1, 5, 8, tzinfo=UTC)):
        for organisation in (org_a, org_b, org_a):
            case_services.case_create(
                actor=dispatcher,
                organisation=organisation,
                title="故障",
                severity="P1",
                channel="phone",
            )
    people = [
        UserFactory(username=f"eng{i}", phone=f"1390000{i:04d}", language=["en", ""][i % 2])
        for i in range(30)
    ]
    NotificationPreference.objects.create(user=people[0], event="*", channels=["in_app"])
    ChatRobot.objects.create(name="群", kind="wecom", webhook_url="http://127.0.0.1:9/x")

    # Cases as the SLA sweep would load them: without their organisations.
    small = _sweep(10, list(Case.objects.all()), people, keyed)
    big = _sweep(200, list(Case.objects.all()), people, keyed)
    small_written, small_reads, small_inserts = _count(small)
    big_written, big_reads, big_inserts = _count(big)

    assert big_written > 10 * small_written // 2
    assert big_reads == small_reads <= 6
    # Rows go in as multi-row INSERTs: one per batch on PostgreSQL, as many as SQLite's
    # parameter limit (999 for Django) requires there.
    if connection.features.max_query_params is None:
        assert big_inserts == small_inserts
    else:
        fields = len([f for f in OutboxMessage._meta.concrete_fields if not f.primary_key])
        limit = connection.features.max_query_params
        assert big_inserts <= math.ceil(big_written * fields / limit) + 1


def test_many_recipients_of_one_message_each_get_their_own_name(case_a, zhang):
    li = UserFactory(username="li", display_name="李工", language="zh-hans")
    NotificationTemplate.objects.filter(event="closed", channel="email", language="zh-hans").update(
        subject="{{ recipient.name }}: {{ case.number }}",
        body="{{ recipient.name }}（{{ recipient.username }}）您好 {{ case.title }}",
    )
    NotificationTemplate.objects.filter(
        event="closed", channel="in_app", language="zh-hans"
    ).update(
        body="{% if recipient.username == 'li' %}李{% else %}张{% endif %} {{ recipient.name }}"
    )

    notify_many([Notification(event=Event.CLOSED, recipients=[zhang, li], case=case_a)])

    emails = {m.recipient_id: m for m in OutboxMessage.objects.filter(channel="email")}
    assert emails[zhang.pk].subject == f"张工: {case_a.number}"
    assert emails[zhang.pk].body == "张工（zhang）您好 3号摄像头夜间黑屏"
    assert emails[li.pk].body == "李工（li）您好 3号摄像头夜间黑屏"
    # A template that tests the recipient is rendered for each recipient.
    in_app = {m.recipient_id: m.body for m in OutboxMessage.objects.filter(channel="in_app")}
    assert in_app == {zhang.pk: "张 张工", li.pk: "李 李工"}
