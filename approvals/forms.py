"""Forms of HQ's pages. They parse input; the rules are the services'."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from budgets.cycles import CycleStartDefaults
from budgets.models import BudgetCycle, CatalogueVersion, DeadlineKind, DisclosureFormat

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
