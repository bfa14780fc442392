"""Deadline reminders (issue #5): the policy per deadline kind and the reminder log (one row per
person, deadline, unit and step: the unique key that makes each reminder go out once). The emails
go through the one outbox (``core.mail``), the digest preference is on the membership.

Exactly once: the scan *records* who is due which reminder before anything is sent (a unique
row, so a second scan adds nothing); a message goes out only after its row has been switched to
``sent`` and committed, and the SMTP transaction is completed only after that commit (see
``delivery.py``). A worker that dies before the commit leaves the message to be sent again; one
that dies after it has already handed the message to the server.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from budgets.models import CycleDeadline, DeadlineKind
from core.models import OutboxMessage, Unit


class ReminderPolicy(models.Model):
    """When to remind, per kind of deadline. Editable in the admin; a kind without a row uses
    the defaults of the fields."""

    kind = models.CharField(_("deadline"), max_length=30, choices=DeadlineKind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    days_before = models.CharField(
        _("days before"),
        max_length=60,
        default="14,7,3,1",
        validators=[RegexValidator(r"^\d+(\s*,\s*\d+)*$", _("Whole numbers separated by commas."))],
        help_text=_("Reminders go out this many days before the deadline, e.g. 14,7,3,1."),
    )
    overdue_daily = models.BooleanField(_("daily when overdue"), default=True)
    stop_after_days = models.PositiveSmallIntegerField(
        _("stop after (days overdue)"),
        default=30,
        help_text=_("No reminder or escalation once a deadline is this many days past."),
    )
    escalate_to_head_after = models.PositiveSmallIntegerField(
        _("escalate to the unit head after (days overdue)"), null=True, blank=True, default=3
    )
    escalate_to_hq_after = models.PositiveSmallIntegerField(
        _("escalate to HQ after (days overdue)"), null=True, blank=True, default=7
    )

    class Meta:
        ordering = ["kind"]
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def offsets(self) -> list[int]:
        return sorted({int(part) for part in self.days_before.split(",") if part.strip()}, reverse=True)

    MAX_DAYS_BEFORE = 90

    def clean(self) -> None:
        """What makes a policy sensible, for the settings page and the admin alike."""
        errors = {}
        try:
            offsets = self.offsets
        except ValueError:
            offsets = []  # the field's own validator reports the format
        if any(days > self.MAX_DAYS_BEFORE for days in offsets):
            errors["days_before"] = _("At most %(days)s days before the deadline.") % {
                "days": self.MAX_DAYS_BEFORE
            }
        head, hq = self.escalate_to_head_after, self.escalate_to_hq_after
        if head is not None and hq is not None and hq < head:
            errors["escalate_to_hq_after"] = _(
                "HQ hears of it after the unit head, not before: at least %(days)s days."
            ) % {"days": head}
        for name, days in (("escalate_to_head_after", head), ("escalate_to_hq_after", hq)):
            if days is not None and days > self.stop_after_days and name not in errors:
                errors[name] = _("Reminders stop %(stop)s days after the deadline: escalate before that.") % {
                    "stop": self.stop_after_days
                }
        if errors:
            raise ValidationError(errors)


class ReminderLog(models.Model):
    """One reminder due to one person for one deadline, unit and step. Unique: recorded once."""

    deadline = models.ForeignKey(CycleDeadline, on_delete=models.CASCADE, verbose_name=_("deadline"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("recipient"),
    )
    step = models.CharField(_("step"), max_length=30)
    due_date = models.DateField(_("due date"))
    days_left = models.IntegerField(_("days left"), help_text=_("Negative when overdue."))
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "unit", "recipient", "step"],
                name="reminder_once_per_person_deadline_step",
            )
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminder log")

    def __str__(self) -> str:
        return f"{self.deadline} {self.unit} {self.recipient} {self.step}"

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)

    @property
    def step_label(self) -> str:
        kind, _sep, value = self.step.partition(":")
        if kind == "before":
            return _("%(days)s days before") % {"days": value}
        if kind == "overdue":
            return _("%(days)s days overdue") % {"days": value}
        if self.step == "escalation:head":
            return _("escalated to the unit head")
        if self.step == "escalation:hq":
            return _("escalated to HQ")
        return self.step


class WarningLog(models.Model):
    """One warning raised by a registered source (``reminders.registry``) for one person and
    step: ``warning`` to the unit's staff, ``escalation:hq`` to HQ. Unique: sent once."""

    source = models.CharField(_("source"), max_length=40)
    key = models.CharField(_("warning"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, verbose_name=_("unit"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="warnings",
        verbose_name=_("recipient"),
    )
    step = models.CharField(_("step"), max_length=30)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    raised_on = models.DateField(_("first raised"))
    message = models.ForeignKey(
        OutboxMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="warnings"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    access_unit_path = "unit"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient", "step"], name="warning_once_per_person_step")
        ]
        indexes = [models.Index(fields=["key"])]
        verbose_name = _("warning")
        verbose_name_plural = _("warning log")

    def __str__(self) -> str:
        return f"{self.key} {self.recipient} {self.step}"

    @property
    def step_label(self) -> str:
        return _("escalated to HQ") if self.step == "escalation:hq" else _("to the unit")
