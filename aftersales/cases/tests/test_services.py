"""The case workflow through its services: what each action changes, what it records, and
what it refuses (with the exact message, changing nothing)."""

import datetime as dt
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aftersales.cases import selectors, services
from aftersales.cases.choices import Confirmation, EntryKind, Status, Visibility
from aftersales.cases.models import Attachment, Case, TimelineEntry
from aftersales.core.clock import frozen
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.customers.tests.factories import (
    AssetFactory,
    ContactFactory,
    ContractFactory,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def kinds(case) -> list[str]:
    return list(TimelineEntry.objects.filter(case=case).values_list("kind", flat=True))


@pytest.fixture
def new_case(dispatcher, org_a, asset_a):
    return services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        description="中关村派出所门口3号摄像头夜间出现黑屏",
        severity="P2",
        channel="phone",
        assets=[asset_a],
    )


@pytest.fixture
def assigned(new_case, engineer, dispatcher, team):
    return services.case_assign(case=new_case, assignee=engineer, actor=dispatcher)


@pytest.fixture
def working(assigned, engineer):
    return services.case_respond(case=assigned, actor=engineer)


@pytest.fixture
def resolved(working, engineer):
    return services.case_resolve(
        case=working, cause="hardware", solution="更换摄像头电源适配器", actor=engineer
    )


# --- opening ------------------------------------------------------------------------------


def test_a_new_case_gets_a_readable_number_and_its_first_entry(new_case, asset_a, contract_a):
    assert re.fullmatch(r"\d{8}-\d{6}", new_case.number)
    assert new_case.status == Status.NEW
    # Vendor, category, site and contract come from the asset.
    assert new_case.vendor == asset_a.vendor
    assert new_case.category == "camera"
    assert new_case.site == asset_a.site
    assert new_case.contract == contract_a
    entry = new_case.timeline.get()
    assert (entry.kind, entry.visibility, entry.seq) == (EntryKind.CREATED, "public", 1)
    assert entry.data["assets"] == [asset_a.serial_number]
    assert new_case.timeline_count == 1 and new_case.timeline_head == entry.chain_hash


def test_numbers_are_unique_and_count_up(dispatcher, org_a):
    numbers = [
        services.case_create(
            actor=dispatcher, organisation=org_a, title=f"t{i}", severity="P3", channel="phone"
        ).number
        for i in range(3)
    ]
    assert len(set(numbers)) == 3
    assert [int(n.split("-")[1]) for n in numbers] == sorted(int(n.split("-")[1]) for n in numbers)


def test_reported_at_defaults_to_now_and_may_be_earlier(dispatcher, org_a):
    with frozen(at(2026, 11, 23, 10, 0)):
        case = services.case_create(
            actor=dispatcher, organisation=org_a, title="t", severity="P3", channel="phone"
        )
        earlier = services.case_create(
            actor=dispatcher,
            organisation=org_a,
            title="t",
            severity="P3",
            channel="phone",
            reported_at=at(2026, 11, 23, 9, 15),
        )
    assert case.reported_at == at(2026, 11, 23, 10, 0)
    assert earlier.reported_at == at(2026, 11, 23, 9, 15)
    assert earlier.created_at == at(2026, 11, 23, 10, 0)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"severity": "P5"}, "severity", "Unknown severity “P5”: use P1, P2, P3 or P4."),
        ({"reported_at": "future"}, "reported_at", "The report time cannot be in the future."),
        ({"title": "  "}, "title", "A case needs a title."),
        ({"channel": "fax"}, "channel", "Unknown channel."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(dispatcher, org_a, kwargs, field, message):
    if kwargs.get("reported_at") == "future":
        kwargs["reported_at"] = dt.datetime.now(SHANGHAI) + dt.timedelta(minutes=5)
    arguments = {"title": "t", "severity": "P3", "channel": "phone", **kwargs}
    with pytest.raises(ValidationError) as refused:
        services.case_create(actor=dispatcher, organisation=org_a, **arguments)
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert Case.objects.count() == 0 and TimelineEntry.objects.count() == 0


def test_an_asset_of_another_organisation_is_refused(dispatcher, org_a, asset_b):
    with pytest.raises(ValidationError) as refused:
        services.case_create(
            actor=dispatcher,
            organisation=org_a,
            title="t",
            severity="P3",
            channel="phone",
            assets=[asset_b],
        )
    assert refused.value.field == "assets"
    assert str(refused.value) == "This asset belongs to another organisation."
    assert Case.objects.count() == 0


def test_a_customer_opens_cases_for_its_own_organisation_only(customer, org_a, org_b):
    case = services.case_create(
        actor=customer, organisation=org_a, title="门禁失灵", severity="P3", channel="portal"
    )
    assert case.caller_name == "王警官" and case.contact == customer.contact
    with pytest.raises(ValidationError, match="Unknown organisation"):
        services.case_create(
            actor=customer, organisation=org_b, title="x", severity="P3", channel="portal"
        )


def test_the_caller_snapshot_survives_changes_to_the_contact(dispatcher, org_a):
    contact = ContactFactory(organisation=org_a, name="张科长", mobile="13900001111")
    case = services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="t",
        severity="P3",
        channel="phone",
        contact=contact,
    )
    contact.name, contact.mobile = "张处长", "13900002222"
    contact.save()
    case.refresh_from_db()
    assert (case.caller_name, case.caller_phone) == ("张科长", "13900001111")


# --- assignment and ownership ---------------------------------------------------------------


def test_assign_sets_owner_team_and_records_it(assigned, engineer, team):
    assert (assigned.status, assigned.assignee, assigned.team) == (Status.ASSIGNED, engineer, team)
    entry = assigned.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.ASSIGNED
    assert {k: entry.data[k] for k in ("assignee", "previous", "team", "from", "to")} == {
        "assignee": "engineer",
        "previous": None,
        "team": "onsite",
        "from": "new",
        "to": "assigned",
    }


def test_only_an_engineer_can_be_assigned(new_case, dispatcher, customer):
    with pytest.raises(ValidationError, match="dispatcher is not an active engineer"):
        services.case_assign(case=new_case, assignee=dispatcher, actor=dispatcher)
    with pytest.raises(ValidationError, match="customer is not an active engineer"):
        services.case_assign(case=new_case, assignee=customer, actor=dispatcher)


def test_an_engineer_cannot_assign(new_case, engineer):
    with pytest.raises(Forbidden, match="You may not “Assign”."):
        services.case_assign(case=new_case, assignee=engineer, actor=engineer)
    new_case.refresh_from_db()
    assert new_case.status == Status.NEW and kinds(new_case) == ["created"]


def test_respond_stops_the_response_clock_once(assigned, engineer):
    with frozen(at(2026, 11, 23, 10, 20)):
        case = services.case_respond(case=assigned, actor=engineer)
    assert case.status == Status.IN_PROGRESS
    assert case.responded_at == at(2026, 11, 23, 10, 20)


def test_another_engineer_takes_over_and_it_is_recorded(assigned, engineer2):
    case = services.case_takeover(case=assigned, actor=engineer2, reason="张工休假")
    assert (case.assignee, case.status) == (engineer2, Status.IN_PROGRESS)
    entry = case.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.TAKEN_OVER and entry.author == engineer2
    assert entry.data["previous"] == "engineer" and entry.body == "张工休假"


def test_transfer_moves_the_case_to_a_named_owner_of_the_new_team(working, engineer, expert):
    from aftersales.accounts.tests.factories import TeamFactory

    app_team = TeamFactory(code="app", name="应用软件事业部", kind="application", members=[expert])
    with pytest.raises(ValidationError, match="engineer is not a member of 应用软件事业部"):
        services.case_transfer(
            case=working, team=app_team, assignee=engineer, actor=engineer, reason="软件问题"
        )
    case = services.case_transfer(
        case=working, team=app_team, assignee=expert, actor=engineer, reason="平台软件缺陷"
    )
    assert (case.team, case.assignee, case.status) == (app_team, expert, Status.ASSIGNED)


def test_escalating_to_an_expert_keeps_the_owner_and_is_internal(working, engineer, expert):
    case = services.case_escalate(case=working, expert=expert, actor=engineer, reason="需二线支持")
    assert (case.assignee, case.expert) == (engineer, expert)
    assert case.timeline.order_by("-seq").first().visibility == Visibility.INTERNAL


def test_escalating_to_someone_who_is_not_an_expert_is_refused(working, engineer, engineer2):
    with pytest.raises(ValidationError, match="engineer2 is not an expert"):
        services.case_escalate(case=working, expert=engineer2, actor=engineer, reason="x")


# --- progress -----------------------------------------------------------------------------


def test_wait_and_resume(working, engineer):
    case = services.case_wait(case=working, on="parts", actor=engineer, reason="等待电源适配器")
    assert case.status == Status.WAITING_PARTS
    case = services.case_wait(case=case, on="vendor", actor=engineer, reason="厂商分析")
    assert case.status == Status.WAITING_VENDOR
    case = services.case_resume(case=case, actor=engineer)
    assert case.status == Status.IN_PROGRESS
    assert kinds(case)[-3:] == ["waiting", "waiting", "resumed"]


def test_confirming_the_cause_records_when(working, engineer):
    with frozen(at(2026, 11, 23, 11, 0)):
        case = services.case_confirm_cause(
            case=working, cause="power", diagnosis="电源适配器老化", actor=engineer
        )
    assert (case.cause, case.cause_confirmed_at) == ("power", at(2026, 11, 23, 11, 0))


def test_changing_severity_needs_a_reason_and_records_both_levels(working, dispatcher):
    with pytest.raises(ValidationError, match="Say why the severity changes."):
        services.case_set_severity(case=working, severity="P1", reason="", actor=dispatcher)
    case = services.case_set_severity(
        case=working, severity="P1", reason="整个派出所监控中断", actor=dispatcher
    )
    entry = case.timeline.order_by("-seq").first()
    assert (case.severity, entry.data["previous"], entry.body) == ("P1", "P2", "整个派出所监控中断")


def test_setting_the_same_severity_changes_nothing(working, dispatcher):
    before = working.timeline_count
    case = services.case_set_severity(case=working, severity="P2", reason="复核", actor=dispatcher)
    case.refresh_from_db()
    assert case.timeline_count == before


def test_a_remote_session_needs_the_customers_consent(working, engineer):
    with pytest.raises(ValidationError, match="A remote session needs the customer's consent."):
        services.case_log_call(case=working, actor=engineer, kind="remote", summary="远程检查")
    case = services.case_log_call(
        case=working, actor=engineer, kind="remote", summary="远程重启NVR", minutes=25, consent=True
    )
    entry = case.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.REMOTE_SESSION and entry.data["minutes"] == 25


# --- resolving, confirming, closing ---------------------------------------------------------


def test_resolving_needs_cause_and_solution(working, engineer):
    with pytest.raises(ValidationError, match="Describe the solution."):
        services.case_resolve(case=working, cause="hardware", solution=" ", actor=engineer)
    with pytest.raises(ValidationError, match="Name the cause of the fault."):
        services.case_resolve(case=working, cause="gremlins", solution="x", actor=engineer)


def test_the_customer_has_three_working_days_to_confirm(working, engineer):
    # Friday 20 November 2026, 10:00: Monday, Tuesday, Wednesday.
    with frozen(at(2026, 11, 20, 10, 0)):
        case = services.case_resolve(
            case=working, cause="hardware", solution="更换", actor=engineer
        )
    assert case.confirm_deadline == at(2026, 11, 25, 10, 0)


def test_the_deadline_skips_chinas_holidays(working, engineer):
    # Resolved on Wednesday 30 September 2026: 1-7 October are the National Day holiday,
    # so the working days are 8, 9 and 10 October (the 10th is a make-up working Saturday).
    with frozen(at(2026, 9, 30, 16, 0)):
        case = services.case_resolve(
            case=working, cause="hardware", solution="更换", actor=engineer
        )
    assert case.confirm_deadline.date() == dt.date(2026, 10, 10)


def test_customer_confirms_and_a_manager_closes(resolved, customer, manager):
    case = services.case_confirm(case=resolved, actor=customer, note="已恢复正常")
    assert case.confirmation == Confirmation.CUSTOMER
    case = services.case_close(case=case, actor=manager)
    assert (case.status, case.closed_by) == (Status.CLOSED, manager)
    assert kinds(case)[-3:] == ["confirmed", "closed", "survey_sent"]


def test_the_desk_confirms_on_a_phone_customers_behalf_and_says_so(resolved, dispatcher):
    case = services.case_confirm(case=resolved, actor=dispatcher, note="电话确认")
    entry = case.timeline.order_by("-seq").first()
    assert case.confirmation == Confirmation.ON_BEHALF
    assert entry.author == dispatcher and entry.data["on_behalf"] is True


def test_the_engineer_may_not_close_his_own_case(resolved, engineer, customer):
    services.case_confirm(case=resolved, actor=customer)
    with pytest.raises(Forbidden, match="You may not “Close the case”."):
        services.case_close(case=resolved, actor=engineer)
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_closing_before_confirmation_is_refused(resolved, manager):
    with pytest.raises(Conflict, match="has not confirmed the resolution yet"):
        services.case_close(case=resolved, actor=manager)


def test_silence_counts_as_confirmation_after_the_deadline(resolved, manager):
    with frozen(resolved.confirm_deadline + dt.timedelta(minutes=1)):
        case = services.case_close(case=resolved, actor=manager)
    assert case.status == Status.CLOSED and case.confirmation == Confirmation.TIMEOUT
    timeout = case.timeline.get(kind=EntryKind.CONFIRMED)
    assert timeout.author is None and timeout.data["confirmation"] == "timeout"


def test_the_sweep_deems_overdue_resolutions_confirmed(resolved):
    with frozen(resolved.confirm_deadline - dt.timedelta(minutes=1)):
        assert services.case_deem_confirmed_due() == 0
    with frozen(resolved.confirm_deadline):
        assert services.case_deem_confirmed_due() == 1
        assert services.case_deem_confirmed_due() == 0
    resolved.refresh_from_db()
    assert resolved.confirmed_at == resolved.confirm_deadline


def test_rejecting_sends_the_case_back_to_work(resolved, customer):
    case = services.case_reject(case=resolved, actor=customer, reason="晚上仍然黑屏")
    assert (case.status, case.resolved_at) == (Status.IN_PROGRESS, None)


def test_reopen_after_closing(resolved, customer, manager, dispatcher):
    services.case_confirm(case=resolved, actor=customer)
    closed = services.case_close(case=resolved, actor=manager)
    case = services.case_reopen(case=closed, actor=dispatcher, reason="故障复现")
    assert (case.status, case.assignee.username, case.closed_at) == (
        Status.ASSIGNED,
        "engineer",
        None,
    )


def test_cancel_a_case_opened_in_error(new_case, dispatcher, engineer):
    case = services.case_cancel(case=new_case, actor=dispatcher, reason="重复录入")
    assert case.status == Status.CANCELLED
    with pytest.raises(Conflict, match="“Assign” is not allowed while the case is Cancelled."):
        services.case_assign(case=case, assignee=engineer, actor=dispatcher)


# --- duplicates and follow-ups --------------------------------------------------------------


def test_duplicates_wait_on_their_master_and_close_with_it(
    resolved, dispatcher, customer, manager, org_b
):
    duplicate = services.case_create(
        actor=dispatcher, organisation=org_b, title="平台无法登录", severity="P2", channel="phone"
    )
    duplicate = services.case_link_master(case=duplicate, master=resolved, actor=dispatcher)
    assert (duplicate.status, duplicate.master) == (Status.WAITING_MASTER, resolved)
    master = Case.objects.get(pk=resolved.pk)
    assert master.timeline.order_by("-seq").first().kind == EntryKind.DUPLICATE_ADDED
    services.case_confirm(case=master, actor=customer)
    services.case_close(case=master, actor=manager)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    closing = duplicate.timeline.filter(kind=EntryKind.CLOSED).get()
    assert closing.data["master"] == resolved.number


def test_a_master_cannot_itself_be_a_duplicate(new_case, dispatcher, org_a):
    other = services.case_create(
        actor=dispatcher, organisation=org_a, title="b", severity="P3", channel="phone"
    )
    third = services.case_create(
        actor=dispatcher, organisation=org_a, title="c", severity="P3", channel="phone"
    )
    services.case_link_master(case=other, master=new_case, actor=dispatcher)
    with pytest.raises(ValidationError, match="not itself a duplicate"):
        services.case_link_master(case=third, master=other, actor=dispatcher)
    with pytest.raises(Conflict, match="master of other reports"):
        services.case_link_master(case=new_case, master=third, actor=dispatcher)
    with pytest.raises(Conflict, match="Duplicates wait on this case"):
        services.case_cancel(case=new_case, actor=dispatcher, reason="x")


def test_a_follow_up_links_both_ways(resolved, customer):
    follow_up = services.case_follow_up(case=resolved, actor=customer, title="另一路摄像头也黑屏")
    assert follow_up.follow_up_of == resolved
    assert list(follow_up.assets.all()) == list(resolved.assets.all())
    assert resolved.timeline.order_by("-seq").first().data == {"case": follow_up.number}


# --- notes and files ----------------------------------------------------------------------


def test_internal_notes_stay_internal(working, engineer, customer):
    services.case_note(case=working, actor=engineer, body="怀疑是电源问题", visibility="internal")
    services.case_note(case=working, actor=engineer, body="已安排明早上门", visibility="public")
    seen = [e.body for e in selectors.timeline_for(case=working, user=customer)]
    assert "已安排明早上门" in seen and "怀疑是电源问题" not in seen


def test_customers_cannot_write_internal_notes(working, customer):
    with pytest.raises(ValidationError, match="Customers add notes visible to both sides only."):
        services.case_note(case=working, actor=customer, body="x", visibility="internal")


def test_an_attachment_is_a_timeline_entry_with_its_checksum(working, engineer):
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8jpeg-bytes", content_type="image/jpeg")
    attachment = services.case_attach(
        case=working, actor=engineer, upload=upload, visibility="public", note="现场"
    )
    assert attachment.entry.kind == EntryKind.ATTACHMENT
    assert attachment.entry.data["sha256"] == attachment.sha256
    assert attachment.file.read() == b"\xff\xd8jpeg-bytes"


@override_settings(ATTACHMENT_MAX_BYTES=10)
def test_oversized_and_forbidden_files_are_refused(working, engineer):
    before = working.timeline_count
    with pytest.raises(ValidationError, match="larger than the limit"):
        services.case_attach(
            case=working,
            actor=engineer,
            upload=SimpleUploadedFile("log.txt", b"x" * 11),
            visibility="internal",
        )
    with pytest.raises(ValidationError, match=r"Files of type \.exe are not accepted\."):
        services.case_attach(
            case=working,
            actor=engineer,
            upload=SimpleUploadedFile("tool.EXE", b"MZ"),
            visibility="internal",
        )
    working.refresh_from_db()
    assert working.timeline_count == before and Attachment.objects.count() == 0


# --- one transaction ------------------------------------------------------------------------


def test_a_failure_while_writing_the_entry_leaves_the_case_unchanged(assigned, engineer):
    with (
        mock.patch("aftersales.cases.services.timeline_append", side_effect=RuntimeError("disk")),
        pytest.raises(RuntimeError),
    ):
        services.case_respond(case=assigned, actor=engineer)
    assigned.refresh_from_db()
    assert (assigned.status, assigned.responded_at) == (Status.ASSIGNED, None)
    assert kinds(assigned) == ["created", "assigned"]


# --- consultations ------------------------------------------------------------------------


def test_a_consultation_is_recorded_and_can_become_a_case(dispatcher, org_a):
    contact = ContactFactory(organisation=org_a)
    consultation = services.consultation_record(
        actor=dispatcher,
        caller_name=contact.name,
        contact=contact,
        question="如何回放昨晚的录像？",
        answer="在客户端选择回放并按时间检索",
        satisfied=False,
    )
    case = services.consultation_to_case(consultation=consultation, actor=dispatcher, severity="P4")
    assert case.case_type == "consultation" and case.reported_at == consultation.created_at
    assert "在客户端选择回放" in case.description
    with pytest.raises(Conflict, match="already case"):
        services.consultation_to_case(consultation=consultation, actor=dispatcher, severity="P4")


def test_contract_falls_back_to_the_organisations_active_contract(dispatcher, org_a):
    contract = ContractFactory(organisation=org_a)
    ContractFactory(
        organisation=org_a, start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1)
    )
    AssetFactory(site__organisation=org_a)
    case = services.case_create(
        actor=dispatcher, organisation=org_a, title="t", severity="P3", channel="phone"
    )
    assert case.contract == contract


def test_a_customer_never_reads_another_organisations_case_number(
    resolved, dispatcher, customer, customer_b, manager, org_b
):
    duplicate = services.case_create(
        actor=dispatcher, organisation=org_b, title="平台无法登录", severity="P2", channel="phone"
    )
    services.case_link_master(case=duplicate, master=resolved, actor=dispatcher)
    services.case_confirm(case=resolved, actor=customer)
    services.case_close(case=resolved, actor=manager)
    seen = selectors.timeline_for(case=Case.objects.get(pk=duplicate.pk), user=customer_b)
    assert all(resolved.number not in str(entry.data) for entry in seen)
    assert [e.kind for e in seen] == ["created"]
