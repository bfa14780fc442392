"""A page the preparer must act on says, in Chinese (English available), what to do next
(issue #10): the sentence comes from the item's machine, the policy, its check list and the
deadline the unit still owes (core/next_step.py), not from the page."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets import checks
from budgets.models import CycleDeadline, DeadlineKind, Project
from budgets.services import item_transition
from budgets.workflow import PROJECT_REQUEST

from .conftest import user

pytestmark = pytest.mark.django_db


def sentence(client, username, url, lang="zh-hans") -> str:
    client.force_login(user(username))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    box = re.search(r'data-testid="next-step"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert box, f"no next step on {url} for {username}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", box.group(1))).strip()


def quoted(text: str) -> set[str]:
    """The buttons a sentence names (a state is quoted after 当前为)."""
    return set(re.findall(r"(?<!当前为)“([^”]+)”", text))


def project_url(project) -> str:
    return reverse("budgets:project", args=[project.budget.cycle.year, project.budget.unit.code, project.pk])


def preparation_due(year=2021):
    deadline = CycleDeadline.objects.get(cycle__year=year, kind=DeadlineKind.PREPARATION)
    return deadline.due_date, (deadline.due_date - timezone.localdate()).days


def test_the_preparer_is_told_to_submit_by_the_deadline(draft_project, client):
    due, days = preparation_due()
    assert checks.blocking(checks.problems_for(draft_project)) == []
    text = sentence(client, "baoan_preparer", project_url(draft_project))
    assert text.startswith("下一步")
    assert "核对无误后点“提交分局负责人审核”" in text
    assert f"截止日期 {due.isoformat()}（还剩 {days} 天）" in text
    english = sentence(client, "baoan_preparer", project_url(draft_project), lang="en")
    assert "Check it, then press “Submit to the branch head”." in english
    assert f"Due {due.isoformat()} ({days} days left)." in english


def test_the_problems_of_the_check_list_come_first(draft_project, client):
    draft_project.annual_goal = ""
    draft_project.save()
    blocking = checks.blocking(checks.problems_for(draft_project))
    assert blocking  # the rule the submit guard applies
    text = sentence(client, "baoan_preparer", project_url(draft_project))
    assert f"请先改正“报送前检查”中列出的 {len(blocking)} 个问题。然后点“提交分局负责人审核”。" in text


def test_each_role_is_told_its_own_step_along_the_machine(draft_project, client):
    url = project_url(draft_project)
    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    text = sentence(client, "baoan_preparer", url)
    assert "您现在无需操作" in text and "等待本单位负责人处理" in text and "“撤回”" in text
    text = sentence(client, "baoan_head", url)
    assert "核对无误后点“签发报送市局”" in text and "“退回经办人”（须写明原因）" in text

    item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    assert "等待市局审核人处理" in sentence(client, "baoan_preparer", url)
    assert "“开始审核”" in sentence(client, "hq_reviewer", url)
    assert "您现在无需操作" in sentence(client, "hq_approver", url)

    item_transition(item=draft_project, action="return", actor=user("hq_reviewer"), reason="请补充测算依据。")
    text = sentence(client, "baoan_preparer", url)
    assert text.startswith("下一步") and "市局已退回" in text and "“提交分局负责人审核”" in text


@pytest.mark.parametrize(
    "username", ["baoan_preparer", "baoan_head", "hq_reviewer", "hq_approver", "auditor"]
)
def test_every_action_named_is_one_the_machine_lets_that_user_take(draft_project, client, username):
    """Along submit, sign off, start review, recommend, approve: whatever the sentence tells a
    user to press is a transition of that state that the user's role may take."""
    path = [("submit", "baoan_preparer"), ("sign_off", "baoan_head"), ("start_review", "hq_reviewer"),
            ("recommend", "hq_reviewer"), ("approve", "hq_approver")]  # fmt: skip
    labels = {str(t.label) for t in PROJECT_REQUEST.transitions.values()}
    for action, actor in [*path, (None, None)]:
        project = Project.objects.get(pk=draft_project.pk)
        text = sentence(client, username, project_url(project))
        allowed = {str(t.label) for t in PROJECT_REQUEST.allowed(user(username), project)}
        named = quoted(text) & labels
        assert named <= allowed, (project.state, text)
        if action:
            item_transition(item=project, action=action, actor=user(actor))


def test_a_locked_item_points_to_an_adjustment(demo, client):
    project = Project.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan").first()
    text = sentence(client, "baoan_preparer", project_url(project))
    assert "已无待办事项" in text and "预算调整" in text
    assert "预算调整" not in sentence(client, "hq_reviewer", project_url(project))


def test_the_unit_page_names_the_submission_step(budget_2021, client):
    url = reverse("budgets:unit", args=[2021, "baoan"])
    blocking = checks.blocking(checks.problems_for(budget_2021))
    text = sentence(client, "baoan_preparer", url)
    if blocking:
        assert f"列出的 {len(blocking)} 个问题" in text
    assert "“提交分局负责人审核”" in text and "截止日期" in text
    assert "等待本单位经办人或负责人处理" in sentence(client, "hq_reviewer", url)


def test_an_overdue_monitoring_form_says_start_it_and_how_late(demo, client):
    """The demo's August monitoring of 2020 became overdue two days before it was loaded."""
    from performance.services import monitoring_round_open

    cycle = demo
    monitoring_round_open(cycle=cycle, actor=user("hq_reviewer"))
    due = CycleDeadline.objects.get(cycle=cycle, kind=DeadlineKind.MONITORING_DUE).due_date
    late = (timezone.localdate() - due).days
    assert late > 0
    project = Project.objects.filter(budget__cycle=cycle, budget__unit__code="baoan").first()
    url = reverse("performance:project_monitoring", args=[2020, "baoan", project.pk])
    text = sentence(client, "baoan_preparer", url)
    assert "请点“开始填报监控表”" in text and f"已逾期 {late} 天" in text
    assert "尚未开始" in sentence(client, "hq_reviewer", url)
