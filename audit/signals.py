"""What goes into the audit log, from Django's and django-axes's own signals."""

from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from core.policy import needs_second_factor

from .chain import append
from .models import AuditKind


@receiver(user_logged_in, dispatch_uid="audit.login")
def _login(sender, request, user, **kwargs):
    append(AuditKind.LOGIN, request=request, user=user)
    # The failed-login count starts again once the login is complete: now for a user without a
    # second factor, after the code for the others (audit/views.py).
    if not needs_second_factor(user):
        reset_failures(user)


def reset_failures(user):
    if settings.AXES_ENABLED:
        axes_reset(username=user.get_username())


@receiver(user_logged_out, dispatch_uid="audit.logout")
def _logout(sender, request, user, **kwargs):
    if user is not None:
        append(AuditKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Never the password: Django has already replaced it with stars in ``credentials``. A wrong
    # second-factor code comes the same way (audit/views.py), so that django-axes counts it.
    kind = AuditKind.OTP_FAILED if credentials.get("second_factor") else AuditKind.LOGIN_FAILED
    append(kind, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="audit.lockout")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    append(AuditKind.LOCKOUT, request=request, username=username or "")


@receiver(pre_save, sender=get_user_model(), dispatch_uid="audit.password_before")
def _password_before(sender, instance, **kwargs):
    if instance.pk is None:
        instance._audit_password_changed = False
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._audit_password_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=get_user_model(), dispatch_uid="audit.password_after")
def _password_after(sender, instance, created, **kwargs):
    if getattr(instance, "_audit_password_changed", False):
        instance._audit_password_changed = False
        append(AuditKind.PASSWORD_CHANGED, user=instance)
