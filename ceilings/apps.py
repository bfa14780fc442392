from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _above_standard_check(budget):
    """A basic-expenditure code entered above what the standards give needs a reason before the
    unit's submission goes to the branch head."""
    from django.utils.translation import gettext

    from budgets.checks import Problem
    from budgets.money import format_money

    from .models import AboveStandardReason
    from .selectors import basic_working
    from .standards import above_standard

    working = basic_working(budget)
    over = above_standard(working.entered, working.by_code)
    if not over:
        return []
    explained = set(
        AboveStandardReason.objects.filter(budget=budget, economic_code__in=over).values_list(
            "economic_code", flat=True
        )
    )
    codes = {line.standard.economic_code_id: line.standard.economic_code for line in working.lines}
    return [
        Problem(
            f"above_standard:{codes[code].code}",
            gettext("%(code)s %(name)s is %(over)s 万元 above its standard: give a reason.")
            % {"code": codes[code].code, "name": codes[code].name, "over": format_money(amount)},
            "basic_lines",
        )
        for code, amount in over.items()
        if code not in explained
    ]


class CeilingsConfig(AppConfig):
    name = "ceilings"
    verbose_name = _("Ceilings and standards")

    def ready(self) -> None:
        from budgets.checks import register_budget_check
        from reminders.registry import register_warning_source

        from .warnings import spending_warnings

        register_budget_check(_above_standard_check)
        register_warning_source("ceilings", spending_warnings)
