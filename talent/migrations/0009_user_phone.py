from django.db import migrations, models

import talent.fields


class Migration(migrations.Migration):
    dependencies = [
        ("talent", "0008_learning_categories_and_claims"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="email",
            field=models.EmailField(blank=True, max_length=254, null=True, unique=True, verbose_name="email address"),
        ),
        migrations.AddField(
            model_name="user",
            name="phone",
            field=talent.fields.MobileField(
                blank=True, max_length=11, null=True, unique=True, verbose_name="mobile phone"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_verified",
            field=models.BooleanField(
                default=False,
                help_text="A code sent to the number was entered.",
                verbose_name="mobile phone verified",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("email__isnull", False), ("phone__isnull", False), _connector="OR"),
                name="user_has_email_or_phone",
                violation_error_code="email_or_phone_required",
                violation_error_message="Enter an email address or a mobile number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("email", ""), _negated=True), models.Q(("phone", ""), _negated=True)),
                name="user_email_phone_not_empty",
                violation_error_code="empty_not_null",
            ),
        ),
    ]
