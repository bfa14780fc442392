"""Performance targets, the August checkpoint and self-evaluation (DOMAIN §6-8).

An :class:`Indicator` belongs either to a project (项目绩效目标表, 表15) or to a unit's
department-wide target (部门整体支出绩效目标表, 表14). It keeps its target as text and, beside it,
the parsed form (``performance.targets.parse_target``); services keep the two in step. A target
changed after approval keeps its first value in ``initial_target_text`` and the change, with both
values, in :class:`TargetChange`.

Nothing computed is stored: traffic lights, spending to date, execution rates and scores are
computed on read by the pure modules ``lights``, ``scoring`` and ``rubric``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle, MoneyField, Project, non_negative
from core.models import Unit
from core.policy import RestrictedManager

from .targets import ParsedTarget, parse_target

# --- The indicator tree (DOMAIN §6) --------------------------------------------------------


class Level1(models.TextChoices):
    OUTPUT = "output", _("Output indicators")
    EFFECT = "effect", _("Effect indicators")
    SATISFACTION = "satisfaction", _("Satisfaction indicators")


class Level2(models.TextChoices):
    QUANTITY = "quantity", _("Quantity")
    QUALITY = "quality", _("Quality")
    TIMELINESS = "timeliness", _("Timeliness")
    COST = "cost", _("Cost")
    ECONOMIC = "economic", _("Economic benefits")
    SOCIAL = "social", _("Social benefits")
    ECOLOGICAL = "ecological", _("Ecological benefits")
    SUSTAINABLE = "sustainable", _("Sustainable impact")
    SERVICE_SATISFACTION = "service_satisfaction", _("Satisfaction of service recipients")
    OTHER_SATISFACTION = "other_satisfaction", _("Other satisfaction")


LEVEL1_OF: dict[str, str] = {
    Level2.QUANTITY: Level1.OUTPUT,
    Level2.QUALITY: Level1.OUTPUT,
    Level2.TIMELINESS: Level1.OUTPUT,
    Level2.COST: Level1.OUTPUT,
    Level2.ECONOMIC: Level1.EFFECT,
    Level2.SOCIAL: Level1.EFFECT,
    Level2.ECOLOGICAL: Level1.EFFECT,
    Level2.SUSTAINABLE: Level1.EFFECT,
    Level2.SERVICE_SATISFACTION: Level1.SATISFACTION,
    Level2.OTHER_SATISFACTION: Level1.SATISFACTION,
}

# Where the value of a target comes from; the form offers these and accepts any other text.
TARGET_SOURCES = ["工作计划", "年度工作计划", "行业标准", "历史标准", "计划标准", "预算支出标准", "其他"]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to HQ")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")


EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})


class DepartmentTarget(models.Model):
    """部门整体支出绩效目标: one per unit and cycle (表14)."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="department_targets", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="department_targets", verbose_name=_("unit")
    )
    supervisor = models.CharField(_("supervising department"), max_length=100, blank=True)
    overall_goal = models.TextField(_("overall annual goal"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "unit"

    class Meta:
        ordering = ["cycle", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="department_target_unique")]
        verbose_name = _("department-wide target")
        verbose_name_plural = _("department-wide targets")

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit}"


class DepartmentTask(models.Model):
    """An annual main task of a department-wide target, with its amounts (total = fiscal + other)."""

    department_target = models.ForeignKey(
        DepartmentTarget,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("department-wide target"),
    )
    name = models.CharField(_("task"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    fiscal_amount = MoneyField(_("fiscal funds"), default=Decimal("0.00"))
    other_amount = MoneyField(_("other funds"), default=Decimal("0.00"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["department_target", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["department_target", "name"], name="department_task_unique"),
            *non_negative("department_task", "fiscal_amount", "other_amount"),
        ]
        verbose_name = _("main task")
        verbose_name_plural = _("main tasks")

    def __str__(self) -> str:
        return self.name

    @property
    def total_amount(self) -> Decimal:
        return self.fiscal_amount + self.other_amount


class Indicator(models.Model):
    """One row of a target table: level 1 → level 2 → indicator, its target and its source.

    ``printed_level1``/``printed_level2`` keep the labels as the source table printed them (the
    older 产出目标/效果目标 form, or 数量指标 …); ``level1``/``level2`` place the row in the tree of
    DOMAIN §6. The ``target_*`` fields are the parsed form of ``target_text``.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    department_target = models.ForeignKey(
        DepartmentTarget, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    level1 = models.CharField(_("level-1 indicator"), max_length=20, choices=Level1.choices)
    level2 = models.CharField(_("level-2 indicator"), max_length=30, choices=Level2.choices)
    printed_level1 = models.CharField(_("level 1 as printed"), max_length=20, blank=True)
    printed_level2 = models.CharField(_("level 2 as printed"), max_length=30, blank=True)
    name = models.CharField(_("indicator"), max_length=200)
    target_text = models.CharField(_("target value"), max_length=200)
    initial_target_text = models.CharField(_("initial target value"), max_length=200)
    target_source = models.CharField(_("source of the target value"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    target_kind = models.CharField(_("kind of target"), max_length=20)
    target_comparator = models.CharField(_("comparator"), max_length=2, blank=True)
    target_value = models.DecimalField(
        _("target number"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    target_upper = models.DecimalField(
        _("upper bound"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    target_unit = models.CharField(_("unit of measure"), max_length=40, blank=True)
    target_multiplier = models.DecimalField(max_digits=12, decimal_places=0, default=Decimal(1))
    target_approximate = models.BooleanField(default=False)
    target_deadline = models.DateField(null=True, blank=True)
    target_deadline_precision = models.CharField(max_length=5, blank=True)
    target_label = models.CharField(_("qualitative value"), max_length=200, blank=True)
    target_direction = models.CharField(max_length=10, blank=True)
    target_not_applicable = models.BooleanField(_("not applicable"), default=False)
    target_needs_review = models.BooleanField(_("needs review"), default=False)

    objects = RestrictedManager()
    access_unit_path = ("project__budget__unit", "department_target__unit")

    class Meta:
        ordering = ["project", "department_target", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(department_target__isnull=True))
                | (Q(project__isnull=True) & Q(department_target__isnull=False)),
                name="indicator_belongs_to_one_table",
            ),
            models.UniqueConstraint(
                fields=["project", "sort_order"],
                condition=Q(project__isnull=False),
                name="indicator_order_unique_in_project",
            ),
            models.UniqueConstraint(
                fields=["department_target", "sort_order"],
                condition=Q(department_target__isnull=False),
                name="indicator_order_unique_in_department_target",
            ),
        ]
        verbose_name = _("performance indicator")
        verbose_name_plural = _("performance indicators")

    def __str__(self) -> str:
        return f"{self.name}: {self.target_text}"

    def get_absolute_url(self) -> str:
        if self.project_id is not None:
            budget = self.project.budget
            url = reverse(
                "performance:project_targets", args=[budget.cycle.year, budget.unit.code, self.project_id]
            )
        else:
            target = self.department_target
            url = reverse("performance:department_targets", args=[target.cycle.year, target.unit.code])
        return f"{url}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The stable HTML id of this row: comments and links point at it."""
        return f"indicator-{self.pk}"

    def set_target(self, text: str) -> None:
        """Set the target text and its parsed form together."""
        parsed = parse_target(text)
        self.target_text = text
        self.target_kind = parsed.kind
        self.target_comparator = parsed.comparator or ""
        self.target_value = parsed.value
        self.target_upper = parsed.upper
        self.target_unit = parsed.unit
        self.target_multiplier = parsed.multiplier
        self.target_approximate = parsed.approximate
        self.target_deadline = parsed.deadline
        self.target_deadline_precision = parsed.deadline_precision
        self.target_label = parsed.label
        self.target_direction = parsed.direction or ""
        self.target_not_applicable = parsed.not_applicable
        self.target_needs_review = parsed.needs_review

    @property
    def parsed(self) -> ParsedTarget:
        """The stored parsed form, as the pure modules take it."""
        return stored_target(self)

    @property
    def is_adjusted(self) -> bool:
        return self.target_text != self.initial_target_text


# The columns holding a target's parsed form: a page listing many indicators reads them as rows
# (``values_list(*TARGET_COLUMNS, named=True)``) and builds each target with ``stored_target``.
TARGET_COLUMNS = ("target_text", "target_kind", "target_comparator", "target_value", "target_upper",
                  "target_unit", "target_multiplier", "target_approximate", "target_deadline",
                  "target_deadline_precision", "target_label", "target_direction",
                  "target_not_applicable", "target_needs_review")  # fmt: skip


def stored_target(row) -> ParsedTarget:
    """The stored parsed form of an indicator, or of a row read with ``TARGET_COLUMNS``."""
    return ParsedTarget(
        original=row.target_text,
        kind=row.target_kind,
        comparator=row.target_comparator or None,
        value=_normal(row.target_value),
        upper=_normal(row.target_upper),
        unit=row.target_unit,
        multiplier=row.target_multiplier,
        approximate=row.target_approximate,
        deadline=row.target_deadline,
        deadline_precision=row.target_deadline_precision,
        label=row.target_label,
        direction=row.target_direction or None,
        not_applicable=row.target_not_applicable,
        needs_review=row.target_needs_review,
    )


def _normal(value: Decimal | None) -> Decimal | None:
    # The column has six places; the parsed value has as many as the text had.
    return None if value is None else value.normalize() if value != value.to_integral() else value.quantize(1)


# --- Configuration per cycle ---------------------------------------------------------------


class PerformanceSettings(models.Model):
    """The configurable rules of DOMAIN §7-8 for one cycle (defaults: the values in DOMAIN)."""

    cycle = models.OneToOneField(
        BudgetCycle, on_delete=models.CASCADE, related_name="performance_settings", verbose_name=_("cycle")
    )
    execution_weight = models.DecimalField(_("weight: budget execution"), max_digits=5, decimal_places=2)
    output_weight = models.DecimalField(_("weight: outputs"), max_digits=5, decimal_places=2)
    effect_weight = models.DecimalField(_("weight: effects"), max_digits=5, decimal_places=2)
    satisfaction_weight = models.DecimalField(_("weight: satisfaction"), max_digits=5, decimal_places=2)
    light_yellow_from = models.DecimalField(
        _("yellow light from (percent of expected)"), max_digits=5, decimal_places=2, default=Decimal(60)
    )
    light_green_from = models.DecimalField(
        _("green light from (percent of expected)"), max_digits=5, decimal_places=2, default=Decimal(80)
    )
    light_blue_from = models.DecimalField(
        _("blue light from (percent of expected)"), max_digits=5, decimal_places=2, default=Decimal(120)
    )

    DEFAULTS = {
        "execution_weight": Decimal(10),
        "output_weight": Decimal(50),
        "effect_weight": Decimal(30),
        "satisfaction_weight": Decimal(10),
        "light_yellow_from": Decimal(60),
        "light_green_from": Decimal(80),
        "light_blue_from": Decimal(120),
    }

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    execution_weight__gte=0,
                    output_weight__gte=0,
                    effect_weight__gte=0,
                    satisfaction_weight__gte=0,
                ),
                name="performance_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(light_yellow_from__lt=F("light_green_from"))
                & Q(light_green_from__lt=F("light_blue_from")),
                name="performance_light_thresholds_ordered",
            ),
        ]
        verbose_name = _("performance settings")
        verbose_name_plural = _("performance settings")

    def __str__(self) -> str:
        return str(self.cycle)

    @classmethod
    def defaults_for(cls, cycle: BudgetCycle) -> PerformanceSettings:
        return cls(cycle=cycle, **cls.DEFAULTS)


# --- States and history --------------------------------------------------------------------


# --- The August checkpoint (DOMAIN §7) -----------------------------------------------------


class MonitoringRound(models.Model):
    """The mid-year monitoring of a cycle. Its dates are the cycle's calendar (monitoring_open,
    monitoring_due, monitoring_data_as_of), so they are configured in one place."""

    cycle = models.OneToOneField(
        BudgetCycle, on_delete=models.CASCADE, related_name="monitoring_round", verbose_name=_("cycle")
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        ordering = ["-cycle__year"]
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")

    def __str__(self) -> str:
        return f"{self.cycle} {_('mid-year monitoring')}"


class DeviationCategory(models.TextChoices):
    FUNDING = "funding", _("Funding support")
    RULES = "rules", _("Institutional support")
    STAFF = "staff", _("Staffing support")
    FACILITIES = "facilities", _("Hardware and facilities support")
    OTHER = "other", _("Other")


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("Will certainly be reached")
    POSSIBLE = "possible", _("May be reached")
    IMPOSSIBLE = "impossible", _("Cannot be reached")


class Progress(models.TextChoices):
    REACHED = "reached", _("Reached")
    PARTLY = "partly", _("Partly reached")
    NOT_REACHED = "not_reached", _("Not reached")


class ProjectMonitoring(models.Model):
    """One project's answer to the August checkpoint.

    The initial budget is the project's amount and spending to date comes from the imported
    spending records; both are read, never copied here. The adjusted budget is a figure entered
    with its source until in-year adjustments are recorded in the application (issue #3).
    """

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="reports")
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="monitoring_reports", verbose_name=_("project")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    adjusted_budget = MoneyField(_("adjusted budget"), null=True, blank=True)
    adjusted_budget_source = models.CharField(_("source of the adjusted budget"), max_length=200, blank=True)
    expected_spending = MoneyField(_("expected full-year spending"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "project__budget__unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["round", "project__budget__unit__sort_order", "project__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="monitoring_unique_project"),
            *non_negative("monitoring", nullable=("adjusted_budget", "expected_spending")),
        ]
        verbose_name = _("project monitoring")
        verbose_name_plural = _("project monitoring")

    def __str__(self) -> str:
        return f"{self.round} · {self.project}"


class IndicatorMonitoring(models.Model):
    monitoring = models.ForeignKey(ProjectMonitoring, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="monitoring_lines")
    actual_value = models.DecimalField(
        _("actual to date"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    progress = models.CharField(_("progress to date"), max_length=20, choices=Progress.choices, blank=True)
    actual_note = models.CharField(_("actual to date, in words"), max_length=200, blank=True)
    forecast_value = models.DecimalField(
        _("expected full-year value"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    deviation_category = models.CharField(
        _("deviation reason category"), max_length=20, choices=DeviationCategory.choices, blank=True
    )
    deviation_reason = models.TextField(_("deviation reason"), blank=True)
    likelihood = models.CharField(
        _("likelihood of reaching the target"), max_length=20, choices=Likelihood.choices, blank=True
    )
    corrective_measures = models.TextField(_("corrective measures"), blank=True)

    class Meta:
        ordering = ["monitoring", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring", "indicator"], name="monitoring_line_unique")
        ]
        verbose_name = _("indicator monitoring")
        verbose_name_plural = _("indicator monitoring")

    def __str__(self) -> str:
        return f"{self.indicator.name}"


class ChangeState(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TargetChange(models.Model):
    """A request to change an approved target. Both values stay on record (DOMAIN §7)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="target_changes")
    previous_text = models.CharField(_("previous target"), max_length=200)
    new_text = models.CharField(_("new target"), max_length=200)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState.choices, default=ChangeState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "indicator__project__budget__unit"

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"],
                condition=Q(state="requested"),
                name="target_change_one_open_request",
            )
        ]
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")

    def __str__(self) -> str:
        return f"{self.indicator.name}: {self.previous_text} → {self.new_text}"


class SpendingImport(models.Model):
    """One file of monthly spending imported from the finance system."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="spending_imports", verbose_name=_("cycle")
    )
    filename = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("spending import")
        verbose_name_plural = _("spending imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported_at:%Y-%m-%d %H:%M})"


class SpendingRecord(models.Model):
    """Spending of one month, for a project or (no project) the unit's basic expenditure."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="spending", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="spending", verbose_name=_("unit"))
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="spending",
        verbose_name=_("project"),
    )
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = MoneyField(_("amount (yuan)"))
    source = models.ForeignKey(SpendingImport, on_delete=models.PROTECT, related_name="records")

    class Meta:
        ordering = ["cycle", "unit__sort_order", "project", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "project", "month"],
                condition=Q(project__isnull=False),
                name="spending_unique_project_month",
            ),
            models.UniqueConstraint(
                fields=["cycle", "unit", "month"],
                condition=Q(project__isnull=True),
                name="spending_unique_basic_month",
            ),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="spending_month_in_year"),
            *non_negative("spending", "amount"),
        ]
        verbose_name = _("spending record")
        verbose_name_plural = _("spending records")

    def __str__(self) -> str:
        return f"{self.unit} {self.project or '—'} {self.month} {self.amount}"


# --- Self-evaluation (DOMAIN §8) -----------------------------------------------------------


class ProjectEvaluation(models.Model):
    """A project's self-evaluation after the year; scored by ``performance.scoring``."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("project")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    adjusted_budget = MoneyField(_("adjusted budget"), null=True, blank=True)
    adjusted_budget_source = models.CharField(_("source of the adjusted budget"), max_length=200, blank=True)
    spending = MoneyField(_("full-year spending"), null=True, blank=True)
    spending_source = models.CharField(_("source of the spending"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "project__budget__unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["project__budget__cycle", "project__budget__unit__sort_order", "project__sort_order"]
        constraints = non_negative("evaluation", nullable=("adjusted_budget", "spending"))
        verbose_name = _("project self-evaluation")
        verbose_name_plural = _("project self-evaluations")

    def __str__(self) -> str:
        return str(self.project)


class IndicatorEvaluation(models.Model):
    evaluation = models.ForeignKey(ProjectEvaluation, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="evaluation_lines")
    actual_value = models.DecimalField(
        _("actual value"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    achievement = models.CharField(_("achievement"), max_length=20, choices=Progress.choices, blank=True)
    band_percent = models.DecimalField(
        _("share of the points (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    not_applicable = models.BooleanField(_("not applicable"), default=False)
    deviation_reason = models.TextField(_("deviation reason"), blank=True)

    class Meta:
        ordering = ["evaluation", "indicator__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="evaluation_line_unique")
        ]
        verbose_name = _("indicator evaluation")
        verbose_name_plural = _("indicator evaluations")

    def __str__(self) -> str:
        return self.indicator.name


class DepartmentEvaluation(models.Model):
    """The department-wide self-evaluation (the 100-point rubric) of a unit for a cycle.

    ``unit`` owns it (its staff fill it in, its head submits it); ``scope`` is what is evaluated:
    the unit alone, or a group (局本级 = HQ together with the special-funds unit, DOMAIN §8). The
    pre-filled figures cover the whole scope; a unit is in at most one scope per cycle
    (``services.department_evaluation_start``).

    ``inputs`` is the plain mapping ``performance.rubric.score_department`` takes: figures, each
    with its value and source, deductions and checklist items, each with points and a written
    reason. It is validated by the rubric on every write.
    """

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="department_evaluations", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="department_evaluations", verbose_name=_("unit")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT
    )
    scope = models.ManyToManyField(
        Unit, related_name="evaluated_in", verbose_name=_("evaluated units"), blank=True
    )
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)

    objects = RestrictedManager()
    access_unit_path = "unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["cycle", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="department_evaluation_unique")]
        verbose_name = _("department self-evaluation")
        verbose_name_plural = _("department self-evaluations")

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit}"
