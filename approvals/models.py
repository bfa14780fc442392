from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.models import BasicExpenditureLine, MoneyField, Project, UnitBudget, non_negative
from core.policy import RestrictedManager


class AdjustmentState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AdjustmentRequest(models.Model):
    """预算调整: a change to an approved project's amount, or to a basic-expenditure line of an
    approved unit submission, with its own approval. The original and the adjusted amounts are
    both kept; the change is applied only when approved. (A basic line has one amount: it is
    kept in the fiscal fields, the other funds staying zero.)"""

    budget = models.ForeignKey(UnitBudget, on_delete=models.PROTECT, related_name="adjustments")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    basic_line = models.ForeignKey(
        BasicExpenditureLine, on_delete=models.PROTECT, null=True, blank=True, related_name="adjustments"
    )
    original_fiscal_amount = MoneyField(_("original fiscal funds"))
    original_other_amount = MoneyField(_("original other funds"))
    adjusted_fiscal_amount = MoneyField(_("adjusted fiscal funds"))
    adjusted_other_amount = MoneyField(_("adjusted other funds"))
    adjusted_sub_items = models.JSONField(
        _("adjusted sub-items"),
        default=dict,
        blank=True,
        help_text=_("Of an itemised project: the new amount of each sub-item, by its id, in yuan."),
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=AdjustmentState.choices, default=AdjustmentState.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "budget__unit"

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state="pending"),
                name="one_pending_adjustment_per_project",
            ),
            models.UniqueConstraint(
                fields=["basic_line"],
                condition=models.Q(state="pending"),
                name="one_pending_adjustment_per_basic_line",
            ),
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, basic_line__isnull=True)
                | models.Q(project__isnull=True, basic_line__isnull=False),
                name="adjustment_of_a_project_or_a_basic_line",
            ),
            *non_negative(
                "adjustment",
                "original_fiscal_amount",
                "original_other_amount",
                "adjusted_fiscal_amount",
                "adjusted_other_amount",
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="adjustment_review_queue")]
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")

    def __str__(self) -> str:
        return f"{self.subject} {self.original_amount} → {self.adjusted_amount}"

    @property
    def subject(self):
        return self.project or self.basic_line

    @property
    def original_amount(self) -> Decimal:
        return self.original_fiscal_amount + self.original_other_amount

    @property
    def adjusted_amount(self) -> Decimal:
        return self.adjusted_fiscal_amount + self.adjusted_other_amount

    @property
    def delta(self) -> Decimal:
        return self.adjusted_amount - self.original_amount

    def sub_item_amounts(self) -> dict[int, Decimal]:
        """The adjusted amount of each sub-item, by its id (empty: the project is not itemised)."""
        return {int(pk): Decimal(amount) for pk, amount in (self.adjusted_sub_items or {}).items()}

    @property
    def subject_initial_amount(self) -> Decimal:
        """年初预算 of the item adjusted: its amount before every approved adjustment."""
        from .selectors import initial_amount

        return initial_amount(self.subject)


class ReviewQueueProject(Project):
    """“待我审核”: the project requests waiting for the signed-in HQ user (admin queue)."""

    class Meta:
        proxy = True
        verbose_name = _("project waiting for me")
        verbose_name_plural = _("待我审核 · projects")


class ReviewQueueBudget(UnitBudget):
    """“待我审核”: the unit submissions waiting for the signed-in HQ user (admin queue)."""

    class Meta:
        proxy = True
        verbose_name = _("unit submission waiting for me")
        verbose_name_plural = _("待我审核 · unit submissions")
