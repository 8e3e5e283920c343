"""Bad input to the case API: each refusal is a 4xx in the documented JSON shape, names the
field at fault, speaks the request's language, and changes nothing.

For the project's own messages the zh-Hans assertions expect whatever the catalogue holds,
so they follow edits to the translations; messages from Django REST framework are asserted
in Chinese."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from aftersales.cases import services
from aftersales.cases.models import Case, TimelineEntry
from aftersales.core import clock
from aftersales.core.tests.utils import assert_error
from aftersales.customers.tests.factories import ContactFactory, SiteFactory

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
LANGUAGES = ["en", "zh-hans"]


def t(language: str, message: str) -> str:
    """`message` as the catalogue renders it in `language`."""
    with translation.override(language):
        return translation.gettext(message)


def _state():
    """Everything a refused request must leave as it was."""
    return (
        list(Case.objects.order_by("pk").values()),
        list(TimelineEntry.objects.order_by("pk").values_list("pk", "case_id", "seq", "kind")),
    )


@pytest.fixture
def valid(org_a):
    return {
        "organisation": "HDGA",
        "title": "摄像头黑屏",
        "description": "",
        "severity": "P3",
        "channel": "phone",
    }


def _create(client, data, language):
    with clock.frozen(NOW):
        return client.post("/api/v1/cases/", data, format="json", HTTP_ACCEPT_LANGUAGE=language)


# --- opening a case -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_unknown_severity(api, dispatcher, valid, language):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "severity": "P9"}, language)

    expected = {"en": '"P9" is not a valid choice.', "zh-hans": "“P9” 不是合法选项。"}
    assert_error(response, 400, field="severity", message=expected[language], code="invalid")
    assert response["Content-Language"] == language
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_reported_in_the_future(api, dispatcher, valid, language):
    before = _state()

    response = _create(
        api.as_user(dispatcher), {**valid, "reported_at": "2026-06-01T11:00:00+08:00"}, language
    )

    assert_error(
        response,
        400,
        field="reported_at",
        message=t(language, "The report time cannot be in the future."),
        code="invalid",
    )
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_malformed_report_time(api, dispatcher, valid, language):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "reported_at": "昨天下午"}, language)

    body = assert_error(response, 400, field="reported_at", code="invalid")
    prefix = {"en": "Datetime has wrong format.", "zh-hans": "日期时间格式错误。"}[language]
    assert body["errors"]["reported_at"][0].startswith(prefix)
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_asset_of_another_organisation(api, dispatcher, valid, asset_a, asset_b, language):
    """Staff see both organisations' assets: the service refuses the mix by name."""
    before = _state()

    response = _create(
        api.as_user(dispatcher), {**valid, "assets": [asset_a.pk, asset_b.pk]}, language
    )

    message = t(language, "This %(what)s belongs to another organisation.") % {
        "what": t(language, "asset")
    }
    assert_error(response, 400, field="assets", message=message, code="invalid")
    assert _state() == before


@pytest.mark.parametrize(
    ("field", "make"),
    [
        ("site", lambda org_b: SiteFactory(organisation=org_b)),
        ("contact", lambda org_b: ContactFactory(organisation=org_b)),
    ],
)
def test_site_or_contact_of_another_organisation(api, dispatcher, valid, org_b, field, make):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, field: make(org_b).pk}, "en")

    assert_error(
        response,
        400,
        field=field,
        message=f"This {field} belongs to another organisation.",
    )
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_fields_are_each_named(api, dispatcher, language):
    before = _state()

    response = _create(api.as_user(dispatcher), {"description": ""}, language)

    body = assert_error(response, 400, code="invalid")
    required = {"en": "This field is required.", "zh-hans": "该字段是必填项。"}[language]
    assert body["errors"] == {
        "organisation": [required],
        "title": [required],
        "severity": [required],
        "channel": [required],
    }
    assert body["detail"] == required
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_blank_title(api, dispatcher, valid, language):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "title": ""}, language)

    blank = {"en": "This field may not be blank.", "zh-hans": "该字段不能为空。"}[language]
    assert_error(response, 400, field="title", message=blank)
    assert _state() == before


def test_unknown_organisation(api, dispatcher, valid):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "organisation": "NOSUCH"}, "en")

    assert_error(response, 400, field="organisation", message="Unknown organisation.")
    assert _state() == before


def test_archived_organisation_takes_no_new_cases(api, dispatcher, valid, org_a):
    org_a.archived_at = NOW
    org_a.save()
    before = _state()

    response = _create(api.as_user(dispatcher), valid, "en")

    assert_error(response, 400, field="organisation", message="This organisation is archived.")
    assert _state() == before


def test_unknown_vendor_and_channel(api, dispatcher, valid):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "vendor": 999999, "channel": "fax"}, "en")

    body = assert_error(response, 400, code="invalid")
    assert body["errors"] == {
        "vendor": ["Unknown vendor."],
        "channel": ['"fax" is not a valid choice.'],
    }
    assert _state() == before


# --- actions: not now, not you, not that ----------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_transition_not_allowed_from_the_state(api, make_case, engineer, language):
    case = make_case("new")
    before = _state()

    response = api.as_user(engineer).post(
        f"/api/v1/cases/{case.number}/resolve/",
        {"cause": "power", "solution": "换电源"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    message = t(language, "“%(action)s” is not allowed while the case is %(status)s.") % {
        "action": t(language, "Resolve"),
        "status": t(language, "New"),
    }
    assert_error(response, 409, message=message, code="invalid_transition")
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_transition_not_allowed_to_this_user(api, make_case, engineer, language):
    case = make_case("new")
    before = _state()

    response = api.as_user(engineer).post(
        f"/api/v1/cases/{case.number}/assign/",
        {"assignee": "engineer"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    message = t(language, "You may not “%(action)s”.") % {"action": t(language, "Assign")}
    assert_error(response, 403, message=message, code="not_permitted")
    assert _state() == before


def test_refusal_comes_before_the_input_is_read(api, make_case, customer):
    """A customer asking to assign learns it may not, not which engineers exist."""
    case = make_case("new")
    before = _state()

    response = api.as_user(customer).post(
        f"/api/v1/cases/{case.number}/assign/", {"assignee": "nobody"}, format="json"
    )

    assert_error(response, 403, message="You may not “Assign”.")
    assert _state() == before


def test_engineer_may_not_close_what_it_resolved(api, make_case, engineer, dispatcher):
    case = make_case("resolved")
    services.case_confirm(case=case, actor=dispatcher, note="")
    before = _state()

    response = api.as_user(engineer).post(f"/api/v1/cases/{case.number}/close/", {})

    assert_error(response, 403, message="You may not “Close the case”.", code="not_permitted")
    assert _state() == before


def test_manager_may_not_close_before_confirmation(api, make_case, manager):
    case = make_case("resolved")
    before = _state()

    response = api.as_user(manager).post(f"/api/v1/cases/{case.number}/close/", {})

    assert_error(
        response,
        409,
        message=(
            "The customer has not confirmed the resolution yet; it counts as confirmed "
            "3 working days after resolving."
        ),
        code="not_permitted_now",
    )
    assert _state() == before


def test_only_the_owner_responds(api, make_case, engineer2):
    case = make_case("assigned")
    before = _state()

    response = api.as_user(engineer2).post(f"/api/v1/cases/{case.number}/respond/", {})

    assert_error(
        response,
        409,
        message="Only the case's owner responds; another engineer takes the case over.",
        code="not_permitted_now",
    )
    assert _state() == before


# (action, state, who, body, field, English message)
BAD_ACTION_INPUT = [
    ("assign", "new", "dispatcher", {"assignee": "nobody"}, "assignee",
     "Object with username=nobody does not exist."),
    ("assign", "new", "dispatcher", {"assignee": "customer"}, "assignee",
     "Object with username=customer does not exist."),
    ("assign", "new", "dispatcher", {"assignee": "manager"}, "assignee",
     "manager is not an active engineer."),
    ("assign", "new", "dispatcher", {"assignee": "expert", "team": "onsite"}, "assignee",
     "expert is not a member of 现场服务组."),
    ("assign", "new", "dispatcher", {}, "assignee", "This field is required."),
    ("transfer", "in_progress", "engineer", {"team": "onsite", "assignee": "engineer2"},
     "reason", "This field is required."),
    ("transfer", "in_progress", "engineer",
     {"team": "nosuch", "assignee": "engineer2", "reason": "x"}, "team",
     "Object with code=nosuch does not exist."),
    ("escalate", "in_progress", "engineer", {"expert": "engineer2", "reason": "x"}, "expert",
     "engineer2 is not an expert."),
    ("wait", "in_progress", "engineer", {"on": "weather", "reason": "x"}, "on",
     '"weather" is not a valid choice.'),
    ("wait", "in_progress", "engineer", {"on": "customer", "reason": "  "}, "reason",
     "This field may not be blank."),
    ("confirm-cause", "in_progress", "engineer", {"cause": "ghosts", "diagnosis": "x"}, "cause",
     '"ghosts" is not a valid choice.'),
    ("set-severity", "in_progress", "dispatcher", {"severity": "P0", "reason": "x"}, "severity",
     '"P0" is not a valid choice.'),
    ("call", "in_progress", "engineer", {"kind": "remote", "summary": "远程"}, "consent",
     "A remote session needs the customer's consent."),
    ("call", "in_progress", "engineer", {"summary": "电话", "minutes": -5}, "minutes",
     "Ensure this value is greater than or equal to 0."),
    ("resolve", "in_progress", "engineer", {"cause": "power", "solution": ""}, "solution",
     "This field may not be blank."),
    ("reject", "resolved", "customer", {}, "reason", "This field is required."),
    ("note", "in_progress", "engineer", {"body": ""}, "body", "This field may not be blank."),
    ("note", "in_progress", "customer", {"body": "x", "visibility": "internal"}, "visibility",
     "Customers add notes visible to both sides only."),
    ("link-master", "new", "dispatcher", {"master": "19990101-000000"}, "master",
     "Object with number=19990101-000000 does not exist."),
    ("follow-up", "closed", "customer", {"title": ""}, "title", "This field may not be blank."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("action", "state", "who", "body", "field", "message"),
    BAD_ACTION_INPUT,
    ids=[f"{row[0]}-{row[4]}-{i}" for i, row in enumerate(BAD_ACTION_INPUT)],
)
def test_bad_action_input(
    request, api, make_case, team, expert, action, state, who, body, field, message
):
    case = make_case(state)
    user = request.getfixturevalue(who)
    before = _state()

    response = api.as_user(user).post(f"/api/v1/cases/{case.number}/{action}/", body, format="json")

    assert_error(response, 400, field=field, message=message, code="invalid")
    assert _state() == before


def test_bad_action_input_in_chinese(api, make_case, dispatcher):
    case = make_case("new")
    before = _state()

    response = api.as_user(dispatcher).post(
        f"/api/v1/cases/{case.number}/assign/",
        {"assignee": "nobody"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert_error(response, 400, field="assignee", message="属性 username 为 nobody 的对象不存在。")
    assert _state() == before


def test_a_case_cannot_be_its_own_master(api, make_case, dispatcher):
    case = make_case("new")
    before = _state()

    response = api.as_user(dispatcher).post(
        f"/api/v1/cases/{case.number}/link-master/", {"master": case.number}, format="json"
    )

    assert_error(response, 400, field="master", message="A case cannot be its own master.")
    assert _state() == before


def test_master_must_be_open(api, make_case, dispatcher):
    case, closed = make_case("new"), make_case("closed")
    before = _state()

    response = api.as_user(dispatcher).post(
        f"/api/v1/cases/{case.number}/link-master/", {"master": closed.number}, format="json"
    )

    assert_error(
        response,
        400,
        field="master",
        message="The master must be an open case that is not itself a duplicate.",
    )
    assert _state() == before


def test_a_master_with_waiting_duplicates_cannot_be_cancelled(api, make_case, dispatcher):
    master, duplicate = make_case("new"), make_case("new")
    services.case_link_master(case=duplicate, master=master, actor=dispatcher)
    before = _state()

    response = api.as_user(dispatcher).post(
        f"/api/v1/cases/{master.number}/cancel/", {"reason": "误报"}, format="json"
    )

    assert_error(
        response,
        409,
        message="Duplicates wait on this case; link them elsewhere first.",
        code="has_duplicates",
    )
    assert _state() == before


def test_unknown_action_is_404(api, make_case, dispatcher):
    case = make_case("new")
    before = _state()

    response = api.as_user(dispatcher).post(f"/api/v1/cases/{case.number}/explode/", {})

    assert response.status_code == 404
    assert _state() == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_oversized_attachment_in_each_language(api, make_case, engineer, settings, media, language):
    settings.ATTACHMENT_MAX_BYTES = 10
    case = make_case("in_progress")
    before = _state()

    response = api.as_user(engineer).post(
        f"/api/v1/cases/{case.number}/attachments/",
        {"file": SimpleUploadedFile("big.log", b"x" * 11, "text/plain")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    with translation.override(language):
        limit = filesizeformat(10)
    message = t(language, "The file is larger than the limit of %(limit)s.") % {"limit": limit}
    assert_error(response, 400, field="file", message=message)
    if language == "zh-hans":
        assert "字节" in message  # Django's own words for the size are translated
    assert _state() == before


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", {"id": 1}, [1]])
def test_organisation_that_is_no_id_or_code(api, dispatcher, valid, value):
    before = _state()

    response = _create(api.as_user(dispatcher), {**valid, "organisation": value}, "en")

    assert_error(response, 400, field="organisation", message="Unknown organisation.")
    assert _state() == before
