import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from aftersales.accounts.roles import Role
from aftersales.accounts.services import user_set_roles
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import ValidationError


def test_every_role_is_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_a_customer_contact_belongs_to_exactly_one_organisation(org_a):
    lone = UserFactory(username="lone")
    with pytest.raises(ValidationError, match="must belong to an organisation"):
        user_set_roles(user=lone, roles=[Role.CUSTOMER])
    contact = UserFactory(username="c1", organisation=org_a)
    with pytest.raises(ValidationError, match="cannot hold staff roles"):
        user_set_roles(user=contact, roles=[Role.CUSTOMER, Role.ENGINEER])
    with pytest.raises(ValidationError, match="Staff do not belong"):
        user_set_roles(user=contact, roles=[Role.ENGINEER])
    user_set_roles(user=contact, roles=[Role.CUSTOMER])
    assert contact.roles == {Role.CUSTOMER} and contact.is_customer and not contact.is_staff


def test_staff_roles_give_admin_access_and_manager_levels(db):
    user = UserFactory(username="m")
    user_set_roles(user=user, roles=[Role.DEPARTMENT_MANAGER, Role.TECHNICAL_MANAGER])
    assert user.is_staff and user.is_manager and user.manager_levels == [2]


def test_token_command_prints_the_same_token_each_time(dispatcher, capsys):
    call_command("token", "dispatcher")
    first = capsys.readouterr().out.strip()
    call_command("token", "dispatcher")
    assert capsys.readouterr().out.strip() == first and len(first) == 40
    with pytest.raises(CommandError, match="No user named nobody"):
        call_command("token", "nobody")


def test_roles_get_their_admin_permissions_for_apps_after_accounts(db):
    # Granted once every app's permissions exist, not on accounts' own post_migrate.
    def apps_of(role):
        group = Group.objects.get(name=role)
        return {p.content_type.app_label for p in group.permissions.all()}

    assert apps_of(Role.DISPATCHER) == {"accounts", "cases", "customers", "feedback", "dispatch"}
    assert "notifications" in apps_of(Role.ADMINISTRATOR)
    assert "dispatch" in apps_of(Role.ADMINISTRATOR)
