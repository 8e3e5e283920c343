"""Writes for notifications.

Other apps call `notify` (one event, some people) or `notify_many` (the SLA sweep's thousands)
inside their own transaction: each writes rows to the outbox and nothing else. After the
transaction commits, a task delivers them; the worker's minute sweep picks up whatever that
missed. Delivery (`outbox_deliver`) claims due rows, marks them sending and commits, sends
outside any transaction, then records each one sent, to retry later, or dead."""

import datetime as dt
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.core.clock import now
from aftersales.core.errors import Forbidden, NotFound, ValidationError
from aftersales.customers.models import Organisation
from aftersales.notifications import channels
from aftersales.notifications.choices import (
    ALL_EVENTS,
    DEFAULT_CHANNELS,
    PERSONAL_CHANNELS,
    PERSONAL_LINK_EVENTS,
    PRIVATE_EVENTS,
    SMS_EVENTS,
    Channel,
    Event,
    OutboxStatus,
)
from aftersales.notifications.models import (
    ChatRobot,
    InAppNotification,
    NotificationPreference,
    OutboxMessage,
)
from aftersales.notifications.rendering import (
    TemplateBook,
    as_json,
    language_of,
    plain,
    zone_of,
)

logger = logging.getLogger(__name__)

# Items rendered and inserted together by notify_many; ids per delivery task.
WRITE_BATCH = 500
TASK_CHUNK = 200
# notify_many's tens of thousands (the SLA sweep): fewer, larger tasks. Each enqueue is a
# write to the queue (a committed SQLite transaction with the default SqliteHuey).
BULK_TASK_CHUNK = 1000
DEDUPE_KEY_MAX = 200


# --- writing: the API other apps call ------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Notification:
    """One event for some people (and the chat robots subscribed to it). See `notify`."""

    event: str
    recipients: Sequence[User] = ()
    case: Case | None = None
    context: dict | None = None
    dedupe_key: str | None = None


def notify(
    *,
    event: str,
    recipients: Iterable[User],
    case: Case | None = None,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> list[OutboxMessage]:
    """Tell `recipients` about `event` (an `Event` value), and the chat robots subscribed to it.

    Each active recipient gets one message per channel of their preference for this event
    (default: in the app and by email, plus SMS for assigned, reminder, escalated and
    breached; a password reset goes by email only), written from the template of (event,
    channel, the recipient's language). A channel without an address (no email, no phone) is
    skipped. Robots get one message each, in their language, if their scope (organisation,
    team) matches the case.

    `context` adds event-specific fields to the template context, which always holds `event`,
    `case` (number, title, severity, severity_label, status, status_label, organisation,
    reported_at, url), `url` (the case's, unless the context names one), `recipient` (name,
    username) and `site_url`. Values may be datetimes (shown in the recipient's time zone by
    the `date` filter), dates, numbers, strings, lazy translations (shown in the recipient's
    language: pass `gettext_lazy` labels, e.g. a role's), lists and dicts of them; model
    instances become their str(). Fields the default templates use: `actor` (who acted),
    `assignee`, `due` (a deadline), `target` (what is due, e.g. "response"), `level` and
    `role` (escalations), `team`, `reason`, `expert`, `solution`, `confirm_deadline`.

    `dedupe_key` makes the call idempotent: a second call with the same key writes nothing
    for the (recipient, channel) pairs and robots already written.

    Only writes outbox rows, in the caller's transaction; delivery starts after it commits.
    Returns the messages written."""
    return _write(
        [
            Notification(
                event=event,
                recipients=tuple(recipients),
                case=case,
                context=context,
                dedupe_key=dedupe_key,
            )
        ]
    )


def notify_many(items: list[Notification]) -> int:
    """`notify` for many notifications at once (the SLA sweep): preferences, templates and
    robots are read once per call, and rows are rendered and bulk-inserted in batches of
    500 items with a handful of queries each. Returns the number of messages written."""
    return len(_write(list(items), full=False))


def _write(items: list[Notification], *, full: bool = True) -> list:
    """Write the items' messages; return them (`full`) or only their ids."""
    if not items:
        return []
    at = now()
    book = TemplateBook.load({item.event for item in items})
    robots = list(ChatRobot.objects.filter(is_active=True))
    written: list = []
    with transaction.atomic(savepoint=False):
        for batch in _chunks(items, WRITE_BATCH):
            written.extend(_write_batch(batch, book=book, robots=robots, at=at, full=full))
        ids = [message.pk for message in written] if full else written
        if ids:
            chunk_size = TASK_CHUNK if full else BULK_TASK_CHUNK
            transaction.on_commit(partial(enqueue_delivery, ids, chunk_size), robust=True)
    return written


def _write_batch(
    batch: list[Notification],
    *,
    book: TemplateBook,
    robots: list[ChatRobot],
    at: dt.datetime,
    full: bool = True,
) -> list:
    people = {
        user.pk: user for item in batch for user in item.recipients if user.pk and user.is_active
    }
    preferences = _preferences(list(people))
    _load_organisations([item.case for item in batch if item.case is not None])
    rows: list[dict] = []
    for item in batch:
        base = _base_context(item)
        payload = {"url": base["url"], "context": as_json(plain(item.context or {}))}
        seen: set[int] = set()
        shared: dict = {}  # this item's texts, rendered once for all its recipients
        for user in item.recipients:
            if user.pk not in people or user.pk in seen:
                continue
            seen.add(user.pk)
            language = language_of(user.language)
            context = {**base, "recipient": {"name": str(user), "username": user.username}}
            for channel in channels_for(user.pk, item.event, preferences):
                address = _address(user, channel)
                if address is None:
                    continue
                rendered = book.render(
                    event=item.event,
                    channel=channel,
                    language=language,
                    context=context,
                    zone=zone_of(user.time_zone),
                    shared=shared,
                )
                rows.append(
                    _message(
                        item,
                        at=at,
                        channel=channel,
                        recipient=user,
                        address=address,
                        rendered=rendered,
                        payload=payload,
                        dedupe=f"{user.pk}:{channel}",
                    )
                )
        for robot in _robots_for(item, robots):
            rows.append(_robot_message(item, robot, book=book, base=base, payload=payload, at=at))
    return _insert(rows, full=full)


def _message(item, *, at, channel, recipient, address, rendered, payload, dedupe, robot=None):
    """One outbox row as field values (attnames): made a model only where one is needed."""
    return {
        "event": item.event,
        "channel": channel,
        "recipient_id": recipient.pk if recipient is not None else None,
        "robot_id": robot.pk if robot is not None else None,
        "address": address,
        "language": rendered.language,
        "subject": rendered.subject,
        "body": rendered.body,
        "payload": payload,
        "case_id": item.case.pk if item.case is not None else None,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": at,
        "last_error": "",
        "created_at": at,
        "sent_at": None,
        "dedupe_key": _dedupe_key(item.dedupe_key, dedupe),
    }


def _robot_message(item, robot, *, book, base, payload, at) -> dict:
    case = item.case
    zone = zone_of(case.organisation.time_zone if case is not None else None)
    rendered = book.render(
        event=item.event,
        channel=robot.kind,
        language=language_of(robot.language),
        context={**base, "recipient": {"name": robot.name, "username": ""}},
        zone=zone,
    )
    return _message(
        item,
        at=at,
        channel=robot.kind,
        recipient=None,
        address=robot.webhook_url,
        rendered=rendered,
        payload=payload,
        dedupe=f"robot{robot.pk}",
        robot=robot,
    )


def _base_context(item: Notification) -> dict:
    context = dict(item.context or {})
    case = item.case
    case_context = None
    if case is not None:
        case_context = {
            "number": case.number,
            "title": case.title,
            "severity": case.severity,
            # Lazy labels: told in each recipient's language when rendered.
            "severity_label": _label(Case, "severity", case.severity),
            "status": case.status,
            "status_label": _label(Case, "status", case.status),
            "organisation": case.organisation.name,
            "reported_at": case.reported_at,
            "url": case_url(case),
        }
    context.update(
        {
            "event": item.event,
            "case": case_context,
            "url": context.get("url") or (case_context["url"] if case_context else ""),
            "site_url": settings.SITE_URL,
        }
    )
    return context


def _label(model, field: str, value: str):
    return dict(model._meta.get_field(field).flatchoices).get(value, value)


def case_url(case: Case) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/cases/{case.number}/"


def _dedupe_key(key: str | None, suffix: str) -> str | None:
    if not key:
        return None
    if len(key) + len(suffix) + 1 > DEDUPE_KEY_MAX:
        key = hashlib.sha256(key.encode()).hexdigest()
    return f"{key}:{suffix}"


def default_channels(event: str) -> list[str]:
    if event in PRIVATE_EVENTS:
        return [Channel.EMAIL]
    if event in SMS_EVENTS:
        return [*DEFAULT_CHANNELS, Channel.SMS]
    return list(DEFAULT_CHANNELS)


def _preferences(user_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = {}
    for chunk in _chunks(user_ids, _in_size()):
        rows = NotificationPreference.objects.filter(user_id__in=chunk).values_list(
            "user_id", "event", "channels"
        )
        for user_id, event, chosen in rows:
            found.setdefault(user_id, {})[event] = chosen if isinstance(chosen, list) else []
    return found


def channels_for(user_id: int, event: str, preferences: dict) -> list[str]:
    """The most specific preference wins: this event's, then every event's, then the
    defaults. A password reset goes by email whatever the preferences: the person cannot
    sign in to read it anywhere else."""
    if event in PRIVATE_EVENTS:
        return default_channels(event)
    mine = preferences.get(user_id, {})
    chosen = mine.get(event, mine.get(ALL_EVENTS, default_channels(event)))
    return [channel for channel in PERSONAL_CHANNELS if channel in chosen]


def _address(user: User, channel: str) -> str | None:
    if channel == Channel.EMAIL:
        return user.email or None
    if channel == Channel.SMS:
        return user.phone or None
    return ""


def _robots_for(item: Notification, robots: list[ChatRobot]) -> Iterator[ChatRobot]:
    if item.event in PRIVATE_EVENTS or item.event in PERSONAL_LINK_EVENTS:
        return
    case = item.case
    for robot in robots:
        if robot.events and item.event not in robot.events:
            continue
        if robot.organisation_id and (
            case is None or case.organisation_id != robot.organisation_id
        ):
            continue
        if robot.team_id and (case is None or case.team_id != robot.team_id):
            continue
        yield robot


def _load_organisations(cases: list[Case]) -> None:
    """Fetch the organisations of cases passed without them in one query, not one per case."""
    descriptor = Case.organisation
    missing = {case.organisation_id for case in cases if not descriptor.is_cached(case)}
    if not missing:
        return
    organisations = Organisation.objects.only("id", "name", "time_zone").in_bulk(missing)
    for case in cases:
        if not descriptor.is_cached(case):
            descriptor.field.set_cached_value(case, organisations[case.organisation_id])


def _insert(rows: list[dict], *, full: bool = True) -> list:
    """Insert the rows; those with a dedupe key only if no row has it yet. Returns the rows
    written, or only their ids (`full=False`: the sweep's tens of thousands are not read
    back, and on PostgreSQL they go in through COPY)."""
    if not rows:
        return []
    if not full and connection.vendor == "postgresql":
        return _insert_copy(rows)
    messages = [OutboxMessage(**row) for row in rows]
    plain_rows = [row for row in messages if row.dedupe_key is None]
    keyed: dict[str, OutboxMessage] = {}
    for row in messages:
        if row.dedupe_key is not None:
            keyed.setdefault(row.dedupe_key, row)
    written = OutboxMessage.objects.bulk_create(plain_rows) if plain_rows else []
    if keyed:
        for chunk in _chunks(list(keyed), _in_size()):
            existing = OutboxMessage.objects.filter(dedupe_key__in=chunk).values_list(
                "dedupe_key", flat=True
            )
            for key in existing:
                del keyed[key]
    if keyed:
        OutboxMessage.objects.bulk_create(list(keyed.values()), ignore_conflicts=True)
        # ON CONFLICT DO NOTHING returns no ids: read back the rows written.
        for chunk in _chunks(list(keyed), _in_size()):
            found = OutboxMessage.objects.filter(dedupe_key__in=chunk)
            written.extend(found if full else found.values_list("pk", flat=True))
    if not full:
        return [row if isinstance(row, int) else row.pk for row in written]
    return written


_COPY_FIELDS = [
    f for f in OutboxMessage._meta.concrete_fields if not f.primary_key and f.attname != "id"
]


def _insert_copy(rows: list[dict]) -> list[int]:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT … SELECT … ON
    CONFLICT DO NOTHING RETURNING id — no model instances, no per-value parameters, and a
    key already written (a sweep run twice, a concurrent writer) is skipped by the
    database."""
    table = OutboxMessage._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _COPY_FIELDS)
    payload = OutboxMessage._meta.get_field("payload")
    seen: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            # Identifiers from the model's _meta, no user input.
            f"CREATE TEMPORARY TABLE IF NOT EXISTS outbox_load ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY outbox_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                key = row["dedupe_key"]
                if key is not None:
                    if key in seen:
                        continue
                    seen.add(key)
                copy.write_row(
                    [
                        json.dumps(row["payload"], cls=payload.encoder)
                        if f.attname == "payload"
                        else row[f.attname]
                        for f in _COPY_FIELDS
                    ]
                )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM outbox_load "  # noqa: S608
            "ON CONFLICT DO NOTHING RETURNING id"
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("TRUNCATE outbox_load")
    return ids


def _in_size() -> int:
    """Values per IN (…): SQLite's real limit on parameters (32766 since 3.32; Django assumes
    the old 999), PostgreSQL's 65535, with room for the query's other parameters."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except AttributeError:  # Python < 3.11
            limit = 999
        return max(limit - 99, 500)
    return 10_000


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def enqueue_delivery(ids: list[int], chunk_size: int = TASK_CHUNK) -> None:
    """Ask the worker to deliver these messages now rather than at the next minute's sweep.
    Called after commit; if the queue is down, the sweep delivers them all the same."""
    from aftersales.notifications.tasks import deliver_messages

    for chunk in _chunks(list(ids), chunk_size):
        deliver_messages(chunk)


# --- delivering ---------------------------------------------------------------------------


def _move(queryset: QuerySet[OutboxMessage], to: str, **fields) -> int:
    """The outbox's one status writer."""
    return queryset.update(status=to, **fields)


def outbox_settle_history(*, at: dt.datetime) -> int:
    """Count the pending mail, SMS and robot messages as sent at `at`, leaving the in-app
    ones for the worker: for a history written after the fact (the demo data), whose messages
    went out when it happened."""
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    return _move(pending.exclude(channel=Channel.IN_APP), OutboxStatus.SENT, sent_at=at)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8… minutes, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_BACKOFF_CAP_MINUTES)
    return dt.timedelta(minutes=minutes)


def outbox_claim(*, limit: int = 50, ids: Iterable[int] | None = None) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this worker: pending ones whose time has come, and
    ones left "sending" by a worker that died (their lease ran out). Marks them sending and
    counts the try. On PostgreSQL, rows another worker is claiming are skipped
    (FOR UPDATE SKIP LOCKED); SQLite has one writer at a time anyway."""
    at = now()
    max_attempts = settings.NOTIFICATIONS_MAX_ATTEMPTS
    lease = dt.timedelta(minutes=settings.NOTIFICATIONS_SENDING_TIMEOUT_MINUTES)
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING], next_attempt_at__lte=at
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        due = due.select_related("robot").order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        claimed = list(due[:limit])
        spent = [m.pk for m in claimed if m.attempts >= max_attempts]
        if spent:
            _move(
                OutboxMessage.objects.filter(pk__in=spent),
                OutboxStatus.DEAD,
                last_error=_("The worker stopped while sending, and no tries are left."),
            )
        live = [m for m in claimed if m.attempts < max_attempts]
        if live:
            _move(
                OutboxMessage.objects.filter(pk__in=[m.pk for m in live]),
                OutboxStatus.SENDING,
                attempts=F("attempts") + 1,
                next_attempt_at=at + lease,
            )
            for message in live:
                message.attempts += 1
    return live


def outbox_deliver(
    *, ids: Iterable[int] | None = None, batch: int = 50, budget_seconds: float | None = None
) -> dict[str, int]:
    """Deliver due messages (only those of `ids`, if given) in batches until none is due or
    `budget_seconds` have passed. Must run outside a transaction: sending waits on servers.
    Returns the counts of messages sent, to retry, and dead."""
    ids = list(ids) if ids is not None else None
    counts = {"sent": 0, "retry": 0, "dead": 0}
    started = time.monotonic()
    while True:
        messages = outbox_claim(limit=batch, ids=ids)
        if not messages:
            break
        with channels.Session() as session:
            for message in messages:
                try:
                    session.send(message)
                except channels.PermanentError as exc:
                    counts[_record_failure(message, exc, permanent=True)] += 1
                except Exception as exc:
                    counts[_record_failure(message, exc)] += 1
                else:
                    _record_sent(message)
                    counts["sent"] += 1
        if budget_seconds is not None and time.monotonic() - started > budget_seconds:
            break
    return counts


def _claimed(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    # Only while this worker's claim holds: not after another took the row over.
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxStatus.SENDING, attempts=message.attempts
    )


def _record_sent(message: OutboxMessage) -> None:
    _move(_claimed(message), OutboxStatus.SENT, sent_at=now(), last_error="")


def _record_failure(message: OutboxMessage, exc: Exception, *, permanent: bool = False) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if permanent or message.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        logger.error(
            "Outbox message %s is dead after %s tries: %s", message.pk, message.attempts, error
        )
        _move(_claimed(message), OutboxStatus.DEAD, last_error=error)
        return "dead"
    logger.warning("Outbox message %s failed (try %s): %s", message.pk, message.attempts, error)
    _move(
        _claimed(message),
        OutboxStatus.PENDING,
        last_error=error,
        next_attempt_at=now() + backoff(message.attempts),
    )
    return "retry"


def outbox_retry(*, actor: User, ids: Iterable[int]) -> int:
    """Give dead and failed messages a fresh set of tries, now (an administrator's action).
    Returns how many were put back."""
    if not (actor.is_superuser or actor.has_perm("notifications.change_outboxmessage")):
        raise Forbidden(_("You may not retry notifications."), code="not_permitted")
    with transaction.atomic():
        retry = OutboxMessage.objects.filter(pk__in=list(ids)).filter(
            Q(status=OutboxStatus.DEAD) | Q(status=OutboxStatus.PENDING, attempts__gt=0)
        )
        chosen = list(retry.values_list("pk", flat=True))
        count = _move(
            OutboxMessage.objects.filter(pk__in=chosen),
            OutboxStatus.PENDING,
            attempts=0,
            next_attempt_at=now(),
        )
        if chosen:
            transaction.on_commit(partial(enqueue_delivery, chosen), robust=True)
    return count


def robot_send_test(*, robot: ChatRobot, actor: User) -> OutboxMessage:
    """Queue a test message to one robot, whatever events it subscribes to."""
    if not (actor.is_superuser or actor.has_perm("notifications.change_chatrobot")):
        raise Forbidden(_("You may not test chat robots."), code="not_permitted")
    item = Notification(
        event=Event.TEST,
        context={"message": _("Test message from %(name)s.") % {"name": str(actor)}},
    )
    with transaction.atomic():
        base = _base_context(item)
        message = OutboxMessage(
            **_robot_message(
                item,
                robot,
                book=TemplateBook.load([Event.TEST]),
                base=base,
                payload={"url": "", "context": as_json(item.context)},
                at=now(),
            )
        )
        message.save()
        transaction.on_commit(partial(enqueue_delivery, [message.pk]), robust=True)
    return message


# --- in the app -----------------------------------------------------------------------------


def inapp_mark_read(*, user: User, notification_id: int) -> InAppNotification:
    """Mark one of the user's own notifications read; anyone else's is not found."""
    with transaction.atomic():
        notification = (
            InAppNotification.objects.select_for_update()
            .filter(user_id=user.pk, pk=notification_id)
            .first()
        )
        if notification is None:
            raise NotFound(_("No such notification."))
        if notification.read_at is None:
            notification.read_at = now()
            notification.save(update_fields=["read_at"])
    return notification


def inapp_mark_all_read(*, user: User) -> int:
    return InAppNotification.objects.filter(user_id=user.pk, read_at=None).update(read_at=now())


# --- preferences ------------------------------------------------------------------------------


def preferences_set(*, user: User, preferences: list[dict]) -> list[NotificationPreference]:
    """Replace the user's channel preferences: [{"event": "*" or an event, "channels": [...]}]."""
    chosen: dict[str, list[str]] = {}
    for preference in preferences:
        event = preference.get("event")
        channels_ = preference.get("channels")
        if event != ALL_EVENTS and event not in Event.values:
            raise ValidationError(
                _("Unknown event “%(event)s”.") % {"event": event}, field="preferences"
            )
        if event in chosen:
            raise ValidationError(
                _("The event “%(event)s” is listed twice.") % {"event": event},
                field="preferences",
            )
        if not isinstance(channels_, list) or not all(c in PERSONAL_CHANNELS for c in channels_):
            raise ValidationError(_("Choose among in_app, email and sms."), field="preferences")
        chosen[event] = [c for c in PERSONAL_CHANNELS if c in channels_]
    with transaction.atomic():
        NotificationPreference.objects.filter(user_id=user.pk).delete()
        return NotificationPreference.objects.bulk_create(
            [
                NotificationPreference(user_id=user.pk, event=event, channels=chosen[event])
                for event in chosen
            ]
        )
