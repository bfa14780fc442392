"""预算调整 as a budget officer uses it (issue #10, point 7): each box says what it is and its
unit beside the amount now; a basic line is named by its codes, names and note, so two lines
of 2080109 are told apart; a summary (调整前 → 调整后, 差额) is confirmed before anything is
asked; the adjustment takes the budget's path — the branch head signs off, HQ's reviewer
reviews (and may return it), HQ's approver decides — on the pages, in the admin and in the API."""

import importlib
import re
from decimal import Decimal as D

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.services import adjustment_request, adjustment_transition
from budgets.models import AdjustmentRequest, BasicExpenditureLine, EconomicCode, Project
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import Notification

from .conftest import adjustment_through_the_chain, user

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def approved_project() -> Project:
    """An approved (published) project of 宝安 2020 without sub-items."""
    return (
        Project.objects.filter(budget__cycle__year=2020, budget__unit__code="baoan", sub_items__isnull=True)
        .order_by("pk")
        .first()
    )


def two_2080109_lines():
    """Two basic lines under the same functional code 2080109, as a real submission has them
    (salaries and office costs of the social-insurance agency)."""
    line = BasicExpenditureLine.objects.get(
        budget__cycle__year=2020, budget__unit__code="baoan", functional_code__code="2080109"
    )
    salaries, office = EconomicCode.objects.get(code="30101"), EconomicCode.objects.get(code="30201")
    BasicExpenditureLine.objects.filter(pk=line.pk).update(economic_code=salaries, note="在编人员")
    other = BasicExpenditureLine.objects.create(
        budget=line.budget, functional_code=line.functional_code, economic_code=office,
        funding_source=line.funding_source, amount=D("300000.00"),
    )  # fmt: skip
    return BasicExpenditureLine.objects.get(pk=line.pk), other


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- The form: labelled boxes with their unit, lines told apart --------------------------------


def test_the_project_form_labels_each_box_with_its_unit_beside_the_amount_now(demo, client):
    project = approved_project()
    client.force_login(user("baoan_preparer"))
    page = client.get(reverse("approvals:adjustment-request", args=[project.pk]), **ZH).content.decode()
    form = page[page.index('data-testid="adjustment-form"') :]
    # Both boxes are labelled, with 元, and each stands beside the amount it replaces.
    for name, what, now in (("fiscal_amount", "财政拨款", project.fiscal_amount),
                            ("other_amount", "其他资金", project.other_amount)):  # fmt: skip
        row = re.search(rf"<tr>.*?name=\"{name}\".*?</tr>", form, re.S).group(0)
        assert what in text_of(row) and "元" in text_of(row), name
        assert f"{now:,.2f}" in row, name
        assert re.search(rf'<label for="id_{name}">', row), name
    assert "当前金额（元）" in text_of(form) and "调整后金额（元）" in text_of(form)
    assert (
        "调整理由" in text_of(form)
        and 'name="reason"' in form
        and "required" in form.split('name="reason"')[1][:80]
    )
    # The boxes take the unit they state: 元, typed as people type it.
    summary = client.post(
        reverse("approvals:adjustment-request", args=[project.pk]),
        {"fiscal_amount": f"{project.fiscal_amount + 50000:,.2f}", "other_amount": "0", "reason": "增加宣传"}, **ZH,
    )  # fmt: skip
    assert summary.context["p"].adjusted == project.amount + 50000


def test_two_lines_of_2080109_are_told_apart_by_their_economic_codes_and_names(demo, client):
    salaries, office = two_2080109_lines()
    client.force_login(user("baoan_preparer"))
    page = client.get(reverse("budgets:unit", args=[2020, "baoan"]), **ZH).content.decode()
    card = page[page.index('data-testid="line-adjustments"') :]
    shown = {}
    for line in (salaries, office):
        item = re.search(rf'data-line="{line.pk}">(.*?)</li>', card, re.S)
        assert item, line.pk
        shown[line.pk] = text_of(item.group(1)).split(" 元")[0]
    assert "2080109 社会保险经办机构" in shown[salaries.pk] and "30101 基本工资" in shown[salaries.pk]
    assert "在编人员" in shown[salaries.pk]
    assert "2080109 社会保险经办机构" in shown[office.pk] and "30201 办公费" in shown[office.pk]
    assert shown[salaries.pk] != shown[office.pk]
    # The form of each line names it the same way, with one box: the line's amount in 元.
    form = client.get(reverse("approvals:basic-line-adjustment", args=[office.pk]), **ZH).content.decode()
    assert "30201 办公费" in text_of(form) and "30101" not in text_of(form)
    assert "调整后金额（元）" in text_of(form) and 'name="other_amount"' not in form


# --- The confirmation step ---------------------------------------------------------------------


def test_nothing_is_asked_before_the_summary_is_confirmed(demo, client):
    project = approved_project()
    url = reverse("approvals:adjustment-request", args=[project.pk])
    client.force_login(user("baoan_preparer"))
    values = {"fiscal_amount": str(project.fiscal_amount + 20000), "other_amount": str(project.other_amount),
              "reason": "新增宣传任务"}  # fmt: skip
    summary = client.post(url, values, **ZH)
    assert not AdjustmentRequest.objects.filter(project=project).exists()
    html = summary.content.decode()
    page = text_of(html)
    for words in ("调整前", "调整后", "差额", "确认提交", "返回修改", "新增宣传任务"):
        assert words in page, words
    assert re.search(r'data-field="delta">\+20,000\.00<', html)
    assert re.search(rf'data-field="before">{project.amount:,.2f}<', html)
    # 返回修改 brings the form back with what was typed.
    back = client.post(url, {**values, "edit": "1"}, **ZH)
    assert (
        back.context["form"]["reason"].value() == "新增宣传任务" and "确认提交" not in back.content.decode()
    )
    # A confirmation must carry the summary's own token: none, or a forged one, asks nothing.
    client.post(url, {**values, "confirm": "1"}, **ZH)
    client.post(url, {**values, "confirm": "1", "token": summary.context["token"] + "x"}, **ZH)
    assert not AdjustmentRequest.objects.filter(project=project).exists()
    # … and it asks exactly what the summary showed, whatever else is posted with it.
    done = client.post(url, {"fiscal_amount": "1", "confirm": "1", "token": summary.context["token"]}, **ZH)
    assert done.status_code == 302
    adjustment = AdjustmentRequest.objects.get(project=project)
    assert (adjustment.adjusted_amount, adjustment.reason) == (project.amount + 20000, "新增宣传任务")


def test_a_summary_is_refused_when_the_rules_say_no(demo, client):
    project = approved_project()
    url = reverse("approvals:adjustment-request", args=[project.pk])
    client.force_login(user("baoan_preparer"))
    same = client.post(url, {"fiscal_amount": str(project.fiscal_amount), "other_amount": str(project.other_amount),
                             "reason": "x"}, **ZH)  # fmt: skip
    assert "确认提交" not in same.content.decode() and same.context["form"].non_field_errors()
    no_reason = client.post(url, {"fiscal_amount": "1", "other_amount": "0", "reason": " "}, **ZH)
    assert no_reason.context["form"].errors["reason"]
    client.force_login(user("hq_reviewer"))  # HQ decides adjustments, it does not ask for them
    assert client.get(url).status_code == 403


# --- The path: preparer → branch head → HQ reviewer → HQ approver --------------------------------


def _step(client, adjustment, action, reason=""):
    return client.post(reverse("approvals:adjustment-transition", args=[adjustment.pk]),
                       {"action": action, "reason": reason}, follow=True, **ZH)  # fmt: skip


def test_the_whole_path_by_role_with_the_reviewers_return(demo, client):
    project = approved_project()
    before = project.amount
    project_page = reverse("budgets:project", args=[2020, "baoan", project.pk])
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"),
                                    fiscal_amount=project.fiscal_amount + 30000, other_amount=project.other_amount,
                                    reason="新增宣传任务")  # fmt: skip
    assert adjustment.state == "with_branch_head"
    assert Notification.objects.filter(
        recipient=user("baoan_head"), event__type="adjustment_request"
    ).exists()

    # Nobody at HQ can act before the branch head has signed off.
    for who, action in (("hq_reviewer", "recommend"), ("hq_approver", "approve"), ("hq_reviewer", "return")):
        client.force_login(user(who))
        _step(client, adjustment, action, reason="x")
        adjustment.refresh_from_db()
        assert adjustment.state == "with_branch_head", (who, action)

    client.force_login(user("baoan_head"))
    card = client.get(project_page, **ZH).content.decode()
    assert 'data-step="sign_off"' in card and 'data-step="approve"' not in card
    _step(client, adjustment, "sign_off")
    adjustment.refresh_from_db()
    assert adjustment.state == "submitted"
    assert Notification.objects.filter(
        recipient=user("hq_reviewer"), event__type="adjustment_sign_off"
    ).exists()

    # The reviewer returns it; a return needs a reason, which the preparer reads in yellow.
    client.force_login(user("hq_reviewer"))
    _step(client, adjustment, "return")
    adjustment.refresh_from_db()
    assert adjustment.state == "submitted"
    _step(client, adjustment, "return", reason="请说明宣传任务的依据")
    adjustment.refresh_from_db()
    assert adjustment.state == "returned"
    assert Notification.objects.filter(
        recipient=user("baoan_preparer"), event__type="adjustment_return"
    ).exists()

    client.force_login(user("baoan_preparer"))
    card = client.get(project_page, **ZH).content.decode()
    decision = re.search(r'data-testid="adjustment-decision">(.*?)</div>', card, re.S).group(1)
    assert "退回" in text_of(decision) and "请说明宣传任务的依据" in decision
    # The preparer revises it: the same form and summary, prefilled with what was asked.
    revise = reverse("approvals:adjustment-revise", args=[adjustment.pk])
    form = client.get(revise, **ZH)
    assert form.context["form"]["fiscal_amount"].value() == project.fiscal_amount + 30000
    assert "请说明宣传任务的依据" in form.content.decode()
    summary = client.post(revise, {"fiscal_amount": str(project.fiscal_amount + 25000),
                                   "other_amount": str(project.other_amount), "reason": "依据：年度宣传计划"}, **ZH)  # fmt: skip
    client.post(revise, {"confirm": "1", "token": summary.context["token"]}, **ZH)
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.adjusted_amount) == ("with_branch_head", before + 25000)

    # Round two: head, reviewer, approver; the amount changes only on the final approval.
    for who, action, reached in (
        ("baoan_head", "sign_off", "submitted"),
        ("hq_reviewer", "recommend", "recommended"),
    ):
        client.force_login(user(who))
        _step(client, adjustment, action)
        adjustment.refresh_from_db()
        project.refresh_from_db()
        assert (adjustment.state, project.amount) == (reached, before)
    assert Notification.objects.filter(
        recipient=user("hq_approver"), event__type="adjustment_recommend"
    ).exists()
    client.force_login(user("hq_approver"))
    _step(client, adjustment, "approve")
    adjustment.refresh_from_db()
    project.refresh_from_db()
    assert (adjustment.state, project.amount) == ("approved", before + 25000)
    assert Notification.objects.filter(
        recipient=user("baoan_preparer"), event__type="adjustment_approve"
    ).exists()
    steps = list(events_of(project).filter(type__startswith="adjustment_").order_by("id").values_list("type", "actor__username"))  # fmt: skip
    assert steps == [
        ("adjustment_request", "baoan_preparer"), ("adjustment_sign_off", "baoan_head"),
        ("adjustment_return", "hq_reviewer"), ("adjustment_resubmit", "baoan_preparer"),
        ("adjustment_sign_off", "baoan_head"), ("adjustment_recommend", "hq_reviewer"),
        ("adjustment_approve", "hq_approver"),
    ]  # fmt: skip


def test_a_branch_user_cannot_approve_or_recommend(demo, client):
    project = approved_project()
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=project.fiscal_amount + 1,
                                    other_amount=project.other_amount, reason="x")  # fmt: skip
    with pytest.raises(BusinessRuleError) as preparer_signs:
        adjustment_transition(adjustment=adjustment, action="sign_off", actor=user("baoan_preparer"))
    assert preparer_signs.value.code == "forbidden"
    adjustment_through_the_chain(adjustment, to="recommended")
    for who in ("baoan_preparer", "baoan_head", "luohu_head"):
        with pytest.raises(BusinessRuleError):
            adjustment_transition(adjustment=adjustment, action="approve", actor=user(who))
        client.force_login(user(who))
        _step(client, adjustment, "approve")
    adjustment.refresh_from_db()
    project.refresh_from_db()
    assert adjustment.state == "recommended" and project.amount == adjustment.original_amount


# --- The API and the admin take the same steps, none skipped ------------------------------------


def api(username):
    client = APIClient()
    client.force_authenticate(user(username))
    return client


def test_the_api_cannot_skip_a_step(demo):
    project = approved_project()
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=project.fiscal_amount + 1,
                                    other_amount=project.other_amount, reason="x")  # fmt: skip
    url = f"/api/v1/adjustments/{adjustment.pk}/"
    assert api("baoan_head").get(url + "actions/").json() == ["sign_off", "send_back", "withdraw"]
    assert api("hq_approver").get(url + "actions/").json() == []
    skipped = api("hq_approver").post(url + "transition/", {"action": "approve"}, format="json")
    assert (skipped.status_code, skipped.json()["code"]) == (400, "wrong_state")
    assert (
        api("luohu_head").post(url + "transition/", {"action": "sign_off"}, format="json").status_code == 404
    )
    assert (
        api("baoan_head").post(url + "transition/", {"action": "sign_off"}, format="json").json()["to_state"]
        == "submitted"
    )
    early = api("hq_approver").post(url + "transition/", {"action": "approve"}, format="json")
    assert (early.status_code, early.json()["code"]) == (400, "wrong_state")
    by_head = api("baoan_head").post(url + "transition/", {"action": "recommend"}, format="json")
    assert by_head.json()["code"] in ("forbidden", "wrong_state")
    assert (
        api("hq_reviewer").post(url + "transition/", {"action": "recommend"}, format="json").status_code
        == 200
    )
    assert (
        api("hq_approver").post(url + "transition/", {"action": "approve"}, format="json").status_code == 200
    )
    assert api("hq_approver").get(url).json()["state"] == "approved"


def test_the_admin_queue_cannot_skip_a_step(demo, client):
    project = approved_project()
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=project.fiscal_amount + 1,
                                    other_amount=project.other_amount, reason="x")  # fmt: skip
    adjustment_through_the_chain(adjustment, to="submitted")
    url = reverse("admin:budgets_adjustmentrequest_changelist")
    client.force_login(user("hq_approver"))
    # The approver's queue (“待我处理”) does not hold it yet, and approving it from the full list fails.
    assert adjustment not in client.get(url + "?waiting_for=me").context["cl"].result_list
    client.post(
        url, {"action": "approve_selected", "_selected_action": [adjustment.pk], "confirm": "yes"}, **ZH
    )
    adjustment.refresh_from_db()
    assert adjustment.state == "submitted"
    client.force_login(user("hq_reviewer"))
    assert adjustment in client.get(url + "?waiting_for=me").context["cl"].result_list
    client.post(
        url, {"action": "return_selected", "_selected_action": [adjustment.pk], "confirm": "yes"}, **ZH
    )
    adjustment.refresh_from_db()
    assert adjustment.state == "submitted"  # a return needs a reason
    client.post(
        url, {"action": "recommend_selected", "_selected_action": [adjustment.pk], "confirm": "yes"}, **ZH
    )
    adjustment.refresh_from_db()
    assert adjustment.state == "recommended"
    client.force_login(user("hq_approver"))
    done = client.post(url, {"action": "approve_selected", "_selected_action": [adjustment.pk], "confirm": "yes"},
                       follow=True, **ZH)  # fmt: skip
    adjustment.refresh_from_db()
    project.refresh_from_db()
    assert adjustment.state == "approved" and project.amount == adjustment.adjusted_amount
    message = [str(m) for m in done.context["messages"]][-1]
    assert message.startswith("批准") and "approve" not in message


# --- Existing adjustments keep working ---------------------------------------------------------


def test_the_migration_sends_a_pending_adjustment_to_the_branch_head(demo):
    project = approved_project()
    adjustment = adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=project.fiscal_amount + 1,
                                    other_amount=project.other_amount, reason="x")  # fmt: skip
    AdjustmentRequest.objects.filter(pk=adjustment.pk).update(state="pending")
    migration = importlib.import_module("budgets.migrations.0005_adjustment_review")
    migration.pending_to_the_branch_head(apps, None)
    adjustment.refresh_from_db()
    assert adjustment.state == "with_branch_head" and adjustment.state_changed_at == adjustment.requested_at
    adjustment_through_the_chain(adjustment)
    assert adjustment.state == "approved"


# --- The admin in Chinese (issue #10, point 6): no English model names, actions or filters ------

ALLOWED_LATIN = {"rsaquo", "nbsp", "API", "ID"}


def _latin_words(html: str) -> set[str]:
    html = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.S)
    return set(re.findall(r"[A-Za-z][A-Za-z_]+", html)) - ALLOWED_LATIN


def test_the_admin_speaks_chinese_to_hq_titles_queues_actions_and_filters(demo, client, draft_project):
    from django.contrib import admin

    from budgets.services import item_transition

    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    project, (_, office) = approved_project(), two_2080109_lines()
    adjustment_through_the_chain(
        adjustment_request(project=project, actor=user("baoan_preparer"), fiscal_amount=project.fiscal_amount + 1,
                           other_amount=project.other_amount, reason="x"), to="submitted")  # fmt: skip
    adjustment_request(basic_line=office, actor=user("baoan_head"), fiscal_amount=D("1"), reason="x")
    queues = {"approvals_reviewqueueproject", "approvals_reviewqueuebudget", "budgets_adjustmentrequest"}
    client.force_login(user("hq_reviewer"))
    index = client.get(reverse("admin:index"), **ZH)
    request = index.wsgi_request
    found = {}
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        name = f"{model._meta.app_label}_{model._meta.model_name}"
        page = client.get(reverse(f"admin:{name}_changelist"), **ZH).content.decode()
        # Every list: its title, heading and breadcrumbs name the model in Chinese.
        parts = re.findall(r"<title>.*?</title>|<h1.*?</h1>|<div class=\"breadcrumbs\">.*?</div>", page, re.S)
        if name in queues:  # the queues: their actions, filters and columns too
            parts += re.findall(r"<select name=\"action\".*?</select>|<nav id=\"changelist-filter\".*?</nav>|"
                                r"<thead>.*?</thead>", page, re.S)  # fmt: skip
            if name != "approvals_reviewqueuebudget":  # no unit submission waits in the demo
                assert "<thead>" in "".join(parts), name  # the queue lists something
        words = _latin_words(" ".join(parts))
        if words:
            found[name] = words
    assert found == {}
    adjustments = client.get(reverse("admin:budgets_adjustmentrequest_changelist"), **ZH).content.decode()
    for words in ("预算调整", "调整事项", "调整前（元）", "差额（元）", "待我处理", "建议批准所选预算调整",
                  "退回修改所选预算调整", "30201 办公费"):  # fmt: skip
        assert words in adjustments, words
    # The index names every app and model in Chinese (its screen-reader column headers are Django's own).
    main = (
        index.content.decode()
        .split('id="content-main"')[1]
        .split('id="content-related"')[0]
        .rsplit("<", 1)[0]
    )
    assert _latin_words(re.sub(r"<thead.*?</thead>", "", main, flags=re.S)) == set()
