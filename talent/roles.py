"""The three roles, held as Django groups, and the model permissions each needs.

The groups are created by a data migration. A model's permissions exist only
after its app has been migrated (Django creates them on post_migrate), so
`sync_roles` also runs on every post_migrate and grants what has appeared since.
It only adds: permissions an administrator granted by hand are kept.
"""

from django.apps import apps as global_apps
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    COORDINATOR = "coordinator", _("Coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


# "app_label" grants every permission of that app; "app_label.codename" one.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Trainees act only on their own record, through the site's pages.
    Role.TRAINEE: [],
    Role.COORDINATOR: [
        "talent.view_practitioner",
        "talent.view_organization",
        "talent.view_subdistrict",
        "training.view_trainingbase",
        "training.view_course",
        "training.view_coursesession",
        "training.view_enrollment",
        "placements.view_practicebase",
    ],
    Role.ADMINISTRATOR: [
        "talent",
        "training",
        "placements",
        "account",
        "auth.view_group",
    ],
}


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
