"""A small data set built by hand, row by row at set times, so that every figure of the
reports can be worked out on paper (the expected values are in test_selectors.py).

March 2026 in Shanghai time. Cases (org A = HDGA unless said):

  A1  fault P1  reported 03-02 10:00, response 10:30, resolved 14:00 on time (engineer),
      closed; hardware, camera, vendor V1, site S1, project P, team T, asset of model M1
  A2  fault P2  reported 03-05 09:00, response 10:00, resolved 03-06 09:00, resolution
      breached at 03-05 17:00 (engineer); hardware, switch, vendor V1, site S2, two assets
      of model M2
  A3  fault P2  reported 03-10 08:00, response 10:00 breached at 09:00, resolution breached
      at 18:00, still in progress; camera, site S1, asset of model M1
  A4  fault P3  reported 03-12 12:00, cancelled (response breached: not counted)
  A5  fault P3  reported 03-12 13:00, duplicate of A3 (not counted)
  A6  complaint P4 reported 03-20 10:00, resolved 03-21 10:00 (engineer2), closed
  A7  fault P3  reported 02-27 10:00, resolved 03-01 02:00 on time (engineer2); cabling,
      camera (reported in February, resolved in March)
  A8  fault P1  reported 03-31 23:30, unresolved (2 hours old at "now", 04-01 01:30)
  A9  fault P2  reported 04-01 00:10 (April in Shanghai, still March in UTC)
  A10 complaint P4 reported 03-25, cancelled
  B1  fault P2  (org B = RMYY) reported 03-03 10:00, response 10:15, resolved 12:00 on
      time (engineer); network, switch

Surveys answered in March: A1 5 (engineer), A6 2 (engineer2), B1 4 (engineer); one
answered in April and one never answered. A visit of A1 done by engineer on 03-02.
"""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import TeamFactory, UserFactory
from aftersales.cases.models import Case
from aftersales.customers.tests.factories import (
    AssetFactory,
    AssetModelFactory,
    ProjectFactory,
    SiteFactory,
    VendorFactory,
)
from aftersales.dispatch.models import Visit
from aftersales.feedback.models import Survey
from aftersales.sla.models import CaseClock, SlaPolicy

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 1, 1, 30, tzinfo=SH)
_numbers = itertools.count(1)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def quality(db):
    return UserFactory(username="quality", roles=[Role.QUALITY_MANAGER])


@pytest.fixture
def month_data(org_a, org_b, site_a, dispatcher, engineer, engineer2, customer):
    policy = SlaPolicy.objects.get(is_default=True)
    v1 = VendorFactory(code="V1", name="海康威视")
    m1 = AssetModelFactory(vendor=v1, name="DS-2CD3T46", category="camera")
    m2 = AssetModelFactory(vendor=v1, name="S5720", category="switch")
    s1 = SiteFactory(organisation=org_a, name="中关村派出所")
    s2 = SiteFactory(organisation=org_a, name="指挥中心")
    project = ProjectFactory(organisation=org_a, name="雪亮工程")
    team = TeamFactory(code="T", name="一组", members=[engineer])
    made: dict[str, Case] = {}

    def case(
        key,
        reported,
        *,
        org=org_a,
        case_type="fault",
        severity="P3",
        status="in_progress",
        **fields,
    ):
        fields.setdefault("category", "")
        made[key] = Case.objects.create(
            number=f"T{next(_numbers):06d}",
            organisation=org,
            title=f"{key} 故障",
            channel="phone",
            case_type=case_type,
            severity=severity,
            status=status,
            reported_at=reported,
            created_at=reported,
            updated_at=reported,
            **fields,
        )
        return made[key]

    def clock(c, metric, *, met=None, due=None, breached_at=None):
        CaseClock.objects.create(
            case=c,
            metric=metric,
            policy=policy,
            started_at=c.reported_at,
            target_minutes=60,
            due_at=due,
            met_at=met,
            breached=breached_at is not None,
            breached_at=breached_at,
        )

    a1 = case(
        "A1",
        at(3, 2, 10),
        severity="P1",
        status="closed",
        cause="hardware",
        category="camera",
        vendor=v1,
        site=s1,
        project=project,
        team=team,
        resolved_at=at(3, 2, 14),
        resolved_by=engineer,
        closed_at=at(3, 3, 9),
    )
    a1.assets.add(AssetFactory(site=s1, model=m1))
    clock(a1, "response", met=at(3, 2, 10, 30), due=at(3, 2, 11))
    clock(a1, "resolution", met=at(3, 2, 14), due=at(3, 2, 16))

    a2 = case(
        "A2",
        at(3, 5, 9),
        severity="P2",
        status="resolved",
        cause="hardware",
        category="switch",
        vendor=v1,
        site=s2,
        resolved_at=at(3, 6, 9),
        resolved_by=engineer,
    )
    a2.assets.add(AssetFactory(site=s2, model=m2), AssetFactory(site=s2, model=m2))
    clock(a2, "response", met=at(3, 5, 10), due=at(3, 5, 11))
    clock(a2, "resolution", met=at(3, 6, 9), due=at(3, 5, 17), breached_at=at(3, 5, 17))

    a3 = case("A3", at(3, 10, 8), severity="P2", category="camera", site=s1)
    a3.assets.add(AssetFactory(site=s1, model=m1))
    clock(a3, "response", met=at(3, 10, 10), due=at(3, 10, 9), breached_at=at(3, 10, 9))
    clock(a3, "resolution", due=at(3, 10, 18), breached_at=at(3, 10, 18))

    a4 = case("A4", at(3, 12, 12), status="cancelled", category="camera")
    clock(a4, "response", met=at(3, 12, 14), due=at(3, 12, 13), breached_at=at(3, 12, 13))
    case("A5", at(3, 12, 13), status="waiting_master", master=a3, category="camera")
    a6 = case(
        "A6",
        at(3, 20, 10),
        case_type="complaint",
        severity="P4",
        status="closed",
        resolved_at=at(3, 21, 10),
        resolved_by=engineer2,
        closed_at=at(3, 21, 11),
    )
    a7 = case(
        "A7",
        at(2, 27, 10),
        status="resolved",
        cause="cabling",
        category="camera",
        resolved_at=at(3, 1, 2),
        resolved_by=engineer2,
    )
    clock(a7, "response", met=at(2, 27, 11), due=at(2, 27, 12))
    clock(a7, "resolution", met=at(3, 1, 2), due=at(3, 3, 10))
    case("A8", at(3, 31, 23, 30), severity="P1", status="assigned", category="camera")
    case("A9", at(4, 1, 0, 10), severity="P2", status="new", category="camera")
    case("A10", at(3, 25, 9), case_type="complaint", severity="P4", status="cancelled")
    b1 = case(
        "B1",
        at(3, 3, 10),
        org=org_b,
        severity="P2",
        status="resolved",
        cause="network",
        category="switch",
        resolved_at=at(3, 3, 12),
        resolved_by=engineer,
    )
    clock(b1, "response", met=at(3, 3, 10, 15), due=at(3, 3, 11))
    clock(b1, "resolution", met=at(3, 3, 12), due=at(3, 3, 18))

    def survey(c, who, rating, answered):
        Survey.objects.create(
            case=c,
            organisation=c.organisation,
            engineer=who,
            recipient=customer,
            token_hash=f"h{next(_numbers)}",
            language="zh-hans",
            case_closed_at=c.reported_at,
            sent_at=c.reported_at,
            expires_at=c.reported_at + dt.timedelta(days=14),
            answered_at=answered,
            rating=rating,
        )

    survey(a1, engineer, 5, at(3, 3, 10))
    survey(a6, engineer2, 2, at(3, 22, 10))
    survey(b1, engineer, 4, at(3, 4, 10))
    survey(a2, engineer, 1, at(4, 2, 10))
    survey(a7, engineer2, None, None)
    Visit.objects.create(
        case=a1,
        seq=1,
        engineer=engineer,
        status="done",
        window_start=at(3, 2, 11),
        window_end=at(3, 2, 13),
        scheduled_by=dispatcher,
        scheduled_at=at(3, 2, 10, 40),
        arrived_at=at(3, 2, 11, 30),
        finished_at=at(3, 2, 13, 50),
        updated_at=at(3, 2, 13, 50),
    )
    made.update(project=project, team=team)
    return made
