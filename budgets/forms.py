from decimal import Decimal

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .models import (
    BasicExpenditureLine,
    MoneyField,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ThreePublicExpense,
)
from .money import format_money, money_label, parse_amount
from .services import PROJECT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

AMOUNT_HELP = _("In yuan (元). Thousands separators are accepted: 1,200,000.00.")
# The amounts of a table of rows (basic lines, procurement, 三公, sub-items) show no help under
# each input: they are described by the one note above the table, which has this id.
AMOUNTS_NOTE_ID = "amounts-help"


def describe_amounts_by_note(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, AmountInput):
            field.widget.attrs["aria-describedby"] = AMOUNTS_NOTE_ID


class AmountInput(forms.TextInput):
    """A text box, not a number box: a browser's number box refuses 1,200,000.00 before the
    server sees it. The amount is shown the way the pages write it in 元."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return format_money(value, "yuan")
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount in yuan as a preparer types it: 1200000, 1,200,000.00 or 1200000.5. Read by the
    one parser (``budgets.money.parse_amount``); anything else is refused with a Chinese message."""

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount in yuan (元), e.g. 1,200,000.00."),
        "negative": _("An amount cannot be negative."),
        "too_large": _("This amount is too large: check the unit (元, not 万元) and the digits."),
        "places": _("An amount in yuan has at most two decimal places (分)."),
    }
    _PARSE_ERRORS = {
        "negative": "negative",
        "too large": "too_large",
        "more than two decimal places": "places",
    }

    def __init__(self, *, label=None, help_text=AMOUNT_HELP, **kwargs):
        kwargs.pop("max_digits", None), kwargs.pop("decimal_places", None), kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        super().__init__(
            label=lazy(money_label, str)(label) if label is not None else None,
            help_text=help_text,
            max_digits=16,
            decimal_places=2,
            **kwargs,
        )

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return parse_amount(value)
        except ValueError as error:
            code = self._PARSE_ERRORS.get(str(error), "invalid")
            raise forms.ValidationError(self.error_messages[code], code=code) from error

    def widget_attrs(self, widget):
        # No min/max/step: those belong to a number box, which this is not.
        return {}


def money_formfield(db_field, **kwargs):
    """Every MoneyField of these forms becomes an AmountField labelled with its unit."""
    if isinstance(db_field, MoneyField):
        return AmountField(
            label=db_field.verbose_name,
            required=not db_field.blank,
            initial=db_field.default if db_field.has_default() else None,
            widget=kwargs.get("widget") or AmountInput,
        )
    return db_field.formfield(**kwargs)


class ProjectForm(forms.ModelForm):
    """A project request as the branch preparer fills it in. The service does the saving."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        formfield_callback = money_formfield
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in
               ("background", "content", "scope", "purpose", "midterm_goal", "annual_goal", "change_reason")},
        }  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProjectCategory.objects.all()
        self.fields["total_amount"].required = False
        self.fields["total_amount"].help_text = _(
            "In yuan (元). Leave empty for a one-year project: this year's amount."
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        fiscal, other = cleaned.get("fiscal_amount") or 0, cleaned.get("other_amount") or 0
        total = cleaned.get("total_amount")
        if total is None:
            cleaned["total_amount"] = fiscal + other
        elif total < fiscal + other:
            self.add_error("total_amount", _("The project total cannot be less than this year's amount."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return cleaned

    def _post_clean(self):
        # The model is validated by the service, with the budget it belongs to.
        pass


class SubItemForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(
        label=_("Name"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    amount = AmountField(label=_("Amount"), widget=AmountInput(attrs={"class": "form-control"}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_amounts_by_note(self)


SubItemFormSet = forms.formset_factory(SubItemForm, extra=3, can_delete=True)


def sub_item_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.cleaned_data.get("id"):
            continue
        data = form.cleaned_data
        if not data:
            continue
        rows.append({**data, "delete": data.get("DELETE", False)})
    return rows


class _RowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)
        describe_amounts_by_note(self)

    def _post_clean(self):
        # Validated by the service, which knows the budget the row belongs to.
        pass


class BasicLineForm(_RowForm):
    class Meta:
        formfield_callback = money_formfield
        model = BasicExpenditureLine
        fields = ["functional_code", "economic_code", "funding_source", "amount", "note"]


class ProcurementLineForm(_RowForm):
    class Meta:
        formfield_callback = money_formfield
        model = ProcurementLine
        fields = [
            "item",
            "project",
            "description",
            "amount",
            "sme_amount",
            "small_micro_amount",
            "carried_over",
        ]
        # The model field has no verbose name (changing it would need a migration).
        labels = {"project": _("Project")}

    def __init__(self, *args, budget=None, **kwargs):
        super().__init__(*args, **kwargs)
        if budget is not None:
            self.fields["item"].queryset = ProcurementItem.objects.filter(
                catalogue=budget.cycle.procurement_catalogue
            )
            self.fields["project"].queryset = budget.projects.all()


class ThreePublicForm(forms.ModelForm):
    class Meta:
        formfield_callback = money_formfield
        model = ThreePublicExpense
        fields = ["abroad", "reception", "vehicle_purchase", "vehicle_operation", "change_reason"]
        widgets = {name: AmountInput(attrs={"class": "form-control form-control-sm"}) for name in fields[:4]}
        widgets["change_reason"] = forms.TextInput(attrs={"class": "form-control form-control-sm"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_amounts_by_note(self)

    def _post_clean(self):
        pass


BasicLineFormSet = forms.modelformset_factory(
    BasicExpenditureLine, form=BasicLineForm, extra=3, can_delete=True
)
ProcurementLineFormSet = forms.modelformset_factory(
    ProcurementLine, form=ProcurementLineForm, extra=2, can_delete=True
)


def model_rows(formset) -> list[dict]:
    """A model formset's rows as plain dicts for the service: id, the fields, delete, and
    ``row`` (the form's index, for pointing an error of the service back at its row)."""
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or (not form.has_changed() and form.instance.pk is None):
            continue
        instance = data.get("id")
        row = {k: v for k, v in data.items() if k not in ("id", "DELETE")}
        row["id"] = instance.pk if instance else None
        row["delete"] = data.get("DELETE", False)
        row["row"] = index
        rows.append(row)
    return rows
