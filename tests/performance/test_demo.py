"""The 2020 demo holds every 表15 project target table and every 表14 department-wide table."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from demo.loader import demo_load
from performance.models import DepartmentTarget, DepartmentTask, Indicator, Level1, Level2

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).parents[2]


def project_indicators(unit: str, project: str) -> list[Indicator]:
    return list(
        Indicator.objects.filter(project__budget__unit__code=unit, project__name=project).order_by(
            "sort_order"
        )
    )


def fields(indicator: Indicator) -> dict:
    return {
        "printed": (indicator.printed_level1, indicator.printed_level2),
        "tree": (indicator.level1, indicator.level2),
        "name": indicator.name,
        "target": indicator.target_text,
        "source": indicator.target_source,
    }


def test_every_project_target_table_of_the_seed_is_loaded(demo):
    table15 = json.loads((ROOT / "budgets/demo_data/2020/table15.json").read_text(encoding="utf-8"))
    project_rows = Indicator.objects.filter(project__budget__cycle=demo)
    # The seed's 表15 has 69 blocks (the issue counted 68 / 537); 16 blocks print no indicator rows.
    assert len(table15["projects"]) == 69
    assert project_rows.count() == 542 == sum(len(b["indicators"]) for b in table15["projects"])
    assert project_rows.values("project").distinct().count() == 53


def test_every_department_wide_table_of_the_seed_is_loaded(demo):
    assert DepartmentTarget.objects.filter(cycle=demo).count() == 12
    assert not DepartmentTarget.objects.filter(cycle=demo, unit__code="special").exists()
    assert Indicator.objects.filter(department_target__cycle=demo).count() == 284
    assert DepartmentTask.objects.filter(department_target__cycle=demo).count() == 60


def test_hq_policy_research_project_field_by_field(demo):
    rows = project_indicators("hq", "社保政策法规研究")
    assert len(rows) == 13
    assert fields(rows[0]) == {
        "printed": ("产出目标", "数量"),
        "tree": (Level1.OUTPUT, Level2.QUANTITY),
        "name": "综合业务受理培训开展次数",
        "target": "3次",
        "source": "工作计划",
    }
    assert (rows[0].target_kind, rows[0].target_comparator, rows[0].target_value, rows[0].target_unit) == (
        "quantitative",
        "=",
        Decimal(3),
        "次",
    )
    training = rows[4]
    assert (training.name, training.target_comparator, training.target_direction) == (
        "培训工作开展次数",
        "≥",
        "increase",
    )
    # The older form puts satisfaction under 效果目标; the tree has it as its own level 1.
    assert fields(rows[11]) == {
        "printed": ("效果目标", "满意度"),
        "tree": (Level1.SATISFACTION, Level2.SERVICE_SATISFACTION),
        "name": "项目管理人员满意度",
        "target": "≥90%",
        "source": "行业标准",
    }
    assert rows[9].target_kind == "qualitative" and rows[9].target_label == "有效"


def test_baoan_policy_research_project_multiplier_and_deadline(demo):
    rows = project_indicators("baoan", "社保政策法规研究")
    assert [r.name for r in rows] == [
        "社保政策法规培训场次",
        "社保政策法规宣传印刷资料",
        "宣传资料制作合格率",
        "宣传资料制作及时性",
        "宣传教育效果覆盖率",
        "群众满意度",
    ]
    assert (rows[0].target_text, rows[0].target_value, rows[0].target_unit) == ("4期", Decimal(4), "期")
    assert rows[0].target_source == "根据业务科室预算预计"
    printed = rows[1]
    assert (printed.target_value, printed.target_multiplier, printed.target_unit) == (
        Decimal(1_000_000),
        Decimal(10_000),
        "份",
    )
    deadline = rows[3]
    assert (deadline.target_kind, deadline.target_deadline, deadline.target_deadline_precision) == (
        "deadline",
        date(2020, 11, 30),
        "month",
    )
    assert fields(rows[5])["source"] == "问卷调查"


def test_zhishu_transfer_project_bound_without_source(demo):
    rows = project_indicators("zhishu", "社保关系转移接续")
    assert len(rows) == 8
    bound = next(r for r in rows if r.name == "延误转移合并事项数量")
    assert (bound.target_comparator, bound.target_value, bound.target_unit, bound.target_direction) == (
        "≤",
        Decimal(0),
        "宗",
        "decrease",
    )
    assert bound.target_source == ""  # printed blank: the validation reports it


def test_printed_levels_that_do_not_fit_the_tree_are_kept(demo):
    # 局本级 社保综合管理 printed a 时效 row under 效果目标; 南山 put 用户满意度 under 经济效益.
    timely = Indicator.objects.get(project__budget__unit__code="hq", name="社保权益单寄送及时率")
    assert (timely.printed_level1, timely.printed_level2) == ("效果目标", "时效")
    assert (timely.level1, timely.level2) == (Level1.OUTPUT, Level2.TIMELINESS)
    users = Indicator.objects.get(
        project__name="信息化建设与运行", project__budget__unit__code="nanshan", name="用户满意度"
    )
    assert (users.level1, users.level2, users.target_text) == (Level1.EFFECT, Level2.ECONOMIC, "≥90%")


def test_hq_reserve_block_repeats_the_other_projects_rows_as_printed(demo):
    reserve = [(r.name, r.target_text) for r in project_indicators("hq", "预算准备金")]
    other = [(r.name, r.target_text) for r in project_indicators("hq", "其他项目")]
    assert len(reserve) == 14 and reserve == other


def test_hq_department_wide_table_field_by_field(demo):
    target = DepartmentTarget.objects.get(cycle=demo, unit__code="hq")
    assert target.supervisor == "深圳市社会保险基金管理局"
    assert target.overall_goal.startswith("贯彻执行国家、省、市有关社会保险的法律法规和方针、政策")
    tasks = list(target.tasks.all())
    assert [t.name for t in tasks][:3] == ["社保基金征收及偿付", "社保基金管理和运营", "社保政策法规研究"]
    assert tasks[2].total_amount == Decimal("4512200.00")  # 451.22 万元
    assert sum(t.total_amount for t in tasks) == Decimal("211950000.00")  # 21,195.00 万元 as printed
    rows = list(target.indicators.all())
    assert len(rows) == 55
    first = rows[0]
    assert fields(first) == {
        "printed": ("产出指标", "数量指标"),
        "tree": (Level1.OUTPUT, Level2.QUANTITY),
        "name": "工伤医疗、康复日常病历检查数",
        "target": "=2次",
        "source": "",
    }
    assert (first.target_comparator, first.target_value) == ("=", Decimal(2))
    blank = next(r for r in rows if r.name == "项目管理人员满意度")
    assert (blank.level2, blank.target_text, blank.target_needs_review) == (
        Level2.OTHER_SATISFACTION,
        "",
        True,
    )


def test_baoan_department_wide_table_field_by_field(demo):
    target = DepartmentTarget.objects.get(cycle=demo, unit__code="baoan")
    (task,) = target.tasks.all()
    assert (task.name, task.fiscal_amount, task.other_amount) == (
        "社会保障和就业支出",
        Decimal("76558600.00"),
        Decimal("0.00"),
    )
    assert [(r.printed_level2, r.name, r.target_text) for r in target.indicators.all()] == [
        ("数量指标", "完成履职所需要的项目数", "=17"),
        ("质量指标", "完成预算进度", "≥95"),
        ("时效指标", "完成序时进度的时间", "≥95"),
        ("社会效益指标", "保障社保保安分局各项业务运行", "正常"),
        ("服务对象满意度指标", "社会公众或服务对象满意度", "≥95"),
    ]


def test_task_amounts_add_up_to_each_printed_total(demo):
    table14 = json.loads((ROOT / "performance/demo_data/2020/table14.json").read_text(encoding="utf-8"))
    for table in table14["tables"]:
        tasks = DepartmentTask.objects.filter(
            department_target__cycle=demo, department_target__unit__code=table["unit"]
        )
        sums = tasks.aggregate(fiscal=Sum("fiscal_amount"), other=Sum("other_amount"))
        assert sums["fiscal"] + sums["other"] == Decimal(table["tasks_total"]["total"]) * 10000, table["unit"]


def test_every_target_is_parsed_and_the_text_kept(demo):
    for indicator in Indicator.objects.filter(target_kind="quantitative"):
        assert indicator.target_value is not None and indicator.target_comparator
    assert not Indicator.objects.filter(target_kind="").exists()
    assert Indicator.objects.filter(target_needs_review=True).count() == 14


def test_loading_again_keeps_an_approved_target_change(demo):
    indicator = project_indicators("baoan", "社保政策法规研究")[0]
    indicator.set_target("2期")
    indicator.save()
    result = demo_load()
    assert sum(result.created.values()) == 0
    indicator.refresh_from_db()
    assert (indicator.initial_target_text, indicator.target_text, indicator.target_value) == (
        "4期",
        "2期",
        Decimal(2),
    )
