"""Password reset by email: through the outbox, with Django's token, and the same answer
whether or not an account uses the address."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory
from aftersales.notifications.models import OutboxMessage

URL = reverse("password_reset")


@pytest.fixture
def reset(client, django_capture_on_commit_callbacks):
    """Ask for a reset; the outbox is delivered after the commit (the worker runs at once in
    tests)."""

    def ask(email, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"email": email}, **headers)

    return ask


def test_the_page_and_the_link_from_sign_in(client):
    sign_in = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in sign_in
    page = client.get(URL)
    assert page.status_code == 200 and 'data-testid="password-reset-form"' in page.content.decode()


def test_a_known_address_gets_a_link_through_the_outbox(reset, client, engineer, settings):
    response = reset("ENGINEER@example.com")
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    message = OutboxMessage.objects.get(event="password_reset")
    assert (message.channel, message.address, message.recipient) == (
        "email",
        "engineer@example.com",
        engineer,
    )
    assert [m.to for m in mail.outbox] == [["engineer@example.com"]]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/accounts/reset/")

    path = link[len(settings.SITE_URL.rstrip("/")) :]
    form_page = client.get(path, follow=True)
    assert 'data-testid="password-reset-confirm"' in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Kx9#long-enough-pw", "new_password2": "Kx9#long-enough-pw"},
    )
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert client.login(username="engineer", password="Kx9#long-enough-pw")
    # The link works once.
    again = client.get(path, follow=True)
    assert 'data-testid="password-reset-invalid"' in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_nothing_is_sent(reset, client, engineer):
    known = reset("engineer@example.com")
    unknown = reset("nobody@example.com")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert OutboxMessage.objects.filter(event="password_reset").count() == 1

    def page(url) -> str:  # the same page, but for its CSRF token
        return re.sub(
            r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"',
            "",
            client.get(url).content.decode(),
        )

    assert page(known.url) == page(unknown.url)


def test_an_inactive_account_gets_nothing(reset, db):
    UserFactory(username="left", email="left@example.com", is_active=False)
    assert reset("left@example.com").status_code == 302
    assert not OutboxMessage.objects.exists() and mail.outbox == []


def test_the_message_speaks_the_persons_language(reset, db):
    UserFactory(username="wang", email="wang@example.com", language="zh-hans")
    reset("wang@example.com")
    assert mail.outbox[0].subject == "重置您的售后服务系统密码"


def test_a_bad_address_is_refused_on_the_page(client):
    response = client.post(URL, {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_forged_link_does_not_work(client, engineer):
    response = client.get("/accounts/reset/MQ/abc-123/", follow=True)
    assert "This link no longer works" in response.content.decode()


def test_the_pages_speak_chinese_by_default(db):
    from django.test import Client

    body = Client().get(URL).content.decode()
    assert '<html lang="zh-hans" ' in body
