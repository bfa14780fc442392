"""The four warning rules of issue #14, as data (editable in the admin)."""

from django.db import migrations

from ceilings.defaults import RULES, ensure_warning_rules


def add_rules(apps, schema_editor):
    ensure_warning_rules(apps.get_model("ceilings", "WarningRule"))


def remove_rules(apps, schema_editor):
    apps.get_model("ceilings", "WarningRule").objects.filter(name__in=[r["name"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("ceilings", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
