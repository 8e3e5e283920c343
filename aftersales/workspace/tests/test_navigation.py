"""The menu each role sees, and the item marked for the page one is on."""

import pytest
from django.urls import reverse

from aftersales.cases.tests.factories import open_case


def menu(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("home"), follow=True)
    return [(str(item["label"]), item["active"]) for item in response.context["menu"]]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "dispatcher",
            ["Service desk", "Visits", "Cases", "Revisits", "Knowledge base", "Reports", "Exports"],
        ),
        ("engineer", ["My work", "Visits", "Cases", "Knowledge base", "Exports"]),
        (
            "manager",
            ["Escalations", "Visits", "Cases", "Revisits", "Knowledge base", "Reports", "Exports"],
        ),
        ("customer", ["My requests", "New request", "Knowledge base"]),
    ],
)
def test_each_role_sees_its_menu(db, client, request, who, expected):
    assert [label for label, _active in menu(client, request.getfixturevalue(who))] == expected


def test_the_case_page_marks_cases_and_an_export_marks_exports(client, dispatcher, org_a):
    case = open_case(actor=dispatcher, organisation=org_a)
    on_case = menu(client, dispatcher, reverse("workspace:case", args=[case.number]))
    assert ("Cases", True) in on_case
    on_exports = menu(client, dispatcher, reverse("exports:list"))
    assert ("Exports", True) in on_exports and ("Cases", False) in on_exports
