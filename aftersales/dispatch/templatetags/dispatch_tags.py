"""The visits panel of the workspace case page: the case's visits, the dispatch form with the
engineers to suggest, and the case documents."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import template
from django.conf import settings
from django.utils import timezone

from aftersales.accounts.roles import CASE_WORKERS, DESK, Role
from aftersales.cases.choices import OPEN, Severity
from aftersales.core.clock import now
from aftersales.dispatch.selectors import visits_for_case

register = template.Library()


@register.inclusion_tag("dispatch/partials/case_visits.html", takes_context=True)
def case_visits_panel(context, case):
    user = context["request"].user
    roles = user.roles
    zone = ZoneInfo(case.organisation.time_zone or settings.TIME_ZONE)
    moment = timezone.localtime(now(), zone)
    start = (moment + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return {
        "case": case,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "visits": visits_for_case(case=case, user=user),
        "can_dispatch": not user.is_customer and bool(roles & DESK) and case.status in OPEN,
        "can_document": not user.is_customer
        and bool(roles & (CASE_WORKERS | {Role.QUALITY_MANAGER})),
        "severities": Severity.choices,
        "today": start.date(),
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "zone_name": str(zone),
    }
