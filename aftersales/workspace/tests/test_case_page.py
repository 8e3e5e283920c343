"""The case page: what a dispatcher and an engineer see and do there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import Attachment


@pytest.fixture
def case(dispatcher, org_a, asset_a):
    return services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        description="夜间黑屏",
        severity="P2",
        channel="phone",
        assets=[asset_a],
    )


def page(client, user, case, **params):
    client.force_login(user)
    return client.get(reverse("workspace:case", args=[case.number]), params)


def test_the_dispatcher_sees_the_case_and_the_actions_the_workflow_allows(client, dispatcher, case):
    response = page(client, dispatcher, case)
    assert response.status_code == 200
    body = response.content.decode()
    assert case.number in body and "3号摄像头夜间黑屏" in body
    assert response.context["actions"] == [
        "assign",
        "transfer",
        "set-severity",
        "call",
        "cancel",
        "link-master",
        "follow-up",
    ]
    assert [c.metric for c in response.context["clocks"]] == ["response", "cause", "resolution"]


def test_assigning_from_the_page(client, dispatcher, engineer, team, case):
    client.force_login(dispatcher)
    response = client.post(
        reverse("workspace:case-action", args=[case.number, "assign"]), {"assignee": "engineer"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.assignee) == ("assigned", engineer)


def test_a_refused_action_shows_the_reason_and_changes_nothing(client, dispatcher, case):
    client.force_login(dispatcher)
    response = client.post(
        reverse("workspace:case-action", args=[case.number, "assign"]), {"assignee": "nobody"}
    )
    assert response.status_code == 400
    assert response.context["open_action"] == "assign"
    assert "assignee" in response.context["action_errors"]
    case.refresh_from_db()
    assert case.status == "new"


def test_an_engineer_cannot_take_a_managers_action_by_posting_it(client, engineer, case):
    client.force_login(engineer)
    response = client.post(reverse("workspace:case-action", args=[case.number, "close"]))
    assert response.status_code == 400
    assert "not allowed" in str(response.context["action_errors"])


def test_a_note_with_dropped_files(client, dispatcher, case):
    client.force_login(dispatcher)
    upload = SimpleUploadedFile("现场.jpg", b"jpeg", content_type="image/jpeg")
    response = client.post(
        reverse("workspace:case-note", args=[case.number]),
        {"body": "已电话联系王警官", "visibility": "public", "files": [upload]},
    )
    assert response.status_code == 302
    assert [e.kind for e in case.timeline.order_by("seq")] == ["created", "note", "attachment"]
    attachment = Attachment.objects.get()
    download = client.get(reverse("workspace:attachment", args=[case.number, attachment.pk]))
    assert b"".join(download.streaming_content) == b"jpeg"


def test_the_live_region_answers_204_until_something_changes(client, dispatcher, case):
    client.force_login(dispatcher)
    url = reverse("workspace:case-live", args=[case.number])
    assert client.get(url, {"seen": case.timeline_count}).status_code == 204
    services.case_note(case=case, actor=dispatcher, body="新进展", visibility="internal")
    changed = client.get(url, {"seen": case.timeline_count})
    assert changed.status_code == 200 and "新进展" in changed.content.decode()


def test_timeline_filters(client, dispatcher, case):
    services.case_note(case=case, actor=dispatcher, body="内部备注", visibility="internal")
    services.case_note(case=case, actor=dispatcher, body="公开说明", visibility="public")

    def bodies(show):
        return [e.body for e in page(client, dispatcher, case, show=show).context["timeline"]]

    assert "内部备注" in bodies("internal") and "公开说明" not in bodies("internal")
    assert "公开说明" in bodies("public") and "内部备注" not in bodies("public")
    assert bodies("system") == ["夜间黑屏"]


def test_customers_have_the_portal_not_the_workspace(client, customer, customer_b, case):
    assert page(client, customer, case).status_code == 403
    client.force_login(customer)
    assert client.get(reverse("portal:case", args=[case.number])).status_code == 200
    client.force_login(customer_b)
    assert client.get(reverse("portal:case", args=[case.number])).status_code == 404


def test_the_case_page_runs_a_fixed_number_of_queries(
    client, dispatcher, case, django_assert_max_num_queries
):
    client.force_login(dispatcher)
    page(client, dispatcher, case)
    for i in range(30):
        services.case_note(case=case, actor=dispatcher, body=f"备注{i}", visibility="internal")
    with django_assert_max_num_queries(40):
        assert page(client, dispatcher, case).status_code == 200


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_runs_the_same_queries_for_2_entries_as_for_20(
    client, dispatcher, engineer, team, case
):
    from aftersales.accounts.tests.factories import TeamFactory, UserFactory

    def grow(n):
        for i in range(n):
            services.case_note(
                case=case,
                actor=dispatcher,
                body=f"备注{i}",
                visibility="internal" if i % 2 else "public",
            )
            if i % 3 == 0:
                services.case_attach(
                    case=case,
                    actor=dispatcher,
                    upload=SimpleUploadedFile(f"照片{i}.jpg", b"jpeg", content_type="image/jpeg"),
                    visibility="public",
                )
            # More people and teams to choose from in the action forms.
            UserFactory(roles=["engineer", "expert"] if i % 4 == 0 else ["engineer"])
            if i % 5 == 0:
                TeamFactory()

    client.force_login(dispatcher)
    services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    url = reverse("workspace:case", args=[case.number])
    client.get(url)
    grow(1)
    few = _queries(client, url)
    grow(18)
    case.refresh_from_db()
    assert case.timeline_count >= 20
    assert _queries(client, url) == few <= 40
