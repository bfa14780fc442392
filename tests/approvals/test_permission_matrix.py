"""Every URL pattern and API route, for each role of branch A (宝安), against branch B's (罗湖)
objects: B's objects answer 403 or 404 (the admin sends non-staff to its login page), and no
page, list or export shows B's data. New routes must be classified here, or this test fails."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from approvals.services import adjustment_request
from budgets.models import AssetCategory, AssetLine, BasicExpenditureLine, UnitBudget
from budgets.services import item_transition, project_create
from disclosure.models import ExportJob, ImportJob

from .conftest import complete_project_data, new_project, user

pytestmark = pytest.mark.django_db

SECRET = "罗湖专属项目Z9"
# Reference data every signed-in user may read: not any unit's objects.
REFERENCE_ROUTES = {
    "cycle-detail", "functional-code-detail", "economic-code-detail", "funding-source-detail",
    "procurement-item-detail",
}  # fmt: skip
# Routes that are not about one unit's object: checked for leaks in their content instead.
UNOWNED_KWARGS = {"format", "year"}


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, sorted(pattern.pattern.regex.groupindex)


@pytest.fixture
def branch_b(demo):
    """罗湖分局's objects: a draft, an approved project with an adjustment waiting."""
    budget = UnitBudget.objects.get(cycle__year=2021, unit__code="luohu")
    draft = project_create(
        budget=budget,
        actor=user("luohu_preparer"),
        data=complete_project_data(name=SECRET),
        sub_items=[{"name": f"{SECRET}-明细", "amount": Decimal("600000.00")}],
    )
    approved = new_project(budget, "luohu_preparer", name=f"{SECRET}-批复")
    for action, who in [("submit", "luohu_preparer"), ("sign_off", "luohu_head"), ("recommend", "hq_reviewer"),
                        ("approve", "hq_approver")]:  # fmt: skip
        item_transition(item=approved, action=action, actor=user(who))
    adjustment = adjustment_request(project=approved, actor=user("luohu_head"), fiscal_amount=Decimal("1"),
                                    other_amount=Decimal("0"), reason="测试")  # fmt: skip
    export = ExportJob.objects.create(cycle=budget.cycle, unit=budget.unit, requested_by=user("luohu_preparer"),
                                      step=SECRET)  # fmt: skip
    upload = ImportJob.objects.create(cycle=budget.cycle, unit=budget.unit, requested_by=user("luohu_preparer"),
                                      file="disclosure/imports/x.xlsx", original_name=f"{SECRET}.xlsx")  # fmt: skip
    AssetLine.objects.get_or_create(budget=budget, category=AssetCategory.values[0])
    return {"budget": budget, "project": draft, "approved": approved, "adjustment": adjustment,
            "basic_line": BasicExpenditureLine.objects.filter(budget__unit__code="luohu").first(),
        "export": export, "import": upload, "sub_item": draft.sub_items.get()}  # fmt: skip


def _admin_object(name: str, b: dict):
    """admin:<app>_<model>_<view> with object_id: B's object of that model, if it is unit data."""
    label = name.split(":", 1)[1].rsplit("_", 1)[0]
    for model in admin.site._registry:
        if f"{model._meta.app_label}_{model._meta.model_name}" == label:
            break
    else:
        return None
    by_model = {
        "project": b["project"].pk, "reviewqueueproject": b["project"].pk, "unitbudget": b["budget"].pk,
        "reviewqueuebudget": b["budget"].pk, "adjustmentrequest": b["adjustment"].pk,
        "projectsubitem": b["sub_item"].pk, "unit": b["budget"].unit_id, "exportjob": b["export"].pk,
        "importjob": b["import"].pk,
    }  # fmt: skip
    return by_model.get(model._meta.model_name, b["budget"].unit_id)


def _kwargs(name: str, params: list[str], b: dict) -> dict | None:
    values = {"year": 2021, "format": "json", "unit_code": "luohu"}
    kwargs = {}
    for param in params:
        if param in values:
            kwargs[param] = values[param]
        elif param == "code" and name.startswith("unit"):
            kwargs[param] = "luohu"
        elif param == "pk":
            if name.startswith("disclosure:export"):
                kwargs[param] = b["export"].pk
            elif name.startswith("disclosure:import"):
                kwargs[param] = b["import"].pk
            elif "basic-line" in name:
                kwargs[param] = b["basic_line"].pk
            elif "adjustment" in name:
                kwargs[param] = b["adjustment"].pk
            elif "budget" in name:
                kwargs[param] = b["budget"].pk
            else:
                kwargs[param] = b["project"].pk
        elif param == "object_id" and "content_type_id" in params:
            continue  # set with the content type
        elif param == "object_id":
            object_id = _admin_object(name, b)
            if object_id is None:
                return None
            kwargs[param] = object_id
        elif param == "version_id":
            kwargs[param] = b["project"].history.first().history_id
        elif param == "indicator":
            kwargs[param] = b["approved"].indicators.first().pk
        elif param == "content_type_id":
            from django.contrib.contenttypes.models import ContentType

            kwargs[param] = ContentType.objects.get_for_model(b["project"]).pk
            kwargs["object_id"] = b["project"].pk
        elif param == "app_label":
            kwargs[param] = "budgets"
        else:
            kwargs[param] = "x"
    return kwargs


def _reverse(name: str, params: list[str], b: dict) -> str | None:
    """The URL of ``name`` for branch B's object; None when the route cannot be classified (the
    caller reports it: no route is skipped in silence)."""
    if name.endswith("_simple_history") and not params:
        # simple-history's page of one old version: unnamed groups (object id, version id).
        model = next(m for m in admin.site._registry
                     if name == f"admin:{m._meta.app_label}_{m._meta.model_name}_simple_history")  # fmt: skip
        paths = model.access_unit_path
        path = paths if isinstance(paths, str) else paths[0]
        theirs = model.objects.filter(**{path: b["budget"].unit_id}).first()
        if theirs is None:
            return None
        # A model without history still has the admin's route: it must turn B's user away too.
        record = theirs.history.first() if hasattr(theirs, "history") else None
        return reverse(name, args=[theirs.pk, record.history_id if record else 1])
    kwargs = _kwargs(name, params, b)
    return None if kwargs is None else reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("username", ["baoan_preparer", "baoan_head"])
def test_branch_a_cannot_reach_branch_b(branch_b, client, username, capsys):
    client.force_login(user(username))
    covered = leaks = 0
    problems = []
    for name, params in _walk(get_resolver().url_patterns):
        if name in REFERENCE_ROUTES or name in ("logout", "admin:logout", "admin:login") or "jsi18n" in name:
            continue
        try:
            url = _reverse(name, params, branch_b)
        except Exception as error:
            problems.append(f"{name} {params}: not exercised ({type(error).__name__}: {error})")
            continue
        if url is None:
            problems.append(f"{name} {params}: not exercised (no branch-B object for it: classify the route)")
            continue
        owned = bool(set(params) - UNOWNED_KWARGS)
        covered += 1
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url, {"action": "submit", "reason": "x", "decision": "approve"})
        body = response.content.decode(errors="ignore") if response.status_code == 200 else ""
        if SECRET in body:
            leaks += 1
            problems.append(f"{name} {url} shows branch B's data")
        if name.startswith("admin:"):
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                problems.append(f"{name} {url} → {response.status_code}")
        elif owned and response.status_code not in (403, 404):
            problems.append(f"{name} {url} → {response.status_code}")
    with capsys.disabled():
        print(f"\n{username}: {covered} routes against 罗湖分局's objects, {len(problems)} problems")
        for problem in problems:
            print(f"  {problem}")
    assert problems == []
    assert covered > 200
    branch_b["project"].refresh_from_db()
    assert branch_b["project"].state == "draft"
    branch_b["adjustment"].refresh_from_db()
    assert branch_b["adjustment"].state == "with_branch_head"
