"""Writes for field service: scheduling visits and every move of one, each in one transaction
with the case's timeline entry (and its SLA clock, and the outbox).

Locks are always taken in one order: the case, then the visit. Requests from the engineer's
phone carry a client id made on the phone; a retry of a request already applied changes
nothing (`VisitRequest`, and the client ids of work-log lines and photos)."""

import base64
import binascii
import datetime as dt
import hashlib
import io
import math
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import CASE_WORKERS, DESK, ENGINEERS, Role
from aftersales.cases import services as case_services
from aftersales.cases.choices import OPEN, EntryKind, Severity, Visibility
from aftersales.cases.models import Attachment, Case
from aftersales.cases.timeline import timeline_append
from aftersales.core.clock import local_iso, now
from aftersales.core.errors import Conflict, Forbidden, NotFound, ValidationError
from aftersales.dispatch import documents, transitions
from aftersales.dispatch.choices import ACTIVE, DocumentKind, SignatureRole, VisitResult
from aftersales.dispatch.models import Visit, VisitLeftover, VisitLogEntry, VisitPhoto, VisitRequest
from aftersales.dispatch.transitions import SAME, VisitAction
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify
from aftersales.sla import services as sla
from aftersales.sla.choices import Metric

LONGEST_WINDOW = dt.timedelta(hours=24)
# How long a phone may hold a request before sending it and still have its time believed.
LONGEST_QUEUE = dt.timedelta(days=7)
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_PIXELS = 4000 * 2000
PHOTO_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "heic", "heif", "gif"})
LEFTOVERS_MAX = 10


# --- helpers ------------------------------------------------------------------------------


def _person(key: str, user: User | None) -> dict:
    if user is None:
        return {key: None}
    return {key: user.username, f"{key}_name": str(user)}


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field=field)
    return value


def _require_desk(actor: User, message: str) -> None:
    if actor.is_customer or not (actor.roles & DESK):
        raise Forbidden(message, code="not_permitted")


def _require_engineer(user: User) -> None:
    if not user.is_active or user.is_customer or not (user.roles & ENGINEERS):
        raise ValidationError(
            _("%(user)s is not an active engineer.") % {"user": user.username}, field="engineer"
        )


def _window(start: dt.datetime, end: dt.datetime, at: dt.datetime) -> None:
    if start is None or end is None:
        raise ValidationError(_("Give the visit's time window."), field="start")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ValidationError(_("Times need a time zone."), field="start")
    if end <= start:
        raise ValidationError(_("The window must end after it starts."), field="end")
    if end - start > LONGEST_WINDOW:
        raise ValidationError(_("A visit's window is at most 24 hours."), field="end")
    if end <= at:
        raise ValidationError(_("This window is already over."), field="end")


def client_time(
    *,
    recorded_at: dt.datetime | None,
    sent_at: dt.datetime | None,
    received_at: dt.datetime,
    floor: dt.datetime | None = None,
) -> dt.datetime:
    """When something happened on the phone, told by the server's clock. The phone says how
    long it held the request (sent_at - recorded_at, both read from its own clock, so a phone
    whose clock is wrong is still right about the difference); the server knows when it came.
    Never before `floor` (the step before), never after the server's now, and a request held
    longer than a week is dated when it came."""
    if recorded_at is None or sent_at is None:
        return received_at
    held = sent_at - recorded_at
    if held <= dt.timedelta(0) or held > LONGEST_QUEUE:
        return received_at
    at = received_at - held
    if floor is not None and at < floor:
        at = floor
    return at


def _customer_contacts(case: Case) -> list[User]:
    """Who opens the door: the user account of the case's contact, else the customer
    contact who opened the case."""
    if case.contact_id:
        found = list(
            User.objects.filter(
                contact_id=case.contact_id, organisation_id=case.organisation_id, is_active=True
            )
        )
        if found:
            return found
    creator = case.created_by
    if creator is not None and creator.organisation_id == case.organisation_id:
        return [creator]
    return []


def _visit_context(visit: Visit, case: Case) -> dict:
    site = case.site
    return {
        "visit_number": visit.number,
        "engineer": str(visit.engineer),
        "engineer_phone": visit.engineer.phone,
        "window_start": visit.window_start,
        "window_end": visit.window_end,
        "site": site.name if site else "",
        "address": (site.address if site else "") or case.organisation.address,
        "purpose": visit.purpose,
    }


def visit_url(visit: Visit) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL.rstrip('/')}/visits/{visit.pk}/"


def _tell(event: str, visit: Visit, case: Case, *, engineers: Iterable[User], extra=None) -> None:
    """The engineer gets the visit page's link, the customer the case's."""
    context = {**_visit_context(visit, case), **(extra or {})}
    notify(
        event=event,
        recipients=list(engineers),
        case=case,
        context={**context, "url": visit_url(visit)},
    )
    notify(event=event, recipients=_customer_contacts(case), case=case, context=context)


def _distance_m(lat1, lon1, lat2, lon2) -> int:
    """Great-circle distance in metres."""
    r = 6_371_000
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * r * math.asin(math.sqrt(a)))


# --- the one write path of a visit ----------------------------------------------------------


def _lock(visit: Visit) -> tuple[Case, Visit]:
    """The case, then the visit: always in this order."""
    # of=self: PostgreSQL locks no joined row (and refuses the nullable side of a join).
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("organisation", "site")
        .get(pk=visit.case_id)
    )
    current = (
        Visit.objects.select_for_update(of=("self",)).select_related("engineer").get(pk=visit.pk)
    )
    current.case = case
    return case, current


def _replayed(client_id: uuid.UUID | None, visit: Visit) -> bool:
    if client_id is None:
        return False
    applied = VisitRequest.objects.filter(client_id=client_id).first()
    if applied is None:
        return False
    if applied.visit_id != visit.pk:
        raise ValidationError(_("This request id belongs to another visit."), field="client_id")
    return True


def _move(
    *,
    visit: Visit,
    action: VisitAction,
    actor: User,
    kind: EntryKind,
    change: Callable[[Visit, Case, dt.datetime], dict | None] | None = None,
    body: str = "",
    visibility: Visibility = Visibility.PUBLIC,
    client_id: uuid.UUID | None = None,
) -> Visit:
    """Apply one move of the visit workflow: lock, check, change, write the case's timeline
    entry, save, remember the phone's request id. `change` mutates the locked visit (and may
    touch the locked case's clocks) and returns more data for the entry."""
    with transaction.atomic():
        case, current = _lock(visit)
        if _replayed(client_id, current):
            return current
        move = transitions.check(action, current, actor)
        at = now()
        data = {"visit": current.pk, "visit_number": current.number}
        data.update(_person("engineer", current.engineer))
        extra = change(current, case, at) if change else None
        if extra:
            data.update(extra)
        if move.target is not SAME and move.target != current.status:
            data.update({"from": current.status, "to": move.target})
            current.status = move.target
        timeline_append(
            case=case, kind=kind, actor=actor, at=at, body=body, data=data, visibility=visibility
        )
        case.save()
        current.updated_at = at
        current.save()
        if client_id is not None:
            VisitRequest.objects.create(
                client_id=client_id, visit=current, action=action, created_at=at
            )
        return current


# --- scheduling (the service desk) ----------------------------------------------------------


def visit_schedule(
    *,
    case: Case,
    engineer: User,
    start: dt.datetime,
    end: dt.datetime,
    actor: User,
    purpose: str = "",
) -> Visit:
    """派工: send an engineer to the case's site in a time window. Starts the case's on-site
    arrival clock where its policy has a target for it; tells the engineer and the customer."""
    if actor.is_customer and actor.organisation_id != case.organisation_id:
        raise NotFound(_("No such case."))
    _require_desk(actor, _("Only the service desk dispatches visits."))
    _require_engineer(engineer)
    at = now()
    _window(start, end, at)
    with transaction.atomic():
        locked = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation", "site")
            .get(pk=case.pk)
        )
        if locked.status not in OPEN:
            raise Conflict(
                _("Visits are dispatched for open cases only."), code="invalid_transition"
            )
        seq = (Visit.objects.filter(case=locked).aggregate(n=Max("seq"))["n"] or 0) + 1
        visit = Visit.objects.create(
            case=locked,
            seq=seq,
            engineer=engineer,
            window_start=start,
            window_end=end,
            purpose=(purpose or "").strip(),
            scheduled_by=actor,
            scheduled_at=at,
            updated_at=at,
        )
        data = {
            "visit": visit.pk,
            "visit_number": visit.number,
            **_person("engineer", engineer),
            "start": local_iso(start),
            "end": local_iso(end),
        }
        clock = sla.clock_start(case=locked, metric=Metric.ONSITE, at=at)
        if clock is not None and clock.met_at is None and clock.due_at is not None:
            data["sla"] = {Metric.ONSITE: {"due": local_iso(clock.due_at)}}
        timeline_append(
            case=locked,
            kind=EntryKind.VISIT_SCHEDULED,
            actor=actor,
            at=at,
            body=visit.purpose,
            data=data,
            visibility=Visibility.PUBLIC,
        )
        locked.save()
        _tell(Event.VISIT_SCHEDULED, visit, locked, engineers=[engineer])
    return visit


def visit_reschedule(
    *,
    visit: Visit,
    actor: User,
    start: dt.datetime,
    end: dt.datetime,
    engineer: User | None = None,
    reason: str = "",
) -> Visit:
    """A new window, or another engineer, for a visit not yet under way."""
    if engineer is not None:
        _require_engineer(engineer)
    _window(start, end, now())
    previous: list[User] = []

    def change(v: Visit, case: Case, at: dt.datetime) -> dict:
        if engineer is not None and engineer.pk != v.engineer_id:
            previous.append(v.engineer)
            v.engineer = engineer
        v.window_start, v.window_end = start, end
        return {
            **_person("engineer", v.engineer),
            "start": local_iso(start),
            "end": local_iso(end),
            "previous_engineer": previous[0].username if previous else None,
        }

    with transaction.atomic():
        current = _move(
            visit=visit,
            action=VisitAction.RESCHEDULE,
            actor=actor,
            kind=EntryKind.VISIT_RESCHEDULED,
            change=change,
            body=(reason or "").strip(),
        )
        case = current.case
        _tell(Event.VISIT_RESCHEDULED, current, case, engineers=[current.engineer])
        if previous:
            notify(
                event=Event.VISIT_CANCELLED,
                recipients=previous,
                case=case,
                context={**_visit_context(current, case), "reason": reason},
            )
    return current


def visit_cancel(*, visit: Visit, actor: User, reason: str) -> Visit:
    """Call a visit off. Where no engineer reached the site and no other visit is planned, the
    on-site clock started for it is withdrawn (kept if it is already breached)."""
    reason = _require_text(reason, "reason", _("Say why the visit is cancelled."))

    def change(v: Visit, case: Case, at: dt.datetime) -> dict:
        v.cancelled_at, v.cancel_reason = at, reason
        others = Visit.objects.filter(case=case, status__in=ACTIVE).exclude(pk=v.pk).exists()
        arrived = Visit.objects.filter(case=case, arrived_at__isnull=False).exists()
        if others or arrived:
            return {}
        withdrawn = sla.clock_withdraw(case=case, metric=Metric.ONSITE, at=at)
        return {"sla": {Metric.ONSITE: withdrawn}} if withdrawn else {}

    with transaction.atomic():
        current = _move(
            visit=visit,
            action=VisitAction.CANCEL,
            actor=actor,
            kind=EntryKind.VISIT_CANCELLED,
            change=change,
            body=reason,
        )
        _tell(
            Event.VISIT_CANCELLED,
            current,
            current.case,
            engineers=[current.engineer],
            extra={"reason": reason},
        )
    return current


# --- on the way and on site (the engineer, from the phone) -----------------------------------


def visit_depart(
    *,
    visit: Visit,
    actor: User,
    client_id: uuid.UUID | None = None,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> Visit:
    def change(v: Visit, case: Case, at: dt.datetime) -> dict:
        v.departed_at = client_time(
            recorded_at=recorded_at, sent_at=sent_at, received_at=at, floor=v.scheduled_at
        )
        return {"at": local_iso(v.departed_at)}

    return _move(
        visit=visit,
        action=VisitAction.DEPART,
        actor=actor,
        kind=EntryKind.VISIT_DEPARTED,
        change=change,
        client_id=client_id,
    )


def visit_arrive(
    *,
    visit: Visit,
    actor: User,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    accuracy_m: float | None = None,
    client_id: uuid.UUID | None = None,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> Visit:
    """The engineer is on site: the time (the server's clock), and the phone's position where
    the engineer agreed to share it. The case's first arrival stops its on-site clock."""
    if (latitude is None) != (longitude is None):
        raise ValidationError(_("A position needs both latitude and longitude."), field="latitude")
    if latitude is not None and not (
        -90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180
    ):
        raise ValidationError(_("This is not a position on Earth."), field="latitude")

    def change(v: Visit, case: Case, at: dt.datetime) -> dict:
        v.arrived_at = client_time(
            recorded_at=recorded_at,
            sent_at=sent_at,
            received_at=at,
            floor=v.departed_at or v.scheduled_at,
        )
        data: dict = {"at": local_iso(v.arrived_at), "position": latitude is not None}
        if latitude is not None:
            v.arrival_latitude = Decimal(str(round(float(latitude), 6)))
            v.arrival_longitude = Decimal(str(round(float(longitude), 6)))
            v.arrival_accuracy_m = accuracy_m
            site = case.site
            if site is not None and site.latitude is not None and site.longitude is not None:
                data["distance_m"] = _distance_m(site.latitude, site.longitude, latitude, longitude)
        stopped = sla.clock_stop(case=case, metric=Metric.ONSITE, at=v.arrived_at)
        if stopped:
            data["sla"] = {Metric.ONSITE: stopped}
        return data

    return _move(
        visit=visit,
        action=VisitAction.ARRIVE,
        actor=actor,
        kind=EntryKind.VISIT_ARRIVED,
        change=change,
        client_id=client_id,
    )


def visit_log(
    *,
    visit: Visit,
    actor: User,
    body: str,
    client_id: uuid.UUID,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> VisitLogEntry:
    """One line of the work log: kept on the visit and written to the case's timeline, where
    the customer reads it too (it is what the report says was done)."""
    body = _require_text(body, "body", _("The work log entry is empty."))
    if client_id is None:
        raise ValidationError(_("A work log entry needs its client id."), field="client_id")
    with transaction.atomic():
        _case, current = _lock(visit)
        existing = VisitLogEntry.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.visit_id != current.pk:
                raise ValidationError(
                    _("This request id belongs to another visit."), field="client_id"
                )
            return existing
        made: list[VisitLogEntry] = []

        def change(v: Visit, case: Case, at: dt.datetime) -> dict:
            written = client_time(
                recorded_at=recorded_at, sent_at=sent_at, received_at=at, floor=v.scheduled_at
            )
            made.append(
                VisitLogEntry.objects.create(
                    visit=v,
                    client_id=client_id,
                    body=body,
                    author=actor,
                    written_at=written,
                    created_at=at,
                )
            )
            return {"written_at": local_iso(written)}

        _move(
            visit=current,
            action=VisitAction.LOG,
            actor=actor,
            kind=EntryKind.VISIT_LOG,
            change=change,
            body=body,
        )
        return made[0]


def visit_photo_add(
    *,
    visit: Visit,
    actor: User,
    upload: UploadedFile,
    client_id: uuid.UUID,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> VisitPhoto:
    """A photo from the phone's camera: an internal attachment of the case."""
    if client_id is None:
        raise ValidationError(_("A photo needs its client id."), field="client_id")
    name = upload.name or "photo.jpg"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    content_type = (upload.content_type or "").lower()
    if not content_type.startswith("image/") or extension not in PHOTO_EXTENSIONS:
        raise ValidationError(_("Only photos can be added here."), field="file")
    with transaction.atomic():
        case, current = _lock(visit)
        existing = VisitPhoto.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.visit_id != current.pk:
                raise ValidationError(
                    _("This request id belongs to another visit."), field="client_id"
                )
            return existing
        transitions.check(VisitAction.PHOTO, current, actor)
        at = now()
        attachment = case_services.case_attach(
            case=case,
            actor=actor,
            upload=upload,
            visibility=Visibility.INTERNAL,
            note=_("Photo, visit %(n)s") % {"n": current.number},
        )
        return VisitPhoto.objects.create(
            visit=current,
            client_id=client_id,
            attachment=attachment,
            taken_at=client_time(
                recorded_at=recorded_at,
                sent_at=sent_at,
                received_at=at,
                floor=current.arrived_at,
            ),
        )


def signature_decode(data_url: str) -> bytes:
    """The PNG of a drawn signature, from the canvas's data URL; refused when it is not a
    PNG, too large, or blank."""
    from PIL import Image, UnidentifiedImageError

    prefix = "data:image/png;base64,"
    if not isinstance(data_url, str) or not data_url.startswith(prefix):
        raise ValidationError(_("The signature must be a PNG image."), field="image")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(_("The signature image is damaged."), field="image") from exc
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("The signature image is too large."), field="image")
    try:
        image = Image.open(io.BytesIO(raw))
        if image.format != "PNG" or image.width * image.height > SIGNATURE_MAX_PIXELS:
            raise ValidationError(_("The signature must be a PNG image."), field="image")
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(_("The signature image is damaged."), field="image") from exc
    if "A" in image.getbands():
        ink = image.getchannel("A").getbbox()
    else:
        ink = image.convert("L").point(lambda v: 255 if v < 200 else 0).getbbox()
    if ink is None:
        raise ValidationError(_("The signature is blank: sign in the box."), field="image")
    return raw


def visit_sign(
    *,
    visit: Visit,
    actor: User,
    role: str,
    name: str,
    image: bytes,
    client_id: uuid.UUID | None = None,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> Visit:
    """The customer confirms on the engineer's screen with a drawn signature and a printed
    name; the engineer signs too. Signing again replaces the earlier signature."""
    if role not in SignatureRole.values:
        raise ValidationError(_("Say who signs: the customer or the engineer."), field="role")
    name = _require_text(name, "name", _("Print the signer's name."))[:100]
    digest = hashlib.sha256(image).hexdigest()

    def change(v: Visit, case: Case, at: dt.datetime) -> dict:
        signed_at = client_time(
            recorded_at=recorded_at, sent_at=sent_at, received_at=at, floor=v.arrived_at
        )
        upload = ContentFile(image, name=f"{role}-{digest[:16]}.png")
        if role == SignatureRole.CUSTOMER:
            v.customer_signature.save(upload.name, upload, save=False)
            v.customer_signer, v.customer_signed_at = name, signed_at
        else:
            v.engineer_signature.save(upload.name, upload, save=False)
            v.engineer_signer, v.engineer_signed_at = name, signed_at
        return {"role": role, "name": name, "sha256": digest, "at": local_iso(signed_at)}

    return _move(
        visit=visit,
        action=VisitAction.SIGN,
        actor=actor,
        kind=EntryKind.VISIT_SIGNED,
        change=change,
        client_id=client_id,
    )


def _leftover_title(text: str) -> str:
    first = text.strip().splitlines()[0].strip()
    return first if len(first) <= 80 else first[:79] + "…"


def visit_finish(
    *,
    visit: Visit,
    actor: User,
    result: str,
    work_done: str,
    fault_found: str = "",
    minutes_spent: int | None = None,
    leftovers: Iterable[str] = (),
    client_id: uuid.UUID | None = None,
    recorded_at: dt.datetime | None = None,
    sent_at: dt.datetime | None = None,
) -> Visit:
    """The visit is over and signed by both sides: record the result, open a follow-up case
    for each leftover issue, and archive the service report (用户服务报告, customer's and
    company's copies in one PDF) on the case, where the customer reads it."""
    if result not in VisitResult.values:
        raise ValidationError(_("Choose the visit's result."), field="result")
    work_done = _require_text(work_done, "work_done", _("Describe the work done."))
    if minutes_spent is not None and not 0 <= minutes_spent <= 24 * 60:
        raise ValidationError(_("Time spent is between 0 and 1440 minutes."), field="minutes_spent")
    issues = [text.strip() for text in leftovers if text and text.strip()]
    if len(issues) > LEFTOVERS_MAX:
        raise ValidationError(
            _("At most %(n)s leftover issues per visit.") % {"n": LEFTOVERS_MAX},
            field="leftovers",
        )
    with transaction.atomic():
        case, current = _lock(visit)
        if _replayed(client_id, current):
            return current
        transitions.check(VisitAction.FINISH, current, actor)
        if not current.customer_signed_at:
            raise Conflict(
                _("The customer has not signed yet."), code="unsigned", field="customer_signature"
            )
        if not current.engineer_signed_at:
            raise Conflict(
                _("The engineer has not signed yet."), code="unsigned", field="engineer_signature"
            )

        def change(v: Visit, c: Case, at: dt.datetime) -> dict:
            v.finished_at = client_time(
                recorded_at=recorded_at, sent_at=sent_at, received_at=at, floor=v.arrived_at
            )
            v.result, v.work_done, v.fault_found = result, work_done, (fault_found or "").strip()
            if minutes_spent is None and v.arrived_at is not None:
                v.minutes_spent = max(0, round((v.finished_at - v.arrived_at).total_seconds() / 60))
            else:
                v.minutes_spent = minutes_spent
            return {
                "result": result,
                "at": local_iso(v.finished_at),
                "minutes_spent": v.minutes_spent,
                "leftovers": len(issues),
            }

        current = _move(
            visit=current,
            action=VisitAction.FINISH,
            actor=actor,
            kind=EntryKind.VISIT_DONE,
            change=change,
            body=work_done,
            client_id=client_id,
        )
        for text in issues:
            follow_up = case_services.case_follow_up(
                case=case,
                actor=actor,
                title=_leftover_title(text),
                description=text
                + "\n\n"
                + _("Left over from visit %(n)s.") % {"n": current.number},
            )
            VisitLeftover.objects.create(visit=current, description=text, follow_up=follow_up)
        report = report_archive(visit=current, actor=actor)
        notify(
            event=Event.VISIT_REPORT,
            recipients=_customer_contacts(case),
            case=case,
            context={**_visit_context(current, case), "report": report.name},
        )
    return current


def report_archive(*, visit: Visit, actor: User) -> Attachment:
    """Render the visit's service report and attach it to the case, visible to the customer."""
    pdf = documents.service_report_pdf(visit=visit)
    name = f"service-report-{visit.number}.pdf"
    attachment = case_services.case_attach(
        case=visit.case,
        actor=actor,
        upload=SimpleUploadedFile(name, pdf, "application/pdf"),
        visibility=Visibility.PUBLIC,
        note=_("Service report of visit %(n)s, signed by %(name)s.")
        % {"n": visit.number, "name": visit.customer_signer},
    )
    visit.report = attachment
    visit.save(update_fields=["report"])
    return attachment


# --- documents of a case --------------------------------------------------------------------

DOCUMENT_MAKERS = frozenset({*CASE_WORKERS, Role.QUALITY_MANAGER})


def case_document_issue(
    *,
    case: Case,
    actor: User,
    kind: str,
    fields: dict,
    visibility: str = Visibility.PUBLIC,
) -> Attachment:
    """Make a document of the case on demand (故障诊断报告, or 重大故障分析报告 for a P1
    case) and archive it on the case like any attachment."""
    if actor.is_customer:
        raise NotFound(_("No such case."))
    if not (actor.roles & DOCUMENT_MAKERS):
        raise Forbidden(_("You may not make case documents."), code="not_permitted")
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), field="visibility")
    if kind == DocumentKind.DIAGNOSIS:
        clean = {
            "site_situation": _require_text(
                fields.get("site_situation", ""),
                "site_situation",
                _("Describe the situation on site."),
            ),
            "fault_level": fields.get("fault_level") or case.severity,
            "emergency_handling": _require_text(
                fields.get("emergency_handling", ""),
                "emergency_handling",
                _("Describe the emergency handling."),
            ),
            "diagnosis": (fields.get("diagnosis") or case.diagnosis or "").strip(),
        }
        if clean["fault_level"] not in Severity.values:
            raise ValidationError(_("Unknown fault level."), field="fault_level")
        pdf = documents.diagnosis_pdf(case=case, fields=clean, author=actor)
        name = f"diagnosis-{case.number}.pdf"
        note = _("Fault diagnosis report")
    elif kind == DocumentKind.MAJOR_FAULT:
        if case.severity != Severity.P1:
            raise Conflict(_("The major-fault analysis report is for P1 cases."), code="not_major")
        clean = {
            "impact": (fields.get("impact") or "").strip(),
            "cause": _require_text(
                fields.get("cause") or case.diagnosis, "cause", _("Describe the cause.")
            ),
            "measures": _require_text(
                fields.get("measures", ""), "measures", _("Describe the measures taken.")
            ),
        }
        pdf = documents.major_fault_pdf(
            case=case, fields=clean, author=actor, visibility=visibility
        )
        name = f"major-fault-{case.number}.pdf"
        note = _("Major-fault analysis report")
    else:
        raise ValidationError(_("Unknown document."), field="kind")
    return case_services.case_attach(
        case=case,
        actor=actor,
        upload=SimpleUploadedFile(name, pdf, "application/pdf"),
        visibility=visibility,
        note=note,
    )
