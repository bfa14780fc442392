"""The default suggestion rules (docs/project-library.md); HQ edits them in the admin."""

from decimal import Decimal

from django.db import migrations

DEFAULT_RULES = [
    # name, condition, grade, threshold, effect, percent
    ("上年自评等级为差：核减20%", "grade", "poor", None, "cut_request", Decimal(20)),
    ("上年自评等级为中：核减5%", "grade", "fair", None, "cut_request", Decimal(5)),
    ("执行率低于80%：核减上年未支出金额", "execution_below", "", Decimal(80), "cut_unspent", Decimal(100)),
    ("监控红灯3个及以上：核减10%", "red_lights", "", Decimal(3), "cut_request", Decimal(10)),
]


def add_rules(apps, schema_editor):
    Rule = apps.get_model("library", "SuggestionRule")
    for order, (name, condition, grade, threshold, effect, percent) in enumerate(DEFAULT_RULES, start=1):
        Rule.objects.get_or_create(
            name=name,
            defaults={"condition": condition, "grade": grade, "threshold": threshold, "effect": effect,
                      "percent": percent, "sort_order": order},
        )  # fmt: skip


def remove_rules(apps, schema_editor):
    apps.get_model("library", "SuggestionRule").objects.filter(name__in=[r[0] for r in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
