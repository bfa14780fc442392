"""The default suggestion rules (docs/project-library.md); HQ edits them in the admin."""

from django.db import migrations

from library.defaults import DEFAULT_RULES, ensure_default_rules


def add_rules(apps, schema_editor):
    ensure_default_rules(apps.get_model("library", "SuggestionRule"))


def remove_rules(apps, schema_editor):
    apps.get_model("library", "SuggestionRule").objects.filter(name__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
