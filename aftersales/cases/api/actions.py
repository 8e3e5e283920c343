"""The case actions the API offers, `POST /api/v1/cases/<number>/<action>/`: each names its
input serializer and the service it calls. Adding an action is one row here."""

from collections.abc import Callable
from dataclasses import dataclass

from aftersales.cases import services
from aftersales.cases.api import serializers as s
from aftersales.cases.choices import Visibility
from aftersales.cases.transitions import Action


@dataclass(frozen=True)
class ApiAction:
    name: str
    input: type
    run: Callable  # (case, actor, data) -> Case
    creates: bool = False  # answers 201 with the new case


def _note(case, actor, d):
    default = Visibility.PUBLIC if actor.is_customer else Visibility.INTERNAL
    return services.case_note(
        case=case, actor=actor, body=d["body"], visibility=d.get("visibility") or default
    )


ACTIONS: dict[str, ApiAction] = {
    a.name: a
    for a in [
        ApiAction(
            Action.ASSIGN,
            s.AssignInput,
            lambda c, u, d: services.case_assign(
                case=c, assignee=d["assignee"], team=d.get("team"), actor=u
            ),
        ),
        ApiAction(
            Action.RESPOND,
            s.NoteTextInput,
            lambda c, u, d: services.case_respond(case=c, actor=u, note=d["note"]),
        ),
        ApiAction(
            Action.TAKEOVER,
            s.TakeoverInput,
            lambda c, u, d: services.case_takeover(case=c, actor=u, reason=d["reason"]),
        ),
        ApiAction(
            Action.TRANSFER,
            s.TransferInput,
            lambda c, u, d: services.case_transfer(
                case=c, team=d["team"], assignee=d["assignee"], reason=d["reason"], actor=u
            ),
        ),
        ApiAction(
            Action.ESCALATE,
            s.EscalateInput,
            lambda c, u, d: services.case_escalate(
                case=c, expert=d["expert"], reason=d["reason"], actor=u
            ),
        ),
        ApiAction(
            Action.WAIT,
            s.WaitInput,
            lambda c, u, d: services.case_wait(case=c, on=d["on"], reason=d["reason"], actor=u),
        ),
        ApiAction(
            Action.RESUME,
            s.NoteTextInput,
            lambda c, u, d: services.case_resume(case=c, actor=u, note=d["note"]),
        ),
        ApiAction(
            Action.CONFIRM_CAUSE,
            s.ConfirmCauseInput,
            lambda c, u, d: services.case_confirm_cause(
                case=c, cause=d["cause"], diagnosis=d["diagnosis"], actor=u
            ),
        ),
        ApiAction(
            Action.SET_SEVERITY,
            s.SetSeverityInput,
            lambda c, u, d: services.case_set_severity(
                case=c, severity=d["severity"], reason=d["reason"], actor=u
            ),
        ),
        ApiAction(
            Action.CALL,
            s.CallInput,
            lambda c, u, d: services.case_log_call(case=c, actor=u, **d),
        ),
        ApiAction(
            Action.RESOLVE,
            s.ResolveInput,
            lambda c, u, d: services.case_resolve(
                case=c, cause=d["cause"], solution=d["solution"], actor=u
            ),
        ),
        ApiAction(
            Action.CONFIRM,
            s.NoteTextInput,
            lambda c, u, d: services.case_confirm(case=c, actor=u, note=d["note"]),
        ),
        ApiAction(
            Action.REJECT,
            s.ReasonInput,
            lambda c, u, d: services.case_reject(case=c, actor=u, reason=d["reason"]),
        ),
        ApiAction(
            Action.CLOSE,
            s.NoteTextInput,
            lambda c, u, d: services.case_close(case=c, actor=u, note=d["note"]),
        ),
        ApiAction(
            Action.REOPEN,
            s.ReasonInput,
            lambda c, u, d: services.case_reopen(case=c, actor=u, reason=d["reason"]),
        ),
        ApiAction(
            Action.CANCEL,
            s.ReasonInput,
            lambda c, u, d: services.case_cancel(case=c, actor=u, reason=d["reason"]),
        ),
        ApiAction(Action.NOTE, s.NoteInput, _note),
        ApiAction(
            Action.LINK_MASTER,
            s.LinkMasterInput,
            lambda c, u, d: services.case_link_master(case=c, master=d["master"], actor=u),
        ),
        ApiAction(
            Action.FOLLOW_UP,
            s.FollowUpInput,
            lambda c, u, d: services.case_follow_up(case=c, actor=u, **d),
            creates=True,
        ),
    ]
}
