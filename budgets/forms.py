from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    BasicExpenditureLine,
    ProcurementItem,
    ProcurementLine,
    Project,
    ProjectCategory,
    ThreePublicExpense,
)
from .services import PROJECT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.ModelForm):
    """A project request as the branch preparer fills it in. The service does the saving."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
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
        self.fields["total_amount"].help_text = _("Leave empty for a one-year project: this year's amount.")
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
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), max_digits=16, decimal_places=2, min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )


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

    def _post_clean(self):
        # Validated by the service, which knows the budget the row belongs to.
        pass


class BasicLineForm(_RowForm):
    class Meta:
        model = BasicExpenditureLine
        fields = ["functional_code", "economic_code", "funding_source", "amount", "note"]


class ProcurementLineForm(_RowForm):
    class Meta:
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
        model = ThreePublicExpense
        fields = ["abroad", "reception", "vehicle_purchase", "vehicle_operation", "change_reason"]
        widgets = {name: forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"})
                   for name in fields[:4]}  # fmt: skip
        widgets["change_reason"] = forms.TextInput(attrs={"class": "form-control form-control-sm"})

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
