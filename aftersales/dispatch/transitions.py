"""The visit workflow: every allowed move in one table, and the guard that reads it.

    scheduled ──depart──▶ en route ──arrive──▶ on site ──finish──▶ done
        │  └────────────arrive─────────────────▲   (log, photo, sign while there)
        └─reschedule (same state)  cancel ◀── scheduled, en route

A row says which action, from which state, leads where, and who may take it: the visit's
engineer (ENGINEER) or the service desk (DESK: dispatchers, managers, administrators).
Services call `check`; pages and the API call `allowed` to offer only what would succeed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import DESK
from aftersales.core.errors import Conflict, Forbidden, NotFound
from aftersales.dispatch.choices import VisitStatus


class VisitAction(models.TextChoices):
    DEPART = "depart", gettext_lazy("Depart")
    ARRIVE = "arrive", gettext_lazy("Arrive on site")
    LOG = "log", gettext_lazy("Add to the work log")
    PHOTO = "photo", gettext_lazy("Add a photo")
    SIGN = "sign", gettext_lazy("Sign")
    FINISH = "finish", gettext_lazy("Finish the visit")
    RESCHEDULE = "reschedule", gettext_lazy("Reschedule")
    CANCEL = "cancel", gettext_lazy("Cancel the visit")


SAME = None
ENGINEER = "visit-engineer"  # the engineer the visit is for
DESK_ROLES = frozenset(DESK)

S = VisitStatus


@dataclass(frozen=True)
class Move:
    action: str
    source: str
    target: str | None
    who: str | frozenset[str]


def _rows(action, sources, target, who) -> list[Move]:
    return [Move(action, source, target, who) for source in sources]


TABLE: list[Move] = [
    *_rows(VisitAction.DEPART, {S.SCHEDULED}, S.EN_ROUTE, ENGINEER),
    *_rows(VisitAction.ARRIVE, {S.SCHEDULED, S.EN_ROUTE}, S.ON_SITE, ENGINEER),
    *_rows(VisitAction.LOG, {S.EN_ROUTE, S.ON_SITE}, SAME, ENGINEER),
    *_rows(VisitAction.PHOTO, {S.ON_SITE}, SAME, ENGINEER),
    *_rows(VisitAction.SIGN, {S.ON_SITE}, SAME, ENGINEER),
    *_rows(VisitAction.FINISH, {S.ON_SITE}, S.DONE, ENGINEER),
    *_rows(VisitAction.RESCHEDULE, {S.SCHEDULED}, SAME, DESK_ROLES),
    *_rows(VisitAction.CANCEL, {S.SCHEDULED, S.EN_ROUTE}, S.CANCELLED, DESK_ROLES),
]

MOVES: dict[tuple[str, str], Move] = {(m.action, m.source): m for m in TABLE}
assert len(MOVES) == len(TABLE), "one row per (action, source state)"


def check(action: str, visit, user) -> Move:
    """The move `user` would make by taking `action` on `visit` now, or the refusal."""
    if user.is_customer:
        raise NotFound(_("No such visit."))
    move = MOVES.get((action, visit.status))
    if move is None:
        raise Conflict(
            _("“%(action)s” is not possible while the visit is %(status)s.")
            % {"action": VisitAction(action).label, "status": VisitStatus(visit.status).label},
            code="invalid_transition",
        )
    if move.who == ENGINEER:
        if visit.engineer_id != user.pk:
            raise Forbidden(
                _("Only the visit's engineer may “%(action)s”.")
                % {"action": VisitAction(action).label},
                code="not_permitted",
            )
    elif not (user.roles & move.who):
        raise Forbidden(
            _("You may not “%(action)s”.") % {"action": VisitAction(action).label},
            code="not_permitted",
        )
    return move


def allowed(action: str, visit, user) -> bool:
    try:
        check(action, visit, user)
    except (Conflict, Forbidden, NotFound):
        return False
    return True


def allowed_actions(visit, user) -> list[str]:
    return [a.value for a in VisitAction if allowed(a, visit, user)]
