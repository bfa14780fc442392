"""The base of every app: the bureau's units, who works where in which role, the one event log
of every state machine, and each person's inbox.

Nothing here imports from another app of the project: budgets, review, performance, disclosure
and reminders all stand on this (README, "Architecture").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role

# --- Organisation ---------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    HQ = "hq", _("Headquarters")
    BRANCH = "branch", _("Branch")
    SPECIAL = "special", _("Special funds")


class Unit(models.Model):
    """A budget unit (预算单位): HQ 本级, a district branch, or the special-funds unit."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    access_unit_path = "pk"

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.short_name

    @property
    def has_basic_expenditure(self) -> bool:
        return self.kind != UnitKind.SPECIAL


class ServiceStation(models.Model):
    """A service station (管理站) owned by a branch."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="stations", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["unit__sort_order", "name"]
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Ties a user to the unit they work for and the role they hold there (one row: the role
    is never stored twice). ``daily_digest``: the person prefers one email a day."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    daily_digest = models.BooleanField(
        _("one digest email a day"),
        default=False,
        help_text=_("Collect reminders and workflow emails into one email a day."),
    )

    class Meta:
        ordering = ["unit__sort_order", "role", "user__username"]
        indexes = [models.Index(fields=["role", "unit"])]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.role_label}"

    @property
    def role_label(self) -> str:
        """The role as the person's unit calls it: a preparer of 局本级 is not a branch's."""
        staff_labels = {
            UnitKind.HQ: {"branch_preparer": _("HQ-level preparer"), "branch_head": _("HQ-level head")},
            UnitKind.SPECIAL: {"branch_preparer": _("Unit preparer"), "branch_head": _("Unit head")},
        }
        label = staff_labels.get(self.unit.kind, {}).get(self.role)
        return str(label) if label else self.get_role_display()


# --- What happened: the one event log --------------------------------------------------------


class EventType(models.TextChoices):
    # A unit's submission and each project request (budgets.workflow.REQUEST).
    SUBMIT = "submit", _("Submit to the branch head")
    SEND_BACK = "send_back", _("Send back to the preparer")
    SIGN_OFF = "sign_off", _("Sign off and submit to HQ")
    WITHDRAW = "withdraw", _("Withdraw")
    START_REVIEW = "start_review", _("Start review")
    CUT = "cut", _("Cut the amount")
    RETURN = "return", _("Return for revision")
    RECOMMEND = "recommend", _("Recommend approval")
    APPROVE = "approve", _("Approve")
    PUBLISH = "publish", _("Publish")
    # Budget adjustments (approvals.workflow.ADJUSTMENT), recorded on the item adjusted.
    ADJUSTMENT_REQUEST = "adjustment_request", _("Adjustment requested")
    ADJUSTMENT_SIGN_OFF = "adjustment_sign_off", _("Adjustment signed off by the branch head")
    ADJUSTMENT_SEND_BACK = "adjustment_send_back", _("Adjustment sent back by the branch head")
    ADJUSTMENT_RECOMMEND = "adjustment_recommend", _("Adjustment recommended for approval")
    ADJUSTMENT_RETURN = "adjustment_return", _("Adjustment returned for revision")
    ADJUSTMENT_RESUBMIT = "adjustment_resubmit", _("Adjustment revised and asked again")
    ADJUSTMENT_WITHDRAW = "adjustment_withdraw", _("Adjustment withdrawn")
    ADJUSTMENT_APPROVE = "adjustment_approve", _("Adjustment approved")
    ADJUSTMENT_REJECT = "adjustment_reject", _("Adjustment rejected")
    # Performance: monitoring reports, evaluations, target changes (performance.workflow).
    REPORT_SUBMIT = "report_submit", _("Submitted to HQ")
    REPORT_APPROVE = "report_approve", _("Approved by HQ")
    REPORT_RETURN = "report_return", _("Returned by HQ")
    REPORT_START = "report_start", _("Started")
    TARGET_CHANGE_REQUEST = "target_change_request", _("Target change requested")
    TARGET_CHANGE_APPROVE = "target_change_approve", _("Target change approved")
    TARGET_CHANGE_REJECT = "target_change_reject", _("Target change rejected")
    TARGETS_SAVED = "targets_saved", _("Targets saved")
    MONITORING_OPEN = "monitoring_open", _("Monitoring round opened")
    SPENDING_IMPORT = "spending_import", _("Spending imported")
    # The yearly cycle (budgets.cycles).
    CYCLE_START = "cycle_start", _("Budget cycle started")


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


class Event(AppendOnly):
    """One transition of any state machine (a unit's submission, a project request, an
    adjustment, a target change, a monitoring report, an evaluation) or another recorded act.
    Written only by ``core.workflow`` (transitions) and ``core.events.record``."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("unit")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("reason or comment"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    access_unit_path = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "type"])]
        verbose_name = _("event")
        verbose_name_plural = _("event log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.get_type_display()}"

    @property
    def action(self) -> str:
        return self.type


class EventComment(AppendOnly):
    """A reviewer's comment that goes with an event: on the whole item, one of its fields
    (``field:fiscal_amount``) or one of its rows (``sub_item:12``, ``indicator:34``)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="comments")
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
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event"], name="notification_once_per_event"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.recipient} · {self.event}"


# --- The outbox: every email of the application ----------------------------------------------


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will retry")
    GAVE_UP = "gave_up", _("Failed, gave up")
    IN_DIGEST = "in_digest", _("Sent in a digest")


class MessageKind(models.TextChoices):
    WORKFLOW = "workflow", _("Workflow")
    REMINDER = "reminder", _("Deadline reminder")
    EXPORT = "export", _("Export ready")
    DIGEST = "digest", _("Daily digest")


class OutboxMessage(models.Model):
    """One email, rendered (Chinese, then English) when it was recorded, written in the same
    transaction as the change it reports, and sent at most once by a worker (``core.delivery``).
    A message for someone who chose the daily digest waits (``for_digest``) until the digest
    collects it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="outbox_messages",
        verbose_name=_("recipient"),
    )
    email = models.EmailField(_("address"))
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    for_digest = models.BooleanField(_("waits for the daily digest"), default=False)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="collected",
        verbose_name=_("sent in digest"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim_token = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "for_digest", "created_at"])]
        verbose_name = _("email")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.email} {self.subject}"
