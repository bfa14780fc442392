"""The dashboard's figures kept under the cycle's stamp (``budgets.consistency.kept``): shown at
once after every transition, equal to those computed afresh, and computed when the cache is down."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import selectors
from approvals.services import adjustment_request
from budgets.models import Project
from budgets.services import item_transition
from config.settings.base import cache_settings
from core.models import Unit
from core.roles import Role

from .conftest import adjustment_through_the_chain, sub_items_for, user

pytestmark = pytest.mark.django_db


def shown(client) -> tuple[dict, dict, object]:
    response = client.get(reverse("approvals:dashboard", args=[2021]))
    assert response.status_code == 200
    d = response.context["d"]
    rows = {r.unit.code: (dict(r.stage_counts), r.requested, r.approved) for r in d.rows}
    return rows, dict(d.waiting), (d.oldest, response.context["rates"], response.context["bureau_rate"])


def fresh(cycle) -> tuple[dict, dict, object]:
    """The dashboard computed without the cache (nothing kept), for comparison."""
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        d = selectors.dashboard(cycle=cycle, user=user("hq_reviewer"))
    rows = {r.unit.code: (dict(r.stage_counts), r.requested, r.approved) for r in d.rows}
    return rows, dict(d.waiting), (d.oldest, d.rates, d.bureau_rate)


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_every_step_shows_on_the_dashboard_at_once(draft_project, client):
    cycle = draft_project.budget.cycle
    client.force_login(user("hq_reviewer"))
    before = shown(client)
    first = queries(lambda: selectors.dashboard(cycle=cycle, user=user("hq_reviewer")))
    cache.clear()
    computed = queries(lambda: selectors.dashboard(cycle=cycle, user=user("hq_reviewer")))
    assert first < computed  # kept: the stamp instead of the projects' and the rates' queries

    item_transition(item=draft_project, action="submit", actor=user("baoan_preparer"))
    submitted = shown(client)[0]["baoan"][0]
    assert submitted.get("with_branch_head") == before[0]["baoan"][0].get("with_branch_head", 0) + 1
    item_transition(item=draft_project, action="sign_off", actor=user("baoan_head"))
    rows, waiting, (oldest, _rates, _bureau) = after_sign_off = shown(client)
    assert rows["baoan"][0].get("submitted", 0) == submitted.get("submitted", 0) + 1
    assert rows["baoan"][0].get("with_branch_head", 0) == submitted["with_branch_head"] - 1
    assert rows["baoan"][1] == before[0]["baoan"][1]  # requested: the draft's amount, now as signed off
    assert waiting[Role.HQ_REVIEWER] == before[1].get(Role.HQ_REVIEWER, 0) + 1
    assert oldest == draft_project
    assert after_sign_off == fresh(cycle)

    item_transition(item=draft_project, action="cut", actor=user("hq_reviewer"), reason="压减",
                    fiscal_amount=Decimal("500000"), sub_items=sub_items_for(draft_project, "500000"))  # fmt: skip
    for action, who in [("recommend", "hq_reviewer"), ("approve", "hq_approver")]:
        item_transition(item=draft_project, action=action, actor=user(who))
    rows, _waiting, _ = after_approval = shown(client)
    assert rows["baoan"][0].get("approved", 0) == before[0]["baoan"][0].get("approved", 0) + 1
    assert rows["baoan"][1] == before[0]["baoan"][1]  # as first asked, not as cut
    assert rows["baoan"][2] == before[0]["baoan"][2] + Decimal("500000.00")  # after the cut
    assert after_approval == fresh(cycle)

    adjustment = adjustment_request(project=draft_project, actor=user("baoan_head"), sub_items=sub_items_for(draft_project, "550000"), fiscal_amount=Decimal("550000"),
                                    other_amount=Decimal("0"), reason="增加")  # fmt: skip
    adjustment_through_the_chain(adjustment)
    rows, _waiting, (_oldest, rates, _bureau) = after_adjustment = shown(client)
    assert rows["baoan"][2] == before[0]["baoan"][2] + Decimal("550000.00")
    assert rates[Unit.objects.get(code="baoan").pk] == Decimal("50000") / Decimal("550000")
    assert after_adjustment == fresh(cycle)


def test_a_step_written_in_place_shows_at_once(draft_project, client):
    """Written without a signal (as another process with its own memory cache writes, unseen by
    this one's generation): the stamp sees it."""
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head")]:
        item_transition(item=draft_project, action=action, actor=user(who))
    client.force_login(user("hq_reviewer"))
    cycle = draft_project.budget.cycle
    before = shown(client)
    Project.objects.filter(pk=draft_project.pk).update(state="approved", version=F("version") + 1)
    after = shown(client)
    assert after[0]["baoan"][2] == before[0]["baoan"][2] + draft_project.amount
    assert after == fresh(cycle)
    Project.objects.filter(pk=draft_project.pk).update(
        other_amount=F("other_amount") + 1000, total_amount=F("total_amount") + 1000
    )
    again = shown(client)
    assert again[0]["baoan"][2] == after[0]["baoan"][2] + 1000
    assert again == fresh(cycle)


@override_settings(CACHES={"default": cache_settings("redis://127.0.0.1:1/0")})
def test_with_the_cache_down_the_dashboard_is_computed(draft_project, client):
    for action, who in [("submit", "baoan_preparer"), ("sign_off", "baoan_head")]:
        item_transition(item=draft_project, action=action, actor=user(who))
    client.force_login(user("hq_reviewer"))
    rows, waiting, (oldest, _rates, _bureau) = shown(client)
    assert oldest == draft_project and waiting[Role.HQ_REVIEWER] >= 1
    assert rows["baoan"][1] >= Decimal("600000.00")
