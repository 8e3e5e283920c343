"""The portal's boundaries, tested from the outside: a customer of organisation B guessing
organisation A's addresses gets 404, exactly as for a case that does not exist; a customer
opening the staff pages gets 403 and no staff data; staff and strangers stay out."""

import pytest
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.models import Attachment, Case
from aftersales.portal.tests.helpers import attach, upload

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def resolved_a(make_case):
    return make_case("resolved", title="中关村交换机端口故障")


@pytest.fixture
def as_b(client, customer_b):
    client.force_login(customer_b)
    return client


def state(case):
    case = Case.objects.get(pk=case.pk)
    return case.status, case.confirmed_at, case.timeline_count, Attachment.objects.count()


def test_another_organisations_case_reads_as_missing(as_b, resolved_a, engineer):
    public = attach(resolved_a, engineer, "public", name="诊断报告.pdf")
    addresses = [
        reverse("portal:case", args=[resolved_a.number]),
        reverse("portal:case-live", args=[resolved_a.number]) + "?seen=x",
        reverse("portal:attachment", args=[resolved_a.number, public.pk]),
    ]
    for address in addresses:
        response = as_b.get(address)
        assert response.status_code == 404, address
        body = response.content.decode()
        assert "中关村交换机端口故障" not in body and "诊断报告" not in body
    missing = as_b.get(reverse("portal:case", args=["20991231-999999"]))
    assert missing.status_code == 404


def test_another_organisations_case_cannot_be_changed(as_b, resolved_a):
    before = state(resolved_a)
    posts = [
        ("portal:case-confirm", {}),
        ("portal:case-reject", {"reason": "不行"}),
        ("portal:case-note", {"body": "乱写", "files": [upload()]}),
    ]
    for name, data in posts:
        response = as_b.post(reverse(name, args=[resolved_a.number]), data)
        assert response.status_code == 404, name
    assert state(resolved_a) == before


def test_an_attachment_id_of_another_organisation_under_ones_own_case(
    client, customer_b, case_b, resolved_a, engineer
):
    foreign = attach(resolved_a, engineer, "public")
    client.force_login(customer_b)
    response = client.get(reverse("portal:attachment", args=[case_b.number, foreign.pk]))
    assert response.status_code == 404


def test_search_and_filters_never_reach_another_organisation(as_b, resolved_a, case_b):
    home = reverse("portal:home")
    for params in ({"q": resolved_a.number}, {"q": "中关村"}, {"show": "awaiting"}, {}):
        response = as_b.get(home, params)
        assert "中关村交换机端口故障" not in response.content.decode(), params
        assert resolved_a.number not in [case.number for case in response.context["rows"]]
        assert all(
            case.organisation_id == case_b.organisation_id for case in response.context["rows"]
        )
    assert 'data-testid="awaiting-cta"' not in as_b.get(home).content.decode()


STAFF_PAGES = [
    "/desk/",
    "/desk/lookup/?q=HDGA",
    "/cases/",
    "/my/",
    "/manager/",
]


def test_a_customer_opening_staff_pages_gets_403_and_no_staff_data(portal, case_a, dispatcher):
    services.case_note(
        case=case_a, actor=dispatcher, body="内部：客户难沟通", visibility="internal"
    )
    internal = attach(case_a, dispatcher, "internal", name="内部报价.xlsx")
    pages = [
        *STAFF_PAGES,
        reverse("workspace:case", args=[case_a.number]),
        reverse("workspace:case-live", args=[case_a.number]),
        reverse("workspace:attachment", args=[case_a.number, internal.pk]),
    ]
    for page in pages:
        response = portal.get(page)
        assert response.status_code == 403, page
        body = response.content.decode()
        assert "内部" not in body and "dispatcher" not in body, page


def test_a_customer_cannot_post_to_staff_endpoints(portal, case_a):
    before = state(case_a)
    posts = [
        (
            reverse("workspace:case-note", args=[case_a.number]),
            {"body": "x", "visibility": "internal"},
        ),
        (reverse("workspace:case-action", args=[case_a.number, "cancel"]), {"reason": "x"}),
        (reverse("workspace:desk-case-create"), {"organisation": "HDGA", "title": "x"}),
    ]
    for address, data in posts:
        assert portal.post(address, data).status_code == 403, address
    assert state(case_a) == before
    assert Case.objects.count() == 1


def test_staff_have_the_workspace_not_the_portal(client, dispatcher, case_a):
    client.force_login(dispatcher)
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:case", args=[case_a.number])).status_code == 403
    assert client.get(reverse("portal:new")).status_code == 403


def test_strangers_are_asked_to_sign_in(client, case_a):
    for address in (
        reverse("portal:home"),
        reverse("portal:case", args=[case_a.number]),
        reverse("portal:new"),
    ):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), address


def test_an_inactive_customer_sees_nothing(client, customer, case_a):
    customer.is_active = False
    customer.save()
    client.force_login(customer)
    response = client.get(reverse("portal:case", args=[case_a.number]))
    assert response.status_code in (302, 404)
    assert case_a.title not in response.content.decode()
