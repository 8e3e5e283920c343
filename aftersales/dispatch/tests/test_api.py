"""/api/v1/visits/ from the outside: every role, a customer of another organisation, the
phone's requests, refusals with their messages, and query budgets."""

import uuid

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.services import user_token
from aftersales.cases.models import TimelineEntry
from aftersales.core.tests.utils import ROLES, assert_error, role_user
from aftersales.dispatch import services
from aftersales.dispatch.models import Visit
from aftersales.dispatch.tests.conftest import signature_data_url, signature_png, window


@pytest.fixture
def client_for(db):
    def make(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=user.username)}")
        return client

    return make


@pytest.fixture
def as_role(request, client_for):
    return lambda role: client_for(role_user(request, role))


@pytest.fixture
def world(done_visit, case_b, dispatcher, engineer):
    """A done visit of organisation A (with its report and signatures) and a scheduled visit
    of organisation B."""
    start, end = window()
    visit_b = services.visit_schedule(
        case=case_b, engineer=engineer, start=start, end=end, actor=dispatcher
    )
    return {"a": done_visit, "b": visit_b}


@pytest.fixture
def done_visit(signed, engineer):
    return services.visit_finish(
        visit=signed, actor=engineer, result="fixed", work_done="更换电源适配器"
    )


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("role", ROLES)
def test_visit_list_by_role(as_role, world, role):
    response = as_role(role).get("/api/v1/visits/")
    if role == "anonymous":
        assert_error(response, 401)
        return
    expected = {
        "customer": {world["a"].pk},
        "customer_b": {world["b"].pk},
    }.get(role, {world["a"].pk, world["b"].pk})
    assert _ids(response) == expected


@pytest.mark.parametrize("role", ROLES)
def test_visit_detail_by_role(as_role, world, role):
    response = as_role(role).get(f"/api/v1/visits/{world['a'].pk}/")
    if role == "anonymous":
        assert_error(response, 401)
    elif role == "customer_b":
        assert_error(response, 404, message="No such visit.")
    else:
        body = response.json()
        assert response.status_code == 200, body
        assert body["status"] == "done" and body["report"]["name"].endswith(".pdf")
        assert body["signatures"]["customer"]["name"] == "王警官"
        if role == "customer":
            assert body["position"] is None and body["photos"] == [] and body["actions"] == []


@pytest.mark.parametrize("role", ["customer", "customer_b", "dispatcher"])
def test_signature_and_report_files(as_role, world, role):
    visit = world["a"]
    client = as_role(role)
    signature = client.get(f"/api/v1/visits/{visit.pk}/signatures/customer/")
    report = client.get(f"/api/v1/cases/{visit.case.number}/attachments/{visit.report_id}/")
    if role == "customer_b":
        assert_error(signature, 404)
        assert_error(report, 404)
    else:
        assert signature.status_code == 200 and signature["Content-Type"] == "image/png"
        assert b"".join(signature.streaming_content).startswith(b"\x89PNG")
        assert report.status_code == 200
        assert b"".join(report.streaming_content).startswith(b"%PDF-")


def test_a_customer_of_another_organisation_finds_nothing_by_filter(as_role, world):
    response = as_role("customer_b").get(f"/api/v1/visits/?case={world['a'].case.number}")
    assert _ids(response) == set()


def test_list_and_detail_query_budgets(
    as_role, world, dispatcher, engineer, django_assert_max_num_queries
):
    for _ in range(5):
        start, end = window(3)
        services.visit_schedule(
            case=world["b"].case, engineer=engineer, start=start, end=end, actor=dispatcher
        )
    client = as_role("dispatcher")
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/visits/")
    assert len(response.json()["results"]) == 7
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/visits/{world['a'].pk}/").status_code == 200


# --- scheduling and the phone's requests ------------------------------------------------------


def test_the_desk_schedules_through_the_api(client_for, field_case, dispatcher, engineer):
    start, end = window()
    response = client_for(dispatcher).post(
        "/api/v1/visits/",
        {
            "case": field_case.number,
            "engineer": engineer.username,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "purpose": "检查供电",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "scheduled"
    assert response.json()["engineer"]["username"] == "engineer"


def test_an_engineer_may_not_schedule(client_for, field_case, engineer):
    start, end = window()
    response = client_for(engineer).post(
        "/api/v1/visits/",
        {
            "case": field_case.number,
            "engineer": engineer.username,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        format="json",
    )
    assert_error(response, 403, message="Only the service desk dispatches visits.")
    assert not Visit.objects.exists()


def test_the_phone_flow_through_the_api(client_for, visit, engineer):
    client = client_for(engineer)
    base = f"/api/v1/visits/{visit.pk}"
    depart_id = str(uuid.uuid4())
    assert (
        client.post(f"{base}/depart/", {"client_id": depart_id}, format="json").status_code == 200
    )
    # The phone lost the answer and sends again: same state, no second entry.
    again = client.post(f"{base}/depart/", {"client_id": depart_id}, format="json")
    assert again.status_code == 200 and again.json()["status"] == "en_route"
    assert TimelineEntry.objects.filter(case=visit.case, kind="visit_departed").count() == 1
    arrived = client.post(
        f"{base}/arrive/", {"latitude": "39.98", "longitude": "116.31"}, format="json"
    )
    assert arrived.json()["position"]["latitude"] == 39.98
    line = {"client_id": str(uuid.uuid4()), "body": "测量电压"}
    logged = client.post(f"{base}/log/", line, format="json")
    assert logged.status_code == 201 and logged.json()["log"][0]["body"] == "测量电压"
    photo = client.post(
        f"{base}/photos/",
        {"client_id": str(uuid.uuid4()), "file": _photo()},
        format="multipart",
    )
    assert photo.status_code == 201, photo.json()
    assert len(photo.json()["photos"]) == 1
    for role, name in (("customer", "王警官"), ("engineer", "李强")):
        signed = client.post(
            f"{base}/sign/",
            {"role": role, "name": name, "image": signature_data_url()},
            format="json",
        )
        assert signed.status_code == 200, signed.json()
    done = client.post(
        f"{base}/finish/",
        {"result": "fixed", "work_done": "更换适配器", "leftovers": ["门锁损坏"]},
        format="json",
    )
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["status"] == "done" and body["report"]["url"].endswith("/")
    assert body["leftovers"][0]["description"] == "门锁损坏"


def _photo():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("site.png", signature_png(), "image/png")


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"role": "customer", "name": "王警官", "image": signature_data_url(False)},
            "image",
            "The signature is blank: sign in the box.",
        ),
        (
            {"role": "customer", "name": "", "image": signature_data_url()},
            "name",
            "Print the signer's name.",
        ),
        ({"role": "boss", "name": "x", "image": signature_data_url()}, "role", None),
    ],
)
def test_bad_signatures_are_refused(client_for, on_site, engineer, payload, field, message):
    response = client_for(engineer).post(
        f"/api/v1/visits/{on_site.pk}/sign/", payload, format="json"
    )
    assert_error(response, 400, field=field, message=message)
    assert not Visit.objects.get(pk=on_site.pk).customer_signed_at


def test_another_engineer_is_refused_and_nothing_changes(client_for, visit, engineer2):
    response = client_for(engineer2).post(f"/api/v1/visits/{visit.pk}/depart/", {}, format="json")
    assert_error(response, 403, message="Only the visit's engineer may “Depart”.")
    assert Visit.objects.get(pk=visit.pk).status == "scheduled"


def test_a_customer_cannot_act_on_its_visit(client_for, visit, customer, customer_b):
    assert_error(
        client_for(customer).post(f"/api/v1/visits/{visit.pk}/depart/", {}, format="json"),
        404,
        message="No such visit.",
    )
    assert_error(
        client_for(customer_b).post(f"/api/v1/visits/{visit.pk}/depart/", {}, format="json"),
        404,
        message="No such visit.",
    )


def test_finishing_unsigned_is_a_conflict(client_for, on_site, engineer):
    response = client_for(engineer).post(
        f"/api/v1/visits/{on_site.pk}/finish/",
        {"result": "fixed", "work_done": "x"},
        format="json",
    )
    assert_error(
        response,
        409,
        field="customer_signature",
        message="The customer has not signed yet.",
        code="unsigned",
    )


def test_suggestions_for_the_desk_only(client_for, field_case, dispatcher, customer, engineer):
    response = client_for(dispatcher).get(f"/api/v1/visits/suggestions/?case={field_case.number}")
    assert response.status_code == 200
    assert engineer.username in {r["engineer"]["username"] for r in response.json()["results"]}
    assert "open case" in response.json()["results"][0]["reason"]
    assert_error(
        client_for(customer).get(f"/api/v1/visits/suggestions/?case={field_case.number}"), 404
    )
    assert_error(
        client_for(dispatcher).get(
            f"/api/v1/visits/suggestions/?case={field_case.number}&day=tomorrow"
        ),
        400,
        field="day",
        message="Give the day as YYYY-MM-DD.",
    )


def test_case_documents_through_the_api(client_for, field_case, engineer, customer, customer_b):
    payload = {
        "kind": "diagnosis",
        "site_situation": "NVR 风扇停转",
        "emergency_handling": "加装风扇",
    }
    made = client_for(engineer).post(
        f"/api/v1/cases/{field_case.number}/documents/", payload, format="json"
    )
    assert made.status_code == 201, made.json()
    assert made.json()["name"] == f"diagnosis-{field_case.number}.pdf"
    assert_error(
        client_for(customer_b).post(
            f"/api/v1/cases/{field_case.number}/documents/", payload, format="json"
        ),
        404,
    )
    assert_error(
        client_for(customer).post(
            f"/api/v1/cases/{field_case.number}/documents/", payload, format="json"
        ),
        404,
    )
