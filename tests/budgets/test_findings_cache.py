"""The kept findings of a settled cycle (budgets/consistency.py): never stale, and never a
reason for a page or a save to fail when the cache's Redis is unreachable."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.consistency import _checks, check_cycle
from budgets.models import BasicExpenditureLine, PublishedFigure, UnitBudget
from budgets.selectors import budgets_with_totals
from config.settings.base import cache_settings
from core.models import Unit

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails at once with a connection error.
UNREACHABLE_REDIS = {"default": cache_settings("redis://127.0.0.1:1/0")}


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_renaming_a_unit_is_seen_at_once(demo):
    before = check_cycle(demo)
    named = next(f.unit for f in before if f.unit)
    unit = Unit.objects.get(Q(name=named) | Q(short_name=named))
    unit.name = unit.short_name = f"{named}（新）"
    unit.save()
    after = check_cycle(demo)
    assert not any(f.unit == named for f in after)
    assert any(f.unit == f"{named}（新）" for f in after)
    assert after == _checks(demo)


def test_a_figure_moved_to_another_unit_with_the_same_amount_is_seen(demo):
    before = check_cycle(demo)
    assert count_queries(lambda: check_cycle(demo)) == 1  # kept
    figure = PublishedFigure.objects.filter(cycle=demo, table__startswith="表3", unit__code="baoan").first()
    other = PublishedFigure.objects.filter(cycle=demo, table=figure.table, unit__code="luohu", row=figure.row,
                                           column=figure.column).get()  # fmt: skip
    other.delete()  # the unique key: the figure takes luohu's place, the count stays one row less
    figure.unit = other.unit
    figure.save()
    after = check_cycle(demo)
    assert after == _checks(demo)
    assert after != before


def test_an_unchanged_cycle_is_read_from_the_cache(demo):
    first = check_cycle(demo)
    assert count_queries(lambda: check_cycle(demo)) == 1
    cache.clear()  # the kept findings gone (a restart): computed again, the same
    assert count_queries(lambda: check_cycle(demo)) > 1
    assert check_cycle(demo) == first


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_with_redis_down_the_findings_are_computed_and_saves_still_work(demo, caplog):
    with pytest.raises(Exception) as failure:  # the cache really is unreachable
        cache.get("anything")
    assert "Connection" in type(failure.value).__name__
    with caplog.at_level(logging.WARNING, logger="budgets.consistency"):
        findings = check_cycle(demo)
        unit = Unit.objects.get(code="baoan")
        unit.short_name = "宝安"
        unit.save()  # the generation cannot be bumped: logged, the save goes through
    assert findings == _checks(demo)
    assert Unit.objects.get(code="baoan").short_name == "宝安"
    assert "cache unavailable" in caplog.text


@override_settings(CACHES=UNREACHABLE_REDIS)
def test_with_redis_down_the_bureau_page_still_shows_its_findings(demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="hq_reviewer"))
    response = client.get(reverse("budgets:bureau", args=[demo.year]))
    assert response.status_code == 200
    assert len(_checks(demo)) > 0
    assert _checks(demo)[0].item in response.content.decode()


def test_the_bureau_overview_shows_a_changed_line_at_once(demo):
    """The unit totals are kept beside the findings: a change is seen on the next view, whether
    saved (the generation) or written in place without a signal, as another process may (the
    stamp), and the figures shown are those computed afresh."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="hq_reviewer"))
    url = reverse("budgets:bureau", args=[demo.year])

    def shown() -> dict:
        response = client.get(url)
        assert response.status_code == 200
        return {b.unit.code: (b.basic_total, b.total) for b in response.context["budgets"]}

    before = shown()
    assert count_queries(lambda: shown()) < count_queries(lambda: _checks(demo))  # kept
    line = BasicExpenditureLine.objects.filter(budget__cycle=demo, budget__unit__code="baoan").first()
    line.amount += 10000
    line.save()
    assert shown()["baoan"] == (before["baoan"][0] + 10000, before["baoan"][1] + 10000)
    BasicExpenditureLine.objects.filter(pk=line.pk).update(amount=F("amount") + 20000)
    after = shown()
    assert after["baoan"] == (before["baoan"][0] + 30000, before["baoan"][1] + 30000)
    fresh = budgets_with_totals(UnitBudget.objects.filter(cycle=demo))
    assert after == {b.unit.code: (b.basic_total, b.total) for b in fresh}
