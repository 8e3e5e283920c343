"""The satisfaction survey, as the customer meets it: an email when the case closes, a page
without signing in, one answer, an expiry, and a complaint for the quality manager when the
rating is low."""

import datetime as dt
import hashlib
import re

import pytest
from django.core import mail
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as case_services
from aftersales.cases.choices import CaseType, EntryKind, Status, Visibility
from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.tests.factories import case_in_state
from aftersales.core.clock import frozen
from aftersales.core.errors import Conflict, NotFound, ValidationError
from aftersales.customers.tests.factories import ContactFactory
from aftersales.feedback import services
from aftersales.feedback.models import Survey
from aftersales.feedback.tests.helpers import survey_link, token_of
from aftersales.notifications.models import ChatRobot, InAppNotification, OutboxMessage

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def kinds(case) -> list[str]:
    return list(case.timeline.order_by("seq").values_list("kind", flat=True))


def answer(client, link, **data):
    return client.post(link, data)


# --- the whole flow, with a real email ------------------------------------------------------


def test_closing_emails_a_link_the_customer_answers_without_signing_in(
    client, close_case, customer, django_capture_on_commit_callbacks
):
    customer.email = "wang@hdga.example"
    customer.save()
    with django_capture_on_commit_callbacks(execute=True):
        case = close_case()

    (email,) = [m for m in mail.outbox if "满意度" in m.subject]
    assert email.to == ["wang@hdga.example"]
    assert case.number in email.subject
    link = re.search(r"http://\S+/survey/\S+", email.body).group(0)
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path.endswith("?lang=zh-hans")  # the customer's language (the site's default)
    # In the app too, pointing at the same link.
    (note,) = InAppNotification.objects.filter(user=customer, event="survey")
    assert note.url == link

    page = client.get(path)
    assert page.status_code == 200
    body = page.content.decode()
    assert case.number in body and case.title in body
    assert '<html lang="zh-hans" ' in body
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]

    done = answer(client, path, rating="4", comment="工程师很专业，响应及时")
    assert done.status_code == 200
    assert 'data-testid="survey-thanks"' in done.content.decode()

    survey = Survey.objects.get(case=case)
    assert (survey.rating, survey.comment) == (4, "工程师很专业，响应及时")
    assert survey.follow_up is None
    entry = case.timeline.order_by("-seq").first()
    assert (entry.kind, entry.visibility, entry.author) == (
        EntryKind.SURVEY_ANSWERED,
        Visibility.PUBLIC,
        customer,
    )
    assert entry.data["rating"] == 4 and entry.body == "工程师很专业，响应及时"

    # The customer reads the answer on the case's public timeline in the portal.
    client.force_login(customer)
    portal = client.get(reverse("portal:case", args=[case.number])).content.decode()
    assert "Satisfaction survey answered: 4 of 5" in portal
    assert "工程师很专业，响应及时" in portal


def in_english(link: str) -> str:
    """The customer's link (it carries their language, zh-hans) asking for English instead."""
    assert "lang=zh-hans" in link
    return link.replace("lang=zh-hans", "lang=en")


def test_the_link_speaks_english_when_asked(client, close_case):
    case = close_case()
    link = survey_link(case).replace("lang=zh-hans", "lang=en")
    body = client.get(link, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en" ' in body
    assert "How satisfied are you with our service?" in body


def test_without_a_language_in_the_link_the_browser_chooses(client, close_case):
    link = survey_link(close_case()).split("?")[0]
    body = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en" ' in body


def test_a_customer_with_english_set_gets_an_english_email_and_link(close_case, customer):
    customer.language = "en"
    customer.save()
    case = close_case()
    message = OutboxMessage.objects.get(event="survey", channel="email", case=case)
    assert message.subject == f"[Survey] Case {case.number} is closed: how did we do?"
    assert message.payload["url"].endswith("?lang=en")
    assert "The link works once, until" in message.body


# --- once, and not forever ------------------------------------------------------------------


def test_a_survey_is_answered_once(client, close_case):
    case = close_case()
    link = in_english(survey_link(case))
    assert answer(client, link, rating="5").status_code == 200

    again = answer(client, link, rating="1", comment="改主意了")
    assert again.status_code == 410
    body = again.content.decode()
    assert "This survey has already been answered" in body
    assert case.number not in body and case.title not in body
    assert client.get(link).status_code == 410
    assert Survey.objects.get(case=case).rating == 5
    assert kinds(case).count(EntryKind.SURVEY_ANSWERED) == 1
    assert not Case.objects.filter(case_type=CaseType.COMPLAINT).exists()


def test_the_service_refuses_a_second_answer_and_changes_nothing(close_case):
    case = close_case()
    token = token_of(survey_link(case))
    services.survey_answer(token=token, rating=3)
    count = TimelineEntry.objects.filter(case=case).count()
    with pytest.raises(Conflict, match="already been answered") as refused:
        services.survey_answer(token=token, rating=5)
    assert refused.value.code == "answered"
    assert TimelineEntry.objects.filter(case=case).count() == count
    assert Survey.objects.get(case=case).rating == 3


def test_the_link_expires_after_14_days(client, close_case, settings):
    assert settings.FEEDBACK_SURVEY_DAYS == 14
    with frozen(T0):
        case = close_case()
    link = in_english(survey_link(case))
    with frozen(T0 + dt.timedelta(days=14) - dt.timedelta(minutes=1)):
        assert client.get(link).status_code == 200
    with frozen(T0 + dt.timedelta(days=14)):
        page = client.get(link)
        refused = answer(client, link, rating="5")
    assert page.status_code == 410
    body = page.content.decode()
    assert "This survey link has expired" in body
    assert case.number not in body and case.title not in body
    assert refused.status_code == 410
    assert Survey.objects.get(case=case).answered_at is None
    assert EntryKind.SURVEY_ANSWERED not in kinds(case)


def test_the_validity_is_configurable(close_case, settings):
    settings.FEEDBACK_SURVEY_DAYS = 3
    with frozen(T0):
        case = close_case()
    survey = Survey.objects.get(case=case)
    assert survey.expires_at == T0 + dt.timedelta(days=3)
    with frozen(T0 + dt.timedelta(days=3)), pytest.raises(Conflict, match="expired"):
        services.survey_answer(token=token_of(survey_link(case)), rating=4)


def test_an_unknown_or_mangled_token_gets_a_polite_page(client, close_case):
    case = close_case()
    link = in_english(survey_link(case))
    token = token_of(link)
    mangled = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (
        link.replace(token, mangled),
        "/survey/not-a-token/",
        "/survey/" + "x" * 300 + "/",
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        body = page.content.decode()
        assert 'data-reason="unknown"' in body
        assert "This survey link is not valid" in body
        assert case.number not in body
    assert answer(client, link.replace(token, mangled), rating="5").status_code == 404
    assert Survey.objects.get(case=case).answered_at is None


def test_only_the_tokens_hash_is_kept(close_case):
    case = close_case()
    token = token_of(survey_link(case))
    survey = Survey.objects.get(case=case)
    assert survey.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(value) for value in Survey.objects.filter(pk=survey.pk).values().get().values()]
    assert not any(token in value for value in stored)
    assert len(token) >= 40  # 32 random bytes
    assert token not in str(case.timeline.order_by("-seq").first().data)


def test_the_link_of_one_case_never_reveals_another(client, close_case, org_b, customer_b):
    case_a = close_case(title="中关村摄像头黑屏")
    case_b = close_case(organisation=org_b, contact=customer_b.contact, title="门诊楼NVR离线")
    link_a, link_b = survey_link(case_a), survey_link(case_b)
    assert token_of(link_a) != token_of(link_b)

    body = client.get(link_a).content.decode()
    assert case_a.number in body and "中关村摄像头黑屏" in body
    assert case_b.number not in body and "门诊楼NVR离线" not in body

    answer(client, link_a, rating="2", comment="太慢")
    assert EntryKind.SURVEY_ANSWERED in kinds(case_a)
    assert EntryKind.SURVEY_ANSWERED not in kinds(case_b)
    # The complaint of A's low rating is A's organisation's, and B's customer never sees it.
    complaint = Case.objects.get(case_type=CaseType.COMPLAINT)
    assert complaint.organisation_id == case_a.organisation_id
    client.force_login(customer_b)
    assert client.get(reverse("portal:case", args=[complaint.number])).status_code == 404
    assert client.get(reverse("portal:case", args=[case_a.number])).status_code == 404


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["", "0", "6", "4.5", "五"])
def test_a_rating_from_1_to_5_is_required(client, close_case, rating):
    case = close_case()
    link = survey_link(case).replace("lang=zh-hans", "lang=en")
    page = answer(client, link, rating=rating, comment="评论保留")
    assert page.status_code == 400
    body = page.content.decode()
    assert "Choose a rating from 1 to 5." in body
    assert "评论保留" in body  # what the customer typed is kept
    assert Survey.objects.get(case=case).answered_at is None


def test_a_comment_too_long_is_refused(client, close_case):
    case = close_case()
    link = survey_link(case).replace("lang=zh-hans", "lang=en")
    page = answer(client, link, rating="4", comment="长" * 2001)
    assert page.status_code == 400
    assert "at most 2000 characters" in page.content.decode()
    assert Survey.objects.get(case=case).answered_at is None


def test_the_service_checks_its_input_too(close_case):
    token = token_of(survey_link(close_case()))
    with pytest.raises(ValidationError, match="from 1 to 5") as refused:
        services.survey_answer(token=token, rating="9")
    assert refused.value.field == "rating"
    with pytest.raises(ValidationError, match="under 2000") as refused:
        services.survey_answer(token=token, rating=3, comment="x" * 2001)
    assert refused.value.field == "comment"
    with pytest.raises(NotFound):
        services.survey_answer(token="short", rating=3)


# --- low ratings: a complaint for the quality manager ---------------------------------------


def test_a_low_rating_opens_a_complaint_for_the_quality_manager(
    client, close_case, quality, customer
):
    busy = UserFactory(username="quality2", roles=["quality_manager"])
    case_in_state(
        "assigned",
        organisation=customer.organisation,
        dispatcher=UserFactory(username="d2", roles=["dispatcher"]),
        engineer=UserFactory(username="e2", roles=["engineer"]),
    )
    # quality2 owns an open case already: the lighter-loaded quality manager gets it.
    Case.objects.filter(status=Status.ASSIGNED).update(assignee=busy)

    case = close_case()
    link = survey_link(case).replace("lang=zh-hans", "lang=en")
    page = answer(client, link, rating="2", comment="等了三天才上门")
    assert "Our quality team will contact you about it." in page.content.decode()

    survey = Survey.objects.get(case=case)
    complaint = survey.follow_up
    assert complaint is not None
    assert complaint.case_type == CaseType.COMPLAINT
    assert complaint.follow_up_of == case
    assert (complaint.status, complaint.assignee) == (Status.ASSIGNED, quality)
    assert complaint.organisation == case.organisation and complaint.contact == case.contact
    assert case.number in complaint.title
    assert "等了三天才上门" in complaint.description
    assert complaint.created_by == customer and complaint.channel == "portal"
    # On the original case: the answer, then the follow-up, both for the customer to see.
    entries = list(case.timeline.order_by("-seq")[:2])
    assert [e.kind for e in reversed(entries)] == [EntryKind.SURVEY_ANSWERED, EntryKind.FOLLOW_UP]
    assert entries[0].data["case"] == complaint.number
    assert all(e.visibility == Visibility.PUBLIC for e in entries)
    # The complaint's own timeline: opened, handed to quality.
    assert kinds(complaint) == [EntryKind.CREATED, EntryKind.ASSIGNED]
    handed = complaint.timeline.get(kind=EntryKind.ASSIGNED)
    assert handed.author is None and handed.data["assignee"] == "quality"
    # The quality manager is told, as an assignee is.
    assert OutboxMessage.objects.filter(
        event="assigned", recipient=quality, case=complaint
    ).exists()


def test_a_middling_rating_opens_nothing(close_case, quality):
    case = close_case()
    services.survey_answer(token=token_of(survey_link(case)), rating="3")
    assert not Case.objects.filter(case_type=CaseType.COMPLAINT).exists()
    assert Survey.objects.get(case=case).follow_up is None


def test_the_low_rating_threshold_is_configurable(close_case, quality, settings):
    settings.FEEDBACK_LOW_RATING = 3
    case = close_case()
    services.survey_answer(token=token_of(survey_link(case)), rating="3")
    assert Case.objects.filter(case_type=CaseType.COMPLAINT, follow_up_of=case).exists()


def test_without_a_quality_manager_the_complaint_waits_in_the_desks_queue(close_case):
    case = close_case()
    survey = services.survey_answer(token=token_of(survey_link(case)), rating=1)
    assert survey.follow_up.status == Status.NEW and survey.follow_up.assignee is None


def test_the_quality_manager_works_the_complaint_they_own(close_case, quality, manager, customer):
    case = close_case()
    complaint = services.survey_answer(token=token_of(survey_link(case)), rating=1).follow_up
    complaint = case_services.case_respond(case=complaint, actor=quality, note="已致电道歉")
    complaint = case_services.case_resolve(
        case=complaint, cause="other", solution="约定回访，改进派工", actor=quality
    )
    assert (complaint.status, complaint.resolved_by) == (Status.RESOLVED, quality)
    # Not someone else's case, though.
    other = case_in_state(
        "assigned",
        organisation=customer.organisation,
        dispatcher=UserFactory(username="d3", roles=["dispatcher"]),
        engineer=UserFactory(username="e3", roles=["engineer"]),
    )
    with pytest.raises(Conflict, match="Only the case's owner responds"):
        case_services.case_respond(case=other, actor=quality)


# --- whom the survey goes to ----------------------------------------------------------------


def test_the_survey_goes_to_the_primary_contact_when_the_caller_has_no_account(close_case, org_a):
    primary = ContactFactory(organisation=org_a, name="赵科长", is_primary=True)
    boss = UserFactory(username="zhao", organisation=org_a, contact=primary)
    caller = ContactFactory(organisation=org_a, name="值班员")
    case = close_case(contact=caller)
    assert Survey.objects.get(case=case).recipient == boss
    sent = case.timeline.get(kind=EntryKind.SURVEY_SENT)
    assert sent.visibility == Visibility.PUBLIC and sent.data["recipient"] == "zhao"


def test_with_nobody_to_ask_the_desk_sees_why(close_case, customer):
    case = close_case(contact=None)
    assert not Survey.objects.filter(case=case).exists()
    sent = case.timeline.get(kind=EntryKind.SURVEY_SENT)
    assert sent.visibility == Visibility.INTERNAL and sent.data["recipient"] is None
    assert not OutboxMessage.objects.filter(event="survey").exists()


def test_an_inactive_contact_account_gets_no_survey(close_case, customer):
    customer.is_active = False
    customer.save()
    case = close_case()
    assert not Survey.objects.filter(case=case).exists()


def test_group_robots_never_get_the_personal_link(close_case):
    ChatRobot.objects.create(name="运维群", kind="wecom", webhook_url="http://127.0.0.1:9/hook")
    case = close_case()
    assert OutboxMessage.objects.filter(event="closed", robot__isnull=False).exists()
    assert not OutboxMessage.objects.filter(event="survey", robot__isnull=False).exists()
    assert OutboxMessage.objects.filter(event="survey", case=case).exists()


def test_a_second_closing_asks_again_and_the_first_link_stops(
    client, close_case, dispatcher, engineer, manager
):
    case = close_case()
    first = survey_link(case)
    case = case_services.case_reopen(case=case, actor=dispatcher, reason="故障复现")
    case = case_services.case_respond(case=case, actor=engineer)
    case = case_services.case_resolve(
        case=case, cause="hardware", solution="更换主板", actor=engineer
    )
    case = case_services.case_confirm(case=case, actor=dispatcher)
    case_services.case_close(case=case, actor=manager)

    second = survey_link(case)
    assert second != first
    assert client.get(first).status_code == 410
    assert answer(client, second, rating="5").status_code == 200
    assert Survey.objects.filter(case=case).count() == 2


def test_duplicates_closed_with_their_master_each_ask_their_reporter(
    close_case, org_a, dispatcher, engineer, manager, customer
):
    reporter = ContactFactory(organisation=org_a, name="另一报告人")
    other = UserFactory(username="reporter2", organisation=org_a, contact=reporter)
    master = case_in_state(
        "resolved",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        contact=customer.contact,
    )
    duplicate = case_services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="同一平台故障",
        severity="P2",
        channel="phone",
        contact=reporter,
    )
    case_services.case_link_master(case=duplicate, master=master, actor=dispatcher)
    case_services.case_confirm(case=master, actor=dispatcher)
    case_services.case_close(case=master, actor=manager)

    assert Survey.objects.get(case=master).recipient == customer
    assert Survey.objects.get(case=duplicate).recipient == other
    assert kinds(duplicate)[-2:] == [EntryKind.CLOSED, EntryKind.SURVEY_SENT]


def test_the_survey_page_runs_a_fixed_number_of_queries(
    client, close_case, django_assert_max_num_queries
):
    case = close_case()
    link = survey_link(case)
    with django_assert_max_num_queries(2):
        assert client.get(link).status_code == 200
    with django_assert_max_num_queries(17):  # including the search index kept in step
        assert answer(client, link, rating="4", comment="好").status_code == 200
