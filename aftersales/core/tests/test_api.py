"""The REST API's front door: schema, docs, authentication, the error format."""

import io

import pytest
from django.core.management import CommandError, call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aftersales.cases.api.actions import ACTIONS
from aftersales.cases.tests.factories import open_case
from aftersales.core.tests.utils import assert_error


@pytest.fixture
def case_a(org_a, dispatcher):
    return open_case(actor=dispatcher, organisation=org_a)


RESOURCES = ["organisations", "contacts", "sites", "projects", "contracts", "assets", "cases"]


# --- schema and docs ------------------------------------------------------------------


def test_schema_generates_without_warnings_and_validates():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    warnings = dict(GENERATOR_STATS._warn_cache)
    errors = dict(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    assert not warnings, warnings
    assert not errors, errors
    validate_schema(schema)


def test_schema_endpoint_lists_every_resource_and_case_action(api, dispatcher):
    response = api.as_user(dispatcher).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in paths
        assert any(p.startswith(f"/api/v1/{resource}/{{") for p in paths), resource
    for name in ACTIONS:
        assert f"/api/v1/cases/{{number}}/{name}/" in paths, name
        assert "post" in paths[f"/api/v1/cases/{{number}}/{name}/"]
    assert "/api/v1/cases/{number}/attachments/" in paths
    assert "/api/v1/cases/{number}/attachments/{attachment_id}/" in paths
    assert "/api/v1/lookup/" in paths
    assert "/api/v1/consultations/" in paths


def test_schema_offers_every_action_of_the_registry():
    assert set(ACTIONS) == {
        "assign",
        "respond",
        "takeover",
        "transfer",
        "escalate",
        "wait",
        "resume",
        "confirm-cause",
        "set-severity",
        "call",
        "resolve",
        "confirm",
        "reject",
        "close",
        "reopen",
        "cancel",
        "note",
        "link-master",
        "follow-up",
    }


def test_docs_page_for_a_signed_in_user(client, dispatcher):
    client.force_login(dispatcher)

    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"/api/schema/" in response.content


# --- authentication -------------------------------------------------------------------


def test_token_command_prints_a_new_token_then_the_same_one(dispatcher):
    assert not Token.objects.filter(user=dispatcher).exists()
    out = io.StringIO()

    call_command("token", "dispatcher", stdout=out)

    key = out.getvalue().strip()
    assert key == Token.objects.get(user=dispatcher).key
    again = io.StringIO()
    call_command("token", "dispatcher", stdout=again)
    assert again.getvalue().strip() == key
    assert Token.objects.filter(user=dispatcher).count() == 1


def test_token_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named nobody"):
        call_command("token", "nobody", stdout=io.StringIO())
    assert not Token.objects.exists()


def test_token_from_the_command_authenticates(dispatcher, case_a):
    out = io.StringIO()
    call_command("token", "dispatcher", stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")

    response = client.get(f"/api/v1/cases/{case_a.number}/")

    assert response.status_code == 200
    assert response.json()["number"] == case_a.number


def test_a_wrong_token_is_refused(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get("/api/v1/cases/")

    assert_error(response, 401, message="Invalid token.", code="authentication_failed")


def test_no_credentials_answers_401_with_the_token_challenge(db):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/cases/")

    assert_error(
        response,
        401,
        message="Authentication credentials were not provided.",
        code="not_authenticated",
    )
    assert response["WWW-Authenticate"] == "Token"


def test_session_authentication_reads_and_writes_with_csrf(org_a, dispatcher):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username="dispatcher", password="pw-for-tests")
    body = {"organisation": "HDGA", "title": "门禁失灵", "severity": "P3", "channel": "phone"}
    body["description"] = ""

    assert client.get("/api/v1/cases/").status_code == 200
    refused = client.post("/api/v1/cases/", body, format="json")
    assert_error(refused, 403, code="permission_denied")
    assert "CSRF" in refused.json()["detail"]

    client.get("/api-auth/login/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    created = client.post("/api/v1/cases/", body, format="json", HTTP_X_CSRFTOKEN=token)
    assert created.status_code == 201, created.json()
    assert created.json()["created_by"] == "dispatcher"


# --- the error format -----------------------------------------------------------------


def test_unknown_endpoint_of_the_api_is_json_404(api, dispatcher):
    response = api.as_user(dispatcher).get(
        "/api/v1/cases/19990101-999999/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert_error(response, 404, message="No such case.", code="not_found")


@pytest.mark.parametrize(
    "path", ["/api/v1/nothing/", "/api/v1/cases/20260601-000001/explode/", "/api/v2/cases/"]
)
def test_unknown_api_address_is_json_404(api, dispatcher, path):
    response = api.as_user(dispatcher).get(path, HTTP_ACCEPT_LANGUAGE="en")

    assert_error(response, 404, message="Not found.", code="not_found")


def test_unknown_api_address_speaks_chinese(api, dispatcher):
    response = api.as_user(dispatcher).get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert_error(response, 404, message="未找到。", code="not_found")


def test_unknown_page_outside_the_api_is_not_json(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_malformed_json_is_a_400_in_the_format(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/cases/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )

    body = assert_error(response, 400, code="parse_error")
    assert body["detail"].startswith("JSON parse error")


def test_wrong_method_is_a_405_in_the_format(api, dispatcher, case_a):
    response = api.as_user(dispatcher).delete(
        f"/api/v1/cases/{case_a.number}/", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert_error(response, 405, message='Method "DELETE" not allowed.', code="method_not_allowed")


def test_errors_speak_simplified_chinese_where_translated(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/cases/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    body = assert_error(response, 400, field="title", code="invalid")
    assert body["errors"]["title"] == ["该字段是必填项。"]
    assert set(body["errors"]) == {"organisation", "title", "description", "severity", "channel"}
