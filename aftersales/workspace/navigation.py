"""The menu each role sees, and where each role lands after signing in."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import DESK, ENGINEERS, MANAGERS, Role
from aftersales.reports.selectors import reports_allowed


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    icon: str
    # Other pages that belong under this item (a case under Cases, an export under Exports).
    also: tuple[str, ...] = ()

    def is_current(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name in self.also


DESK_ITEM = Item(_("Service desk"), "workspace:desk", "headset")
MY_WORK = Item(_("My work"), "workspace:my-work", "tool")
VISITS = Item(_("Visits"), "dispatch:visits", "truck")
MANAGER = Item(_("Escalations"), "workspace:manager", "alert-triangle")
CASES = Item(_("Cases"), "workspace:case-list", "list-details", also=("workspace:case",))
EXPORTS = Item(_("Exports"), "exports:list", "file-spreadsheet", also=("exports:detail",))
REVISITS = Item(_("Revisits"), "feedback:revisits", "phone-call")
PORTAL = Item(_("My requests"), "portal:home", "messages")
PORTAL_NEW = Item(_("New request"), "portal:new", "plus")
KNOWLEDGE = Item(_("Knowledge base"), "knowledge:list", "book")
PORTAL_KNOWLEDGE = Item(_("Knowledge base"), "portal-knowledge:list", "book")
SPARE_PARTS = Item(_("Spare parts"), "rma:parts", "packages")
RMA = Item(_("RMA"), "rma:board", "truck-return")
REPORTS = Item(_("Reports"), "reports:dashboard", "chart-bar", also=("reports:field-service",))
# Who keeps spare parts, replacements and loaners.
PARTS_DESK = frozenset({Role.SPARE_PARTS_ADMIN, Role.ADMINISTRATOR})


def menu(user) -> list[Item]:
    if not user.is_authenticated:
        return []
    if user.is_customer:
        return [PORTAL, PORTAL_NEW, PORTAL_KNOWLEDGE]
    items = []
    if user.roles & DESK - MANAGERS:
        items.append(DESK_ITEM)
    if user.roles & ENGINEERS:
        items.append(MY_WORK)
    if user.roles & MANAGERS:
        items.append(MANAGER)
    if user.roles & (ENGINEERS | DESK):
        items.append(VISITS)
    if user.roles & PARTS_DESK:
        items.extend([RMA, SPARE_PARTS])
    items.append(CASES)
    if user.roles & (DESK | {Role.QUALITY_MANAGER}):
        items.append(REVISITS)
    items.append(KNOWLEDGE)
    if reports_allowed(user):
        items.append(REPORTS)
    items.append(EXPORTS)
    return items


def landing_url(user) -> str:
    """A dispatcher lands on the service desk, an engineer on "my work", a manager on
    escalations and breaches, the spare-parts admin on the RMA desk, a customer on the
    portal."""
    if user.is_customer:
        return reverse("portal:home")
    roles = user.roles
    if Role.DISPATCHER in roles:
        return reverse("workspace:desk")
    if roles & MANAGERS:
        return reverse("workspace:manager")
    if roles & ENGINEERS:
        return reverse("workspace:my-work")
    if Role.SPARE_PARTS_ADMIN in roles:
        return reverse("rma:board")
    if Role.ADMINISTRATOR in roles:
        return reverse("workspace:desk")
    return reverse("workspace:case-list")


def context(request) -> dict:
    """Template context: the menu, with the current item marked."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    current = request.resolver_match.view_name if request.resolver_match else ""
    return {
        "menu": [
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "icon": item.icon,
                "active": item.is_current(current),
            }
            for item in menu(user)
        ]
    }
