"""Who to send (skills, region, load, the day's visits, with reasons) and the on-site arrival
figures the reports read."""

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.accounts.tests.factories import RegionFactory, SkillFactory, UserFactory
from aftersales.cases.tests.factories import case_in_state
from aftersales.core.clock import frozen, now
from aftersales.core.errors import ValidationError
from aftersales.dispatch import selectors, services
from aftersales.dispatch.models import CategorySkill
from aftersales.dispatch.tests.conftest import window


@pytest.fixture
def regions():
    beijing = RegionFactory(code="bj", name="北京市")
    return {
        "bj": beijing,
        "hd": RegionFactory(code="bj-hd", name="海淀区", parent=beijing),
        "xc": RegionFactory(code="bj-xc", name="西城区", parent=beijing),
        "sh": RegionFactory(code="sh", name="上海市"),
    }


@pytest.fixture
def cctv():
    skill = SkillFactory(code="cctv", name="视频监控")
    CategorySkill.objects.create(category="camera", skill=skill)
    return skill


@pytest.fixture
def crew(regions, cctv, engineer, engineer2, expert):
    """engineer: camera skill, in Haidian; engineer2: no camera skill, Haidian; expert:
    camera skill, Shanghai; li: camera skill, Xicheng (nearby)."""
    network = SkillFactory(code="network", name="网络交换")
    engineer.region, engineer2.region, expert.region = regions["hd"], regions["hd"], regions["sh"]
    for user in (engineer, engineer2, expert):
        user.save()
    engineer.skills.set([cctv, network])
    engineer2.skills.set([network])
    expert.skills.set([cctv])
    li = UserFactory(username="li", roles=["engineer"], region=regions["xc"])
    li.skills.set([cctv])
    return {"engineer": engineer, "engineer2": engineer2, "expert": expert, "li": li}


@pytest.fixture
def camera_case(field_case, site_a, regions):
    site_a.region = regions["hd"]
    site_a.save()
    field_case.refresh_from_db()
    return field_case


def test_engineers_are_ranked_by_skill_region_and_load_with_reasons(camera_case, crew, dispatcher):
    day = timezone.localdate(now())
    found = selectors.engineer_suggestions(camera_case, day)
    names = [s.engineer.username for s in found]
    # Skilled first; among them the same region, then nearby, then elsewhere.
    assert names == ["engineer", "li", "expert", "engineer2"]
    first = found[0]
    # The case's own owner: one open case.
    assert first.reason == "skill: 视频监控 · same region · 1 open case · 0 visits that day"
    assert found[1].reason == "skill: 视频监控 · nearby region · 0 open cases · 0 visits that day"
    assert found[3].reason.startswith("no matching skill · same region")


def test_a_busy_day_moves_an_engineer_down(camera_case, crew, dispatcher, regions):
    crew["li"].region = regions["hd"]
    crew["li"].save()
    start, end = window(1)
    services.visit_schedule(
        case=camera_case, engineer=crew["engineer"], start=start, end=end, actor=dispatcher
    )
    day = timezone.localdate(start)
    found = selectors.engineer_suggestions(camera_case, day)
    assert [s.engineer.username for s in found][:2] == ["li", "engineer"]
    assert found[1].visits_that_day == 1
    assert "1 visit that day" in found[1].reason
    # Another day is free again.
    other = selectors.engineer_suggestions(camera_case, day + dt.timedelta(days=3))
    assert {s.engineer.username: s.visits_that_day for s in other}["engineer"] == 0


def test_a_skill_named_after_the_category_needs_no_mapping(camera_case, engineer, regions):
    engineer.skills.set([SkillFactory(code="camera", name="摄像机")])
    found = selectors.engineer_suggestions(camera_case, timezone.localdate(now()))
    assert found[0].engineer == engineer and found[0].skills == ["摄像机"]


def test_suggestions_take_a_fixed_number_of_queries(camera_case, crew):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    day = timezone.localdate(now())

    def count() -> int:
        fresh = type(camera_case).objects.get(pk=camera_case.pk)
        with CaptureQueriesContext(connection) as queries:
            selectors.engineer_suggestions(fresh, day)
        return len(queries)

    few = count()
    for n in range(15):
        UserFactory(username=f"extra{n}", roles=["engineer"]).skills.set(
            [crew["engineer"].skills.first()]
        )
    assert count() == few <= 8


# --- the reports' feed ------------------------------------------------------------------------


def _arrive(case, engineer, dispatcher, hours_after_report):
    start, end = window(0.5)
    visit = services.visit_schedule(
        case=case, engineer=engineer, start=start, end=end, actor=dispatcher
    )
    with frozen(case.reported_at + dt.timedelta(hours=hours_after_report)):
        services.visit_arrive(visit=visit, actor=engineer)


def test_onsite_arrival_met_and_breached_per_month(
    org_a, org_b, dispatcher, engineer, asset_a, asset_b, customer, customer_b
):
    def case(org, asset):
        return case_in_state(
            "in_progress",
            organisation=org,
            dispatcher=dispatcher,
            engineer=engineer,
            assets=[asset],
        )

    a1, a2, a3, b1 = (
        case(org_a, asset_a),
        case(org_a, asset_a),
        case(org_a, asset_a),
        case(org_b, asset_b),
    )
    _arrive(a1, engineer, dispatcher, 2)  # met (12 h target)
    _arrive(a2, engineer, dispatcher, 14)  # breached
    _arrive(b1, engineer, dispatcher, 1)  # met, organisation B
    start, end = window(0.5)
    services.visit_schedule(case=a3, engineer=engineer, start=start, end=end, actor=dispatcher)
    month_start = now() - dt.timedelta(days=40)
    month_end = now() + dt.timedelta(days=40)

    rows = selectors.onsite_arrival_by_period(
        user=dispatcher, start=month_start, end=month_end, period="month"
    )
    assert sum(r.met for r in rows) == 2 and sum(r.breached for r in rows) == 1
    # A3's clock is still running and not due: not counted yet. Once due, it is a breach.
    with frozen(a3.reported_at + dt.timedelta(hours=13)):
        later = selectors.onsite_arrival_by_period(
            user=dispatcher, start=month_start, end=month_end
        )
    assert sum(r.breached for r in later) == 2

    mine = selectors.onsite_arrival_by_period(user=customer, start=month_start, end=month_end)
    assert sum(r.met for r in mine) == 1 and sum(r.breached for r in mine) == 1
    assert mine[0].met_rate == 0.5
    theirs = selectors.onsite_arrival_by_period(user=customer_b, start=month_start, end=month_end)
    assert sum(r.met for r in theirs) == 1 and sum(r.breached for r in theirs) == 0


def test_the_feed_refuses_an_unknown_period(dispatcher):
    with pytest.raises(ValidationError, match="Unknown period."):
        selectors.onsite_arrival_by_period(
            user=dispatcher, start=now(), end=now() + dt.timedelta(days=1), period="year"
        )
