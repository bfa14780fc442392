"""Forms: they parse what a page sends into the plain data a service takes; no rule lives here."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from budgets.money import wan_to_yuan
from core.models import Unit

from . import rubric
from .models import (
    DeviationCategory,
    Indicator,
    Level1,
    Level2,
    Likelihood,
    Progress,
)
from .services import EvaluationLineData, IndicatorData, MonitoringLineData, TaskData

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal(0)}
NUMBER = {"max_digits": 24, "decimal_places": 6}


def _blank(choices) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class BootstrapMixin:
    """Bootstrap's classes on every widget, small, so the wide tables stay readable."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
        # Stored numbers carry six places; show them as typed: 2.000000 → 2.
        for name, value in self.initial.items():  # type: ignore[attr-defined]
            if isinstance(value, Decimal):
                self.initial[name] = _plain(value)  # type: ignore[attr-defined]

    def style_fields(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control form-control-sm")


class IndicatorRowForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level1 = forms.ChoiceField(label=_("Level 1"), choices=Level1.choices)
    level2 = forms.ChoiceField(label=_("Level 2"), choices=Level2.choices)
    name = forms.CharField(label=_("Indicator"), max_length=200)
    target_text = forms.CharField(label=_("Target value"), max_length=200)
    target_source = forms.CharField(
        label=_("Source of the target value"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "target-sources"}),
    )

    def data_row(self) -> IndicatorData:
        d = self.cleaned_data
        return IndicatorData(
            d["id"], d["level1"], d["level2"], d["name"], d["target_text"], d["target_source"]
        )


class BaseIndicatorFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].widget.attrs["class"] = "form-control form-control-sm"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def rows(self) -> list[IndicatorData]:
        ordered = sorted(
            (f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)),
            key=lambda f: f.cleaned_data.get("ORDER") or 0,
        )
        return [f.data_row() for f in ordered]


IndicatorFormSet = forms.formset_factory(
    IndicatorRowForm, formset=BaseIndicatorFormSet, extra=0, can_delete=True, can_order=True
)


def indicator_initial(indicators: list[Indicator]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.pk,
            "level1": i.level1,
            "level2": i.level2,
            "name": i.name,
            "target_text": i.target_text,
            "target_source": i.target_source,
            "ORDER": n,
        }
        for n, i in enumerate(indicators, start=1)
    ]


class TaskRowForm(BootstrapMixin, forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Task"), max_length=200)
    content = forms.CharField(
        label=_("Task content"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    fiscal_wan = forms.DecimalField(
        label=_("Fiscal funds (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=0
    )
    other_wan = forms.DecimalField(
        label=_("Other funds (10,000 yuan)"), max_digits=14, decimal_places=2, min_value=0, initial=0
    )

    def data_row(self) -> TaskData:
        d = self.cleaned_data
        return TaskData(
            d["id"], d["name"], d["content"], wan_to_yuan(d["fiscal_wan"]), wan_to_yuan(d["other_wan"])
        )


TaskFormSet = forms.formset_factory(TaskRowForm, extra=0, can_delete=True)


class DepartmentGoalForm(BootstrapMixin, forms.Form):
    overall_goal = forms.CharField(label=_("Overall annual goal"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MonitoringForm(BootstrapMixin, forms.Form):
    adjusted_budget = forms.DecimalField(label=_("Adjusted budget (yuan)"), required=False, **MONEY)
    adjusted_budget_source = forms.CharField(
        label=_("Source of the adjusted budget"), required=False, max_length=200
    )
    expected_spending = forms.DecimalField(
        label=_("Expected full-year spending (yuan)"), required=False, **MONEY
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MonitoringLineForm(BootstrapMixin, forms.Form):
    actual_value = forms.DecimalField(label=_("Actual to date"), required=False, **NUMBER)
    progress = forms.ChoiceField(
        label=_("Progress to date"), required=False, choices=_blank(Progress.choices)
    )
    actual_note = forms.CharField(label=_("Actual, in words"), required=False, max_length=200)
    forecast_value = forms.DecimalField(label=_("Expected full-year value"), required=False, **NUMBER)
    deviation_category = forms.ChoiceField(
        label=_("Deviation reason category"), required=False, choices=_blank(DeviationCategory.choices)
    )
    deviation_reason = forms.CharField(
        label=_("Deviation reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    likelihood = forms.ChoiceField(
        label=_("Likelihood of reaching the target"), required=False, choices=_blank(Likelihood.choices)
    )
    corrective_measures = forms.CharField(
        label=_("Corrective measures"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def line_data(self) -> MonitoringLineData:
        return MonitoringLineData(**self.cleaned_data)


class TargetChangeForm(BootstrapMixin, forms.Form):
    new_text = forms.CharField(label=_("New target value"), max_length=200)
    reason = forms.CharField(
        label=_("Why the target should change"), widget=forms.Textarea(attrs={"rows": 3})
    )


class SpendingImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Spending file (.csv or .xlsx)"),
        help_text=_("Columns: unit, project, month, amount (单位, 项目, 月份, 金额); amounts in yuan."),
    )


class EvaluationForm(BootstrapMixin, forms.Form):
    adjusted_budget = forms.DecimalField(label=_("Adjusted budget (yuan)"), required=False, **MONEY)
    adjusted_budget_source = forms.CharField(
        label=_("Source of the adjusted budget"), required=False, max_length=200
    )
    spending = forms.DecimalField(label=_("Full-year spending (yuan)"), required=False, **MONEY)
    spending_source = forms.CharField(label=_("Source of the spending"), required=False, max_length=200)
    summary = forms.CharField(
        label=_("Self-evaluation summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EvaluationLineForm(BootstrapMixin, forms.Form):
    actual_value = forms.DecimalField(label=_("Actual value"), required=False, **NUMBER)
    achievement = forms.ChoiceField(label=_("Achievement"), required=False, choices=_blank(Progress.choices))
    band_percent = forms.DecimalField(
        label=_("Share of the points (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    not_applicable = forms.BooleanField(label=_("Not applicable"), required=False)
    deviation_reason = forms.CharField(
        label=_("Deviation reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def line_data(self) -> EvaluationLineData:
        return EvaluationLineData(**self.cleaned_data)


FLAG_CHOICES = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


class DepartmentEvaluationForm(BootstrapMixin, forms.Form):
    """One value and one source per figure; points and a reason per deduction and per checklist
    item. Every value goes to the rubric as typed: the rubric alone says what is valid."""

    def __init__(self, *args, inputs: dict[str, Any] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        inputs = inputs or {}
        figures = inputs.get("figures") or {}
        deductions = inputs.get("deductions") or {}
        checklist = inputs.get("checklist") or {}
        for key, figure in rubric.FIGURES.items():
            entry = figures.get(key) or {}
            value = entry.get("value")
            if figure.kind == "flag":
                field: forms.Field = forms.ChoiceField(
                    label=figure.label, choices=FLAG_CHOICES, required=False
                )
                initial = "" if value is None else ("true" if value in (True, "true", "True") else "false")
            elif figure.kind == "choice":
                field = forms.ChoiceField(label=figure.label, choices=_blank(figure.choices), required=False)
                initial = "" if value is None else str(value)
            else:
                field = forms.CharField(label=figure.label, required=False, max_length=30)
                field.widget.attrs.update({"inputmode": "decimal", "aria-label": str(figure.label)})
                initial = "" if value is None else str(value)
            self.fields[f"{key}__value"] = field
            self.fields[f"{key}__value"].initial = initial
            source_label = _("Evidence") if key == "satisfaction_band" else _("Source")
            self.fields[f"{key}__source"] = forms.CharField(
                label=source_label, required=False, max_length=200, initial=entry.get("source", "")
            )
            self.fields[f"{key}__source"].widget.attrs["placeholder"] = str(source_label)
        for key, deduction in rubric.DEDUCTIONS.items():
            self._add_points_and_reason(
                f"{key}__deduction", f"{key}__deduction_reason", deduction.label, deductions.get(key) or {},
                reason_label=_("Reason for the deduction"), reason_rows=1,
            )  # fmt: skip
        for item in rubric.ITEMS:
            if not item.is_formula:
                self._add_points_and_reason(
                    f"{item.key}__points", f"{item.key}__reason", item.name, checklist.get(item.key) or {},
                    reason_label=_("Reason"), reason_rows=2,
                )  # fmt: skip
        self.style_fields()

    def _add_points_and_reason(
        self, name: str, reason_name: str, label, entry: dict, *, reason_label, reason_rows: int
    ) -> None:
        """A points field and its written reason (a deduction, a checklist item), initial values
        from ``entry`` ({"points", "reason"})."""
        self.fields[name] = forms.CharField(
            label=label, required=False, max_length=10, initial=entry.get("points") or ""
        )
        self.fields[name].widget.attrs["inputmode"] = "decimal"
        reason = forms.CharField(
            label=reason_label,
            required=False,
            widget=forms.Textarea(attrs={"rows": reason_rows}),
            initial=entry.get("reason", ""),
        )
        reason.widget.attrs["placeholder"] = str(reason_label)
        self.fields[reason_name] = reason

    def inputs(self) -> dict[str, Any]:
        """The rubric's plain mapping; the rubric itself validates the values."""
        d = self.cleaned_data
        figures = {}
        for key, figure in rubric.FIGURES.items():
            value: Any = d.get(f"{key}__value", "")
            if value in ("", None):
                continue
            if figure.kind == "flag":
                value = value == "true"
            figures[key] = {"value": value, "source": d.get(f"{key}__source", "")}
        deductions = {
            key: {"points": d.get(f"{key}__deduction", ""), "reason": d.get(f"{key}__deduction_reason", "")}
            for key in rubric.DEDUCTIONS
            if d.get(f"{key}__deduction", "") != ""
        }
        checklist = {
            item.key: {"points": d.get(f"{item.key}__points", ""), "reason": d.get(f"{item.key}__reason", "")}
            for item in rubric.ITEMS
            if not item.is_formula and d.get(f"{item.key}__points", "") != ""
        }
        return {"figures": figures, "deductions": deductions, "checklist": checklist}

    def add_rubric_errors(self, errors: dict[str, str]) -> None:
        """Each of the rubric's errors on the field it is about, next to it."""
        for key, message in errors.items():
            if key.startswith("checklist."):
                name = f"{key.removeprefix('checklist.')}__points"
            elif key.startswith("deductions."):
                name = f"{key.removeprefix('deductions.')}__deduction"
            else:
                name = f"{key}__value"
            if name in self.fields:
                self.add_error(name, message)
            else:
                self.add_error(None, f"{key}: {message}")


class EvaluationScopeForm(forms.Form):
    """The units an evaluation covers, from the candidates the page offers."""

    scope = forms.ModelMultipleChoiceField(
        label=_("Evaluated units"), queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates: list[Unit], initial_scope: list[Unit], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scope"]
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in candidates]).order_by("sort_order", "code")
        field.label_from_instance = lambda unit: unit.name
        field.initial = [u.pk for u in initial_scope]
        field.error_messages["required"] = _("Choose at least the unit itself.")

    def units(self) -> list[Unit]:
        return list(self.cleaned_data["scope"])
