"""The pages: the visits panel of the case page, dispatching from it, the engineer's visit
page and list, the case documents, and the customer's report in the portal."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aftersales.cases.models import Attachment
from aftersales.core.clock import now
from aftersales.dispatch import services
from aftersales.dispatch.models import Visit
from aftersales.dispatch.tests.conftest import window


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_shows_the_visits_panel(client, dispatcher, visit):
    client.force_login(dispatcher)
    html = client.get(f"/cases/{visit.case.number}/").content.decode()
    assert 'data-testid="visits-panel"' in html
    assert visit.number in html and 'data-testid="dispatch-visit"' in html
    assert 'data-testid="make-diagnosis"' in html
    assert 'data-testid="make-major-fault"' not in html  # P3: no major-fault report


def test_the_case_page_queries_do_not_grow_with_visits(client, dispatcher, engineer, visit):
    client.force_login(dispatcher)
    url = f"/cases/{visit.case.number}/"
    _queries(client, url)
    few = _queries(client, url)
    for hours in range(2, 8):
        start, end = window(hours)
        services.visit_schedule(
            case=visit.case, engineer=engineer, start=start, end=end, actor=dispatcher
        )
    assert _queries(client, url) == few


def test_an_engineer_sees_the_panel_without_the_dispatch_button(client, engineer, visit):
    client.force_login(engineer)
    html = client.get(f"/cases/{visit.case.number}/").content.decode()
    assert 'data-testid="visits-panel"' in html
    assert 'data-testid="dispatch-visit"' not in html


def test_dispatching_from_the_case_page(client, dispatcher, engineer, field_case):
    client.force_login(dispatcher)
    tomorrow = timezone.localdate(now()) + dt.timedelta(days=1)
    response = client.post(
        f"/cases/{field_case.number}/visits/",
        {
            "engineer": engineer.username,
            "day": tomorrow.isoformat(),
            "start": "09:00",
            "end": "11:00",
            "purpose": "更换电源",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(case=field_case)
    local = timezone.localtime(visit.window_start, timezone.get_default_timezone())
    assert (local.date(), local.hour) == (tomorrow, 9)


def test_a_window_past_midnight_ends_the_next_day(client, dispatcher, engineer, field_case):
    client.force_login(dispatcher)
    tomorrow = timezone.localdate(now()) + dt.timedelta(days=1)
    client.post(
        f"/cases/{field_case.number}/visits/",
        {
            "engineer": engineer.username,
            "day": tomorrow.isoformat(),
            "start": "22:00",
            "end": "01:00",
        },
    )
    visit = Visit.objects.get(case=field_case)
    assert visit.window_end - visit.window_start == dt.timedelta(hours=3)


def test_a_bad_dispatch_says_why_and_schedules_nothing(client, dispatcher, field_case):
    client.force_login(dispatcher)
    response = client.post(
        f"/cases/{field_case.number}/visits/",
        {"engineer": "", "day": "2020-01-01", "start": "09:00", "end": "08:00"},
        follow=True,
    )
    assert "The visit was not scheduled: Choose an engineer." in response.content.decode()
    assert not Visit.objects.exists()


def test_suggestions_partial_gives_reasons(client, dispatcher, engineer, field_case):
    client.force_login(dispatcher)
    day = timezone.localdate(now()).isoformat()
    html = client.get(f"/cases/{field_case.number}/visits/suggest/?day={day}").content.decode()
    assert f'data-testid="suggestion-{engineer.username}"' in html
    assert "1 open case" in html


def test_an_engineer_gets_no_suggestions(client, engineer, field_case):
    client.force_login(engineer)
    assert client.get(f"/cases/{field_case.number}/visits/suggest/").status_code == 404


def test_the_visit_page_for_its_engineer_and_others(client, engineer, engineer2, visit, customer):
    client.force_login(engineer)
    html = client.get(f"/visits/{visit.pk}/").content.decode()
    assert 'data-testid="depart"' in html and 'capture="environment"' in html
    assert 'data-testid="onsite-clock"' in html
    client.force_login(engineer2)
    html = client.get(f"/visits/{visit.pk}/").content.decode()
    assert 'data-testid="visit-page"' in html and 'data-testid="depart"' not in html
    client.force_login(customer)
    assert client.get(f"/visits/{visit.pk}/").status_code == 403
    assert client.get("/visits/999999/").status_code == 403


def test_the_visit_page_query_budget(client, engineer, on_site):
    client.force_login(engineer)
    assert _queries(client, f"/visits/{on_site.pk}/") <= 25


def test_the_engineers_list_of_visits(client, engineer, engineer2, dispatcher, visit):
    client.force_login(engineer)
    assert visit.case.title in client.get("/visits/").content.decode()
    client.force_login(engineer2)
    assert visit.case.title not in client.get("/visits/").content.decode()
    client.force_login(dispatcher)
    html = client.get("/visits/").content.decode()
    assert visit.case.title in html and 'href="/visits/"' in html  # in the menu too


def test_making_a_diagnosis_report_from_the_case_page(client, engineer, field_case):
    client.force_login(engineer)
    response = client.post(
        f"/cases/{field_case.number}/documents/diagnosis/",
        {"site_situation": "供电正常", "emergency_handling": "重启", "visibility": "public"},
        follow=True,
    )
    assert f"diagnosis-{field_case.number}.pdf is archived on the case." in (
        response.content.decode()
    )
    assert Attachment.objects.filter(case=field_case, visibility="public").count() == 1


def test_a_document_missing_its_fields_says_why(client, engineer, field_case):
    client.force_login(engineer)
    response = client.post(f"/cases/{field_case.number}/documents/diagnosis/", {}, follow=True)
    assert "Describe the situation on site." in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.fixture
def done(signed, engineer):
    return services.visit_finish(visit=signed, actor=engineer, result="fixed", work_done="更换")


def test_the_customer_reads_the_visit_and_downloads_the_report_in_the_portal(
    client, customer, customer_b, done
):
    client.force_login(customer)
    html = client.get(f"/portal/cases/{done.case.number}/").content.decode()
    assert f"Visit {done.number} scheduled" in html
    assert "arrived on site" in html
    assert f"service-report-{done.number}.pdf" in html
    url = f"/portal/cases/{done.case.number}/attachments/{done.report_id}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(customer_b)
    assert client.get(url).status_code == 404
    assert client.get(f"/portal/cases/{done.case.number}/").status_code == 404


def test_internal_photos_stay_out_of_the_portal(client, customer, on_site, engineer):
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.dispatch.tests.conftest import signature_png

    photo = services.visit_photo_add(
        visit=on_site,
        actor=engineer,
        upload=SimpleUploadedFile("rack.png", signature_png(), "image/png"),
        client_id=uuid.uuid4(),
    )
    client.force_login(customer)
    assert "rack.png" not in client.get(f"/portal/cases/{on_site.case.number}/").content.decode()
    url = f"/portal/cases/{on_site.case.number}/attachments/{photo.attachment_id}/"
    assert client.get(url).status_code == 404
