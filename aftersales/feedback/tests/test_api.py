"""The feedback API from the outside: staff read surveys and report figures and work the
revisits; customers get nothing here (their answers are on their cases' public timeline)."""

import datetime as dt

import pytest

from aftersales.cases.choices import CaseType
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.feedback import services
from aftersales.feedback.models import Revisit, Survey
from aftersales.feedback.tests.helpers import survey_link, token_of

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def api(api):
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


@pytest.fixture
def answered(close_case, quality):
    """Two answered surveys of organisation A: 5 and 1 (the 1 opened a complaint)."""
    with frozen(T0):
        first, second = close_case(), close_case()
    with frozen(T0 + dt.timedelta(hours=1)):
        services.survey_answer(token=token_of(survey_link(first)), rating=5, comment="很好")
        services.survey_answer(token=token_of(survey_link(second)), rating=1, comment="太慢")
    return first, second


ENDPOINTS = [
    ("get", "/api/v1/surveys/"),
    ("get", "/api/v1/surveys/{survey}/"),
    ("get", "/api/v1/surveys/satisfaction/"),
    ("get", "/api/v1/complaints/monthly/?start=2026-01-01&end=2026-03-31"),
    ("get", "/api/v1/revisits/"),
    ("get", "/api/v1/revisits/{revisit}/"),
    ("get", "/api/v1/revisits/outcomes/"),
    ("post", "/api/v1/revisits/{revisit}/record/"),
    ("post", "/api/v1/revisits/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("who", ["customer", "customer_b"])
def test_customers_get_nothing_here(api, request, answered, who, method, path):
    survey = Survey.objects.first()
    revisit = Revisit.objects.first()
    url = path.format(survey=survey.pk, revisit=revisit.pk)
    response = getattr(api.as_user(request.getfixturevalue(who)), method)(
        url, {"reached": False} if method == "post" else None, format="json"
    )
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == (
        "Only service staff see surveys, revisits and complaint counts."
    )
    revisit.refresh_from_db()
    assert revisit.attempts == 0


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_strangers_must_sign_in(api, answered, method, path):
    url = path.format(survey=1, revisit=1)
    assert getattr(api, method)(url).status_code == 401


def test_customers_read_their_answer_on_the_public_timeline_only(
    api, answered, customer, customer_b
):
    first, _second = answered
    mine = api.as_user(customer).get(f"/api/v1/cases/{first.number}/").json()
    entry = next(e for e in mine["timeline"] if e["kind"] == "survey_answered")
    assert entry["summary"] == "Satisfaction survey answered: 5 of 5"
    assert entry["body"] == "很好"
    assert api.as_user(customer_b).get(f"/api/v1/cases/{first.number}/").status_code == 404


def test_staff_list_surveys_with_their_answers(
    api, answered, dispatcher, django_assert_max_num_queries
):
    first, second = answered
    client = api.as_user(dispatcher)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/surveys/").json()
    rows = body["results"]
    assert [(r["case"], r["rating"], r["state"]) for r in rows] == [
        (second.number, 1, "answered"),
        (first.number, 5, "answered"),
    ]
    complaint = Case.objects.get(case_type=CaseType.COMPLAINT)
    assert rows[0]["follow_up"] == complaint.number
    assert rows[0]["recipient"]["username"] == "customer"
    assert rows[0]["engineer"]["username"] == "engineer"
    assert "token" not in str(rows) and "token_hash" not in rows[0]
    low = client.get("/api/v1/surveys/", {"rating_max": 2}).json()["results"]
    assert [r["case"] for r in low] == [second.number]
    assert client.get("/api/v1/surveys/", {"answered": "false"}).json()["results"] == []
    refused = client.get("/api/v1/surveys/", {"rating_max": 9})
    assert refused.status_code == 400 and "rating_max" in refused.json()["errors"]


def test_the_satisfaction_report(api, answered, dispatcher, org_a):
    client = api.as_user(dispatcher)
    overall = client.get("/api/v1/surveys/satisfaction/").json()
    assert overall == [
        {
            "period": None,
            "organisation_id": None,
            "organisation": None,
            "engineer_id": None,
            "engineer": None,
            "count": 2,
            "average": 3.0,
            "distribution": {"1": 1, "2": 0, "3": 0, "4": 0, "5": 1},
        }
    ]
    monthly = client.get(
        "/api/v1/surveys/satisfaction/", {"period": "month", "by": "organisation"}
    ).json()
    assert [(r["period"], r["organisation"], r["count"]) for r in monthly] == [
        ("2026-03-01", org_a.name, 2)
    ]
    engineer = client.get(
        "/api/v1/surveys/satisfaction/", {"by": "engineer", "organisation": "HDGA"}
    ).json()
    assert [(r["engineer"], r["average"]) for r in engineer] == [("engineer", 3.0)]
    empty = client.get("/api/v1/surveys/satisfaction/", {"start": "2026-04-01"}).json()
    assert empty == []
    bad = client.get("/api/v1/surveys/satisfaction/", {"period": "fortnight"})
    assert bad.status_code == 400 and "period" in bad.json()["errors"]
    unknown = client.get("/api/v1/surveys/satisfaction/", {"organisation": "NOPE"})
    assert unknown.json() == {
        "detail": "Unknown organisation.",
        "code": "invalid",
        "errors": {"organisation": ["Unknown organisation."]},
    }
    backwards = client.get(
        "/api/v1/surveys/satisfaction/", {"start": "2026-03-02", "end": "2026-03-01"}
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == {"end": ["The end is before the start."]}


def test_complaints_by_month(api, answered, dispatcher, org_a):
    client = api.as_user(dispatcher)
    rows = client.get(
        "/api/v1/complaints/monthly/",
        {"start": "2026-01-01", "end": "2026-03-31", "by_organisation": "true"},
    ).json()
    # The complaint of the low rating, opened on 2 March.
    assert rows == [
        {"month": "2026-03-01", "organisation_id": org_a.pk, "organisation": org_a.name, "count": 1}
    ]
    overall = client.get(
        "/api/v1/complaints/monthly/", {"start": "2026-03-15", "end": "2026-03-15"}
    ).json()
    assert overall == [
        {"month": "2026-03-01", "organisation_id": None, "organisation": None, "count": 1}
    ]
    missing = client.get("/api/v1/complaints/monthly/")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"start", "end"}


def test_the_desk_works_revisits_through_the_api(
    api, close_case, dispatcher, quality, django_assert_max_num_queries
):
    with frozen(T0):
        case = close_case()
    revisit = Revisit.objects.get(case=case)
    client = api.as_user(dispatcher)
    with frozen(T0 + dt.timedelta(days=3)):
        with django_assert_max_num_queries(8):
            today = client.get("/api/v1/revisits/", {"view": "today"}).json()["results"]
        assert [r["id"] for r in today] == [revisit.pk]
        assert today[0]["case"] == case.number
        assert today[0]["contact"]["name"] == case.contact.name
        assert client.get("/api/v1/revisits/", {"view": "done"}).json()["results"] == []

        refused = client.post(
            f"/api/v1/revisits/{revisit.pk}/record/", {"reached": True}, format="json"
        )
        assert refused.status_code == 400
        assert refused.json()["errors"] == {"satisfied": ["Say whether the customer is satisfied."]}

        done = client.post(
            f"/api/v1/revisits/{revisit.pk}/record/",
            {"reached": True, "satisfied": False, "notes": "仍不满意", "open_complaint": True},
            format="json",
        )
        assert done.status_code == 200, done.json()
        body = done.json()
        assert (body["outcome"], body["satisfied"], body["done_by"]) == (
            "reached",
            False,
            "dispatcher",
        )
        assert body["complaint"] == Case.objects.get(case_type=CaseType.COMPLAINT).number
        again = client.post(f"/api/v1/revisits/{revisit.pk}/record/", {"reached": False})
        assert again.status_code == 409
        assert again.json()["detail"] == "This revisit is already recorded."

        outcomes = client.get("/api/v1/revisits/outcomes/").json()
        assert outcomes == [
            {
                "period": None,
                "organisation_id": None,
                "organisation": None,
                "done": 1,
                "reached": 1,
                "satisfied": 0,
                "unsatisfied": 1,
                "not_reached": 0,
                "cancelled": 0,
                "complaints": 1,
            }
        ]

        booked = client.post(
            "/api/v1/revisits/",
            {"case": case.number, "due_at": "2026-03-09T10:00:00+08:00", "notes": "复访"},
            format="json",
        )
        assert booked.status_code == 201, booked.json()
        assert booked.json()["kind"] == "manual" and booked.json()["case"] == case.number
        nowhere = client.post(
            "/api/v1/revisits/", {"case": "NO-SUCH", "due_at": "2026-03-09T10:00:00+08:00"}
        )
        assert nowhere.status_code == 400 and nowhere.json()["errors"] == {
            "case": ["No such case."]
        }


def test_an_engineer_reads_revisits_but_does_not_record_them(api, close_case, engineer):
    case = close_case()
    revisit = Revisit.objects.get(case=case)
    client = api.as_user(engineer)
    assert client.get(f"/api/v1/revisits/{revisit.pk}/").status_code == 200
    refused = client.post(f"/api/v1/revisits/{revisit.pk}/record/", {"reached": False})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the service desk and quality managers record revisits."
    assert client.get("/api/v1/revisits/999999/").status_code == 404
