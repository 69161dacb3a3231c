# ImportRecord, moved here from the talent app with its table
# (talent_importrecord) and every record in it: this migration changes only
# Django's idea of which app the model belongs to, and the content type, so
# that permissions and audit entries that point at it follow.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    moved = ContentType.objects.filter(app_label='talent', model='importrecord')
    if not ContentType.objects.filter(app_label='rosters', model='importrecord').exists():
        moved.update(app_label='rosters')


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='rosters', model='importrecord').update(app_label='talent')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('talent', '0007_importrecord_moves_to_rosters'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30, verbose_name='kind of import')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('file_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the file')),
                        ('file_size', models.PositiveBigIntegerField(verbose_name='file size')),
                        ('dry_run', models.BooleanField(verbose_name='preview only')),
                        ('options', models.JSONField(blank=True, default=dict, verbose_name='options')),
                        ('stored_file', models.CharField(blank=True, max_length=255, verbose_name='stored file')),
                        ('status', models.CharField(choices=[('running', 'Running'), ('previewed', 'Previewed'), ('imported', 'Imported'), ('refused', 'Refused'), ('failed', 'Failed')], default='running', max_length=10, verbose_name='status')),
                        ('started_at', models.DateTimeField(auto_now_add=True, verbose_name='started at')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='rows')),
                        ('new', models.PositiveIntegerField(default=0, verbose_name='new')),
                        ('updated', models.PositiveIntegerField(default=0, verbose_name='updated')),
                        ('unchanged', models.PositiveIntegerField(default=0, verbose_name='unchanged')),
                        ('invalid', models.PositiveIntegerField(default=0, verbose_name='with errors')),
                        ('problems', models.JSONField(blank=True, default=list, verbose_name='problems')),
                        ('notices', models.JSONField(blank=True, default=list, verbose_name='notices')),
                        ('row_outcomes', models.JSONField(blank=True, default=list, verbose_name='outcome of each row')),
                        ('preview', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='rosters.importrecord', verbose_name='preview')),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'import record',
                        'verbose_name_plural': 'import records',
                        'ordering': ['-started_at', '-pk'],
                        'db_table': 'talent_importrecord',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
