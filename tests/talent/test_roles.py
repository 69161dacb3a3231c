import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from talent.models import Specialty
from talent.roles import Role, sync_roles
from tests.factories import UserFactory


def permissions_of(role):
    return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))


def test_data_migration_creates_the_three_roles(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"trainee", "coordinator", "administrator"}


def test_roles_have_the_permissions_they_need(db):
    assert permissions_of(Role.TRAINEE) == set()
    coordinator = permissions_of(Role.COORDINATOR)
    assert ("talent", "view_practitioner") in coordinator
    assert ("talent", "change_practitioner") not in coordinator
    assert ("talent", "view_full_resident_id") not in coordinator
    administrator = permissions_of(Role.ADMINISTRATOR)
    assert {
        ("talent", "change_practitioner"),
        ("talent", "view_full_resident_id"),
        ("training", "add_trainingbase"),
    } <= administrator


def test_sync_keeps_permissions_granted_by_hand(db):
    group = Group.objects.get(name=Role.COORDINATOR)
    extra = Group.objects.get(name=Role.ADMINISTRATOR).permissions.get(codename="change_organization")
    group.permissions.add(extra)
    sync_roles()
    assert group.permissions.filter(pk=extra.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_roles_and_specialties_come_back_after_a_flush():
    call_command("flush", interactive=False, verbosity=0)
    assert permissions_of(Role.COORDINATOR)
    assert Specialty.objects.count() == len(Specialty.Code.values)


@pytest.mark.parametrize(
    ("role", "flags"),
    [
        (Role.TRAINEE, (True, False, False)),
        (Role.COORDINATOR, (False, True, False)),
        (Role.ADMINISTRATOR, (False, False, True)),
    ],
)
def test_user_role_properties(db, role, flags):
    user = UserFactory(role=role)
    assert (user.is_trainee, user.is_coordinator, user.is_administrator) == flags


def test_superuser_is_an_administrator(db):
    assert UserFactory(is_superuser=True).is_administrator
