"""The evaluated scope of a department self-evaluation (DOMAIN §8): 局本级 is HQ together with the
special-funds unit, and every figure the application pre-fills covers the whole scope."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from core import policy
from core.errors import BusinessRuleError
from core.models import Unit
from performance import services
from performance.models import DepartmentEvaluation
from performance.selectors import department_prefill

from .test_rubric import CHECKLIST, DEDUCTIONS, FIGURES
from .test_views import department_form, login

D = Decimal

# The 2020 demo, from the lines: 局本级 142,671,529.95 (12 projects, 88 / 82 / 3 staff, 28,430,000
# procurement), 社保专项 69,280,000.00 (1 project, no staff of its own, no procurement).
HQ_BUDGET = D("142671529.95")
SPECIAL_BUDGET = D("69280000.00")


def value(figures, key):
    return D(figures[key]["value"])


def test_hq_is_evaluated_with_the_special_funds_unit_and_the_prefill_sums_both(demo, users):
    hq = Unit.objects.get(code="hq")
    evaluation = services.department_evaluation_start(cycle=demo, unit=hq, actor=users["hq_preparer"])
    assert {u.code for u in evaluation.scope.all()} == {"hq", "special"}
    figures = evaluation.inputs["figures"]
    assert value(figures, "budget_initial") == value(figures, "budget_adjusted") == HQ_BUDGET + SPECIAL_BUDGET
    assert value(figures, "procurement_planned") == D("28430000.00")
    assert value(figures, "projects_planned") == 13
    assert [value(figures, k) for k in ("headcount_authorised", "headcount_actual", "staff_outsourced")] == [
        88,
        82,
        3,
    ]
    assert "局本级、社保专项" in figures["budget_adjusted"]["source"]


def test_the_scope_prefill_is_the_sum_of_its_units_prefills(demo):
    hq, special = Unit.objects.get(code="hq"), Unit.objects.get(code="special")
    both = department_prefill(cycle=demo, units=[hq, special])
    alone = {u.code: department_prefill(cycle=demo, units=[u]) for u in (hq, special)}
    for key in ("budget_initial", "budget_adjusted", "procurement_planned", "projects_planned"):
        assert value(both, key) == value(alone["hq"], key) + value(alone["special"], key), key
    # 社保专项 has no staffing facts: the headcount is HQ's, not a blank.
    assert "headcount_actual" not in alone["special"]
    assert value(both, "headcount_actual") == value(alone["hq"], "headcount_actual")


def test_hq_may_evaluate_itself_alone_and_then_widen_the_scope(demo, users):
    hq, special = Unit.objects.get(code="hq"), Unit.objects.get(code="special")
    preparer = users["hq_preparer"]
    evaluation = services.department_evaluation_start(cycle=demo, unit=hq, actor=preparer, scope=[hq])
    assert value(evaluation.inputs["figures"], "budget_adjusted") == HQ_BUDGET
    # A figure the evaluator typed stays as typed; the pre-filled ones follow the scope.
    inputs = {**evaluation.inputs, "figures": {**evaluation.inputs["figures"]}}
    inputs["figures"]["procurement_planned"] = {"value": "30000000.00", "source": "政府采购计划调整"}
    services.department_evaluation_save(evaluation=evaluation, inputs=inputs, actor=preparer)
    services.department_evaluation_set_scope(evaluation=evaluation, scope=[hq, special], actor=preparer)
    evaluation = DepartmentEvaluation.objects.get(pk=evaluation.pk)
    assert {u.code for u in evaluation.scope.all()} == {"hq", "special"}
    assert value(evaluation.inputs["figures"], "budget_adjusted") == HQ_BUDGET + SPECIAL_BUDGET
    assert value(evaluation.inputs["figures"], "procurement_planned") == D("30000000.00")


def test_a_branch_cannot_take_the_special_funds_unit_or_another_branch_into_its_scope(demo, users):
    baoan, luohu, special = (Unit.objects.get(code=c) for c in ("baoan", "luohu", "special"))
    preparer = users["baoan_preparer"]
    assert policy.can_evaluate_scope(preparer, baoan, [baoan])
    for scope in ([baoan, special], [baoan, luohu], [luohu], []):
        assert not policy.can_evaluate_scope(preparer, baoan, scope)
        with pytest.raises(BusinessRuleError) as raised:
            services.department_evaluation_start(cycle=demo, unit=baoan, actor=preparer, scope=scope)
        assert raised.value.code == "scope_not_allowed"
    assert not DepartmentEvaluation.objects.filter(unit=baoan).exists()
    # HQ's staff may add the special-funds unit, not a branch; HQ's reviewer evaluates nothing.
    hq = Unit.objects.get(code="hq")
    assert policy.can_evaluate_scope(users["hq_head"], hq, [hq, special])
    assert not policy.can_evaluate_scope(users["hq_head"], hq, [hq, baoan])
    assert not policy.can_evaluate_scope(users["hq_reviewer"], hq, [hq])


def test_the_start_page_offers_the_scope_and_the_evaluation_page_shows_it(demo, client):
    url = reverse("performance:department_evaluation", args=[2020, "hq"])
    login(client, "hq_preparer")
    page = client.get(url).content.decode()
    assert "评价范围" in page and "尚未开始" in page
    special = Unit.objects.get(code="special")
    assert re.search(rf'value="{special.pk}"[^>]*checked', page)  # ticked by default
    # A branch is not offered to HQ.
    assert f'value="{Unit.objects.get(code="baoan").pk}"' not in page
    hq = Unit.objects.get(code="hq")
    assert client.post(url, {"scope": [hq.pk, special.pk], "action": "start"}).status_code == 302
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="scope">.*局本级、社保专项', page)
    assert "下一步" in page


def test_the_branch_start_page_posts_its_own_unit_only(demo, client):
    url = reverse("performance:department_evaluation", args=[2020, "baoan"])
    login(client, "baoan_preparer")
    special = Unit.objects.get(code="special")
    response = client.post(url, {"scope": [Unit.objects.get(code="baoan").pk, special.pk], "action": "start"})
    assert response.status_code == 200  # not a choice the page offers: the form refuses it
    assert not DepartmentEvaluation.objects.filter(unit__code="baoan").exists()


def test_the_page_labels_inputs_with_units_and_marks_errors_next_to_the_field(demo, client):
    url = reverse("performance:department_evaluation", args=[2020, "baoan"])
    login(client, "baoan_preparer")
    client.post(url, {"scope": [Unit.objects.get(code="baoan").pk], "action": "start"})
    page = client.get(url).content.decode()
    assert "年末实有在编人数（人）" in page
    assert "政府采购预算数（元）" in page
    assert "截至一季度末累计预算执行率（%）" in page and "基数：评价范围的调整后预算" in page
    assert "万元" in page
    assert "按保密规定免于公开" in page and "政府采购政策执行扣分" in page
    assert "问卷调查满意度（%）" in page and "按其他依据评定的满意度档次" in page

    evaluation = DepartmentEvaluation.objects.get(unit__code="baoan")
    before = evaluation.inputs
    bad = department_form(
        {
            "figures": {**FIGURES, "procurement_actual": "1e30", "headcount_actual": "NaN"},
            "deductions": {**DEDUCTIONS, "accounting": {"points": "0.5", "reason": ""}},
            "checklist": CHECKLIST,
        }
    )
    response = client.post(url, bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'data-error-for="procurement_actual">金额（元）过大', html)
    assert re.search(r'data-error-for="headcount_actual">[^<]*数字', html)
    assert re.search(r'data-error-for="deductions.accounting">扣分须写明理由', html)
    evaluation.refresh_from_db()
    assert evaluation.inputs == before  # nothing saved

    good = department_form({"figures": FIGURES, "deductions": DEDUCTIONS, "checklist": CHECKLIST})
    assert client.post(url, good).status_code == 302
    page = client.get(url).content.decode()
    assert 'data-field="total">82.56<' in page
    # The next step, by the evaluation's machine: every item is scored, only the head submits.
    assert "核对无误后，请本单位负责人点“报送市局”" in page


def test_the_xlsx_names_the_scope(demo, client):
    import io

    from openpyxl import load_workbook

    url = reverse("performance:department_evaluation", args=[2020, "hq"])
    login(client, "hq_head")
    hq, special = Unit.objects.get(code="hq"), Unit.objects.get(code="special")
    client.post(url, {"scope": [hq.pk, special.pk], "action": "start"})
    response = client.get(reverse("performance:department_xlsx", args=[2020, "hq"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "评价范围：局本级、社保专项" in sheet["A1"].value
