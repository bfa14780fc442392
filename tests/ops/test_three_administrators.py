"""The three administrators kept apart (三员, 等保 8.1.5.1–8.1.5.3; docs/security.md): the system
administrator keeps the other roles' accounts and the configuration but neither reads the audit
log nor touches lockouts, second-factor devices or the administrators' accounts; the security
administrator keeps those; the audit administrator only reads the audit log. Each refusal is on
the server (core/policy.py), through the admin."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.chain import append
from audit.models import AuditKind
from audit.separation import problems
from core import policy
from core.models import Membership, Unit, UnitKind
from core.roles import Role

pytestmark = pytest.mark.django_db
User = get_user_model()


def _user(username):
    return User.objects.get(username=username)


def _as(client, username):
    client.force_login(_user(username))
    return client


@pytest.fixture
def system_admin(demo):
    """A system administrator who is not a superuser (the demo's `admin` is one, for the local
    demo only)."""
    user = User.objects.create_user("sysadmin", password="x-Strong-pass-1", is_staff=True)
    Membership.objects.create(user=user, unit=Unit.objects.get(kind=UnitKind.HQ), role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def attempt(demo):
    return AccessAttempt.objects.create(
        username="baoan_preparer",
        ip_address="10.0.0.1",
        user_agent="x",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )


@pytest.fixture
def device(demo):
    return TOTPDevice.objects.create(user=_user("hq_reviewer"), name="phone", confirmed=True)


def test_the_audit_log_is_the_audit_administrators_alone(client, demo, system_admin):
    entry = append(AuditKind.LOGIN, username="someone")
    url = f"/admin/audit/auditentry/{entry.pk}/change/"
    assert _as(client, "audit_admin").get("/admin/audit/auditentry/").status_code == 200
    assert client.get(url).status_code == 200
    for username in ("sysadmin", "admin", "security_admin", "auditor"):
        _as(client, username)
        assert client.get("/admin/audit/auditentry/").status_code == 403, username
        assert client.get(url).status_code == 403, username
    assert policy.can_read_audit_log(_user("audit_admin"))
    assert not policy.can_read_audit_log(_user("admin"))  # a superuser too


def test_the_audit_administrator_reads_and_changes_nothing_else(client, demo, attempt, device):
    _as(client, "audit_admin")
    assert client.get("/admin/axes/accessattempt/").status_code == 200  # login records: read
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    for url in (
        "/admin/auth/user/",
        "/admin/core/membership/",
        "/admin/audit/secondfactordevice/",
        "/admin/budgets/functionalcode/",
        "/budgets/2020/baoan/",
    ):
        assert client.get(url).status_code in {403, 404}, url
    assert policy.visible_units(_user("audit_admin")).count() == 0  # no budget data


def test_lockouts_and_devices_are_the_security_administrators(client, demo, system_admin, attempt, device):
    for username in ("sysadmin", "admin"):
        _as(client, username)
        assert client.get("/admin/axes/accessattempt/").status_code == 403, username
        assert (
            client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 403
        )
        assert (
            client.post(f"/admin/audit/secondfactordevice/{device.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()

    _as(client, "security_admin")
    page = client.get("/admin/audit/secondfactordevice/")
    assert page.status_code == 200 and "hq_reviewer" in page.content.decode()
    assert "第二因素设备" in page.content.decode()  # named in Chinese
    assert (
        device.key not in client.get(f"/admin/audit/secondfactordevice/{device.pk}/change/").content.decode()
    )
    assert client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()  # unlocked
    assert (
        client.post(f"/admin/audit/secondfactordevice/{device.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()  # reset: enrols again
    assert policy.visible_units(_user("security_admin")).count() == 0  # no budget data


def test_the_system_administrator_keeps_the_other_accounts_but_not_the_administrators(
    client, demo, system_admin
):
    _as(client, "sysadmin")
    preparer = _user("baoan_preparer")
    assert client.get(f"/admin/auth/user/{preparer.pk}/change/").status_code == 200
    assert client.get(f"/admin/auth/user/{preparer.pk}/password/").status_code == 200
    for username in ("security_admin", "audit_admin"):
        target = _user(username)
        assert client.get(f"/admin/auth/user/{target.pk}/password/").status_code == 403, username
        response = client.post(f"/admin/auth/user/{target.pk}/change/", {"username": "taken-over"})
        assert response.status_code == 403, username
        assert User.objects.filter(username=username).exists()
    # Memberships: the administrators' are not even listed, nor can they be given.
    listing = client.get("/admin/core/membership/").content.decode()
    assert ">baoan_preparer<" in listing and ">audit_admin<" not in listing
    fresh = User.objects.create_user("newcomer", password="x-Strong-pass-1")
    hq = Unit.objects.get(kind=UnitKind.HQ)
    add = client.post(
        "/admin/core/membership/add/", {"user": fresh.pk, "unit": hq.pk, "role": Role.AUDIT_ADMINISTRATOR}
    )
    assert add.status_code == 200 and not Membership.objects.filter(user=fresh).exists()  # not a choice
    with pytest.raises(PermissionDenied):  # the server refuses even a forged role
        from django.contrib import admin

        from core.admin import MembershipAdmin

        request = type("R", (), {"user": _user("sysadmin")})()
        MembershipAdmin(Membership, admin.site).save_model(
            request, Membership(user=fresh, unit=hq, role=Role.SECURITY_ADMINISTRATOR), None, False
        )
    ok = client.post(
        "/admin/core/membership/add/", {"user": fresh.pk, "unit": hq.pk, "role": Role.BRANCH_PREPARER}
    )
    assert ok.status_code == 302 and Membership.objects.get(user=fresh).role == Role.BRANCH_PREPARER
    # Superuser status and single permissions are not set in the admin at all.
    form = client.get(f"/admin/auth/user/{preparer.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in form and 'name="user_permissions"' not in form


def test_the_security_administrator_grants_only_the_administrators_roles(client, demo):
    security = _user("security_admin")
    assert policy.can_grant_role(security, Role.AUDIT_ADMINISTRATOR)
    assert not policy.can_grant_role(security, Role.HQ_APPROVER)
    assert not policy.can_manage_account(security, _user("baoan_preparer"))
    assert policy.can_manage_account(security, _user("audit_admin"))
    assert not policy.can_manage_account(security, security)  # nobody their own
    assert not policy.can_manage_membership(security, security.membership)
    _as(client, "security_admin")
    listing = client.get("/admin/core/membership/").content.decode()
    assert ">audit_admin<" in listing and ">baoan_preparer<" not in listing
    own = client.post(
        f"/admin/core/membership/{security.membership.pk}/change/",
        {"user": security.pk, "unit": security.membership.unit_id, "role": Role.AUDIT_ADMINISTRATOR},
    )
    assert (
        own.status_code in {403, 302}
        and Membership.objects.get(user=security).role == Role.SECURITY_ADMINISTRATOR
    )


def test_one_membership_per_account_so_one_role(demo):
    user = _user("audit_admin")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, unit=user.membership.unit, role=Role.ADMINISTRATOR)


def test_the_check_finds_an_account_holding_two_administrators_permissions(demo, system_admin):
    # The demo's superuser `admin` is one finding; without it the installation is clean.
    assert any(line.startswith("admin: an active superuser") for line in problems())
    User.objects.filter(is_superuser=True).update(is_superuser=False)
    assert problems() == []
    call_command("check_admin_separation")
    # A permission ticked on an account, or a role's group given another's permission.
    from django.contrib.auth.models import Group, Permission

    system_admin.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    # The permission on the account is not used: the role is the only source (core/backends.py).
    assert not _user("sysadmin").has_perm("audit.view_auditentry")
    Group.objects.get(name=Role.ADMINISTRATOR).permissions.add(
        Permission.objects.get(codename="view_auditentry")
    )
    found = problems()
    assert "sysadmin: permissions set on the account itself (only the role's count)" in found
    assert any("role administrator: holds audit.view_auditentry" in line for line in found)
    with pytest.raises(CommandError):
        call_command("check_admin_separation")


def test_create_administrators_makes_three_accounts_never_one(demo):
    with pytest.raises(CommandError):
        call_command("create_administrators", system="one", security="one", audit="two")
    call_command("create_administrators", system="sys1", security="sec1", audit="aud1")
    roles = dict(
        Membership.objects.filter(user__username__in=["sys1", "sec1", "aud1"]).values_list(
            "user__username", "role"
        )
    )
    assert roles == {
        "sys1": Role.ADMINISTRATOR,
        "sec1": Role.SECURITY_ADMINISTRATOR,
        "aud1": Role.AUDIT_ADMINISTRATOR,
    }
    assert not User.objects.get(username="sys1").has_usable_password()
    assert not User.objects.filter(username__in=roles, is_superuser=True).exists()
    with pytest.raises(CommandError):
        call_command("create_administrators", system="aud1", security="sec1", audit="x1")


def test_the_three_administrators_need_the_second_factor(demo, settings):
    settings.OTP_REQUIRED = True
    for username in ("admin", "security_admin", "audit_admin"):
        assert policy.needs_second_factor(_user(username))


@pytest.mark.parametrize("username", ["security_admin", "audit_admin"])
def test_the_security_and_audit_administrators_land_in_the_admin_and_see_no_budget(client, demo, username):
    _as(client, username)
    assert client.get("/")["Location"] == "/admin/"
    assert client.get("/budgets/2020/baoan/").status_code in {403, 404}
    api = client.get("/api/v1/units/").json()
    assert api["count"] == 0
