"""The peer view: a branch far from the other branches' median cost per head is flagged."""

import re
from decimal import Decimal

import pytest

from budgets.models import BasicExpenditureLine, EconomicCode, StaffingFact, UnitBudget
from ceilings.models import ExpenditureStandard, StandardBasis
from ceilings.peers import compare, per_head
from ceilings.selectors import peer_costs_of_standard

D = Decimal


def test_a_branch_far_from_the_others_median_is_flagged_and_the_others_are_not():
    peers = {p.key: p for p in compare({"a": D(100), "b": D(105), "c": D(95), "d": D(100), "e": D(200)})}
    assert peers["e"].others_median == D(100) and peers["e"].deviation == D("1.0000")
    assert peers["e"].flagged(D("0.30"))
    assert not any(peers[k].flagged(D("0.30")) for k in "abcd")


def test_the_tolerance_decides_both_ways():
    peers = {p.key: p for p in compare({"a": D(60), "b": D(100), "c": D(100)})}
    assert peers["a"].deviation == D("-0.4000")
    assert peers["a"].flagged(D("0.30")) and not peers["a"].flagged(D("0.50"))


def test_per_head_without_heads_is_not_a_number():
    assert per_head(D(100), 0) is None
    assert per_head(D(100), 3) == D("33.33")


@pytest.mark.django_db
def test_the_peer_page_is_hqs(client, users, demo):
    client.force_login(users["auditor"])
    response = client.get("/ceilings/2020/peers/")
    assert response.status_code == 200 and 'data-unit="baoan"' in response.content.decode()
    client.force_login(users["baoan_head"])
    assert client.get("/ceilings/2020/peers/").status_code == 404


# --- Per standard: cost per vehicle, per m² … ----------------------------------------------------


@pytest.fixture
def vehicles_2021(demo):
    cycle = UnitBudget.objects.filter(cycle__year=2021).first().cycle
    car, office = EconomicCode.objects.get(code="30231"), EconomicCode.objects.get(code="30201")
    vehicle = ExpenditureStandard.objects.create(cycle=cycle, kind="公务用车运行维护费", basis=StandardBasis.VEHICLE,
                                                 amount=D("30000"), economic_code=car)  # fmt: skip
    # 30201 is fed by two standards: its lines cannot be split between them, so neither is offered.
    for kind, basis in (("办公费", StandardBasis.AUTHORISED_HEAD), ("物业管理费", StandardBasis.AREA)):
        ExpenditureStandard.objects.create(
            cycle=cycle, kind=kind, basis=basis, amount=D("60"), economic_code=office
        )
    # (branch, vehicles, its 30231 lines): 福田 spends twice as much per vehicle as the others.
    for code, vehicles, amount in (("baoan", 3, "90000"), ("luohu", 2, "62000"), ("futian", 3, "180000"),
                                   ("nanshan", 4, "116000")):  # fmt: skip
        budget = UnitBudget.objects.get(cycle=cycle, unit__code=code)
        StaffingFact.objects.create(cycle=cycle, unit=budget.unit, authorised_headcount=10, actual_headcount=10,
                                    vehicles=vehicles)  # fmt: skip
        BasicExpenditureLine.objects.create(budget=budget, economic_code=car, amount=D(amount))
    return vehicle


@pytest.mark.django_db
def test_the_peer_view_per_vehicle_flags_the_branch_far_from_the_others(client, users, vehicles_2021):
    client.force_login(users["hq_reviewer"])
    page = client.get(f"/ceilings/2021/peers/?standard={vehicles_2021.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    options = re.findall(r'<option value="(\d+)"', html)
    assert options == [str(vehicles_2021.pk)]  # the two standards sharing 30201 are not offered
    rows = dict(re.findall(r'data-unit="(\w+)" data-flagged="(\d)"', html))
    assert rows == {"baoan": "0", "luohu": "0", "futian": "1", "nanshan": "0"}
    futian = html[html.index('data-unit="futian"') :]
    assert re.search(r'data-field="quantity">3<', futian) and re.search(
        r'data-field="per-unit">60,000.00<', futian
    )
    assert "车辆" in html and "单位成本（元）" in html  # the quantity column names what it counts
    assert "各分局经济分类 30231" in html
    # Without a standard chosen: per head, as before (every branch has ten heads here).
    default = client.get("/ceilings/2021/peers/").content.decode()
    assert 'data-field="per-unit">18,000.00<' in default[default.index('data-unit="futian"') :]


@pytest.mark.django_db
def test_a_branch_whose_quantity_is_not_recorded_is_shown_but_not_compared(client, users, vehicles_2021):
    area = ExpenditureStandard.objects.create(cycle=vehicles_2021.cycle, kind="物业", basis=StandardBasis.AREA,
                                              amount=D("60"), economic_code=EconomicCode.objects.get(code="30209"))  # fmt: skip
    rows = {
        unit.code: (quantity, amount) for unit, quantity, amount in peer_costs_of_standard(area.cycle, area)
    }
    assert rows["baoan"] == (None, D("0"))
    client.force_login(users["auditor"])
    html = client.get(
        f"/ceilings/2021/peers/?standard={area.pk}", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert html.count('data-flagged="1"') == 0 and "未登记" in html
