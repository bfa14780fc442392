"""Ceilings and their rounds 一上 → 一下 → 二上 → 二下: HQ sets and issues, the unit ranks and
submits, HQ approves; cut scenarios go through the machine; each round is a snapshot."""

from decimal import Decimal

import pytest

from ceilings import services
from ceilings.models import CeilingBasis, RequestRank, Round, RoundSnapshot, UnitCeiling
from ceilings.selectors import ceiling_view, last_year_approved_total, rounds_table
from core.errors import BusinessRuleError
from core.events import events_of
from core.models import EventType, OutboxMessage

pytestmark = pytest.mark.django_db
D = Decimal


def rank(ceiling, actor, *orders, mandatory=()):
    services.ranking_save(actor=actor, ceiling=ceiling, ranks=[
        services.RankInput(project_id=p.pk, rank=i + 1, mandatory=p in mandatory,
                           mandatory_reason="法定支出" if p in mandatory else "")
        for i, p in enumerate(orders)])  # fmt: skip


def test_hq_sets_a_ceiling_by_hand_and_the_event_is_logged(users, cycle, baoan):
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("1000000.00"))
    assert ceiling.state == Round.FIRST_UP and ceiling.basis == CeilingBasis.MANUAL
    assert events_of(ceiling).get().type == EventType.CEILING_SET


@pytest.mark.parametrize("who", ["baoan_preparer", "baoan_head", "auditor"])
def test_only_hq_deciders_set_ceilings(users, cycle, baoan, who):
    with pytest.raises(BusinessRuleError) as error:
        services.ceiling_set(actor=users[who], cycle=cycle, unit=baoan, total=D("1.00"))
    assert error.value.code == "forbidden"
    assert not UnitCeiling.objects.filter(cycle=cycle, unit=baoan).exists()


def test_a_project_ceiling_above_the_ceiling_is_refused(users, cycle, baoan):
    with pytest.raises(BusinessRuleError):
        services.ceiling_set(
            actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D(10), project_ceiling=D(11)
        )


def test_ceilings_from_last_years_approved_total_and_a_rate(users, cycle, baoan, luohu):
    base = last_year_approved_total(cycle, baoan)
    assert base is not None and base > 0  # 2020 is published: every item approved
    result = services.ceilings_from_rule(
        actor=users["hq_approver"], cycle=cycle, percent=D(-4), units=[baoan, luohu]
    )
    ceiling = UnitCeiling.objects.get(cycle=cycle, unit=baoan)
    assert ceiling.total == (base * D("0.96")).quantize(D("0.01"))
    assert (
        ceiling.basis == CeilingBasis.RULE and ceiling.rule_percent == D(-4) and ceiling.base_amount == base
    )
    assert len(result.set) == 2 and not result.skipped


def test_the_unit_ranks_its_requests_and_sees_what_falls_below_the_line(users, cycle, baoan, baoan_projects):
    p = baoan_projects
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("900000.00"))
    rank(ceiling, users["baoan_preparer"], p["b"], p["a"], p["c"])
    fill = ceiling_view(ceiling).fill  # the draft budget has no basic lines: 90 万 for projects
    assert [r.key for r in fill.kept] == [p["reserve"].pk, p["b"].pk, p["a"].pk]
    assert [r.key for r in fill.below] == [p["c"].pk]
    assert events_of(ceiling).first().type == EventType.RANKING_SAVED


def test_another_unit_cannot_rank_and_ranks_must_differ(users, cycle, baoan, baoan_projects):
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D(1))
    with pytest.raises(BusinessRuleError):
        rank(ceiling, users["luohu_preparer"], baoan_projects["a"])
    with pytest.raises(BusinessRuleError):
        rank(ceiling, users["hq_reviewer"], baoan_projects["a"])
    with pytest.raises(BusinessRuleError) as error:
        services.ranking_save(actor=users["baoan_preparer"], ceiling=ceiling, ranks=[
            services.RankInput(baoan_projects["a"].pk, 1), services.RankInput(baoan_projects["b"].pk, 1)])  # fmt: skip
    assert error.value.code == "ranks"
    assert not RequestRank.objects.filter(ceiling=ceiling).exists()


def test_a_request_marked_mandatory_needs_a_reason_and_is_then_kept(users, cycle, baoan, baoan_projects):
    p = baoan_projects
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("400000.00"))
    with pytest.raises(BusinessRuleError) as error:
        services.ranking_save(actor=users["baoan_preparer"], ceiling=ceiling,
                              ranks=[services.RankInput(p["c"].pk, 1, mandatory=True)])  # fmt: skip
    assert error.value.code == "mandatory_reason"
    rank(ceiling, users["baoan_preparer"], p["a"], p["b"], p["c"], mandatory=[p["c"]])
    fill = ceiling_view(ceiling).fill
    assert {p["reserve"].pk, p["c"].pk} <= {r.key for r in fill.kept}
    assert p["a"].pk in {r.key for r in fill.below}


def test_the_rounds_end_to_end_with_a_snapshot_of_each(
    users, cycle, baoan, baoan_projects, django_capture_on_commit_callbacks
):
    p = baoan_projects
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("900000.00"))
    services.ceiling_act(actor=users["hq_reviewer"], ceiling=ceiling, action="issue")
    ceiling.refresh_from_db()
    assert ceiling.state == Round.FIRST_DOWN
    assert OutboxMessage.objects.filter(recipient=users["baoan_head"]).exists()
    rank(ceiling, users["baoan_preparer"], p["a"], p["b"], p["c"])
    with pytest.raises(BusinessRuleError):  # the preparer ranks, the head submits
        services.ceiling_act(actor=users["baoan_preparer"], ceiling=ceiling, action="submit")
    services.ceiling_act(actor=users["baoan_head"], ceiling=ceiling, action="submit")
    with pytest.raises(BusinessRuleError):  # submitted: no more ranking
        rank(ceiling, users["baoan_preparer"], p["c"], p["b"], p["a"])
    services.ceiling_act(actor=users["hq_approver"], ceiling=ceiling, action="approve")
    ceiling.refresh_from_db()
    assert ceiling.state == Round.SECOND_DOWN
    assert list(RoundSnapshot.objects.filter(ceiling=ceiling).values_list("round", flat=True)) == [
        Round.FIRST_UP, Round.FIRST_DOWN, Round.SECOND_UP, Round.SECOND_DOWN]  # fmt: skip
    rows = rounds_table(ceiling)
    assert len(rows) == 6
    assert rows[0][1] == [None, D("900000.00"), D("900000.00"), D("900000.00")]  # the ceiling, by round
    assert rows[2][1] == [D("1100000.00")] * 4  # projects requested
    types = [e.type for e in events_of(ceiling)]
    assert EventType.CEILING_ISSUE in types and EventType.CEILING_APPROVE in types


def test_approval_is_refused_while_mandated_items_alone_exceed_the_ceiling(
    users, cycle, baoan, baoan_projects
):
    ceiling = services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("50000.00"))
    services.ceiling_act(actor=users["hq_reviewer"], ceiling=ceiling, action="issue")
    services.ceiling_act(actor=users["baoan_head"], ceiling=ceiling, action="submit")
    with pytest.raises(BusinessRuleError) as error:
        services.ceiling_act(actor=users["hq_approver"], ceiling=ceiling, action="approve")
    assert error.value.code == "mandated_over_ceiling"
    ceiling.refresh_from_db()
    assert ceiling.state == Round.SECOND_UP


def test_cut_scenarios_side_by_side_and_applying_one_moves_each_ceiling(
    users, cycle, baoan, luohu, baoan_projects
):
    hq = users["hq_approver"]
    a = services.ceiling_set(actor=hq, cycle=cycle, unit=baoan, total=D("1000000.00"))
    b = services.ceiling_set(actor=hq, cycle=cycle, unit=luohu, total=D("2000000.00"))
    four, eight = services.scenario([a, b], D(-4)), services.scenario([a, b], D(-8))
    assert [r.new_total for r in four] == [D("960000.00"), D("1920000.00")]
    assert [r.new_total for r in eight] == [D("920000.00"), D("1840000.00")]
    assert four[0].view.fill.below_total == D("200000.00")  # reserve, a, b within 96 万; c below
    deep = services.scenario([a], D(-32))[0]  # 68 万: reserve and a; b and c below
    assert deep.view.fill.below_total == D("500000.00")
    a.refresh_from_db()
    assert a.total == D("1000000.00")  # comparing changes nothing
    services.scenario_apply(actor=hq, ceilings=[a, b], percent=D(-6))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.total, b.total) == (D("940000.00"), D("1880000.00"))
    assert a.state == b.state == Round.FIRST_DOWN and a.basis == CeilingBasis.SCENARIO
    event = events_of(a).first()
    assert event.type == EventType.CEILING_RECUT and event.data["before"] == "1000000.00" and event.comment


def test_a_scenario_cannot_change_an_approved_ceiling_and_changes_nothing_then(users, cycle, baoan, luohu):
    hq = users["hq_approver"]
    a = services.ceiling_set(actor=hq, cycle=cycle, unit=baoan, total=D("1000000.00"))
    b = services.ceiling_set(actor=hq, cycle=cycle, unit=luohu, total=D("2000000.00"))
    services.ceiling_act(actor=hq, ceiling=b, action="issue")
    services.ceiling_act(actor=users["luohu_head"], ceiling=b, action="submit")
    services.ceiling_act(actor=hq, ceiling=b, action="approve")
    with pytest.raises(BusinessRuleError):
        services.scenario_apply(actor=hq, ceilings=[a, b], percent=D(-6))
    a.refresh_from_db()
    assert a.total == D("1000000.00") and a.state == Round.FIRST_UP


def test_the_auditor_cannot_apply_a_scenario(users, cycle, baoan):
    a = services.ceiling_set(actor=users["hq_approver"], cycle=cycle, unit=baoan, total=D("1000000.00"))
    with pytest.raises(BusinessRuleError):
        services.scenario_apply(actor=users["auditor"], ceilings=[a], percent=D(-6))


def test_an_issued_ceiling_is_not_set_by_hand_any_more(users, cycle, baoan):
    hq = users["hq_reviewer"]
    ceiling = services.ceiling_set(actor=hq, cycle=cycle, unit=baoan, total=D("1000000.00"))
    services.ceiling_act(actor=hq, ceiling=ceiling, action="issue")
    with pytest.raises(BusinessRuleError) as error:
        services.ceiling_set(actor=hq, cycle=cycle, unit=baoan, total=D("5.00"))
    assert error.value.code == "issued"
