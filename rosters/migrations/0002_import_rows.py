# Each row's outcome moves from a JSON list on the record into ImportRow, which
# also holds what a preview shows of the row; the record lists the columns a
# file had that the import ignored.

import django.db.models.deletion
from django.db import migrations, models


def rows_out_of_records(apps, schema_editor):
    ImportRecord = apps.get_model('rosters', 'ImportRecord')
    ImportRow = apps.get_model('rosters', 'ImportRow')
    for record in ImportRecord.objects.exclude(row_outcomes=[]).iterator():
        # [data row, outcome, object id]; the line is the data row + 1 (the header is line 1).
        ImportRow.objects.bulk_create(
            [
                ImportRow(record=record, line=row + 1, outcome=outcome, object_id=object_id)
                for row, outcome, object_id in record.row_outcomes
            ],
            batch_size=5000,
        )


def rows_back_into_records(apps, schema_editor):
    ImportRecord = apps.get_model('rosters', 'ImportRecord')
    ImportRow = apps.get_model('rosters', 'ImportRow')
    for record in ImportRecord.objects.iterator():
        rows = ImportRow.objects.filter(record=record).order_by('line')
        record.row_outcomes = [[row.line - 1, row.outcome, row.object_id] for row in rows]
        record.save(update_fields=['row_outcomes'])


class Migration(migrations.Migration):

    dependencies = [
        ('rosters', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrecord',
            name='ignored_columns',
            field=models.JSONField(blank=True, default=list, verbose_name='ignored columns'),
        ),
        migrations.CreateModel(
            name='ImportRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.PositiveIntegerField(help_text='The line in the spreadsheet; the header is line 1.', verbose_name='line')),
                ('outcome', models.CharField(choices=[('new', 'New'), ('update', 'Updated'), ('skip', 'Unchanged'), ('invalid', 'With errors'), ('error', 'Failed')], max_length=10, verbose_name='outcome')),
                ('object_id', models.BigIntegerField(blank=True, null=True, verbose_name='record id')),
                ('details', models.JSONField(blank=True, default=dict, verbose_name='details')),
                ('record', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='rosters.importrecord', verbose_name='import record')),
            ],
            options={
                'verbose_name': 'imported row',
                'verbose_name_plural': 'imported rows',
                'ordering': ['record', 'line'],
                'indexes': [models.Index(fields=['record', 'outcome', 'line'], name='import_row_outcome_idx')],
                'constraints': [models.UniqueConstraint(fields=('record', 'line'), name='import_row_line_unique')],
            },
        ),
        migrations.RunPython(rows_out_of_records, rows_back_into_records),
        migrations.RemoveField(
            model_name='importrecord',
            name='row_outcomes',
        ),
    ]
