from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Without Redis the cache shared by the web workers (the verify page's
    # rate limit among others) is a database table: `migrate` on a fresh
    # database creates it, as `createcachetable` would. Does nothing for
    # other cache backends or a table that exists.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_holder_name_completed_on_issuer"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False),
    ]
