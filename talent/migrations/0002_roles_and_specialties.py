from django.contrib.auth.management import create_permissions
from django.db import migrations

from talent.roles import sync_roles, sync_specialties


def create_specialties(apps, schema_editor):
    sync_specialties(apps)


def create_roles(apps, schema_editor):
    # Permissions are normally created after the whole migrate run; create
    # those that can exist by now so the groups start with them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_specialties, migrations.RunPython.noop),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
