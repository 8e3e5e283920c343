from django import template

from aftersales.cases.presenters import entry_summary as _entry_summary
from aftersales.cases.transitions import Action

register = template.Library()


@register.simple_tag
def entry_summary(entry) -> str:
    return _entry_summary(entry)


@register.simple_tag
def action_label(action: str) -> str:
    try:
        return str(Action(action).label)
    except ValueError:
        return action


@register.filter
def field_errors(errors: dict | None, field: str) -> list[str]:
    return (errors or {}).get(field, [])


@register.filter
def minutes(value) -> str:
    """Working minutes as "1d 2h 5m"; negative values are overdue."""
    if value is None:
        return ""
    total = abs(round(value))
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    text = (f"{days}d " if days else "") + (f"{hours}h " if days or hours else "") + f"{mins}m"
    return ("-" if value < 0 else "") + text
