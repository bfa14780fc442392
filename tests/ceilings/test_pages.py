"""The ceilings pages under the one policy: HQ sets and compares, the unit ranks its own, another
unit gets 404, the auditor reads and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ceilings import services
from ceilings.models import RequestRank, Round, UnitCeiling

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def ceiling(users, cycle, baoan, baoan_projects):
    return services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=baoan, total=D("900000.00"))


def test_hq_sets_ceilings_by_hand_and_by_rule_on_the_cycle_page(client, users, cycle, baoan, luohu):
    client.force_login(users["hq_reviewer"])
    url = reverse("ceilings:cycle", args=[cycle.year])
    client.post(url, {"unit": "baoan", "total": "1,200,000.00"})
    assert UnitCeiling.objects.get(cycle=cycle, unit=baoan).total == D("1200000.00")
    client.post(url, {"form": "rule", "percent": "-4"})
    assert UnitCeiling.objects.get(cycle=cycle, unit=luohu).basis == "rule"
    page = client.get(url)
    assert page.status_code == 200 and 'data-unit="luohu"' in page.content.decode()


@pytest.mark.parametrize("bad", ["-1", "NaN", "1e30", "1.234", "abc"])
def test_a_bad_amount_is_refused_and_nothing_is_written(client, users, cycle, baoan, bad):
    client.force_login(users["hq_reviewer"])
    client.post(reverse("ceilings:cycle", args=[cycle.year]), {"unit": "baoan", "total": bad})
    assert not UnitCeiling.objects.filter(cycle=cycle, unit=baoan).exists()


def test_the_auditor_reads_the_cycle_page_and_cannot_set(client, users, cycle, baoan):
    client.force_login(users["auditor"])
    url = reverse("ceilings:cycle", args=[cycle.year])
    assert client.get(url).status_code == 200
    assert client.post(url, {"unit": "baoan", "total": "1.00"}).status_code == 403
    assert not UnitCeiling.objects.filter(cycle=cycle, unit=baoan).exists()


def test_a_branch_user_is_taken_to_its_own_unit_and_gets_404_for_another(client, users, cycle, ceiling):
    client.force_login(users["luohu_preparer"])
    response = client.get(reverse("ceilings:cycle", args=[cycle.year]))
    assert response.status_code == 302 and response.url == reverse(
        "ceilings:unit", args=[cycle.year, "luohu"]
    )
    assert client.get(reverse("ceilings:unit", args=[cycle.year, "baoan"])).status_code == 404
    assert (
        client.post(reverse("ceilings:act", args=[cycle.year, "baoan"]), {"action": "issue"}).status_code
        == 404
    )
    assert client.get(reverse("ceilings:scenarios", args=[cycle.year])).status_code == 404


def test_the_unit_ranks_and_sees_the_line(client, users, cycle, ceiling, baoan_projects):
    p = baoan_projects
    client.force_login(users["baoan_preparer"])
    url = reverse("ceilings:unit", args=[cycle.year, "baoan"])
    client.post(url, {f"rank-{p['c'].pk}": "1", f"rank-{p['a'].pk}": "2", f"rank-{p['b'].pk}": "3"})
    assert RequestRank.objects.get(project=p["c"]).rank == 1
    html = client.get(url).content.decode()
    assert 'data-testid="ceiling-line"' in html
    assert f'data-project="{p["b"].pk}" data-kept="0"' in html  # reserve 10 + c 20 + a 50 = 80; b 30 below


def test_hq_cannot_rank_a_units_requests(client, users, cycle, ceiling, baoan_projects):
    client.force_login(users["hq_approver"])
    response = client.post(
        reverse("ceilings:unit", args=[cycle.year, "baoan"]), {f"rank-{baoan_projects['a'].pk}": "1"}
    )
    assert response.status_code == 403
    assert not RequestRank.objects.exists()


def test_scenarios_side_by_side_and_applying_one(client, users, cycle, ceiling):
    client.force_login(users["hq_approver"])
    url = reverse("ceilings:scenarios", args=[cycle.year])
    html = client.get(url, {"rates": "-4,-6"}).content.decode()
    assert 'data-rate="-4.00"' in html and 'data-rate="-6.00"' in html
    assert "86.40" in html and "84.60" in html  # 90 万 less 4 % and 6 %
    client.post(url, {"percent": "-6", "unit": ""})
    ceiling.refresh_from_db()
    assert ceiling.total == D("846000.00") and ceiling.state == Round.FIRST_DOWN


def test_the_auditor_compares_but_cannot_apply(client, users, cycle, ceiling):
    client.force_login(users["auditor"])
    url = reverse("ceilings:scenarios", args=[cycle.year])
    assert client.get(url).status_code == 200
    assert client.post(url, {"percent": "-6"}).status_code == 403
    ceiling.refresh_from_db()
    assert ceiling.total == D("900000.00")


def test_issue_from_the_page_goes_through_the_machine(client, users, cycle, ceiling):
    client.force_login(users["hq_reviewer"])
    client.post(reverse("ceilings:act", args=[cycle.year, "baoan"]), {"action": "issue"})
    ceiling.refresh_from_db()
    assert ceiling.state == Round.FIRST_DOWN
    client.force_login(users["baoan_preparer"])
    html = client.get(reverse("ceilings:unit", args=[cycle.year, "baoan"])).content.decode()
    assert "一下" in html


def test_the_rounds_workbook_has_a_sheet_per_visible_unit(client, users, cycle, ceiling, luohu):
    from io import BytesIO

    from openpyxl import load_workbook

    services.ceiling_set(actor=users["hq_reviewer"], cycle=cycle, unit=luohu, total=D("100.00"))
    services.ceiling_act(actor=users["hq_reviewer"], ceiling=ceiling, action="issue")
    client.force_login(users["auditor"])
    book = load_workbook(BytesIO(client.get(reverse("ceilings:rounds-xlsx", args=[cycle.year])).content))
    assert {"宝安分局", "罗湖分局"} <= set(book.sheetnames)
    rows = list(book["宝安分局"].iter_rows(values_only=True))
    assert rows[3][:3] == ("控制数", None, 90.0)  # the ceiling: none in 一上, 90 万 in 一下
    client.force_login(users["luohu_preparer"])
    book = load_workbook(BytesIO(client.get(reverse("ceilings:rounds-xlsx", args=[cycle.year])).content))
    assert book.sheetnames == ["罗湖分局"]
