"""The three roles, held as Django groups, and the model permissions each
needs; and the fixed rows of the specialty table.

Both are created by a data migration. A model's permissions exist only after
its app has been migrated (Django creates them on post_migrate), so the sync
also runs on every post_migrate and grants what has appeared since; that also
restores the rows after a test database flush. It only adds: permissions an
administrator granted by hand are kept.
"""

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


# "app_label" grants every permission of that app; "app_label.codename" one.
# Talent's own and the packages'; each app above talent adds its models'
# permissions from its AppConfig.ready() with `grant`.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Trainees act only on their own record, through the site's pages.
    Role.TRAINEE: [],
    Role.COORDINATOR: [
        "talent.view_practitioner",
        "talent.view_organization",
        "talent.view_subdistrict",
    ],
    Role.ADMINISTRATOR: [
        "rosters",
        "talent",
        "account",
        "auth.view_group",
        "auditlog.view_logentry",
    ],
}


def grant(role: str, *permissions: str) -> None:
    """Give `role` these permissions (an app label, or "app_label.codename") at the next sync."""
    granted = ROLE_PERMISSIONS[role]
    granted.extend(permission for permission in permissions if permission not in granted)


def sync_specialties(apps=global_apps) -> None:
    Specialty = apps.get_model("talent", "Specialty")
    for code in SPECIALTY_CODES:
        Specialty.objects.get_or_create(code=code)


# Written out rather than read from Specialty.Code: migrations see historical models.
SPECIALTY_CODES = ["community", "elderly", "youth", "family", "disputes", "disability", "health", "other"]


def sync_roles(apps=global_apps) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for grant in grants:
            app_label, _dot, codename = grant.partition(".")
            found = Permission.objects.filter(content_type__app_label=app_label)
            wanted |= found.filter(codename=codename) if codename else found
        group.permissions.add(*wanted)


# How groups and permissions read in the admin. A role's group is named by its
# key ("trainee") and a permission by the English name Django stored when it was
# made ("Can add practitioner"); talent.apps shows both in the reader's language.

PERMISSION_ACTIONS = {
    "add": _("Can add"),
    "change": _("Can change"),
    "delete": _("Can delete"),
    "view": _("Can view"),
}


def group_label(group) -> str:
    """A role's group by the role's name (学员); any other group by its own."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


def permission_label(permission) -> str:
    """The model, then what the permission allows: 人才库 | 社会工作人才 | 可添加."""
    model = permission.content_type.model_class()
    action, _underscore, model_name = permission.codename.partition("_")
    if model is not None and action in PERMISSION_ACTIONS and model_name == model._meta.model_name:
        allows = PERMISSION_ACTIONS[action]
    else:
        # A permission of the model's Meta.permissions carries a translatable name.
        allows = dict(model._meta.permissions).get(permission.codename, permission.name) if model else permission.name
    return f"{permission.content_type} | {allows}"
