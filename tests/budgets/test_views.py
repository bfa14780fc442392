import pytest
from django.urls import reverse

from budgets.models import Project

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_pages_require_login(demo, client):
    for url in [
        reverse("home"),
        reverse("budgets:bureau", args=[2020]),
        reverse("budgets:unit", args=[2020, "hq"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_hq_user_lands_on_the_dashboard_of_the_cycle_in_preparation(demo, client):
    response = login(client, "hq_reviewer").get(reverse("home"))
    assert response.url == reverse("approvals:dashboard", args=[2021])


def test_branch_user_lands_on_their_unit(demo, client):
    response = login(client, "baoan_head").get(reverse("home"))
    assert response.url == reverse("budgets:unit", args=[2021, "baoan"])


def test_bureau_overview_reproduces_table3(demo, client, django_assert_max_num_queries):
    login(client, "hq_approver")
    # 25 for the page, 3 for renewing the session (the idle timeout: settings SESSION_SAVE_EVERY_REQUEST),
    # 1 for the stamp of the published cycle's data, read to keep its findings and unit totals
    # (budgets/consistency.py), 1 for the unit budgets the kept totals are shown beside.
    with django_assert_max_num_queries(30):
        response = client.get(reverse("budgets:bureau", args=[2020]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "深圳市社会保险基金管理局宝安分局" in html
    assert "7,656" in html and "5,980" in html  # 宝安分局: total, basic, in 万元
    assert "南山分局" in html and "A 货物类" in html  # a real inconsistency is listed
    assert len(response.context["budgets"]) == 13
    assert (
        len(response.context["findings"]) == 14
    )  # the 12 of the published tables + 2 表13 projects without 表15 targets


def test_branch_user_cannot_open_the_bureau_overview(demo, client):
    assert login(client, "baoan_preparer").get(reverse("budgets:bureau", args=[2020])).status_code == 403


def test_branch_user_cannot_open_another_units_budget(demo, client):
    login(client, "baoan_preparer")
    assert client.get(reverse("budgets:unit", args=[2020, "baoan"])).status_code == 200
    assert client.get(reverse("budgets:unit", args=[2020, "luohu"])).status_code == 404
    other = Project.objects.get(budget__unit__code="luohu", name="预算准备金")
    assert client.get(reverse("budgets:project", args=[2020, "luohu", other.pk])).status_code == 404
    # Another unit's project reached through one's own unit in the URL is not found either.
    assert client.get(reverse("budgets:project", args=[2020, "baoan", other.pk])).status_code == 404


def test_unit_page_shows_the_structure_in_wan(demo, client, django_assert_max_num_queries):
    login(client, "luohu_preparer")
    # 31 with a cold content-type cache: the page, its workflow panel, the unit's deadlines (the
    # calendar, then one query per deadline a unit may owe), the idle-timeout's session renewal and
    # the expenditure standards' check of the basic lines (staffing facts, standards, lines),
    # whatever the number of lines.
    with django_assert_max_num_queries(31):
        response = client.get(reverse("budgets:unit", args=[2020, "luohu"]))
    html = response.content.decode()
    assert "3,418.92" in html  # 罗湖分局 total, 万元 with two places
    assert "社保综合管理" in html and "541" in html


def test_project_page(demo, client):
    project = Project.objects.get(budget__unit__code="longhua", name="社保综合管理")
    html = (
        login(client, "hq_reviewer")
        .get(reverse("budgets:project", args=[2020, "longhua", project.pk]))
        .content
    )
    html = html.decode()
    assert "10,299,998.00" in html and "租赁费" in html


def test_interface_is_chinese_first_with_english_available(demo, client):
    login(client, "hq_reviewer")
    chinese = client.get(reverse("budgets:bureau", args=[2020])).content.decode()
    assert "基本支出" in chinese
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("budgets:bureau", args=[2020])).content.decode()
    assert "Basic expenditure" in english
