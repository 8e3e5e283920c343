"""The workflow table, walked: every (action, state, role) triple is allowed exactly when the
table says so, and no code outside the one transition function sets a case's status."""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.cases import transitions
from aftersales.cases.choices import Status
from aftersales.cases.transitions import MOVES, Action
from aftersales.core.errors import Conflict, Forbidden, NotFound

SYSTEM_ACTIONS = (
    Action.CLOSE_WITH_MASTER,
    Action.DEEM_CONFIRMED,
    Action.AUTO_REASSIGN,
    Action.ROUTE_TO_QUALITY,
)
PEOPLE_ACTIONS = [a for a in Action if a not in SYSTEM_ACTIONS]


def _user(role: str, pk: int = 10, organisation_id: int | None = None):
    return SimpleNamespace(
        pk=pk,
        roles=frozenset({role}),
        is_customer=role == Role.CUSTOMER,
        organisation_id=organisation_id if role == Role.CUSTOMER else None,
    )


def _case(
    status: str, *, assignee_id=10, expert_id=None, confirmed_at="yes", confirm_deadline=None
):
    return SimpleNamespace(
        status=status,
        organisation_id=1,
        assignee_id=assignee_id,
        expert_id=expert_id,
        confirmed_at=confirmed_at,
        confirm_deadline=confirm_deadline,
    )


@pytest.mark.parametrize("action", PEOPLE_ACTIONS)
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", list(Role))
def test_every_triple_follows_the_table(action, status, role):
    user = _user(role, organisation_id=1)
    # A case that satisfies the per-case rules for this actor, so only the table decides.
    case = _case(
        status,
        assignee_id=None if action == Action.TAKEOVER else user.pk,
        confirmed_at=None if action == Action.CONFIRM else "yes",
    )
    move = MOVES.get((action, status))
    if move is None:
        with pytest.raises(Conflict):
            transitions.check(action, case, user)
    elif role in move.roles:
        assert transitions.check(action, case, user) is move
    else:
        with pytest.raises(Forbidden):
            transitions.check(action, case, user)


def test_only_managers_close():
    case = _case(Status.RESOLVED)
    for role in Role:
        expected = role in {
            Role.DEPARTMENT_MANAGER,
            Role.RESPONSE_CENTRE_MANAGER,
            Role.TECHNICAL_MANAGER,
            Role.TECHNICAL_CENTRE_MANAGER,
            Role.INTEGRATION_MANAGER,
            Role.INTEGRATION_GENERAL_MANAGER,
        }
        assert transitions.allowed(Action.CLOSE, case, _user(role, organisation_id=1)) is expected


def test_the_engineer_on_the_case_cannot_close_it():
    engineer = _user(Role.ENGINEER, pk=10)
    with pytest.raises(Forbidden, match="may not"):
        transitions.check(Action.CLOSE, _case(Status.RESOLVED, assignee_id=10), engineer)


def test_closing_waits_for_the_confirmation():
    manager = _user(Role.DEPARTMENT_MANAGER)
    with pytest.raises(Conflict, match="not confirmed"):
        transitions.check(Action.CLOSE, _case(Status.RESOLVED, confirmed_at=None), manager)


def test_past_the_confirmation_deadline_a_manager_may_close_before_the_sweep_has_run():
    manager = _user(Role.DEPARTMENT_MANAGER)
    past = timezone.now() - dt.timedelta(minutes=1)
    future = timezone.now() + dt.timedelta(hours=1)
    late = _case(Status.RESOLVED, confirmed_at=None, confirm_deadline=past)
    early = _case(Status.RESOLVED, confirmed_at=None, confirm_deadline=future)
    assert transitions.allowed(Action.CLOSE, late, manager)
    assert not transitions.allowed(Action.CLOSE, early, manager)


def test_only_the_owner_responds_and_only_others_take_over():
    owner, other = _user(Role.ENGINEER, pk=10), _user(Role.ENGINEER, pk=11)
    case = _case(Status.ASSIGNED, assignee_id=10)
    assert transitions.allowed(Action.RESPOND, case, owner)
    assert not transitions.allowed(Action.RESPOND, case, other)
    assert transitions.allowed(Action.TAKEOVER, case, other)
    assert not transitions.allowed(Action.TAKEOVER, case, owner)


def test_resolve_needs_the_owner_or_the_expert():
    case = _case(Status.IN_PROGRESS, assignee_id=10, expert_id=12)
    assert transitions.allowed(Action.RESOLVE, case, _user(Role.ENGINEER, pk=10))
    assert transitions.allowed(Action.RESOLVE, case, _user(Role.EXPERT, pk=12))
    assert not transitions.allowed(Action.RESOLVE, case, _user(Role.ENGINEER, pk=13))


def test_a_customer_of_another_organisation_gets_not_found():
    outsider = _user(Role.CUSTOMER, organisation_id=2)
    with pytest.raises(NotFound):
        transitions.check(Action.NOTE, _case(Status.NEW), outsider)


def test_system_moves_need_no_person_and_refuse_people():
    case = _case(Status.WAITING_MASTER)
    assert transitions.check(Action.CLOSE_WITH_MASTER, case, None).target == Status.CLOSED
    with pytest.raises(Forbidden):
        transitions.check(Action.CLOSE_WITH_MASTER, case, _user(Role.DEPARTMENT_MANAGER))


def test_allowed_actions_lists_what_a_dispatcher_may_do_with_a_new_case():
    dispatcher = _user(Role.DISPATCHER)
    assert transitions.allowed_actions(_case(Status.NEW, assignee_id=None), dispatcher) == [
        "assign",
        "transfer",
        "set-severity",
        "call",
        "cancel",
        "note",
        "link-master",
        "follow-up",
    ]


# The one place each workflow assigns a status: its transition function.
STATUS_WRITERS = {
    ("cases/services.py", "current.status = target"),
    # The notifications outbox's own small state machine (pending, sending, sent, dead).
    ("notifications/services.py", "return queryset.update(status=to, **fields)"),
    # The visit workflow (dispatch/transitions.py).
    ("dispatch/services.py", "current.status = move.target"),
    # The review of knowledge articles (knowledge/transitions.py).
    ("knowledge/services.py", "current.status = move.target"),
    # RMA orders, loans and vendor tickets: their tables in rma/workflow.py, one writer.
    ("rma/workflow.py", "record.status = move.target"),
}


def test_no_code_sets_a_status_outside_its_transition_function():
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\.status\s*=(?!=)|\.update\([^)]*\bstatus=")
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for line in path.read_text().splitlines():
            if pattern.search(line) and not line.strip().startswith("#"):
                found.add((str(path.relative_to(root)), line.strip()))
    assert found == STATUS_WRITERS
