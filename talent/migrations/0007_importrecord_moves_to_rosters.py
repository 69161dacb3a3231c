# The import record moved to the rosters app; its table stays where it is
# (rosters.0001 takes the model over with SeparateDatabaseAndState).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('talent', '0006_practitioner_name_validated'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportRecord')],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name='practitioner',
            name='kind',
            field=models.CharField(blank=True, choices=[('social_worker', 'Certified social worker'), ('community_worker', 'Community worker'), ('student', 'Student'), ('volunteer', 'Volunteer')], default='social_worker', max_length=20, verbose_name='kind'),
        ),
    ]
