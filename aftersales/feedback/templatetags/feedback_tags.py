from django import template
from django.utils.dateparse import parse_datetime

from aftersales.core.clock import now
from aftersales.feedback import selectors, services

register = template.Library()


@register.inclusion_tag("feedback/partials/case_panel.html", takes_context=True)
def case_feedback_panel(context, case):
    """The case page's panel: the satisfaction survey and the revisit calls (staff only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    feedback = selectors.case_feedback(case=case, user=user, at=now()) if user else None
    return {
        "case": case,
        "feedback": feedback,
        "can_record": feedback is not None
        and not user.is_customer
        and bool(user.roles & services.REVISIT_STAFF),
    }


@register.filter
def iso_datetime(value):
    """An ISO 8601 time kept in JSON (a revisit's call log) as a datetime, for |date."""
    return parse_datetime(value) if isinstance(value, str) else value
