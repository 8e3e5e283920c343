"""Every visit event has its default texts, in Chinese and English, on every channel, and
they render with what the services put in their context."""

import pytest

from aftersales.notifications.models import NotificationTemplate
from aftersales.notifications.rendering import TemplateBook, zone_of

EVENTS = ["visit_scheduled", "visit_rescheduled", "visit_cancelled", "visit_report"]


@pytest.mark.parametrize("event", EVENTS)
def test_each_visit_event_has_its_texts(db, event):
    found = set(NotificationTemplate.objects.filter(event=event).values_list("channel", "language"))
    assert found == {
        (channel, language)
        for channel in ("in_app", "email", "sms", "robot")
        for language in ("zh-hans", "en")
    }


def test_a_window_over_midnight_names_the_days(db):
    import datetime as dt
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    context = {
        "engineer": "李强",
        "site": "中关村派出所",
        "window_start": dt.datetime(2026, 11, 23, 23, 0, tzinfo=zone),
        "window_end": dt.datetime(2026, 11, 24, 1, 0, tzinfo=zone),
        "case": {"number": "20261123-000001", "title": "摄像头黑屏"},
        "url": "http://x/visits/1/",
    }
    book = TemplateBook.load(["visit_scheduled"])
    sms = book.render(
        event="visit_scheduled",
        channel="sms",
        language="zh-hans",
        context=context,
        zone=zone_of(""),
    )
    assert sms.body == (
        "上门服务：李强将于11-23 23:00-11-24 01:00到中关村派出所处理工单20261123-000001。"
        "http://x/visits/1/"
    )
