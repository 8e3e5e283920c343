"""Several workers share the outbox: on PostgreSQL each claims rows the others are not
claiming (SELECT … FOR UPDATE SKIP LOCKED), so no message is claimed twice."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.clock import frozen
from aftersales.notifications.models import OutboxMessage
from aftersales.notifications.services import outbox_claim

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pending(count: int) -> list[int]:
    user = UserFactory(username="someone")
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            event="test",
            channel="in_app",
            recipient=user,
            subject=f"m{i}",
            next_attempt_at=T0,
            created_at=T0,
        )
        for i in range(count)
    )
    return [m.pk for m in messages]


def in_thread(target, results, key):
    """Run `target` in a thread, with its own database connection. (The clock is frozen by
    the test around all the threads: it is one clock for the whole process.)"""

    def run():
        try:
            results[key] = target()
        except Exception as exc:  # reported by the test
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_second_worker_skips_the_rows_the_first_is_claiming():
    ids = pending(10)
    first_holds_locks = threading.Event()
    second_done = threading.Event()
    results: dict = {}

    def first():
        with transaction.atomic():
            claimed = [m.pk for m in outbox_claim(limit=5)]
            first_holds_locks.set()
            # Keep the transaction, and its row locks, open until the other has claimed.
            second_done.wait(timeout=10)
            results["second_finished_while_first_held_locks"] = second_done.is_set()
        return claimed

    def second():
        first_holds_locks.wait(timeout=10)
        claimed = [m.pk for m in outbox_claim(limit=10)]
        second_done.set()
        return claimed

    with frozen(T0 + dt.timedelta(seconds=1)):
        threads = [in_thread(first, results, "first"), in_thread(second, results, "second")]
        for thread in threads:
            thread.join(timeout=30)

    assert not isinstance(results["first"], Exception), results["first"]
    assert not isinstance(results["second"], Exception), results["second"]
    # Without SKIP LOCKED the second would have waited for the first's commit.
    assert results["second_finished_while_first_held_locks"] is True
    assert len(results["first"]) == len(results["second"]) == 5
    assert set(results["first"]) | set(results["second"]) == set(ids)


def test_many_workers_never_claim_one_message_twice():
    ids = pending(60)
    results: dict = {}

    def drain():
        mine = []
        while batch := outbox_claim(limit=3):
            mine.extend(m.pk for m in batch)
        return mine

    with frozen(T0 + dt.timedelta(seconds=1)):
        threads = [in_thread(drain, results, n) for n in range(4)]
        for thread in threads:
            thread.join(timeout=60)

    claims = [pk for n in range(4) for pk in results[n]]
    assert sorted(claims) == sorted(ids)  # every message once, none twice
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sending", 1)}
