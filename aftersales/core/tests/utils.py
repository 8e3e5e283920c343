"""Helpers shared by API tests: the error format every refusal must follow."""

from typing import Any

ERROR_KEYS = {"detail", "code", "errors"}


def assert_error(
    response,
    status: int,
    *,
    field: str | None = None,
    message: str | None = None,
    code: str | None = None,
) -> dict[str, Any]:
    """Assert `response` is the API's JSON error: {"detail", "code", "errors": {field: [..]}},
    with this status, naming `field` (when given) with `message` (when given) as its first
    message. Returns the body."""
    assert response.status_code == status, (response.status_code, _body(response))
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["errors"], dict) and body["errors"], body
    for name, messages in body["errors"].items():
        assert isinstance(name, str), body
        assert isinstance(messages, list) and messages, body
        assert all(isinstance(m, str) and m for m in messages), body
    if field is not None:
        assert field in body["errors"], body
    if message is not None:
        messages = body["errors"][field or "non_field_errors"]
        assert message in messages, body
        if field is None or len(body["errors"]) == 1:
            assert body["detail"] == message, body
    if code is not None:
        assert body["code"] == code, body
    return body


def _body(response) -> Any:
    try:
        return response.json()
    except ValueError:  # not JSON: show what came instead
        return getattr(response, "content", b"")[:500]


# --- every role, for the shared permission suites -------------------------------------

STAFF_ROLES = ["dispatcher", "engineer", "expert", "manager", "admin"]
ROLES = [*STAFF_ROLES, "customer", "customer_b", "anonymous"]
DESK_ROLES = {"dispatcher", "manager", "admin"}

# The conftest fixture that makes each role's user.
_FIXTURES = {"admin": "admin_user"}


def role_user(request, role: str):
    """The user playing `role` in a test (None for anonymous), from the conftest fixtures:
    `customer` is a contact of organisation A, `customer_b` of organisation B."""
    if role == "anonymous":
        return None
    return request.getfixturevalue(_FIXTURES.get(role, role))
