"""The demo's 2021 ceilings and standards (``loaddemo``'s ``ceilings_demo_2021``): the pages have
something to show, and a second run changes nothing. The tests' demo does not load them, so that
the other tests start from an empty 2021."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import StaffingFact
from ceilings.models import ExpenditureStandard, Round, UnitCeiling
from ceilings.selectors import basic_working, ceiling_view, last_year_approved_total
from demo.ceilings import ceilings_demo_2021
from demo.library import library_demo_2021
from demo.loader import DemoLoadResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_2021(demo):
    assert not UnitCeiling.objects.exists()  # the tests' demo leaves 2021 empty
    library_demo_2021(result=DemoLoadResult())
    ceilings_demo_2021(result=DemoLoadResult())


def test_the_2021_standards_and_staffing_facts_are_there(demo_2021):
    assert ExpenditureStandard.objects.filter(cycle__year=2021).count() == 12
    for fact in StaffingFact.objects.filter(cycle__year=2020):
        this_year = StaffingFact.objects.get(cycle__year=2021, unit=fact.unit)
        assert (this_year.authorised_headcount, this_year.actual_headcount, this_year.vehicles) == (
            fact.authorised_headcount, fact.actual_headcount, fact.vehicles,
        )  # fmt: skip
        assert this_year.floor_area == fact.authorised_headcount * 20  # invented: the seed has none


def test_two_branches_have_an_issued_ceiling_and_luohu_has_requests_below_the_line(demo_2021):
    ceilings = {c.unit.code: c for c in UnitCeiling.objects.select_related("unit", "cycle")}
    assert set(ceilings) == {"baoan", "luohu"}
    for ceiling in ceilings.values():
        assert ceiling.state == Round.FIRST_DOWN
        base = last_year_approved_total(ceiling.cycle, ceiling.unit)
        assert ceiling.total == (base * Decimal("0.96")).quantize(Decimal("0.01"))
        assert {s.round for s in ceiling.snapshots.all()} == {Round.FIRST_UP, Round.FIRST_DOWN}
    view = ceiling_view(ceilings["luohu"])
    assert view.fill.below and view.fill.kept
    # 罗湖's basic expenditure is the standards' working, line for line.
    working = basic_working(ceilings["luohu"].cycle.budgets.get(unit__code="luohu"))
    assert view.basic_total == sum((line.amount for line in working.lines), Decimal(0)) > 0


def test_the_ceiling_page_shows_it_to_the_branch(demo_2021, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="luohu_preparer"))
    page = client.get(reverse("ceilings:unit", args=[2021, "luohu"]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "社保基金征收及偿付" in page.content.decode()


def test_running_it_again_changes_nothing(demo_2021):
    before = (ExpenditureStandard.objects.count(), StaffingFact.objects.count(),
              [(c.pk, c.total, c.project_ceiling, c.version) for c in UnitCeiling.objects.order_by("pk")])  # fmt: skip
    result = DemoLoadResult()
    ceilings_demo_2021(result=result)
    assert sum(result.created.values()) == 0
    after = (ExpenditureStandard.objects.count(), StaffingFact.objects.count(),
             [(c.pk, c.total, c.project_ceiling, c.version) for c in UnitCeiling.objects.order_by("pk")])  # fmt: skip
    assert after == before
