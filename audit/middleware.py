"""Permission denials into the audit log, and the forced change of an expired password."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.policy import second_factor_pending

from .chain import append
from .models import AuditEntry, AuditKind


class PermissionDeniedAuditMiddleware:
    """Every 403 answer (pages, admin, API) is a permission denial in the audit log; so is a 404
    to a signed-in user at an address that exists (a view answered it, so not a mistyped URL):
    another unit's object answers 404 so as not to disclose it, and from outside that cannot be
    told from an object that is not there, so both are logged, as "not found or not visible"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code == 403:
            append(AuditKind.PERMISSION_DENIED, request=request, user=user)
        elif (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and user is not None
            and user.is_authenticated
        ):
            append(AuditKind.NOT_FOUND, request=request, user=user)
        return response


def password_changed_at(user):
    last = (
        AuditEntry.objects.filter(kind=AuditKind.PASSWORD_CHANGED, user_id=user.pk)
        .order_by("-id")
        .values_list("at", flat=True)
        .first()
    )
    return last or user.date_joined


def password_expired(user) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or not user.is_authenticated:
        return False
    return timezone.now() - password_changed_at(user) > timedelta(days=days)


class PasswordExpiryMiddleware:
    """A user whose password is older than PASSWORD_MAX_AGE_DAYS reaches no page but the
    password change (and logging out) until they change it."""

    ALLOWED = ("password_change", "password_change_done", "logout", "set_language", "otp_verify", "otp_enrol")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and password_expired(user)
        ):
            messages.warning(request, _("Your password has expired. Choose a new one to continue."))
            return redirect("password_change")
        return self.get_response(request)


class SecondFactorMiddleware:
    """A user who needs a second factor (core/policy.py) and has not given it in this session
    reaches only the code and enrolment pages (and logging out): every page, the admin's
    included, sends them there; a session-authenticated API call is refused (403)."""

    ALLOWED = ("otp_verify", "otp_enrol", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith("/" + settings.STATIC_URL.lstrip("/"))
            and request.path not in {reverse(name) for name in self.ALLOWED}
            and second_factor_pending(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Give the code of your authenticator app first (second factor).")},
                    status=403,
                )
            target = "otp_verify"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
