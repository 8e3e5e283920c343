"""The visit services: who may do what, what each change writes to the case's timeline, the
on-site clock, the notifications, and the phone's retries."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest

from aftersales.accounts.roles import Role
from aftersales.cases.models import Attachment, Case, TimelineEntry
from aftersales.cases.tests.factories import case_in_state
from aftersales.core.clock import frozen, now
from aftersales.core.errors import Conflict, Forbidden, NotFound, ValidationError
from aftersales.dispatch import services, transitions
from aftersales.dispatch.choices import VisitStatus
from aftersales.dispatch.models import Visit, VisitLeftover, VisitLogEntry
from aftersales.dispatch.tests.conftest import signature_data_url, signature_png, window
from aftersales.dispatch.transitions import MOVES, VisitAction
from aftersales.notifications.models import OutboxMessage
from aftersales.sla.models import CaseClock, SlaEvent


def _kinds(case) -> list[str]:
    return list(
        TimelineEntry.objects.filter(case=case, kind__startswith="visit_")
        .order_by("seq")
        .values_list("kind", flat=True)
    )


def _onsite(case) -> CaseClock | None:
    return CaseClock.objects.filter(case=case, metric="onsite").first()


def _snapshot(case):
    return (
        list(Visit.objects.order_by("pk").values_list("pk", "status", "engineer_id")),
        TimelineEntry.objects.filter(case=case).count(),
        CaseClock.objects.filter(case=case).count(),
    )


# --- scheduling -------------------------------------------------------------------------------


def test_scheduling_writes_the_entry_starts_the_onsite_clock_and_tells_both_sides(
    field_case, engineer, dispatcher, customer
):
    engineer.phone = "13800000001"
    engineer.save()
    start, end = window(2)
    visit = services.visit_schedule(
        case=field_case, engineer=engineer, start=start, end=end, actor=dispatcher, purpose="检查"
    )

    assert visit.status == VisitStatus.SCHEDULED and visit.seq == 1
    assert visit.number == f"{field_case.number}-1"
    entry = TimelineEntry.objects.filter(case=field_case).order_by("-seq").first()
    assert entry.kind == "visit_scheduled" and entry.visibility == "public"
    assert entry.data["engineer"] == engineer.username
    clock = _onsite(field_case)
    # The default policy: on site within 12 hours of the report.
    assert clock.due_at == field_case.reported_at + dt.timedelta(hours=12)
    assert entry.data["sla"]["onsite"]["due"]
    assert SlaEvent.objects.filter(case=field_case, kind="breach", metric="onsite").count() == 1
    to_engineer = OutboxMessage.objects.filter(event="visit_scheduled", recipient=engineer)
    to_customer = OutboxMessage.objects.filter(event="visit_scheduled", recipient=customer)
    assert {m.channel for m in to_engineer} == {"in_app", "email", "sms"}
    assert to_engineer.get(channel="sms").payload["url"].endswith(f"/visits/{visit.pk}/")
    assert to_customer.get(channel="in_app").payload["url"].endswith(f"/cases/{field_case.number}/")
    # Customers without a language of their own read the default, Chinese.
    assert to_customer.get(channel="email").subject.startswith(
        f"上门服务已安排：{field_case.number}，"
    )


def test_a_second_visit_keeps_the_first_clock(visit, engineer2, dispatcher):
    first_due = _onsite(visit.case).due_at
    start, end = window(5)
    second = services.visit_schedule(
        case=visit.case, engineer=engineer2, start=start, end=end, actor=dispatcher
    )
    assert second.seq == 2
    assert CaseClock.objects.filter(case=visit.case, metric="onsite").count() == 1
    assert _onsite(visit.case).due_at == first_due


def test_no_onsite_clock_where_the_policy_sets_no_target(field_case, engineer, dispatcher):
    from aftersales.sla.models import SlaTarget

    for target in SlaTarget.objects.filter(metric="onsite"):
        target.delete()  # one by one: each moves its policy's version (decision 0006)
    start, end = window()
    services.visit_schedule(
        case=field_case, engineer=engineer, start=start, end=end, actor=dispatcher
    )
    assert _onsite(field_case) is None


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ("engineer", Forbidden, "Only the service desk dispatches visits."),
        ("customer", Forbidden, "Only the service desk dispatches visits."),
    ],
)
def test_only_the_desk_schedules(request, field_case, engineer, who, error, message):
    actor = request.getfixturevalue(who)
    before = _snapshot(field_case)
    start, end = window()
    with pytest.raises(error, match=message):
        services.visit_schedule(
            case=field_case, engineer=engineer, start=start, end=end, actor=actor
        )
    assert _snapshot(field_case) == before


@pytest.mark.parametrize(
    ("start_h", "length_h", "field", "message"),
    [
        (2, -1, "end", "The window must end after it starts."),
        (1, 30, "end", "A visit's window is at most 24 hours."),
        (-5, 2, "end", "This window is already over."),
    ],
)
def test_a_bad_window_is_refused(
    field_case, engineer, dispatcher, start_h, length_h, field, message
):
    start = now() + dt.timedelta(hours=start_h)
    before = _snapshot(field_case)
    with pytest.raises(ValidationError, match=message) as caught:
        services.visit_schedule(
            case=field_case,
            engineer=engineer,
            start=start,
            end=start + dt.timedelta(hours=length_h),
            actor=dispatcher,
        )
    assert caught.value.field == field
    assert _snapshot(field_case) == before


def test_visits_are_for_open_cases_and_engineers(make_case, field_case, dispatcher, manager):
    closed = make_case("closed")
    start, end = window()
    with pytest.raises(Conflict, match="Visits are dispatched for open cases only."):
        services.visit_schedule(
            case=closed, engineer=field_case.assignee, start=start, end=end, actor=dispatcher
        )
    with pytest.raises(ValidationError, match="manager is not an active engineer."):
        services.visit_schedule(
            case=field_case, engineer=manager, start=start, end=end, actor=dispatcher
        )


@pytest.fixture
def make_case(org_a, dispatcher, engineer, manager):
    def make(status, **fields):
        return case_in_state(
            status,
            organisation=org_a,
            dispatcher=dispatcher,
            engineer=engineer,
            manager=manager,
            **fields,
        )

    return make


# --- the workflow -----------------------------------------------------------------------------


def test_every_change_of_a_visit_writes_an_entry(signed, engineer):
    services.visit_log(visit=signed, actor=engineer, body="检查线路", client_id=uuid.uuid4())
    services.visit_finish(visit=signed, actor=engineer, result="fixed", work_done="更换适配器")
    assert _kinds(signed.case) == [
        "visit_scheduled",
        "visit_departed",
        "visit_arrived",
        "visit_signed",
        "visit_signed",
        "visit_log",
        "visit_done",
    ]
    kinds = list(
        TimelineEntry.objects.filter(case=signed.case)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds[-1] == "attachment"  # the service report


def test_the_first_arrival_stops_the_onsite_clock(visit, engineer):
    arrived = services.visit_arrive(visit=visit, actor=engineer)
    clock = _onsite(visit.case)
    assert clock.met_at == arrived.arrived_at and not clock.breached
    entry = TimelineEntry.objects.filter(case=visit.case, kind="visit_arrived").get()
    assert entry.data["sla"]["onsite"]["met"] is True
    assert not SlaEvent.objects.filter(
        case=visit.case, kind="breach", metric="onsite", cancelled_at__isnull=True
    ).exists()


def test_arriving_after_the_target_is_a_breach(visit, engineer):
    late = visit.case.reported_at + dt.timedelta(hours=13)
    with frozen(late):
        services.visit_arrive(visit=visit, actor=engineer)
    clock = _onsite(visit.case)
    assert clock.breached
    entry = TimelineEntry.objects.filter(case=visit.case, kind="visit_arrived").get()
    assert entry.data["sla"]["onsite"]["met"] is False


def test_only_the_visits_engineer_reports_from_site(visit, engineer2, dispatcher, customer):
    before = _snapshot(visit.case)
    with pytest.raises(Forbidden, match="Only the visit's engineer may “Depart”."):
        services.visit_depart(visit=visit, actor=engineer2)
    with pytest.raises(Forbidden, match="Only the visit's engineer may “Arrive on site”."):
        services.visit_arrive(visit=visit, actor=dispatcher)
    with pytest.raises(NotFound, match="No such visit."):
        services.visit_depart(visit=visit, actor=customer)
    assert _snapshot(visit.case) == before


def test_a_move_the_table_does_not_allow_is_a_conflict(visit, engineer):
    with pytest.raises(Conflict, match="“Finish the visit” is not possible while the visit is"):
        services.visit_finish(visit=visit, actor=engineer, result="fixed", work_done="x")


def _person(pk, roles):
    return SimpleNamespace(pk=pk, roles=frozenset(roles), is_customer=Role.CUSTOMER in roles)


@pytest.mark.parametrize("action", list(VisitAction))
@pytest.mark.parametrize("status", list(VisitStatus))
@pytest.mark.parametrize("role", [Role.ENGINEER, Role.DISPATCHER, Role.DEPARTMENT_MANAGER])
@pytest.mark.parametrize("own", [True, False])
def test_every_triple_follows_the_table(action, status, role, own):
    visit = SimpleNamespace(status=status, engineer_id=10)
    user = _person(10 if own else 11, {role})
    move = MOVES.get((action, status))
    if move is None:
        with pytest.raises(Conflict):
            transitions.check(action, visit, user)
    elif move.who == transitions.ENGINEER:
        if own:
            assert transitions.check(action, visit, user) is move
        else:
            with pytest.raises(Forbidden):
                transitions.check(action, visit, user)
    elif role in move.who:
        assert transitions.check(action, visit, user) is move
    else:
        with pytest.raises(Forbidden):
            transitions.check(action, visit, user)


# --- the phone: retries and times -------------------------------------------------------------


def test_a_retried_request_changes_nothing(visit, engineer):
    request = uuid.uuid4()
    services.visit_depart(visit=visit, actor=engineer, client_id=request)
    again = services.visit_depart(visit=visit, actor=engineer, client_id=request)
    assert again.status == VisitStatus.EN_ROUTE
    assert _kinds(visit.case).count("visit_departed") == 1


def test_a_work_log_line_is_written_once(on_site, engineer):
    line = uuid.uuid4()
    first = services.visit_log(visit=on_site, actor=engineer, body="测量电压", client_id=line)
    second = services.visit_log(visit=on_site, actor=engineer, body="测量电压", client_id=line)
    assert first.pk == second.pk
    assert VisitLogEntry.objects.count() == 1
    assert _kinds(on_site.case).count("visit_log") == 1


def test_a_request_id_of_another_visit_is_refused(on_site, engineer, engineer2, dispatcher):
    line = uuid.uuid4()
    services.visit_log(visit=on_site, actor=engineer, body="a", client_id=line)
    start, end = window(3)
    other = services.visit_schedule(
        case=on_site.case, engineer=engineer, start=start, end=end, actor=dispatcher
    )
    services.visit_depart(visit=other, actor=engineer)
    with pytest.raises(ValidationError, match="This request id belongs to another visit."):
        services.visit_log(visit=other, actor=engineer, body="b", client_id=line)


def test_an_arrival_sent_late_keeps_the_time_it_happened_by_the_servers_clock(visit, engineer):
    """The phone was offline for 40 minutes and its clock is 3 hours wrong: the arrival is
    40 minutes before the server received it."""
    received = now() + dt.timedelta(hours=1)
    wrong = received + dt.timedelta(hours=3)  # what the phone's clock says
    with frozen(received):
        arrived = services.visit_arrive(
            visit=visit,
            actor=engineer,
            recorded_at=wrong - dt.timedelta(minutes=40),
            sent_at=wrong,
        )
    assert arrived.arrived_at == received - dt.timedelta(minutes=40)


def test_client_time_never_goes_before_the_step_before():
    received = now()
    floor = received - dt.timedelta(minutes=5)
    at = services.client_time(
        recorded_at=received - dt.timedelta(hours=2),
        sent_at=received,
        received_at=received,
        floor=floor,
    )
    assert at == floor
    # A phone that claims it sent before it recorded: the server's time.
    assert (
        services.client_time(
            recorded_at=received, sent_at=received - dt.timedelta(minutes=1), received_at=received
        )
        == received
    )


def test_the_position_on_arrival_and_its_distance_from_the_site(visit, engineer, site_a):
    site_a.latitude, site_a.longitude = 39.983, 116.316
    site_a.save()
    services.visit_arrive(visit=visit, actor=engineer, latitude=39.984, longitude=116.316)
    entry = TimelineEntry.objects.get(case=visit.case, kind="visit_arrived")
    assert 100 <= entry.data["distance_m"] <= 120
    assert "latitude" not in entry.data  # the position stays on the visit, for staff
    visit.refresh_from_db()
    assert float(visit.arrival_latitude) == 39.984


def test_half_a_position_is_refused(visit, engineer):
    with pytest.raises(ValidationError, match="A position needs both latitude and longitude."):
        services.visit_arrive(visit=visit, actor=engineer, latitude=39.9)


# --- signatures -------------------------------------------------------------------------------


def test_a_blank_signature_is_refused():
    with pytest.raises(ValidationError, match="The signature is blank: sign in the box."):
        services.signature_decode(signature_data_url(ink=False))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("data:image/jpeg;base64,/9j/4AAQ", "The signature must be a PNG image."),
        ("data:image/png;base64,@@@", "The signature image is damaged."),
        ("data:image/png;base64,aGVsbG8=", "The signature image is damaged."),
    ],
)
def test_what_is_not_a_signature_is_refused(value, message):
    with pytest.raises(ValidationError, match=message):
        services.signature_decode(value)


def test_signing_needs_a_printed_name_and_records_it(on_site, engineer):
    with pytest.raises(ValidationError, match="Print the signer's name."):
        services.visit_sign(
            visit=on_site, actor=engineer, role="customer", name=" ", image=signature_png()
        )
    signed = services.visit_sign(
        visit=on_site, actor=engineer, role="customer", name="王警官", image=signature_png()
    )
    assert signed.customer_signer == "王警官" and signed.customer_signed_at is not None
    assert signed.customer_signature.read(8) == b"\x89PNG\r\n\x1a\n"
    entry = TimelineEntry.objects.get(case=on_site.case, kind="visit_signed")
    assert entry.data["role"] == "customer" and entry.data["name"] == "王警官"


# --- finishing --------------------------------------------------------------------------------


def test_finishing_needs_both_signatures(on_site, engineer):
    with pytest.raises(Conflict, match="The customer has not signed yet."):
        services.visit_finish(visit=on_site, actor=engineer, result="fixed", work_done="x")
    services.visit_sign(
        visit=on_site, actor=engineer, role="customer", name="王警官", image=signature_png()
    )
    with pytest.raises(Conflict, match="The engineer has not signed yet."):
        services.visit_finish(visit=on_site, actor=engineer, result="fixed", work_done="x")
    assert Visit.objects.get(pk=on_site.pk).status == VisitStatus.ON_SITE


def test_finishing_archives_the_report_and_opens_follow_ups(signed, engineer, customer):
    done = services.visit_finish(
        visit=signed,
        actor=engineer,
        result="needs_parts",
        work_done="临时恢复供电",
        fault_found="适配器老化",
        leftovers=["立杆箱门锁损坏，需更换", "", "3号摄像头支架松动"],
    )
    assert done.status == VisitStatus.DONE and done.result == "needs_parts"
    report = Attachment.objects.get(pk=done.report_id)
    assert report.visibility == "public" and report.name == f"service-report-{done.number}.pdf"
    leftovers = list(VisitLeftover.objects.filter(visit=done).order_by("id"))
    assert [left.description for left in leftovers] == [
        "立杆箱门锁损坏，需更换",
        "3号摄像头支架松动",
    ]
    for left in leftovers:
        assert left.follow_up.follow_up_of_id == signed.case_id
        assert left.follow_up.title == left.description
    assert OutboxMessage.objects.filter(event="visit_report", recipient=customer).exists()


def test_a_retried_finish_makes_one_report(signed, engineer):
    request = uuid.uuid4()
    for _ in range(2):
        services.visit_finish(
            visit=signed, actor=engineer, result="fixed", work_done="x", client_id=request
        )
    assert Attachment.objects.filter(case=signed.case).count() == 1


def test_time_spent_defaults_to_arrival_until_finish(signed, engineer):
    with frozen(now() + dt.timedelta(minutes=95)):
        done = services.visit_finish(visit=signed, actor=engineer, result="fixed", work_done="x")
    assert 94 <= done.minutes_spent <= 96


# --- cancelling and moving --------------------------------------------------------------------


def test_cancelling_the_only_visit_withdraws_the_onsite_clock(visit, dispatcher, engineer):
    services.visit_cancel(visit=visit, actor=dispatcher, reason="客户远程已恢复")
    assert _onsite(visit.case) is None
    assert not SlaEvent.objects.filter(
        case=visit.case, metric="onsite", cancelled_at__isnull=True
    ).exists()
    entry = TimelineEntry.objects.get(case=visit.case, kind="visit_cancelled")
    assert entry.data["sla"]["onsite"] == {"withdrawn": True}
    assert OutboxMessage.objects.filter(event="visit_cancelled", recipient=engineer).exists()


def test_a_breached_clock_stays_when_the_visit_is_cancelled(visit, dispatcher):
    with frozen(visit.case.reported_at + dt.timedelta(hours=13)):
        services.visit_cancel(visit=visit, actor=dispatcher, reason="改为远程处理")
    assert _onsite(visit.case) is not None


def test_the_engineer_cannot_cancel_and_a_reason_is_needed(visit, engineer, dispatcher):
    with pytest.raises(Forbidden, match="You may not “Cancel the visit”."):
        services.visit_cancel(visit=visit, actor=engineer, reason="忙")
    with pytest.raises(ValidationError, match="Say why the visit is cancelled."):
        services.visit_cancel(visit=visit, actor=dispatcher, reason="")
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SCHEDULED


def test_rescheduling_to_another_engineer_tells_both(visit, dispatcher, engineer, engineer2):
    start, end = window(6)
    moved = services.visit_reschedule(
        visit=visit, actor=dispatcher, start=start, end=end, engineer=engineer2, reason="李强请假"
    )
    assert moved.engineer == engineer2 and moved.window_start == start
    assert OutboxMessage.objects.filter(event="visit_rescheduled", recipient=engineer2).exists()
    assert OutboxMessage.objects.filter(event="visit_cancelled", recipient=engineer).exists()
    entry = TimelineEntry.objects.get(case=visit.case, kind="visit_rescheduled")
    assert entry.data["previous_engineer"] == engineer.username


def test_a_visit_under_way_is_not_rescheduled(visit, dispatcher, engineer):
    services.visit_depart(visit=visit, actor=engineer)
    start, end = window(6)
    with pytest.raises(Conflict, match="“Reschedule” is not possible while the visit is En route"):
        services.visit_reschedule(visit=visit, actor=dispatcher, start=start, end=end)


def test_the_timeline_still_verifies(signed, engineer):
    from aftersales.audit.services import audit_verify

    services.visit_finish(
        visit=signed, actor=engineer, result="fixed", work_done="x", leftovers=["门锁损坏"]
    )
    report = audit_verify()
    assert report.first_mismatch is None, report
    assert report.cases == Case.objects.count()


def test_case_count_grows_by_the_follow_ups_only(signed, engineer):
    before = Case.objects.count()
    services.visit_finish(
        visit=signed, actor=engineer, result="fixed", work_done="x", leftovers=["a", "b"]
    )
    assert Case.objects.count() == before + 2
