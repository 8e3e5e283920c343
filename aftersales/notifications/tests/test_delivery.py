"""The worker's side of the outbox: delivery, retries with exponential backoff, the dead
letter, messages left behind by a dead worker, and the administrator's retry."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.clock import frozen
from aftersales.core.errors import Forbidden
from aftersales.notifications import services
from aftersales.notifications.choices import Event
from aftersales.notifications.models import ChatRobot, InAppNotification, OutboxMessage
from aftersales.notifications.services import notify, outbox_claim, outbox_deliver, outbox_retry

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", display_name="王工", phone="13800000001")


@pytest.fixture
def robot(web):
    return ChatRobot.objects.create(
        name="运维群", kind="wecom", webhook_url=f"{web.url}/cgi-bin/webhook/send?key=k1"
    )


def test_delivery_sends_each_channel_and_records_it(case_a, wang):
    with frozen(T0):
        notify(event=Event.ASSIGNED, recipients=[wang], case=case_a)
        counts = outbox_deliver()

    assert counts == {"sent": 3, "retry": 0, "dead": 0}
    assert set(OutboxMessage.objects.values_list("status", "attempts", "sent_at")) == {
        ("sent", 1, T0)
    }
    (email,) = mail.outbox
    assert email.to == ["wang@example.com"] and case_a.number in email.subject
    notification = InAppNotification.objects.get(user=wang)
    assert notification.title == email.subject
    assert notification.url == f"http://127.0.0.1:8000/cases/{case_a.number}/"
    assert notification.case == case_a and notification.read_at is None


def test_a_failing_robot_is_retried_with_exponential_backoff_then_dead(case_a, web, robot):
    web.status = 502
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        assert outbox_deliver() == {"sent": 0, "retry": 1, "dead": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == T0 + minutes(1)
    assert message.last_error == "DeliveryError: The robot's webhook answered HTTP 502."

    # Not due before its time.
    with frozen(T0 + minutes(0.5)):
        assert outbox_deliver() == {"sent": 0, "retry": 0, "dead": 0}

    waits = []
    moment = T0
    for _ in range(6):  # tries 2 to 7
        moment = message.next_attempt_at
        with frozen(moment):
            outbox_deliver()
        message.refresh_from_db()
        waits.append((message.next_attempt_at - moment) / minutes(1))
    assert waits == [2, 4, 8, 16, 32, 60]  # capped at NOTIFICATIONS_BACKOFF_CAP_MINUTES
    assert message.attempts == 7 and message.status == "pending"

    with frozen(message.next_attempt_at):
        assert outbox_deliver() == {"sent": 0, "retry": 0, "dead": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 8)
    assert len(web.requests) == 8


@override_settings(NOTIFICATIONS_MAX_ATTEMPTS=2)
def test_the_number_of_tries_is_configurable(case_a, web, robot):
    web.status = 500
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        outbox_deliver()
    with frozen(T0 + minutes(1)):
        outbox_deliver()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 2)


def test_a_robot_that_recovers_gets_the_message(case_a, web, robot):
    web.status = 500
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        outbox_deliver()
    web.status = 200
    with frozen(T0 + minutes(1)):
        assert outbox_deliver()["sent"] == 1
    message.refresh_from_db()
    assert (message.status, message.last_error, message.sent_at) == ("sent", "", T0 + minutes(1))


def test_a_deleted_robot_makes_the_message_dead_at_once(case_a, robot):
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        robot.delete()
        assert outbox_deliver() == {"sent": 0, "retry": 0, "dead": 1}
    message.refresh_from_db()
    assert message.status == "dead" and message.attempts == 1
    assert message.last_error == "PermanentError: The chat robot was deleted."


def test_a_message_left_sending_by_a_dead_worker_is_taken_over(case_a, wang):
    with frozen(T0):
        messages = notify(event=Event.CLOSED, recipients=[wang], case=case_a)
        claimed = outbox_claim(limit=10)  # the worker dies before sending
    assert len(claimed) == len(messages) == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sending"}

    with frozen(T0 + minutes(9)):  # still within the lease
        assert outbox_deliver() == {"sent": 0, "retry": 0, "dead": 0}
    with frozen(T0 + minutes(10)):
        assert outbox_deliver() == {"sent": 2, "retry": 0, "dead": 0}
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_delivering_twice_shows_one_in_app_notification(case_a, wang):
    with frozen(T0):
        notify(event=Event.CLOSED, recipients=[wang], case=case_a)
        outbox_deliver()
    # As if the worker died after creating it but before recording the message sent.
    message = OutboxMessage.objects.get(channel="in_app")
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending", next_attempt_at=T0)
    with frozen(T0 + minutes(1)):
        outbox_deliver()
    assert InAppNotification.objects.filter(user=wang).count() == 1


@override_settings(NOTIFICATIONS_MAX_ATTEMPTS=3)
def test_a_message_stuck_sending_without_tries_left_is_dead(case_a, wang):
    with frozen(T0):
        notify(event=Event.CLOSED, recipients=[wang], case=case_a)
    OutboxMessage.objects.update(status="sending", attempts=3, next_attempt_at=T0)
    with frozen(T0 + minutes(1)):
        assert outbox_claim() == []
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"dead"}


def test_delivering_some_ids_leaves_the_others(case_a, wang, engineer):
    with frozen(T0):
        first = notify(event=Event.CLOSED, recipients=[wang], case=case_a)
        notify(event=Event.CLOSED, recipients=[engineer], case=case_a)
        assert outbox_deliver(ids=[m.pk for m in first])["sent"] == 2
    assert OutboxMessage.objects.filter(status="pending", recipient=engineer).count() == 2


def test_an_administrator_retries_dead_and_failed_messages(case_a, web, robot, admin_user):
    web.status = 500
    with frozen(T0):
        (message,) = notify(event=Event.CLOSED, recipients=[], case=case_a)
        OutboxMessage.objects.filter(pk=message.pk).update(status="dead", attempts=8)
        web.status = 200
        assert outbox_retry(actor=admin_user, ids=[message.pk]) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 0, T0)
    with frozen(T0):
        assert outbox_deliver()["sent"] == 1


def test_sent_messages_are_not_retried_and_only_administrators_retry(
    case_a, wang, admin_user, dispatcher
):
    with frozen(T0):
        messages = notify(event=Event.CLOSED, recipients=[wang], case=case_a)
        outbox_deliver()
    ids = [m.pk for m in messages]
    assert outbox_retry(actor=admin_user, ids=ids) == 0
    with pytest.raises(Forbidden, match="You may not retry notifications."):
        outbox_retry(actor=dispatcher, ids=ids)


def test_backoff_doubles_from_one_minute_and_is_capped():
    assert [services.backoff(n) / minutes(1) for n in range(1, 10)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]
