"""Writes of the budgets app: one function per business action."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from .errors import BusinessRuleError
from .models import (
    BudgetCycle,
    CycleDeadline,
    CycleState,
    Project,
    ProjectSubItem,
    UnitBudget,
    default_deadlines,
)


@transaction.atomic
def cycle_deadlines_ensure(*, cycle: BudgetCycle) -> list[CycleDeadline]:
    """Give a cycle the default calendar of DOMAIN §2 for every deadline it does not have yet."""
    existing = set(cycle.deadlines.values_list("kind", flat=True))
    missing = [
        CycleDeadline(cycle=cycle, kind=kind, due_date=due)
        for kind, due in default_deadlines(cycle.year).items()
        if kind not in existing
    ]
    CycleDeadline.objects.bulk_create(missing)
    return list(cycle.deadlines.all())


# --- Editing a unit's drafts (issue #3) ------------------------------------------------------

_PROJECT_EDITABLE_FIELDS = [
    "name", "category", "project_type", "use_of_funds", "start_date", "end_date", "total_amount",
    "fiscal_amount", "other_amount", "functional_code", "funding_source", "asset_purchase_amount",
    "asset_catalogue", "background", "content", "scope", "purpose", "midterm_goal", "annual_goal",
    "last_year_amount", "change_reason",
]  # fmt: skip


def _check_editable(*, actor, item) -> None:
    from approvals.policy import can_edit_item

    if not can_edit_item(actor, item):
        raise BusinessRuleError(
            "not_editable",
            _(
                "Only the unit's preparer or head may change a draft or a returned item; approved items change "
                "through an adjustment."
            ),
        )


def _check_version(*, item, version: int | None) -> None:
    if version is not None and item.version != version:
        raise BusinessRuleError(
            "stale",
            _(
                "Someone else saved this after you opened it. Reload the page to see their changes; nothing of yours "
                "was saved."
            ),
            current_version=item.version,
        )


def _save_sub_items(*, project: Project, sub_items: list[dict], actor) -> None:
    """Rows with an ``id`` are updated (or deleted with ``delete``), rows without one are added."""
    existing = {s.pk: s for s in project.sub_items.all()}
    for order, row in enumerate(sub_items, start=1):
        sub = existing.get(row.get("id")) if row.get("id") else None
        if sub is not None and row.get("delete"):
            sub._history_user = actor
            sub.delete()
            continue
        if row.get("delete"):
            continue
        sub = sub or ProjectSubItem(project=project)
        sub.name, sub.amount, sub.description = row["name"], row["amount"], row.get("description", "")
        sub.sort_order = order
        sub._history_user = actor
        sub.save()


@transaction.atomic
def project_create(*, budget: UnitBudget, actor, data: dict, sub_items: list[dict] = ()) -> Project:
    from approvals.policy import UNIT_STAFF_ROLES, role_of, visible_units

    if role_of(actor) not in UNIT_STAFF_ROLES or not visible_units(actor).filter(pk=budget.unit_id).exists():
        raise BusinessRuleError("forbidden", _("Only the unit's preparer or head may add its projects."))
    if budget.cycle.state != CycleState.PREPARATION:
        raise BusinessRuleError(
            "cycle_closed",
            _("The %(year)s budget is no longer being prepared.") % {"year": budget.cycle.year},
        )
    project = Project(budget=budget, **{k: v for k, v in data.items() if k in _PROJECT_EDITABLE_FIELDS})
    project.total_amount = project.total_amount or project.amount
    project.sort_order = (budget.projects.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    project._history_user = actor
    project.full_clean(exclude=["budget"])
    project.save()
    _save_sub_items(project=project, sub_items=list(sub_items), actor=actor)
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor, version: int | None, data: dict, sub_items: list[dict] = ()
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_editable(actor=actor, item=project)
    _check_version(item=project, version=version)
    for name in _PROJECT_EDITABLE_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.version += 1
    project._history_user = actor
    project.full_clean(exclude=["budget"])
    project.save()
    _save_sub_items(project=project, sub_items=list(sub_items), actor=actor)
    return project
