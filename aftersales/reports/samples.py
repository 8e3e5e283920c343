"""Sample documents (`aftersales samples`): the monthly service report of the demo's largest
customer for the last month with cases."""

import datetime as dt
from functools import partial

from django.db.models import Count
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.core.errors import NotFound
from aftersales.reports import selectors
from aftersales.reports.documents import monthly_report_pdf


def monthly_report() -> bytes:
    busiest = (
        Case.objects.order_by()
        .values("organisation__code")
        .annotate(n=Count("id"))
        .order_by("-n", "organisation__code")
        .first()
    )
    reader = next(
        (
            u
            for u in User.objects.filter(is_active=True).order_by("pk")
            if selectors.reports_allowed(u)
        ),
        None,
    )
    if busiest is None or reader is None:
        raise NotFound("No demo data for this sample: load the demo first (aftersales demo).")
    code = busiest["organisation__code"]
    latest = Case.objects.filter(organisation__code=code).order_by("-reported_at").first()
    month = timezone.localtime(latest.reported_at, selectors.zone()).date().replace(day=1)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    day_start = partial(dt.datetime.combine, time=dt.time.min, tzinfo=selectors.zone())
    if Case.objects.filter(
        organisation__code=code,
        reported_at__gte=day_start(previous),
        reported_at__lt=day_start(month),
    ).exists():
        month = previous  # the last whole month, where the demo has one
    return monthly_report_pdf(user=reader, organisation=code, month=month)


SAMPLES = [("monthly-report.pdf", monthly_report)]
