"""The second factor (TOTP, django-otp): enrolment at the first login, then a code at every login.

Which users need it is core/policy.py's (``needs_second_factor``); SecondFactorMiddleware keeps
them on these pages until they have given a code. A wrong code is a failed login: it goes to the
audit log (``otp_failed``) and counts toward django-axes' lockout of the account, which only a
complete login (password and code) resets.
"""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.policy import second_factor_pending

from .chain import append
from .models import AuditKind
from .signals import reset_failures


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Code from the authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": gettext_lazy("Enter the six digits the app shows.")},
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(name: str, request):
    return redirect(f"{reverse(name)}?{urlencode({'next': _next_url(request)})}")


def _locked(request) -> bool:
    return settings.AXES_ENABLED and AxesProxyHandler.is_locked(
        request, {"username": request.user.get_username()}
    )


def _locked_out(request):
    """The account is locked (by wrong passwords or wrong codes): the session ends, and the
    lockout page says so (django-axes' middleware answers with it)."""
    logout(request)
    request.axes_locked_out = True
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


def _failed(request, form: CodeForm):
    user = request.user
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "second_factor": True},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        return _locked_out(request)
    form.add_error("code", _("That code is not right. Check the app and the time on your phone."))
    return None


def _verified(request, device: TOTPDevice):
    otp_login(request, device)
    reset_failures(request.user)
    return redirect(_next_url(request))


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    if not second_factor_pending(request.user):
        return redirect(_next_url(request))
    device = _confirmed_device(request.user)
    if device is None:
        return _to("otp_enrol", request)
    if _locked(request):
        return _locked_out(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"].strip()):
            return _verified(request, device)
        locked = _failed(request, form)
        if locked is not None:
            return locked
    elif request.method == "POST":
        locked = _failed(request, form)
        if locked is not None:
            return locked
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """A QR code (inline SVG, drawn here by segno: nothing from another host) and the secret in
    letters, shown until the user confirms with a first code; never again after that: a lost
    phone is the security administrator's to reset (delete the device in the admin)."""
    user = request.user
    if not second_factor_pending(user):
        return redirect(_next_url(request))
    if _confirmed_device(user) is not None:
        return _to("otp_verify", request)
    if _locked(request):
        return _locked_out(request)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and device.verify_token(form.cleaned_data["code"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            append(AuditKind.OTP_ENROLLED, request=request, user=user)
            return _verified(request, device)
        locked = _failed(request, form)
        if locked is not None:
            return locked
    secret = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("QR code for the authenticator app")
    )
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": qr,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    response = render(request, "registration/otp_enrol.html", context)
    response["Cache-Control"] = "no-store"
    return response
