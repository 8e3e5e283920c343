"""Who learns what from the case workflow: each action writes its notifications to the outbox
in its own transaction, in each person's language, and they leave only after the commit."""

import pytest
from django.core import mail
from django.db import transaction

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services
from aftersales.core.errors import Conflict
from aftersales.notifications.models import InAppNotification, OutboxMessage


def told(event: str) -> set[tuple[str, str]]:
    """(username, channel) of the messages written for `event`."""
    return set(
        OutboxMessage.objects.filter(event=event).values_list("recipient__username", "channel")
    )


@pytest.fixture
def new_case(dispatcher, org_a, asset_a, customer):
    case = services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        severity="P2",
        channel="phone",
        assets=[asset_a],
        contact=customer.contact,
    )
    return case


@pytest.fixture
def assigned(new_case, engineer, dispatcher):
    return services.case_assign(case=new_case, assignee=engineer, actor=dispatcher)


@pytest.fixture
def resolved(assigned, engineer):
    services.case_respond(case=assigned, actor=engineer)
    return services.case_resolve(
        case=assigned, cause="hardware", solution="更换电源适配器", actor=engineer
    )


def test_assigning_tells_the_engineer_in_their_language(new_case, dispatcher):
    english = UserFactory(username="eng_en", roles=["engineer"], language="en", phone="139")
    services.case_assign(case=new_case, assignee=english, actor=dispatcher)

    assert told("assigned") == {("eng_en", "in_app"), ("eng_en", "email"), ("eng_en", "sms")}
    email = OutboxMessage.objects.get(event="assigned", channel="email")
    assert email.language == "en"
    assert email.subject == f"[P2] Case {new_case.number} is assigned to you"
    assert "dispatcher assigned the case “3号摄像头夜间黑屏” to you" in email.body


def test_an_engineer_without_a_language_reads_the_sites_default(assigned):
    email = OutboxMessage.objects.get(event="assigned", channel="email")
    assert email.language == "zh-hans"
    assert email.subject == f"【P2】新工单 {assigned.number} 已派给您"


def test_reassigning_also_tells_the_previous_owner(assigned, engineer2, dispatcher):
    services.case_assign(case=assigned, assignee=engineer2, actor=dispatcher)
    assert told("reassigned") == {("engineer", "in_app"), ("engineer", "email")}
    assert ("engineer2", "email") in told("assigned")
    reassigned = OutboxMessage.objects.get(event="reassigned", channel="in_app")
    assert "engineer2" in reassigned.body


def test_a_rolled_back_assignment_tells_nobody(new_case, engineer, dispatcher):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_assign(case=new_case, assignee=engineer, actor=dispatcher)
        assert told("assigned")  # written in the same transaction…
        raise RuntimeError("something after the assignment failed")
    assert not OutboxMessage.objects.exists()  # …and gone with it


def test_a_refused_action_tells_nobody(new_case, engineer):
    with pytest.raises(Conflict):
        services.case_reopen(case=new_case, actor=engineer, reason="再看看")
    assert not OutboxMessage.objects.exists()


def test_messages_leave_only_after_the_commit(
    new_case, engineer, dispatcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_assign(case=new_case, assignee=engineer, actor=dispatcher)
    assert mail.outbox == [] and not InAppNotification.objects.exists()
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}

    for callback in callbacks:  # the commit
        callback()
    (email,) = mail.outbox
    assert email.to == ["engineer@example.com"]
    assert InAppNotification.objects.get(user=engineer).case == new_case
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_transfer_tells_the_new_owner(assigned, engineer2, dispatcher, team):
    services.case_transfer(
        case=assigned, team=team, assignee=engineer2, actor=dispatcher, reason="需要现场"
    )
    assert told("transferred") == {("engineer2", "in_app"), ("engineer2", "email")}
    assert "需要现场" in OutboxMessage.objects.get(event="transferred", channel="email").body


def test_escalating_to_an_expert_tells_the_expert(assigned, engineer, expert):
    services.case_escalate(case=assigned, expert=expert, actor=engineer, reason="固件问题")
    assert told("expert") == {("expert", "in_app"), ("expert", "email")}


def test_resolving_tells_the_reporting_customer(resolved, customer):
    assert told("resolved") == {("customer", "in_app"), ("customer", "email")}
    email = OutboxMessage.objects.get(event="resolved", channel="email")
    assert "更换电源适配器" in email.body
    assert "视为已确认" in email.body  # the confirmation deadline is stated


def test_a_case_without_a_customer_account_tells_no_customer(dispatcher, org_a, engineer):
    case = services.case_create(
        actor=dispatcher, organisation=org_a, title="无联系人", severity="P3", channel="phone"
    )
    services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    services.case_respond(case=case, actor=engineer)
    services.case_resolve(case=case, cause="other", solution="已处理", actor=engineer)
    assert told("resolved") == set()


def test_a_rejection_tells_the_owner(resolved, customer):
    services.case_reject(case=resolved, actor=customer, reason="仍然黑屏")
    assert told("rejected") == {("engineer", "in_app"), ("engineer", "email")}
    assert "仍然黑屏" in OutboxMessage.objects.get(event="rejected", channel="email").body


def test_closing_tells_the_customer_and_reopening_the_owner(
    resolved, customer, manager, dispatcher
):
    services.case_confirm(case=resolved, actor=customer)
    services.case_close(case=resolved, actor=manager)
    assert told("closed") == {("customer", "in_app"), ("customer", "email")}
    services.case_reopen(case=resolved, actor=dispatcher, reason="同一故障再次出现")
    assert told("reopened") == {("engineer", "in_app"), ("engineer", "email")}


def test_duplicates_closed_with_their_master_tell_their_reporters(
    resolved, customer, manager, dispatcher, org_a
):
    other = UserFactory(username="reporter2", organisation=org_a)
    duplicate = services.case_create(
        actor=other, organisation=org_a, title="同一平台故障", severity="P3", channel="portal"
    )
    services.case_link_master(case=duplicate, master=resolved, actor=dispatcher)
    services.case_confirm(case=resolved, actor=customer)
    services.case_close(case=resolved, actor=manager)
    assert {user for user, _channel in told("closed")} == {"customer", "reporter2"}
