"""Writes to cases. Every change goes through `_transition` (or `_change`, for changes that
leave the state alone): lock the case, check the move against the workflow table, change,
append the timeline entry, save, and write who must learn about it to the notifications
outbox, all in one transaction."""

import hashlib
from collections.abc import Callable, Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import CASE_WORKERS, ENGINEERS, Role
from aftersales.cases import transitions
from aftersales.cases.choices import (
    FINISHED,
    WAITING_STATUS,
    CallKind,
    CaseType,
    Cause,
    Channel,
    Confirmation,
    EntryKind,
    Severity,
    Status,
    Visibility,
    WaitingOn,
)
from aftersales.cases.models import Attachment, Case, Consultation, TimelineContent, TimelineEntry
from aftersales.cases.numbering import next_case_number
from aftersales.cases.timeline import timeline_append, timeline_build, timeline_save
from aftersales.cases.transitions import BY_ARGUMENT, SAME, Action
from aftersales.core.clock import local_iso, now
from aftersales.core.errors import Conflict, Forbidden, NotFound, ValidationError
from aftersales.core.workdays import add_working_days
from aftersales.customers.models import (
    Asset,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
    Vendor,
)
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify
from aftersales.search import services as search
from aftersales.sla import services as sla

CONFIRMATION_WORKING_DAYS = 3


# --- the one write path ---------------------------------------------------------------


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _transition(
    *,
    case: Case,
    action: Action,
    actor: User | None,
    kind: EntryKind,
    to: Status | None = None,
    change: Callable[[Case], dict | None] | None = None,
    body: str = "",
    data: dict | None = None,
    visibility: Visibility = Visibility.PUBLIC,
    locked: bool = False,
    after: Callable[[Case], object] | None = None,
) -> Case:
    """Apply one move of the workflow to `case`: lock, check, change, write the timeline entry.
    `change` mutates the locked case and may return more data for the entry; `after` runs on
    the saved case in the same transaction (to notify people)."""
    with transaction.atomic():
        current = case if locked else _lock(case)
        move = transitions.check(action, current, actor)
        target = move.target
        if target == BY_ARGUMENT:
            if to is None:
                raise ValidationError(_("The target state is missing."))
            target = to
        at = now()
        previous = current.status
        extra = change(current) if change else None
        entry_data = dict(data or {})
        if extra:
            entry_data.update(extra)
        if target is not SAME and target != current.status:
            entry_data.update({"from": current.status, "to": target})
            current.status = target
        entry_data.update(
            sla.on_transition(case=current, action=action, at=at, previous=previous, actor=actor)
        )
        current.last_entry = timeline_append(
            case=current,
            kind=kind,
            actor=actor,
            at=at,
            body=body,
            data=entry_data,
            visibility=visibility,
        )
        current.save()
        if after is not None:
            after(current)
        return current


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def _person(key: str, user: User | None) -> dict:
    """A person in timeline data: the username, and the name as it read that day."""
    if user is None:
        return {key: None}
    return {key: user.username, f"{key}_name": str(user)}


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field=field)
    return value


def _reporters(case: Case) -> list[User]:
    """The customer who reported the case, if they have an account: the user of the case's
    contact, else the customer contact who opened it."""
    contact_user = (
        User.objects.filter(
            contact_id=case.contact_id, organisation_id=case.organisation_id
        ).first()
        if case.contact_id
        else None
    )
    if contact_user is not None:
        return [contact_user]
    creator = case.created_by
    if creator is not None and creator.organisation_id == case.organisation_id:
        return [creator]
    return []


def _owner(case: Case) -> list[User]:
    return [case.assignee] if case.assignee_id else []


def _require_engineer(user: User, field: str) -> None:
    if not user.is_active or user.is_customer or not (user.roles & ENGINEERS):
        raise ValidationError(
            _("%(user)s is not an active engineer.") % {"user": user.username}, field=field
        )


# --- creating cases -------------------------------------------------------------------


def _belongs(obj, organisation: Organisation, field: str) -> None:
    if obj is not None and obj.organisation_id != organisation.pk:
        raise ValidationError(
            _("This %(what)s belongs to another organisation.") % {"what": obj._meta.verbose_name},
            field=field,
        )


def case_create(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    severity: str,
    channel: str,
    description: str = "",
    reported_at=None,
    assets: Iterable[Asset] = (),
    case_type: str = CaseType.FAULT,
    category: str = "",
    vendor: Vendor | None = None,
    site: Site | None = None,
    project: Project | None = None,
    contract: ServiceContract | None = None,
    contact: Contact | None = None,
    caller_name: str = "",
    caller_phone: str = "",
    caller_email: str = "",
    caller_organisation: str = "",
    follow_up_of: Case | None = None,
    entry_data: dict | None = None,
) -> Case:
    """Open a case. Staff open cases for any organisation, a customer contact for its own."""
    if actor.is_customer:
        if actor.organisation_id != organisation.pk:
            raise ValidationError(_("Unknown organisation."), field="organisation")
    elif not (actor.roles & (CASE_WORKERS | {Role.QUALITY_MANAGER})):
        raise Forbidden(_("You may not open cases."), code="not_permitted")
    if organisation.is_archived:
        raise ValidationError(_("This organisation is archived."), field="organisation")
    if severity not in Severity.values:
        raise ValidationError(
            _("Unknown severity “%(value)s”: use P1, P2, P3 or P4.") % {"value": severity},
            field="severity",
        )
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."), field="channel")
    if case_type not in CaseType.values:
        raise ValidationError(_("Unknown case type."), field="case_type")
    title = _require_text(title, "title", _("A case needs a title."))
    created_at = now()
    reported_at = reported_at or created_at
    if reported_at > created_at:
        raise ValidationError(_("The report time cannot be in the future."), field="reported_at")
    assets = list(assets)
    for asset in assets:
        _belongs(asset, organisation, "assets")
    for obj, field in ((site, "site"), (project, "project"), (contract, "contract")):
        _belongs(obj, organisation, field)
    _belongs(contact, organisation, "contact")

    first = assets[0] if assets else None
    if first is not None:
        vendor = vendor or first.vendor
        category = category or first.model.category
        site = site or first.site
        project = project or first.project
        contract = contract or first.contract
    if contract is None:
        contract = (
            ServiceContract.objects.filter(
                organisation=organisation,
                start_date__lte=created_at.date(),
                end_date__gte=created_at.date(),
            )
            .order_by("-start_date")
            .first()
        )
    if contact is None and actor.is_customer:
        contact = actor.contact
    if contact is not None:
        caller_name = caller_name or contact.name
        caller_phone = caller_phone or contact.mobile or contact.phone
        caller_email = caller_email or contact.email
    elif actor.is_customer:
        caller_name = caller_name or str(actor)
        caller_phone = caller_phone or actor.phone
        caller_email = caller_email or actor.email

    with transaction.atomic():
        case = Case(
            number=next_case_number(created_at=created_at),
            organisation=organisation,
            contract=contract,
            site=site,
            project=project,
            contact=contact,
            caller_name=caller_name,
            caller_phone=caller_phone,
            caller_email=caller_email,
            caller_organisation=caller_organisation or organisation.name,
            channel=channel,
            title=title,
            description=description,
            case_type=case_type,
            category=category,
            vendor=vendor,
            severity=severity,
            reported_at=reported_at,
            created_at=created_at,
            updated_at=created_at,
            created_by=actor,
            follow_up_of=follow_up_of,
        )
        data = {
            "title": title,
            "severity": severity,
            "channel": channel,
            "case_type": case_type,
            "reported_at": local_iso(reported_at),
            "assets": [a.serial_number for a in assets],
            **(entry_data or {}),
        }
        if follow_up_of is not None:
            data["follow_up_of"] = follow_up_of.number
        clock_plan = sla.clocks_plan(case=case, assets=assets)
        data.update(clock_plan.entry_data)
        # The first entry's hash needs no id: the case row is written once, complete.
        entry, content = timeline_build(
            case=case,
            kind=EntryKind.CREATED,
            actor=actor,
            at=created_at,
            body=description,
            data=data,
            visibility=Visibility.PUBLIC,
        )
        case.save(force_insert=True)
        timeline_save(case=case, entry=entry, content=content)
        clock_plan.save(case)
        if assets:
            case.assets.add(*assets)
        search.case_reindex(case_id=case.pk)
    return case


# --- assignment and ownership ---------------------------------------------------------


def case_assign(*, case: Case, assignee: User, actor: User, team: Team | None = None) -> Case:
    """Assign or reassign (dispatcher). The new owner must respond."""
    _require_engineer(assignee, "assignee")
    if team is not None and not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            _("%(user)s is not a member of %(team)s.") % {"user": assignee.username, "team": team},
            field="assignee",
        )

    def change(c: Case) -> dict:
        previous = c.assignee
        c.assignee = assignee
        c.assigned_at = now()
        if team is not None:
            c.team = team
        elif c.team_id is None:
            c.team = assignee.teams.filter(is_active=True).first()
        return {
            **_person("assignee", assignee),
            "previous": _username(previous),
            "team": c.team.code if c.team else None,
            "team_name": c.team.name if c.team else None,
        }

    with transaction.atomic():
        current = _lock(case)
        previous = current.assignee if current.assignee_id not in (None, assignee.pk) else None
        current = _transition(
            case=current,
            action=Action.ASSIGN,
            actor=actor,
            kind=EntryKind.ASSIGNED,
            change=change,
            locked=True,
        )
        ctx = {"actor": actor, "assignee": assignee}
        notify(event=Event.ASSIGNED, recipients=[assignee], case=current, context=ctx)
        if previous is not None:
            notify(event=Event.REASSIGNED, recipients=[previous], case=current, context=ctx)
    return current


def case_auto_reassign(*, case: Case, assignee: User) -> Case:
    """The system reassigns a case its owner did not answer (where the policy says so)."""
    _require_engineer(assignee, "assignee")

    def change(c: Case) -> dict:
        previous = c.assignee
        c.assignee, c.assigned_at = assignee, now()
        return {**_person("assignee", assignee), "previous": _username(previous), "auto": True}

    return _transition(
        case=case, action=Action.AUTO_REASSIGN, actor=None, kind=EntryKind.ASSIGNED, change=change
    )


def case_respond(*, case: Case, actor: User, note: str = "") -> Case:
    """The owner contacts the customer: stops the response clock."""

    def change(c: Case) -> None:
        c.responded_at = c.responded_at or now()

    return _transition(
        case=case,
        action=Action.RESPOND,
        actor=actor,
        kind=EntryKind.RESPONDED,
        change=change,
        body=note,
    )


def case_takeover(*, case: Case, actor: User, reason: str = "") -> Case:
    """Any engineer may take over a case (任何工程师均可以接管Case)."""

    def change(c: Case) -> dict:
        previous = c.assignee
        c.assignee = actor
        c.assigned_at = now()
        c.responded_at = c.responded_at or now()
        return {**_person("assignee", actor), "previous": _username(previous)}

    return _transition(
        case=case,
        action=Action.TAKEOVER,
        actor=actor,
        kind=EntryKind.TAKEN_OVER,
        change=change,
        body=reason,
    )


def case_transfer(*, case: Case, team: Team, assignee: User, actor: User, reason: str) -> Case:
    """Move the case to another team and a named owner there: never to nobody."""
    reason = _require_text(reason, "reason", _("Say why the case is transferred."))
    _require_engineer(assignee, "assignee")
    if not team.is_active:
        raise ValidationError(_("This team is not active."), field="team")
    if not team.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            _("%(user)s is not a member of %(team)s.") % {"user": assignee.username, "team": team},
            field="assignee",
        )

    def change(c: Case) -> dict:
        previous_team, previous = c.team, c.assignee
        c.team, c.assignee, c.assigned_at = team, assignee, now()
        return {
            "team": team.code,
            "team_name": team.name,
            "previous_team": previous_team.code if previous_team else None,
            **_person("assignee", assignee),
            "previous": _username(previous),
        }

    ctx = {"actor": actor, "assignee": assignee, "team": team, "reason": reason}
    return _transition(
        case=case,
        action=Action.TRANSFER,
        actor=actor,
        kind=EntryKind.TRANSFERRED,
        change=change,
        body=reason,
        after=lambda c: notify(event=Event.TRANSFERRED, recipients=[assignee], case=c, context=ctx),
    )


def case_escalate(*, case: Case, expert: User, actor: User, reason: str) -> Case:
    """Bring in a second-tier expert; the owner stays."""
    reason = _require_text(reason, "reason", _("Say what the expert is asked."))
    if not expert.is_active or not expert.has_role(Role.EXPERT):
        raise ValidationError(
            _("%(user)s is not an expert.") % {"user": expert.username}, field="expert"
        )

    def change(c: Case) -> dict:
        previous = c.expert
        c.expert = expert
        return {**_person("expert", expert), "previous": _username(previous)}

    ctx = {"actor": actor, "expert": expert, "reason": reason}
    return _transition(
        case=case,
        action=Action.ESCALATE,
        actor=actor,
        kind=EntryKind.EXPERT,
        change=change,
        body=reason,
        visibility=Visibility.INTERNAL,
        after=lambda c: notify(event=Event.EXPERT, recipients=[expert], case=c, context=ctx),
    )


# --- progress -------------------------------------------------------------------------


def case_wait(*, case: Case, on: str, actor: User, reason: str) -> Case:
    if on not in WaitingOn.values:
        raise ValidationError(_("Wait on the customer, a vendor or parts."), field="on")
    reason = _require_text(reason, "reason", _("Say what the case is waiting for."))
    return _transition(
        case=case,
        action=Action.WAIT,
        actor=actor,
        kind=EntryKind.WAITING,
        to=WAITING_STATUS[WaitingOn(on)],
        data={"on": on},
        body=reason,
    )


def case_resume(*, case: Case, actor: User, note: str = "") -> Case:
    return _transition(
        case=case, action=Action.RESUME, actor=actor, kind=EntryKind.RESUMED, body=note
    )


def case_confirm_cause(*, case: Case, cause: str, diagnosis: str, actor: User) -> Case:
    """确诊: the cause is known. Stops the escalation ladder."""
    if cause not in Cause.values:
        raise ValidationError(_("Unknown cause."), field="cause")
    diagnosis = _require_text(diagnosis, "diagnosis", _("Describe the diagnosis."))

    def change(c: Case) -> dict:
        c.cause, c.diagnosis = cause, diagnosis
        c.cause_confirmed_at = c.cause_confirmed_at or now()
        return {"cause": cause}

    return _transition(
        case=case,
        action=Action.CONFIRM_CAUSE,
        actor=actor,
        kind=EntryKind.CAUSE_CONFIRMED,
        change=change,
        body=diagnosis,
    )


def case_set_severity(*, case: Case, severity: str, reason: str, actor: User) -> Case:
    if severity not in Severity.values:
        raise ValidationError(
            _("Unknown severity “%(value)s”: use P1, P2, P3 or P4.") % {"value": severity},
            field="severity",
        )
    reason = _require_text(reason, "reason", _("Say why the severity changes."))
    if case.severity == severity:
        return case

    def change(c: Case) -> dict:
        previous, c.severity = c.severity, severity
        return {"severity": severity, "previous": previous}

    return _transition(
        case=case,
        action=Action.SET_SEVERITY,
        actor=actor,
        kind=EntryKind.SEVERITY,
        change=change,
        body=reason,
    )


def case_log_call(
    *,
    case: Case,
    actor: User,
    kind: str,
    summary: str,
    minutes: int | None = None,
    consent: bool = False,
    visibility: str = Visibility.PUBLIC,
) -> Case:
    """Record a phone call, email or remote session (A1/A2 of the ways of handling)."""
    if kind not in CallKind.values:
        raise ValidationError(_("Unknown call kind."), field="kind")
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), field="visibility")
    summary = _require_text(summary, "summary", _("Summarise the call."))
    if kind == CallKind.REMOTE and not consent:
        raise ValidationError(_("A remote session needs the customer's consent."), field="consent")
    if minutes is not None and minutes < 0:
        raise ValidationError(_("Minutes cannot be negative."), field="minutes")
    return _transition(
        case=case,
        action=Action.CALL,
        actor=actor,
        kind=EntryKind.REMOTE_SESSION if kind == CallKind.REMOTE else EntryKind.CALL,
        data={"kind": kind, "minutes": minutes, "consent": consent},
        body=summary,
        visibility=Visibility(visibility),
    )


def case_resolve(*, case: Case, cause: str, solution: str, actor: User) -> Case:
    """The engineer marks the fault fixed; the customer confirms, a manager closes."""
    if cause not in Cause.values:
        raise ValidationError(_("Name the cause of the fault."), field="cause")
    solution = _require_text(solution, "solution", _("Describe the solution."))

    def change(c: Case) -> dict:
        at = now()
        c.cause, c.solution = cause, solution
        c.cause_confirmed_at = c.cause_confirmed_at or at
        c.resolved_at, c.resolved_by = at, actor
        c.confirm_deadline = add_working_days(at, CONFIRMATION_WORKING_DAYS)
        c.confirmed_at, c.confirmation = None, ""
        return {"cause": cause, "confirm_deadline": local_iso(c.confirm_deadline)}

    def tell(c: Case) -> None:
        ctx = {"actor": actor, "solution": solution, "confirm_deadline": c.confirm_deadline}
        notify(event=Event.RESOLVED, recipients=_reporters(c), case=c, context=ctx)

    return _transition(
        case=case,
        action=Action.RESOLVE,
        actor=actor,
        kind=EntryKind.RESOLVED,
        change=change,
        body=solution,
        after=tell,
    )


def case_confirm(*, case: Case, actor: User, note: str = "") -> Case:
    """The customer confirms the fix, or the service desk does on a phone customer's behalf."""
    on_behalf = not actor.is_customer

    def change(c: Case) -> dict:
        c.confirmed_at = now()
        c.confirmation = Confirmation.ON_BEHALF if on_behalf else Confirmation.CUSTOMER
        return {"confirmation": c.confirmation, "on_behalf": on_behalf}

    return _transition(
        case=case,
        action=Action.CONFIRM,
        actor=actor,
        kind=EntryKind.CONFIRMED,
        change=change,
        body=note,
    )


def case_reject(*, case: Case, actor: User, reason: str) -> Case:
    reason = _require_text(reason, "reason", _("Say what is still wrong."))
    on_behalf = not actor.is_customer

    def change(c: Case) -> dict:
        c.resolved_at = c.resolved_by = c.confirm_deadline = None
        return {"on_behalf": on_behalf}

    ctx = {"actor": actor, "reason": reason}
    return _transition(
        case=case,
        action=Action.REJECT,
        actor=actor,
        kind=EntryKind.REJECTED,
        change=change,
        body=reason,
        after=lambda c: notify(event=Event.REJECTED, recipients=_owner(c), case=c, context=ctx),
    )


def _deem_confirmed(case: Case) -> Case:
    def change(c: Case) -> dict:
        c.confirmed_at = c.confirm_deadline
        c.confirmation = Confirmation.TIMEOUT
        return {"confirmation": Confirmation.TIMEOUT, "deadline": local_iso(c.confirm_deadline)}

    return _transition(
        case=case,
        action=Action.DEEM_CONFIRMED,
        actor=None,
        kind=EntryKind.CONFIRMED,
        change=change,
        locked=True,
    )


def case_close(*, case: Case, actor: User, note: str = "") -> Case:
    """Only a manager closes (002: the engineer on the case may not). Duplicates linked to this
    case close with it."""
    with transaction.atomic():
        current = _lock(case)
        if (
            actor.is_manager
            and current.status == Status.RESOLVED
            and current.confirmed_at is None
            and current.confirm_deadline is not None
            and current.confirm_deadline <= now()
        ):
            current = _deem_confirmed(current)

        def change(c: Case) -> dict:
            c.closed_at, c.closed_by = now(), actor
            return {}

        current = _transition(
            case=current,
            action=Action.CLOSE,
            actor=actor,
            kind=EntryKind.CLOSED,
            change=change,
            body=note,
            locked=True,
        )
        notify(event=Event.CLOSED, recipients=_reporters(current), case=current)
        current = _after_close(current)
        duplicates = Case.objects.select_for_update().filter(
            master=current, status=Status.WAITING_MASTER
        )
        for duplicate in duplicates.order_by("pk"):

            def close_duplicate(c: Case) -> dict:
                c.closed_at, c.closed_by = now(), actor
                return {"master": current.number}

            closed = _transition(
                case=duplicate,
                action=Action.CLOSE_WITH_MASTER,
                actor=None,
                kind=EntryKind.CLOSED,
                change=close_duplicate,
                locked=True,
                visibility=_between(duplicate, current),
                after=lambda c: notify(event=Event.CLOSED, recipients=_reporters(c), case=c),
            )
            _after_close(closed)
        return current


def _after_close(case: Case) -> Case:
    """What a closing sets off, in its transaction with the case locked: the customer's
    satisfaction survey and the revisit call (feedback builds on cases, hence the import)."""
    from aftersales.feedback.services import feedback_on_close

    return feedback_on_close(case=case)


def case_deem_confirmed_due(*, limit: int = 500) -> int:
    """Resolutions left unconfirmed past their deadline count as confirmed. For the worker."""
    count = 0
    due = Case.objects.filter(
        status=Status.RESOLVED, confirmed_at__isnull=True, confirm_deadline__lte=now()
    ).values_list("pk", flat=True)[:limit]
    for pk in due:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.status == Status.RESOLVED and case.confirmed_at is None:
                _deem_confirmed(case)
                count += 1
    return count


def case_reopen(*, case: Case, actor: User, reason: str) -> Case:
    reason = _require_text(reason, "reason", _("Say why the case is reopened."))

    def change(c: Case) -> dict:
        c.closed_at = c.closed_by = None
        c.resolved_at = c.resolved_by = c.confirm_deadline = c.confirmed_at = None
        c.confirmation = ""
        c.assigned_at = now()
        return {"assignee": _username(c.assignee)}

    ctx = {"actor": actor, "reason": reason}
    return _transition(
        case=case,
        action=Action.REOPEN,
        actor=actor,
        kind=EntryKind.REOPENED,
        change=change,
        body=reason,
        after=lambda c: notify(event=Event.REOPENED, recipients=_owner(c), case=c, context=ctx),
    )


def case_cancel(*, case: Case, actor: User, reason: str) -> Case:
    """For a case opened in error."""
    reason = _require_text(reason, "reason", _("Say why the case is cancelled."))

    def change(c: Case) -> None:
        if c.duplicates.filter(status=Status.WAITING_MASTER).exists():
            raise Conflict(
                _("Duplicates wait on this case; link them elsewhere first."),
                code="has_duplicates",
            )

    return _transition(
        case=case,
        action=Action.CANCEL,
        actor=actor,
        kind=EntryKind.CANCELLED,
        change=change,
        body=reason,
    )


# --- notes, calls, files --------------------------------------------------------------


def _note_visibility(actor: User, visibility: str) -> Visibility:
    if visibility not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), field="visibility")
    if actor.is_customer and visibility != Visibility.PUBLIC:
        raise ValidationError(
            _("Customers add notes visible to both sides only."), field="visibility"
        )
    return Visibility(visibility)


def case_note(*, case: Case, actor: User, body: str, visibility: str) -> Case:
    body = _require_text(body, "body", _("The note is empty."))
    return _transition(
        case=case,
        action=Action.NOTE,
        actor=actor,
        kind=EntryKind.NOTE,
        body=body,
        visibility=_note_visibility(actor, visibility),
    )


def case_attach(
    *, case: Case, actor: User, upload: UploadedFile, visibility: str, note: str = ""
) -> Attachment:
    """Attach a file to the case, as a timeline entry. Size and type are checked first."""
    visibility = _note_visibility(actor, visibility)
    # Windows drops trailing dots and spaces: "setup.exe." would be saved as setup.exe.
    name = PurePath(upload.name or "file").name.rstrip(". ")[:200].rstrip(". ") or "file"
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in settings.ATTACHMENT_FORBIDDEN_EXTENSIONS:
        raise ValidationError(
            _("Files of type .%(ext)s are not accepted.") % {"ext": extension}, field="file"
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than the limit of %(limit)s.")
            % {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
            field="file",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    content_type = upload.content_type or "application/octet-stream"
    with transaction.atomic():
        current = _transition(
            case=case,
            action=Action.NOTE,
            actor=actor,
            kind=EntryKind.ATTACHMENT,
            data={
                "name": name,
                "size": upload.size,
                "sha256": sha256,
                "content_type": content_type,
            },
            body=note,
            visibility=visibility,
        )
        entry = current.last_entry
        attachment = Attachment(
            case=current,
            entry=entry,
            name=name,
            content_type=content_type,
            size=upload.size,
            sha256=sha256,
            visibility=visibility,
            uploaded_by=actor,
            created_at=entry.created_at,
        )
        upload.seek(0)
        attachment.file.save(name, upload, save=False)
        attachment.save()
    return attachment


def entry_redact(*, entry: TimelineEntry, actor: User, reason: str) -> TimelineEntry:
    """Remove what an entry says (a pasted password, personal data), keeping its digest so the
    chain still verifies; the redaction itself is a new entry with its reason."""
    if not actor.has_role(Role.ADMINISTRATOR):
        raise Forbidden(_("Only an administrator redacts."), code="not_permitted")
    reason = _require_text(reason, "reason", _("Say why the entry is redacted."))
    if entry.kind == EntryKind.REDACTION:
        raise Conflict(_("A redaction cannot be redacted."))
    with transaction.atomic():
        case = _lock(entry.case)
        deleted, _rows = TimelineContent.objects.filter(entry_id=entry.pk).delete()
        if not deleted:
            raise Conflict(_("This entry is already redacted."))
        attachment = Attachment.objects.filter(entry_id=entry.pk).first()
        if attachment is not None and attachment.file:
            attachment.file.delete(save=False)
            attachment.save(update_fields=["file"])
        redaction = timeline_append(
            case=case,
            kind=EntryKind.REDACTION,
            actor=actor,
            at=now(),
            body=reason,
            data={"entry": entry.pk, "seq": entry.seq},
            visibility=Visibility.INTERNAL,
        )
        case.save()
    return redaction


# --- links between cases --------------------------------------------------------------


def _between(case: Case, other: Case) -> Visibility:
    """An entry naming another case is public only when both belong to one customer: a
    customer never learns another organisation's case numbers."""
    if case.organisation_id == other.organisation_id:
        return Visibility.PUBLIC
    return Visibility.INTERNAL


def case_link_master(*, case: Case, master: Case, actor: User) -> Case:
    """Mark a report as a duplicate of one platform-wide fault; it closes with the master."""
    if master.pk == case.pk:
        raise ValidationError(_("A case cannot be its own master."), field="master")
    with transaction.atomic():
        first, second = sorted([case, master], key=lambda c: c.pk)
        locked = {c.pk: _lock(c) for c in (first, second)}
        current, master_now = locked[case.pk], locked[master.pk]
        if master_now.status in FINISHED or master_now.status == Status.WAITING_MASTER:
            raise ValidationError(
                _("The master must be an open case that is not itself a duplicate."),
                field="master",
            )
        if current.duplicates.exists():
            raise Conflict(_("This case is the master of other reports."), code="is_master")

        def change(c: Case) -> dict:
            c.master = master_now
            return {"master": master_now.number}

        current = _transition(
            case=current,
            action=Action.LINK_MASTER,
            actor=actor,
            kind=EntryKind.LINKED_MASTER,
            visibility=_between(current, master_now),
            change=change,
            locked=True,
        )
        timeline_append(
            case=master_now,
            kind=EntryKind.DUPLICATE_ADDED,
            actor=actor,
            at=now(),
            data={"duplicate": current.number},
            visibility=Visibility.INTERNAL,
        )
        master_now.save()
        return current


def case_follow_up(
    *, case: Case, actor: User, title: str, description: str = "", severity: str | None = None
) -> Case:
    """Open a new case linked to this one (a leftover issue, a new fault after closing)."""
    transitions.check(Action.FOLLOW_UP, case, actor)
    with transaction.atomic():
        current = _lock(case)
        follow_up = case_create(
            actor=actor,
            organisation=current.organisation,
            title=title,
            description=description,
            severity=severity or current.severity,
            channel=Channel.PORTAL if actor.is_customer else current.channel,
            case_type=current.case_type,
            category=current.category,
            vendor=current.vendor,
            site=current.site,
            project=current.project,
            contract=current.contract,
            contact=current.contact,
            assets=current.assets.all(),
            follow_up_of=current,
        )
        _transition(
            case=current,
            action=Action.FOLLOW_UP,
            actor=actor,
            kind=EntryKind.FOLLOW_UP,
            data={"case": follow_up.number},
            locked=True,
        )
    return follow_up


# --- consultations --------------------------------------------------------------------


def consultation_record(
    *,
    actor: User,
    caller_name: str,
    question: str,
    answer: str = "",
    organisation: Organisation | None = None,
    contact: Contact | None = None,
    caller_phone: str = "",
    channel: str = Channel.PHONE,
    resolved: bool = True,
    satisfied: bool = True,
) -> Consultation:
    """咨询登记: a call answered on the spot is recorded all the same."""
    if not (actor.roles & CASE_WORKERS):
        raise Forbidden(_("You may not record consultations."), code="not_permitted")
    caller_name = _require_text(caller_name, "caller_name", _("Name the caller."))
    question = _require_text(question, "question", _("Write down the question."))
    if contact is not None and organisation is not None:
        _belongs(contact, organisation, "contact")
    return Consultation.objects.create(
        organisation=organisation or (contact.organisation if contact else None),
        contact=contact,
        caller_name=caller_name,
        caller_phone=caller_phone,
        channel=channel,
        question=question,
        answer=answer,
        resolved=resolved,
        satisfied=satisfied,
        answered_by=actor,
        created_at=now(),
    )


def consultation_to_case(
    *, consultation: Consultation, actor: User, severity: str, title: str = ""
) -> Case:
    """The caller was not helped on the call, or not satisfied: open a case from it."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.case_id is not None:
            raise Conflict(
                _("This consultation is already case %(number)s.") % {"number": locked.case.number}
            )
        if locked.organisation is None:
            raise ValidationError(
                _("Name the caller's organisation before opening a case."), field="organisation"
            )
        description = locked.question
        if locked.answer:
            description += "\n\n" + _("Answer given on the call:") + "\n" + locked.answer
        case = case_create(
            actor=actor,
            organisation=locked.organisation,
            title=title or locked.question[:80],
            description=description,
            severity=severity,
            channel=locked.channel,
            case_type=CaseType.CONSULTATION,
            contact=locked.contact,
            caller_name=locked.caller_name,
            caller_phone=locked.caller_phone,
            reported_at=locked.created_at,
            entry_data={"consultation": locked.pk},
        )
        locked.case = case
        locked.save(update_fields=["case"])
    return case


def case_require(*, number: str) -> Case:
    try:
        return Case.objects.get(number=number)
    except Case.DoesNotExist as exc:
        raise NotFound(_("No such case.")) from exc
