"""Reads of cases, always scoped to what the reader may see."""

import re
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import ENGINEERS, STAFF
from aftersales.cases.choices import OPEN, Visibility
from aftersales.cases.filters import STATUS_RANK, case_filter
from aftersales.cases.models import Attachment, Case, Consultation, TimelineEntry
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.customers.models import (
    Asset,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
)
from aftersales.customers.selectors import (
    asset_queryset,
    contact_queryset,
    contract_queryset,
    organisation_queryset,
    project_queryset,
    site_queryset,
)


def case_queryset(*, user: User) -> QuerySet[Case]:
    """Every case `user` may see: its own organisation's for a customer contact, all for staff,
    none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.is_customer:
        return Case.objects.filter(organisation_id=user.organisation_id)
    if user.roles & STAFF:
        return Case.objects.all()
    return Case.objects.none()


def case_list(*, user: User) -> QuerySet[Case]:
    return case_queryset(user=user).select_related("organisation", "assignee", "team", "vendor")


# Joined to the case in its query: what the case lists show too. PostgreSQL's time to plan
# a join grows steeply with the number of tables (at a million cases, 15 tables took ~15 ms
# to plan a 0.5 ms query, 5 tables under 1 ms), so the other relations the case's page
# shows come in small queries of their own, each only when the case has one; the rest
# (contact, resolved_by, closed_by) load when read.
CASE_JOINED = ("organisation", "assignee", "team", "vendor")
CASE_FETCHED = ("contract", "site", "project", "expert", "created_by")


def case_search(*, user: User, filters: dict) -> QuerySet[Case]:
    """The cases `user` may see that match `filters` (CaseFilterForm.cleaned_data), with what
    their sort needs: the list page and its exports read the same rows through this."""
    cases = case_filter(case_list(user=user), filters)
    if (filters.get("sort") or "").lstrip("-") == "status":
        cases = cases.annotate(status_rank=STATUS_RANK)
    return cases


def case_get(*, user: User, number: str) -> Case:
    # A few joins and small queries for the rest: PostgreSQL spends longer planning a wide
    # join than running it. And not .get(): its LIMIT sets the planner searching fast-start
    # plans. The number is unique.
    found = list(
        case_queryset(user=user)
        .select_related(*CASE_JOINED)
        .prefetch_related(*CASE_FETCHED)
        .filter(number=number)
    )
    if not found:
        raise NotFound(_("No such case."))
    return found[0]


def timeline_for(*, case: Case, user: User) -> QuerySet[TimelineEntry]:
    """The case's entries the reader may see: customers never see internal ones."""
    entries = (
        TimelineEntry.objects.filter(case=case)
        .select_related("author", "content", "attachment")
        .order_by("seq")
    )
    if user.is_customer:
        entries = entries.filter(visibility=Visibility.PUBLIC)
    return entries


def related_cases(*, case: Case, user: User) -> dict:
    """Master, duplicates and follow-ups, as far as the reader may see them (one query): a
    master incident may be another organisation's case, which its customer never sees."""
    linked = [pk for pk in (case.master_id, case.follow_up_of_id) if pk is not None]
    related = list(
        case_queryset(user=user)
        .filter(Q(master=case) | Q(follow_up_of=case) | Q(pk__in=linked))
        .only("id", "number", "title", "status", "severity", "master", "follow_up_of")
        .order_by("id")
    )
    by_id = {c.pk: c for c in related}
    return {
        "master": by_id.get(case.master_id),
        "follow_up_of": by_id.get(case.follow_up_of_id),
        "duplicates": [c for c in related if c.master_id == case.pk],
        "follow_ups": [c for c in related if c.follow_up_of_id == case.pk],
    }


def related_cases_of_new(*, case: Case) -> dict:
    """`related_cases` of a case just opened through the API: nothing links to it yet."""
    return {"master": None, "follow_up_of": None, "duplicates": [], "follow_ups": []}


def attachment_get(*, user: User, number: str, attachment_id: int) -> Attachment:
    case = case_get(user=user, number=number)
    attachments = Attachment.objects.filter(case=case, pk=attachment_id)
    if user.is_customer:
        attachments = attachments.filter(visibility=Visibility.PUBLIC)
    attachment = attachments.first()
    if attachment is None or not attachment.file:
        raise NotFound(_("No such attachment."))
    return attachment


def consultation_queryset(*, user: User) -> QuerySet[Consultation]:
    if user.is_authenticated and user.is_active and not user.is_customer and user.roles & STAFF:
        return Consultation.objects.select_related("organisation", "answered_by", "case")
    return Consultation.objects.none()


def engineer_workload(*, region_id: int | None = None) -> QuerySet[User]:
    """Active engineers with the number of open cases they own, lightest first."""
    open_cases = (
        Case.objects.filter(assignee=OuterRef("pk"), status__in=OPEN)
        .order_by()
        .values("assignee")
        .annotate(n=Count("*"))
        .values("n")
    )
    engineers = (
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            pk__in=User.objects.filter(groups__name__in=ENGINEERS).values("pk"),
        )
        .annotate(open_cases=Coalesce(Subquery(open_cases), 0))
        .select_related("region")
        .prefetch_related("teams", "groups")
        .order_by("open_cases", "username")
    )
    if region_id is not None:
        engineers = engineers.filter(region_id=region_id)
    return engineers


@dataclass
class CallerMatch:
    """One organisation a caller lookup found, with everything the desk needs on the call."""

    organisation: Organisation
    matched_by: list[str]
    contacts: list[Contact]
    sites: list[Site]
    projects: list[Project]
    contracts: list[ServiceContract]
    assets: list[Asset]
    asset_count: int
    recent_cases: list[Case]
    engineers: list[User]


LOOKUP_ORGANISATIONS = 5
PHONE_TEXT = re.compile(r"[\d+\-() ]+")
LOOKUP_ASSETS = 50
LOOKUP_CASES = 10


def caller_lookup(*, user: User, q: str) -> list[CallerMatch]:
    """Find a caller by customer code, phone number, contact name or asset serial."""
    q = (q or "").strip()
    if not q:
        raise ValidationError(_("Type a customer code, phone, name or serial."), field="q")
    organisations = organisation_queryset(user=user)
    matched: dict[int, set[str]] = {}

    def hit(ids, why: str) -> None:
        for pk in ids:
            matched.setdefault(pk, set()).add(why)

    # A phone number is digits with separators; a name has none of them. Each kind of text
    # asks only the queries that can match it.
    phone_like = PHONE_TEXT.fullmatch(q) is not None
    hit(organisations.filter(code__iexact=q).values_list("pk", flat=True), "code")
    contacts = contact_queryset(user=user)
    if phone_like:
        hit(organisations.filter(phone=q).values_list("pk", flat=True), "phone")
        hit(
            contacts.filter(Q(phone=q) | Q(mobile=q)).values_list("organisation_id", flat=True)[
                :20
            ],
            "phone",
        )
    else:
        hit(
            contacts.filter(name__startswith=q).values_list("organisation_id", flat=True)[:20],
            "contact",
        )
    hit(
        asset_queryset(user=user)
        .filter(serial_number__in={q, q.upper()})
        .values_list("organisation_id", flat=True)[:20],
        "serial",
    )
    if len(q) >= 2 and not phone_like:
        hit(
            organisations.filter(Q(name__icontains=q) | Q(short_name__icontains=q)).values_list(
                "pk", flat=True
            )[:LOOKUP_ORGANISATIONS],
            "name",
        )
    if not matched:
        return []
    found = organisations.filter(pk__in=list(matched)[:LOOKUP_ORGANISATIONS]).order_by("code")
    # A match shows its engineers' names and regions, not their teams.
    engineers = [] if user.is_customer else list(engineer_workload().prefetch_related(None)[:20])
    today = timezone.localdate(now())
    results = []
    for organisation in found:
        contracts = list(
            contract_queryset(user=user).select_related(None).filter(organisation=organisation)
        )
        for contract in contracts:
            contract.is_active = contract.is_active_on(today)
        assets = _lookup_assets(user=user, organisation=organisation, q=q)
        for asset in assets:
            asset.warranty_state = asset.in_warranty(today)
        results.append(
            CallerMatch(
                organisation=organisation,
                matched_by=sorted(matched[organisation.pk]),
                # The match shows these records' own fields: no joins (a large customer
                # has hundreds of sites, each with its organisation and region joined).
                contacts=list(
                    contacts.select_related(None).filter(organisation=organisation, is_active=True)
                ),
                sites=list(
                    site_queryset(user=user).select_related(None).filter(organisation=organisation)
                ),
                projects=list(
                    project_queryset(user=user)
                    .select_related(None)
                    .filter(organisation=organisation)
                ),
                contracts=contracts,
                assets=assets,
                asset_count=organisation.assets.filter(archived_at__isnull=True).count(),
                recent_cases=list(
                    case_list(user=user)
                    .filter(organisation=organisation)
                    .order_by("-id")[:LOOKUP_CASES]
                ),
                engineers=engineers,
            )
        )
    return results


def _lookup_assets(*, user: User, organisation: Organisation, q: str) -> list[Asset]:
    """The organisation's first LOOKUP_ASSETS assets: the typed serial first, then by site
    name and serial. The order is found on narrow rows (asset and site), then only those
    assets are read with what the match shows: sorting every asset of a large customer with
    all its joined columns cost ~20 ms at 10,000 assets."""
    order = (_serial_first(q), "site__name", "serial_number")
    assets = asset_queryset(user=user).filter(organisation=organisation, archived_at__isnull=True)
    first = assets.order_by(*order).values("pk")[:LOOKUP_ASSETS]
    return list(
        asset_queryset(user=user)
        .select_related(None)
        .select_related("model", "vendor", "site")
        .prefetch_related("contract", "project")
        .filter(pk__in=first)
        .order_by(*order)
    )


def _serial_first(q: str) -> SqlCase:
    """Order assets matching the typed serial first."""
    return SqlCase(When(serial_number__in={q, q.upper()}, then=Value(0)), default=Value(1))
