"""Cases for tests, made through the services as a user would make them: every case has
its timeline, every state is reached by the workflow's own moves."""

import itertools

from aftersales.accounts.models import User
from aftersales.cases import services
from aftersales.cases.choices import Cause, Status, WaitingOn
from aftersales.cases.models import Case
from aftersales.customers.models import Organisation

_titles = itertools.count(1)

# The moves that take a new case to each state, by who makes them.
PATHS: dict[str, list[str]] = {
    Status.NEW: [],
    Status.ASSIGNED: ["assign"],
    Status.IN_PROGRESS: ["assign", "respond"],
    Status.WAITING_CUSTOMER: ["assign", "respond", "wait"],
    Status.RESOLVED: ["assign", "respond", "resolve"],
    Status.CLOSED: ["assign", "respond", "resolve", "confirm", "close"],
    Status.CANCELLED: ["cancel"],
}


def open_case(
    *,
    actor: User,
    organisation: Organisation,
    severity: str = "P3",
    channel: str = "phone",
    title: str | None = None,
    description: str = "摄像头无图像",
    **fields,
) -> Case:
    return services.case_create(
        actor=actor,
        organisation=organisation,
        title=title or f"故障 {next(_titles)}",
        description=description,
        severity=severity,
        channel=channel,
        **fields,
    )


def case_in_state(
    status: str,
    *,
    organisation: Organisation,
    dispatcher: User,
    engineer: User,
    manager: User | None = None,
    **fields,
) -> Case:
    """A case of `organisation` brought to `status` by the dispatcher, `engineer` and
    `manager` (needed for CLOSED)."""
    case = open_case(actor=dispatcher, organisation=organisation, **fields)
    steps = {
        "assign": lambda c: services.case_assign(case=c, assignee=engineer, actor=dispatcher),
        "respond": lambda c: services.case_respond(case=c, actor=engineer, note="已电话联系"),
        "wait": lambda c: services.case_wait(
            case=c, on=WaitingOn.CUSTOMER, reason="等待客户开门", actor=engineer
        ),
        "resolve": lambda c: services.case_resolve(
            case=c, cause=Cause.HARDWARE, solution="更换电源适配器", actor=engineer
        ),
        "confirm": lambda c: services.case_confirm(case=c, actor=dispatcher, note="电话确认"),
        "close": lambda c: services.case_close(case=c, actor=manager, note=""),
        "cancel": lambda c: services.case_cancel(case=c, actor=dispatcher, reason="重复登记"),
    }
    for step in PATHS[status]:
        case = steps[step](case)
    case.refresh_from_db()
    return case
