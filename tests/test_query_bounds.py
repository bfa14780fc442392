"""Query counts that must not grow with the data (issue #12): each page and the workbook measured
at the bureau's size and at three times it, built by the bench's own generator (bench/data.py).
Plus what the speed work keeps: a settled cycle's findings are kept and computed again when its
data changes, the inbox pages its lists, a batch of emails costs one UPDATE per message."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.data import performance_cycle, review_cycle, scaled_cycle
from budgets.consistency import check_cycle
from budgets.models import BasicExpenditureLine, PublishedFigure
from core import mail
from core.models import MessageKind, MessageStatus, OutboxMessage, Unit
from disclosure.exporting import build_workbook
from performance.selectors import unit_overview

pytestmark = pytest.mark.django_db


def queries(fn) -> int:
    # A request clears the connection's query log when it starts (django.db.reset_queries):
    # start from an empty log, so that what the request runs is all counted.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.fixture
def cycles(demo):
    """The 2020 bureau copied once and three times, published (years 2101 and 2103)."""
    return scaled_cycle(1), scaled_cycle(3)


def test_the_workbook_takes_as_many_queries_at_three_times_the_projects(cycles):
    small, large = cycles
    counts = []
    for cycle in (small, large):
        cache.clear()  # the checks run in full both times
        counts.append(queries(lambda cycle=cycle: build_workbook(cycle=cycle).to_bytes()))
    assert counts[0] == counts[1], counts
    assert counts[1] < 60  # 133 at 1x and 271 at 3x before: indicators were read per project


def test_the_workbook_keeps_every_projects_indicators(cycles):
    _small, large = cycles
    table15 = next(t for t in build_workbook(cycle=large).tables if t.number == "表15")
    indicator_rows = [r for r in table15.rows if r.key.endswith(":indicator")]
    assert len(indicator_rows) == 3 * sum(
        1
        for r in next(t for t in build_workbook(cycle=cycles[0]).tables if t.number == "表15").rows
        if r.key.endswith(":indicator")
    )


def test_the_bureau_overview_and_the_dashboard_do_not_grow(cycles):
    client = client_of("hq_reviewer")
    for name in ("budgets:bureau", "approvals:dashboard"):
        counts = []
        for cycle in cycles:
            cache.clear()
            counts.append(
                queries(lambda cycle=cycle, name=name: get_ok(client, reverse(name, args=[cycle.year])))
            )
        assert counts[0] == counts[1], (name, counts)
        assert counts[0] > 5, (name, counts)


def test_a_published_cycles_findings_are_kept_until_its_data_changes(cycles):
    cycle, _large = cycles
    first = check_cycle(cycle)
    assert queries(lambda: check_cycle(cycle)) == 1  # the stamp of the data, nothing else
    assert check_cycle(cycle) == first

    # A published figure changed in place (no new row, no history) is seen by the stamp.
    figure = PublishedFigure.objects.filter(
        cycle=cycle, table="表3", unit__code="baoan", row="budget", column="total"
    ).get()
    PublishedFigure.objects.filter(pk=figure.pk).update(amount=figure.amount + 100)
    changed = check_cycle(cycle)
    assert changed != first
    assert any(f.unit == "宝安分局" and f.table.startswith("表3") for f in set(changed) - set(first))

    # So is a line saved through the ORM (its history) and its amount.
    line = BasicExpenditureLine.objects.filter(budget__cycle=cycle).first()
    line.amount += 1
    line.save()
    assert queries(lambda: check_cycle(cycle)) > 1


def test_the_bureau_overview_shows_fifty_findings_a_page(cycles):
    _small, large = cycles
    findings = check_cycle(large)
    assert len(findings) > 50
    client = client_of("hq_reviewer")
    url = reverse("budgets:bureau", args=[large.year])
    pages = [get_ok(client, url).context["findings"]]
    while pages[-1].has_next():
        pages.append(get_ok(client, url + f"?page={pages[-1].next_page_number()}").context["findings"])
    assert [len(p) for p in pages[:-1]] == [50] * (len(pages) - 1)
    assert [f for p in pages for f in p] == findings  # every finding once, in order
    html = get_ok(client, url).content.decode()
    assert 'data-testid="finding-pages"' in html and f"{len(findings)} " in html


def test_a_cycle_in_review_is_checked_afresh_every_time(demo):
    cycle = review_cycle(1)
    check_cycle(cycle)
    assert queries(lambda: check_cycle(cycle)) > 1


@pytest.fixture
def inbox(demo):
    return client_of("hq_reviewer")


def test_the_inbox_shows_one_page_and_the_same_queries_at_three_times_the_items(inbox):
    counts = []
    for scale in (1, 3):
        review_cycle(scale)
        counts.append(queries(lambda: get_ok(inbox, reverse("approvals:inbox"))))
    assert counts[0] == counts[1], counts
    assert counts[0] > 3, counts
    response = get_ok(inbox, reverse("approvals:inbox"))
    page = response.context["waiting"]
    assert page.paginator.count >= 3 * 69  # the 2020 projects x 3, waiting for HQ
    assert len(page.object_list) == 50
    html = response.content.decode()
    assert 'data-testid="waiting-pages"' in html and "?page=2" in html
    last = get_ok(inbox, reverse("approvals:inbox") + f"?page={page.paginator.num_pages}").context["waiting"]
    assert 0 < len(last.object_list) <= 50
    assert len({p.pk for p in page.object_list} & {p.pk for p in last.object_list}) == 0


def test_the_unit_performance_page_does_not_grow(demo):
    client = client_of("baoan_head")
    counts = []
    for projects, year in ((10, 2091), (30, 2093)):
        performance_cycle(projects, year=year)
        url = reverse("performance:unit", args=[year, "baoan"])
        get_ok(client, url)
        counts.append(queries(lambda url=url: get_ok(client, url)))
    assert counts[0] == counts[1], counts
    assert counts[0] > 5, counts


def test_the_unit_performance_page_shows_fifty_projects_a_page(demo):
    client = client_of("baoan_head")
    cycle = performance_cycle(60, year=2095)
    url = reverse("performance:unit", args=[cycle.year, "baoan"])
    first, second = get_ok(client, url), get_ok(client, url + "?page=2")
    rows = [[s.project.pk for s in response.context["statuses"]] for response in (first, second)]
    assert [len(r) for r in rows] == [50, 10]
    assert not set(rows[0]) & set(rows[1])
    assert 'data-testid="project-pages"' in first.content.decode()
    assert "<td>51</td>" in second.content.decode()  # numbered across the pages
    # A page's statuses are those of the whole list: nothing read for one page is lost.
    whole = {s.project.pk: s for s in unit_overview(cycle=cycle, unit=Unit.objects.get(code="baoan"))}
    for status in second.context["statuses"]:
        same = whole[status.project.pk]
        assert (status.indicator_count, status.problems, status.lights, status.score) == (
            same.indicator_count,
            same.problems,
            same.lights,
            same.score,
        )
        assert status.indicator_count == 8 and status.lights and status.score is not None


def test_a_batch_of_emails_costs_one_update_per_message_beyond_two_queries(demo, mailoutbox):
    user = get_user_model().objects.get(username="admin")
    counts = []
    for n in (5, 15):
        ids = [
            OutboxMessage.objects.create(
                recipient=user,
                email=f"r{i}@example.invalid",
                kind=MessageKind.REMINDER,
                subject=f"s{i}",
                body="b",
            ).pk
            for i in range(n)
        ]
        counts.append(queries(lambda ids=ids: mail.send(message_ids=ids)))
        assert OutboxMessage.objects.filter(pk__in=ids, status=MessageStatus.SENT).count() == n
    assert counts == [2 + 5, 2 + 15], counts  # was 4 per message
    assert len(mailoutbox) == 20
