from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgets.models import FunctionalCode, FundingSource, ProjectCategory, UnitBudget
from budgets.services import project_create
from performance.models import Level1, Level2
from performance.services import IndicatorData, project_targets_save


def user(username: str):
    return get_user_model().objects.get(username=username)


def complete_project_data(**overrides) -> dict:
    data = {
        "name": "社保政策宣传（2021）",
        "category": ProjectCategory.objects.get(name="社保政策法规研究"),
        "project_type": "general",
        "use_of_funds": "business",
        "start_date": date(2021, 1, 1),
        "end_date": date(2021, 12, 31),
        "fiscal_amount": Decimal("600000.00"),
        "other_amount": Decimal("0.00"),
        "functional_code": FunctionalCode.objects.get(code="2080109"),
        "funding_source": FundingSource.objects.get(code="general_operating"),
        "purpose": "社保政策法规宣传、培训。",
        "annual_goal": "开展宣传活动不少于 4 次。",
    }
    data.update(overrides)
    return data


VALID_TARGETS = [
    IndicatorData(None, Level1.OUTPUT, Level2.QUANTITY, "宣传活动次数", "≥4次", "年度工作计划"),
    IndicatorData(None, Level1.SATISFACTION, Level2.SERVICE_SATISFACTION, "参保人满意度", "≥90%", "行业标准"),
]


def new_project(budget, username="baoan_preparer", **overrides):
    """A complete project request with valid performance targets, ready to submit."""
    project = project_create(budget=budget, actor=user(username), data=complete_project_data(**overrides))
    project_targets_save(project=project, rows=VALID_TARGETS, actor=user(username))
    return project


@pytest.fixture
def budget_2021(demo):
    return UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")


@pytest.fixture
def draft_project(budget_2021):
    project = project_create(
        budget=budget_2021,
        actor=user("baoan_preparer"),
        data=complete_project_data(),
        sub_items=[
            {"name": "宣传册印刷", "amount": Decimal("400000.00")},
            {"name": "培训", "amount": Decimal("200000.00"), "description": "两期"},
        ],
    )
    project_targets_save(project=project, rows=VALID_TARGETS, actor=user("baoan_preparer"))
    return project


def sub_items_for(project, new_amount):
    """New sub-item amounts that add up to ``new_amount``: the first sub-item takes the change."""
    subs = list(project.sub_items.order_by("sort_order", "id"))
    change = Decimal(new_amount) - sum((s.amount for s in subs), Decimal(0))
    return {s.pk: s.amount + (change if i == 0 else 0) for i, s in enumerate(subs)}


def adjustment_through_the_chain(adjustment, *, to: str = "approved"):
    """Walk an adjustment along its whole path, each step by the role that takes it: the unit's
    head signs off, HQ's reviewer recommends, HQ's approver approves (or ``to`` an earlier stop)."""
    from approvals.services import adjustment_transition
    from core.models import Membership

    head = Membership.objects.get(unit=adjustment.budget.unit, role="branch_head").user
    steps = [("sign_off", head, "submitted"), ("recommend", user("hq_reviewer"), "recommended"),
             ("approve", user("hq_approver"), "approved")]  # fmt: skip
    for action, actor, reached in steps:
        adjustment_transition(adjustment=adjustment, action=action, actor=actor)
        if reached == to:
            break
    adjustment.refresh_from_db()
    return adjustment
