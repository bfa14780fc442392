"""The approval workflow through its services: every step, who may take it, and what it leaves."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from approvals.selectors import adjustment_rates
from approvals.services import adjustment_request, adjustment_transition
from budgets import checks
from budgets.history import changes_since_hq_saw, field_history, open_comments
from budgets.models import AdjustmentState, Project
from budgets.services import item_transition, project_update
from budgets.states import State
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import EventComment, Notification
from core.workflow import CommentInput

from .conftest import adjustment_through_the_chain, complete_project_data, sub_items_for, user

pytestmark = pytest.mark.django_db


def step(project, action, username, **kwargs):
    return item_transition(item=project, action=action, actor=user(username), **kwargs)


def test_the_whole_path_from_draft_to_adjustment(draft_project, django_capture_on_commit_callbacks):
    project = draft_project
    assert project.state == State.DRAFT

    step(project, "submit", "baoan_preparer")
    assert project.state == State.WITH_BRANCH_HEAD
    with django_capture_on_commit_callbacks(execute=True):
        step(project, "sign_off", "baoan_head")
    assert project.state == State.SUBMITTED
    assert {m.to[0] for m in mail.outbox} == {"hq_reviewer@demo.invalid"}
    assert "/budgets/2021/baoan/projects/" in mail.outbox[0].body

    step(project, "return", "hq_reviewer", reason="请补充",
         comments=[CommentInput("field:annual_goal", "年度目标需量化")])  # fmt: skip
    assert project.state == State.RETURNED
    assert [(c.target, c.text) for c in open_comments(project)] == [("field:annual_goal", "年度目标需量化")]
    assert Notification.objects.filter(recipient=user("baoan_preparer"), event__type="return").exists()

    project_update(project=project, actor=user("baoan_preparer"), version=project.version,
                   data={"annual_goal": "开展宣传活动 6 次，覆盖 2000 人。"}, sub_items=[])  # fmt: skip
    project.refresh_from_db()
    changes = changes_since_hq_saw(project)
    assert [(c.name, c.before, c.after) for c in changes] == [
        ("annual_goal", "开展宣传活动不少于 4 次。", "开展宣传活动 6 次，覆盖 2000 人。")
    ]
    step(project, "submit", "baoan_preparer")
    step(project, "sign_off", "baoan_head")
    assert project.state == State.RESUBMITTED

    step(
        project,
        "cut",
        "hq_reviewer",
        reason="压减印刷",
        fiscal_amount=Decimal("500000.00"),
        sub_items=sub_items_for(project, "500000.00"),
    )
    assert project.amount == Decimal("500000.00") and project.state == State.UNDER_REVIEW
    step(project, "recommend", "hq_reviewer")
    step(project, "approve", "hq_approver")
    assert project.state == State.APPROVED and project.is_locked

    with pytest.raises(BusinessRuleError) as locked:
        project_update(project=project, actor=user("baoan_preparer"), version=project.version,
                       data={"fiscal_amount": Decimal("1")})  # fmt: skip
    assert locked.value.code == "not_editable"

    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"),
                                    sub_items=sub_items_for(project, "550000.00"), fiscal_amount=Decimal("550000.00"), other_amount=Decimal("0"),
                                    reason="新增宣传任务")  # fmt: skip
    adjustment_through_the_chain(adjustment)
    project.refresh_from_db()
    assert project.amount == Decimal("550000.00")
    assert (adjustment.original_amount, adjustment.adjusted_amount) == (
        Decimal("500000.00"),
        Decimal("550000.00"),
    )
    assert adjustment.state == AdjustmentState.APPROVED

    # One event log: the targets saved with the request are in it too.
    actions = list(
        events_of(project).exclude(type="targets_saved").order_by("id").values_list("type", flat=True)
    )
    assert actions == ["submit", "sign_off", "return", "submit", "sign_off", "cut", "recommend", "approve",
                       "adjustment_request", "adjustment_sign_off", "adjustment_recommend",
                       "adjustment_approve"]  # fmt: skip


def test_a_return_needs_a_reason(draft_project):
    step(draft_project, "submit", "baoan_preparer")
    step(draft_project, "sign_off", "baoan_head")
    with pytest.raises(BusinessRuleError) as error:
        step(draft_project, "return", "hq_reviewer")
    assert error.value.code == "reason_required"
    assert draft_project.state == State.SUBMITTED


def test_a_cut_must_lower_the_amount_and_give_a_reason(draft_project):
    step(draft_project, "submit", "baoan_preparer")
    step(draft_project, "sign_off", "baoan_head")
    with pytest.raises(BusinessRuleError) as no_reason:
        step(draft_project, "cut", "hq_reviewer", fiscal_amount=Decimal("1"))
    with pytest.raises(BusinessRuleError) as not_lower:
        step(draft_project, "cut", "hq_reviewer", reason="x", fiscal_amount=Decimal("700000"))
    assert (no_reason.value.code, not_lower.value.code) == ("reason_required", "not_a_cut")
    draft_project.refresh_from_db()
    assert draft_project.amount == Decimal("600000.00")


@pytest.mark.parametrize(
    ("username", "action"),
    [
        ("baoan_preparer", "sign_off"),  # only the head signs off
        ("luohu_head", "sign_off"),  # another branch's head
        ("hq_reviewer", "approve"),  # only the approver approves
        ("hq_approver", "recommend"),  # only the reviewer recommends
        ("auditor", "return"),  # read-only
    ],
)
def test_roles_may_only_take_their_own_steps(draft_project, username, action):
    step(draft_project, "submit", "baoan_preparer")
    if action != "sign_off":
        step(draft_project, "sign_off", "baoan_head")
    if action == "approve":
        step(draft_project, "recommend", "hq_reviewer")
    state = draft_project.state
    with pytest.raises(BusinessRuleError) as error:
        step(draft_project, action, username, reason="x")
    assert error.value.code == "forbidden"
    draft_project.refresh_from_db()
    assert draft_project.state == state
    assert not events_of(draft_project).filter(type=action).exists()


def test_an_incomplete_request_cannot_be_submitted(budget_2021):
    from budgets.services import project_create

    project = project_create(budget=budget_2021, actor=user("baoan_preparer"),
                             data=complete_project_data(name="未填完", purpose="", functional_code=None))  # fmt: skip
    problems = {p.code for p in checks.blocking(checks.project_problems(project))}
    # Required fields and no performance targets (issue #4's rules); sub-items that do not add up
    # cannot even be saved (tests/budgets/test_models.py).
    assert "required" in problems
    assert any(code.startswith("targets:") for code in problems)
    with pytest.raises(BusinessRuleError) as error:
        step(project, "submit", "baoan_preparer")
    assert error.value.code == "not_ready"
    project.refresh_from_db()
    assert project.state == State.DRAFT


def test_acting_on_an_item_someone_already_moved_is_a_conflict(draft_project):
    step(draft_project, "submit", "baoan_preparer")
    step(draft_project, "sign_off", "baoan_head")
    step(draft_project, "recommend", "hq_reviewer")
    stale_copy = Project.objects.get(pk=draft_project.pk)
    step(draft_project, "approve", "hq_approver")
    with pytest.raises(BusinessRuleError) as error:
        item_transition(item=stale_copy, action="approve", actor=user("hq_approver"))
    assert error.value.code == "conflict"
    assert events_of(draft_project).filter(type="approve").count() == 1


def test_saving_a_stale_draft_is_refused_and_changes_nothing(draft_project):
    opened_at = draft_project.version
    project_update(project=draft_project, actor=user("baoan_head"), version=opened_at, data={"name": "甲"})
    with pytest.raises(BusinessRuleError) as error:
        project_update(
            project=draft_project, actor=user("baoan_preparer"), version=opened_at, data={"name": "乙"}
        )
    assert error.value.code == "stale"
    draft_project.refresh_from_db()
    assert draft_project.name == "甲"


def test_history_records_who_changed_what(draft_project):
    project_update(project=draft_project, actor=user("baoan_head"), version=draft_project.version,
                   data={"purpose": "新的用途"})  # fmt: skip
    with translation.override("en"):
        latest = field_history(draft_project)[0]
    assert latest.who == "baoan_head"
    assert latest.changes == [("purpose", "社保政策法规宣传、培训。", "新的用途")]


def test_events_and_comments_cannot_be_changed_or_deleted(draft_project):
    event = step(draft_project, "submit", "baoan_preparer")
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    step(draft_project, "sign_off", "baoan_head")
    step(draft_project, "return", "hq_reviewer", comments=[CommentInput("", "补充材料")])
    comment = EventComment.objects.get(event__in=events_of(draft_project))
    with pytest.raises(PermissionError):
        comment.delete()


def test_adjustment_rate_per_unit_and_bureau(draft_project):
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head"), ("recommend", "hq_reviewer"),
                        ("approve", "hq_approver")]:  # fmt: skip
        step(draft_project, action, who)
    adjustment = adjustment_request(project=draft_project, actor=user("baoan_head"),
                                    sub_items=sub_items_for(draft_project, "400000"), fiscal_amount=Decimal("400000"), other_amount=Decimal("0"), reason="压减")  # fmt: skip
    adjustment_through_the_chain(adjustment)
    from core.models import Unit

    rates, bureau = adjustment_rates(cycle=draft_project.budget.cycle, units=Unit.objects.all())
    # The 2021 budgets hold this one project: adjusted 400,000, initial 600,000.
    assert rates[draft_project.budget.unit_id] == Decimal("200000") / Decimal("400000")
    assert bureau == Decimal("0.5")


def test_only_the_approver_decides_adjustments(draft_project):
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head"), ("recommend", "hq_reviewer"),
                        ("approve", "hq_approver")]:  # fmt: skip
        step(draft_project, action, who)
    adjustment = adjustment_request(project=draft_project, actor=user("baoan_head"),
                                    sub_items=sub_items_for(draft_project, "300000"), fiscal_amount=Decimal("300000"), other_amount=Decimal("0"), reason="x")  # fmt: skip
    adjustment_through_the_chain(adjustment, to="recommended")
    with pytest.raises(BusinessRuleError):
        adjustment_transition(adjustment=adjustment, action="approve", actor=user("hq_reviewer"))
    draft_project.refresh_from_db()
    assert draft_project.amount == Decimal("600000.00")


def test_a_basic_line_of_an_approved_submission_changes_through_an_adjustment(demo, client):
    from budgets.models import AdjustmentRequest, BasicExpenditureLine, UnitBudget

    budget = UnitBudget.objects.get(cycle__year=2020, unit__code="baoan")  # published
    line = BasicExpenditureLine.objects.filter(budget=budget).first()
    before = line.amount
    with pytest.raises(BusinessRuleError):  # another unit's staff
        adjustment_request(basic_line=line, actor=user("luohu_head"), fiscal_amount=before + 1, reason="x")
    client.force_login(user("baoan_head"))
    page = client.get("/budgets/2020/baoan/").content.decode()
    assert f'data-line="{line.pk}"' in page
    url = f"/workflow/basic-lines/{line.pk}/adjustments/"
    summary = client.post(url, {"fiscal_amount": str(before + 10000), "reason": "增人增资"})
    client.post(url, {"token": summary.context["token"], "confirm": "1"})
    adjustment = AdjustmentRequest.objects.get(basic_line=line)
    line.refresh_from_db()
    assert line.amount == before  # nothing changes before approval
    adjustment_through_the_chain(adjustment)
    line.refresh_from_db()
    adjustment.refresh_from_db()
    assert line.amount == before + 10000
    assert (adjustment.original_amount, adjustment.adjusted_amount) == (before, before + 10000)
    assert events_of(budget).filter(type="adjustment_approve").exists()
