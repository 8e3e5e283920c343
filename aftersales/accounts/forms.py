"""Forms of the accounts pages."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse

from aftersales.accounts.services import password_reset_send


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset (its token, its checks of who may reset), with the link sent
    through the notifications outbox in the person's language. The link is built on
    SITE_URL, never on the Host header a request claims."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        password_reset_send(user=context["user"], url=settings.SITE_URL.rstrip("/") + path)
