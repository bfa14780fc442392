"""The project library (项目库, issue #13): a project's identity across years, its ex-ante
assessment, its three-year plan, the rules that turn last year's results into a suggested
amount, and the record of what the HQ reviewer decided beside that suggestion.

A year's request stays a ``budgets.Project``; :class:`LibraryYear` links it to its library
entry, so that nothing in ``budgets`` knows the library exists (it sits above, layer 3).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.models import BudgetCycle, MoneyField, Project, ProjectCategory, non_negative
from core.models import AppendOnly, Unit
from core.policy import RestrictedManager


class ProjectKind(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    RECURRING = "recurring", _("Recurring")
    CONTINUING = "continuing", _("Continuing")


class LibraryState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed (reserve)")
    ADMITTED = "admitted", _("Admitted to the library")
    BUDGETED = "budgeted", _("Taken into a budget")
    EXECUTING = "executing", _("In execution")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A unit's staff edit a library project's description while it is proposed, and its plan while
# it is alive; a completed or withdrawn project is a record.
EDITABLE_STATES = frozenset({LibraryState.PROPOSED})
OPEN_STATES = frozenset(
    {LibraryState.PROPOSED, LibraryState.ADMITTED, LibraryState.BUDGETED, LibraryState.EXECUTING}
)


class LibraryProject(models.Model):
    """A project as it lasts across years: its code, kind, unit and lifecycle state."""

    code = models.CharField(_("library code"), max_length=40, unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="library_projects", verbose_name=_("unit")
    )
    name = models.CharField(_("project name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    category = models.ForeignKey(
        ProjectCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    content = models.TextField(_("content"), blank=True)
    necessity = models.TextField(_("why it is needed"), blank=True)
    midterm_goal = models.TextField(_("mid-term goal"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=LibraryState.choices, default=LibraryState.PROPOSED, db_index=True
    )
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)

    objects = RestrictedManager()
    access_unit_path = "unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["unit__sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")) | models.Q(last_year__isnull=True),
                name="library_years_ordered",
            )
        ]
        verbose_name = _("library project")
        verbose_name_plural = _("project library")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class LibraryYear(models.Model):
    """One year's request of a library project: the link from a ``budgets.Project`` to its entry,
    and the reason the request departs from last year's plan for this year, when it does."""

    library_project = models.ForeignKey(
        LibraryProject, on_delete=models.PROTECT, related_name="years", verbose_name=_("library project")
    )
    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="library_year", verbose_name=_("year's request")
    )
    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle")
    )
    plan_departure_reason = models.TextField(_("reason for departing from the plan"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "library_project__unit"
    access_state_path = "project__state"
    access_editable_states = frozenset({"draft", "returned"})

    class Meta:
        ordering = ["library_project", "cycle__year"]
        constraints = [
            models.UniqueConstraint(fields=["library_project", "cycle"], name="library_one_request_a_year")
        ]
        verbose_name = _("year of a library project")
        verbose_name_plural = _("years of library projects")

    def __str__(self) -> str:
        return f"{self.library_project.code} · {self.cycle.year}"


class PlanRow(models.Model):
    """中期财政规划: the amount planned for ``year`` in the plan made for cycle ``made_in``
    (years Y, Y+1, Y+2). Rolling forward copies a plan into the next cycle's; last year's plan
    for this year is what a request is compared with."""

    library_project = models.ForeignKey(
        LibraryProject, on_delete=models.CASCADE, related_name="plan_rows", verbose_name=_("library project")
    )
    made_in = models.PositiveSmallIntegerField(_("plan of the year"))
    year = models.PositiveSmallIntegerField(_("planned year"))
    amount = MoneyField(_("planned amount (yuan)"))
    target = models.TextField(_("target for the year"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "library_project__unit"

    class Meta:
        ordering = ["library_project", "made_in", "year"]
        constraints = [
            models.UniqueConstraint(fields=["library_project", "made_in", "year"], name="plan_row_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=models.F("made_in"))
                & models.Q(year__lte=models.F("made_in") + 2),
                name="plan_row_within_three_years",
            ),
            *non_negative("plan_row", "amount"),
        ]
        verbose_name = _("plan row")
        verbose_name_plural = _("three-year plan")

    def __str__(self) -> str:
        return f"{self.library_project.code} {self.made_in}: {self.year}"


class LibrarySettings(models.Model):
    """Per cycle: a project asking more than ``assessment_threshold`` in that year needs an
    ex-ante assessment made for that cycle, even if it was assessed when it entered the library."""

    cycle = models.OneToOneField(
        BudgetCycle, on_delete=models.CASCADE, related_name="library_settings", verbose_name=_("cycle")
    )
    assessment_threshold = MoneyField(_("assessment threshold (yuan)"), default=Decimal("5000000.00"))

    class Meta:
        verbose_name = _("library settings")
        verbose_name_plural = _("library settings")

    def __str__(self) -> str:
        return str(self.cycle)


class Conclusion(models.TextChoices):
    SUPPORT = "support", _("Supported")
    PARTIAL = "partial", _("Partly supported")
    REJECT = "reject", _("Not supported")


SUPPORTED = frozenset({Conclusion.SUPPORT, Conclusion.PARTIAL})
DIMENSION_MAX = Decimal(20)
DIMENSIONS = ("necessity", "feasibility", "target_quality", "cost", "funding")


def _score(label):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(DIMENSION_MAX)],
    )


class Assessment(AppendOnly):
    """事前绩效评估 by HQ: five dimensions of 20 points each, a conclusion and its reasons.
    Append-only: a second look is a new assessment; the latest counts."""

    library_project = models.ForeignKey(
        LibraryProject,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("library project"),
    )
    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.PROTECT, related_name="+", verbose_name=_("cycle")
    )
    necessity = _score(_("necessity"))
    feasibility = _score(_("feasibility"))
    target_quality = _score(_("quality of the targets"))
    cost = _score(_("reasonableness of the cost"))
    funding = _score(_("funding"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    reasons = models.TextField(_("reasons"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    assessed_at = models.DateTimeField(_("assessed"), auto_now_add=True)

    objects = RestrictedManager()
    access_unit_path = "library_project__unit"

    class Meta:
        ordering = ["-assessed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{d}__gte": 0}) & models.Q(**{f"{d}__lte": DIMENSION_MAX}),
                name=f"assessment_{d}_in_range",
            )
            for d in DIMENSIONS
        ]
        verbose_name = _("ex-ante assessment")
        verbose_name_plural = _("ex-ante assessments")

    def __str__(self) -> str:
        return f"{self.library_project.code} {self.cycle.year} {self.get_conclusion_display()}"

    @property
    def total(self) -> Decimal:
        return sum((getattr(self, d) for d in DIMENSIONS), Decimal(0))

    @property
    def supports(self) -> bool:
        return self.conclusion in SUPPORTED


# --- Suggestion rules (rules as data, editable by HQ in the admin) ----------------------------


class Condition(models.TextChoices):
    GRADE = "grade", _("Last self-evaluation grade is")
    EXECUTION_BELOW = "execution_below", _("Execution rate below (%)")
    RED_LIGHTS = "red_lights", _("Red monitoring lights at least")


class Effect(models.TextChoices):
    CUT_REQUEST = "cut_request", _("Cut a share of the request (%)")
    CUT_UNSPENT = "cut_unspent", _("Cut a share of last year's unspent money (%)")
    RAISE_REQUEST = "raise_request", _("Allow a raise above the request (%)")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class SuggestionRule(models.Model):
    """When ``condition`` holds for a continuing project, ``effect`` applies ``percent``."""

    name = models.CharField(_("rule"), max_length=100, unique=True)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=7, decimal_places=2, null=True, blank=True)
    effect = models.CharField(_("effect"), max_length=20, choices=Effect.choices)
    percent = models.DecimalField(
        _("percent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100), name="rule_percent_in_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(condition="grade") | ~models.Q(grade=""), name="rule_grade_names_a_grade"
            ),
            models.CheckConstraint(
                condition=models.Q(condition="grade") | models.Q(threshold__isnull=False),
                name="rule_threshold_given",
            ),
        ]
        verbose_name = _("suggestion rule")
        verbose_name_plural = _("suggestion rules")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The admin's form says what the database constraints hold."""
        if self.condition == Condition.GRADE and not self.grade:
            raise ValidationError({"grade": _("Choose the grade this rule reads.")})
        if self.condition != Condition.GRADE and self.threshold is None:
            raise ValidationError({"threshold": _("Give the threshold this rule compares with.")})


class SuggestionDecision(AppendOnly):
    """What the HQ reviewer or approver decided on a year's request beside the suggestion: the
    request, the suggestion with its reasons, and the amount decided. Written with the
    transition's event, in its transaction."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="suggestion_decisions",
        verbose_name=_("year's request"),
    )
    event = models.OneToOneField(
        "core.Event", on_delete=models.PROTECT, related_name="+", verbose_name=_("event")
    )
    requested = MoneyField(_("requested (yuan)"))
    suggested = MoneyField(_("suggested (yuan)"))
    decided = MoneyField(_("decided (yuan)"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    objects = RestrictedManager()
    access_unit_path = "project__budget__unit"

    class Meta:
        ordering = ["-event__created_at", "-id"]
        verbose_name = _("decision beside the suggestion")
        verbose_name_plural = _("decisions beside the suggestion")

    def __str__(self) -> str:
        return f"{self.project} {self.decided}"

    @property
    def distance(self) -> Decimal:
        """How far the decision is from the suggestion (positive: more than suggested)."""
        return self.decided - self.suggested
