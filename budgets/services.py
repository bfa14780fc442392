"""Writes of the budgets app: one function per business action."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core import policy, workflow
from core.errors import BusinessRuleError
from core.models import Event
from core.workflow import CommentInput

from .cycles import THREE_PUBLIC_AMOUNTS

# A cycle and its calendar live in budgets/cycles.py; re-exported, they are services like the rest.
from .cycles import cycle_deadlines_ensure as cycle_deadlines_ensure
from .cycles import cycle_start as cycle_start
from .fields import PROJECT_FIELDS
from .models import (
    ZERO,
    CycleState,
    Project,
    ProjectSubItem,
    UnitBudget,
)
from .money import format_money
from .workflow import machine_of

# --- Editing a unit's drafts (issue #3) ------------------------------------------------------


def _check_editable(*, actor, item) -> None:
    if not policy.can_change(actor, item):
        raise BusinessRuleError(
            "not_editable",
            _(
                "Only the unit's preparer or head may change a draft or a returned item; approved items change "
                "through an adjustment."
            ),
        )


def _check_version(*, item, version: int | None) -> None:
    """Every save says which version it was made from: a save that does not, or that was made
    from an older one, is refused, so that nobody overwrites a change they have not seen."""
    if version is None or item.version != version:
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


def _check_sub_items_sum(project: Project) -> None:
    """Sub-items itemise the project's amount: saved with it, they add up to it (the same rule
    as the pre-submission check, enforced when the sub-items are saved)."""
    amounts = list(project.sub_items.values_list("amount", flat=True))
    if not amounts:
        return
    total = sum(amounts, ZERO)
    if total != project.amount:
        raise BusinessRuleError(
            "sub_items_sum",
            _("The sub-items add up to %(sub)s yuan, the project to %(amount)s yuan.")
            % {"sub": format_money(total, "yuan"), "amount": format_money(project.amount, "yuan")},
        )


def can_add_project(user, budget: UnitBudget) -> bool:
    """New project requests: the unit's own preparer or head, while the cycle is prepared."""
    return policy.acts_for_unit(user, budget.unit_id, policy.UNIT_STAFF_ROLES) and (
        budget.cycle.state == CycleState.PREPARATION
    )


def _check_name(project: Project) -> None:
    """A unit's projects of one year have different names (the constraint
    ``project_name_unique_in_budget`` holds it in the database too)."""
    if Project.objects.filter(budget_id=project.budget_id, name=project.name).exclude(pk=project.pk).exists():
        raise BusinessRuleError(
            "duplicate_name",
            _("The unit already has a project of this name this year: give this one another name."),
            field="name",
        )


@transaction.atomic
def project_create(*, budget: UnitBudget, actor, data: dict, sub_items: list[dict] = ()) -> Project:
    if not can_add_project(actor, budget):
        raise BusinessRuleError(
            "forbidden",
            _("Only the unit's preparer or head may add its projects, while the %(year)s budget is prepared.")
            % {"year": budget.cycle.year},
        )
    project = Project(budget=budget, **{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    project.total_amount = project.total_amount or project.amount
    project.sort_order = (budget.projects.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    project._history_user = actor
    _check_name(project)
    project.full_clean(exclude=["budget"])
    project.save()
    sub_items = list(sub_items)
    _save_sub_items(project=project, sub_items=sub_items, actor=actor)
    if sub_items:
        _check_sub_items_sum(project)
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor, version: int | None, data: dict, sub_items: list[dict] = ()
) -> Project:
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_editable(actor=actor, item=project)
    _check_version(item=project, version=version)
    for name in PROJECT_FIELDS:
        if name in data:
            setattr(project, name, data[name])
    project.version += 1
    project._history_user = actor
    _check_name(project)
    project.full_clean(exclude=["budget"])
    project.save()
    sub_items = list(sub_items)
    _save_sub_items(project=project, sub_items=sub_items, actor=actor)
    if sub_items:
        _check_sub_items_sum(project)
    return project


class RowInvalid(BusinessRuleError):
    """A row of a submission breaks a rule: ``section`` and ``row`` (the caller's own row key,
    e.g. the form's index) say which, ``errors`` what (field → messages; "__all__" for the row)."""

    def __init__(self, *, section: str, row, error: ValidationError) -> None:
        self.section, self.row = section, row
        self.errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        text = "；".join(m for messages in self.errors.values() for m in messages)
        super().__init__("invalid_row", text, section=section, row=row)


def _apply_rows(
    *, model, budget: UnitBudget, rows: list[dict], fields: list[str], actor, section: str = ""
) -> None:
    existing = {obj.pk: obj for obj in model.objects.filter(budget=budget)}
    for row in rows:
        obj = existing.get(row.get("id")) if row.get("id") else None
        if row.get("delete"):
            if obj is not None:
                obj._history_user = actor
                obj.delete()
            continue
        obj = obj or model(budget=budget)
        for name in fields:
            setattr(obj, name, row.get(name))
        obj._history_user = actor
        try:
            obj.full_clean(exclude=["budget"])
        except ValidationError as error:
            raise RowInvalid(section=section, row=row.get("row"), error=error) from error
        obj.save()


BASIC_LINE_FIELDS = ["functional_code", "economic_code", "funding_source", "amount", "note"]
PROCUREMENT_FIELDS = [
    "item",
    "project",
    "description",
    "amount",
    "sme_amount",
    "small_micro_amount",
    "carried_over",
]
THREE_PUBLIC_FIELDS = [*THREE_PUBLIC_AMOUNTS, "change_reason"]


@transaction.atomic
def budget_lines_save(
    *,
    budget: UnitBudget,
    actor,
    version: int | None,
    basic_lines: list[dict] = (),
    procurement_lines: list[dict] = (),
    three_public: list[dict] = (),
) -> UnitBudget:
    """The unit's own submission: basic expenditure, procurement and 三公, saved together or not
    at all. ``three_public`` rows carry their ``year`` (this cycle's and the year before)."""
    from .models import BasicExpenditureLine, ProcurementLine, ThreePublicExpense

    budget = UnitBudget.objects.select_for_update().get(pk=budget.pk)
    _check_editable(actor=actor, item=budget)
    _check_version(item=budget, version=version)
    _apply_rows(
        model=BasicExpenditureLine,
        budget=budget,
        rows=list(basic_lines),
        fields=BASIC_LINE_FIELDS,
        actor=actor,
        section="basic",
    )
    for row in procurement_lines:
        item, project = row.get("item"), row.get("project")
        if item is not None and item.catalogue_id != budget.cycle.procurement_catalogue_id:
            raise BusinessRuleError("catalogue", _("%(code)s is not in this cycle's procurement catalogue.") % {
                "code": item.code})  # fmt: skip
        if project is not None and project.budget_id != budget.pk:
            raise BusinessRuleError("forbidden", _("That project belongs to another budget."))
    _apply_rows(model=ProcurementLine, budget=budget, rows=list(procurement_lines), fields=PROCUREMENT_FIELDS,
                actor=actor, section="procurement")  # fmt: skip
    for row in three_public:
        obj, _created = ThreePublicExpense.objects.get_or_create(budget=budget, year=row["year"])
        for name in THREE_PUBLIC_FIELDS:
            setattr(obj, name, row.get(name) or (0 if name in THREE_PUBLIC_AMOUNTS else ""))
        obj._history_user = actor
        obj.full_clean(exclude=["budget"])
        obj.save()
    budget.version += 1
    budget._history_user = actor
    budget.save()
    return budget


# --- Moving an item along its machine (budgets/workflow.py) ----------------------------------


def item_transition(*, item: UnitBudget | Project, action: str, actor, reason: str = "",
                    comments: Iterable[CommentInput] = (), fiscal_amount=None, other_amount=None,
                    sub_items: dict | None = None) -> Event:  # fmt: skip
    """Move a unit's submission or a project request one step (budgets/workflow.py)."""
    return workflow.transition(
        machine=machine_of(item),
        obj=item,
        action=action,
        actor=actor,
        reason=reason,
        comments=[c for c in comments if c.text.strip()],
        fiscal_amount=fiscal_amount,
        other_amount=other_amount,
        sub_items=sub_items,
    )


def items_transition(*, items: Iterable, action: str, actor, reason: str = "") -> list[Event]:
    """Bulk approval: one confirmation, one event per item, all or nothing."""
    with transaction.atomic():
        return [item_transition(item=item, action=action, actor=actor, reason=reason) for item in items]
