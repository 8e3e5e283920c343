"""Revisits (回访): booked after each closing and once a period of each contract, listed for
the service desk, and recorded call by call."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as case_services
from aftersales.cases.choices import CaseType, EntryKind, Status, Visibility
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.customers.tests.factories import ContactFactory, ContractFactory
from aftersales.feedback import services, tasks
from aftersales.feedback.choices import RevisitKind, RevisitOutcome
from aftersales.feedback.models import Revisit, RevisitPlan

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


# --- booked after closing -------------------------------------------------------------------


def test_closing_books_a_call_back_three_days_later(close_case, customer):
    with frozen(T0):
        case = close_case()
    revisit = Revisit.objects.get(case=case)
    assert revisit.kind == RevisitKind.AFTER_CLOSE
    assert revisit.due_at == T0 + dt.timedelta(days=3)
    assert revisit.case_closed_at == case.closed_at == T0
    assert revisit.contact == customer.contact
    assert revisit.organisation == case.organisation
    assert not revisit.is_done


def test_the_contracts_plan_says_when_or_whether(
    close_case, contract_a, settings, org_b, customer_b
):
    RevisitPlan.objects.create(contract=contract_a, after_close_days=7)
    with frozen(T0):
        case = close_case(contract=contract_a)
    assert Revisit.objects.get(case=case).due_at == T0 + dt.timedelta(days=7)

    RevisitPlan.objects.filter(contract=contract_a).update(after_close=False)
    assert not Revisit.objects.filter(case=close_case(contract=contract_a)).exists()

    settings.FEEDBACK_REVISIT_AFTER_CLOSE_DAYS = 1
    with frozen(T0):
        case = close_case(organisation=org_b, contact=customer_b.contact)  # no contract
    assert case.contract is None
    assert Revisit.objects.get(case=case).due_at == T0 + dt.timedelta(days=1)


def test_a_second_closing_cancels_the_open_revisit_of_the_first(
    close_case, dispatcher, engineer, manager
):
    with frozen(T0):
        case = close_case()
    with frozen(T0 + dt.timedelta(days=1)):
        case = case_services.case_reopen(case=case, actor=dispatcher, reason="又黑屏了")
        case = case_services.case_respond(case=case, actor=engineer)
        case = case_services.case_resolve(
            case=case, cause="power", solution="换电源", actor=engineer
        )
        case = case_services.case_confirm(case=case, actor=dispatcher)
        case_services.case_close(case=case, actor=manager)
    first, second = Revisit.objects.filter(case=case).order_by("id")
    assert (first.outcome, first.done_at) == (RevisitOutcome.CANCELLED, T0 + dt.timedelta(days=1))
    assert not second.is_done and second.due_at == T0 + dt.timedelta(days=4)


# --- booked once a period -------------------------------------------------------------------


@pytest.fixture
def quarterly(org_a):
    """A contract from 2025-01-01: revisits on the first of April, July, October, January."""
    ContactFactory(organisation=org_a, name="赵科长", is_primary=True)
    return ContractFactory(
        organisation=org_a,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2027, 12, 31),
        maintenance_frequency="quarterly",
    )


def test_periodic_revisits_are_booked_ahead_and_only_once(quarterly):
    with frozen(T0):
        # 2026-03-02: the next quarter's call, on 2026-04-01, is 30 days ahead: not yet.
        assert services.revisits_generate() == 0
    with frozen(local(2026, 3, 20, 6, 0)):
        assert services.revisits_generate() == 1
        assert services.revisits_generate() == 0
        tasks.book_periodic_revisits()  # the worker's task, twice more
        tasks.book_periodic_revisits()
    (revisit,) = Revisit.objects.filter(kind=RevisitKind.PERIODIC)
    assert revisit.scheduled_for == dt.date(2026, 4, 1)
    assert revisit.due_at == local(2026, 4, 1, 9, 0)
    assert revisit.contract == quarterly and revisit.case is None
    assert revisit.contact.name == "赵科长"


def test_a_stopped_worker_still_books_what_it_missed_lately(quarterly):
    with frozen(local(2026, 4, 20, 6, 0)):
        assert services.revisits_generate() == 1
    assert Revisit.objects.get().scheduled_for == dt.date(2026, 4, 1)


def test_the_plan_may_call_more_or_less_often_than_the_maintenance(quarterly):
    plan = RevisitPlan.objects.create(contract=quarterly, frequency="monthly")
    with frozen(local(2026, 3, 20, 6, 0)):
        services.revisits_generate()
    assert list(Revisit.objects.values_list("scheduled_for", flat=True).order_by("id")) == [
        dt.date(2026, 3, 1),  # missed, still within the grace
        dt.date(2026, 4, 1),
    ]
    plan.frequency = "none"
    plan.save()
    Revisit.objects.all().delete()
    with frozen(local(2026, 3, 20, 6, 0)):
        assert services.revisits_generate() == 0


def test_contracts_without_periodic_service_ended_or_of_archived_customers_get_none(org_a, org_b):
    ContractFactory(organisation=org_a, maintenance_frequency="none")
    ContractFactory(
        organisation=org_a,
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2025, 12, 31),
        maintenance_frequency="monthly",
    )
    ContractFactory(organisation=org_b, maintenance_frequency="monthly")
    org_b.archived_at = T0
    org_b.save()
    with frozen(local(2026, 3, 20, 6, 0)):
        assert services.revisits_generate() == 0


def test_booking_runs_in_batches_with_a_fixed_number_of_queries(
    org_a, django_assert_max_num_queries
):
    for _n in range(12):
        ContractFactory(organisation=org_a, maintenance_frequency="monthly")
    with (
        frozen(local(2026, 3, 20, 6, 0)),
        django_assert_max_num_queries(13),
    ):  # 4 a batch, then an empty read
        assert services.revisits_generate(batch=5) == 24
    assert Revisit.objects.count() == 24


# --- recording calls ------------------------------------------------------------------------


@pytest.fixture
def revisit(close_case):
    with frozen(T0):
        case = close_case()
    return Revisit.objects.get(case=case)


def test_a_satisfied_customer_closes_the_revisit(revisit, dispatcher, customer):
    with frozen(T0 + dt.timedelta(days=3)):
        done = services.revisit_record(
            revisit=revisit, actor=dispatcher, reached=True, satisfied=True, notes="一切正常"
        )
    assert (done.outcome, done.satisfied, done.done_by, done.attempts) == (
        RevisitOutcome.REACHED,
        True,
        dispatcher,
        1,
    )
    assert done.done_at == T0 + dt.timedelta(days=3)
    entry = revisit.case.timeline.order_by("-seq").first()
    assert (entry.kind, entry.visibility, entry.author) == (
        EntryKind.REVISIT,
        Visibility.INTERNAL,
        dispatcher,
    )
    assert entry.body == "一切正常" and entry.data["satisfied"] is True


def test_a_customer_not_reached_is_tried_again_later(revisit, dispatcher):
    with frozen(T0 + dt.timedelta(days=3)):
        again = services.revisit_record(
            revisit=revisit,
            actor=dispatcher,
            reached=False,
            notes="无人接听",
            retry_at=T0 + dt.timedelta(days=4),
        )
    assert not again.is_done and again.due_at == T0 + dt.timedelta(days=4)
    assert again.attempts == 1 and again.calls[0]["reached"] is False
    with frozen(T0 + dt.timedelta(days=4)):
        done = services.revisit_record(revisit=again, actor=dispatcher, reached=False)
    assert (done.outcome, done.attempts) == (RevisitOutcome.NOT_REACHED, 2)
    assert [c["notes"] for c in done.calls] == ["无人接听", ""]


def test_an_unhappy_customer_gets_a_complaint_case(revisit, dispatcher, quality):
    done = services.revisit_record(
        revisit=revisit,
        actor=dispatcher,
        reached=True,
        satisfied=False,
        notes="客户抱怨上门太晚",
        open_complaint=True,
    )
    complaint = done.complaint
    assert complaint.case_type == CaseType.COMPLAINT
    assert (complaint.status, complaint.assignee) == (Status.ASSIGNED, quality)
    assert complaint.follow_up_of == revisit.case and complaint.channel == "phone"
    assert complaint.description == "客户抱怨上门太晚"
    assert complaint.created_by == dispatcher
    kinds = list(revisit.case.timeline.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == [EntryKind.REVISIT, EntryKind.FOLLOW_UP]


def test_a_periodic_revisit_complaint_stands_alone(quarterly, dispatcher, quality):
    with frozen(local(2026, 3, 20, 6, 0)):
        services.revisits_generate()
    revisit = Revisit.objects.get()
    done = services.revisit_record(
        revisit=revisit,
        actor=dispatcher,
        reached=True,
        satisfied=False,
        notes="季度回访：对巡检不满意",
        open_complaint=True,
    )
    assert done.complaint.follow_up_of is None
    assert done.complaint.contract == quarterly
    assert done.complaint.contact.name == "赵科长"


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"reached": True}, "satisfied", "Say whether the customer is satisfied."),
        (
            {"reached": True, "satisfied": True, "open_complaint": True, "notes": "x"},
            "open_complaint",
            "A complaint is opened for a customer reached and not satisfied.",
        ),
        (
            {"reached": True, "satisfied": False, "open_complaint": True},
            "notes",
            "Write down what the customer complains about.",
        ),
        (
            {"reached": False, "retry_at": T0 - dt.timedelta(hours=1)},
            "retry_at",
            "Try again at a time to come.",
        ),
        (
            {"reached": True, "satisfied": True, "retry_at": T0 + dt.timedelta(days=1)},
            "retry_at",
            "A call that reached the customer is not tried again.",
        ),
        ({"reached": True, "satisfied": True, "notes": "长" * 4001}, "notes", "under 4000"),
    ],
)
def test_refusals_say_what_is_wrong_and_change_nothing(
    revisit, dispatcher, arguments, field, message
):
    entries = revisit.case.timeline.count()
    with frozen(T0), pytest.raises(ValidationError, match=message) as refused:
        services.revisit_record(revisit=revisit, actor=dispatcher, **arguments)
    assert refused.value.field == field
    revisit.refresh_from_db()
    assert (revisit.attempts, revisit.done_at, revisit.calls) == (0, None, [])
    assert revisit.case.timeline.count() == entries
    assert not Case.objects.filter(case_type=CaseType.COMPLAINT).exists()


def test_a_revisit_is_recorded_once(revisit, dispatcher):
    services.revisit_record(revisit=revisit, actor=dispatcher, reached=True, satisfied=True)
    with pytest.raises(Conflict, match="already recorded"):
        services.revisit_record(revisit=revisit, actor=dispatcher, reached=False)


@pytest.mark.parametrize("who", ["engineer", "customer"])
def test_only_the_desk_and_quality_record_calls(revisit, request, who, quality):
    with pytest.raises(Forbidden, match="Only the service desk and quality managers"):
        services.revisit_record(
            revisit=revisit, actor=request.getfixturevalue(who), reached=True, satisfied=True
        )
    done = services.revisit_record(revisit=revisit, actor=quality, reached=True, satisfied=True)
    assert done.done_by == quality


def test_booking_a_call_back_by_hand(close_case, dispatcher, customer):
    case = close_case()
    with frozen(T0):
        revisit = services.revisit_schedule(
            actor=dispatcher, case=case, due_at=T0 + dt.timedelta(hours=2), notes="客户要求回电"
        )
        with pytest.raises(ValidationError, match="in the past"):
            services.revisit_schedule(actor=dispatcher, case=case, due_at=T0 - dt.timedelta(1))
        with pytest.raises(ValidationError, match="Name a case or a contract"):
            services.revisit_schedule(actor=dispatcher, due_at=T0 + dt.timedelta(1))
    assert (revisit.kind, revisit.contact, revisit.notes) == (
        RevisitKind.MANUAL,
        customer.contact,
        "客户要求回电",
    )


# --- the desk's pages -----------------------------------------------------------------------


@pytest.fixture
def spread(close_case):
    """Revisits due yesterday (overdue), today, next week; one done."""
    at = local(2026, 3, 20, 10, 0)
    made = {}
    for name, due in {
        "overdue": local(2026, 3, 19, 15, 0),
        "today": local(2026, 3, 20, 16, 0),
        "upcoming": local(2026, 3, 27, 9, 0),
        "done": local(2026, 3, 18, 9, 0),
    }.items():
        with frozen(due - dt.timedelta(days=3)):
            case = close_case(title=f"故障-{name}")
        made[name] = Revisit.objects.get(case=case)
    staff = UserFactory(username="desk2", roles=["dispatcher"])
    services.revisit_record(revisit=made["done"], actor=staff, reached=True, satisfied=True)
    return at, made


@pytest.mark.parametrize("view", ["today", "overdue", "upcoming", "done"])
def test_the_revisit_lists(client, dispatcher, spread, view):
    at, made = spread
    client.force_login(dispatcher)
    with frozen(at):
        page = client.get(reverse("feedback:revisits"), {"view": view})
    assert page.status_code == 200
    shown = [r.pk for r in page.context["revisits"]]
    assert shown == [made[view].pk]
    body = page.content.decode()
    assert f"故障-{view}" in body
    counts = {key: count for key, _label, count in page.context["tabs"]}
    assert counts == {"today": 1, "overdue": 1, "upcoming": 1, "done": None}


def test_the_revisit_list_runs_a_fixed_number_of_queries(
    client, dispatcher, close_case, django_assert_max_num_queries
):
    client.force_login(dispatcher)
    with frozen(T0):
        close_case()
    with frozen(T0 + dt.timedelta(days=3)):
        client.get(reverse("feedback:revisits"))
    with frozen(T0):
        for _n in range(8):
            close_case()
    with frozen(T0 + dt.timedelta(days=3)), django_assert_max_num_queries(8):
        page = client.get(reverse("feedback:revisits"))
    assert len(page.context["revisits"]) == 9


def test_recording_a_call_from_its_page(
    client, dispatcher, revisit, quality, django_assert_max_num_queries
):
    client.force_login(dispatcher)
    url = reverse("feedback:revisit", args=[revisit.pk])
    client.get(url)
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"reached": "yes", "satisfied": "no", "notes": "对响应速度不满", "open_complaint": "on"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("feedback:revisits")
    revisit.refresh_from_db()
    assert (revisit.outcome, revisit.satisfied) == (RevisitOutcome.REACHED, False)
    assert revisit.complaint.assignee == quality
    follow = client.get(response["Location"])
    assert f"Complaint case {revisit.complaint.number} opened" in follow.content.decode()


def test_a_refused_record_keeps_what_was_typed(client, dispatcher, revisit):
    client.force_login(dispatcher)
    url = reverse("feedback:revisit", args=[revisit.pk]) + "?from=case"
    response = client.post(url, {"reached": "yes", "notes": "客户说还行"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say whether the customer is satisfied." in body
    assert "客户说还行" in body
    revisit.refresh_from_db()
    assert revisit.attempts == 0
    ok = client.post(url, {"reached": "no"})
    assert ok["Location"] == reverse("workspace:case", args=[revisit.case.number])


def test_booking_by_hand_from_the_case_page(client, dispatcher, close_case):
    case = close_case()
    client.force_login(dispatcher)
    url = reverse("feedback:revisit-new") + f"?case={case.number}"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"due_at": "", "notes": "回电"})
    assert refused.status_code == 400
    assert "Give the day and time of the call." in refused.content.decode()
    response = client.post(url, {"due_at": "2099-01-05T10:30", "notes": "回电"})
    assert response["Location"] == reverse("workspace:case", args=[case.number])
    booked = Revisit.objects.get(kind=RevisitKind.MANUAL)
    assert booked.due_at == local(2099, 1, 5, 10, 30)


def test_the_case_page_shows_the_survey_and_the_revisits(
    client, dispatcher, close_case, django_assert_max_num_queries
):
    case = close_case()
    client.force_login(dispatcher)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("workspace:case", args=[case.number]))
    body = page.content.decode()
    assert 'data-testid="feedback-panel"' in body
    assert 'data-testid="survey-open"' in body
    revisit = Revisit.objects.get(case=case)
    assert f'data-testid="case-revisit-{revisit.pk}"' in body


def test_customers_and_strangers_are_kept_out(
    client, customer, customer_b, engineer, revisit, close_case
):
    pages = [
        reverse("feedback:revisits"),
        reverse("feedback:revisit", args=[revisit.pk]),
        reverse("feedback:revisit-new") + f"?case={revisit.case.number}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for person in (customer, customer_b):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == 403, url
        assert client.post(pages[1], {"reached": "no"}).status_code == 403
    # An engineer reads, but the desk records.
    client.force_login(engineer)
    assert client.get(pages[0]).status_code == 200
    assert client.post(pages[1], {"reached": "no"}).status_code == 403
    assert client.get(pages[2]).status_code == 403
    revisit.refresh_from_db()
    assert revisit.attempts == 0


def test_the_menu_offers_revisits_to_the_desk_and_quality(client, dispatcher, quality, engineer):
    for person, expected in ((dispatcher, True), (quality, True), (engineer, False)):
        client.force_login(person)
        page = client.get(reverse("workspace:case-list"))
        labels = [str(item["label"]) for item in page.context["menu"]]
        assert ("Revisits" in labels) is expected, person
