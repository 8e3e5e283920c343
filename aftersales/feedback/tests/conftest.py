"""Fixtures for feedback's tests: quality managers, cases closed through the workflow, and the
survey link as the customer receives it."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases.tests.factories import case_in_state


@pytest.fixture
def quality(db):
    return UserFactory(username="quality", display_name="郑丽", roles=[Role.QUALITY_MANAGER])


@pytest.fixture
def close_case(org_a, dispatcher, engineer, manager, customer):
    """close_case() → a case of organisation A reported by `customer`'s contact, closed by
    the manager (pass `contact=None` for a case without one, `organisation=` for another)."""

    def make(*, organisation=None, contact="customer", **fields):
        if contact == "customer":
            contact = customer.contact
        return case_in_state(
            "closed",
            organisation=organisation or org_a,
            dispatcher=dispatcher,
            engineer=engineer,
            manager=manager,
            contact=contact,
            **fields,
        )

    return make
