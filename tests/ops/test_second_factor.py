"""The second factor (TOTP, django-otp) for HQ's bureau-wide roles and the administrators
(等保 8.1.4.1 d; docs/security.md): enrolment at the first login, a code at every login, nothing
reachable before it (pages, the admin, the API), wrong codes audited and counted toward the
lockout; branch users are not asked. The rest of the suite runs with OTP_REQUIRED off."""

import re

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry, AuditKind
from core import policy

PASSWORD = "demo-2020"
pytestmark = pytest.mark.django_db


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _user(username):
    return get_user_model().objects.get(username=username)


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


PAGE = "/budgets/2020/baoan/"


def _held(client, url=PAGE):
    """The page sends the user to the second factor."""
    response = client.get(url)
    return response.status_code == 302 and response["Location"].startswith("/accounts/second-factor/?next=")


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _wrong(device):
    right = {_code(device, o) for o in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def _device(username):
    return TOTPDevice.objects.create(user=_user(username), name="phone", confirmed=True)


def test_a_first_login_enrols_with_an_inline_qr_code_and_a_confirming_code(client, demo, otp_on):
    response = _login(client, "hq_reviewer")
    assert response.status_code == 302
    # Every page sends the user to the second factor first, which sends a user without a device
    # to the enrolment.
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/second-factor/?next=")
    enrol = client.get(home["Location"], follow=True)
    page = enrol.content.decode()
    assert enrol.redirect_chain[-1][0].startswith("/accounts/second-factor/enrol/")
    assert "<svg" in page and 'data-testid="otp-secret"' in page
    assert "<img" not in page.split('data-testid="otp-qr"')[1].split("</div>")[0]  # inline, no image
    assert enrol["Cache-Control"] == "no-store"
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=_user("hq_reviewer"))
    assert not device.confirmed and len(secret) >= 32

    wrong = client.post("/accounts/second-factor/enrol/", {"code": _wrong(device)})
    assert wrong.status_code == 200 and "is-invalid" in wrong.content.decode()
    assert _held(client)
    device.refresh_from_db()
    assert not device.confirmed

    done = client.post("/accounts/second-factor/enrol/", {"code": _code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(PAGE).status_code == 200
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200
    # The key is never shown again: the enrolment page now sends the user on.
    assert client.get("/accounts/second-factor/enrol/").status_code == 302
    kinds = list(AuditEntry.objects.filter(username="hq_reviewer").values_list("kind", flat=True))
    assert AuditKind.OTP_ENROLLED in kinds and AuditKind.OTP_FAILED in kinds


def test_with_a_device_every_login_asks_for_the_code_before_anything(client, demo, otp_on):
    device = _device("admin")
    _login(client, "admin")
    assert client.get("/budgets/2020/baoan/")["Location"].startswith("/accounts/second-factor/?next=")
    # The admin too, and the admin's own check (core/policy.py) says no until the code.
    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/accounts/second-factor/")
    # A session-authenticated API call is refused, and the refusal is audited as a 403.
    api = client.get("/api/v1/units/")
    assert api.status_code == 403
    assert AuditEntry.objects.filter(kind=AuditKind.PERMISSION_DENIED, path="/api/v1/units/").exists()
    # The enrolment is not offered to a user who has a device.
    assert client.get("/accounts/second-factor/enrol/")["Location"].startswith("/accounts/second-factor/?")

    verify = client.get("/accounts/second-factor/")
    assert verify.status_code == 200 and "<svg" not in verify.content.decode()
    assert "第二因素认证" in verify.content.decode()  # the page in Chinese
    ok = client.post("/accounts/second-factor/", {"code": _code(device), "next": "/budgets/2020/baoan/"})
    assert ok["Location"] == "/budgets/2020/baoan/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/units/").status_code == 200

    # The next login asks again.
    client.post("/accounts/logout/")
    _login(client, "admin")
    assert _held(client)


def test_the_next_address_stays_on_this_site(client, demo, otp_on):
    device = _device("hq_approver")
    _login(client, "hq_approver")
    ok = client.post("/accounts/second-factor/", {"code": _code(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/"


def test_branch_users_are_not_asked(client, demo, otp_on):
    _login(client, "baoan_preparer")
    assert client.get(PAGE).status_code == 200
    assert client.get("/api/v1/units/").status_code == 200
    assert not TOTPDevice.objects.filter(user=_user("baoan_preparer")).exists()
    assert not policy.needs_second_factor(_user("baoan_preparer"))


@pytest.mark.parametrize(
    ("username", "needs"),
    [("hq_reviewer", True), ("hq_approver", True), ("auditor", True), ("admin", True), ("hq_head", False)],
)
def test_who_needs_the_second_factor(demo, otp_on, username, needs):
    assert policy.needs_second_factor(_user(username)) is needs


def test_a_superuser_without_a_role_needs_it_too(demo, otp_on):
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", "x-Strong-pass-1")
    assert policy.needs_second_factor(root)
    assert not policy.can_use_admin(root)  # no is_verified: not past the second factor


def test_off_the_setting_nobody_is_asked(client, demo, settings):
    settings.OTP_REQUIRED = False
    _login(client, "hq_reviewer")
    assert client.get(PAGE).status_code == 200


def test_five_wrong_codes_lock_the_account_and_the_password_does_not_reset_the_count(
    client, demo, otp_on, axes_on
):
    device = _device("auditor")
    _login(client, "auditor")
    for _ in range(3):
        assert client.post("/accounts/second-factor/", {"code": _wrong(device)}).status_code == 200
    # Logging in again with the right password does not start the count again.
    client.post("/accounts/logout/")
    assert _login(client, "auditor").status_code == 302
    assert client.post("/accounts/second-factor/", {"code": _wrong(device)}).status_code == 200
    locked = client.post("/accounts/second-factor/", {"code": _wrong(device)})
    assert locked.status_code == 429 and 'data-testid="locked-out"' in locked.content.decode()
    assert "_auth_user_id" not in client.session  # the session ended
    # Locked: even the right password and the right code get nowhere.
    assert _login(client, "auditor").status_code == 429
    kinds = list(AuditEntry.objects.filter(username="auditor").values_list("kind", flat=True))
    assert kinds.count(AuditKind.OTP_FAILED) == 5
    assert AuditKind.LOCKOUT in kinds


def test_a_right_code_resets_the_count(client, demo, otp_on, axes_on):
    device = _device("hq_reviewer")
    _login(client, "hq_reviewer")
    for _ in range(4):
        client.post("/accounts/second-factor/", {"code": _wrong(device)})
    assert client.post("/accounts/second-factor/", {"code": _code(device)}).status_code == 302
    client.post("/accounts/logout/")
    _login(client, "hq_reviewer")
    for _ in range(4):
        assert client.post("/accounts/second-factor/", {"code": _wrong(device)}).status_code == 200
    assert client.post("/accounts/second-factor/", {"code": _code(device, 1)}).status_code == 302
