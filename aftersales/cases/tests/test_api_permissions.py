"""The shared permission suite: every case endpoint (list, detail, create, each action,
attachments, lookup, consultations, redaction) as every role. Staff see every organisation;
a customer contact sees its own organisation's records, never internal entries or files,
and anything of another organisation is a 404, exactly as if it did not exist; anonymous
requests get 401. A refused request changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales.cases import services
from aftersales.cases.api.actions import ACTIONS as REGISTRY
from aftersales.cases.models import Attachment, Case, Consultation, TimelineEntry
from aftersales.cases.tests.factories import open_case
from aftersales.core.tests.utils import DESK_ROLES, ROLES, STAFF_ROLES, assert_error, role_user

NOT_LOGGED_IN = "Authentication credentials were not provided."
NO_SUCH_CASE = "No such case."


@pytest.fixture
def as_role(request, client_for):
    """as_role("customer_b") → an API client signed in as that role's user."""
    return lambda role: client_for(role_user(request, role))


@pytest.fixture
def world(make_case, org_a, org_b, asset_a, asset_b, dispatcher, engineer, customer, team, media):
    """Case A (organisation A, in progress, owned by engineer) with an internal note, a
    public and an internal file; case B (organisation B); a consultation."""
    case_a = make_case("in_progress", assets=[asset_a], title="A 的故障")
    services.case_note(case=case_a, actor=engineer, body="机房门禁密码 4321", visibility="internal")
    public = services.case_attach(
        case=case_a,
        actor=engineer,
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 public", "application/pdf"),
        visibility="public",
    )
    internal = services.case_attach(
        case=case_a,
        actor=engineer,
        upload=SimpleUploadedFile("config.txt", b"admin:secret", "text/plain"),
        visibility="internal",
    )
    case_b = open_case(actor=dispatcher, organisation=org_b, assets=[asset_b], title="B 的故障")
    consultation = services.consultation_record(
        actor=dispatcher, caller_name="王警官", question="如何回放录像？", organisation=org_a
    )
    return {
        "a": case_a,
        "b": case_b,
        "public": public,
        "internal": internal,
        "consultation": consultation,
    }


def _snapshot():
    """What a refused request must leave as it was."""
    return (
        list(Case.objects.order_by("pk").values_list("pk", "status", "assignee_id", "severity")),
        TimelineEntry.objects.count(),
        Attachment.objects.count(),
        Consultation.objects.count(),
    )


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["number"] for row in response.json()["results"]}


# --- reading cases --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_case_list(as_role, world, role):
    response = as_role(role).get("/api/v1/cases/")

    expected = {
        "customer": {world["a"].number},
        "customer_b": {world["b"].number},
    }.get(role, {world["a"].number, world["b"].number})
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN, code="not_authenticated")
    else:
        assert _numbers(response) == expected


@pytest.mark.parametrize("role", ROLES)
def test_case_detail(as_role, world, role):
    response = as_role(role).get(f"/api/v1/cases/{world['a'].number}/")

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE, code="not_found")
    else:
        body = response.json()
        assert response.status_code == 200
        kinds = [e["kind"] for e in body["timeline"]]
        if role == "customer":
            assert kinds == ["created", "assigned", "responded", "attachment"]
            assert "4321" not in str(body)
            assert "config.txt" not in str(body)
        else:
            assert kinds.count("attachment") == 2
            assert "机房门禁密码 4321" in str(body)


@pytest.mark.parametrize("role", ["customer", "customer_b"])
@pytest.mark.parametrize("filter_name", ["organisation", "organisation-code", "status", "assignee"])
def test_list_filters_never_reach_another_organisation(
    as_role, world, org_a, org_b, role, filter_name
):
    """Naming the other organisation (by id or code) finds nothing, and answers exactly as
    a name that does not exist."""
    other = org_b if role == "customer" else org_a
    own = world["a"] if role == "customer" else world["b"]
    client = as_role(role)
    value, missing = {
        "organisation": (other.pk, 999999),
        "organisation-code": (other.code, "NOSUCH"),
        "status": ("in_progress" if role == "customer_b" else "new", "no-such-status"),
        "assignee": ("engineer" if role == "customer_b" else "nobody", "nobody"),
    }[filter_name]
    name = filter_name.split("-")[0]

    found = client.get("/api/v1/cases/", {name: value})
    not_found = client.get("/api/v1/cases/", {name: missing})

    assert found.status_code == not_found.status_code == 200
    assert found.json()["results"] == not_found.json()["results"] == []
    assert own.number in _numbers(client.get("/api/v1/cases/"))


def test_case_of_another_organisation_is_indistinguishable_from_none(as_role, world):
    client = as_role("customer_b")

    other = client.get(f"/api/v1/cases/{world['a'].number}/")
    missing = client.get("/api/v1/cases/20000101-999999/")

    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_customer_does_not_see_a_master_of_another_organisation(as_role, world, dispatcher):
    """A platform-wide fault may be reported by several organisations: linking A's report
    to B's master must not show A's contact B's case."""
    services.case_link_master(case=world["a"], master=world["b"], actor=dispatcher)

    body = as_role("customer").get(f"/api/v1/cases/{world['a'].number}/").json()
    staff = as_role("dispatcher").get(f"/api/v1/cases/{world['a'].number}/").json()

    assert body["status"] == "waiting_master"
    assert body["master"] is None
    assert "B 的故障" not in str(body)
    assert staff["master"]["number"] == world["b"].number
    master_for_b = as_role("customer_b").get(f"/api/v1/cases/{world['b'].number}/").json()
    assert master_for_b["duplicates"] == []


# --- opening cases --------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_case_create(as_role, world, role, org_a):
    before = Case.objects.count()

    response = as_role(role).post(
        "/api/v1/cases/",
        {
            "organisation": org_a.pk,
            "title": "新报障",
            "description": "",
            "severity": "P3",
            "channel": "portal",
        },
        format="json",
    )

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        # Another organisation is as unknown as one that does not exist.
        assert_error(response, 400, field="organisation", message="Unknown organisation.")
    else:
        assert response.status_code == 201, response.json()
        assert response.json()["organisation"]["code"] == "HDGA"
        assert Case.objects.count() == before + 1
        return
    assert Case.objects.count() == before


def test_customer_b_naming_a_missing_organisation_gets_the_same_answer(as_role, world, org_a):
    client = as_role("customer_b")
    body = {"title": "x", "description": "", "severity": "P3", "channel": "portal"}

    other = client.post("/api/v1/cases/", {**body, "organisation": org_a.pk}, format="json")
    missing = client.post("/api/v1/cases/", {**body, "organisation": 999999}, format="json")
    by_code = client.post("/api/v1/cases/", {**body, "organisation": "HDGA"}, format="json")

    assert other.json() == missing.json() == by_code.json()


def test_customer_cannot_attach_another_organisations_asset(as_role, world, org_a, asset_b):
    client = as_role("customer")
    body = {
        "organisation": org_a.pk,
        "title": "x",
        "description": "",
        "severity": "P3",
        "channel": "portal",
    }
    before = _snapshot()

    other = client.post("/api/v1/cases/", {**body, "assets": [asset_b.pk]}, format="json")
    missing = client.post("/api/v1/cases/", {**body, "assets": [999999]}, format="json")

    assert_error(other, 400, field="assets")
    assert other.json()["errors"] == {
        "assets": [f'Invalid pk "{asset_b.pk}" - object does not exist.']
    }
    assert missing.json()["errors"] == {"assets": ['Invalid pk "999999" - object does not exist.']}
    assert _snapshot() == before


# --- case actions ---------------------------------------------------------------------

OK, FORBIDDEN, CONFLICT = 200, 403, 409

# action: (state case A starts in, request body, who may: {role: answer}); every other
# staff role and the customer get 403, customer_b 404, anonymous 401.
ACTIONS = {
    "assign": ("new", {"assignee": "engineer"}, {r: OK for r in DESK_ROLES}),
    "respond": ("assigned", {"note": ""}, {"engineer": OK, "expert": CONFLICT}),
    "takeover": ("in_progress", {"reason": ""}, {"expert": OK, "engineer": CONFLICT}),
    "transfer": (
        "in_progress",
        {"team": "onsite", "assignee": "engineer2", "reason": "换组"},
        {r: OK for r in STAFF_ROLES},
    ),
    "escalate": (
        "in_progress",
        {"expert": "expert", "reason": "请协助"},
        {r: OK for r in STAFF_ROLES},
    ),
    "wait": ("in_progress", {"on": "parts", "reason": "等备件"}, {r: OK for r in STAFF_ROLES}),
    "resume": ("waiting_customer", {"note": ""}, {r: OK for r in STAFF_ROLES}),
    "confirm-cause": (
        "in_progress",
        {"cause": "power", "diagnosis": "电源坏"},
        {"engineer": OK, "expert": OK},
    ),
    "set-severity": (
        "in_progress",
        {"severity": "P1", "reason": "扩大"},
        {r: OK for r in STAFF_ROLES},
    ),
    "call": ("in_progress", {"summary": "电话沟通"}, {r: OK for r in STAFF_ROLES}),
    "resolve": (
        "in_progress",
        {"cause": "power", "solution": "换电源"},
        {"engineer": OK, "expert": CONFLICT},
    ),
    "confirm": ("resolved", {"note": ""}, {"customer": OK, "dispatcher": OK}),
    "reject": ("resolved", {"reason": "没好"}, {"customer": OK, "dispatcher": OK}),
    "close": ("confirmed", {"note": ""}, {"manager": OK}),
    "reopen": ("closed", {"reason": "复发"}, {r: OK for r in DESK_ROLES}),
    "cancel": ("new", {"reason": "误报"}, {r: OK for r in DESK_ROLES}),
    "note": ("in_progress", {"body": "补充"}, {r: OK for r in [*STAFF_ROLES, "customer"]}),
    "link-master": ("new", {"master": None}, {r: OK for r in STAFF_ROLES}),
    "follow-up": ("closed", {"title": "遗留问题"}, {r: 201 for r in [*STAFF_ROLES, "customer"]}),
}
ACTION_LABELS = {
    "assign": "Assign",
    "respond": "Respond",
    "takeover": "Take over",
    "transfer": "Transfer to a team",
    "escalate": "Escalate to an expert",
    "wait": "Wait",
    "resume": "Resume",
    "confirm-cause": "Confirm the cause",
    "set-severity": "Change severity",
    "call": "Log a call or remote session",
    "resolve": "Resolve",
    "confirm": "Confirm the resolution",
    "reject": "Reject the resolution",
    "close": "Close the case",
    "reopen": "Reopen",
    "cancel": "Cancel the case",
    "note": "Add a note",
    "link-master": "Link to a master incident",
    "follow-up": "Open a follow-up case",
}


def _case_for(make_case, state, dispatcher):
    if state == "confirmed":
        case = make_case("resolved")
        services.case_confirm(case=case, actor=dispatcher, note="")
        return case
    return make_case(state)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_case_action(as_role, make_case, org_b, dispatcher, engineer2, expert, team, action, role):
    state, body, allowed = ACTIONS[action]
    case = _case_for(make_case, state, dispatcher)
    if action == "link-master":
        body = {"master": make_case("in_progress").number}
    client = as_role(role)
    before = _snapshot()

    response = client.post(f"/api/v1/cases/{case.number}/{action}/", body, format="json")

    expected = allowed.get(role, FORBIDDEN)
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE, code="not_found")
    elif expected == FORBIDDEN:
        assert_error(
            response,
            403,
            message=f"You may not “{ACTION_LABELS[action]}”.",
            code="not_permitted",
        )
    elif expected == CONFLICT:
        assert_error(response, 409, code="not_permitted_now")
    else:
        assert response.status_code == expected, response.json()
        assert TimelineEntry.objects.count() > before[1]
        return
    assert _snapshot() == before


def test_every_action_is_in_the_permission_suite():
    assert set(ACTIONS) == set(REGISTRY) == set(ACTION_LABELS)


@pytest.mark.parametrize("role", ROLES)
def test_redact(as_role, world, role):
    entry = world["a"].timeline.get(kind="note")
    before = _snapshot()

    response = as_role(role).post(
        f"/api/v1/cases/{world['a'].number}/timeline/{entry.seq}/redact/",
        {"reason": "含密码"},
        format="json",
    )

    if role == "admin":
        assert response.status_code == 200, response.json()
        assert "4321" not in str(response.json())
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE)
    else:
        assert_error(response, 403, message="Only an administrator redacts.")
    assert _snapshot() == before
    assert world["a"].timeline.get(pk=entry.pk).body == "机房门禁密码 4321"


# --- attachments ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_attachment_list(as_role, world, role):
    response = as_role(role).get(f"/api/v1/cases/{world['a'].number}/attachments/")

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE)
    else:
        assert response.status_code == 200
        names = [a["name"] for a in response.json()]
        assert names == (["report.pdf"] if role == "customer" else ["report.pdf", "config.txt"])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["public", "internal"])
def test_attachment_download(as_role, world, role, which):
    attachment = world[which]
    url = f"/api/v1/cases/{world['a'].number}/attachments/{attachment.pk}/"

    response = as_role(role).get(url)

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE)
    elif role == "customer" and which == "internal":
        assert_error(response, 404, message="No such attachment.")
    else:
        assert response.status_code == 200
        content = b"".join(response.streaming_content)
        assert content == (b"%PDF-1.4 public" if which == "public" else b"admin:secret")


def test_attachment_under_another_case_number_is_404(as_role, world):
    """An attachment id reached through another case's number (one the reader may see)."""
    url = f"/api/v1/cases/{world['b'].number}/attachments/{world['public'].pk}/"

    response = as_role("customer_b").get(url)

    assert_error(response, 404, message="No such attachment.")


@pytest.mark.parametrize("role", ROLES)
def test_attachment_upload(as_role, world, role):
    before = _snapshot()
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")

    response = as_role(role).post(
        f"/api/v1/cases/{world['a'].number}/attachments/",
        {"file": upload, "note": "现场照片"},
        format="multipart",
    )

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message=NO_SUCH_CASE)
    else:
        assert response.status_code == 201, response.json()
        expected = "public" if role == "customer" else "internal"
        assert response.json()["visibility"] == expected
        assert Attachment.objects.count() == before[2] + 1
        return
    assert _snapshot() == before


# --- lookup ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("q", ["HDGA", "asset_a", "王警官"])
def test_lookup_of_organisation_a(request, as_role, world, role, q):
    if q == "asset_a":
        q = request.getfixturevalue("asset_a").serial_number

    response = as_role(role).get("/api/v1/lookup/", {"q": q})

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
        return
    assert response.status_code == 200
    found = [m["organisation"]["code"] for m in response.json()["results"]]
    assert found == ([] if role == "customer_b" else ["HDGA"])


# --- consultations (staff only) -------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_consultation_list_and_detail(as_role, world, role):
    client = as_role(role)
    pk = world["consultation"].pk

    listing = client.get("/api/v1/consultations/")
    detail = client.get(f"/api/v1/consultations/{pk}/")

    if role == "anonymous":
        assert_error(listing, 401, message=NOT_LOGGED_IN)
        assert_error(detail, 401, message=NOT_LOGGED_IN)
    elif role in STAFF_ROLES:
        assert [c["id"] for c in listing.json()["results"]] == [pk]
        assert detail.json()["question"] == "如何回放录像？"
    else:
        assert listing.json()["results"] == []
        assert_error(detail, 404, code="not_found")


@pytest.mark.parametrize("role", ROLES)
def test_consultation_create(request, as_role, world, role):
    before = _snapshot()

    response = as_role(role).post(
        "/api/v1/consultations/",
        {"caller_name": "张先生", "question": "密码忘了", "answer": "已重置"},
        format="json",
    )

    if role in STAFF_ROLES:
        assert response.status_code == 201, response.json()
        assert response.json()["answered_by"] == role_user(request, role).username
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    else:
        assert_error(response, 403, message="You may not record consultations.")
    assert _snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_consultation_to_case(as_role, world, role):
    before = _snapshot()
    pk = world["consultation"].pk

    response = as_role(role).post(
        f"/api/v1/consultations/{pk}/to-case/", {"severity": "P4"}, format="json"
    )

    if role in STAFF_ROLES:
        assert response.status_code == 201, response.json()
        assert response.json()["case_type"] == "consultation"
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    else:
        assert_error(response, 404, code="not_found")
    assert _snapshot() == before
