"""The sweep fires what is due, once, and writes it to the case timeline with the time it was
due and the time it fired."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.audit.services import audit_verify
from aftersales.cases import services
from aftersales.cases.choices import EntryKind
from aftersales.cases.models import TimelineEntry
from aftersales.core.clock import frozen
from aftersales.notifications.models import InAppNotification, OutboxMessage
from aftersales.notifications.services import outbox_deliver
from aftersales.sla.models import CaseClock, DutyShift, SlaEvent, SlaPolicy
from aftersales.sla.sweep import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def unanswered(dispatcher, engineer, manager, org_a, team):
    """A P1 case reported at 10:00 on the default 24x7 policy, assigned and not answered."""
    with frozen(at(2026, 11, 23, 10)):
        case = services.case_create(
            actor=dispatcher,
            organisation=org_a,
            title="全区视频监控平台宕机",
            severity="P1",
            channel="phone",
        )
        return services.case_assign(case=case, assignee=engineer, actor=dispatcher)


def sla_entries(case) -> list[TimelineEntry]:
    return list(
        TimelineEntry.objects.filter(case=case, kind__startswith="sla_")
        .select_related("content")
        .order_by("seq")
    )


def test_reminders_at_30_and_45_minutes_and_the_escalation_at_an_hour(unanswered, capsys):
    for minute in (29, 31):
        call_command("sla", "sweep", "--now", at(2026, 11, 23, 10, minute).isoformat())
    entries = sla_entries(unanswered)
    # 10:30: the first reminder, and the P1 response target (30 min) is breached.
    assert [(e.kind, e.data.get("reminder"), e.data.get("metric")) for e in entries] == [
        (EntryKind.SLA_BREACH, None, "response"),
        (EntryKind.SLA_REMINDER, 1, None),
    ]
    reminder = entries[1]
    assert reminder.data["due_at"] == "2026-11-23T10:30:00+08:00"
    assert reminder.data["fired_at"] == "2026-11-23T10:31:00+08:00"
    assert reminder.visibility == "internal" and reminder.author is None

    call_command("sla", "sweep", "--now", at(2026, 11, 23, 10, 46).isoformat())
    call_command("sla", "sweep", "--now", at(2026, 11, 23, 11, 0).isoformat())
    entries = sla_entries(unanswered)
    assert [e.kind for e in entries] == [
        EntryKind.SLA_BREACH,
        EntryKind.SLA_REMINDER,
        EntryKind.SLA_REMINDER,
        EntryKind.SLA_ESCALATION,
    ]
    escalation = entries[-1].data
    assert escalation["level"] == 1 and escalation["role"] == Role.RESPONSE_CENTRE_MANAGER
    assert escalation["recipients"] == ["manager"]
    assert escalation["due_at"] == escalation["fired_at"] == "2026-11-23T11:00:00+08:00"
    assert CaseClock.objects.get(case=unanswered, metric="response").breached
    assert "fired 1: 0 reminders, 1 escalation steps" in capsys.readouterr().out


def test_a_sweep_fires_each_step_once(unanswered):
    first = sla_sweep(now=at(2026, 11, 23, 11, 5))
    second = sla_sweep(now=at(2026, 11, 23, 11, 5))
    assert (first.fired, second.fired) == (4, 0)
    assert len(sla_entries(unanswered)) == 4


def test_responding_in_time_means_no_reminder(unanswered, engineer):
    with frozen(at(2026, 11, 23, 10, 20)):
        services.case_respond(case=unanswered, actor=engineer)
    report = sla_sweep(now=at(2026, 11, 23, 10, 50))
    assert report.fired == 0 and sla_entries(unanswered) == []


def test_the_ladder_goes_to_whoever_is_on_duty(unanswered, manager):
    on_duty = UserFactory(username="duty_l1", roles=[Role.RESPONSE_CENTRE_MANAGER])
    DutyShift.objects.create(
        level=1, user=on_duty, starts_at=at(2026, 11, 23, 8), ends_at=at(2026, 11, 23, 20)
    )
    sla_sweep(now=at(2026, 11, 23, 11))
    escalation = [e for e in sla_entries(unanswered) if e.kind == EntryKind.SLA_ESCALATION]
    assert escalation[0].data["recipients"] == ["duty_l1"]


def test_the_ladder_can_be_narrowed_to_the_cases_team(unanswered, manager, team):
    team_manager = UserFactory(username="team_l1", roles=[Role.RESPONSE_CENTRE_MANAGER])
    team.members.add(team_manager)
    SlaPolicy.objects.filter(is_default=True).update(ladder_by_team=True)
    sla_sweep(now=at(2026, 11, 23, 11))
    escalation = [e for e in sla_entries(unanswered) if e.kind == EntryKind.SLA_ESCALATION]
    assert escalation[0].data["recipients"] == ["team_l1"]


def test_automatic_reassignment_at_the_last_reminder(dispatcher, engineer, engineer2, org_a, team):
    SlaPolicy.objects.filter(is_default=True).update(auto_reassign=True)
    with frozen(at(2026, 11, 23, 10)):
        case = services.case_create(
            actor=dispatcher, organisation=org_a, title="录像丢失", severity="P3", channel="phone"
        )
        case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    with frozen(at(2026, 11, 23, 10, 46)):
        report = sla_sweep(now=at(2026, 11, 23, 10, 46))
    case.refresh_from_db()
    assert report.reassigned == 1 and case.assignee == engineer2
    last = case.timeline.order_by("-seq").first()
    assert last.kind == EntryKind.ASSIGNED and last.data["auto"] is True and last.author is None
    # The new owner gets reminders of their own.
    assert (
        SlaEvent.objects.filter(
            case=case, kind="reminder", fired_at__isnull=True, cancelled_at__isnull=True
        ).count()
        == 2
    )


def test_nothing_due_fires_nothing(unanswered):
    assert sla_sweep(now=at(2026, 11, 23, 10, 10)).fired == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_fire_each_step_exactly_once(dispatcher, engineer, org_a, team):
    with frozen(at(2026, 11, 23, 10)):
        cases = [
            services.case_assign(
                case=services.case_create(
                    actor=dispatcher,
                    organisation=org_a,
                    title=f"故障{i}",
                    severity="P1",
                    channel="api",
                ),
                assignee=engineer,
                actor=dispatcher,
            )
            for i in range(30)
        ]

    def sweep(_):
        try:
            return sla_sweep(now=at(2026, 11, 23, 12), batch=7).fired
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        fired = sum(pool.map(sweep, range(4)))
    # Per case: two reminders, the response breach and ladder steps 1 (11:00) and 2 (14:00 is
    # not yet due): four each.
    assert fired == 4 * len(cases)
    assert TimelineEntry.objects.filter(kind__startswith="sla_").count() == 4 * len(cases)
    assert audit_verify().first_mismatch is None


def test_each_step_reaches_people_as_delivered_messages(unanswered, dispatcher, engineer, manager):
    """The issue's scenario, end to end: reminders at 10:30 and 10:45 to the dispatcher, the
    escalation at 11:00 to the response-centre manager, each a delivered message."""
    for minute in (31, 46, 60):
        sla_sweep(now=at(2026, 11, 23, 10, 0) + dt.timedelta(minutes=minute))
    outbox_deliver()
    sent = OutboxMessage.objects.filter(case=unanswered, status="sent")
    assert sent.filter(event="reminder", recipient=dispatcher, channel="email").count() == 2
    escalated = sent.filter(event="escalated", recipient=manager)
    assert set(escalated.values_list("channel", flat=True)) == {"email", "in_app"}
    assert InAppNotification.objects.filter(user=manager, case=unanswered).exists()
    subjects = [m.subject for m in mail.outbox if "manager@" in m.to[0]]
    assert any(unanswered.number in subject for subject in subjects)
