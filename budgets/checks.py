"""The pre-submission check list (issue #3): what must be right before an item goes to HQ.

Blocking problems keep the submit button disabled and make the service refuse; warnings are
shown and do not block (the reserve share, DOMAIN §5). Other apps add checks of their own with
``register_project_check`` (performance targets do, from their AppConfig.ready) and
``register_budget_check`` (the expenditure standards do, from theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ZERO, Project, UnitBudget
from .money import format_money
from .selectors import budgets_with_totals


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: str = ""
    blocking: bool = True


ProjectCheck = Callable[[Project], list[Problem]]
_PROJECT_CHECKS: list[ProjectCheck] = []


def register_project_check(check: ProjectCheck) -> ProjectCheck:
    if check not in _PROJECT_CHECKS:
        _PROJECT_CHECKS.append(check)
    return check


BudgetCheck = Callable[[UnitBudget], list[Problem]]
_BUDGET_CHECKS: list[BudgetCheck] = []


def register_budget_check(check: BudgetCheck) -> BudgetCheck:
    if check not in _BUDGET_CHECKS:
        _BUDGET_CHECKS.append(check)
    return check


REQUIRED_PROJECT_FIELDS = [
    ("category", _("Choose the project category (一级项目).")),
    ("start_date", _("Enter the planned start date.")),
    ("end_date", _("Enter the planned end date.")),
    ("functional_code", _("Choose the functional classification code.")),
    ("funding_source", _("Choose the funding source.")),
    ("purpose", _("Describe what the funds are used for.")),
    ("annual_goal", _("Enter the annual performance goal.")),
]


_FOREIGN_KEYS = {"category", "functional_code", "funding_source"}


def project_problems(project: Project) -> list[Problem]:
    problems = [
        Problem("required", str(message), field)
        for field, message in REQUIRED_PROJECT_FIELDS
        if not getattr(project, f"{field}_id" if field in _FOREIGN_KEYS else field)
    ]
    if project.amount <= ZERO:
        problems.append(
            Problem("amount", str(_("This year's amount must be more than zero.")), "fiscal_amount")
        )
    sub_items = list(project.sub_items.all())
    if sub_items:
        total = sum((s.amount for s in sub_items), ZERO)
        if total != project.amount:
            problems.append(
                Problem(
                    "sub_items",
                    str(_("The sub-items add up to %(sub)s yuan, the project to %(amount)s yuan."))
                    % {"sub": format_money(total, "yuan"), "amount": format_money(project.amount, "yuan")},
                    "sub_items",
                )
            )
    problems.extend(_reserve_warning(project))
    for check in _PROJECT_CHECKS:
        problems.extend(check(project))
    return problems


def _reserve_warning(project: Project) -> list[Problem]:
    if not (project.category and project.category.is_reserve):
        return []
    budget = budgets_with_totals(UnitBudget.objects.filter(pk=project.budget_id)).get()
    if not budget.total:
        return []
    share = project.amount / budget.total
    low, high = Decimal(settings.BUDGET_RESERVE_SHARE_MIN), Decimal(settings.BUDGET_RESERVE_SHARE_MAX)
    if low <= share <= high:
        return []
    return [
        Problem(
            "reserve_share",
            str(
                _(
                    "The budget reserve is %(share)s of the unit's budget; it is usually kept within %(low)s–%(high)s."
                )
            )
            % {"share": f"{share:.1%}", "low": f"{low:.0%}", "high": f"{high:.0%}"},
            "fiscal_amount",
            blocking=False,
        )
    ]


def budget_problems(budget: UnitBudget) -> list[Problem]:
    """The unit's own submission: basic expenditure, procurement and 三公."""
    problems = []
    if budget.unit.has_basic_expenditure and not budget.basic_lines.exists():
        problems.append(Problem("basic_lines", str(_("Enter the basic expenditure lines.")), "basic_lines"))
    if not budget.three_public.filter(year=budget.cycle.year).exists() and budget.unit.has_basic_expenditure:
        problems.append(
            Problem(
                "three_public",
                str(_("Enter this year's three public expenses (zero if none).")),
                "three_public",
            )
        )
    for check in _BUDGET_CHECKS:
        problems.extend(check(budget))
    return problems


def problems_for(item) -> list[Problem]:
    return project_problems(item) if isinstance(item, Project) else budget_problems(item)


def blocking(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.blocking]
