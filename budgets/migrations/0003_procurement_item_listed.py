from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="procurementitem",
            name="listed",
            field=models.BooleanField(default=True, verbose_name="in the published catalogue"),
        ),
    ]
