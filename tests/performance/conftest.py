from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from budgets.models import Project
from core.models import Unit
from performance import services
from performance.models import MonitoringRound
from tests.factories import BudgetFactory, CycleFactory, ProjectFactory

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def chinese():
    """The UI speaks Chinese first; messages are checked in it unless a test says otherwise."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def users(demo):
    """The demo users by name: users["baoan_head"]."""
    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def baoan_project(demo) -> Project:
    """宝安分局 社保政策法规研究: 6 indicators, the first 4期 of training (660,000 yuan)."""
    return Project.objects.select_related("budget__unit", "budget__cycle").get(
        budget__cycle=demo, budget__unit__code="baoan", name="社保政策法规研究"
    )


@pytest.fixture
def monitoring_round(demo, users) -> MonitoringRound:
    return services.monitoring_round_open(cycle=demo, actor=users["hq_reviewer"])


@pytest.fixture
def draft_project(demo):
    """A project of 宝安分局 in a cycle still in preparation, with no indicators yet."""
    cycle = CycleFactory(year=2031)
    budget = BudgetFactory(cycle=cycle, unit=Unit.objects.get(code="baoan"))
    return ProjectFactory(budget=budget, name="档案数字化")
