"""Two people acting on one item at the same moment, on PostgreSQL (row locks are real there).
Run by CI's PostgreSQL pass (`make test-postgres`); skipped on SQLite."""

import threading

import pytest
from django.db import connection, connections

from budgets.models import Project, UnitBudget
from budgets.services import item_transition, project_create, project_update
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import Event

from .conftest import complete_project_data, new_project, user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _race(*calls):
    """Run the calls in threads released at the same instant; return each one's outcome."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except BusinessRuleError as error:
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.fixture
def recommended(demo):
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    project = new_project(budget, name="并发项目")
    for action, who in [
        ("submit", "baoan_preparer"),
        ("sign_off", "baoan_head"),
        ("recommend", "hq_reviewer"),
    ]:
        item_transition(item=project, action=action, actor=user(who))
    return project


def test_two_approvers_at_once_make_exactly_one_transition(recommended):
    from core.models import Unit
    from core.roles import Role
    from tests.factories import user_with_role

    second_approver = user_with_role(Role.HQ_APPROVER, Unit.objects.get(code="hq"), username="approver2")
    first = Project.objects.get(pk=recommended.pk)
    second = Project.objects.get(pk=recommended.pk)
    outcomes = _race(
        lambda: item_transition(item=first, action="approve", actor=user("hq_approver")),
        lambda: item_transition(item=second, action="approve", actor=second_approver),
    )
    errors = [o for o in outcomes if isinstance(o, BusinessRuleError)]
    events = [o for o in outcomes if isinstance(o, Event)]
    assert len(events) == 1 and len(errors) == 1
    assert errors[0].code == "conflict" and errors[0].params["state"] == "approved"
    assert events_of(recommended).filter(type="approve").count() == 1


def test_two_editors_saving_one_draft_do_not_overwrite_each_other(demo):
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="baoan")
    project = project_create(
        budget=budget, actor=user("baoan_preparer"), data=complete_project_data(name="草稿")
    )
    opened = project.version
    outcomes = _race(
        lambda: project_update(
            project=project, actor=user("baoan_preparer"), version=opened, data={"purpose": "甲的修改"}
        ),
        lambda: project_update(
            project=project, actor=user("baoan_head"), version=opened, data={"purpose": "乙的修改"}
        ),
    )
    errors = [o for o in outcomes if isinstance(o, BusinessRuleError)]
    saved = [o for o in outcomes if isinstance(o, Project)]
    assert len(saved) == 1 and len(errors) == 1 and errors[0].code == "stale"
    project.refresh_from_db()
    assert project.purpose == saved[0].purpose
    assert project.version == opened + 1


def test_two_approvers_approving_one_adjustment_at_once_apply_it_once(demo):
    from approvals.services import adjustment_request, adjustment_transition
    from budgets.models import AdjustmentRequest
    from core.models import Unit
    from core.roles import Role
    from tests.factories import user_with_role

    from .conftest import adjustment_through_the_chain

    project = Project.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan",
                                     sub_items__isnull=True).order_by("pk").first()  # fmt: skip
    before = project.amount
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"),
                                    fiscal_amount=project.fiscal_amount + 10000, other_amount=project.other_amount,
                                    reason="并发调整")  # fmt: skip
    adjustment_through_the_chain(adjustment, to="recommended")
    second_approver = user_with_role(Role.HQ_APPROVER, Unit.objects.get(code="hq"), username="approver2")
    first, second = (AdjustmentRequest.objects.get(pk=adjustment.pk) for _ in range(2))
    outcomes = _race(
        lambda: adjustment_transition(adjustment=first, action="approve", actor=user("hq_approver")),
        lambda: adjustment_transition(adjustment=second, action="approve", actor=second_approver),
    )
    errors = [o for o in outcomes if isinstance(o, BusinessRuleError)]
    assert len([o for o in outcomes if isinstance(o, Event)]) == 1 and len(errors) == 1
    assert errors[0].code == "conflict" and errors[0].params["state"] == "approved"
    assert events_of(project).filter(type="adjustment_approve").count() == 1
    project.refresh_from_db()
    assert project.amount == before + 10000
