"""Writes for satisfaction surveys, revisits (回访) and complaints.

- A closing (`feedback_on_close`, called by cases.services inside the closing transaction)
  sends the customer a survey link and books the revisit call.
- The customer answers once through the link (`survey_answer`), without signing in; the
  answer is a public entry of the case's timeline, and a low rating opens a complaint case
  for a quality manager, linked to the case as its follow-up.
- The worker books the contracts' periodic revisits ahead (`revisits_generate`) and warns the
  quality managers when complaints rise (`complaint_alerts_send`); both are idempotent.
- The desk records each call (`revisit_record`); an unhappy customer can get a complaint case.

Lock order, everywhere: the case first, then the survey or revisit.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import DESK, MANAGERS, Role
from aftersales.cases import services as case_services
from aftersales.cases.choices import OPEN, CaseType, Channel, EntryKind, Severity, Visibility
from aftersales.cases.models import Case
from aftersales.cases.timeline import timeline_append
from aftersales.cases.transitions import Action
from aftersales.core.clock import local_iso, now
from aftersales.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from aftersales.customers.models import Contact, Organisation, ServiceContract
from aftersales.feedback import rules, selectors
from aftersales.feedback.choices import RevisitKind, RevisitOutcome, SurveyState
from aftersales.feedback.models import Revisit, RevisitPlan, Survey
from aftersales.notifications.choices import Event
from aftersales.notifications.rendering import language_of
from aftersales.notifications.services import Notification, notify, notify_many

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")
COMMENT_MAX = 2000
NOTES_MAX = 4000
COMPLAINT_SEVERITY = Severity.P3
# Periodic revisits missed by a stopped worker are still booked this many days late.
REVISIT_GRACE_DAYS = 30
REVISIT_HOUR = dt.time(9, 0)
BATCH = 500
# Who records revisit calls: the service desk and the quality managers.
REVISIT_STAFF = DESK | {Role.QUALITY_MANAGER}


# --- surveys --------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(*, token: str, language: str) -> str:
    path = reverse("feedback:survey", args=[token])
    return f"{settings.SITE_URL.rstrip('/')}{path}?lang={language}"


def survey_recipient(case: Case) -> User | None:
    """Who answers the survey: the user of the case's contact, else the customer contact who
    opened the case, else the account of the organisation's primary contact."""
    customers = User.objects.filter(organisation_id=case.organisation_id, is_active=True)
    if case.contact_id:
        user = customers.filter(contact_id=case.contact_id).first()
        if user is not None:
            return user
    creator = case.created_by
    if (
        creator is not None
        and creator.organisation_id == case.organisation_id
        and creator.is_active
    ):
        return creator
    return (
        customers.filter(contact__is_primary=True, contact__is_active=True).order_by("pk").first()
    )


def feedback_on_close(*, case: Case) -> Case:
    """A case just closed (by a manager, or with its master incident): send the survey and
    book the revisit. Called by cases.services inside the closing transaction, with the
    case locked and saved; returns it saved again."""
    case = survey_send(case=case)
    revisit_after_close(case=case)
    return case


def survey_send(*, case: Case) -> Case:
    """Send the customer a one-use survey link for this closing, in their language, by email
    and in the app. An earlier link of the same case that is still open stops working: only
    the latest closing is asked about. With nobody to ask, an internal entry says so."""
    at = now()
    Survey.objects.filter(case=case, answered_at__isnull=True, expires_at__gt=at).update(
        expires_at=at
    )
    recipient = survey_recipient(case)
    if recipient is None:
        timeline_append(
            case=case,
            kind=EntryKind.SURVEY_SENT,
            actor=None,
            at=at,
            data={"recipient": None},
            visibility=Visibility.INTERNAL,
        )
        case.save()
        return case
    token = secrets.token_urlsafe(TOKEN_BYTES)
    language = language_of(recipient.language)
    expires_at = at + dt.timedelta(days=settings.FEEDBACK_SURVEY_DAYS)
    survey = Survey.objects.create(
        case=case,
        organisation_id=case.organisation_id,
        engineer_id=case.assignee_id or case.resolved_by_id,
        recipient=recipient,
        token_hash=token_hash(token),
        language=language,
        case_closed_at=case.closed_at or at,
        sent_at=at,
        expires_at=expires_at,
    )
    notify(
        event=Event.SURVEY,
        recipients=[recipient],
        case=case,
        context={
            "url": survey_url(token=token, language=language),
            "expires_at": expires_at,
            "days": settings.FEEDBACK_SURVEY_DAYS,
        },
        dedupe_key=f"survey:{survey.pk}",
    )
    timeline_append(
        case=case,
        kind=EntryKind.SURVEY_SENT,
        actor=None,
        at=at,
        data={
            "survey": survey.pk,
            "recipient": recipient.username,
            "recipient_name": str(recipient),
            "expires_at": local_iso(expires_at),
        },
        visibility=Visibility.PUBLIC,
    )
    case.save()
    return case


def survey_find(*, token: str) -> Survey:
    """The survey of a link's token, or NotFound: for a token of the wrong shape too, before
    any query."""
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        raise NotFound(_("This survey link is not valid."))
    survey = (
        Survey.objects.select_related("case", "recipient")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey


def _require_open(survey: Survey, at: dt.datetime) -> None:
    state = survey.state_at(at)
    if state == SurveyState.ANSWERED:
        raise Conflict(_("This survey has already been answered."), code="answered")
    if state == SurveyState.EXPIRED:
        raise Conflict(_("This survey link has expired."), code="expired")


def _clean_rating(rating) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if str(rating).strip() != str(value) or not 1 <= value <= 5:
        raise ValidationError(_("Choose a rating from 1 to 5."), field="rating")
    return value


def survey_answer(*, token: str, rating, comment: str = "") -> Survey:
    """Record the customer's answer, once. It lands on the case's timeline as a public entry
    by the person the survey was sent to; a rating of FEEDBACK_LOW_RATING or less opens a
    complaint case for a quality manager, as a follow-up of the case."""
    return survey_record_answer(survey=survey_find(token=token), rating=rating, comment=comment)


def survey_record_answer(*, survey: Survey, rating, comment: str = "") -> Survey:
    """`survey_answer` for a survey already found by its token (and the demo's answers)."""
    _require_open(survey, now())
    rating = _clean_rating(rating)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            _("Keep the comment under %(max)s characters.") % {"max": COMMENT_MAX},
            field="comment",
        )
    with transaction.atomic():
        case = case_services._lock(survey.case)
        locked = (
            Survey.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=survey.pk)
        )
        at = now()
        _require_open(locked, at)
        locked.rating, locked.comment, locked.answered_at = rating, comment, at
        timeline_append(
            case=case,
            kind=EntryKind.SURVEY_ANSWERED,
            actor=locked.recipient,
            at=at,
            body=comment,
            data={"survey": locked.pk, "rating": rating},
            visibility=Visibility.PUBLIC,
        )
        if rating <= settings.FEEDBACK_LOW_RATING:
            locked.follow_up = _complaint_from_survey(case, locked)
        case.save()
        locked.save(update_fields=["rating", "comment", "answered_at", "follow_up"])
    return locked


def _complaint_from_survey(case: Case, survey: Survey) -> Case | None:
    """The complaint a low rating opens, in the name of the customer who gave it (or of the
    quality manager, if that account left the organisation)."""
    quality = quality_manager_pick()
    recipient = survey.recipient
    opener = recipient if recipient.organisation_id == case.organisation_id else quality
    if opener is None:
        logger.warning("No one to open the complaint of survey %s: no quality manager", survey.pk)
        return None
    with translation.override(settings.LANGUAGE_CODE):
        title = _("Low satisfaction rating (%(rating)s of 5) on case %(number)s") % {
            "rating": survey.rating,
            "number": case.number,
        }
        description = _("The customer rated case %(number)s “%(title)s” %(rating)s of 5.") % {
            "number": case.number,
            "title": case.title,
            "rating": survey.rating,
        }
        if survey.comment:
            description += "\n\n" + _("Their comment:") + "\n" + survey.comment
    try:
        return complaint_open(
            opener=opener,
            organisation=case.organisation,
            title=title,
            description=description,
            channel=Channel.PORTAL if opener.is_customer else Channel.PHONE,
            follow_up_of=case,
            quality=quality,
            entry_data={"survey": survey.pk, "rating": survey.rating},
        )
    except DomainError:
        # The answer counts all the same (an archived organisation takes no new cases).
        logger.warning("The complaint of survey %s was not opened", survey.pk, exc_info=True)
        return None


# --- complaints -----------------------------------------------------------------------------


def quality_managers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            pk__in=User.objects.filter(groups__name=Role.QUALITY_MANAGER).values("pk"),
        ).order_by("username")
    )


def quality_manager_pick() -> User | None:
    """The active quality manager with the fewest open cases (then by username)."""
    return (
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            pk__in=User.objects.filter(groups__name=Role.QUALITY_MANAGER).values("pk"),
        )
        .annotate(
            open_cases=Count("assigned_cases", filter=Q(assigned_cases__status__in=list(OPEN)))
        )
        .order_by("open_cases", "username")
        .first()
    )


def complaint_open(
    *,
    opener: User,
    organisation: Organisation,
    title: str,
    description: str,
    channel: str,
    follow_up_of: Case | None = None,
    contract: ServiceContract | None = None,
    contact: Contact | None = None,
    quality: User | None = None,
    entry_data: dict | None = None,
) -> Case:
    """Open a complaint case and hand it to a quality manager (`quality`, else the one with
    the fewest open cases; with none, it waits unassigned in the desk's queue).

    With `follow_up_of` (which the caller has locked, and saves afterwards), the complaint
    is that case's follow-up as `cases.services.case_follow_up` makes them: linked to it,
    on its site, project, contract, contact and assets, and named in its timeline. It is
    opened on the customer's behalf, so the caller's right to open follow-ups is not asked."""
    original = follow_up_of
    with transaction.atomic():
        complaint = _complaint_create(
            opener=opener,
            organisation=organisation,
            title=title,
            description=description,
            channel=channel,
            original=original,
            contract=contract,
            contact=contact,
            entry_data=entry_data,
        )
        quality = quality or quality_manager_pick()
        if quality is not None:
            complaint = complaint_route(case=complaint, quality=quality)
        if original is not None:
            # Last: the caller's copy of the case changes only once nothing can fail.
            timeline_append(
                case=original,
                kind=EntryKind.FOLLOW_UP,
                actor=opener,
                at=now(),
                data={"case": complaint.number, "case_type": CaseType.COMPLAINT},
                visibility=Visibility.PUBLIC,
            )
    return complaint


def _complaint_create(
    *, opener, organisation, title, description, channel, original, contract, contact, entry_data
) -> Case:
    return case_services.case_create(
        actor=opener,
        organisation=organisation,
        title=title,
        description=description,
        severity=COMPLAINT_SEVERITY,
        channel=channel,
        case_type=CaseType.COMPLAINT,
        category=original.category if original else "",
        vendor=original.vendor if original else None,
        site=original.site if original else None,
        project=original.project if original else None,
        contract=original.contract if original else contract,
        contact=original.contact if original else contact,
        assets=original.assets.all() if original else (),
        follow_up_of=original,
        entry_data=entry_data,
    )


def complaint_route(*, case: Case, quality: User) -> Case:
    """Hand a new complaint to a quality manager (a move of the workflow the system makes)."""
    if not quality.is_active or not quality.has_role(Role.QUALITY_MANAGER):
        raise ValidationError(
            _("%(user)s is not an active quality manager.") % {"user": quality.username},
            field="assignee",
        )

    def change(c: Case) -> dict:
        c.assignee, c.assigned_at = quality, now()
        return {
            "assignee": quality.username,
            "assignee_name": str(quality),
            "previous": None,
            "quality": True,
        }

    return case_services._transition(
        case=case,
        action=Action.ROUTE_TO_QUALITY,
        actor=None,
        kind=EntryKind.ASSIGNED,
        change=change,
        after=lambda c: notify(
            event=Event.ASSIGNED, recipients=[quality], case=c, context={"assignee": quality}
        ),
    )


@dataclass(frozen=True)
class ComplaintAlert:
    month: dt.date
    organisation: Organisation | None  # None: all customers together
    count: int
    history: list[tuple[dt.date, int]]  # (month, count) of the months compared with

    @property
    def scope(self) -> str:
        return f"org{self.organisation.pk}" if self.organisation else "all"

    @property
    def average(self) -> float:
        return round(sum(count for _month, count in self.history) / len(self.history), 1)


def complaint_alerts(*, today: dt.date | None = None) -> list[ComplaintAlert]:
    """This month's complaint counts that exceed the average of the three months before,
    for all customers together and for each organisation (`rules.complaints_rising`)."""
    today = today or timezone.localdate(now())
    month = today.replace(day=1)
    counts, first_cases = selectors.complaint_history(month=month)
    overall: dict[dt.date, int] = {}
    for (when, _org), count in counts.items():
        overall[when] = overall.get(when, 0) + count
    firsts = [first for first in first_cases.values() if first is not None]
    scopes: list[tuple[int | None, dict[dt.date, int], dt.date | None]] = [
        (None, overall, min(firsts) if firsts else None)
    ]
    for org_id in sorted({org for when, org in counts if when == month}):
        own = {when: count for (when, org), count in counts.items() if org == org_id}
        scopes.append((org_id, own, first_cases.get(org_id)))
    found = []
    for org_id, own, first_month in scopes:
        history = rules.history_of(counts=own, month=month, first_month=first_month)
        current = own.get(month, 0)
        if rules.complaints_rising(current=current, history=[n for _m, n in history]):
            found.append((org_id, current, history))
    organisations = Organisation.objects.in_bulk([o for o, *_rest in found if o is not None])
    return [
        ComplaintAlert(
            month=month,
            organisation=organisations.get(org_id) if org_id else None,
            count=current,
            history=history,
        )
        for org_id, current, history in found
    ]


def complaint_alerts_send(*, today: dt.date | None = None) -> list[ComplaintAlert]:
    """Tell the quality managers (or, without one, the department managers) of rising
    complaints. Once per month and scope, however often it runs (the dedupe key)."""
    alerts = complaint_alerts(today=today)
    if not alerts:
        return []
    recipients = quality_managers() or _department_managers()
    notify_many(
        [
            Notification(
                event=Event.COMPLAINTS_RISING,
                recipients=recipients,
                context={
                    "organisation": alert.organisation.name if alert.organisation else "",
                    "month": alert.month,
                    "count": alert.count,
                    "average": alert.average,
                    "history": [{"month": when, "count": count} for when, count in alert.history],
                    "url": f"{settings.SITE_URL.rstrip('/')}/cases/",
                },
                dedupe_key=f"complaints_rising:{alert.month:%Y-%m}:{alert.scope}",
            )
            for alert in alerts
        ]
    )
    return alerts


def _department_managers() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            pk__in=User.objects.filter(groups__name__in=MANAGERS).values("pk"),
        ).order_by("username")
    )


# --- revisits -------------------------------------------------------------------------------


def _primary_contact(organisation_id: int) -> Contact | None:
    return (
        Contact.objects.filter(organisation_id=organisation_id, is_primary=True, is_active=True)
        .order_by("pk")
        .first()
    )


def _plan_of(contract_id: int | None) -> RevisitPlan | None:
    if contract_id is None:
        return None
    return RevisitPlan.objects.filter(contract_id=contract_id).first()


def revisit_after_close(*, case: Case) -> Revisit | None:
    """Book the call back N days after this closing (the contract's revisit plan, else
    FEEDBACK_REVISIT_AFTER_CLOSE_DAYS). An open revisit of an earlier closing of the case is
    cancelled: one call covers the case. Idempotent per closing."""
    plan = _plan_of(case.contract_id)
    if plan is not None and not plan.after_close:
        return None
    days = settings.FEEDBACK_REVISIT_AFTER_CLOSE_DAYS
    if plan is not None and plan.after_close_days is not None:
        days = plan.after_close_days
    closed_at = case.closed_at or now()
    at = now()
    earlier = Revisit.objects.filter(
        case=case, kind=RevisitKind.AFTER_CLOSE, done_at__isnull=True
    ).exclude(case_closed_at=closed_at)
    _revisits_finish(earlier, at=at, outcome=RevisitOutcome.CANCELLED)
    revisit, _created = Revisit.objects.get_or_create(
        kind=RevisitKind.AFTER_CLOSE,
        case=case,
        case_closed_at=closed_at,
        defaults={
            "organisation_id": case.organisation_id,
            "contract_id": case.contract_id,
            "contact": case.contact or _primary_contact(case.organisation_id),
            "due_at": closed_at + dt.timedelta(days=days),
            "created_at": at,
        },
    )
    return revisit


def _revisits_finish(queryset, *, at: dt.datetime, outcome: str, by: User | None = None) -> int:
    """The one writer of revisits' outcomes in bulk (cancelled by a later closing)."""
    return queryset.update(done_at=at, outcome=outcome, done_by=by)


def _zone(organisation: Organisation) -> ZoneInfo:
    try:
        return ZoneInfo(organisation.time_zone or settings.TIME_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(settings.TIME_ZONE)


def revisits_generate(*, today: dt.date | None = None, batch: int = BATCH) -> int:
    """Book the periodic revisits of running contracts falling from REVISIT_GRACE_DAYS ago
    to FEEDBACK_REVISIT_HORIZON_DAYS ahead, due at 9:00 in the customer's time zone. Safe
    to run any number of times, by several workers at once: a (contract, day) is booked
    once. Returns the number booked."""
    today = today or timezone.localdate(now())
    first = today - dt.timedelta(days=REVISIT_GRACE_DAYS)
    last = today + dt.timedelta(days=settings.FEEDBACK_REVISIT_HORIZON_DAYS)
    contracts = (
        ServiceContract.objects.filter(
            start_date__lte=last,
            end_date__gte=first,
            organisation__archived_at__isnull=True,
        )
        .select_related("organisation", "revisit_plan")
        .order_by("pk")
    )
    booked = 0
    after = 0
    while True:
        chunk = list(contracts.filter(pk__gt=after)[:batch])
        if not chunk:
            return booked
        after = chunk[-1].pk
        booked += _book_periodic(chunk, first=first, last=last)


def _frequency(contract: ServiceContract) -> str:
    plan = getattr(contract, "revisit_plan", None)
    if plan is not None and plan.frequency:
        return plan.frequency
    return contract.maintenance_frequency


def _book_periodic(contracts: list[ServiceContract], *, first: dt.date, last: dt.date) -> int:
    wanted = []
    for contract in contracts:
        months = rules.FREQUENCY_MONTHS.get(_frequency(contract))
        if months is None:  # MaintenanceFrequency.NONE
            continue
        for day in rules.periodic_dates(
            start=contract.start_date, end=contract.end_date, months=months, first=first, last=last
        ):
            wanted.append((contract, day))
    if not wanted:
        return 0
    ids = [contract.pk for contract in contracts]
    existing = set(
        Revisit.objects.filter(
            kind=RevisitKind.PERIODIC, contract_id__in=ids, scheduled_for__gte=first
        ).values_list("contract_id", "scheduled_for")
    )
    missing = [(c, day) for c, day in wanted if (c.pk, day) not in existing]
    if not missing:
        return 0
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.filter(
        organisation_id__in={c.organisation_id for c, _day in missing},
        is_primary=True,
        is_active=True,
    ).order_by("-pk"):
        contacts[contact.organisation_id] = contact
    at = now()
    Revisit.objects.bulk_create(
        [
            Revisit(
                kind=RevisitKind.PERIODIC,
                organisation_id=contract.organisation_id,
                contract=contract,
                contact=contacts.get(contract.organisation_id),
                scheduled_for=day,
                due_at=dt.datetime.combine(day, REVISIT_HOUR, tzinfo=_zone(contract.organisation)),
                created_at=at,
            )
            for contract, day in missing
        ],
        # Another worker booking the same (contract, day) at once: its row stands.
        ignore_conflicts=True,
    )
    return len(missing)


def _require_revisit_staff(actor: User) -> None:
    if actor.is_customer or not (actor.roles & REVISIT_STAFF):
        raise Forbidden(
            _("Only the service desk and quality managers record revisits."),
            code="not_permitted",
        )


def revisit_schedule(
    *,
    actor: User,
    due_at: dt.datetime,
    case: Case | None = None,
    contract: ServiceContract | None = None,
    notes: str = "",
) -> Revisit:
    """Book a call back by hand, about a case or a contract."""
    _require_revisit_staff(actor)
    if (case is None) == (contract is None):
        raise ValidationError(_("Name a case or a contract, not both."), field="case")
    if due_at is None or timezone.is_naive(due_at):
        raise ValidationError(_("Give the day and time of the call."), field="due_at")
    at = now()
    if due_at < at - dt.timedelta(minutes=5):
        raise ValidationError(_("The call cannot be due in the past."), field="due_at")
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError(
            _("Keep the notes under %(max)s characters.") % {"max": NOTES_MAX}, field="notes"
        )
    organisation = case.organisation if case is not None else contract.organisation
    if organisation.is_archived:
        raise ValidationError(_("This organisation is archived."), field="case")
    organisation_id = organisation.pk
    contact = case.contact if case is not None else None
    return Revisit.objects.create(
        kind=RevisitKind.MANUAL,
        organisation_id=organisation_id,
        case=case,
        contract=contract if contract is not None else case.contract,
        contact=contact or _primary_contact(organisation_id),
        due_at=due_at,
        created_at=at,
        created_by=actor,
        notes=notes,
    )


def revisit_record(
    *,
    revisit: Revisit,
    actor: User,
    reached: bool,
    satisfied: bool | None = None,
    notes: str = "",
    retry_at: dt.datetime | None = None,
    open_complaint: bool = False,
) -> Revisit:
    """Record one call of a revisit. Reached: the customer is satisfied or not, and an
    unhappy one may get a complaint case (for a quality manager; the follow-up of the
    revisit's case, if it has one). Not reached: done, or tried again at `retry_at`. Each
    call of a case's revisit is an internal entry of its timeline."""
    _require_revisit_staff(actor)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError(
            _("Keep the notes under %(max)s characters.") % {"max": NOTES_MAX}, field="notes"
        )
    at = now()
    if reached:
        if satisfied is None:
            raise ValidationError(_("Say whether the customer is satisfied."), field="satisfied")
        if retry_at is not None:
            raise ValidationError(
                _("A call that reached the customer is not tried again."), field="retry_at"
            )
    else:
        satisfied = None
        if retry_at is not None and retry_at <= at:
            raise ValidationError(_("Try again at a time to come."), field="retry_at")
    if open_complaint:
        if not reached or satisfied is not False:
            raise ValidationError(
                _("A complaint is opened for a customer reached and not satisfied."),
                field="open_complaint",
            )
        if not notes:
            raise ValidationError(_("Write down what the customer complains about."), field="notes")
    with transaction.atomic():
        case = case_services._lock(revisit.case) if revisit.case_id else None
        locked = Revisit.objects.select_for_update().get(pk=revisit.pk)
        if locked.done_at is not None:
            raise Conflict(_("This revisit is already recorded."), code="done")
        locked.attempts += 1
        locked.calls = [
            *locked.calls,
            {
                "at": local_iso(at),
                "by": actor.username,
                "by_name": str(actor),
                "reached": reached,
                "satisfied": satisfied,
                "notes": notes,
            },
        ]
        if notes:
            locked.notes = notes
        if not reached and retry_at is not None:
            locked.due_at = retry_at
        else:
            locked.done_at, locked.done_by = at, actor
            locked.outcome = RevisitOutcome.REACHED if reached else RevisitOutcome.NOT_REACHED
            locked.satisfied = satisfied
        if case is not None:
            timeline_append(
                case=case,
                kind=EntryKind.REVISIT,
                actor=actor,
                at=at,
                body=notes,
                data={
                    "revisit": locked.pk,
                    "reached": reached,
                    "satisfied": satisfied,
                    "retry_at": local_iso(retry_at) if not reached else None,
                },
                visibility=Visibility.INTERNAL,
            )
        if open_complaint:
            locked.complaint = _complaint_from_revisit(locked, case, actor, notes)
        if case is not None:
            case.save()
        locked.save()
    return locked


def _complaint_from_revisit(revisit: Revisit, case: Case | None, actor: User, notes: str) -> Case:
    with translation.override(settings.LANGUAGE_CODE):
        if case is not None:
            title = _("Customer not satisfied on the revisit of case %(number)s") % {
                "number": case.number
            }
        else:
            title = _("Customer not satisfied on a periodic revisit")
    return complaint_open(
        opener=actor,
        organisation=revisit.organisation,
        title=title,
        description=notes,
        channel=Channel.PHONE,
        follow_up_of=case,
        contract=revisit.contract,
        contact=revisit.contact,
        entry_data={"revisit": revisit.pk},
    )
