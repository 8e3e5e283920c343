"""The signed-in person's notifications and preferences over the API: their own only."""

import datetime as dt

import pytest

from aftersales.core.clock import frozen
from aftersales.notifications.models import InAppNotification, NotificationPreference

T0 = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)


def note(user, title, *, read=False, case=None):
    return InAppNotification.objects.create(
        user=user,
        title=title,
        body=f"{title}…",
        url="http://127.0.0.1:8000/cases/x/",
        event="assigned",
        case=case,
        created_at=T0,
        read_at=T0 if read else None,
    )


@pytest.fixture
def notes(engineer, engineer2, case_a):
    return {
        "old": note(engineer, "旧的", read=True),
        "new": note(engineer, "新的", case=case_a),
        "theirs": note(engineer2, "别人的"),
    }


def test_the_list_is_mine_newest_first_and_paginated(api, engineer, notes, case_a):
    response = api.as_user(engineer).get("/api/v1/notifications/?page_size=1")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2 and data["next"]
    (first,) = data["results"]
    assert first["id"] == notes["new"].pk
    assert first["title"] == "新的" and first["case"] == case_a.number
    assert first["is_read"] is False and first["read_at"] is None
    second = api.get(data["next"]).json()["results"]
    assert [n["id"] for n in second] == [notes["old"].pk]


def test_unread_count_and_marking_read(api, engineer, notes):
    client = api.as_user(engineer)
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    with frozen(T0):
        response = client.post(f"/api/v1/notifications/{notes['new'].pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    # Reading twice keeps the first time.
    notes["new"].refresh_from_db()
    assert notes["new"].read_at == T0
    assert client.post(f"/api/v1/notifications/{notes['new'].pk}/read/").status_code == 200
    notes["new"].refresh_from_db()
    assert notes["new"].read_at == T0


def test_nobody_reads_or_marks_another_persons_notifications(api, engineer, notes):
    response = api.as_user(engineer).post(
        f"/api/v1/notifications/{notes['theirs'].pk}/read/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "No such notification."
    notes["theirs"].refresh_from_db()
    assert notes["theirs"].read_at is None
    listed = api.get("/api/v1/notifications/").json()["results"]
    assert notes["theirs"].pk not in [n["id"] for n in listed]


def test_mark_all_read(api, engineer, notes):
    client = api.as_user(engineer)
    assert client.post("/api/v1/notifications/read-all/").json() == {"unread": 0}
    notes["theirs"].refresh_from_db()
    assert notes["theirs"].read_at is None


def test_signing_in_is_required(api, notes):
    assert api.get("/api/v1/notifications/").status_code == 401
    assert api.get("/api/v1/notifications/unread-count/").status_code == 401
    assert api.post(f"/api/v1/notifications/{notes['new'].pk}/read/").status_code == 401


def test_preferences_default_then_replaced(api, engineer):
    client = api.as_user(engineer)
    data = client.get("/api/v1/notifications/preferences/").json()
    assert data["preferences"] == []
    assert data["effective"]["assigned"] == ["in_app", "email", "sms"]
    assert data["effective"]["closed"] == ["in_app", "email"]
    assert data["effective"]["password_reset"] == ["email"]

    response = client.put(
        "/api/v1/notifications/preferences/",
        {
            "preferences": [
                {"event": "*", "channels": ["in_app"]},
                {"event": "breached", "channels": ["sms", "email"]},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["preferences"] == [
        {"event": "*", "channels": ["in_app"]},
        {"event": "breached", "channels": ["email", "sms"]},
    ]
    assert data["effective"]["assigned"] == ["in_app"]
    assert data["effective"]["breached"] == ["email", "sms"]
    assert NotificationPreference.objects.filter(user=engineer).count() == 2

    # A PUT replaces everything.
    client.put("/api/v1/notifications/preferences/", {"preferences": []}, format="json")
    assert not NotificationPreference.objects.filter(user=engineer).exists()


@pytest.mark.parametrize(
    ("preferences", "message"),
    [
        ([{"event": "nonsense", "channels": []}], '"nonsense" is not a valid choice.'),
        ([{"event": "*", "channels": ["fax"]}], '"fax" is not a valid choice.'),
        (
            [{"event": "*", "channels": []}, {"event": "*", "channels": ["sms"]}],
            "The event “*” is listed twice.",
        ),
    ],
)
def test_bad_preferences_are_refused_and_change_nothing(api, engineer, preferences, message):
    NotificationPreference.objects.create(user=engineer, event="*", channels=["email"])
    response = api.as_user(engineer).put(
        "/api/v1/notifications/preferences/",
        {"preferences": preferences},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == message
    assert list(NotificationPreference.objects.values_list("event", "channels")) == [
        ("*", ["email"])
    ]


def test_the_schema_documents_the_endpoints(api, admin_user):
    schema = api.as_user(admin_user).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/notifications/unread-count/",
        "/api/v1/notifications/preferences/",
    ):
        assert path in schema["paths"], path
