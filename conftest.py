"""Fixtures shared by every app's tests: the people of a small service desk and two customer
organisations, A and B."""

import os
import shutil

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import TeamFactory, UserFactory
from aftersales.core.browser import browser_sign_in
from aftersales.customers.tests.factories import (
    AssetFactory,
    ContactFactory,
    ContractFactory,
    OrganisationFactory,
    SiteFactory,
)


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly (services, commands) speaks English in tests; requests choose
    their language from Accept-Language as in production (default zh-hans)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """Django's test client, asking for English unless a test asks otherwise."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


# Rows the data migrations write, which the flush closing a transactional test removes.
SEEDED_BY_MIGRATIONS = [
    (
        "sla",
        "SlaPolicy",
        "aftersales.sla.migrations.0002_builtin_calendars_and_policies",
        "forward",
    ),
    (
        "notifications",
        "NotificationTemplate",
        "aftersales.notifications.migrations.0002_seed_default_templates",
        "seed",
    ),
]


@pytest.fixture(autouse=True)
def _seeded_rows_after_a_flush(request):
    """A transactional test (browser tests, concurrency tests) ends with a flush that empties
    every table, the built-in SLA policies and notification templates included: the next
    transactional test on the same worker would run without them. Put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker is not None and marker.kwargs.get("transaction"):
        transactional = True
    if not transactional:
        return
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    request.getfixturevalue("transactional_db")
    schema_editor = SimpleNamespace(connection=connection)  # all the seeds read of it
    for app_label, model, module, function in SEEDED_BY_MIGRATIONS:
        if not apps.get_model(app_label, model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, schema_editor)


@pytest.fixture
def org_a(db):
    return OrganisationFactory(code="HDGA", name="海淀区公安分局")


@pytest.fixture
def org_b(db):
    return OrganisationFactory(code="RMYY", name="市第一人民医院")


@pytest.fixture
def contract_a(org_a):
    return ContractFactory(organisation=org_a)


@pytest.fixture
def site_a(org_a):
    return SiteFactory(organisation=org_a, name="中关村派出所")


@pytest.fixture
def site_b(org_b):
    return SiteFactory(organisation=org_b, name="门诊楼机房")


@pytest.fixture
def asset_a(site_a, contract_a):
    return AssetFactory(site=site_a, contract=contract_a)


@pytest.fixture
def asset_b(site_b):
    return AssetFactory(site=site_b)


@pytest.fixture
def dispatcher(db):
    return UserFactory(username="dispatcher", roles=[Role.DISPATCHER])


@pytest.fixture
def engineer(db):
    return UserFactory(username="engineer", roles=[Role.ENGINEER])


@pytest.fixture
def engineer2(db):
    return UserFactory(username="engineer2", roles=[Role.ENGINEER])


@pytest.fixture
def expert(db):
    return UserFactory(username="expert", roles=[Role.EXPERT])


@pytest.fixture
def manager(db):
    return UserFactory(
        username="manager", roles=[Role.DEPARTMENT_MANAGER, Role.RESPONSE_CENTRE_MANAGER]
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=[Role.ADMINISTRATOR], is_superuser=True)


@pytest.fixture
def team(engineer, engineer2):
    return TeamFactory(code="onsite", name="现场服务组", members=[engineer, engineer2])


@pytest.fixture
def customer(org_a):
    contact = ContactFactory(organisation=org_a, name="王警官")
    return UserFactory(username="customer", organisation=org_a, contact=contact)


@pytest.fixture
def customer_b(org_b):
    contact = ContactFactory(organisation=org_b, name="李主任")
    return UserFactory(username="customer_b", organisation=org_b, contact=contact)


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs it in with the user's token."""

    class Client(APIClient):
        def as_user(self, user):
            from aftersales.accounts.services import user_token

            self.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=user.username)}")
            return self

    return Client()


def _on_postgres() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """`postgres` tests run only on PostgreSQL, `redis` tests only with REDIS_URL set (CI's
    second run has both); `browser` tests only where Chromium is installed, saying how to get
    it otherwise."""
    from aftersales import env

    skips = {}
    if not _on_postgres():
        skips["postgres"] = pytest.mark.skip(
            reason="needs PostgreSQL: set DATABASE_URL=postgres://…"
        )
    if not env.REDIS_URL:
        skips["redis"] = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://…")
    if CHROMIUM is None:
        skips["browser"] = pytest.mark.skip(reason=NO_BROWSER)
    for item in items:
        for marker, skip in skips.items():
            if marker in item.keywords:
                item.add_marker(skip)
        # A transactional test empties the tables when it ends, which would take the rows the
        # data migrations seeded (calendars, SLA policies, templates) from every later test:
        # restore them.
        db = item.get_closest_marker("django_db")
        if db and db.kwargs.get("transaction") and not db.kwargs.get("serialized_rollback"):
            item.add_marker(
                pytest.mark.django_db(**{**db.kwargs, "serialized_rollback": True}), append=False
            )
    # pytest-django runs the tests that need no database after the transactional ones, which
    # leave the tables empty; a test that reaches the database through a fixture it asks for
    # by name at run time would then find no seeded rows. Transactional tests go last.
    items.sort(key=_is_transactional)


def _is_transactional(item) -> bool:
    db = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (db and db.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the rows serialized after migrating where every connection object finds them.
    Django keeps them on the connection, and connections are context-local: once Playwright
    runs its event loop in this thread, a test gets another connection object that lacks
    them, and the seeded rows (roles, calendars, policies) would not come back after the
    previous transactional test emptied the tables."""
    from django.db import connections

    connection = connections["default"]
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is not None:
        type(connection)._test_serialized_contents = contents


# --- the browser ----------------------------------------------------------------------------

CHROMIUM = next(
    (
        p
        for p in (os.environ.get("CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium")
        if p and os.path.exists(p)
    ),
    None,
)
NO_BROWSER = (
    "Browser tests need Chromium, which was not found: install it with "
    "`apt-get install chromium` (Debian/Ubuntu) or set CHROMIUM=/path/to/chrome."
)


@pytest.fixture(scope="session")
def chromium():
    if CHROMIUM is None:
        pytest.skip(NO_BROWSER)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # for their setup are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium, live_server):
    """A fresh browser context on the live server; `browser.sign_in(user)` signs a user in.
    Pages speak English unless a test switches the language."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)  # generous: CI machines are shared

    def sign_in(user, password="pw-for-tests", page=None):  # noqa: S107 (factory password)
        return browser_sign_in(context, user.username, password, page=page)

    context.sign_in = sign_in
    yield context
    context.close()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if CHROMIUM is None and any(
        "browser" in report.keywords
        for report in terminalreporter.stats.get("skipped", [])
        if hasattr(report, "keywords")
    ):
        terminalreporter.write_line(NO_BROWSER, yellow=True)
