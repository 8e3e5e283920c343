"""The bell in the header: the unread count polled every 30 s, the latest on opening, read
on click; and the page of all one's notifications."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases.tests.factories import open_case
from aftersales.core.clock import now
from aftersales.notifications.models import InAppNotification


def note(user, title, *, case=None, url="", read=False):
    return InAppNotification.objects.create(
        user=user,
        title=title,
        body=f"{title}的正文",
        url=url,
        event="assigned",
        case=case,
        created_at=now(),
        read_at=now() if read else None,
    )


@pytest.fixture
def case(dispatcher, org_a):
    return open_case(actor=dispatcher, organisation=org_a, title="摄像头离线")


def test_every_page_polls_the_unread_count(client, engineer):
    client.force_login(engineer)
    body = client.get(reverse("workspace:my-work")).content.decode()
    assert f'hx-get="{reverse("workspace:bell-count")}" hx-trigger="load, every 30s"' in body


def test_the_count_is_my_unread_only(client, engineer, engineer2):
    note(engineer, "一")
    note(engineer, "二")
    note(engineer, "已读", read=True)
    note(engineer2, "别人的")
    client.force_login(engineer)
    body = client.get(reverse("workspace:bell-count")).content.decode()
    assert 'data-testid="bell-count"' in body and ">2<" in body
    InAppNotification.objects.filter(user=engineer).update(read_at=now())
    assert client.get(reverse("workspace:bell-count")).content.decode().strip() == ""


def test_a_signed_out_poll_gets_nothing_to_swap(client):
    assert client.get(reverse("workspace:bell-count")).status_code == 401
    assert client.get(reverse("workspace:bell-latest")).status_code == 401


def test_the_latest_of_mine_when_the_bell_opens(client, engineer, engineer2, case):
    for i in range(10):
        note(engineer, f"通知{i}")
    note(engineer2, "别人的通知")
    client.force_login(engineer)
    body = client.get(reverse("workspace:bell-latest")).content.decode()
    assert "通知9" in body and "通知2" in body and "通知1<" not in body
    assert "别人的通知" not in body


def test_opening_one_marks_it_read_and_leads_to_its_case(client, engineer, case):
    mine = note(engineer, "派单", case=case)
    client.force_login(engineer)
    response = client.post(reverse("workspace:notification-open", args=[mine.pk]))
    assert response.status_code == 302
    assert response.url == reverse("workspace:case", args=[case.number])
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_customer_is_led_to_the_portal(client, customer, case):
    theirs = note(customer, "已解决", case=case)
    client.force_login(customer)
    response = client.post(reverse("workspace:notification-open", args=[theirs.pk]))
    assert response.url == reverse("portal:case", args=[case.number])


def test_a_link_elsewhere_is_not_followed(client, engineer):
    odd = note(engineer, "外链", url="https://evil.example/")
    client.force_login(engineer)
    response = client.post(reverse("workspace:notification-open", args=[odd.pk]))
    assert response.url == reverse("workspace:notifications")


def test_someone_elses_notification_is_not_found_and_stays_unread(client, engineer, engineer2):
    theirs = note(engineer2, "别人的")
    client.force_login(engineer)
    assert client.post(reverse("workspace:notification-open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_page_of_all_mine_and_mark_all_read(client, engineer, engineer2):
    note(engineer, "甲")
    note(engineer, "乙", read=True)
    note(engineer2, "丙")
    client.force_login(engineer)
    body = client.get(reverse("workspace:notifications")).content.decode()
    assert "甲" in body and "乙" in body and "丙" not in body
    response = client.post(reverse("workspace:notifications-read-all"), follow=True)
    assert "All notifications marked read." in [str(m) for m in response.context["messages"]]
    assert not InAppNotification.objects.filter(user=engineer, read_at=None).exists()
    assert InAppNotification.objects.filter(user=engineer2, read_at=None).exists()


def test_older_pages_of_notifications(client, engineer):
    from aftersales.workspace import notification_views

    made = [note(engineer, f"第{i}条") for i in range(5)]
    original = notification_views.PAGE
    notification_views.PAGE = 2
    try:
        client.force_login(engineer)
        first = client.get(reverse("workspace:notifications")).context["page"]
        assert [n.pk for n in first.rows] == [made[4].pk, made[3].pk]
        older = client.get(reverse("workspace:notifications"), {"after": first.next_cursor})
        assert [n.pk for n in older.context["page"].rows] == [made[2].pk, made[1].pk]
    finally:
        notification_views.PAGE = original


def test_the_bell_runs_a_fixed_number_of_queries(client, engineer, case):
    client.force_login(engineer)

    def count(name) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        return len(queries)

    note(engineer, "一", case=case)
    small = (count("workspace:bell-count"), count("workspace:bell-latest"))
    for i in range(30):
        note(engineer, f"多{i}", case=case)
    assert (count("workspace:bell-count"), count("workspace:bell-latest")) == small
    assert small[0] <= 3
