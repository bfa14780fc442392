"""The text part drafted from the data, edited by HQ."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import Project
from disclosure.models import DisclosureText
from disclosure.text import change_phrase

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password="demo-2020")
    return client


def test_change_phrases_say_how_much_and_why():
    assert change_phrase(Decimal("270000"), Decimal("630000"), "项目调整。") == (
        "比上年减少36万元，下降57%，主要原因是项目调整"
    )
    assert change_phrase(Decimal("100000"), None) == "上年数据未录入，增减情况待补充"
    assert change_phrase(Decimal("100000"), Decimal("100000")) == "与上年持平"


def test_hq_drafts_the_text_from_the_data_and_edits_it(demo, client):
    project = Project.objects.get(budget__unit__code="baoan", name="社保政策法规研究")
    project.last_year_amount = Decimal("1020000.00")
    project.change_reason = "调研任务减少"
    project.save()
    login(client, "hq_reviewer")
    client.post(reverse("disclosure:text", args=[2020]), {"draft": "1"})
    overview = DisclosureText.objects.get(cycle=demo, key="overview")
    assert "部门预算支出62,591万元" in overview.text
    units = DisclosureText.objects.get(cycle=demo, key="units").text
    assert "社保政策法规研究66万元，比上年减少36万元，下降35%，主要原因是调研任务减少。" in units
    assert (
        "“三公”经费财政拨款预算98万元，比上年减少24万元"
        in DisclosureText.objects.get(key="three_public").text
    )

    client.post(reverse("disclosure:text", args=[2020]), {"key": "overview", "text": "改写后的概述"})
    client.post(reverse("disclosure:text", args=[2020]), {"draft": "1"})  # a redraft keeps the edit
    overview.refresh_from_db()
    assert overview.text == "改写后的概述" and "62,591" in overview.draft
    page = client.get(reverse("disclosure:text", args=[2020]))
    assert "改写后的概述" in page.content.decode()


def test_branch_users_cannot_open_the_text_part(demo, client):
    login(client, "baoan_head")
    assert client.get(reverse("disclosure:text", args=[2020])).status_code == 403
    assert client.post(reverse("disclosure:text", args=[2020]), {"draft": "1"}).status_code == 403
    assert not DisclosureText.objects.exists()
