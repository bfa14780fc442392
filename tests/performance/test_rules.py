"""The validation of a project's target table (DOMAIN §6)."""

import pytest

from performance.models import Level1, Level2
from performance.rules import TargetRow, target_problems


def r(level2, name, target, source="年度工作计划", pk=None):
    from performance.models import LEVEL1_OF

    return TargetRow(LEVEL1_OF[level2], level2, name, target, source, indicator=pk)


GOOD = [
    r(Level2.QUANTITY, "培训场次", "4期", pk=1),
    r(Level2.QUALITY, "培训合格率", "100%", pk=2),
    r(Level2.SOCIAL, "培训对象技能提升情况", "提升", pk=3),
    r(Level2.SERVICE_SATISFACTION, "培训对象满意度", "≥90%", pk=4),
]


def codes(rows):
    return [(p.code, p.indicator) for p in target_problems(rows)]


def test_a_proper_table_has_no_problems():
    assert target_problems(GOOD) == []


def test_needs_an_output_and_an_effect_or_satisfaction_indicator():
    assert codes([]) == [("no_output", None), ("no_effect", None)]
    assert codes(GOOD[:2]) == [("no_effect", None)]
    assert codes(GOOD[2:]) == [("no_output", None)]
    assert codes([GOOD[0], GOOD[3]]) == []


@pytest.mark.parametrize(
    ("name", "level2", "target", "problem"),
    [
        ("档案材料完整率", Level2.QUALITY, "完整", True),  # a rate needs a number
        ("联系函是否应邮尽邮", Level2.QUANTITY, "是", True),  # level 2 数量 is a count
        ("业务培训人数", Level2.QUALITY, "全员", True),  # a count by its name
        ("办公效率提升", Level2.SOCIAL, "是", False),  # 效率 is efficiency, not a rate
        ("设备购置数量", Level2.QUANTITY, "不适用", False),  # not applicable is exempt
        ("培训合格率", Level2.QUALITY, "≥95%", False),
    ],
)
def test_rates_and_counts_carry_a_number(name, level2, target, problem):
    found = codes([*GOOD, r(level2, name, target, pk=9)])
    assert (("rate_or_count_without_number", 9) in found) is problem


@pytest.mark.parametrize(
    ("target", "problem"), [("满意", True), ("90", True), ("≥90%", False), ("90%-95%", False)]
)
def test_satisfaction_carries_a_percentage(target, problem):
    found = codes([*GOOD, r(Level2.OTHER_SATISFACTION, "管理人员满意度", target, pk=9)])
    assert (("satisfaction_not_percentage", 9) in found) is problem


def test_every_indicator_has_a_source_and_a_target():
    found = codes([*GOOD, r(Level2.TIMELINESS, "培训及时性", "", source=" ", pk=9)])
    assert ("no_target", 9) in found and ("no_source", 9) in found


def test_level2_must_belong_to_level1():
    row = TargetRow(Level1.OUTPUT, Level2.SOCIAL, "x", "有效", "工作计划", indicator=9)
    assert ("level_mismatch", 9) in codes([*GOOD, row])


def test_messages_name_the_indicator():
    (problem,) = target_problems([*GOOD, r(Level2.QUALITY, "档案材料完整率", "完整", pk=9)])
    assert "档案材料完整率" in str(problem.message)
    assert problem.as_dict()["indicator"] == 9
