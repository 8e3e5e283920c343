"""The customer's case page: state, promised times, the public history only, notes and files,
confirming or rejecting a fix, and staff changes appearing without a reload."""

import pytest
from django.urls import reverse

from aftersales.cases import selectors, services
from aftersales.cases.models import Attachment, Case, TimelineEntry
from aftersales.cases.tests.factories import open_case
from aftersales.portal.tests.helpers import attach, count_queries, upload

pytestmark = pytest.mark.usefixtures("media")


def url(name, case, *args):
    return reverse(f"portal:{name}", args=[case.number, *args])


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return (
        case.status,
        case.confirmed_at,
        case.timeline_count,
        Attachment.objects.filter(case=case).count(),
    )


# --- what the customer reads ----------------------------------------------------------------


def test_timeline_for_hides_internal_entries_from_customers_only(
    case_a, dispatcher, customer, engineer
):
    services.case_note(
        case=case_a, actor=dispatcher, body="内部：客户难沟通", visibility="internal"
    )
    services.case_note(case=case_a, actor=dispatcher, body="已安排工程师", visibility="public")

    seen = [e.body for e in selectors.timeline_for(case=case_a, user=customer)]
    staff = [e.body for e in selectors.timeline_for(case=case_a, user=dispatcher)]

    assert "内部：客户难沟通" not in seen and "已安排工程师" in seen
    assert "内部：客户难沟通" in staff and "已安排工程师" in staff


def test_the_page_shows_only_public_history(portal, case_a, dispatcher, engineer, team):
    services.case_assign(case=case_a, assignee=engineer, actor=dispatcher)
    services.case_note(
        case=case_a, actor=dispatcher, body="内部：客户难沟通", visibility="internal"
    )
    services.case_note(case=case_a, actor=engineer, body="明早上门检查", visibility="public")
    attach(case_a, engineer, "internal", name="内部报价.xlsx")
    attach(case_a, engineer, "public", name="现场照片.jpg")

    response = portal.get(url("case", case_a))

    assert response.status_code == 200
    body = response.content.decode()
    assert "明早上门检查" in body and "现场照片.jpg" in body
    assert "内部：客户难沟通" not in body and "内部报价.xlsx" not in body
    assert {e.visibility for e in response.context["timeline"]} == {"public"}
    assert "An engineer is assigned" in body
    assert "Assigned to engineer" in body


def test_the_seen_marker_does_not_count_internal_entries(portal, case_a, dispatcher):
    before = portal.get(url("case", case_a)).context["marker"]
    services.case_note(case=case_a, actor=dispatcher, body="内部", visibility="internal")
    assert portal.get(url("case", case_a)).context["marker"] == before


def test_promised_times_in_a_customers_words(portal, case_a):
    response = portal.get(url("case", case_a))
    promises = response.context["promises"]
    assert [p.metric for p in promises] == ["response", "resolution"]
    body = response.content.decode()
    assert "We will contact you by" in body and "Fix promised by" in body
    # No internal ladder: levels, managers or the cause clock.
    assert "level" not in body.lower() and "Cause confirmed" not in body


def test_the_site_the_assets_and_follow_ups(portal, case_a, asset_a, customer, dispatcher, org_b):
    follow_up = services.case_follow_up(case=case_a, actor=customer, title="同一路口再次黑屏")
    other = open_case(actor=dispatcher, organisation=org_b, title="别家的主故障")
    services.case_link_master(case=case_a, master=other, actor=dispatcher)

    response = portal.get(url("case", case_a))

    body = response.content.decode()
    assert "中关村派出所" in body  # the site
    assert asset_a.serial_number in body
    assert follow_up.number in body and "同一路口再次黑屏" in body
    assert other.number not in body and "别家的主故障" not in body
    assert response.context["related"]["master"] is None


def test_waiting_on_the_customer_asks_for_a_reply(portal, make_case):
    case = make_case("waiting_customer")
    body = portal.get(url("case", case)).content.decode()
    assert 'data-testid="reply-cta"' in body
    assert "We are waiting for your reply" in body and "等待客户开门" in body


def test_times_are_in_the_organisations_zone(portal, case_a, org_a):
    org_a.time_zone = "Europe/Paris"
    org_a.save()
    shanghai = case_a.reported_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    body = portal.get(url("case", case_a)).content.decode()
    assert shanghai.strftime("%Y-%m-%d %H:%M") in body


# --- confirming or rejecting a fix ------------------------------------------------------------


def test_confirming_a_fix(portal, make_case, customer):
    case = make_case("resolved")
    page = portal.get(url("case", case)).content.decode()
    assert 'data-testid="confirm-cta"' in page and "更换电源适配器" in page  # the solution

    response = portal.post(url("case-confirm", case), follow=True)

    case.refresh_from_db()
    assert (case.status, case.confirmation) == ("resolved", "customer")
    entry = case.timeline.order_by("-seq").first()
    assert (entry.kind, entry.author, entry.visibility) == ("confirmed", customer, "public")
    body = response.content.decode()
    assert "you confirmed that the problem is fixed" in body
    assert "Fixed and confirmed" in body and 'data-testid="confirm-cta"' not in body


def test_confirming_what_is_not_fixed_is_refused(portal, make_case):
    case = make_case("in_progress")
    before = snapshot(case)
    response = portal.post(url("case-confirm", case))
    assert response.status_code == 409
    assert response.context["action_error"] == (
        "“Confirm the resolution” is not allowed while the case is In progress."
    )
    assert snapshot(case) == before


def test_confirming_twice_is_refused(portal, make_case, customer):
    case = make_case("resolved")
    services.case_confirm(case=case, actor=customer)
    before = snapshot(case)
    response = portal.post(url("case-confirm", case))
    assert response.status_code == 409
    assert response.context["action_error"] == "The resolution is already confirmed."
    assert snapshot(case) == before


def test_rejecting_needs_a_reason(portal, make_case):
    case = make_case("resolved")
    before = snapshot(case)
    response = portal.post(url("case-reject", case), {"reason": "  "})
    assert response.status_code == 400
    assert response.context["action_error"] == "Tell us what is still wrong."
    assert response.context["reject_open"] is True
    assert snapshot(case) == before


def test_rejecting_a_fix_puts_the_work_back(portal, make_case, customer):
    case = make_case("resolved")
    response = portal.post(
        url("case-reject", case), {"reason": "3号摄像头晚上还是黑屏"}, follow=True
    )
    case.refresh_from_db()
    assert case.status == "in_progress" and case.resolved_at is None
    entry = case.timeline.order_by("-seq").first()
    assert (entry.kind, entry.author, entry.body) == ("rejected", customer, "3号摄像头晚上还是黑屏")
    body = response.content.decode()
    assert "we are working on your request again" in body and "Being worked on" in body


# --- notes and files --------------------------------------------------------------------------


def test_a_note_with_files_is_public(portal, case_a, customer):
    response = portal.post(
        url("case-note", case_a),
        {
            "body": "晚上8点后黑屏",
            "visibility": "internal",  # not the customer's to choose: ignored
            "files": [upload("黑屏.jpg"), upload("日志.txt", b"log", "text/plain")],
        },
    )
    assert response.status_code == 302
    entries = list(case_a.timeline.order_by("seq"))[-3:]
    assert [(e.kind, e.visibility, e.author) for e in entries] == [
        ("note", "public", customer),
        ("attachment", "public", customer),
        ("attachment", "public", customer),
    ]
    assert sorted(a.name for a in Attachment.objects.filter(case=case_a)) == [
        "日志.txt",
        "黑屏.jpg",
    ]
    assert {a.visibility for a in Attachment.objects.filter(case=case_a)} == {"public"}


def test_an_empty_note_is_refused(portal, case_a):
    before = snapshot(case_a)
    response = portal.post(url("case-note", case_a), {"body": "   "})
    assert response.status_code == 400
    assert "Write a note or add a file." in response.content.decode()
    assert snapshot(case_a) == before


def test_a_refused_file_keeps_the_note_unsent_and_typed(portal, case_a):
    before = snapshot(case_a)
    response = portal.post(
        url("case-note", case_a),
        {"body": "附上工具", "files": [upload("photo.jpg"), upload("tool.exe", b"MZ")]},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "tool.exe: Files of type .exe are not accepted." in body
    assert ">附上工具</textarea>" in body
    assert snapshot(case_a) == before


def test_a_file_over_the_limit_is_refused(portal, case_a, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    before = snapshot(case_a)
    response = portal.post(url("case-note", case_a), {"files": [upload("big.jpg", b"x" * 11)]})
    assert response.status_code == 400
    assert "big.jpg: The file is larger than the limit of 10\xa0bytes." in response.content.decode()
    assert snapshot(case_a) == before


def test_downloading_a_public_file(portal, case_a, engineer):
    attachment = attach(case_a, engineer, "public", name="诊断报告.pdf", content=b"%PDF-1.4")
    response = portal.get(url("attachment", case_a, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4"
    assert "attachment;" in response["Content-Disposition"]


def test_an_internal_file_of_ones_own_case_is_not_found(portal, case_a, engineer):
    attachment = attach(case_a, engineer, "internal", name="内部报价.xlsx")
    assert portal.get(url("attachment", case_a, attachment.pk)).status_code == 404


def test_a_file_asked_for_under_another_case_number_is_not_found(
    portal, case_a, engineer, org_a, dispatcher
):
    other = open_case(actor=dispatcher, organisation=org_a)
    attachment = attach(case_a, engineer, "public")
    assert portal.get(url("attachment", other, attachment.pk)).status_code == 404


# --- changes appear without a reload ----------------------------------------------------------


def test_the_live_region_answers_204_until_the_customer_has_something_new(
    portal, case_a, dispatcher, engineer, team
):
    live = url("case-live", case_a)
    seen = portal.get(url("case", case_a)).context["marker"]
    assert portal.get(live, {"seen": seen}).status_code == 204

    services.case_note(case=case_a, actor=dispatcher, body="内部讨论", visibility="internal")
    assert portal.get(live, {"seen": seen}).status_code == 204

    services.case_assign(case=case_a, assignee=engineer, actor=dispatcher)
    changed = portal.get(live, {"seen": seen})
    assert changed.status_code == 200
    body = changed.content.decode()
    assert "An engineer is assigned" in body and "内部讨论" not in body
    assert 'id="case-live"' in body
    assert portal.get(live, {"seen": changed.context["marker"]}).status_code == 204


def test_a_fix_appears_live_with_its_call_to_action(portal, make_case, engineer):
    case = make_case("in_progress")
    seen = portal.get(url("case", case)).context["marker"]
    services.case_resolve(case=case, cause="hardware", solution="更换了电源", actor=engineer)
    body = portal.get(url("case-live", case), {"seen": seen}).content.decode()
    assert 'data-testid="confirm-cta"' in body and "更换了电源" in body


# --- query budgets ----------------------------------------------------------------------------


def _grow(case, actor, engineer, n):
    for i in range(n):
        services.case_note(case=case, actor=actor, body=f"说明{i}", visibility="public")
        services.case_note(case=case, actor=actor, body=f"内部{i}", visibility="internal")
    for i in range(n // 3):
        attach(case, engineer, "public", name=f"照片{i}.jpg", content=f"{i}".encode())


def test_the_case_page_and_its_live_region_run_a_fixed_number_of_queries(
    portal, make_case, dispatcher, engineer
):
    case = make_case("resolved")
    _grow(case, dispatcher, engineer, 2)
    page = url("case", case)
    live = url("case-live", case)
    few = (count_queries(lambda: portal.get(page)), count_queries(lambda: portal.get(live)))
    _grow(case, dispatcher, engineer, 28)
    assert TimelineEntry.objects.filter(case=case, visibility="public").count() > 30
    many = (count_queries(lambda: portal.get(page)), count_queries(lambda: portal.get(live)))
    assert few == many
    assert many[0] <= 20


def test_posting_runs_a_fixed_number_of_queries(portal, case_a, dispatcher, engineer):
    _grow(case_a, dispatcher, engineer, 2)
    few = count_queries(lambda: portal.post(url("case-note", case_a), {"body": "一"}))
    _grow(case_a, dispatcher, engineer, 28)
    many = count_queries(lambda: portal.post(url("case-note", case_a), {"body": "二"}))
    assert few == many
