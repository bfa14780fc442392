"""Ceilings (控制数), the rounds 一上 → 一下 → 二上 → 二下, the unit's ranking of its requests,
the expenditure standards (支出标准) and the warning rules of the all-year monitoring (issue #14).

Nothing here is a total: what falls within a ceiling is computed from the requests each time
(``ceilings/fill.py``); a round's snapshot keeps the figures as they stood when the round was
taken, so that rounds can be compared.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle, EconomicCode, FunctionalCode, MoneyField, Project, UnitBudget
from budgets.states import EDITABLE_STATES
from core.models import Unit
from core.policy import RestrictedManager


class Round(models.TextChoices):
    FIRST_UP = "first_up", _("First up (一上): the unit's requests")
    FIRST_DOWN = "first_down", _("First down (一下): ceiling issued")
    SECOND_UP = "second_up", _("Second up (二上): requests fitted to the ceiling")
    SECOND_DOWN = "second_down", _("Second down (二下): approved")


# While HQ drafts the ceiling and after it is issued, the unit ranks its requests.
RANKABLE_ROUNDS = frozenset({Round.FIRST_UP, Round.FIRST_DOWN})


class CeilingBasis(models.TextChoices):
    MANUAL = "manual", _("Set by hand")
    RULE = "rule", _("Last year's approved total and a rate")
    SCENARIO = "scenario", _("Cut scenario")


class UnitCeiling(models.Model):
    """A unit's spending ceiling for a cycle and the round it has reached. ``total`` covers the
    whole budget (basic expenditure and projects); ``project_ceiling``, when set, also bounds the
    projects."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="ceilings", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="ceilings", verbose_name=_("unit"))
    state = models.CharField(_("round"), max_length=20, choices=Round.choices, default=Round.FIRST_UP)
    state_changed_at = models.DateTimeField(_("in this round since"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    total = MoneyField(_("ceiling (yuan)"), null=True, blank=True)
    project_ceiling = MoneyField(_("project ceiling (yuan)"), null=True, blank=True)
    basis = models.CharField(
        _("set from"), max_length=10, choices=CeilingBasis.choices, default=CeilingBasis.MANUAL
    )
    rule_percent = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    base_amount = MoneyField(_("last year's approved total"), null=True, blank=True)

    objects = RestrictedManager()
    access_unit_path = "unit"
    access_state_path = "state"
    access_editable_states = RANKABLE_ROUNDS

    class Meta:
        ordering = ["cycle", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="ceiling_unique"),
            models.CheckConstraint(
                condition=Q(total__gte=0) | Q(total__isnull=True), name="ceiling_total_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(project_ceiling__gte=0) | Q(project_ceiling__isnull=True),
                name="ceiling_project_non_negative",
            ),
        ]
        verbose_name = _("ceiling")
        verbose_name_plural = _("ceilings")

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"


class RoundSnapshot(models.Model):
    """The figures of one ceiling as they stood when a round was taken (written by the machine's
    effects, never changed): each figure can be compared between rounds."""

    ceiling = models.ForeignKey(
        UnitCeiling, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("ceiling")
    )
    round = models.CharField(_("round"), max_length=20, choices=Round.choices)
    ceiling_total = MoneyField(_("ceiling (yuan)"), null=True, blank=True)
    project_ceiling = MoneyField(_("project ceiling (yuan)"), null=True, blank=True)
    basic_total = MoneyField(_("basic expenditure"))
    requested_total = MoneyField(_("projects requested"))
    mandated_total = MoneyField(_("mandated items"))
    kept_total = MoneyField(_("projects within the ceiling"))
    below_total = MoneyField(_("projects below the line"))
    over_by = MoneyField(_("mandated items above the ceiling"))
    lines = models.JSONField(_("requests"), default=list)
    created_at = models.DateTimeField(_("taken"), auto_now_add=True)

    objects = RestrictedManager()
    access_unit_path = "ceiling__unit"

    class Meta:
        ordering = ["ceiling", "created_at", "id"]
        verbose_name = _("round snapshot")
        verbose_name_plural = _("round snapshots")

    def __str__(self) -> str:
        return f"{self.ceiling} {self.get_round_display()}"


class RequestRank(models.Model):
    """The unit's priority for one of its project requests (1 = first), and whether the unit marks
    it mandatory (刚性支出: kept whatever the ceiling), which needs a reason."""

    ceiling = models.ForeignKey(
        UnitCeiling, on_delete=models.CASCADE, related_name="ranks", verbose_name=_("ceiling")
    )
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="rank", verbose_name=_("project")
    )
    rank = models.PositiveIntegerField(_("priority"), validators=[MinValueValidator(1)])
    mandatory = models.BooleanField(_("mandatory"), default=False)
    mandatory_reason = models.CharField(_("why mandatory"), max_length=200, blank=True)

    objects = RestrictedManager()
    access_unit_path = "ceiling__unit"
    access_state_path = "ceiling__state"
    access_editable_states = RANKABLE_ROUNDS

    class Meta:
        ordering = ["ceiling", "rank", "project_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mandatory=False) | ~Q(mandatory_reason=""), name="rank_mandatory_has_reason"
            ),
        ]
        verbose_name = _("request priority")
        verbose_name_plural = _("request priorities")

    def __str__(self) -> str:
        return f"{self.rank}. {self.project}"


# --- Expenditure standards (支出标准) -------------------------------------------------------


class StandardBasis(models.TextChoices):
    AUTHORISED_HEAD = "authorised_head", _("per authorised head")
    ACTUAL_HEAD = "actual_head", _("per head on the establishment")
    RETIREE = "retiree", _("per retiree")
    VEHICLE = "vehicle", _("per vehicle")
    AREA = "area", _("per square metre")


class ExpenditureStandard(models.Model):
    """One quota of a cycle: ``amount`` yuan a year per unit of ``basis``, feeding the basic
    expenditure line of ``economic_code``. Bureau-wide data kept by HQ."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="standards", verbose_name=_("cycle")
    )
    kind = models.CharField(_("standard"), max_length=100)
    basis = models.CharField(_("basis"), max_length=20, choices=StandardBasis.choices)
    amount = MoneyField(_("amount per unit of the basis (yuan a year)"))
    economic_code = models.ForeignKey(
        EconomicCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("economic code")
    )
    functional_code = models.ForeignKey(
        FunctionalCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("functional code"),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["cycle", "economic_code__code", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="standard_unique_in_cycle"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="standard_amount_non_negative"),
        ]
        verbose_name = _("expenditure standard")
        verbose_name_plural = _("expenditure standards")

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.kind}"


class AboveStandardReason(models.Model):
    """Why a unit's basic expenditure of one economic code is above what the standards give."""

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit budget")
    )
    economic_code = models.ForeignKey(
        EconomicCode, on_delete=models.PROTECT, related_name="+", verbose_name=_("economic code")
    )
    reason = models.TextField(_("reason"))

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["budget", "economic_code"], name="above_standard_once")
        ]
        verbose_name = _("reason for exceeding the standard")
        verbose_name_plural = _("reasons for exceeding the standard")

    def __str__(self) -> str:
        return f"{self.budget} {self.economic_code}"


# --- All-year monitoring: warning rules as data --------------------------------------------


class WarningKind(models.TextChoices):
    BELOW_PROGRESS = "below_progress", _("Spending below a share of the budget by a month's end")
    NO_SPENDING = "no_spending", _("No spending for several months")
    ABOVE_BUDGET = "above_budget", _("Spending above the budget")


class WarningScope(models.TextChoices):
    PROJECT = "project", _("each project")
    UNIT = "unit", _("each unit")
    BOTH = "both", _("each project and each unit")


class WarningRule(models.Model):
    """A rule of the all-year monitoring, evaluated on the monthly spending imported from the
    finance system (``performance.SpendingRecord``); a warning it raises goes to the unit's staff
    through the reminders engine, and to HQ after ``escalate_to_hq_after`` days if it still holds."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    scope = models.CharField(
        _("applies to"), max_length=10, choices=WarningScope.choices, default=WarningScope.BOTH
    )
    by_month = models.PositiveSmallIntegerField(
        _("by the end of month"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    threshold_percent = models.DecimalField(
        _("share of the budget (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    months = models.PositiveSmallIntegerField(
        _("months without spending"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    escalate_to_hq_after = models.PositiveSmallIntegerField(
        _("escalate to HQ after (days)"), null=True, blank=True, default=7
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["kind", "by_month", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="below_progress")
                | Q(by_month__isnull=False, threshold_percent__isnull=False),
                name="warning_progress_has_month_and_share",
            ),
            models.CheckConstraint(
                condition=~Q(kind="no_spending") | Q(months__isnull=False),
                name="warning_no_spending_has_months",
            ),
        ]
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")

    def __str__(self) -> str:
        return self.name

    @property
    def threshold(self) -> Decimal | None:
        return None if self.threshold_percent is None else self.threshold_percent / 100
