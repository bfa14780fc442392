from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgets.models import BudgetCycle, ProjectCategory, UnitBudget
from core.models import Unit
from tests.factories import ProjectFactory


@pytest.fixture
def users(demo):
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=[
        "hq_reviewer", "hq_approver", "auditor", "baoan_preparer", "baoan_head", "luohu_preparer", "luohu_head"])}  # fmt: skip


@pytest.fixture
def cycle(demo) -> BudgetCycle:
    """The demo's 2021 cycle in preparation (its drafts are empty; 2020 is published)."""
    return BudgetCycle.objects.get(year=2021)


@pytest.fixture
def baoan(demo) -> Unit:
    return Unit.objects.get(code="baoan")


@pytest.fixture
def luohu(demo) -> Unit:
    return Unit.objects.get(code="luohu")


@pytest.fixture
def baoan_projects(cycle, baoan):
    """Three requests of 宝安 (50, 30, 20 万元) and its budget reserve (10 万元)."""
    budget = UnitBudget.objects.get(cycle=cycle, unit=baoan)
    reserve = ProjectCategory.objects.filter(is_reserve=True).first()
    return {
        "a": ProjectFactory(budget=budget, name="社保档案数字化", fiscal_amount=Decimal("500000.00")),
        "b": ProjectFactory(budget=budget, name="办事大厅维护", fiscal_amount=Decimal("300000.00")),
        "c": ProjectFactory(budget=budget, name="宣传材料印制", fiscal_amount=Decimal("200000.00")),
        "reserve": ProjectFactory(
            budget=budget, name="预算准备金", fiscal_amount=Decimal("100000.00"), category=reserve
        ),
    }
