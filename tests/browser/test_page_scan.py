"""Every page (tests/browser/pages.py) as every role, in Chinese and English, at 1280 px and
390 px: axe-core WCAG 2.0/2.1 A+AA finds nothing; the Chinese UI shows no untranslated English
and no raw database ids or codes; at 390 px the page body never scrolls sideways (wide tables
scroll inside their own container). Screenshots at both widths go to var/artifacts/screenshots/.

One browser for the whole scan, one log-in per role; the language is switched by its cookie and
the width by resizing the page already loaded."""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from .conftest import log_in
from .pages import ADMIN_CHANGELIST_ROLE, PAGES
from .scan import (
    LAYOUT_RULES,
    VISIBLE_TEXT_JS,
    axe_violations,
    body_overflow,
    fingerprint,
    id_problems,
    raw_ids,
    settle,
    untranslated_english,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xfail(
        reason="issue #15: the Django admin's own untranslated strings (boolean icons, celery-beat, usernames and raw states in the event list) are not fixed yet",
        strict=False,
    ),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "artifacts" / "screenshots"
WIDTHS = (1280, 390)
LANGUAGES = ("zh-hans", "en")


def scan_demo() -> dict:
    """The objects the pages show: the demo's 2020 budget, a 2021 draft project per unit and one
    waiting in HQ's queue, the August monitoring, the self-evaluations, an export and an import
    with errors."""
    from budgets.models import BudgetCycle, Project, UnitBudget
    from budgets.services import item_transition, project_create
    from core.models import Unit
    from disclosure.models import ExportJob, ImportJob, ImportStatus, JobStatus
    from performance import services as perf
    from performance.services import project_targets_save
    from tests.approvals.conftest import VALID_TARGETS, complete_project_data

    users = {u.username: u for u in get_user_model().objects.all()}
    cycle = BudgetCycle.objects.get(year=2020)
    projects, next_projects, indicators = {}, {}, {}
    round_ = perf.monitoring_round_open(cycle=cycle, actor=users["hq_reviewer"])
    for unit_code, preparer, head in (
        ("baoan", "baoan_preparer", "baoan_head"),
        ("hq", "hq_preparer", "hq_head"),
    ):
        unit = Unit.objects.get(code=unit_code)
        project = Project.objects.filter(
            budget__cycle=cycle, budget__unit=unit, indicators__isnull=False
        ).first()
        projects[unit_code] = project
        indicators[unit_code] = project.indicators.order_by("sort_order").first()
        perf.project_monitoring_start(round=round_, project=project, actor=users[head])
        perf.project_evaluation_start(project=project, actor=users[head])
        perf.department_evaluation_start(cycle=cycle, unit=unit, actor=users[head])
        budget = UnitBudget.objects.get(cycle__year=2021, unit=unit)
        draft = project_create(
            budget=budget,
            actor=users[preparer],
            data=complete_project_data(name="社保政策宣传（草稿）"),
            sub_items=[
                {"name": "宣传册印刷", "amount": Decimal("400000.00")},
                {"name": "培训", "amount": Decimal("200000.00"), "description": "两期"},
            ],
        )
        project_targets_save(project=draft, rows=VALID_TARGETS, actor=users[preparer])
        next_projects[unit_code] = draft
    waiting = project_create(
        budget=UnitBudget.objects.get(cycle__year=2021, unit__code="baoan"),
        actor=users["baoan_preparer"],
        data=complete_project_data(name="社保政策宣传（待审）"),
    )
    project_targets_save(project=waiting, rows=VALID_TARGETS, actor=users["baoan_preparer"])
    item_transition(item=waiting, action="submit", actor=users["baoan_preparer"])
    item_transition(item=waiting, action="sign_off", actor=users["baoan_head"])
    perf.target_change_request(
        indicator=indicators["baoan"], new_text="≥2次", reason="受疫情影响", actor=users["baoan_head"]
    )
    baoan = Unit.objects.get(code="baoan")
    export = ExportJob.objects.create(
        cycle=cycle, unit=baoan, requested_by=users["hq_reviewer"], status=JobStatus.DONE, progress=100,
        findings_count=0,
    )  # fmt: skip
    imported = ImportJob.objects.create(
        cycle=BudgetCycle.objects.get(year=2021), unit=baoan, requested_by=users["baoan_preparer"],
        file="disclosure/imports/scan.xlsx", original_name="宝安2021.xlsx", status=ImportStatus.INVALID,
        progress=100, errors=[{"sheet": "表1", "row": 5, "column": "B", "message": "金额不是数字"}],
    )  # fmt: skip
    return {
        "projects": projects,
        "next_projects": next_projects,
        "indicators": indicators,
        "ids": {
            "year": 2020,
            "next_year": 2021,
            "export": export.pk,
            "import": imported.pk,
            "queued_project": waiting.pk,
            "history": projects["baoan"].history.first().history_id,
            "unit_pk": baoan.pk,
            "admin_user": users["admin"].pk,
        },
    }


def admin_changelists() -> list[str]:
    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
        if not any(
            p.url_name == f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for p in PAGES
        )
    ]


def test_every_page_as_every_role(live_server, demo, browser, record_property):
    started = time.monotonic()
    demo_objects = scan_demo()
    users = sorted({role for page in PAGES for role in page.roles})
    if os.environ.get("SCAN_USERS"):  # a developer's quick run: SCAN_USERS=baoan_preparer,admin
        users = [u for u in users if u in os.environ["SCAN_USERS"].split(",")]
    failures: list[str] = []
    checked: set[tuple[str, int]] = set()  # (markup fingerprint, width) already through axe
    shot: set[str] = set()  # pages with screenshots (the first role that visits them)
    visits = axe_runs = 0

    def report(problem: str) -> None:
        failures.append(problem)
        print(problem, file=sys.stderr, flush=True)

    for username in users:
        context = browser.new_context(locale="zh-CN", viewport={"width": WIDTHS[0], "height": 900})
        page = context.new_page()
        page.set_default_timeout(20000)
        if username:
            log_in(page, live_server.url, username)
            page.wait_for_load_state()
        todo = [(p.name, p.path(demo_objects, username), LANGUAGES) for p in PAGES if username in p.roles]
        if username == ADMIN_CHANGELIST_ROLE:
            # Django's own list template, once per model: in Chinese (English is Django's).
            todo += [(f"admin changelist {path}", path, LANGUAGES[:1]) for path in admin_changelists()]
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for name, path, languages in todo:
                if language not in languages:
                    continue
                where = f"{path} as {username or 'anonymous'} in {language}"
                page.set_viewport_size({"width": WIDTHS[0], "height": 900})
                response = page.goto(f"{live_server.url}{path}")
                visits += 1
                if response is None or response.status >= 400:
                    report(f"{where}: HTTP {response.status if response else '?'}")
                    continue
                for problem in id_problems(page):
                    report(f"{where}: {problem}")
                if language == LANGUAGES[0]:
                    texts = page.evaluate(VISIBLE_TEXT_JS)
                    for t in untranslated_english(texts):
                        report(f"{where}: untranslated {t}")
                    for t in raw_ids(texts):
                        report(f"{where}: raw id or code {t}")
                screenshots = language == LANGUAGES[0] and name not in shot
                shot.add(name)
                for width in WIDTHS:
                    if width != WIDTHS[0]:
                        page.set_viewport_size({"width": width, "height": 900})
                        settle(page)
                        if problem := body_overflow(page):
                            report(f"{where}: {problem}")
                    key = (fingerprint(page), width)
                    if key not in checked:
                        checked.add(key)
                        axe_runs += 1
                        for v in axe_violations(page, None if width == WIDTHS[0] else LAYOUT_RULES):
                            report(f"{where} at {width} px: {v}")
                    if screenshots:
                        folder = SCREENSHOTS / (username or "anonymous")
                        folder.mkdir(parents=True, exist_ok=True)
                        slug = path.strip("/").replace("/", "_") or "home"
                        page.screenshot(path=str(folder / f"{slug}-{width}.png"), full_page=True)
        context.close()
    elapsed = time.monotonic() - started
    summary = (
        f"page scan: {len({p.name for p in PAGES})} pages + {len(admin_changelists())} admin lists, "
        f"{len(users)} roles, {visits} visits, {axe_runs} axe runs, {elapsed:.0f}s"
    )
    record_property("page_scan", summary)
    print(summary, file=sys.stderr)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)
