"""The department-wide 100-point rubric (DOMAIN §8): a whole department scored by hand, then every
cap and band of the formula items, and the properties every score keeps."""

from decimal import Decimal

import pytest
from django.utils import translation

from performance.rubric import (
    ITEMS,
    LEVEL1,
    LEVEL2,
    TOTAL_POINTS,
    RubricInputError,
    level1_max,
    level2_max,
    score_department,
)

D = Decimal

# A branch's year, in figures chosen so that every formula item shows a rule at work.
FIGURES = {
    "projects_without_proper_targets": 1,
    "procurement_planned": "2000000.00",
    "procurement_actual": {"value": "1700000.00", "source": "财务系统 2020 决算"},
    "funds_misused": False,
    "budget_initial": "76558600.00",
    "budget_adjusted": {"value": "90000000.00", "source": "调整后预算"},
    "disclosure_exempt": False,
    "disclosure_budget": {"value": "on_time", "source": "2020-01-15 市财政局网站"},
    "disclosure_final": {"value": "on_time", "source": "2020-07-20 市财政局网站"},
    "fixed_assets_total": "10000000.00",
    "fixed_assets_in_use": "8000000.00",
    "headcount_authorised": 122,
    "headcount_actual": 128,
    "staff_outsourced": 12,
    "three_public_budget": "300000.00",
    "three_public_actual": "270000.00",
    "public_budget": "5000000.00",
    "public_actual": "4000000.00",
    "spending_q1": "18000000.00",
    "spending_q2": "45000000.00",
    "spending_q3": "72000000.00",
    "spending_q4": "86400000.00",
    "key_tasks_unfinished": 1,
    "projects_planned": 9,
    "projects_on_time": 8,
    "satisfaction_rate": "92.5",
}
CHECKLIST = {
    "budget_rationality": {"points": "4", "reason": "一项支出标准未细化"},
    "budget_conformity": {"points": "5", "reason": "符合编制要求"},
    "indicator_clarity": {"points": "6.5", "reason": "个别指标未量化"},
    "project_procedure": {"points": "2", "reason": "程序完整"},
    "project_supervision": {"points": "1.5", "reason": "一个项目监管记录不全"},
    "asset_safety": {"points": "2", "reason": "账实相符"},
    "management_rules": {"points": "2.5", "reason": "制度健全，执行记录缺一项"},
    "benefits": {"points": "21.5", "reason": "社会效益明显，可持续影响一般"},
    "petitions": {"points": "3", "reason": "信访均按时办结"},
}
DEDUCTIONS = {
    "procurement_policy": {"points": "0", "reason": ""},
    "spending_compliance": {"points": "0", "reason": ""},
    "accounting": {"points": "0", "reason": ""},
}
INPUTS = {"figures": FIGURES, "deductions": DEDUCTIONS, "checklist": CHECKLIST}

# Worked by hand, item by item.
EXPECTED = {
    "budget_rationality": "4.00",
    "budget_conformity": "5.00",
    "target_completeness": "2.00",  # 3 - 1 x 1
    "indicator_clarity": "6.50",
    "procurement": "1.85",  # 1,700,000 / 2,000,000 = 0.85 x 1, + 1 for the policy
    # |90,000,000 - 76,558,600| / 90,000,000 = 14.934889 %: 1 - 0.1 x 4.934889 = 0.506511; + 1 + 1
    "financial_compliance": "2.51",
    "disclosure": "3.00",
    "project_procedure": "2.00",
    "project_supervision": "1.50",
    "asset_safety": "2.00",
    "asset_utilisation": "0.70",  # 8,000,000 / 10,000,000 = 80 %: >= 75 %
    "staff_control": "0.00",  # 128 / 122 = 104.92 % > 100 %
    "outsourced_control": "0.50",  # 12 / (128 + 12) = 8.57 %: <= 10 %
    "management_rules": "2.50",
    "public_funds_control": "5.00",  # 三公 270,000 / 300,000 = 90 % → 2; daily 80 % → 3
    # quarters 20 %/25 % = 0.8, 50/50 = 1, 80/75 = 1.0667 → 1, 96/100 = 0.96: 3.76;
    # average (0.8 + 1 + 1.066667 + 0.96) / 4 = 0.956667 x 2 = 1.913333; 5.673333
    "budget_execution": "5.67",
    "key_tasks": "4.00",  # 8 - 4 x 1
    "project_timeliness": "5.33",  # 8 / 9 x 6 = 5.3333
    "benefits": "21.50",
    "petitions": "3.00",
    "satisfaction": "4.00",  # 92.5 %: >= 90 %
}


def test_a_whole_department_scored_by_hand():
    score = score_department(INPUTS)
    assert score.complete
    assert {s.item.key: str(s.points) for s in score.items} == EXPECTED
    assert {level.key: score.level1_points(level.key) for level in LEVEL1} == {
        "decision": D("17.50"),  # 4 + 5 + 2 + 6.5
        "management": D("16.56"),  # 1.85 + 2.51 + 3 + 2 + 1.5 + 2 + 0.7 + 0 + 0.5 + 2.5
        "results": D("48.50"),  # 5 + 5.67 + 4 + 5.33 + 21.5 + 3 + 4
    }
    assert score.level2_points("funds") == D("7.36")
    assert score.level2_points("efficiency") == D("15.00")
    assert score.total == D("82.56")
    assert score.grade == "good"


def test_every_total_is_the_sum_of_its_parts():
    score = score_department(INPUTS)
    assert score.total == sum(score.level1_points(level.key) for level in LEVEL1)
    for level in LEVEL1:
        children = [l2.key for l2 in LEVEL2 if l2.parent == level.key]
        assert score.level1_points(level.key) == sum(score.level2_points(k) for k in children)


def test_the_rubric_has_the_points_of_domain():
    assert TOTAL_POINTS == 100
    assert [level1_max(level.key) for level in LEVEL1] == [20, 20, 60]
    assert {level.key: level2_max(level.key) for level in LEVEL2} == {
        "budgeting": 10,
        "target_setting": 10,
        "funds": 8,
        "project_management": 4,
        "assets": 3,
        "staff": 2,
        "rules": 3,
        "economy": 6,
        "efficiency": 20,
        "effectiveness": 25,
        "fairness": 9,
    }
    assert len(ITEMS) == 21


def item_points(key: str, deductions=None, **figures) -> Decimal:
    inputs = {"figures": {**FIGURES, **figures}, "deductions": {**DEDUCTIONS, **(deductions or {})}}
    # Partial: a figure changed for one item may break another (spending above a smaller budget).
    return score_department({**inputs, "checklist": CHECKLIST}, partial=True).item(key).points


@pytest.mark.parametrize(
    ("initial", "adjusted", "expected"),
    [
        ("100", "100", "3.00"),  # no adjustment
        ("90", "100", "3.00"),  # exactly 10 %: within
        ("88", "100", "2.80"),  # 12 %: 1 - 0.2
        ("86.5", "100", "2.65"),  # 13.5 %: 1 - 0.35, pro rata
        ("75", "100", "2.00"),  # 25 %: 1 - 1.5, never below 0
        ("120", "100", "2.00"),  # |100 - 120| / 100 = 20 %: 1 - 1.0
    ],
)
def test_adjustment_rate_penalty(initial, adjusted, expected):
    assert item_points("financial_compliance", budget_initial=initial, budget_adjusted=adjusted) == D(
        expected
    )


def test_financial_compliance_partial_deductions():
    cuts = {
        "spending_compliance": {"points": "0.3", "reason": "两笔支出超标准"},
        "accounting": {"points": "1", "reason": "会计核算不规范"},
    }
    assert item_points(
        "financial_compliance", deductions=cuts, budget_initial="100", budget_adjusted="100"
    ) == D("1.70")


def test_misused_funds_set_the_whole_financial_compliance_item_to_zero():
    assert (
        item_points("financial_compliance", funds_misused="是", budget_initial="100", budget_adjusted="100")
        == 0
    )


@pytest.mark.parametrize(
    ("planned", "actual", "cut", "expected"),
    [
        ("100", "100", "0", "2.00"),
        ("100", "99.5", "1", "1.00"),  # 0.995 → 1.00 after rounding
        ("300", "100", "0", "1.33"),
        ("100", "100.01", "0", "1.00"),  # more than planned: the execution part is 0
        ("0", "0", "1", "1.00"),
        ("100", "100", "0.25", "1.75"),  # the policy point cut at discretion
    ],
)
def test_procurement_execution(planned, actual, cut, expected):
    assert item_points(
        "procurement",
        deductions={"procurement_policy": {"points": cut, "reason": "未落实预留份额"}},
        procurement_planned=planned,
        procurement_actual=actual,
    ) == D(expected)


@pytest.mark.parametrize(
    ("in_use", "expected"),
    [
        ("100", "1.00"),
        ("90", "1.00"),
        ("89.99", "0.70"),
        ("75", "0.70"),
        ("74.99", "0.40"),
        ("60", "0.40"),
        ("59", "0.00"),
    ],
)
def test_fixed_asset_bands(in_use, expected):
    assert item_points("asset_utilisation", fixed_assets_total="100", fixed_assets_in_use=in_use) == D(
        expected
    )


@pytest.mark.parametrize(("actual", "expected"), [(122, "1.00"), (100, "1.00"), (123, "0.00")])
def test_staff_control(actual, expected):
    assert item_points("staff_control", headcount_authorised=122, headcount_actual=actual) == D(expected)


@pytest.mark.parametrize(
    ("actual", "outsourced", "expected"),
    [(96, 4, "1.00"), (95, 5, "0.50"), (90, 10, "0.50"), (89, 11, "0.00"), (10, 0, "1.00")],
)
def test_outsourced_staff_bands(actual, outsourced, expected):
    assert item_points("outsourced_control", headcount_actual=actual, staff_outsourced=outsourced) == D(
        expected
    )


@pytest.mark.parametrize(
    ("three", "public", "expected"),
    [
        ("89.99", "50", "6.00"),
        ("90", "100", "4.00"),
        ("100.01", "95", "2.00"),
        ("101", "120", "0.00"),
    ],
)
def test_public_funds_bands(three, public, expected):
    assert item_points(
        "public_funds_control",
        three_public_budget="100",
        three_public_actual=three,
        public_budget="100",
        public_actual=public,
    ) == D(expected)


def test_public_funds_nothing_budgeted():
    assert item_points(
        "public_funds_control",
        three_public_budget="0",
        three_public_actual="0",
        public_budget="0",
        public_actual="1",
    ) == D("3.00")


@pytest.mark.parametrize(
    ("spent", "expected"),
    [
        (("25", "50", "75", "100"), "6.00"),  # exactly on schedule
        (("50", "100", "100", "100"), "6.00"),  # ahead: each quarter capped at 1, the average at 2
        (("0", "0", "0", "50"), "0.75"),  # 0 + 0 + 0 + 0.5; average 0.125 x 2 = 0.25
        (("10", "20", "30", "40"), "2.40"),  # 0.4 x 4 = 1.6; average 0.4 x 2 = 0.8
    ],
)
def test_budget_execution_quarters(spent, expected):
    quarters = {f"spending_q{q}": s for q, s in enumerate(spent, start=1)}
    assert item_points("budget_execution", budget_adjusted="100", **quarters) == D(expected)


@pytest.mark.parametrize(("n", "expected"), [(0, "8.00"), (1, "4.00"), (2, "0.00"), (3, "0.00")])
def test_key_tasks(n, expected):
    assert item_points("key_tasks", key_tasks_unfinished=n) == D(expected)


@pytest.mark.parametrize(("n", "expected"), [(0, "3.00"), (2, "1.00"), (5, "0.00")])
def test_target_completeness(n, expected):
    assert item_points("target_completeness", projects_without_proper_targets=n) == D(expected)


@pytest.mark.parametrize(("on_time", "planned", "expected"), [(3, 3, "6.00"), (1, 3, "2.00"), (0, 0, "6.00")])
def test_project_timeliness(on_time, planned, expected):
    assert item_points("project_timeliness", projects_planned=planned, projects_on_time=on_time) == D(
        expected
    )


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("100", "6.00"),
        ("95", "6.00"),
        ("94.99", "4.00"),
        ("90", "4.00"),
        ("80", "2.00"),
        ("79.9", "1.00"),
        ("0", "1.00"),
    ],
)
def test_satisfaction_bands(rate, expected):
    assert item_points("satisfaction", satisfaction_rate=rate) == D(expected)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        ("90.00", "excellent"),
        ("89.99", "good"),
        ("80.00", "good"),
        ("79.99", "fair"),
        ("60.00", "fair"),
        ("59.99", "poor"),
    ],
)
def test_grade_bands(total, grade):
    from performance.scoring import grade_of

    assert grade_of(D(total)) == grade


def test_missing_inputs_are_refused_unless_partial():
    figures = {k: v for k, v in FIGURES.items() if k != "satisfaction_rate"}
    inputs = {"figures": figures, "deductions": DEDUCTIONS, "checklist": {}}
    with pytest.raises(RubricInputError) as raised:
        score_department(inputs)
    errors = raised.value.params["errors"]
    # no survey rate and no band: either will do, so both are named
    assert {"satisfaction_rate", "satisfaction_band", "checklist.benefits"} <= set(errors)
    blank_cut = score_department({**inputs, "deductions": {}}, partial=True)
    assert "deductions.procurement_policy" in blank_cut.missing
    draft = score_department(inputs, partial=True)
    assert not draft.complete and draft.grade is None
    assert draft.item("satisfaction").points is None
    assert draft.item("procurement").points == D("1.85")
    assert draft.total == sum(s.points for s in draft.items if s.points is not None)


@pytest.mark.parametrize(
    ("figures", "bad_key"),
    [
        ({"procurement_actual": "-1"}, "procurement_actual"),
        ({"projects_planned": "2.5"}, "projects_planned"),
        ({"satisfaction_rate": "101"}, "satisfaction_rate"),
        ({"budget_initial": "abc"}, "budget_initial"),
        ({"funds_misused": "maybe"}, "funds_misused"),
        ({"fixed_assets_in_use": "20000000"}, "fixed_assets_in_use"),
        ({"projects_on_time": 10}, "projects_on_time"),
        ({"spending_q3": "1"}, "spending_q3"),  # cumulative spending fell
        ({"budget_adjusted": "0"}, "budget_adjusted"),
        ({"not_a_figure": "1"}, "not_a_figure"),
    ],
)
def test_invalid_figures_are_named(figures, bad_key):
    with pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "figures": {**FIGURES, **figures}})
    assert bad_key in raised.value.params["errors"]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"points": "6", "reason": "x"}, "between 0 and 5"),
        ({"points": "4.5", "reason": "x"}, "steps of 1"),
        ({"points": "4", "reason": "  "}, "reason"),
        ({"points": "four", "reason": "x"}, "number"),
    ],
)
def test_checklist_points_need_a_valid_value_and_a_reason(entry, message):
    with translation.override("en"), pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "checklist": {**CHECKLIST, "budget_rationality": entry}})
    assert message in raised.value.params["errors"]["checklist.budget_rationality"]


@pytest.mark.parametrize(
    ("budget", "final", "expected"),
    [
        ("on_time", "on_time", "3.00"),
        ("on_time", "late_or_incomplete", "2.50"),
        ("late_or_incomplete", "late_or_incomplete", "2.00"),
        ("on_time", "not_published", "1.50"),
        ("not_published", "not_published", "0.00"),
    ],
)
def test_disclosure_parts_score_one_and_a_half_one_or_nothing(budget, final, expected):
    assert item_points("disclosure", disclosure_budget=budget, disclosure_final=final) == D(expected)


def test_a_unit_exempt_by_secrecy_rules_gets_full_disclosure_points_and_names_the_rule():
    exempt = {"value": True, "source": "保密规定第X条"}
    assert item_points("disclosure", disclosure_exempt=exempt, disclosure_budget="not_published") == 3
    with pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "figures": {**FIGURES, "disclosure_exempt": True}})
    assert "disclosure_exempt" in raised.value.params["errors"]


RATES = {f"execution_rate_q{q}": r for q, r in zip((1, 2, 3, 4), ("20", "50", "80", "96"), strict=True)}
NO_SPENDING = {f"spending_q{q}": "" for q in (1, 2, 3, 4)}


def test_quarterly_rates_entered_directly_score_like_the_amounts_they_stand_for():
    # The figures' amounts are 20 %, 50 %, 80 %, 96 % of the adjusted budget (see EXPECTED).
    assert item_points("budget_execution", **NO_SPENDING, **RATES) == D("5.67")


def test_rates_and_amounts_together_are_refused_not_chosen_silently():
    with translation.override("en"), pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "figures": {**FIGURES, **RATES}})
    assert "not both" in raised.value.params["errors"]["execution_rate_q1"]


def test_a_rate_above_100_or_a_falling_rate_is_refused():
    for bad, key in (
        ({"execution_rate_q4": "100.5"}, "execution_rate_q4"),
        ({"execution_rate_q3": "40"}, "execution_rate_q3"),
    ):
        with pytest.raises(RubricInputError) as raised:
            score_department({**INPUTS, "figures": {**FIGURES, **NO_SPENDING, **RATES, **bad}})
        assert key in raised.value.params["errors"]


def test_satisfaction_band_from_other_evidence_needs_the_evidence_named():
    band = {"value": "90", "source": "2020年民主评议结果：满意率92%"}
    assert item_points("satisfaction", satisfaction_rate="", satisfaction_band=band) == D("4.00")
    with pytest.raises(RubricInputError) as raised:
        score_department(
            {**INPUTS, "figures": {**FIGURES, "satisfaction_rate": "", "satisfaction_band": "90"}}
        )
    assert "satisfaction_band" in raised.value.params["errors"]
    with pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "figures": {**FIGURES, "satisfaction_band": band}})
    assert "satisfaction_band" in raised.value.params["errors"]  # and a survey rate: not both


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"points": "1.5", "reason": "x"}, "cannot exceed"),
        ({"points": "0.5", "reason": " "}, "written reason"),
        ({"points": "-0.5", "reason": "x"}, "negative"),
        ({"points": "NaN", "reason": "x"}, "number"),
        ({"points": "0.123", "reason": "x"}, "two decimal"),
    ],
)
def test_a_deduction_is_bounded_and_explained(entry, message):
    with translation.override("en"), pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "deductions": {**DEDUCTIONS, "accounting": entry}})
    assert message in raised.value.params["errors"]["deductions.accounting"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("procurement_actual", "NaN"),
        ("procurement_actual", "1e30"),
        ("procurement_actual", "Infinity"),
        ("procurement_actual", "12.345"),
        ("headcount_actual", "1e30"),
        ("headcount_actual", "-3"),
        ("satisfaction_rate", "100.01"),
        ("fixed_assets_in_use", "-1"),
        ("disclosure_budget", "maybe"),
    ],
)
def test_bad_figures_are_refused_with_a_chinese_message(key, value):
    with pytest.raises(RubricInputError) as raised:
        score_department({**INPUTS, "figures": {**FIGURES, key: value}})
    message = raised.value.params["errors"][key]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
