from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from budgets.models import BudgetCycle, Project
from budgets.states import State
from core.models import Unit
from library import services
from library.models import Assessment, LibraryState, LibraryYear, ProjectKind


@pytest.fixture
def users(demo):
    return {u.username: u for u in get_user_model().objects.all()}


@pytest.fixture
def cycle2021(demo) -> BudgetCycle:
    return BudgetCycle.objects.get(year=2021)


@pytest.fixture
def luohu(demo) -> Unit:
    return Unit.objects.get(code="luohu")


@pytest.fixture
def propose(users, cycle2021, luohu):
    def make(
        name="社保窗口智能导办系统", kind=ProjectKind.CONTINUING, plan=("800000", "600000", "400000"), **kw
    ):
        return services.library_propose(
            actor=users["luohu_preparer"],
            unit=luohu,
            cycle=cycle2021,
            name=name,
            kind=kind,
            plan=list(plan),
            **kw,
        )

    return make


SCORES = {"necessity": "18", "feasibility": "16", "target_quality": "15", "cost": "17", "funding": "16"}


@pytest.fixture
def assess(users):
    def make(project, cycle, conclusion="support", actor="hq_reviewer", reasons="必要性充分，测算合理。"):
        return services.assessment_record(
            actor=users[actor],
            library_project=project,
            cycle=cycle,
            scores=SCORES,
            conclusion=conclusion,
            reasons=reasons,
        )

    return make


@pytest.fixture
def admitted(propose, assess, users, cycle2021):
    project = propose()
    assess(project, cycle2021)
    services.library_transition(library_project=project, action="admit", actor=users["hq_reviewer"])
    project.refresh_from_db()
    return project


@pytest.fixture
def continuing_2020(demo, luohu):
    """A 2020 (published) 罗湖 project: the demo made it a library entry in execution, with its
    2020 plan rolled into 2021."""
    project = (
        Project.objects.filter(budget__cycle__year=2020, budget__unit=luohu)
        .order_by("sort_order", "pk")
        .first()
    )
    assert project.state == State.PUBLISHED
    entry = LibraryYear.objects.get(project=project).library_project
    assert entry.state == LibraryState.EXECUTING
    return entry


def amount(text: str) -> Decimal:
    return Decimal(text)


__all__ = ["Assessment"]
