from django import template
from django.utils import timezone

from aftersales.core.clock import now
from aftersales.portal import presenters

register = template.Library()


@register.filter
def moment(value) -> str:
    """A time as the customer reads it: "10:30" today, "November 25 10:00" another day."""
    if value is None:
        return ""
    return presenters.moment(value, timezone.localtime(now()).date())
