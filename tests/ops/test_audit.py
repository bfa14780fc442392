"""The audit log: logins, logouts, failed logins and 403s land in it, each entry chained to the
one before by SHA-256; it cannot be changed through the application nor by an UPDATE in the
database; `verify_audit_chain` finds a tampered, inserted or removed entry; the purge never
deletes an entry younger than 180 days."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, append, entry_hash, purge, verify
from audit.models import AppendOnlyError, AuditEntry, AuditKind

pytestmark = pytest.mark.django_db


def _kinds():
    return list(AuditEntry.objects.order_by("id").values_list("kind", "username"))


def test_logins_logouts_failures_and_denials_are_logged(client, demo):
    client.post("/accounts/login/", {"username": "baoan_preparer", "password": "wrong"})
    client.post("/accounts/login/", {"username": "baoan_preparer", "password": "demo-2020"})
    assert client.get("/budgets/2020/").status_code == 403  # the bureau page is HQ's
    client.post("/accounts/logout/")
    assert _kinds()[-4:] == [
        (AuditKind.LOGIN_FAILED, "baoan_preparer"),
        (AuditKind.LOGIN, "baoan_preparer"),
        (AuditKind.PERMISSION_DENIED, "baoan_preparer"),
        (AuditKind.LOGOUT, "baoan_preparer"),
    ]
    denial = AuditEntry.objects.get(kind=AuditKind.PERMISSION_DENIED)
    assert denial.path == "/budgets/2020/" and denial.method == "GET" and denial.ip == "127.0.0.1"
    assert "wrong" not in str(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_an_admin_403_is_logged(client, demo):
    client.force_login(get_user_model().objects.get(username="hq_reviewer"))
    assert client.get("/admin/auth/user/").status_code == 403  # a reviewer manages no accounts
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.kind, entry.username, entry.path) == (
        AuditKind.PERMISSION_DENIED,
        "hq_reviewer",
        "/admin/auth/user/",
    )


def test_each_entry_is_chained_to_the_one_before(db):
    first = append(AuditKind.LOGIN, username="a")
    second = append(AuditKind.LOGOUT, username="a")
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64
    assert AuditEntry.objects.order_by("id").first().prev_hash in {GENESIS} | set(
        AuditEntry.objects.values_list("hash", flat=True)
    )
    count, breaks = verify()
    assert count >= 2 and breaks == []


def test_the_application_cannot_change_or_delete_an_entry(db):
    entry = append(AuditKind.LOGIN, username="a")
    entry.username = "b"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(username="b")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_database_refuses_an_update(db):
    entry = append(AuditKind.LOGIN, username="a")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditentry SET username = 'b' WHERE id = %s", [entry.pk])


def _drop_trigger():
    """What someone with the database owner's rights could do before tampering."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_entry_append_only ON audit_auditentry")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only")


def test_verify_finds_a_tampered_row(db):
    append(AuditKind.LOGIN_FAILED, username="luohu_head")
    victim = append(AuditKind.LOGIN, username="luohu_head")
    append(AuditKind.LOGOUT, username="luohu_head")
    call_command("verify_audit_chain")  # intact
    _drop_trigger()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET username = 'someone_else' WHERE id = %s", [victim.pk])
    _count, breaks = verify()
    assert [(b.entry_id, "changed" in b.reason) for b in breaks] == [(victim.pk, True)]
    with pytest.raises(CommandError, match="audit chain broken: 1 problem"):
        call_command("verify_audit_chain")


def test_verify_finds_a_removed_row(db):
    append(AuditKind.LOGIN, username="x")
    victim = append(AuditKind.PERMISSION_DENIED, username="x")
    after = append(AuditKind.LOGOUT, username="x")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [victim.pk])
    _count, breaks = verify()
    assert [(b.entry_id, "does not link" in b.reason) for b in breaks] == [(after.pk, True)]


def _old_entry(days_ago: int, username: str) -> AuditEntry:
    """An entry written `days_ago` days ago, chained like append() chains it."""
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    fields = {
        "at": timezone.now() - timedelta(days=days_ago),
        "kind": AuditKind.LOGIN,
        "username": username,
        "user_id": None,
        "ip": None,
        "method": "",
        "path": "",
        "detail": {},
    }
    entry = AuditEntry(prev_hash=last, hash=entry_hash(last, **fields), **fields)
    entry.save()
    return entry


def test_the_purge_keeps_180_days_whatever_it_is_asked(db):
    AuditEntry.objects.all()._raw_delete(connection.alias)
    _old_entry(400, "old")
    _old_entry(200, "old")
    kept_179 = _old_entry(179, "recent")
    kept_10 = _old_entry(10, "recent")
    call_command("purge_audit_log", "--days", "30")  # asked for 30: still keeps 180
    left = list(AuditEntry.objects.order_by("id"))
    assert [e.pk for e in left[:2]] == [kept_179.pk, kept_10.pk]
    assert left[-1].kind == AuditKind.PURGE and left[-1].detail["deleted"] == 2
    assert left[-1].detail["older_than_days"] == 180
    assert verify()[1] == []  # the chain still verifies from its new first entry
    assert purge() == 0


def test_another_units_object_answers_404_and_is_logged_as_not_found_or_not_visible(client, demo):
    from budgets.models import Project

    futian = Project.objects.filter(budget__unit__code="futian", budget__cycle__year=2020).first()
    client.force_login(get_user_model().objects.get(username="baoan_preparer"))
    url = f"/budgets/2020/baoan/projects/{futian.pk}/"
    assert client.get(url).status_code == 404  # its existence is not disclosed
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.kind, entry.username, entry.path) == (AuditKind.NOT_FOUND, "baoan_preparer", url)
    assert entry.get_kind_display() == "对象不存在或无权查看"


def test_a_mistyped_address_or_an_anonymous_404_is_not_logged(client, demo):
    client.force_login(get_user_model().objects.get(username="baoan_preparer"))
    before = AuditEntry.objects.count()
    assert client.get("/no-such-page/").status_code == 404
    client.logout()
    after_logout = AuditEntry.objects.count()  # the logout itself is an entry
    assert after_logout == before + 1
    client.get("/budgets/2020/baoan/projects/999999/")  # anonymous: sent to the login page
    assert AuditEntry.objects.count() == after_logout
