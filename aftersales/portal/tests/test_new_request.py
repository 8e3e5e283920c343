"""Opening a request: what is wrong, how badly, where and on which device, with files."""

import pytest
from django.urls import reverse

from aftersales.cases.models import Attachment, Case, TimelineEntry
from aftersales.customers.tests.factories import AssetFactory, SiteFactory
from aftersales.portal import services
from aftersales.portal.tests.helpers import count_queries, upload

pytestmark = pytest.mark.usefixtures("media")

NEW = reverse("portal:new")
ASSETS = reverse("portal:new-assets")


def form(**fields):
    return {
        "title": "3号摄像头黑屏",
        "description": "从昨晚开始没有画面",
        "severity": "P2",
        **fields,
    }


def nothing_created():
    return Case.objects.count() == 0 and TimelineEntry.objects.count() == 0


def test_the_form_explains_severity_in_plain_words(portal, site_a):
    body = portal.get(NEW).content.decode()
    assert "P1 – system down" in body and "The whole system is down" in body
    assert "P4 – request / little impact" in body
    assert "information, installation or configuration help" in body
    assert site_a.name in body


def test_a_single_site_is_chosen_already_with_its_devices(portal, site_a, asset_a):
    response = portal.get(NEW)
    assert response.context["site_id"] == site_a.pk
    assert response.context["assets"] == [asset_a]


def test_a_link_may_name_the_site_but_only_ones_own(portal, org_a, site_a, site_b, asset_b):
    gate = SiteFactory(organisation=org_a, name="西门岗亭")
    camera = AssetFactory(site=gate)
    assert portal.get(NEW, {"site": gate.pk}).context["assets"] == [camera]
    response = portal.get(NEW, {"site": site_b.pk})
    assert response.context["assets"] == []
    assert asset_b.serial_number not in response.content.decode()


def test_opening_a_request(portal, customer, site_a, asset_a):
    response = portal.post(
        NEW,
        form(site=site_a.pk, asset=asset_a.pk, files=[upload("黑屏.jpg")]),
        follow=True,
    )
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("portal:case", args=[case.number])
    assert (case.channel, case.severity, case.title) == ("portal", "P2", "3号摄像头黑屏")
    assert (case.organisation, case.site, case.contact) == (
        customer.organisation,
        site_a,
        customer.contact,
    )
    assert case.caller_name == "王警官"
    assert list(case.assets.all()) == [asset_a]
    assert case.created_by == customer
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.visibility) == ("黑屏.jpg", "public")
    body = response.content.decode()
    assert f"Your request {case.number} has been received." in body
    assert "Received, an engineer will be assigned" in body


def test_a_request_without_a_device(portal, site_a, asset_a):
    assert portal.post(NEW, form(site=site_a.pk, asset="")).status_code == 302
    case = Case.objects.get()
    assert (case.site, list(case.assets.all())) == (site_a, [])


def test_the_device_list_follows_the_site(portal, org_a, site_a, asset_a):
    other_site = SiteFactory(organisation=org_a, name="西门岗亭")
    gate_camera = AssetFactory(site=other_site, name="西门枪机")
    body = portal.get(ASSETS, {"site": other_site.pk}).content.decode()
    assert gate_camera.serial_number in body and asset_a.serial_number not in body
    body = portal.get(ASSETS, {"site": site_a.pk}).content.decode()
    assert asset_a.serial_number in body and gate_camera.serial_number not in body


def test_another_organisations_site_lists_no_devices(portal, site_b, asset_b):
    response = portal.get(ASSETS, {"site": site_b.pk})
    assert response.status_code == 200
    assert response.context["assets"] == []
    assert asset_b.serial_number not in response.content.decode()
    assert portal.get(ASSETS, {"site": "x"}).context["assets"] == []


def test_a_device_of_another_organisation_posted_by_hand_is_refused(portal, site_a, asset_b):
    response = portal.post(NEW, form(site=site_a.pk, asset=asset_b.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["asset"] == [
        "Unknown device: choose one of your organisation's devices from the list."
    ]
    body = response.content.decode()
    assert "Your request was not sent yet" in body
    assert asset_b.serial_number not in body
    assert 'value="3号摄像头黑屏"' in body  # nothing typed is lost
    assert nothing_created()


def test_a_site_of_another_organisation_posted_by_hand_is_refused(portal, site_a, site_b):
    response = portal.post(NEW, form(site=site_b.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["site"] == [
        "Unknown site: choose one of your organisation's."
    ]
    assert site_b.name not in response.content.decode()
    assert nothing_created()


def test_a_device_at_another_of_ones_sites_is_refused(portal, org_a, site_a, asset_a):
    gate = SiteFactory(organisation=org_a, name="西门岗亭")
    response = portal.post(NEW, form(site=gate.pk, asset=asset_a.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["asset"] == ["This device is not at the site you chose."]
    assert nothing_created()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": " "}, "title", "Say in a few words what is wrong."),
        ({"severity": ""}, "severity", "Choose how badly your work is affected."),
        (
            {"severity": "P0"},
            "severity",
            "Select a valid choice. P0 is not one of the available choices.",
        ),
        ({"site": ""}, "site", "Choose the site where the problem is."),
        ({"asset": "abc"}, "asset", None),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(portal, site_a, fields, field, message):
    response = portal.post(NEW, {**form(site=site_a.pk), **fields})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert nothing_created()


def test_a_refused_file_creates_nothing(portal, site_a):
    response = portal.post(NEW, form(site=site_a.pk, files=[upload("setup.exe", b"MZ")]))
    assert response.status_code == 400
    assert "setup.exe: Files of type .exe are not accepted." in response.content.decode()
    assert nothing_created() and Attachment.objects.count() == 0


def test_a_failing_file_rolls_the_whole_request_back(customer, site_a, settings):
    """The service's own checks, should a file get past the form: nothing half-written."""
    from aftersales.core.errors import ValidationError

    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.request_open(
            actor=customer,
            title="t",
            description="",
            severity="P3",
            site=site_a,
            uploads=[upload("a.jpg", b"ok"), upload("b.jpg", b"x" * 11)],
        )
    assert nothing_created() and Attachment.objects.count() == 0


def test_staff_do_not_open_requests_in_the_portal(dispatcher, site_a):
    from aftersales.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.request_open(
            actor=dispatcher, title="t", description="", severity="P3", site=site_a
        )


def test_the_form_and_the_device_list_run_a_fixed_number_of_queries(portal, org_a, site_a):
    AssetFactory(site=site_a)
    SiteFactory(organisation=org_a)
    few = (
        count_queries(lambda: portal.get(NEW, {"site": site_a.pk})),
        count_queries(lambda: portal.get(ASSETS, {"site": site_a.pk})),
    )
    for _ in range(29):
        AssetFactory(site=site_a)
        SiteFactory(organisation=org_a)
    many = (
        count_queries(lambda: portal.get(NEW, {"site": site_a.pk})),
        count_queries(lambda: portal.get(ASSETS, {"site": site_a.pk})),
    )
    assert len(portal.get(NEW, {"site": site_a.pk}).context["assets"]) == 30
    assert few == many
