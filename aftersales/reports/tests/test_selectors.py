"""The reports' figures against values worked out by hand from the data set described in
conftest.py (March 2026, Shanghai time)."""

import datetime as dt

import pytest

from aftersales.core.clock import frozen
from aftersales.core.errors import NotFound, ValidationError
from aftersales.reports import selectors
from aftersales.reports.tests.conftest import NOW

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


@pytest.fixture
def march(manager, month_data):
    def make(**filters):
        return selectors.report_filter(user=manager, **MARCH, **filters)

    return make


def by_label(rows):
    return {r.label: r.count for r in rows}


def test_resolution_and_on_time_rates_for_all_customers(manager, march):
    s = selectors.summary(user=manager, f=march())
    # Reported in March, not cancelled, not duplicates: A1 A2 A3 A6 A8 B1; resolved A1 A2 A6 B1.
    assert (s.reported, s.resolved, s.open) == (6, 4, 2)
    assert s.resolution_rate == pytest.approx(4 / 6, abs=1e-4)
    # Fault cases resolved in March: A1 A2 A7 B1; A2 missed its due time.
    assert (s.faults_resolved, s.faults_on_time) == (4, 3)
    assert s.on_time_rate == 0.75


def test_rates_for_one_organisation_project_and_team(manager, march, month_data):
    s = selectors.summary(user=manager, f=march(organisation="hdga"))
    assert (s.reported, s.resolved, s.faults_resolved, s.faults_on_time) == (5, 3, 3, 2)
    assert s.resolution_rate == 0.6
    assert s.on_time_rate == pytest.approx(2 / 3, abs=1e-4)
    for f in (march(project=month_data["project"].pk), march(team="T")):
        s = selectors.summary(user=manager, f=f)
        assert (s.reported, s.resolved, s.faults_resolved, s.faults_on_time) == (1, 1, 1, 1)


def test_days_are_counted_in_shanghai_time(manager, march):
    # A9 reported 04-01 00:10 in Shanghai is April; A7 resolved 03-01 02:00 is March.
    april = selectors.report_filter(
        user=manager, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert selectors.summary(user=manager, f=april).reported == 1
    first_day = selectors.report_filter(
        user=manager, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 1)
    )
    assert selectors.summary(user=manager, f=first_day).faults_resolved == 1


def test_response_and_resolution_times_by_severity(manager, march):
    rows = {(t.metric, t.severity): t for t in selectors.response_times(user=manager, f=march())}
    # Responses in March: P1 A1 0.5 h; P2 A2 1 h, A3 2 h, B1 0.25 h (A4 cancelled, A7 February).
    assert (rows["response", "P1"].count, rows["response", "P1"].median_hours) == (1, 0.5)
    p2 = rows["response", "P2"]
    assert (p2.count, p2.median_hours, p2.average_hours) == (3, 1.0, 1.08)
    # Resolutions in March: P1 A1 4 h; P2 A2 24 h, B1 2 h; P3 A7 40 h.
    p2 = rows["resolution", "P2"]
    assert (p2.count, p2.median_hours, p2.average_hours) == (2, 13.0, 13.0)
    assert rows["resolution", "P1"].median_hours == 4.0
    assert rows["resolution", "P3"].median_hours == 40.0
    assert (rows["resolution", "P4"].count, rows["resolution", "P4"].median_hours) == (0, None)


def test_sla_breaches_by_clock_kind(manager, march):
    rows = {b.metric: b.breaches for b in selectors.sla_breaches(user=manager, f=march())}
    # A3's response; A2's and A3's resolution. A4's (cancelled) is not counted.
    assert rows == {"response": 1, "onsite": 0, "cause": 0, "resolution": 2}


def test_satisfaction(manager, march):
    s = selectors.satisfaction(user=manager, f=march())
    assert (s.count, s.average) == (3, 3.67)
    assert s.distribution == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    only_b = selectors.satisfaction(user=manager, f=march(organisation="RMYY"))
    assert (only_b.count, only_b.average) == (1, 4.0)


def test_faults_by_each_dimension(manager, march):
    f = march()

    def rows(dimension):
        return selectors.faults_by(user=manager, f=f, dimension=dimension)

    assert by_label(rows("type")) == {"Fault": 5, "Complaint": 1}
    fault = rows("type")[0]
    # Faults resolved among those reported: A1 4 h, A2 24 h, B1 2 h.
    assert (fault.resolved, fault.average_hours) == (3, 10.0)
    assert by_label(rows("cause")) == {"Hardware": 2, "Network": 1, "Not given": 2}
    assert by_label(rows("category")) == {"Camera": 3, "Switch": 2}
    assert by_label(rows("vendor")) == {"海康威视": 2, "Not given": 3}
    # A2 names two assets of one model: counted once.
    assert by_label(rows("model")) == {
        "海康威视 DS-2CD3T46": 2,
        "海康威视 S5720": 1,
        "Not given": 2,
    }
    assert by_label(rows("site")) == {"中关村派出所": 2, "指挥中心": 1, "Not given": 2}
    assert by_label(rows("project")) == {"雪亮工程": 1, "Not given": 4}
    assert rows("cause")[0].count == 2  # most first


def test_major_faults_with_their_duration(manager, march):
    with frozen(NOW):
        major = selectors.major_faults(user=manager, f=march())
    assert (major.count, major.total_hours) == (2, 6.0)
    assert [(m.title, m.hours, m.ongoing) for m in major.rows] == [
        ("A1 故障", 4.0, False),
        ("A8 故障", 2.0, True),
    ]


def test_complaint_trend_by_month_with_empty_months(manager, month_data):
    f = selectors.report_filter(user=manager, start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30))
    trend = selectors.complaint_trend(user=manager, f=f)
    # A6 in March; A10 is cancelled.
    assert [(m.month.isoformat(), m.count) for m in trend] == [
        ("2026-02-01", 0),
        ("2026-03-01", 1),
        ("2026-04-01", 0),
    ]


def test_engineer_scorecards(manager, march):
    cards = {c.name: c for c in selectors.engineer_scorecards(user=manager, f=march())}
    e1, e2 = cards["engineer"], cards["engineer2"]
    # engineer resolved A1, A2 (late), B1; rated 5 and 4; one visit.
    assert (e1.resolved, e1.faults_resolved, e1.faults_on_time, e1.visits) == (3, 3, 2, 1)
    assert (e1.ratings, e1.average_rating) == (2, 4.5)
    assert e1.on_time_rate == pytest.approx(2 / 3, abs=1e-4)
    # engineer2 resolved A6 (a complaint) and A7 (a fault, on time); rated 2.
    assert (e2.resolved, e2.faults_resolved, e2.faults_on_time, e2.visits) == (2, 1, 1, 0)
    assert (e2.ratings, e2.average_rating, e2.on_time_rate) == (1, 2.0, 1.0)
    assert list(cards) == ["engineer", "engineer2"]


def test_the_dashboard_runs_a_fixed_number_of_queries(manager, march, django_assert_num_queries):
    f = march()
    with django_assert_num_queries(19):
        board = selectors.dashboard(user=manager, f=f)
    assert board.summary.reported == 6
    assert board.breach_total == 3


def test_field_service_feed(manager, march):
    feed = selectors.field_service(user=manager, f=march())
    assert (feed.arrivals_met, feed.arrivals_breached) == (0, 0)
    assert feed.parts_by_case == [] and feed.loans_out == [] and feed.overdue_returns == []
    assert feed.turnaround["orders"] == 0


@pytest.mark.parametrize("who", ["customer", "engineer", "engineer2"])
def test_only_readers_of_reports_get_figures(request, who, month_data):
    user = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        selectors.report_filter(user=user, **MARCH)
    f = selectors.ReportFilter(**MARCH)
    with pytest.raises(NotFound):
        selectors.dashboard(user=user, f=f)


@pytest.mark.parametrize("who", ["manager", "dispatcher", "quality", "admin_user"])
def test_managers_desk_and_quality_read_reports(request, who, month_data):
    user = request.getfixturevalue(who)
    f = selectors.report_filter(user=user, **MARCH)
    assert selectors.summary(user=user, f=f).reported == 6


def test_filters_are_checked(manager, month_data):
    with pytest.raises(ValidationError, match="must end on or after"):
        selectors.report_filter(user=manager, start=dt.date(2026, 3, 2), end=dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="No such organisation"):
        selectors.report_filter(user=manager, **MARCH, organisation="NOPE")
    with pytest.raises(ValidationError, match="No such project"):
        selectors.report_filter(
            user=manager, **MARCH, organisation="RMYY", project=month_data["project"].pk
        )
    f = selectors.report_filter_parse(user=manager, data={"month": "2026-02", "team": "T"})
    assert (f.start, f.end, f.team.code) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28), "T")
