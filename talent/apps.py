from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    # post_migrate is sent once per app that has models; by the last one every
    # app's permissions exist.
    if sender is [config for config in apps.get_app_configs() if config.models_module][-1]:
        from talent.roles import sync_roles, sync_specialties

        sync_specialties()
        sync_roles()


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = _("Talent registry")

    def ready(self):
        # After every migrate (and every test-database flush) grant the roles
        # the permissions of models that did not exist when the groups were made,
        # and put back the fixed rows a flush removes.
        post_migrate.connect(_sync_roles, dispatch_uid="talent.sync_roles")
        import rosters
        from talent.resources import KINDS

        for kind in KINDS:
            rosters.register(kind)
        from talent import standings

        standings.connect()
        # Wherever the admin names a group or a permission (forms, filters,
        # titles, delete pages) it uses str(): make that the reader's language
        # rather than the stored key ("trainee") or English ("Can add …").
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.models import Group, Permission

        from talent.roles import group_label, permission_label

        Group.__str__ = group_label
        Permission.__str__ = permission_label
        # allauth's model (an authenticator app, or recovery codes) has no verbose
        # name: the admin called it "authenticator".
        Authenticator._meta.verbose_name = _("second factor")
        Authenticator._meta.verbose_name_plural = _("second factors")
        # Registers the deploy check that warns when administrators may sign in without a second factor.
        from talent import mfa  # noqa: F401
