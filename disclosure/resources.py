"""django-import-export resources: one per kind of budget line, one sheet each in the workbook.

Column headers are the Chinese labels of the template (a file format, not UI text). Every row
names its unit by code; codes are looked up in dictionaries read once per import. A widget that
cannot read a cell raises ``ValueError`` with a message in the user's language, which
import-export reports against that cell's column.

A resource is built for one cycle and, optionally, one unit (a branch user's import, or
``--unit``): a row of any other unit is refused.

The indicators sheet (disclosure/indicator_resource.py) follows these; ``disclosure.kinds`` lists them all.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import ModelInstanceLoader

from budgets.adjustments import is_adjustable
from budgets.catalogue import resolve_item
from budgets.models import (
    ZERO,
    BasicExpenditureLine,
    BudgetCycle,
    EconomicCode,
    FunctionalCode,
    FundingSource,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ProjectFunctionalPart,
    ProjectSubItem,
    ThreePublicExpense,
    UnitBudget,
)
from core import policy
from core.models import Unit

from .workbook.tables_2020 import FUND_USE_LABELS, PROJECT_TYPE_LABELS

UNIT = "单位代码"
YES, NO = "是", "否"


class Lookups:
    """The codes an import may refer to, read once."""

    def __init__(self, cycle: BudgetCycle, scope: Unit | None, user=None) -> None:
        self.cycle = cycle
        self.scope = scope
        # Who imports: every row is checked with ``policy.can_change`` for them. ``None`` is the
        # command line (an administrator on the server), still held to the workflow's states.
        self.user = user
        # The budgets and projects whose lines the import changed: their version goes up once.
        self.touched: dict[type, set[int]] = {}
        self.units = {u.code: u for u in Unit.objects.all()}
        self.functional = {c.code: c for c in FunctionalCode.objects.all()}
        self.economic = {c.code: c for c in EconomicCode.objects.all()}
        self.funding = {f.code: f for f in FundingSource.objects.prefetch_related("children")}
        self.funding_by_pk = {f.pk: f for f in self.funding.values()}
        self.items = {
            i.code: i for i in ProcurementItem.objects.filter(catalogue=cycle.procurement_catalogue)
        }
        self.categories = {c.name: c for c in ProjectCategory.objects.all()}
        self._budgets: dict[str, UnitBudget] = {}
        self._projects: dict[tuple[str, str], Project] | None = None
        # Where the row being read is (sheet, Excel row), for the warnings its cells give.
        self.position: tuple[str, int | None] = ("", None)
        # (sheet, row, column, message) of what was imported but should be checked, in order.
        self.warnings: dict[tuple[str, int | None, str, str], None] = {}
        # The project rows of the file that failed, by (unit code, name as a key): their Excel
        # row, so that a line naming such a project points at it.
        self.failed_projects: dict[tuple[str, str], int | None] = {}

    def warn(self, column: str, message: str) -> None:
        sheet, row = self.position
        self.warnings[(sheet, row, column, message)] = None

    def unit_code(self, text: str) -> str:
        """A unit written as its code, its name or "code name"."""
        try:
            return resolve_code(self.units, " ".join(text.split()), _("unit")).code
        except ValueError as exc:
            if text in self.units or text.partition(" ")[0] in self.units:
                raise
            raise ValueError(_("Unknown unit code “%(code)s”.") % {"code": text}) from exc

    def leaves_under(self, source: FundingSource) -> list[FundingSource]:
        """The leaves of the funding-source tree under ``source``, in their order."""
        parents = {f.parent_id for f in self.funding.values()}
        below = {source.pk}
        leaves = []
        for candidate in sorted(self.funding.values(), key=lambda f: f.sort_order):
            if candidate.parent_id in below:
                below.add(candidate.pk)
                if candidate.pk not in parents:
                    leaves.append(candidate)
        return leaves

    def leaf_sources(self) -> list[FundingSource]:
        return [f for f in sorted(self.funding.values(), key=lambda f: f.sort_order) if f.is_leaf]

    def item(self, text: str, column: str = "") -> ProcurementItem:
        """What a procurement line's item cell means. A code, a name or "code name" of the
        cycle's catalogue is its item; anything else is a code for ``budgets.catalogue.resolve_item``
        (the one rule): a well-formed code the catalogue lacks is imported as an unlisted item,
        with a warning; a malformed one is refused."""
        what = _("procurement catalogue item")
        head, _sep, rest = text.partition(" ")
        try:
            entry = resolve_code(self.items, text, what)
        except ValueError:
            if head in self.items or any(i.name == text for i in self.items.values()):
                raise  # a known code with another name, or a name shared by several codes
            entry = None
        code = entry.code if entry is not None else head
        try:
            item, warning = resolve_item(
                catalogue=self.cycle.procurement_catalogue, code=code, create=True, name=rest.strip()
            )
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        self.items.setdefault(item.code, item)
        if warning:
            self.warn(column, warning)
        return item

    def project(self, unit_code: str, name: str) -> Project | None:
        """The project of the cycle named ``name`` in the unit: the cycle's projects are read once,
        on the first row that names one; a project the file's own 项目 sheet created since is read
        when first named. A name not found is asked again each time (it may be created later)."""
        if self._projects is None:
            projects = Project.objects.filter(budget__cycle=self.cycle).select_related("budget__unit")
            if self.scope is not None:
                projects = projects.filter(budget__unit=self.scope)
            self._projects = {(p.budget.unit.code, p.name): p for p in projects}
        key = (unit_code, name)
        if key not in self._projects:
            project = Project.objects.filter(
                budget__cycle=self.cycle, budget__unit__code=unit_code, name=name
            ).first()
            if project is None:
                return None
            self._projects[key] = project
        return self._projects[key]

    def budget(self, code: str) -> UnitBudget:
        if code not in self._budgets:
            self._budgets[code], _created = UnitBudget.objects.get_or_create(
                cycle=self.cycle, unit=self.units[code]
            )
        return self._budgets[code]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def key_text(value) -> str:
    """A cell as a key compares it: full-width letters, digits and spaces as half-width, runs of
    spaces as one, no outer spaces (“宝安　分局 ” is “宝安 分局”)."""
    return " ".join(unicodedata.normalize("NFKC", _text(value)).split())


# -- widgets ---------------------------------------------------------------------------------


class BudgetWidget(widgets.Widget):
    """单位代码 → the unit's budget in the import's cycle (created when the unit has none yet)."""

    def __init__(self, lookups: Lookups) -> None:
        super().__init__()
        self.lookups = lookups

    def unit_code_of(self, value) -> str:
        """The unit a 单位代码 cell names (blank: the import's unit), within the import's scope."""
        code = _text(value)
        scope = self.lookups.scope
        if not code and scope is not None:
            code = scope.code
        if not code:
            raise ValueError(_("The unit code is required."))
        code = self.lookups.unit_code(code)
        if scope is not None and code != scope.code:
            raise ValueError(
                _("This import is for %(unit)s only; the row is for “%(code)s”.")
                % {"unit": scope.name, "code": code}
            )
        return code

    def clean(self, value, row=None, **kwargs):
        return self.lookups.budget(self.unit_code_of(value))

    def render(self, value, obj=None, **kwargs):
        return value.unit.code if value else ""


def resolve_code(codes: dict, text: str, what: str):
    """The entry of ``codes`` that ``text`` names: its code, its exact name, or "code name" (what
    a drop-down of "code name" gives). A name shared by several codes is refused, naming them."""
    if text in codes:
        return codes[text]
    head, _sep, rest = text.partition(" ")
    rest = rest.strip()
    if rest and head in codes:
        entry = codes[head]
        if getattr(entry, "name", None) == rest:
            return entry
        raise ValueError(
            _("“%(value)s”: the %(what)s %(code)s is “%(name)s”.")
            % {"value": text, "what": what, "code": head, "name": getattr(entry, "name", "")}
        )
    named = [(key, entry) for key, entry in codes.items() if getattr(entry, "name", None) == text]
    if len(named) == 1:
        return named[0][1]
    if named:
        raise ValueError(
            _("“%(value)s” names several %(what)s codes: %(codes)s. Write the code.")
            % {"value": text, "what": what, "codes": "、".join(f"{key} {text}" for key, _entry in named)}
        )
    raise ValueError(_("Unknown %(what)s “%(code)s”.") % {"what": what, "code": text})


class CodeWidget(widgets.Widget):
    """A classification code, its name or "code name", looked up in a dictionary; blank allowed
    unless ``required``."""

    def __init__(self, codes: dict, what: str, required: bool = False, sheet: str = "") -> None:
        super().__init__()
        self.codes = codes
        self.what = what
        self.required = required
        # The 代码-… sheet of the template whose drop-down this column offers.
        self.sheet = sheet

    def clean(self, value, row=None, **kwargs):
        code = " ".join(_text(value).split())
        if not code:
            if self.required:
                raise ValueError(_("The %(what)s is required.") % {"what": self.what})
            return None
        return self.check(resolve_code(self.codes, code, self.what))

    def check(self, entry):
        return entry

    def render(self, value, obj=None, **kwargs):
        return getattr(value, "code", None) or getattr(value, "name", "") if value else ""


class FundingSourceWidget(CodeWidget):
    """A funding source: one leaf of the tree (DOMAIN §9), never a group such as 一般公共预算拨款."""

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups.funding, _("funding source"), sheet="代码-资金来源")
        self.lookups = lookups

    def check(self, entry):
        if entry.is_leaf:
            return entry
        raise ValueError(
            _("“%(name)s” is a group of funding sources; write one of its parts: %(leaves)s.")
            % {
                "name": entry.name,
                "leaves": "、".join(leaf.name for leaf in self.lookups.leaves_under(entry)),
            }
        )


class ItemWidget(CodeWidget):
    """A procurement catalogue item of the cycle's catalogue: resolved in one place,
    ``Lookups.item``."""

    column = "采购品目编码"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups.items, _("procurement catalogue item"), sheet="代码-采购品目")
        self.lookups = lookups

    def clean(self, value, row=None, **kwargs):
        text = " ".join(_text(value).split())
        return self.lookups.item(text, column=self.column) if text else None


class AmountWidget(widgets.Widget):
    """An amount in yuan: a number with at most two decimals, never negative, never text."""

    def __init__(self, required: bool = True) -> None:
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValueError(_("An amount is required."))
            return ZERO
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
        try:
            amount = Decimal(str(value).replace(",", "").strip())
        except InvalidOperation as exc:
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value}) from exc
        if not amount.is_finite():
            raise ValueError(_("“%(value)s” is not an amount.") % {"value": value})
        if amount < 0:
            raise ValueError(_("An amount cannot be negative (%(value)s).") % {"value": value})
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(_("An amount has at most two decimals (fen): %(value)s.") % {"value": value})
        return amount.quantize(Decimal("0.01"))

    def render(self, value, obj=None, **kwargs):
        return value


class OptionalAmountWidget(AmountWidget):
    def __init__(self) -> None:
        super().__init__(required=False)

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return super().clean(value, row=row, **kwargs)


@dataclass(frozen=True)
class Choice:
    """A choice as ``resolve_code`` reads it: its stored value as the code, its Chinese label as
    the name."""

    code: str
    name: str


class LabelWidget(widgets.Widget):
    """A choice written as its printed Chinese label (一般性项目支出), its stored value or "value
    label", through ``resolve_code``. The labels are the Chinese ones whatever the language of
    whoever imports (a file format): a model's translated choices are read in Chinese."""

    def __init__(self, labels: dict, what: str, sheet: str = "") -> None:
        super().__init__()
        self.sheet = sheet
        with translation.override("zh-hans"):
            self.choices = {str(k): Choice(str(k), str(v)) for k, v in labels.items()}
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = " ".join(_text(value).split())
        if not text:
            return next(iter(self.choices))
        try:
            return resolve_code(self.choices, text, self.what).code
        except ValueError as exc:
            raise ValueError(
                _("Unknown %(what)s “%(value)s”; use one of: %(choices)s.")
                % {
                    "what": self.what,
                    "value": text,
                    "choices": "、".join(c.name for c in self.choices.values()),
                }
            ) from exc

    def render(self, value, obj=None, **kwargs):
        choice = self.choices.get(str(value))
        return choice.name if choice else value


class DateCellWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None or _text(value) == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value).replace("/", "-").replace(".", "-")
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in {"", NO, "n", "no", "false", "0"}:
            return False
        if text in {YES, "y", "yes", "true", "1"}:
            return True
        raise ValueError(_("Write 是 or 否, not “%(value)s”.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class IntWidget(widgets.Widget):
    def __init__(self, what: str, default: int | None = 0) -> None:
        super().__init__()
        self.what = what
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            if self.default is None:
                raise ValueError(_("The %(what)s is required.") % {"what": self.what})
            return self.default
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from exc
        if number != number.to_integral() or number < 0:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class ProjectWidget(widgets.Widget):
    """项目名称 → the project of the row's unit with that name (imported earlier in the file, or
    already in the database)."""

    def __init__(self, lookups: Lookups, required: bool) -> None:
        super().__init__()
        self.lookups = lookups
        self.required = required

    def clean(self, value, row=None, **kwargs):
        name = _text(value)
        if not name:
            if self.required:
                raise ValueError(_("The project name is required."))
            return None
        unit = _text((row or {}).get(UNIT)) or (self.lookups.scope.code if self.lookups.scope else "")
        unit = self.lookups.unit_code(unit)
        project = self.lookups.project(unit, name)
        if project is None:
            failed = (unit, key_text(name))
            if failed in self.lookups.failed_projects:
                raise ValueError(
                    _(
                        "The project “%(name)s” is not imported: its row %(row)s on the sheet 项目 has an error."
                    )
                    % {"name": name, "row": self.lookups.failed_projects[failed]}
                )
            raise ValueError(
                _("No project “%(name)s” in %(unit)s: add it on the sheet 项目 or check its name.")
                % {"name": name, "unit": unit}
            )
        return project

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


# -- resources ------------------------------------------------------------------------------


class TolerantLoader(ModelInstanceLoader):
    """Looks rows up by their natural key; a key that does not clean (an unknown code) means a
    new row, so that the bad cell is reported against its column by ``import_instance``.

    A resource that names its existing rows in the import's cycle and scope (``existing_rows``)
    has them read once, by that key, instead of one query per row of the sheet. A row created by
    the sheet is not looked up again: a key seen twice in the file is refused before any lookup
    (``BudgetResource.before_import_row``)."""

    def __init__(self, resource, dataset=None) -> None:
        super().__init__(resource, dataset)
        self._existing: dict[tuple, object] | None = None

    def get_instance(self, row):
        if self._existing is None:
            rows = self.resource.existing_rows()
            if rows is None:
                try:
                    return super().get_instance(row)
                except ValueError:
                    return None
            self._existing = {self.key_of(obj): obj for obj in rows}
        try:
            key = tuple(_key_value(self.resource.fields[name].clean(row)) for name in self.id_fields)
        except ValueError:
            return None
        return self._existing.get(key)

    @property
    def id_fields(self) -> list[str]:
        return self.resource.get_import_id_fields()

    def key_of(self, obj) -> tuple:
        meta = self.resource._meta.model._meta
        return tuple(
            getattr(obj, meta.get_field(self.resource.fields[name].attribute).attname)
            for name in self.id_fields
        )


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value


class BudgetResource(resources.ModelResource):
    """Base: built with the import's lookups; refuses a natural key seen twice in the file."""

    sheet: str = ""
    title: str = ""
    notes: dict[str, str] = {}
    # Whether ``full_clean`` checks the model's constraints on each row (a query each).
    check_constraints: bool = True

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self._seen: dict[tuple, int] = {}
        # Excel row number of each data row, set by the importer so messages can name rows.
        self.excel_rows: list[int] = []
        super().__init__()

    def key_part(self, name: str, row):
        """One part of a row's natural key as the import reads it: what the cell names (the same
        code whether written as its code or its name), or, when it names nothing, its text with
        spaces and full-width characters normalised."""
        field = self.fields[name]
        try:
            value = field.clean(row)
        except (ValueError, ValidationError, ObjectDoesNotExist):
            return ("text", key_text(row.get(field.column_name)))
        if isinstance(value, str):
            return ("text", key_text(value))
        return ("value", getattr(value, "pk", value))

    def key_of(self, row) -> tuple:
        return tuple(self.key_part(name, row) for name in self.get_import_id_fields())

    def excel_row(self, number: int | None) -> int | None:
        if number and number <= len(self.excel_rows):
            return self.excel_rows[number - 1]
        return number

    def sheet_refusal(self) -> str:
        """Why no row of this sheet may be imported now (a rule about the whole sheet), or ""."""
        return ""

    def existing_rows(self):
        """The rows of the import's cycle and scope a row of the sheet may update, read once by the
        loader (``TolerantLoader``); ``None``: each row is looked up on its own."""
        return None

    def import_row(self, row, instance_loader, **kwargs):
        self.lookups.position = (self.sheet, self.excel_row(kwargs.get("row_number")))
        result = super().import_row(row, instance_loader, **kwargs)
        if result.is_invalid() or result.is_error():
            self.row_failed(row, self.lookups.position[1])
        return result

    def row_failed(self, row, number: int | None) -> None:
        """A row was not imported (its errors are reported); rows of other sheets may refer to it."""

    def before_import_row(self, row, **kwargs):
        key = self.key_of(row)
        number = self.excel_row(kwargs.get("row_number"))
        if key in self._seen:
            name_field = self.get_import_id_fields()[-1]
            raise ValidationError(
                {
                    self.fields[name_field].attribute: _("Duplicate row: the same %(key)s as row %(first)s.")
                    % {"key": self.key_label(row), "first": self._seen[key]}
                }
            )
        self._seen[key] = number

    def key_label(self, row) -> str:
        texts = (_text(row.get(self.fields[name].column_name)) for name in self.get_import_id_fields())
        return " / ".join(text for text in texts if text)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The rule of the web form (``policy.can_change``): the unit's own preparer or head, while
        the item is a draft or returned. Approved items change through a budget adjustment."""
        errors = dict(import_validation_errors or {})
        message = self._refusal(instance)
        if message:
            errors.setdefault(NON_FIELD_ERRORS, []).append(message)
        # The model's own rules, except for cells already reported and for fields the row does
        # not hold itself (derived from a cell: that cell's error says it once).
        try:
            instance.full_clean(
                exclude=set(errors) | self.clean_exclude(instance),
                validate_unique=validate_unique,
                validate_constraints=self.check_constraints,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def clean_exclude(self, instance) -> set[str]:
        """Model fields ``full_clean`` leaves alone for this row."""
        return set()

    def _refusal(self, instance) -> str:
        for holder in (instance, getattr(instance, "project", None), getattr(instance, "budget", None)):
            if holder is not None and getattr(holder, "is_locked", False):
                if is_adjustable(instance):
                    return _("“%(item)s” is approved: change it through a budget adjustment.") % {
                        "item": holder
                    }
                return _("“%(item)s” is approved: this sheet's rows no longer change.") % {"item": holder}
        # A row without a state of its own (an indicator) follows its project's.
        subjects = [instance]
        if getattr(type(instance), "access_state_path", None) is None and getattr(instance, "project", None):
            subjects.append(instance.project)
        user = self.lookups.user
        for subject in subjects:
            try:
                allowed = (
                    policy.can_change(user, subject) if user is not None else policy.editable_state(subject)
                )
            except ObjectDoesNotExist:  # no budget or project: that cell's own error says so
                return ""
            if not allowed:
                return _(
                    "“%(item)s” cannot be changed by this import: only its unit's preparer or head may "
                    "change a draft or a returned item."
                ) % {"item": subject}
        return ""

    def save_instance(self, instance, is_create, row, **kwargs):
        """Each changed row is a new version of what it belongs to, recorded as the importer's."""
        user = self.lookups.user
        if user is not None:
            instance._history_user = user
        if not is_create and hasattr(instance, "version"):
            instance.version += 1
        super().save_instance(instance, is_create, row, **kwargs)
        path = getattr(type(instance), "access_state_path", None) or ""
        holder = getattr(instance, path.split("__")[0], None) if "__" in path else None
        if holder is not None and hasattr(holder, "version"):
            self.lookups.touched.setdefault(type(holder), set()).add(holder.pk)

    class Meta:
        instance_loader_class = TolerantLoader
        skip_diff = True
        clean_model_instances = True
        use_transactions = True


def _field(attribute: str | None, column: str, widget) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widget, saves_null_values=True)


class BasicLineResource(BudgetResource):
    sheet = "基本支出"
    title = "基本支出明细 Basic expenditure lines"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "functional_code": _field(
                "functional_code",
                "功能科目编码",
                CodeWidget(lookups.functional, _("functional code"), sheet="代码-功能科目"),
            ),
            "economic_code": _field(
                "economic_code",
                "经济科目编码",
                CodeWidget(lookups.economic, _("economic code"), sheet="代码-经济科目"),
            ),
            "funding_source": _field("funding_source", "资金来源代码", FundingSourceWidget(lookups)),
            "amount": _field("amount", "金额（元）", AmountWidget()),
            "note": _field("note", "备注", TextWidget()),
        }

    class Meta(BudgetResource.Meta):
        model = BasicExpenditureLine
        import_id_fields = ["budget", "functional_code", "economic_code", "funding_source"]
        fields = ["budget", "functional_code", "economic_code", "funding_source", "amount", "note"]


class ProjectResource(BudgetResource):
    sheet = "项目"
    title = "项目支出 Projects"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "name": _field("name", "项目名称", TextWidget()),
            "category": _field(
                "category",
                "一级项目",
                CodeWidget(lookups.categories, _("project category"), sheet="代码-一级项目"),
            ),
            "project_type": _field(
                "project_type",
                "项目类型",
                LabelWidget(PROJECT_TYPE_LABELS, _("project type"), sheet="代码-项目类型"),
            ),
            "use_of_funds": _field(
                "use_of_funds",
                "资金用途",
                LabelWidget(FUND_USE_LABELS, _("use of funds"), sheet="代码-资金用途"),
            ),
            "start_date": _field("start_date", "计划开始日期", DateCellWidget()),
            "end_date": _field("end_date", "计划完成日期", DateCellWidget()),
            "total_amount": _field("total_amount", "项目总金额（元）", AmountWidget()),
            "fiscal_amount": _field("fiscal_amount", "财政拨款（元）", AmountWidget(required=False)),
            "other_amount": _field("other_amount", "其他资金（元）", AmountWidget(required=False)),
            "functional_code": _field(
                "functional_code",
                "功能科目编码",
                CodeWidget(lookups.functional, _("functional code"), sheet="代码-功能科目"),
            ),
            "funding_source": _field("funding_source", "资金来源代码", FundingSourceWidget(lookups)),
            "asset_purchase_amount": _field(
                "asset_purchase_amount", "固定资产采购金额（元）", AmountWidget(required=False)
            ),
            "asset_catalogue": _field("asset_catalogue", "资产采购品目", TextWidget()),
            "background": _field("background", "项目背景", TextWidget()),
            "content": _field("content", "项目内容", TextWidget()),
            "scope": _field("scope", "项目范围", TextWidget()),
            "purpose": _field("purpose", "项目用途", TextWidget()),
            "midterm_goal": _field("midterm_goal", "项目总(中期)目标", TextWidget()),
            "annual_goal": _field("annual_goal", "年度绩效目标", TextWidget()),
            "last_year_amount": _field("last_year_amount", "上年金额（元）", OptionalAmountWidget()),
            "change_reason": _field("change_reason", "增减原因", TextWidget()),
            "sort_order": _field("sort_order", "排序", IntWidget(_("order"))),
        }

    def before_import_row(self, row, **kwargs):
        if not _text(row.get("项目名称")):
            raise ValidationError({"name": _("The project name is required.")})
        super().before_import_row(row, **kwargs)

    def row_failed(self, row, number: int | None) -> None:
        try:
            unit = self.fields["budget"].clean(row).unit.code
        except ValueError:
            return  # the unit cell's own error says why
        self.lookups.failed_projects.setdefault((unit, key_text(row.get("项目名称"))), number)

    class Meta(BudgetResource.Meta):
        model = Project
        import_id_fields = ["budget", "name"]
        fields = [
            "budget", "name", "category", "project_type", "use_of_funds", "start_date", "end_date",
            "total_amount", "fiscal_amount", "other_amount", "functional_code", "funding_source",
            "asset_purchase_amount", "asset_catalogue", "background", "content", "scope", "purpose",
            "midterm_goal", "annual_goal", "last_year_amount", "change_reason", "sort_order",
        ]  # fmt: skip


class SubItemResource(BudgetResource):
    sheet = "项目明细"
    title = "项目明细 Project sub-items"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "unit": _field(None, UNIT, TextWidget()),
            "project": _field("project", "项目名称", ProjectWidget(lookups, required=True)),
            "name": _field("name", "明细名称", TextWidget()),
            "amount": _field("amount", "金额（元）", AmountWidget()),
            "description": _field("description", "说明", TextWidget()),
            "sort_order": _field("sort_order", "排序", IntWidget(_("order"))),
            "functional_code": _field(
                "functional_code",
                "功能科目编码",
                CodeWidget(lookups.functional, _("functional code"), sheet="代码-功能科目"),
            ),
        }

    def dehydrate_unit(self, obj) -> str:
        return obj.project.budget.unit.code

    class Meta(BudgetResource.Meta):
        model = ProjectSubItem
        import_id_fields = ["project", "name"]
        fields = ["unit", "project", "name", "amount", "description", "sort_order", "functional_code"]


class ProcurementResource(BudgetResource):
    sheet = "政府采购"
    title = "政府采购 Procurement"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "item": _field("item", "采购品目编码", ItemWidget(lookups)),
            "project": _field("project", "项目名称", ProjectWidget(lookups, required=False)),
            "description": _field("description", "说明", TextWidget()),
            "amount": _field("amount", "金额（元）", AmountWidget()),
            "sme_amount": _field("sme_amount", "面向中小企业（元）", AmountWidget(required=False)),
            "small_micro_amount": _field(
                "small_micro_amount", "面向小型微型企业（元）", AmountWidget(required=False)
            ),
            "carried_over": _field("carried_over", "待支付以前年度采购", YesNoWidget()),
        }

    class Meta(BudgetResource.Meta):
        model = ProcurementLine
        import_id_fields = ["budget", "item", "project", "carried_over"]
        fields = [
            "budget",
            "item",
            "project",
            "description",
            "amount",
            "sme_amount",
            "small_micro_amount",
            "carried_over",
        ]


class ThreePublicResource(BudgetResource):
    sheet = "三公经费"
    title = "“三公”经费 Three public expenses"

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "year": _field("year", "年度", IntWidget(_("year"), default=None)),
            "abroad": _field("abroad", "因公出国(境)费（元）", AmountWidget(required=False)),
            "reception": _field("reception", "公务接待费（元）", AmountWidget(required=False)),
            "vehicle_purchase": _field(
                "vehicle_purchase", "公务用车购置费（元）", AmountWidget(required=False)
            ),
            "vehicle_operation": _field(
                "vehicle_operation", "公务用车运行维护费（元）", AmountWidget(required=False)
            ),
            "change_reason": _field("change_reason", "变动原因", TextWidget()),
        }

    def before_import_row(self, row, **kwargs):
        year = _text(row.get("年度"))
        cycle_year = self.lookups.cycle.year
        if year and year not in {str(cycle_year), str(cycle_year - 1)}:
            raise ValidationError(
                {
                    "year": _("The year must be %(this)s or %(last)s.")
                    % {"this": cycle_year, "last": cycle_year - 1}
                }
            )
        super().before_import_row(row, **kwargs)

    class Meta(BudgetResource.Meta):
        model = ThreePublicExpense
        import_id_fields = ["budget", "year"]
        fields = [
            "budget",
            "year",
            "abroad",
            "reception",
            "vehicle_purchase",
            "vehicle_operation",
            "change_reason",
        ]


class FunctionalPartResource(BudgetResource):
    sheet = "项目支出功能科目"
    title = "项目支出功能科目 Project spending under another functional code"
    notes = {"金额（元）": "本单位项目支出中列入该功能科目、但未落到具体项目的部分"}

    def __init__(self, lookups: Lookups) -> None:
        super().__init__(lookups)
        self.fields = {
            "budget": _field("budget", UNIT, BudgetWidget(lookups)),
            "functional_code": _field(
                "functional_code",
                "功能科目编码",
                CodeWidget(lookups.functional, _("functional code"), required=True, sheet="代码-功能科目"),
            ),
            "amount": _field("amount", "金额（元）", AmountWidget()),
            "note": _field("note", "说明", TextWidget()),
        }

    class Meta(BudgetResource.Meta):
        model = ProjectFunctionalPart
        import_id_fields = ["budget", "functional_code"]
        fields = ["budget", "functional_code", "amount", "note"]


@dataclass(frozen=True)
class ImportKind:
    sheet: str
    resource: type[BudgetResource]
    queryset: object  # callable(cycle, unit) -> QuerySet, for the export of existing data


def _in_cycle(model, path: str = "budget"):
    def queryset(cycle: BudgetCycle, unit: Unit | None):
        qs = model.objects.filter(**{f"{path}__cycle": cycle})
        if unit is not None:
            qs = qs.filter(**{f"{path}__unit": unit})
        return qs.order_by(f"{path}__unit__sort_order", "id")

    return queryset


# In import order: a sub-item or a procurement line may name a project of the file.
KINDS: list[ImportKind] = [
    ImportKind(BasicLineResource.sheet, BasicLineResource, _in_cycle(BasicExpenditureLine)),
    ImportKind(ProjectResource.sheet, ProjectResource, _in_cycle(Project)),
    ImportKind(SubItemResource.sheet, SubItemResource, _in_cycle(ProjectSubItem, "project__budget")),
    ImportKind(ProcurementResource.sheet, ProcurementResource, _in_cycle(ProcurementLine)),
    ImportKind(ThreePublicResource.sheet, ThreePublicResource, _in_cycle(ThreePublicExpense)),
    ImportKind(FunctionalPartResource.sheet, FunctionalPartResource, _in_cycle(ProjectFunctionalPart)),
]
