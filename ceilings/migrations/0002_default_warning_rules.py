"""The four warning rules of issue #14, as data (editable in the admin)."""

from decimal import Decimal

from django.db import migrations

RULES = [
    {"name": "二季度末执行低于20%", "kind": "below_progress", "by_month": 6, "threshold_percent": Decimal("20")},
    {"name": "三季度末执行低于60%", "kind": "below_progress", "by_month": 9, "threshold_percent": Decimal("60")},
    {"name": "连续3个月无支出", "kind": "no_spending", "months": 3},
    {"name": "支出超预算", "kind": "above_budget"},
]


def add_rules(apps, schema_editor):
    WarningRule = apps.get_model("ceilings", "WarningRule")
    for rule in RULES:
        WarningRule.objects.get_or_create(name=rule["name"], defaults=rule)


def remove_rules(apps, schema_editor):
    apps.get_model("ceilings", "WarningRule").objects.filter(name__in=[r["name"] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("ceilings", "0001_initial")]
    operations = [migrations.RunPython(add_rules, remove_rules)]
