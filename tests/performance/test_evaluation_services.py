"""Self-evaluation: a project scored against its adjusted target, and a department's rubric
pre-filled from the application's own records."""

from decimal import Decimal

import pytest

from core.errors import BusinessRuleError
from core.models import Unit
from performance import services
from performance.models import DepartmentEvaluation, Progress, ReportState
from performance.rubric import RubricInputError
from performance.selectors import evaluation_detail
from performance.services import EvaluationLineData, MonitoringLineData

from .conftest import DATA
from .test_rubric import CHECKLIST, DEDUCTIONS, FIGURES

pytestmark = pytest.mark.django_db

D = Decimal


def answers(project, *, training="2", satisfaction="98", reason=""):
    rows = list(project.indicators.order_by("sort_order"))
    return {
        rows[0].pk: EvaluationLineData(actual_value=D(training)),
        rows[1].pk: EvaluationLineData(actual_value=D(1_000_000)),
        rows[2].pk: EvaluationLineData(actual_value=D(100)),
        rows[3].pk: EvaluationLineData(achievement=Progress.REACHED, band_percent=D(100)),
        rows[4].pk: EvaluationLineData(actual_value=D("99.5")),
        rows[5].pk: EvaluationLineData(actual_value=D(satisfaction), deviation_reason=reason),
    }


def evaluate(project, users, **kwargs):
    evaluation = services.project_evaluation_start(project=project, actor=users["baoan_preparer"])
    return services.project_evaluation_save(
        evaluation=evaluation,
        actor=users["baoan_preparer"],
        adjusted_budget=evaluation.adjusted_budget,
        adjusted_budget_source=evaluation.adjusted_budget_source,
        spending=evaluation.spending,
        spending_source=evaluation.spending_source,
        summary="",
        lines=answers(project, **kwargs),
    )


def import_spending(demo, users):
    services.spending_import(
        cycle=demo,
        filename="spending_good.csv",
        content=(DATA / "spending_good.csv").read_bytes(),
        actor=users["hq_reviewer"],
    )


def test_a_project_is_scored_against_its_adjusted_target(demo, baoan_project, users):
    import_spending(demo, users)
    change = services.target_change_request(
        indicator=baoan_project.indicators.get(sort_order=1),
        new_text="2期",
        reason="疫情",
        actor=users["baoan_preparer"],
    )
    services.target_change_approve(change=change, actor=users["hq_approver"])

    evaluation = evaluate(baoan_project, users)
    # Pre-filled: the project's budget and the year's imported spending.
    assert (evaluation.adjusted_budget, evaluation.spending) == (D("660000.00"), D("250000.00"))
    score = evaluation_detail(evaluation).score
    # 250,000 / 660,000 x 10 = 3.79; outputs 4 x 12.5 (2 of 2 trainings: full); effects 30;
    # satisfaction 98 / 99 x 10 = 9.90.
    assert score.execution_points == D("3.79")
    assert [s.points for s in score.indicators] == [
        D("12.50"),
        D("12.50"),
        D("12.50"),
        D("12.50"),
        D("30.00"),
        D("9.90"),
    ]
    assert score.total == D("93.69") and score.grade == "excellent"


def test_without_the_change_the_same_year_scores_lower(demo, baoan_project, users):
    import_spending(demo, users)
    score = evaluation_detail(evaluate(baoan_project, users, reason="x")).score
    assert score.indicators[0].points == D("6.25")  # 2 of 4 trainings
    assert score.total == D("87.44") and score.grade == "good"


def test_below_full_points_without_a_reason_cannot_be_submitted(demo, baoan_project, users):
    import_spending(demo, users)
    evaluation = evaluate(baoan_project, users, training="4")
    with pytest.raises(BusinessRuleError) as raised:
        services.project_evaluation_submit(evaluation=evaluation, actor=users["baoan_head"])
    (problem,) = raised.value.params["problems"]
    assert "群众满意度" in problem["message"]
    evaluation = evaluate(baoan_project, users, training="4", reason="问卷样本中个别不满意")
    services.project_evaluation_submit(evaluation=evaluation, actor=users["baoan_head"])
    evaluation.refresh_from_db()
    assert evaluation.state == ReportState.SUBMITTED
    services.project_evaluation_approve(evaluation=evaluation, actor=users["hq_approver"])


def test_evaluation_takes_the_adjusted_budget_entered_at_monitoring(
    demo, baoan_project, users, monitoring_round
):
    monitoring = services.project_monitoring_start(
        round=monitoring_round, project=baoan_project, actor=users["baoan_preparer"]
    )
    services.project_monitoring_save(
        monitoring=monitoring,
        actor=users["baoan_preparer"],
        adjusted_budget=D("500000.00"),
        adjusted_budget_source="预算调剂批复 深社保〔2020〕12号",
        expected_spending=D("480000.00"),
        remarks="",
        lines={baoan_project.indicators.first().pk: MonitoringLineData(actual_value=D(2))},
    )
    evaluation = services.project_evaluation_start(project=baoan_project, actor=users["baoan_head"])
    assert (evaluation.adjusted_budget, evaluation.adjusted_budget_source) == (
        D("500000.00"),
        "预算调剂批复 深社保〔2020〕12号",
    )
    assert evaluation.spending is None and evaluation.lines.count() == 6


def test_department_rubric_is_prefilled_from_the_applications_records(demo, users):
    baoan = Unit.objects.get(code="baoan")
    evaluation = services.department_evaluation_start(cycle=demo, unit=baoan, actor=users["baoan_preparer"])
    figures = evaluation.inputs["figures"]
    assert figures["budget_initial"]["value"] == "76562652.00"  # 宝安分局's budget, from its lines
    assert figures["budget_adjusted"]["value"] == "76562652.00"
    assert "预算调整" in figures["budget_adjusted"]["source"]
    assert figures["procurement_planned"]["value"] == "1590000.00"
    assert figures["three_public_budget"]["value"] == "120000.00"
    assert [
        figures[k]["value"] for k in ("headcount_authorised", "headcount_actual", "staff_outsourced")
    ] == [
        "122",
        "128",
        "32",
    ]
    assert figures["projects_planned"]["value"] == "9"
    # 预算准备金 and 待支付以前年度采购项目 print no indicator rows.
    assert figures["projects_without_proper_targets"]["value"] == "2"
    assert (
        services.department_evaluation_start(cycle=demo, unit=baoan, actor=users["baoan_head"]) == evaluation
    )


def test_department_rubric_save_refuses_bad_values_and_keeps_the_draft(demo, users):
    baoan = Unit.objects.get(code="baoan")
    evaluation = services.department_evaluation_start(cycle=demo, unit=baoan, actor=users["baoan_preparer"])
    before = evaluation.inputs
    with pytest.raises(RubricInputError) as raised:
        services.department_evaluation_save(
            evaluation=evaluation,
            inputs={"figures": {"satisfaction_rate": {"value": "120", "source": "问卷"}}, "checklist": {}},
            actor=users["baoan_preparer"],
        )
    assert "satisfaction_rate" in raised.value.params["errors"]
    evaluation.refresh_from_db()
    assert evaluation.inputs == before


def test_department_rubric_submitted_only_complete_and_sourced(demo, users):
    baoan = Unit.objects.get(code="baoan")
    evaluation = services.department_evaluation_start(cycle=demo, unit=baoan, actor=users["baoan_preparer"])
    with pytest.raises(RubricInputError):
        services.department_evaluation_submit(evaluation=evaluation, actor=users["baoan_head"])
    figures = {
        key: {"value": value, "source": ""} for key, value in FIGURES.items() if not isinstance(value, dict)
    }
    figures |= {key: value for key, value in FIGURES.items() if isinstance(value, dict)}
    services.department_evaluation_save(
        evaluation=evaluation,
        inputs={"figures": figures, "deductions": DEDUCTIONS, "checklist": CHECKLIST},
        actor=users["baoan_preparer"],
    )
    with pytest.raises(RubricInputError) as raised:
        services.department_evaluation_submit(evaluation=evaluation, actor=users["baoan_head"])
    assert set(raised.value.params["errors"]) == {k for k, v in FIGURES.items() if not isinstance(v, dict)}
    sourced = {
        key: {"value": entry["value"], "source": entry["source"] or "决算报表"}
        for key, entry in figures.items()
    }
    services.department_evaluation_save(
        evaluation=evaluation,
        inputs={"figures": sourced, "deductions": DEDUCTIONS, "checklist": CHECKLIST},
        actor=users["baoan_preparer"],
    )
    with pytest.raises(BusinessRuleError):
        services.department_evaluation_submit(evaluation=evaluation, actor=users["baoan_preparer"])
    services.department_evaluation_submit(evaluation=evaluation, actor=users["baoan_head"])
    evaluation = DepartmentEvaluation.objects.get(pk=evaluation.pk)
    assert evaluation.state == ReportState.SUBMITTED
    from performance.selectors import department_score

    assert department_score(evaluation).total == D("82.56")
    with pytest.raises(BusinessRuleError):
        services.department_evaluation_save(evaluation=evaluation, inputs={}, actor=users["baoan_preparer"])
    services.department_evaluation_return(
        evaluation=evaluation, actor=users["hq_reviewer"], comment="请附决算报表"
    )
    assert DepartmentEvaluation.objects.get(pk=evaluation.pk).state == ReportState.RETURNED


def test_another_branch_cannot_start_a_units_rubric(demo, users):
    with pytest.raises(BusinessRuleError):
        services.department_evaluation_start(
            cycle=demo, unit=Unit.objects.get(code="baoan"), actor=users["luohu_preparer"]
        )


def test_weights_and_light_thresholds_are_configured_per_cycle(demo, baoan_project, users):
    from performance.models import PerformanceSettings
    from performance.selectors import light_rules_for

    import_spending(demo, users)
    PerformanceSettings.objects.create(
        cycle=demo,
        execution_weight=D(20),
        output_weight=D(40),
        effect_weight=D(30),
        satisfaction_weight=D(10),
        light_yellow_from=D(50),
        light_green_from=D(70),
        light_blue_from=D(150),
    )
    score = evaluation_detail(evaluate(baoan_project, users, reason="x")).score
    # 250,000 / 660,000 x 20 = 7.58; outputs 4 x 10, the first 2 of 4 trainings: 5.
    assert score.execution_points == D("7.58")
    assert [s.max_points for s in score.indicators[:4]] == [D(10)] * 4
    assert score.indicators[0].points == D("5.00")
    assert light_rules_for(demo).green_from == 70
