"""Rows the data migrations seed (the default SLA policy, calendars, templates) are there for
every test, even after a transactional test has emptied the tables (conftest restores them)."""

import pytest

from aftersales.notifications.models import NotificationTemplate
from aftersales.sla.models import Calendar, SlaPolicy


def _seeded() -> bool:
    return (
        SlaPolicy.objects.filter(is_default=True).exists()
        and Calendar.objects.filter(name="5x8-cn").exists()
        and NotificationTemplate.objects.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_seeded_rows_before_a_transactional_test_ends():
    assert _seeded()


@pytest.mark.django_db(transaction=True)
def test_seeded_rows_after_a_transactional_test():
    assert _seeded()


def test_seeded_rows_in_an_ordinary_test(db):
    assert _seeded()
