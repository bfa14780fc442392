from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.models import BasicExpenditureLine, MoneyField, Project, Unit, UnitBudget

from .roles import Role
from .workflow import State


class Membership(models.Model):
    """Ties a user to the unit they work for and the role they hold there."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["unit__sort_order", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class AppendOnly(models.Model):
    """Rows that record what happened: written once, never changed or deleted by any code path."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")


class WorkflowEvent(AppendOnly):
    """One transition of a unit's submission or a project request, or an adjustment decision."""

    budget = models.ForeignKey(UnitBudget, on_delete=models.PROTECT, related_name="events")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)
    comment = models.TextField(_("reason or comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    @property
    def subject(self):
        return self.project or self.budget


class ReviewComment(AppendOnly):
    """A reviewer's comment on a whole item, one of its fields (``field:fiscal_amount``) or one
    of its rows (``sub_item:12``, ``indicator:34``)."""

    event = models.ForeignKey(
        WorkflowEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    budget = models.ForeignKey(UnitBudget, on_delete=models.PROTECT, related_name="review_comments")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="review_comments"
    )
    target = models.CharField(_("about"), max_length=60, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")

    def __str__(self) -> str:
        return f"{self.target or '—'}: {self.text[:40]}"


class Notification(models.Model):
    """An inbox entry: an event that concerns the recipient (they must act, or it is theirs)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(WorkflowEvent, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notification_once_per_event"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.event}"


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
        ]
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
