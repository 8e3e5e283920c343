"""The pages `aftersales screenshots` draws into docs/screenshots/, with the demo data.

Add a page with one line in SHOTS: a file name, the demo user who looks at it (None: signed
out), and its address, either a path or a function that finds one in the demo data with
that user's selectors (returning None skips the picture). A path that no URL of the project
answers (an app not installed yet) is skipped with a message, not an error."""

from collections.abc import Callable
from dataclasses import dataclass

from aftersales.accounts.models import User

DESKTOP = 1280
PHONE = 390


@dataclass(frozen=True)
class Shot:
    name: str  # the file's name, without .png
    user: str | None  # the demo user signed in, None for a visitor
    url: str | Callable[[User], str | None]
    width: int = DESKTOP
    height: int = 900  # the window's height
    max_height: int = 1200  # a longer page is cut here
    wait_for: str | None = None  # a selector that shows the page is drawn
    click: str | None = None  # a selector to click before the picture
    phone: bool = False


def _case(user: User, **filters) -> str | None:
    """The case of the demo data with the most to show: the longest timeline."""
    from aftersales.cases.selectors import case_list

    case = case_list(user=user).filter(**filters).order_by("-timeline_count", "-id").first()
    return case and case.number


def case_page(user: User) -> str | None:
    number = _case(user, organisation__code="HDGA", status="in_progress")
    return number and f"/cases/{number}/"


def portal_case_page(user: User) -> str | None:
    number = _case(user, status="resolved")  # a fix waiting for the customer's word
    return number and f"/portal/cases/{number}/"


def visit_page(user: User) -> str | None:
    from aftersales.dispatch.selectors import visit_list

    visits = visit_list(user=user).filter(engineer=user).order_by("-id")
    visit = visits.filter(status="on_site").first() or visits.first()
    return visit and f"/visits/{visit.pk}/"


SHOTS = [
    Shot("01-sign-in", None, "/accounts/login/", height=700, max_height=700),
    Shot(
        "02-service-desk",
        "dispatcher",
        "/desk/?q=HDGA",
        wait_for="[data-testid=lookup-match]",
        max_height=1100,
    ),
    Shot("03-case", "engineer", case_page, max_height=1400),
    Shot("04-case-list", "dispatcher", "/cases/"),
    Shot("05-my-work", "engineer", "/my/"),
    Shot("06-manager", "manager", "/manager/"),
    Shot(
        "07-visit-phone",
        "engineer2",
        visit_page,
        width=PHONE,
        height=844,
        phone=True,
        max_height=1600,
    ),
    Shot("08-portal", "customer", "/portal/"),
    Shot("09-portal-case", "customer", portal_case_page),
    Shot("10-knowledge", "engineer", "/knowledge/"),
    Shot("11-search", "dispatcher", "/search/?q=摄像头"),
    Shot("12-reports", "manager", "/reports/"),
]
