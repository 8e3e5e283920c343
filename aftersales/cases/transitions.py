"""The case workflow: every allowed move in one table, and the guards that read it.

A row says: this action, from this state, leads to that state (or leaves it as it is), and
these roles may take it. Rules that depend on the case itself (only the owner responds, only
an engineer who is not the owner takes over...) are in RULES. Services call `check`; templates
and the API call `allowed` to offer only what would succeed.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import CASE_WORKERS, DESK, ENGINEERS, MANAGERS, Role
from aftersales.cases.choices import OPEN, WAITING, Status
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, Forbidden, NotFound


class Action(models.TextChoices):
    ASSIGN = "assign", gettext_lazy("Assign")
    RESPOND = "respond", gettext_lazy("Respond")
    TAKEOVER = "takeover", gettext_lazy("Take over")
    TRANSFER = "transfer", gettext_lazy("Transfer to a team")
    ESCALATE = "escalate", gettext_lazy("Escalate to an expert")
    WAIT = "wait", gettext_lazy("Wait")
    RESUME = "resume", gettext_lazy("Resume")
    CONFIRM_CAUSE = "confirm-cause", gettext_lazy("Confirm the cause")
    SET_SEVERITY = "set-severity", gettext_lazy("Change severity")
    CALL = "call", gettext_lazy("Log a call or remote session")
    RESOLVE = "resolve", gettext_lazy("Resolve")
    CONFIRM = "confirm", gettext_lazy("Confirm the resolution")
    REJECT = "reject", gettext_lazy("Reject the resolution")
    CLOSE = "close", gettext_lazy("Close the case")
    REOPEN = "reopen", gettext_lazy("Reopen")
    CANCEL = "cancel", gettext_lazy("Cancel the case")
    NOTE = "note", gettext_lazy("Add a note")
    LINK_MASTER = "link-master", gettext_lazy("Link to a master incident")
    FOLLOW_UP = "follow-up", gettext_lazy("Open a follow-up case")
    # Taken by the system, never offered to a person.
    CLOSE_WITH_MASTER = "close-with-master", gettext_lazy("Close with the master incident")
    DEEM_CONFIRMED = "deem-confirmed", gettext_lazy("Deem the resolution confirmed")
    AUTO_REASSIGN = "auto-reassign", gettext_lazy("Reassign an unanswered case")
    ROUTE_TO_QUALITY = "route-to-quality", gettext_lazy("Hand customer feedback to quality")


SAME = None  # the action leaves the state as it is
BY_ARGUMENT = "by-argument"  # the service names the target (wait: on customer, vendor or parts)
SYSTEM: frozenset[str] = frozenset()  # no person may take it

WORKING = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, *WAITING})
ALL_STATES = frozenset(Status)
CUSTOMER = frozenset({Role.CUSTOMER})
CONFIRMERS = frozenset({Role.CUSTOMER, Role.DISPATCHER})
# The quality manager works the complaints handed to them (rules: only on cases they own).
COMPLAINT_HANDLERS = frozenset({Role.QUALITY_MANAGER})


@dataclass(frozen=True)
class Move:
    action: Action
    source: Status
    target: str | None
    roles: frozenset[str]


def _rows(action, sources, target, roles) -> list[Move]:
    return [Move(action, source, target, frozenset(roles)) for source in sources]


TABLE: list[Move] = [
    *_rows(Action.ASSIGN, OPEN, Status.ASSIGNED, DESK),
    *_rows(Action.RESPOND, {Status.ASSIGNED}, Status.IN_PROGRESS, ENGINEERS | COMPLAINT_HANDLERS),
    *_rows(
        Action.TAKEOVER,
        {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS},
        Status.IN_PROGRESS,
        ENGINEERS,
    ),
    *_rows(Action.TAKEOVER, WAITING, SAME, ENGINEERS),
    *_rows(Action.TRANSFER, OPEN, Status.ASSIGNED, CASE_WORKERS),
    *_rows(Action.ESCALATE, WORKING, SAME, CASE_WORKERS),
    *_rows(Action.WAIT, {Status.IN_PROGRESS, *WAITING}, BY_ARGUMENT, CASE_WORKERS),
    *_rows(Action.RESUME, WAITING, Status.IN_PROGRESS, CASE_WORKERS),
    *_rows(Action.CONFIRM_CAUSE, WORKING, SAME, ENGINEERS),
    *_rows(Action.SET_SEVERITY, OPEN | {Status.WAITING_MASTER}, SAME, CASE_WORKERS),
    *_rows(Action.CALL, OPEN | {Status.RESOLVED}, SAME, CASE_WORKERS | COMPLAINT_HANDLERS),
    *_rows(
        Action.RESOLVE,
        {Status.IN_PROGRESS, *WAITING},
        Status.RESOLVED,
        ENGINEERS | COMPLAINT_HANDLERS,
    ),
    *_rows(Action.CONFIRM, {Status.RESOLVED}, SAME, CONFIRMERS),
    *_rows(Action.REJECT, {Status.RESOLVED}, Status.IN_PROGRESS, CONFIRMERS),
    *_rows(Action.CLOSE, {Status.RESOLVED}, Status.CLOSED, MANAGERS),
    *_rows(Action.REOPEN, {Status.CLOSED}, Status.ASSIGNED, DESK),
    *_rows(Action.CANCEL, OPEN, Status.CANCELLED, DESK),
    *_rows(Action.NOTE, ALL_STATES, SAME, CASE_WORKERS | CUSTOMER | {Role.QUALITY_MANAGER}),
    *_rows(Action.LINK_MASTER, OPEN, Status.WAITING_MASTER, CASE_WORKERS),
    *_rows(Action.FOLLOW_UP, ALL_STATES, SAME, CASE_WORKERS | CUSTOMER),
    *_rows(Action.CLOSE_WITH_MASTER, {Status.WAITING_MASTER}, Status.CLOSED, SYSTEM),
    *_rows(Action.DEEM_CONFIRMED, {Status.RESOLVED}, SAME, SYSTEM),
    *_rows(Action.AUTO_REASSIGN, {Status.ASSIGNED}, SAME, SYSTEM),
    *_rows(Action.ROUTE_TO_QUALITY, {Status.NEW}, Status.ASSIGNED, SYSTEM),
]

MOVES: dict[tuple[str, str], Move] = {(m.action, m.source): m for m in TABLE}
assert len(MOVES) == len(TABLE), "one row per (action, source state)"


# Rules on the case itself. Each returns the reason to refuse, or None.
def _is_owner(case, user) -> bool:
    return case.assignee_id is not None and case.assignee_id == user.pk


def _respond_rule(case, user):
    if not _is_owner(case, user):
        return _("Only the case's owner responds; another engineer takes the case over.")
    return None


def _takeover_rule(case, user):
    if _is_owner(case, user):
        return _("You already own this case.")
    return None


def _resolve_rule(case, user):
    if not (_is_owner(case, user) or case.expert_id == user.pk):
        return _("Only the case's owner or its expert resolves it.")
    return None


def _confirm_rule(case, user):
    if case.confirmed_at is not None:
        return _("The resolution is already confirmed.")
    return None


def _close_rule(case, user):
    # Past the deadline, closing deems the resolution confirmed first (case_close), even
    # before the worker's minute sweep has.
    if case.confirmed_at is None and not (
        case.confirm_deadline is not None and case.confirm_deadline <= now()
    ):
        return _(
            "The customer has not confirmed the resolution yet; it counts as confirmed "
            "3 working days after resolving."
        )
    return None


RULES: dict[str, Callable] = {
    Action.RESPOND: _respond_rule,
    Action.TAKEOVER: _takeover_rule,
    Action.RESOLVE: _resolve_rule,
    Action.CONFIRM: _confirm_rule,
    Action.CLOSE: _close_rule,
}


def check(action: str, case, user) -> Move:
    """The move `user` would make by taking `action` on `case` now, or the refusal."""
    if user is not None and user.is_customer and user.organisation_id != case.organisation_id:
        raise NotFound(_("No such case."))
    move = MOVES.get((action, case.status))
    if move is None:
        raise Conflict(
            _("“%(action)s” is not allowed while the case is %(status)s.")
            % {"action": Action(action).label, "status": Status(case.status).label},
            code="invalid_transition",
        )
    if user is not None:  # None: the system acting on its own rules
        if not (user.roles & move.roles):
            raise Forbidden(
                _("You may not “%(action)s”.") % {"action": Action(action).label},
                code="not_permitted",
            )
        rule = RULES.get(action)
        reason = rule(case, user) if rule else None
        if reason:
            raise Conflict(reason, code="not_permitted_now")
    elif move.roles:
        raise Forbidden(_("This action needs a person."), code="not_permitted")
    return move


def allowed(action: str, case, user) -> bool:
    try:
        check(action, case, user)
    except (Conflict, Forbidden):
        return False
    return True


def allowed_actions(case, user) -> list[str]:
    return [a.value for a in Action if (a.value, case.status) in MOVES and allowed(a, case, user)]
