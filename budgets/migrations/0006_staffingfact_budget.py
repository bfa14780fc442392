# A relation without a column (joined on cycle and unit): no database change.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0005_adjustment_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffingfact",
            name="budget",
            field=models.ForeignObject(
                from_fields=["cycle", "unit"],
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="budgets.unitbudget",
                to_fields=["cycle", "unit"],
                verbose_name="unit budget",
            ),
        ),
    ]
