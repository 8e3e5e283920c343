"""Fixtures of the portal's tests: organisation A's customer and cases, and B's."""

import pytest

from aftersales.cases.tests.factories import case_in_state, open_case


@pytest.fixture
def media(settings, tmp_path):
    """A media folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


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
def portal(client, customer):
    client.force_login(customer)
    return client
