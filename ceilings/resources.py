"""The expenditure standards as a spreadsheet (django-import-export): HQ imports a cycle's
standards from xlsx in the admin. Columns: 年度, 标准名称, 计算依据 (its code or its Chinese
name), 标准金额（元）, 经济分类 (code), 功能分类 (code, optional), 说明. A row is found again by
年度 and 标准名称, so a second import updates rather than duplicates."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from budgets.models import BudgetCycle, EconomicCode, FunctionalCode
from budgets.money import parse_amount

from .models import ExpenditureStandard, StandardBasis


class AmountWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise ValueError(_("Enter an amount in yuan: %(value)s") % {"value": value}) from exc

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BasisWidget(widgets.Widget):
    """A basis by its code or by its name in either language."""

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        for basis in StandardBasis:
            names = {basis.value}
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.add(str(basis.label))
            if text in names:
                return basis.value
        raise ValueError(_("Unknown basis: %(value)s") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return str(StandardBasis(value).label) if value else ""


class StandardResource(resources.ModelResource):
    cycle = fields.Field("cycle", "年度", widgets.ForeignKeyWidget(BudgetCycle, "year"))
    kind = fields.Field("kind", "标准名称")
    basis = fields.Field("basis", "计算依据", BasisWidget())
    amount = fields.Field("amount", "标准金额（元）", AmountWidget())
    economic_code = fields.Field("economic_code", "经济分类", widgets.ForeignKeyWidget(EconomicCode, "code"))
    functional_code = fields.Field(
        "functional_code", "功能分类", widgets.ForeignKeyWidget(FunctionalCode, "code")
    )
    note = fields.Field("note", "说明", widgets.CharWidget(allow_blank=True))

    class Meta:
        model = ExpenditureStandard
        import_id_fields = ("cycle", "kind")
        fields = ("cycle", "kind", "basis", "amount", "economic_code", "functional_code", "note")
        skip_unchanged = True
        report_skipped = False

    def import_data(self, dataset, **kwargs):
        # All or nothing, as the admin does it: one bad row and no row of the file is written.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)
