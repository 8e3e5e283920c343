"""Case fixtures for the cases app's tests."""

import pytest
from rest_framework.test import APIClient

from aftersales.accounts.services import user_token
from aftersales.cases.tests.factories import case_in_state, open_case


@pytest.fixture
def make_case(org_a, dispatcher, engineer, manager):
    """make_case("resolved") → a case of organisation A in that state (or of `organisation`)."""

    def make(status="new", *, organisation=None, **fields):
        return case_in_state(
            status,
            organisation=organisation or org_a,
            dispatcher=dispatcher,
            engineer=engineer,
            manager=manager,
            **fields,
        )

    return make


@pytest.fixture
def case_a(org_a, dispatcher, asset_a):
    return open_case(
        actor=dispatcher, organisation=org_a, assets=[asset_a], title="中关村摄像头黑屏"
    )


@pytest.fixture
def case_b(org_b, dispatcher, asset_b):
    return open_case(actor=dispatcher, organisation=org_b, assets=[asset_b], title="门诊楼NVR离线")


@pytest.fixture
def api(api):
    """The shared API client, speaking English unless a request asks otherwise."""
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


@pytest.fixture
def client_for(db):
    """client_for(user) → a separate API client signed in as `user` (None: anonymous)."""

    def make(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            key = user_token(username=user.username)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own, so the files a test finds are its own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
