"""The case's state and service level clocks in a customer's words."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from aftersales.cases.models import Case
from aftersales.portal.presenters import plain_state, promises
from aftersales.sla.selectors import ClockView

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2025, 11, 24, 9, 0, tzinfo=SHANGHAI)


def clock(metric, *, due=None, met=None, breached=False, paused=False, remaining=None):
    return ClockView(
        metric=metric,
        label=metric,
        due_at=due,
        met_at=met,
        breached=breached,
        paused=paused,
        remaining_minutes=remaining,
    )


def at(day, hour, minute=0):
    return dt.datetime(2025, 11, day, hour, minute, tzinfo=SHANGHAI)


def words(status, clocks, **case_fields):
    with timezone.override(SHANGHAI):
        return [
            (p.metric, p.state, p.text)
            for p in promises(case=Case(status=status, **case_fields), clocks=clocks, now=NOW)
        ]


def test_running_clocks_are_promised_times():
    clocks = [
        clock("response", due=at(24, 10, 30), remaining=90),
        clock("cause", due=at(24, 13), remaining=240),
        clock("resolution", due=at(25, 10), remaining=1500),
    ]
    assert words("assigned", clocks) == [
        ("response", "pending", "We will contact you by 10:30."),
        ("resolution", "pending", "Fix promised by November 25 10:00."),
    ]


def test_the_internal_cause_clock_is_never_shown():
    assert words("in_progress", [clock("cause", due=at(24, 13), remaining=240)]) == []


def test_met_and_late():
    clocks = [
        clock("response", due=at(24, 8, 30), met=at(24, 8, 12)),
        clock("onsite", due=at(23, 17), met=at(24, 8, 40), breached=True),
        clock("resolution", due=at(24, 8), remaining=-60),
    ]
    assert words("in_progress", clocks) == [
        ("response", "kept", "We contacted you at 08:12, on time."),
        (
            "onsite",
            "late",
            "The engineer arrived on site at 08:40, later than promised (November 23 17:00).",
        ),
        ("resolution", "overdue", "The fix was promised by 08:00 and is late. Sorry."),
    ]


def test_a_breached_running_clock_is_late_whatever_the_minutes_say():
    clocks = [clock("response", due=at(24, 8), breached=True, remaining=None)]
    assert words("assigned", clocks)[0][1] == "overdue"


def test_paused_while_waiting_on_the_customer():
    clocks = [clock("response", met=at(24, 8), due=at(24, 8, 30)), clock("resolution", paused=True)]
    assert words("waiting_customer", clocks)[1] == (
        "resolution",
        "paused",
        "Fix: on hold while we wait for your reply.",
    )


def test_a_clock_without_a_target_promises_nothing():
    assert words("new", [clock("resolution"), clock("response", met=at(24, 8))]) == []


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled", "waiting_master"])
def test_once_fixed_or_closed_only_kept_promises_remain(status):
    clocks = [
        clock("response", due=at(24, 8, 30), met=at(24, 8)),
        clock("onsite", due=at(24, 12), remaining=180),
    ]
    assert [p[0] for p in words(status, clocks)] == ["response"]


def test_another_year_shows_the_year():
    clocks = [clock("resolution", due=dt.datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), remaining=1)]
    assert words("in_progress", clocks)[0][2] == "Fix promised by Jan. 5, 2026 10:00."


def test_times_in_chinese():
    clocks = [clock("resolution", due=at(25, 10), remaining=1500)]
    with translation.override("zh-hans"):
        text = words("in_progress", clocks)[0][2]
    assert "11月25日 10:00" in text


@pytest.mark.parametrize(
    ("status", "confirmed", "label", "needs_me"),
    [
        ("new", False, "Received, an engineer will be assigned", False),
        ("waiting_customer", False, "Waiting for your reply", True),
        ("waiting_parts", False, "Waiting for spare parts", False),
        ("resolved", False, "Fixed – please confirm", True),
        ("resolved", True, "Fixed and confirmed", False),
        ("closed", True, "Closed", False),
    ],
)
def test_states_in_plain_words(status, confirmed, label, needs_me):
    case = Case(status=status, confirmed_at=NOW if confirmed else None)
    state = plain_state(case)
    assert (state.label, state.needs_me) == (label, needs_me)
