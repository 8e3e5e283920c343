"""Fixtures of the spare-parts tests: the parts desk, a warehouse and an engineer's stock,
a few catalogue parts, and cases of organisations A and B."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases.tests.factories import case_in_state
from aftersales.core.clock import frozen
from aftersales.customers.tests.factories import AssetFactory
from aftersales.rma.tests.factories import LocationFactory, PartFactory, stock_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """A Shanghai wall-clock time, e.g. "2026-03-04 10:00"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    """clock("2026-03-04 10:00") stops the clock there (Shanghai time) until the test ends
    or the next call."""
    stack = []

    def set_to(text: str) -> dt.datetime:
        while stack:
            stack.pop().__exit__(None, None, None)
        moment = at(text)
        context = frozen(moment)
        context.__enter__()
        stack.append(context)
        return moment

    yield set_to
    while stack:
        stack.pop().__exit__(None, None, None)


@pytest.fixture
def parts(db):
    """The spare-parts / RMA admin (the demo's `parts`)."""
    return UserFactory(username="parts", display_name="何静", roles=[Role.SPARE_PARTS_ADMIN])


@pytest.fixture
def warehouse(parts):
    return LocationFactory(code="bj-main", name="北京总库", owner=parts)


@pytest.fixture
def second_warehouse(parts):
    return LocationFactory(code="sh-main", name="上海分库", owner=parts)


@pytest.fixture
def van(engineer):
    """The engineer's own stock."""
    return LocationFactory(
        code="van-engineer", name="工程师随车库", kind="engineer", owner=engineer
    )


@pytest.fixture
def van2(engineer2):
    return LocationFactory(
        code="van-engineer2", name="工程师2随车库", kind="engineer", owner=engineer2
    )


@pytest.fixture
def psu(asset_a):
    """A power supply that fits asset A's model; not serialised."""
    part = PartFactory(vendor=asset_a.model.vendor, part_number="PSU-12V-60W", name="电源适配器")
    part.compatible_models.add(asset_a.model)
    return part


@pytest.fixture
def camera(asset_a):
    """A whole camera, serialised: shipped as a replacement, lent as a loaner."""
    part = PartFactory(
        vendor=asset_a.model.vendor,
        part_number="DS-2CD3T46",
        name="400万筒型网络摄像机",
        serialised=True,
    )
    part.compatible_models.add(asset_a.model)
    return part


@pytest.fixture
def stocked(warehouse, psu):
    """Five power supplies at the warehouse, minimum 2."""
    return stock_of(psu, warehouse, 5, minimum=2)


@pytest.fixture
def case_a(org_a, asset_a, dispatcher, engineer, manager, customer):
    """Organisation A's case about asset A, reported by the customer contact, in progress
    with the engineer."""
    return case_in_state(
        "in_progress",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        manager=manager,
        assets=[asset_a],
        contact=customer.contact,
        title="3号摄像头无图像",
    )


@pytest.fixture
def case_b(org_b, site_b, dispatcher, engineer, manager):
    asset = AssetFactory(site=site_b)
    return case_in_state(
        "in_progress",
        organisation=org_b,
        dispatcher=dispatcher,
        engineer=engineer,
        manager=manager,
        assets=[asset],
        title="门诊楼NVR离线",
    )


@pytest.fixture
def client_for(db):
    """client_for(user) → an API client signed in as `user` (None: anonymous), in English."""
    from rest_framework.test import APIClient

    from aftersales.accounts.services import user_token

    def make(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=user.username)}")
        return client

    return make
