"""The suggestion rules (library/suggestions.py): properties for any facts and rules, and the
default rules on worked examples."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from library.suggestions import Facts, Rule, suggest

money = st.decimals(
    min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False
)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
grades = st.sampled_from(["excellent", "good", "fair", "poor"])

rules = st.builds(
    Rule,
    name=st.text(alphabet="规则ABC123", min_size=1, max_size=8),
    condition=st.sampled_from(["grade", "execution_below", "red_lights"]),
    effect=st.sampled_from(["cut_request", "cut_unspent", "raise_request"]),
    percent=percent,
    grade=grades,
    threshold=st.one_of(st.none(), st.decimals(min_value=0, max_value=200, places=2, allow_nan=False)),
)
facts = st.builds(
    Facts,
    grade=st.one_of(st.none(), grades),
    red_lights=st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
    budget=st.one_of(st.none(), money),
    spent=st.one_of(st.none(), money),
    source=st.just("2020"),
)
rule_lists = st.lists(rules, max_size=6, unique_by=lambda r: r.name)


@settings(max_examples=300, deadline=None)
@given(requested=money, facts=facts, rules=rule_lists)
def test_the_suggestion_is_never_negative(requested, facts, rules):
    assert suggest(requested=requested, facts=facts, rules=rules).amount >= 0


@settings(max_examples=300, deadline=None)
@given(requested=money, facts=facts, rules=rule_lists)
def test_the_suggestion_exceeds_the_request_only_when_an_applied_rule_raises_it(requested, facts, rules):
    result = suggest(requested=requested, facts=facts, rules=rules)
    raises = [a for a in result.applied if a.change > 0]
    if not raises:
        assert result.amount <= requested
    else:
        assert result.amount <= requested + sum(a.change for a in raises) + Decimal("0.01")


@settings(max_examples=200, deadline=None)
@given(requested=money, facts=facts, rules=rule_lists)
def test_the_suggestion_is_deterministic(requested, facts, rules):
    first = suggest(requested=requested, facts=facts, rules=rules)
    again = suggest(requested=requested, facts=facts, rules=list(rules))
    assert (first.amount, first.reasons) == (again.amount, again.reasons)


@settings(max_examples=300, deadline=None)
@given(requested=money, facts=facts, rules=rule_lists)
def test_each_applied_rule_appears_in_the_reasons(requested, facts, rules):
    result = suggest(requested=requested, facts=facts, rules=rules)
    assert len(result.applied) <= len(rules)
    for applied in result.applied:
        assert any(reason.startswith(applied.rule) for reason in result.reasons)
    if not result.applied:
        assert result.amount == requested and result.reasons


@settings(max_examples=200, deadline=None)
@given(requested=money, facts=facts, rules=rule_lists)
def test_the_amount_is_in_cents(requested, facts, rules):
    amount = suggest(requested=requested, facts=facts, rules=rules).amount
    assert amount == amount.quantize(Decimal("0.01"))


# --- The default rules (library/migrations/0002_default_rules.py) on worked examples -----------

DEFAULTS = [
    Rule("上年自评等级为差：核减20%", "grade", "cut_request", Decimal(20), grade="poor"),
    Rule("上年自评等级为中：核减5%", "grade", "cut_request", Decimal(5), grade="fair"),
    Rule(
        "执行率低于80%：核减上年未支出金额",
        "execution_below",
        "cut_unspent",
        Decimal(100),
        threshold=Decimal(80),
    ),
    Rule("监控红灯3个及以上：核减10%", "red_lights", "cut_request", Decimal(10), threshold=Decimal(3)),
]


def test_a_poor_grade_and_low_execution_add_up_to_the_cut():
    # 1,000,000 asked; last year 800,000 budgeted, 440,000 spent (55 %): 20 % of the request
    # and the 360,000 left unspent.
    facts = Facts(
        grade="poor", red_lights=1, budget=Decimal(800000), spent=Decimal(440000), source="2020年自评"
    )
    result = suggest(requested=Decimal(1000000), facts=facts, rules=DEFAULTS)
    assert result.amount == Decimal("440000.00")
    assert [a.rule for a in result.applied] == [DEFAULTS[0].name, DEFAULTS[2].name]
    assert [a.change for a in result.applied] == [Decimal("-200000.00"), Decimal("-360000.00")]
    assert "差" in result.reasons[0] and "55.00%" in result.reasons[1] and "36.00" in result.reasons[1]


def test_cuts_larger_than_the_request_stop_at_zero():
    facts = Facts(grade="poor", red_lights=5, budget=Decimal(5000000), spent=Decimal(0))
    assert suggest(requested=Decimal(100000), facts=facts, rules=DEFAULTS).amount == Decimal("0.00")


def test_a_good_project_keeps_its_request():
    facts = Facts(grade="good", red_lights=0, budget=Decimal(100), spent=Decimal(95))
    result = suggest(requested=Decimal(1000), facts=facts, rules=DEFAULTS)
    assert result.amount == Decimal("1000.00") and not result.applied


def test_missing_facts_are_said_and_their_rules_not_applied():
    result = suggest(requested=Decimal(1000), facts=Facts(), rules=DEFAULTS)
    assert result.amount == Decimal("1000.00")
    assert len(result.reasons) == 4  # no rule applies + three kinds of missing facts


def test_a_raise_rule_lets_the_suggestion_exceed_the_request():
    raise_rule = Rule("优：可增加10%", "grade", "raise_request", Decimal(10), grade="excellent")
    result = suggest(requested=Decimal(1000), facts=Facts(grade="excellent"), rules=[raise_rule])
    assert result.amount == Decimal("1100.00")
