"""Reads of the customer portal. Every one starts from a scoped selector of cases or customers,
so a customer contact only ever reads its own organisation's records, and never an internal
timeline entry."""

import re

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from aftersales.accounts.models import User
from aftersales.cases.choices import FINISHED, OPEN, Status, Visibility
from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.selectors import case_queryset
from aftersales.customers.models import Asset, Site
from aftersales.customers.selectors import asset_queryset, site_queryset
from aftersales.search import selectors as search

# The filters of "My requests".
ALL, OPEN_REQUESTS, AWAITING, DONE = "all", "open", "awaiting", "closed"
FILTERS = (ALL, OPEN_REQUESTS, AWAITING, DONE)
AWAITING_SHOWN = 5
SEARCH_WORDS = 5


def _awaiting() -> Q:
    return Q(status=Status.RESOLVED, confirmed_at__isnull=True)


def _last_public_at() -> Subquery:
    """When the customer last saw something happen: the time of the case's last public entry
    (internal work leaves no trace on the customer's side)."""
    return Subquery(
        TimelineEntry.objects.filter(case=OuterRef("pk"), visibility=Visibility.PUBLIC)
        .order_by("-seq")
        .values("created_at")[:1]
    )


def request_list(*, user: User, show: str = ALL, q: str = "") -> QuerySet[Case]:
    """The reader's organisation's cases, newest first: all, still open, fixed and awaiting the
    customer's confirmation, or done (closed, cancelled, or fixed and confirmed). `q` finds
    cases whose number or title holds every word typed."""
    cases = case_queryset(user=user).annotate(
        last_public_at=Coalesce(_last_public_at(), "created_at")
    )
    if show == OPEN_REQUESTS:
        cases = cases.filter(status__in=[*OPEN, Status.WAITING_MASTER])
    elif show == AWAITING:
        cases = cases.filter(_awaiting())
    elif show == DONE:
        cases = cases.filter(
            Q(status__in=FINISHED) | Q(status=Status.RESOLVED, confirmed_at__isnull=False)
        )
    q = q.strip()
    if q and not re.fullmatch(r"[\d\-\s]+", q):
        return search.case_search_queryset(user=user, q=q, queryset=cases)
    for word in q.split()[:SEARCH_WORDS]:
        cases = cases.filter(number__icontains=word)
    return cases.order_by("-id")


def awaiting_confirmation(*, user: User, limit: int = AWAITING_SHOWN) -> list[Case]:
    """Fixes the reader's organisation has not confirmed yet, the nearest deadline first."""
    cases = case_queryset(user=user).filter(_awaiting()).order_by("confirm_deadline", "id")
    return list(cases.only("id", "number", "title", "confirm_deadline")[:limit])


def request_sites(*, user: User) -> list[Site]:
    return list(site_queryset(user=user).order_by("name", "id"))


def request_assets(*, user: User, site_id: int | None) -> list[Asset]:
    """The assets of one of the reader's sites still in service (none for another's site)."""
    if site_id is None:
        return []
    assets = asset_queryset(user=user).filter(site_id=site_id, archived_at__isnull=True)
    return list(assets.order_by("name", "serial_number"))


def public_marker(*, case: Case) -> str:
    """What the customer's copy of the case page was drawn from: its state and its last
    public entry. Internal work changes neither, so it neither redraws the page nor shows
    through the marker. `case` comes from a scoped selector."""
    last = (
        TimelineEntry.objects.filter(case=case, visibility=Visibility.PUBLIC)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return marker(case=case, last_seq=last or 0)


def marker(*, case: Case, last_seq: int) -> str:
    return f"{case.status}.{int(case.confirmed_at is not None)}.{last_seq}"
