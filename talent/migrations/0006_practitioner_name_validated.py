# Names are normalised and validated on every path (talent/names.py).

import talent.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('talent', '0005_dashboard_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='practitioner',
            name='name',
            field=talent.fields.NameField(max_length=50, verbose_name='name'),
        ),
    ]
