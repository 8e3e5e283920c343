"""Rows the data migrations seed (the default SLA policy, calendars, templates, the role
groups) are there for every test, even after a transactional test has emptied the tables
(conftest restores them), and also once the browser is running."""

import pytest
from django.contrib.auth.models import Group

from aftersales.notifications.models import NotificationTemplate
from aftersales.sla.models import Calendar, SlaPolicy


def _seeded() -> bool:
    return (
        SlaPolicy.objects.filter(is_default=True).exists()
        and Calendar.objects.filter(name="5x8-cn").exists()
        and NotificationTemplate.objects.exists()
        and Group.objects.filter(name="dispatcher").exists()
    )


@pytest.mark.django_db(transaction=True)
def test_seeded_rows_before_a_transactional_test_ends():
    assert _seeded()


@pytest.mark.django_db(transaction=True)
def test_seeded_rows_after_a_transactional_test():
    assert _seeded()


def test_seeded_rows_in_an_ordinary_test(db):
    assert _seeded()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_seeded_rows_with_the_browser_running(chromium, live_server):
    assert _seeded()
