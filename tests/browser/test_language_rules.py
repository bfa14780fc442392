"""The page scan's word checks (language.py) on known text: what they report and what they let
through. No browser."""

from tests.browser.language import code_values, demo_usernames, english_words, raw_codes


def test_english_words_are_reported_beyond_the_allow_list():
    text = "提交 Sub-item 草稿 Budget: 导出 Excel 文件（xlsx），见 API 文档"
    assert english_words(text) == ["Budget", "Sub", "item"]


def test_addresses_file_names_login_names_and_library_numbers_are_not_words():
    text = "baoan_preparer@demo.invalid https://example.org/a 宝安2021.xlsx baoan-2020-001 baoan_head"
    assert english_words(text, demo_usernames()) == []
    # A login name is allowed as a whole, not its parts elsewhere.
    assert english_words("preparer", demo_usernames()) == ["preparer"]


def test_ids_and_workflow_codes_are_reported():
    assert raw_codes("退回意见：Sub-item #25，见 issue #3") == ["#25", "#3"]
    assert raw_codes("状态 with_branch_head，操作 sign_off") == ["sign_off", "with_branch_head"]
    assert raw_codes("#\t项目\t金额") == ["#"]
    assert raw_codes("序号\t项目名称\t待分局负责人审核") == []


def test_the_codes_come_from_the_machines_event_types_and_roles():
    from approvals.workflow import ADJUSTMENT
    from core.models import EventType
    from core.roles import Role

    codes = code_values()
    assert {"adjustment_approve", "with_branch_head", "hq_reviewer", "sign_off"} <= codes
    assert {a for a in ADJUSTMENT.transitions if "_" in a} <= codes
    assert {s.value for s in ADJUSTMENT.states if "_" in s.value} <= codes
    assert {e.value for e in EventType if "_" in e.value} <= codes
    assert {r.value for r in Role if "_" in r.value} <= codes
