"""The four warning rules of issue #14, as data (editable in the admin). Written by the data
migration and again by the demo loader (a test that flushes the database loses them)."""

from decimal import Decimal

RULES = [
    {
        "name": "二季度末执行低于20%",
        "kind": "below_progress",
        "by_month": 6,
        "threshold_percent": Decimal("20"),
    },
    {
        "name": "三季度末执行低于60%",
        "kind": "below_progress",
        "by_month": 9,
        "threshold_percent": Decimal("60"),
    },
    {"name": "连续3个月无支出", "kind": "no_spending", "months": 3},
    {"name": "支出超预算", "kind": "above_budget"},
]


def ensure_warning_rules(rule_model=None) -> None:
    """Add the default rules that are missing (by name); rules HQ changed are left as they are."""
    if rule_model is None:
        from ceilings.models import WarningRule as rule_model
    for rule in RULES:
        rule_model.objects.get_or_create(name=rule["name"], defaults=rule)
