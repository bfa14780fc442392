"""The default suggestion rules (docs/project-library.md), HQ edits them in the admin. Written by
the data migration and again by the demo loader (a test that flushes the database loses them)."""

from decimal import Decimal

DEFAULT_RULES = [
    # name, condition, grade, threshold, effect, percent
    ("上年自评等级为差：核减20%", "grade", "poor", None, "cut_request", Decimal(20)),
    ("上年自评等级为中：核减5%", "grade", "fair", None, "cut_request", Decimal(5)),
    ("执行率低于80%：核减上年未支出金额", "execution_below", "", Decimal(80), "cut_unspent", Decimal(100)),
    ("监控红灯3个及以上：核减10%", "red_lights", "", Decimal(3), "cut_request", Decimal(10)),
]


def ensure_default_rules(rule_model=None) -> None:
    """Add the default rules that are missing (by name); rules HQ changed are left as they are."""
    if rule_model is None:
        from library.models import SuggestionRule as rule_model
    for order, (name, condition, grade, threshold, effect, percent) in enumerate(DEFAULT_RULES, start=1):
        rule_model.objects.get_or_create(
            name=name,
            defaults={"condition": condition, "grade": grade, "threshold": threshold, "effect": effect,
                      "percent": percent, "sort_order": order},
        )  # fmt: skip
