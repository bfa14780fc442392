"""The security audit log (等保 2.0 安全审计): logins, logouts, failed logins, lockouts,
permission denials (403s, and 404s of a page or API address that exists: another unit's object
answers 404 so as not to disclose it) and password changes, append-only and chained by SHA-256 (audit/chain.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class AuditKind(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGOUT = "logout", _("Logout")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Account locked out")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")
    NOT_FOUND = "not_found", _("Object not found or not visible")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PURGE = "purge", _("Old entries purged")
    OTP_FAILED = "otp_failed", _("Wrong second-factor code")
    OTP_ENROLLED = "otp_enrolled", _("Second factor enrolled")


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("the audit log is append-only")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only: old entries go through purge_audit_log")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=AuditKind.choices, db_index=True)
    username = models.CharField(_("username"), max_length=150, blank=True, db_index=True)
    # No foreign key: deleting a user must neither delete nor change their entries.
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only")


class SecondFactorDevice(TOTPDevice):
    """A user's authenticator app (django-otp's TOTP device), under this app's name in the admin:
    the security administrator sees who has one and deletes it to reset a lost phone (the
    user enrols again at the next login). Its secret is never shown in the admin."""

    class Meta:
        proxy = True
        verbose_name = _("second-factor device")
        verbose_name_plural = _("second-factor devices")
