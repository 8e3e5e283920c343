"""bench/seed.py, the benchmark's seeder, run small on the PostgreSQL test database: what it
writes must be what the app would have written, down to the timeline's hash chains."""

import io
import re

import pytest
from django.db import connection
from django.db.models import Count

from aftersales.audit.services import audit_verify
from aftersales.cases.choices import OPEN, Severity
from aftersales.cases.models import Case, TimelineContent, TimelineEntry
from aftersales.customers.models import Asset, Contact, Organisation

pytestmark = pytest.mark.postgres

CASES = 200


@pytest.fixture
def seed(db):
    if connection.vendor != "postgresql":
        pytest.skip("bench/seed.py writes with PostgreSQL COPY")
    from bench import seed as module

    return module


@pytest.fixture
def seeded(seed):
    return seed.seed(
        cases=CASES,
        organisations=12,
        teams=3,
        engineers=9,
        assets=150,
        workers=0,
        analyse=False,
        out=io.StringIO(),
    )


def test_seeded_cases_have_timelines_that_verify(seeded):
    assert seeded.cases == CASES
    assert Case.objects.count() == CASES
    assert TimelineEntry.objects.count() == TimelineContent.objects.count() == CASES * 10
    assert not Case.objects.exclude(timeline_count=10).exists()

    report = audit_verify()

    assert report.first_mismatch is None
    assert (report.cases, report.entries) == (CASES, CASES * 10)


def test_seeded_records_look_like_the_apps(seeded):
    assert Organisation.objects.count() == 12
    assert Asset.objects.count() == 150
    assert Contact.objects.exclude(mobile="").count() >= 12 * 3
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(set(numbers)) == CASES
    assert all(re.fullmatch(r"\d{8}-\d{6}", n) for n in numbers)
    assert set(Case.objects.values_list("severity", flat=True)) <= set(Severity.values)
    # The largest organisation holds about a tenth of the cases, and is the largest.
    per_org = list(
        Case.objects.values("organisation").annotate(n=Count("id")).order_by("-n", "organisation")
    )
    assert per_org[0]["organisation"] == Organisation.objects.order_by("id").first().pk
    assert 0.05 * CASES <= per_org[0]["n"] <= 0.17 * CASES
    # Open cases have an owner's team unless still new; finished ones none left open.
    assert not Case.objects.filter(status__in=OPEN - {"new"}, team__isnull=True).exists()
    assert not Case.objects.filter(status="closed", closed_at__isnull=True).exists()


def test_the_app_goes_on_where_the_seeder_stopped(seeded, dispatcher):
    from aftersales.cases.services import case_create, case_note

    organisation = Organisation.objects.order_by("id").first()
    highest = max(int(n.split("-")[1]) for n in Case.objects.values_list("number", flat=True))

    case = case_create(
        actor=dispatcher,
        organisation=organisation,
        title="交换机断网",
        severity="P2",
        channel="phone",
    )
    case_note(
        case=Case.objects.order_by("id").first(),
        actor=dispatcher,
        body="回访",
        visibility="internal",
    )

    assert int(case.number.split("-")[1]) == highest + 1
    report = audit_verify()
    assert report.first_mismatch is None
    assert report.entries == CASES * 10 + 2


def test_refuses_a_database_that_has_cases(seed, seeded):
    with pytest.raises(seed.SeedError, match=f"already has {CASES} cases"):
        seed.seed(cases=10, workers=0, analyse=False, out=io.StringIO())
    assert Case.objects.count() == CASES


def test_all_open_seeds_running_clocks_that_the_sweep_fires(seed):
    import datetime as dt

    from aftersales.sla.models import CaseClock, SlaEvent
    from aftersales.sla.sweep import sla_sweep

    result = seed.seed(
        cases=CASES,
        organisations=12,
        teams=3,
        engineers=9,
        assets=150,
        workers=0,
        analyse=False,
        all_open=True,
        days=3,
        out=io.StringIO(),
    )

    assert result.open_cases == CASES
    assert not Case.objects.exclude(status__in=OPEN - {"new", "waiting_customer"}).exists()
    assert CaseClock.objects.count() == CASES * 3
    assert not CaseClock.objects.filter(metric="resolution", met_at__isnull=False).exists()
    pending = SlaEvent.objects.filter(fired_at__isnull=True, cancelled_at__isnull=True)
    fired = SlaEvent.objects.filter(fired_at__isnull=False)
    latest = fired.order_by("-fired_at").values_list("fired_at", flat=True).first()
    first_due = pending.order_by("due_at").values_list("due_at", flat=True).first()
    assert latest is not None and first_due is not None and first_due > latest
    # Nothing is due when the seeder stopped; three days later the pending steps are.
    assert sla_sweep(now=first_due - dt.timedelta(seconds=1)).fired == 0
    due = pending.filter(due_at__lte=first_due + dt.timedelta(days=3)).count()
    report = sla_sweep(now=first_due + dt.timedelta(days=3))
    assert report.fired == due > 0
    assert TimelineEntry.objects.filter(kind__startswith="sla_").count() == due
    report = audit_verify()
    assert report.first_mismatch is None
