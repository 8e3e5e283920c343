"""The admin pages of feedback, the default notification texts, and the selectors the
reports build on."""

import datetime as dt

import pytest
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory
from aftersales.feedback import selectors, services
from aftersales.feedback.models import Revisit, RevisitPlan, Survey
from aftersales.notifications.models import NotificationTemplate

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)


# --- admin ----------------------------------------------------------------------------------


@pytest.fixture
def closed(close_case):
    return close_case()


def test_the_admin_lists_surveys_and_revisits_read_only(client, admin_user, closed):
    client.force_login(admin_user)
    survey = Survey.objects.get(case=closed)
    revisit = Revisit.objects.get(case=closed)
    changelist = client.get(reverse("admin:feedback_survey_changelist"))
    assert changelist.status_code == 200 and closed.number in changelist.content.decode()
    page = client.get(reverse("admin:feedback_survey_change", args=[survey.pk]))
    assert page.status_code == 200
    assert survey.token_hash not in page.content.decode()
    assert client.get(reverse("admin:feedback_survey_add")).status_code == 403
    assert client.get(reverse("admin:feedback_revisit_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:feedback_revisit_change", args=[revisit.pk])).status_code == 200
    )
    assert client.get(reverse("admin:feedback_revisit_add")).status_code == 403


def test_a_dispatcher_sets_a_contracts_revisit_plan_in_the_admin(client, contract_a):
    dispatcher = UserFactory(username="desk-admin", roles=["dispatcher"])
    client.force_login(dispatcher)
    response = client.post(
        reverse("admin:feedback_revisitplan_add"),
        {"contract": contract_a.pk, "after_close": "on", "after_close_days": "5", "frequency": ""},
    )
    assert response.status_code == 302, response.content
    plan = RevisitPlan.objects.get(contract=contract_a)
    assert (plan.after_close, plan.after_close_days, plan.frequency) == (True, 5, "")
    # Surveys stay read-only for the desk.
    assert client.get(reverse("admin:feedback_survey_changelist")).status_code == 200


def test_customers_never_reach_the_admin(client, customer):
    client.force_login(customer)
    response = client.get(reverse("admin:feedback_survey_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- default texts --------------------------------------------------------------------------


def test_default_texts_exist_in_both_languages(db):
    found = set(
        NotificationTemplate.objects.filter(event__in=["survey", "complaints_rising"]).values_list(
            "event", "channel", "language"
        )
    )
    for language in ("zh-hans", "en"):
        for channel in ("in_app", "email", "sms"):
            assert ("survey", channel, language) in found
        for channel in ("in_app", "email", "sms", "robot"):
            assert ("complaints_rising", channel, language) in found
    # A survey link is personal: no text for group robots.
    assert not {row for row in found if row[0] == "survey" and row[1] == "robot"}


# --- the reports' selectors -----------------------------------------------------------------


@pytest.fixture
def answers(org_a, org_b, closed, engineer, customer):
    """Answers given at the month's turn in Shanghai (UTC+8) by two organisations."""
    engineer2 = UserFactory(username="engineer2", display_name="李工", roles=["engineer"])

    def answer(org, who, at, rating):
        return Survey.objects.create(
            case=closed,
            organisation=org,
            engineer=who,
            recipient=customer,
            token_hash=f"{at.isoformat()}{rating}{org.pk}{who.pk}",
            language="zh-hans",
            case_closed_at=at,
            sent_at=at,
            expires_at=at + dt.timedelta(days=14),
            answered_at=at,
            rating=rating,
        )

    # 2026-03-31 17:00 UTC is 1 April 01:00 in Shanghai: an April answer.
    answer(org_a, engineer, dt.datetime(2026, 3, 31, 15, 0, tzinfo=dt.UTC), 5)
    answer(org_a, engineer, dt.datetime(2026, 3, 31, 17, 0, tzinfo=dt.UTC), 4)
    answer(org_b, engineer2, dt.datetime(2026, 4, 10, 2, 0, tzinfo=dt.UTC), 1)
    answer(org_b, engineer2, dt.datetime(2026, 4, 11, 2, 0, tzinfo=dt.UTC), 2)
    return engineer, engineer2


def test_satisfaction_per_month_counts_in_the_services_time_zone(answers, dispatcher):
    rows = selectors.satisfaction(user=dispatcher, period="month")
    assert [(r.period, r.count, r.average, r.distribution) for r in rows] == [
        (dt.date(2026, 3, 1), 1, 5.0, {1: 0, 2: 0, 3: 0, 4: 0, 5: 1}),
        (dt.date(2026, 4, 1), 3, 2.33, {1: 1, 2: 1, 3: 0, 4: 1, 5: 0}),
    ]


def test_satisfaction_per_organisation_and_engineer(answers, dispatcher, org_a, org_b):
    _engineer, engineer2 = answers
    by_org = selectors.satisfaction(user=dispatcher, by="organisation")
    assert [(r.organisation, r.count, r.average) for r in by_org] == [
        (org_a.name, 2, 4.5),
        (org_b.name, 2, 1.5),
    ]
    by_engineer = selectors.satisfaction(
        user=dispatcher, by="engineer", start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert [(r.engineer, r.count) for r in by_engineer] == [("engineer", 1), ("李工", 2)]
    only = selectors.satisfaction(user=dispatcher, engineer_id=engineer2.pk)
    assert [(r.count, r.average) for r in only] == [(2, 1.5)]


def test_the_reports_selectors_show_customers_nothing(answers, customer, closed):
    assert selectors.satisfaction(user=customer) == []
    assert (
        selectors.complaint_counts(
            user=customer, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
        )
        == []
    )
    assert selectors.revisit_outcomes(user=customer) == []
    assert not selectors.revisit_list(user=customer).exists()
    assert not selectors.survey_list(user=customer).exists()


def test_the_reports_selectors_run_one_query(answers, dispatcher, django_assert_num_queries):
    dispatcher.roles  # noqa: B018 (the roles, read once per request in real use)
    for kwargs in ({}, {"period": "week", "by": "engineer"}, {"by": "organisation"}):
        with django_assert_num_queries(1):
            selectors.satisfaction(user=dispatcher, **kwargs)
    with django_assert_num_queries(1):
        selectors.revisit_outcomes(user=dispatcher, period="month", by_organisation=True)
    with django_assert_num_queries(1):
        selectors.complaint_counts(
            user=dispatcher,
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 6, 30),
            by_organisation=True,
        )


def test_revisit_outcomes_per_month(close_case, dispatcher):
    first, second = close_case(), close_case()
    for case, reached in ((first, True), (second, False)):
        revisit = Revisit.objects.get(case=case)
        services.revisit_record(
            revisit=revisit, actor=dispatcher, reached=reached, satisfied=True if reached else None
        )
    (row,) = selectors.revisit_outcomes(user=dispatcher, period="month")
    assert (row.done, row.reached, row.satisfied, row.not_reached) == (2, 1, 1, 1)
