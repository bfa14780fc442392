"""Forms of HQ's pages. They parse input; the rules are the services'."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budgets.cycles import CycleStartDefaults
from budgets.models import ZERO, BudgetCycle, CatalogueVersion, DeadlineKind, DisclosureFormat, Project
from budgets.money import MAX_AMOUNT, parse_amount

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def deadline_field(kind: str) -> str:
    return f"deadline_{kind}"


class CycleStartForm(forms.Form):
    """新建预算年度: the year, its format and catalogue, and one date per deadline of the calendar
    (prefilled from the template of the year, editable)."""

    year = forms.IntegerField(
        label=capfirst(BudgetCycle._meta.get_field("year").verbose_name),
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    disclosure_format = forms.ChoiceField(
        label=capfirst(BudgetCycle._meta.get_field("disclosure_format").verbose_name),
        choices=DisclosureFormat.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    procurement_catalogue = forms.ModelChoiceField(
        label=_("Procurement catalogue version"),
        queryset=CatalogueVersion.objects.all(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, defaults: CycleStartDefaults, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "year": defaults.year,
                "disclosure_format": defaults.disclosure_format,
                "procurement_catalogue": defaults.procurement_catalogue,
                **{deadline_field(kind): due for kind, due in defaults.deadlines.items()},
            },
        )
        super().__init__(*args, **kwargs)
        for kind, label in DeadlineKind.choices:
            self.fields[deadline_field(kind)] = forms.DateField(label=label, widget=DATE)

    def cycle_fields(self):
        return [self[name] for name in ("year", "disclosure_format", "procurement_catalogue")]

    def deadline_fields(self):
        return [self[deadline_field(kind)] for kind in DeadlineKind.values]

    def deadlines(self) -> dict:
        return {kind: self.cleaned_data[deadline_field(kind)] for kind in DeadlineKind.values}


class AdjustmentForm(forms.Form):
    """预算调整: the new amounts of an approved project (财政拨款 and 其他资金, and of an itemised
    project each sub-item) or of one basic line, in 元 as the item records them, and the reason.
    Each box says what it is and its unit; the amount now stands beside it (the template)."""

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.is_project = isinstance(item, Project)
        if self.is_project:
            self.fields["fiscal_amount"] = _amount_field(_("Fiscal funds after the adjustment (yuan)"))
            self.fields["other_amount"] = _amount_field(_("Other funds after the adjustment (yuan)"))
            for sub in item.sub_items.order_by("sort_order", "id"):
                self.fields[sub_item_field(sub)] = _amount_field(
                    _("%(name)s after the adjustment (yuan)") % {"name": sub.name}
                )
        else:
            self.fields["fiscal_amount"] = _amount_field(_("Amount after the adjustment (yuan)"))
        self.fields["reason"] = forms.CharField(
            label=_("Reason for the adjustment"),
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
            error_messages={"required": _("Give a reason.")},
        )

    def amount_rows(self) -> list[tuple[str, object, Decimal]]:
        """(what, its box, its amount now), in the order the page shows them."""
        if not self.is_project:
            return [(_("Amount"), self["fiscal_amount"], self.item.amount)]
        rows = [
            (_("Fiscal funds"), self["fiscal_amount"], self.item.fiscal_amount),
            (_("Other funds"), self["other_amount"], self.item.other_amount),
        ]
        return rows

    def sub_item_rows(self) -> list[tuple[str, object, Decimal]]:
        if not self.is_project:
            return []
        return [
            (sub.name, self[sub_item_field(sub)], sub.amount)
            for sub in self.item.sub_items.order_by("sort_order", "id")
        ]

    def values(self) -> dict:
        """What the service takes: the amounts (Decimal, yuan), the sub-items by id, the reason."""
        data = self.cleaned_data
        sub_items = {
            str(sub.pk): data[sub_item_field(sub)]
            for sub in (self.item.sub_items.all() if self.is_project else ())
        }
        return {
            "fiscal_amount": data["fiscal_amount"],
            "other_amount": data.get("other_amount", ZERO),
            "sub_items": sub_items or None,
            "reason": data["reason"],
        }


def sub_item_field(sub) -> str:
    return f"sub_item_{sub.pk}"


def adjustment_initial(item, adjustment=None) -> dict:
    """The boxes start at the amounts now (or, revising a returned adjustment, at what it asked)."""
    if adjustment is not None:
        sub_items = adjustment.sub_item_amounts()
        initial = {
            "fiscal_amount": adjustment.adjusted_fiscal_amount,
            "other_amount": adjustment.adjusted_other_amount,
            "reason": adjustment.reason,
        }
    else:
        sub_items = {}
        initial = {"fiscal_amount": item.amount} if not isinstance(item, Project) else {
            "fiscal_amount": item.fiscal_amount, "other_amount": item.other_amount}  # fmt: skip
    if isinstance(item, Project):
        for sub in item.sub_items.all():
            initial[sub_item_field(sub)] = sub_items.get(sub.pk, sub.amount)
    return initial


class YuanField(forms.CharField):
    """An amount in 元 as people type it ("1,200,000.00" or "1200000"), parsed by the one rule
    (``budgets.money.parse_amount``)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter an amount in yuan between 0 and %(max)s.") % {"max": f"{MAX_AMOUNT:,.2f}"}
            ) from None


def _amount_field(label) -> YuanField:
    return YuanField(
        label=label,
        widget=forms.TextInput(attrs={"class": "form-control num", "inputmode": "decimal"}),
    )
