"""A real browser signs in and lands where its role belongs."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dispatcher_lands_on_the_service_desk(browser, dispatcher):
    page = browser.sign_in(dispatcher)
    assert page.url.endswith("/desk/")
    assert page.locator("[data-testid=lookup]").is_visible()
