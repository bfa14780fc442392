"""Cross-table consistency checks (DOMAIN §8) over a cycle's published figures and its lines.

Published tables print every cell rounded on its own (half up), so a printed total may differ
from the sum of its printed parts without anyone having made a mistake. A difference is reported
only when it is larger than independent rounding could produce: each printed figure may be off by
half a unit of its last printed digit (0.5 for whole 万元, 0.005 for 0.35), an amount held exactly
in yuan by nothing. The same quantity printed twice is rounded the same way, so it must print the
same: any difference is reported. See docs/consistency.md.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import redis
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from .models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    ProcurementLine,
    Project,
    ProjectFunctionalPart,
    ProjectSubItem,
    PublishedFigure,
    ThreePublicExpense,
    UnitBudget,
)
from .money import YUAN_PER_WAN, format_figure
from .selectors import budget_totals

BUREAU = None  # the unit key of a bureau-wide row


@dataclass(frozen=True)
class Quantity:
    """A figure in 万元 with the largest error rounding may have put into it."""

    value: Decimal
    error: Decimal

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.error + other.error)


NOTHING = Quantity(ZERO, ZERO)


def printed(amount: Decimal) -> Quantity:
    """A printed figure: '17' may be off by 0.5, '0.35' by 0.005 (its last printed digit)."""
    exponent = amount.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return Quantity(amount, Decimal(5).scaleb(-places - 1))


def from_lines(amounts_yuan: Iterable[Decimal]) -> Quantity:
    """Sum of line amounts in 万元. A line of a whole number of 万元 may be a transcription of a
    rounded printed figure, so it carries that rounding error; any other amount is exact."""
    total = ZERO
    error = ZERO
    for amount in amounts_yuan:
        total += amount
        if amount % YUAN_PER_WAN == 0 and amount != 0:
            error += Decimal("0.5")
    return Quantity(total / YUAN_PER_WAN, error)


def _explained_by_rounding(diff: Decimal, found_error: Decimal, expected_error: Decimal) -> bool:
    bound = found_error + expected_error
    above_low = diff > -bound or (found_error == 0 and diff == -expected_error)
    below_high = diff < bound or (expected_error == 0 and diff == found_error)
    return above_low and below_high


@dataclass(frozen=True)
class Finding:
    table: str
    unit: str
    item: str
    expected: Decimal
    found: Decimal
    detail: str
    sort_key: tuple = ()

    @property
    def difference(self) -> Decimal:
        return self.found - self.expected

    def line(self) -> str:
        return (
            f"{self.table} | {self.unit} | {self.item} | "
            f"{_('expected')} {_fmt(self.expected)} ({self.detail}) | {_('found')} {_fmt(self.found)}"
        )


def _fmt(value: Decimal) -> str:
    return format_figure(value)


# The stable column keys of the published figures, as a reader knows them.
COLUMN_LABELS = {
    "total": _("total"),
    "basic": _("basic expenditure"),
    "project": _("project expenditure"),
    "procurement": _("government procurement"),
    "sme": _("reserved for SMEs"),
    "small_micro": _("reserved for small and micro enterprises"),
    "carried_over": _("procurement carried over from earlier years"),
    "personnel": _("personnel expenditure"),
    "public": _("public expenditure"),
    "individual": _("subsidies to individuals and families"),
    "abroad": _("Official travel abroad"),
    "reception": _("Official reception"),
    "vehicle_subtotal": _("Vehicles, subtotal"),
    "vehicle_purchase": _("Official vehicle purchase"),
    "vehicle_operation": _("Official vehicle operation"),
}


def label(column: str) -> str:
    return str(COLUMN_LABELS.get(column, column))


class Checker:
    def __init__(self, cycle: BudgetCycle) -> None:
        self.cycle = cycle
        self.units = {u.code: u for u in Unit.objects.all()}
        self.figures: dict[tuple[str, str | None, str, str], Decimal] = {}
        self.labels: dict[tuple[str, str | None, str, str], str] = {}
        for fig in PublishedFigure.objects.filter(cycle=cycle).select_related("unit"):
            key = (fig.table, fig.unit.code if fig.unit else None, fig.row, fig.column)
            self.figures[key] = fig.amount
            self.labels[key] = fig.label
        self.findings: list[Finding] = []

    # -- helpers -------------------------------------------------------------------------------

    def get(self, table: str, unit: str | None, row: str, column: str) -> Quantity | None:
        amount = self.figures.get((table, unit, row, column))
        return None if amount is None else printed(amount)

    def unit_name(self, unit: str | None) -> str:
        return str(_("whole bureau")) if unit is None else self.units[unit].short_name

    def _order(self, table: str, unit: str | None) -> tuple:
        return (table, -1 if unit is None else self.units[unit].sort_order)

    def compare(
        self,
        *,
        table: str,
        unit: str | None,
        item: str,
        found: Quantity | None,
        expected: Quantity | None,
        detail: str,
    ) -> None:
        """Report ``found`` when it differs from ``expected`` by more than rounding explains.

        Half-up rounding puts an error in (-e, +e] into a figure printed with half-unit e, so
        found - expected lies strictly inside +-(e_found + e_expected), the ends being reachable
        only from an exact side. Nothing printed means nothing to check.
        """
        if found is None:
            return
        expected = expected or NOTHING
        if not _explained_by_rounding(found.value - expected.value, found.error, expected.error):
            self.findings.append(
                Finding(
                    table,
                    self.unit_name(unit),
                    item,
                    expected.value,
                    found.value,
                    detail,
                    self._order(table, unit),
                )
            )

    def restated(
        self,
        *,
        table: str,
        unit: str | None,
        item: str,
        first: Quantity | None,
        second: Quantity | None,
        detail: str,
    ) -> None:
        """The same quantity printed twice must print the same."""
        if first is None or second is None:
            return
        if first.value != second.value:
            self.findings.append(
                Finding(
                    table,
                    self.unit_name(unit),
                    item,
                    first.value,
                    second.value,
                    detail,
                    self._order(table, unit),
                )
            )

    def parts(self, table: str, unit: str | None, rows: Iterable[str], column: str) -> Quantity | None:
        found = [q for row in rows if (q := self.get(table, unit, row, column)) is not None]
        if not found:
            return None
        total = NOTHING
        for q in found:
            total += q
        return total

    def units_with(self, table: str) -> list[str]:
        codes = {key[1] for key in self.figures if key[0] == table and key[1] is not None}
        return [code for code in self.units if code in codes]

    # -- rules ----------------------------------------------------------------------------------

    def run(self) -> list[Finding]:
        self.income_equals_expenditure()
        self.functional_hierarchy("表1")
        self.functional_hierarchy("表6")
        self.table3_rows()
        self.table7_rows()
        self.table3_vs_table7()
        self.table11_categories()
        self.table12_subtotals()
        self.text_part()
        self.projects_against_lines()
        self.table3_against_lines()
        self.findings.sort(key=lambda f: f.sort_key)
        return self.findings

    def income_equals_expenditure(self) -> None:
        for table in ("表1", "表6"):
            for income, expenditure in (
                ("income_year_total", "expenditure_year_total"),
                ("income_grand_total", "expenditure_grand_total"),
            ):
                self.restated(
                    table=table,
                    unit=BUREAU,
                    item=str(_("income = expenditure")),
                    first=self.get(table, BUREAU, income, "total"),
                    second=self.get(table, BUREAU, expenditure, "total"),
                    detail=str(_("income total")),
                )

    def functional_hierarchy(self, table: str) -> None:
        codes = sorted(
            row
            for (t, unit, row, column) in self.figures
            if t == table and unit is None and column == "expenditure"
        )
        for code in codes:
            children = [c for c in codes if c.startswith(code) and len(c) == len(code) + 2]
            if not children:
                continue
            label = self.labels[(table, None, code, "expenditure")]
            self.compare(
                table=table,
                unit=BUREAU,
                item=f"{code} {label}",
                found=self.get(table, BUREAU, code, "expenditure"),
                expected=self.parts(table, BUREAU, children, "expenditure"),
                detail=" + ".join(children),
            )
        classes = [c for c in codes if len(c) == 3]
        self.compare(
            table=table,
            unit=BUREAU,
            item=str(_("expenditure total")),
            found=self.get(table, BUREAU, "expenditure_year_total", "total"),
            expected=self.parts(table, BUREAU, classes, "expenditure"),
            detail=" + ".join(classes),
        )

    def table3_rows(self) -> None:
        columns = ("total", "basic", "project", "procurement", "sme", "small_micro", "carried_over")
        for unit in [BUREAU, *self.units_with("表3")]:
            self.compare(
                table="表3",
                unit=unit,
                item=str(_("total")),
                found=self.get("表3", unit, "budget", "total"),
                expected=(self.get("表3", unit, "budget", "basic") or NOTHING)
                + (self.get("表3", unit, "budget", "project") or NOTHING),
                detail=str(_("basic + project")),
            )
        units = self.units_with("表3")
        for column in columns:
            total = NOTHING
            for unit in units:
                total += self.get("表3", unit, "budget", column) or NOTHING
            self.compare(
                table="表3",
                unit=BUREAU,
                item=label(column),
                found=self.get("表3", BUREAU, "budget", column),
                expected=total,
                detail=str(_("sum of the unit rows")),
            )

    def table7_rows(self) -> None:
        for unit in self.units_with("表7"):
            line_rows = sorted(
                {row for (t, u, row, _c) in self.figures if t == "表7" and u == unit and row != "budget"}
            )
            for column in ("basic", "project"):
                self.compare(
                    table="表7",
                    unit=unit,
                    item=label(column),
                    found=self.get("表7", unit, "budget", column),
                    expected=self.parts("表7", unit, line_rows, column),
                    detail=str(_("sum of the functional-code lines")),
                )
            self.compare(
                table="表7",
                unit=unit,
                item=str(_("total")),
                found=self.get("表7", unit, "budget", "total"),
                expected=(self.get("表7", unit, "budget", "basic") or NOTHING)
                + (self.get("表7", unit, "budget", "project") or NOTHING),
                detail=str(_("basic + project")),
            )
        for column in ("total", "basic", "project"):
            total = NOTHING
            for unit in self.units_with("表7"):
                total += self.get("表7", unit, "budget", column) or NOTHING
            self.compare(
                table="表7",
                unit=BUREAU,
                item=label(column),
                found=self.get("表7", BUREAU, "budget", column),
                expected=total,
                detail=str(_("sum of the unit rows")),
            )

    def table3_vs_table7(self) -> None:
        for unit in [BUREAU, *self.units_with("表3")]:
            for column in ("total", "basic", "project"):
                self.restated(
                    table="表3/表7",
                    unit=unit,
                    item=label(column),
                    first=self.get("表3", unit, "budget", column),
                    second=self.get("表7", unit, "budget", column),
                    detail=str(_("as printed in 表3")),
                )

    def table11_categories(self) -> None:
        for unit in self.units_with("表11"):
            codes = sorted(
                {row for (t, u, row, _c) in self.figures if t == "表11" and u == unit and row != "budget"}
            )
            categories = [c for c in codes if len(c) == 1]
            for category in categories:
                items = [c for c in codes if len(c) > 1 and c.startswith(category)]
                label = self.labels[("表11", unit, category, "amount")]
                self.compare(
                    table="表11",
                    unit=unit,
                    item=f"{category} {label}",
                    found=self.get("表11", unit, category, "amount"),
                    expected=self.parts("表11", unit, items, "amount"),
                    detail=" + ".join(items),
                )
            self.compare(
                table="表11",
                unit=unit,
                item=str(_("unit total")),
                found=self.get("表11", unit, "budget", "amount"),
                expected=self.parts("表11", unit, categories, "amount"),
                detail=" + ".join(categories),
            )
        total = NOTHING
        for unit in self.units_with("表11"):
            total += self.get("表11", unit, "budget", "amount") or NOTHING
        self.compare(
            table="表11",
            unit=BUREAU,
            item=str(_("total")),
            found=self.get("表11", BUREAU, "budget", "amount"),
            expected=total,
            detail=str(_("sum of the unit rows")),
        )

    def table12_subtotals(self) -> None:
        columns = (
            "total",
            "abroad",
            "reception",
            "vehicle_subtotal",
            "vehicle_purchase",
            "vehicle_operation",
        )
        years = sorted({row for (t, _u, row, _c) in self.figures if t == "表12"})
        for year in years:
            for unit in [BUREAU, *self.units_with("表12")]:
                purchase = self.get("表12", unit, year, "vehicle_purchase")
                operation = self.get("表12", unit, year, "vehicle_operation")
                if purchase or operation:
                    self.compare(
                        table="表12",
                        unit=unit,
                        item=f"{year} {_('vehicles')}",
                        found=self.get("表12", unit, year, "vehicle_subtotal"),
                        expected=(purchase or NOTHING) + (operation or NOTHING),
                        detail=str(_("purchase + operation")),
                    )
                parts = [self.get("表12", unit, year, c) for c in ("abroad", "reception", "vehicle_subtotal")]
                if any(parts):
                    expected = NOTHING
                    for part in parts:
                        expected += part or NOTHING
                    self.compare(
                        table="表12",
                        unit=unit,
                        item=f"{year} {_('total')}",
                        found=self.get("表12", unit, year, "total"),
                        expected=expected,
                        detail=str(_("abroad + reception + vehicles")),
                    )
            for column in columns:
                total = NOTHING
                for unit in self.units_with("表12"):
                    total += self.get("表12", unit, year, column) or NOTHING
                self.compare(
                    table="表12",
                    unit=BUREAU,
                    item=f"{year} {label(column)}",
                    found=self.get("表12", BUREAU, year, column),
                    expected=total,
                    detail=str(_("sum of the unit rows")),
                )

    def text_part(self) -> None:
        """正文: unit totals by economic class, restated figures, and project amounts vs 表13."""
        for unit in self.units_with("正文"):
            parts = [
                self.get("正文", unit, "budget", c) for c in ("personnel", "public", "individual", "project")
            ]
            if any(parts):
                expected = NOTHING
                for part in parts:
                    expected += part or NOTHING
                self.compare(
                    table="正文",
                    unit=unit,
                    item=str(_("total")),
                    found=self.get("正文", unit, "budget", "total"),
                    expected=expected,
                    detail=str(_("personnel + public + individual + project")),
                )
            for (table, u, row, column), amount in list(self.figures.items()):
                if table == "正文" and u == unit and row == "budget-restated":
                    self.restated(
                        table="正文",
                        unit=unit,
                        item=label(column),
                        first=self.get("正文", unit, "budget", column),
                        second=printed(amount),
                        detail=str(_("stated twice in the text")),
                    )
            for column in ("total", "project"):
                self.restated(
                    table="表3/正文",
                    unit=unit,
                    item=label(column),
                    first=self.get("表3", unit, "budget", column),
                    second=self.get("正文", unit, "budget", column),
                    detail=str(_("as printed in 表3")),
                )
        for (table, unit, row, column), _amount in sorted(self.figures.items(), key=lambda kv: str(kv[0])):
            if table != "表13" or column != "total":
                continue
            self.restated(
                table="表13/正文",
                unit=unit,
                item=row,
                first=self.get("表13", unit, row, "total"),
                second=self.get("正文", unit, row, "amount"),
                detail=str(_("as printed in 表13")),
            )

    def projects_against_lines(self) -> None:
        """Each project's exact amount (yuan) against its printed 表13 figure."""
        printed_rows = {
            (unit, row) for (t, unit, row, column) in self.figures if t == "表13" and column == "total"
        }
        if not printed_rows:
            return
        projects = Project.objects.filter(budget__cycle=self.cycle).values_list(
            "budget__unit__code", "name", "fiscal_amount", "other_amount"
        )
        for unit, name, fiscal, other in projects:
            if (unit, name) in printed_rows:
                self.compare(
                    table="表13",
                    unit=unit,
                    item=name,
                    found=self.get("表13", unit, name, "total"),
                    expected=from_lines([fiscal + other]),
                    detail=str(_("the project's amount in yuan")),
                )

    def table3_against_lines(self) -> None:
        """Each unit's 表3 row against the totals computed from the application's lines."""
        units = self.units_with("表3")
        if not units:
            return
        columns: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
        in_cycle = {"budget__cycle": self.cycle, "budget__unit__code__in": units}
        for unit, amount in BasicExpenditureLine.objects.filter(**in_cycle).values_list(
            "budget__unit__code", "amount"
        ):
            columns[unit]["basic"].append(amount)
        for unit, fiscal, other in Project.objects.filter(**in_cycle).values_list(
            "budget__unit__code", "fiscal_amount", "other_amount"
        ):
            columns[unit]["project"].append(fiscal + other)
        for unit, carried, amount, sme, small in ProcurementLine.objects.filter(**in_cycle).values_list(
            "budget__unit__code", "carried_over", "amount", "sme_amount", "small_micro_amount"
        ):
            if carried:
                columns[unit]["carried_over"].append(amount)
            else:
                columns[unit]["procurement"].append(amount)
                columns[unit]["sme"].append(sme - small)  # 2020 prints SMEs other than small/micro
                columns[unit]["small_micro"].append(small)
        for unit in units:
            computed = {
                column: from_lines(columns[unit][column])
                for column in ("basic", "project", "procurement", "sme", "small_micro", "carried_over")
            }
            computed["total"] = computed["basic"] + computed["project"]
            for column, expected in computed.items():
                self.compare(
                    table="表3",
                    unit=unit,
                    item=label(column),
                    found=self.get("表3", unit, "budget", column),
                    expected=expected if expected.value else None,
                    detail=str(_("computed from the lines")),
                )


# Checks of the apps above (the disclosure workbook's own: income = expenditure, targets of 表13
# projects …) register here, so that the bureau page and the workbook's check sheet report the
# same findings from one list.
_CYCLE_CHECKS: list = []
_STAMPS: list = []


def register_cycle_check(check, *, stamp=None) -> None:
    """``check(cycle) -> list[Finding]``, run by :func:`check_cycle` after the checks here;
    ``stamp() -> {name: expression}`` adds to :func:`data_stamp` what that check reads."""
    if check not in _CYCLE_CHECKS:
        _CYCLE_CHECKS.append(check)
    if stamp is not None and stamp not in _STAMPS:
        _STAMPS.append(stamp)


def _checks(cycle: BudgetCycle) -> list[Finding]:
    return Checker(cycle).run() + [finding for check in _CYCLE_CHECKS for finding in check(cycle)]


# --- The findings of a settled cycle, kept ---------------------------------------------------
#
# Once a cycle is approved its figures change only through adjustments, yet the bureau page and
# every workbook export ran the whole check again. For a settled cycle the findings are kept in
# the cache beside two things, and computed again when either changes:
# - a *stamp* of the data they were computed from, read from the database in one query on every
#   call: per table, in the cycle, the number of rows, the highest id and the sums of the
#   amounts, and the newest history entry of every budget model. It sees every write, from any
#   process, an ``update()`` of an amount or a ``bulk_create`` included;
# - a *generation*, bumped in the cache on every save or delete of a model the checks read
#   (units, codes, published figures, lines, targets: the apps of WATCHED_APPS), which covers
#   what the stamp does not count: a unit or code renamed, a figure moved to another row.
# With Redis (production) the generation is shared by every process; with the local memory cache
# (development, tests) only by the process that saved, the stamp by all. CACHE_SECONDS bounds
# what could still escape both (a translation changed, a rename while Redis was unreachable).
#
# The cache is an optimisation only: when its backend is unreachable the findings are computed
# (a warning is logged) and a save never fails for it.
#
# The same rule keeps other figures of a cycle read from the same tables (``kept``): the HQ
# dashboard's counts and sums (approvals/selectors.py), in every state of the cycle: a step
# of the workflow saves its item (a new version, a history entry, the generation bumped), so
# the next view computes them again.

logger = logging.getLogger(__name__)

SETTLED_STATES = frozenset({"approved", "published", "execution", "closed"})
CACHE_SECONDS = 600
WATCHED_APPS = frozenset({"core", "budgets", "performance", "disclosure"})
# Rows written by sending mail and reading the inbox: no check reads them.
UNWATCHED_MODELS = frozenset({"core.outboxmessage", "core.notification", "core.event", "core.eventcomment"})
GENERATION_KEY = "budgets.consistency:generation"
CACHE_ERRORS = (redis.RedisError, OSError)


def per_cycle(model, path: str, **aggregates) -> dict:
    """One subquery of ``model``'s rows in the cycle (``path`` leads from the model to it): its
    aggregates as one text ("733,2199,2079759.35"), so that the rows are read once, not once per
    aggregate (the stamp read every line of the cycle some forty times on every view)."""
    rows = model.objects.filter(**{path: OuterRef("pk")}).order_by().values(path)
    texts: list = []
    for aggregate in aggregates.values():
        texts += [Value(","), Cast(aggregate, CharField())] if texts else [Cast(aggregate, CharField())]
    value = Concat(*texts, output_field=CharField()) if len(texts) > 1 else texts[0]
    name = f"{model._meta.label_lower}.{'/'.join(aggregates)}"
    return {name: Subquery(rows.annotate(value=value).values("value")[:1])}


def _latest_history(model) -> Subquery:
    return Subquery(model.history.model.objects.order_by("-history_id").values("history_id")[:1])


def _stamp_parts() -> dict:
    money = {"n": Count("id"), "last": Max("id")}
    parts = {
        **per_cycle(PublishedFigure, "cycle", **money, sum=Sum("amount")),
        **per_cycle(UnitBudget, "cycle", **money, versions=Sum("version")),
        **per_cycle(BasicExpenditureLine, "budget__cycle", **money, sum=Sum("amount")),
        **per_cycle(
            Project,
            "budget__cycle",
            **money,
            versions=Sum("version"),
            fiscal=Sum("fiscal_amount"),
            other=Sum("other_amount"),
        ),
        **per_cycle(ProjectSubItem, "project__budget__cycle", **money, sum=Sum("amount")),
        **per_cycle(ProjectFunctionalPart, "budget__cycle", **money, sum=Sum("amount")),
        **per_cycle(
            ProcurementLine,
            "budget__cycle",
            **money,
            sum=Sum("amount"),
            sme=Sum("sme_amount"),
            small=Sum("small_micro_amount"),
        ),
        **per_cycle(ThreePublicExpense, "budget__cycle", **money),
    }
    for model in (UnitBudget, BasicExpenditureLine, Project, ProjectSubItem, ProjectFunctionalPart,
                  ProcurementLine, ThreePublicExpense):  # fmt: skip
        parts[f"{model._meta.label_lower}.history"] = _latest_history(model)
    for stamp in _STAMPS:
        parts.update(stamp())
    return parts


# The stamp's query has a subquery per table: building its SQL costs more than running it, so it
# is built once per cycle and process, then run as it is.
_STAMP_SQL: dict[int, tuple[str, tuple]] = {}


def data_stamp(cycle: BudgetCycle) -> tuple:
    """What the findings of ``cycle`` depend on, in one query (see above)."""
    compiled = _STAMP_SQL.get(cycle.pk)
    if compiled is None:
        parts = _stamp_parts()
        aliases = {f"s{i}": expression for i, expression in enumerate(parts.values())}
        query = (
            BudgetCycle.objects.filter(pk=cycle.pk)
            .annotate(**aliases)
            .values_list("state", "disclosure_format", "procurement_catalogue_id", *aliases)
        )
        compiled = _STAMP_SQL[cycle.pk] = query.query.sql_with_params()
    with connections[BudgetCycle.objects.db].cursor() as cursor:
        cursor.execute(*compiled)
        row = cursor.fetchone()
    if row is None:
        raise BudgetCycle.DoesNotExist(cycle.pk)
    return tuple(row)


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, None)


def _bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not in the cache (yet, or evicted): any new value differs from a kept one
            cache.set(GENERATION_KEY, time.time_ns(), None)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, generation of the consistency findings not bumped: %s", exc)


def bump_generation(sender, **kwargs) -> None:
    """Receiver of post_save / post_delete / m2m_changed (connected in apps.py). Bumped at once
    (this transaction reads its own writes) and again on commit: another process may have kept
    findings of the data before the commit in between."""
    if sender._meta.app_label not in WATCHED_APPS or sender._meta.label_lower in UNWATCHED_MODELS:
        return
    _bump()
    transaction.on_commit(_bump, using=kwargs["using"])


@dataclass(frozen=True)
class CycleFigures:
    """What the bureau overview shows of a cycle, computed and kept together: every finding and
    each unit budget's totals (``selectors.budget_totals``: by budget id, ``TOTAL_FIELDS``)."""

    findings: list[Finding]
    totals: dict[int, dict[str, Decimal]]


def _figures(cycle: BudgetCycle) -> CycleFigures:
    return CycleFigures(_checks(cycle), budget_totals(UnitBudget.objects.filter(cycle=cycle)))


def kept(cycle: BudgetCycle, name: str, compute):
    """``compute()``, kept in the cache while the cycle's data stays the same: the stamp and the
    generation above, the one rule of what the kept figures of a cycle depend on (the bureau
    overview's findings and totals, the dashboard's counts and sums). Whatever the cycle's state;
    computed afresh, never an error, when the cache is unreachable."""
    key = f"budgets.consistency:{name}:{cycle.pk}:{get_language()}"
    try:
        generation = _generation()
        value = cache.get(key)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, %s computed afresh: %s", name, exc)
        return compute()
    stamp = (generation, data_stamp(cycle))
    if value is not None and value[0] == stamp:
        return value[1]
    result = compute()
    try:
        cache.set(key, (stamp, result), CACHE_SECONDS)
    except CACHE_ERRORS as exc:
        logger.warning("cache unavailable, %s not kept: %s", name, exc)
    return result


def cycle_figures(cycle: BudgetCycle) -> CycleFigures:
    """The findings and the unit totals of the cycle; a settled cycle's are kept while its data
    stays the same (the totals are sums of the lines the checks read: the same stamp and the same
    generation see every change of them)."""
    if cycle.state not in SETTLED_STATES:
        return _figures(cycle)
    figures = kept(cycle, "figures", lambda: _figures(cycle))
    return CycleFigures(list(figures.findings), figures.totals)


def check_cycle(cycle: BudgetCycle) -> list[Finding]:
    """Every finding of the cycle; a settled cycle's are kept while its data stays the same."""
    if cycle.state not in SETTLED_STATES:
        return _checks(cycle)
    return cycle_figures(cycle).findings
