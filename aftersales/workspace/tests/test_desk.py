"""The service desk: take a call, open a case from the lookup, record a consultation."""

import re

import pytest
from django.urls import reverse

from aftersales.cases.models import Case, Consultation


@pytest.fixture
def desk(client, dispatcher):
    client.force_login(dispatcher)
    return client


def test_typing_a_serial_finds_the_customer_and_its_assets(desk, asset_a, contract_a, team):
    response = desk.get(reverse("workspace:desk-lookup"), {"q": asset_a.serial_number})
    body = response.content.decode()
    assert response.status_code == 200
    assert "海淀区公安分局" in body and asset_a.serial_number in body and contract_a.number in body
    assert "engineer" in body  # engineers with their load, to assign on the call


def test_the_case_form_is_prefilled_with_the_caller_and_the_device_looked_up(
    desk, org_a, asset_a, site_a
):
    from aftersales.customers.tests.factories import AssetFactory, ContactFactory

    ContactFactory(organisation=org_a, name="张科长")
    caller = ContactFactory(organisation=org_a, name="王警官", mobile="13911112222")
    other = AssetFactory(site=site_a)

    def checked(body, asset):
        tag = re.search(rf'<input[^>]*name="assets" value="{asset.pk}"[^>]*>', body).group(0)
        return " checked" in tag

    body = desk.get(reverse("workspace:desk-lookup"), {"q": asset_a.serial_number.lower()})
    body = body.content.decode()
    assert checked(body, asset_a) and not checked(body, other)

    body = desk.get(reverse("workspace:desk-lookup"), {"q": "13911112222"}).content.decode()
    assert f'<option value="{caller.pk}" selected>王警官</option>' in body
    assert not checked(body, asset_a)


def test_the_lookup_never_shows_nothing_silently(desk, org_a):
    body = desk.get(reverse("workspace:desk-lookup"), {"q": "XYZ-NOPE"}).content.decode()
    assert "No customer matches" in body or "没有" in body


def test_open_and_assign_a_case_from_the_lookup(desk, org_a, asset_a, engineer, team):
    response = desk.post(
        reverse("workspace:desk-case-create"),
        {
            "organisation": "HDGA",
            "title": "3号摄像头黑屏",
            "description": "夜间",
            "severity": "P2",
            "case_type": "fault",
            "channel": "phone",
            "assets": [asset_a.pk],
            "assignee": "engineer",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "workspace:case", args=[case.number]
    )
    assert (case.severity, case.status, case.assignee) == ("P2", "assigned", engineer)
    assert list(case.assets.all()) == [asset_a]


def test_an_asset_of_another_customer_is_refused(desk, org_a, asset_b):
    response = desk.post(
        reverse("workspace:desk-case-create"),
        {
            "organisation": "HDGA",
            "title": "x",
            "severity": "P3",
            "case_type": "fault",
            "channel": "phone",
            "assets": [asset_b.pk],
        },
        follow=True,
    )
    assert Case.objects.count() == 0
    assert "This asset belongs to another organisation." in next(
        str(m) for m in response.context["messages"]
    )


def test_a_consultation_then_a_case_from_it(desk, org_a):
    desk.post(
        reverse("workspace:desk-consultation"),
        {
            "organisation": "HDGA",
            "caller_name": "王警官",
            "question": "如何导出录像？",
            "answer": "客户端-回放-下载",
            "resolved": "on",
        },
    )
    consultation = Consultation.objects.get()
    assert consultation.resolved and not consultation.satisfied
    response = desk.post(
        reverse("workspace:consultation-to-case", args=[consultation.pk]), {"severity": "P4"}
    )
    consultation.refresh_from_db()
    assert response.status_code == 302 and consultation.case.case_type == "consultation"


def test_queues(desk, dispatcher, org_a):
    from aftersales.cases import services

    services.case_create(
        actor=dispatcher, organisation=org_a, title="新报修", severity="P3", channel="phone"
    )
    body = desk.get(reverse("workspace:desk"), {"queue": "unassigned"}).content.decode()
    assert "新报修" in body
    assert desk.get(reverse("workspace:desk"), {"queue": "breached"}).status_code == 200


def test_the_lookup_runs_the_same_queries_for_2_records_as_for_20(
    desk, org_a, site_a, contract_a, dispatcher, engineer, team
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.accounts.tests.factories import UserFactory
    from aftersales.cases.tests.factories import open_case
    from aftersales.customers.tests.factories import (
        AssetFactory,
        ContactFactory,
        ContractFactory,
        ProjectFactory,
        SiteFactory,
    )

    def grow(n):
        for _ in range(n):
            site = SiteFactory(organisation=org_a)
            ContactFactory(organisation=org_a)
            AssetFactory(site=site, contract=contract_a)
            ProjectFactory(organisation=org_a)
            ContractFactory(organisation=org_a)
            open_case(actor=dispatcher, organisation=org_a)
            UserFactory(roles=["engineer"])

    def count(q) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = desk.get(reverse("workspace:desk-lookup"), {"q": q})
        assert response.status_code == 200 and "海淀区公安分局" in response.content.decode()
        return len(queries)

    grow(2)
    few = (count("HDGA"), count("海淀"))
    grow(18)
    assert (count("HDGA"), count("海淀")) == few
    assert few[0] <= 25
