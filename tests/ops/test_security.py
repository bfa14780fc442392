"""等保 2.0 level-3 controls (docs/security.md maps each clause to these tests): lockout, idle
timeout, password policy and expiry, the admin for HQ and administrators only, the CSP header,
and loaddemo under production settings."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry, AuditKind

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-2020"
pytestmark = pytest.mark.django_db


def _user(username):
    return get_user_model().objects.get(username=username)


def _login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


# --- Login lockout (django-axes) --------------------------------------------------------------


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def test_five_failures_lock_the_account_even_with_the_right_password(client, demo, axes_on):
    for _ in range(5):
        response = _login(client, "baoan_preparer", "wrong-guess")
    locked = _login(client, "baoan_preparer", PASSWORD)
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    assert "_auth_user_id" not in client.session
    kinds = list(AuditEntry.objects.filter(username="baoan_preparer").values_list("kind", flat=True))
    assert kinds.count(AuditKind.LOGIN_FAILED) >= 5
    assert AuditKind.LOCKOUT in kinds
    assert response.status_code in {200, 429}


def test_the_lockout_is_per_account_not_per_address(client, demo, axes_on):
    for _ in range(5):
        _login(client, "baoan_preparer", "wrong-guess")
    # A colleague behind the same branch address still logs in.
    assert _login(client, "baoan_head").status_code == 302


def test_the_account_opens_again_after_the_cool_off(client, demo, axes_on, settings):
    for _ in range(5):
        _login(client, "luohu_preparer", "wrong-guess")
    assert _login(client, "luohu_preparer").status_code == 429
    # Thirty-one minutes later (the attempts' time moved back as the clock would have).
    AccessAttempt.objects.filter(username="luohu_preparer").update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert _login(client, "luohu_preparer").status_code == 302


def test_four_failures_then_a_success_reset_the_count(client, demo, axes_on):
    for _ in range(4):
        _login(client, "luohu_head", "wrong-guess")
    assert _login(client, "luohu_head").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        _login(client, "luohu_head", "wrong-guess")
    assert _login(client, "luohu_head").status_code == 302


# --- Idle session timeout ---------------------------------------------------------------------


def test_sessions_end_after_thirty_idle_minutes_and_at_browser_close(client, demo, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert _login(client, "baoan_preparer").status_code == 302
    response = client.get("/budgets/2020/baoan/")
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # a browser-session cookie: gone when the browser closes
    session = Session.objects.get(session_key=client.session.session_key)
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)


def test_activity_renews_the_session_and_idleness_ends_it(client, demo):
    _login(client, "baoan_preparer")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/budgets/2020/baoan/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - timezone.now() > timedelta(minutes=29)  # the request renewed it
    # Idle: the session's time ran out (as thirty minutes without a request would do).
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/budgets/2020/baoan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Shebao-2026x", True),
        ("shebao2026xy", False),  # lower case and digits: two kinds of the four
        ("Sb-26!x", False),  # too short
        ("shebaojuyusuan", False),  # one kind
        ("1234567890123", False),
    ],
)
def test_the_password_policy(password, ok, demo):
    user = _user("baoan_preparer")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_an_expired_password_must_be_changed_before_anything_else(client, demo, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = _user("luohu_head")
    get_user_model().objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=91))
    client.force_login(user)
    response = client.get("/budgets/2020/luohu/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert weak.status_code == 200 and "is-invalid" in weak.content.decode()
    done = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Luohu-Budget-26", "new_password2": "Luohu-Budget-26"},
    )
    assert done.status_code == 302
    assert client.get("/budgets/2020/luohu/").status_code == 200
    assert AuditEntry.objects.filter(kind=AuditKind.PASSWORD_CHANGED, username="luohu_head").exists()


# --- The admin: HQ and administrators only (core/policy.py) ------------------------------------


@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("admin", True),
        ("hq_reviewer", True),
        ("hq_approver", True),
        ("auditor", True),
        ("baoan_preparer", False),
        ("hq_preparer", False),
    ],
)
def test_the_admin_is_for_hq_and_administrators_only(client, demo, username, allowed):
    user = _user(username)
    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)  # even if someone ticked it
    client.force_login(_user(username))
    page = client.get("/accounts/password/").content.decode()  # any page: its menu
    assert ('href="/admin/"' in page) is allowed  # the menu offers the admin only to those it admits
    response = client.get("/admin/")
    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_names_the_security_sections_in_chinese(client, demo):
    client.force_login(_user("audit_admin"))  # the security records are the audit administrator's
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "安全审计" in html and "审计日志" in html  # audit/
    assert "登录锁定" in html and "登录尝试记录" in html  # django-axes, translated in locale/zh_Hans
    assert "Axes" not in html and "Access attempts" not in html


# --- Content-Security-Policy --------------------------------------------------------------------


def test_pages_carry_a_csp_without_inline_scripts(client, demo):
    client.force_login(_user("hq_reviewer"))
    for url in ["/", "/budgets/2020/baoan/", "/admin/", "/api/docs/", "/api/redoc/", "/accounts/login/"]:
        response = client.get(url, follow=True)
        policy = response.headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'"
        assert "default-src" in directives


def test_the_api_documentation_loads_nothing_from_another_host(client, demo):
    client.force_login(_user("hq_reviewer"))
    for url in ["/api/docs/", "/api/redoc/"]:
        html = client.get(url).content.decode()
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assert assets, url
        assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets), (url, assets)
    bundle = client.get("/api/redoc/redoc.standalone.js")
    assert bundle.status_code == 200 and bundle["Content-Type"].startswith("text/javascript")
    body = b"".join(bundle.streaming_content) if bundle.streaming else bundle.content
    assert b"cdn.redoc.ly" not in body
    assert b"Redoc" in body  # the real bundle, with only the logo's address replaced


def test_no_template_has_an_inline_script_or_event_handler():
    offending = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offending.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in re.finditer(r"\son[a-z]+=\"", text):
            offending.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offending, offending


# --- loaddemo -------------------------------------------------------------------------------------


def test_loaddemo_refuses_under_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="a-long-enough-secret-for-the-loaddemo-test-0123456789abcdef",
        ALLOWED_HOSTS="budget.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
        FILE_STORAGE="filesystem",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "loaddemo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "loaddemo refuses to run under production settings" in result.stderr
    assert not (tmp_path / "prod.sqlite3").exists() or os.path.getsize(tmp_path / "prod.sqlite3") == 0


def test_loaddemo_never_resets_a_changed_password(demo):
    user = _user("baoan_head")
    user.set_password("Baoan-Own-2026")
    user.save()
    call_command("loaddemo")
    assert _user("baoan_head").check_password("Baoan-Own-2026")
