"""Backup and restore as docs/deploy.md §6 says (issue #11 item 6): the 2020 cycle in a
PostgreSQL database, `pg_dump --format=custom`, `pg_restore` into an empty database; the
restored schema needs no migration, the audit chain is intact, and the disclosure workbook built
from the restored database has the same cells on every sheet. Run by CI's PostgreSQL pass;
skipped on SQLite or without the PostgreSQL client tools."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL.startswith(("postgres://", "postgresql://")), reason="needs PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _client_tools():
    if not shutil.which("pg_dump"):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are expected in CI (.ci/run installs postgresql-client)")
        pytest.skip("needs pg_dump and pg_restore (apt-get install postgresql-client)")


def _pg(url: str) -> tuple[list[str], dict]:
    """Connection options for the PostgreSQL command-line tools, from a DATABASE_URL."""
    parts = dj_database_url.parse(url)
    options = ["--host", parts["HOST"] or "127.0.0.1", "--port", str(parts["PORT"] or 5432)]
    if parts["USER"]:
        options += ["--username", parts["USER"]]
    env = {**os.environ, "PGPASSWORD": parts["PASSWORD"] or ""}
    return options, env


def _url(name: str) -> str:
    return URL.rsplit("/", 1)[0] + "/" + name


def _manage(database: str, var: Path, *args: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": _url(database),
        "BUDGET_VAR_DIR": str(var),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def _cells(path: Path) -> dict[str, list[list]]:
    workbook = load_workbook(path)
    return {
        name: [[c.value for c in row] for row in workbook[name].iter_rows()] for name in workbook.sheetnames
    }


def test_a_dump_restored_into_an_empty_database_gives_the_same_workbook(tmp_path):
    suffix = uuid.uuid4().hex[:8]
    source, restored = f"budget_backup_src_{suffix}", f"budget_backup_dst_{suffix}"
    options, env = _pg(URL)
    run = {"env": env, "check": True, "capture_output": True, "timeout": 600}
    subprocess.run(["createdb", *options, source], **run)
    try:
        _manage(source, tmp_path / "a", "migrate", "--noinput", "-v0")
        _manage(source, tmp_path / "a", "loaddemo")
        _manage(
            source,
            tmp_path / "a",
            "shell",
            "-c",
            "from audit.chain import append\nfor name in ('hq_approver', 'baoan_head'): append('login', username=name)",
        )
        _manage(
            source, tmp_path / "a", "export_disclosure", "--year", "2020", "-o", str(tmp_path / "before.xlsx")
        )

        dump = tmp_path / "budget.dump"
        subprocess.run(
            ["pg_dump", *options, "--format=custom", "--no-owner", f"--file={dump}", source], **run
        )
        subprocess.run(["createdb", *options, restored], **run)
        subprocess.run(
            ["pg_restore", *options, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            **run,
        )

        _manage(restored, tmp_path / "b", "migrate", "--check")
        assert "audit chain intact: 2 entries" in _manage(restored, tmp_path / "b", "verify_audit_chain")
        _manage(
            restored,
            tmp_path / "b",
            "export_disclosure",
            "--year",
            "2020",
            "-o",
            str(tmp_path / "after.xlsx"),
        )
        before, after = _cells(tmp_path / "before.xlsx"), _cells(tmp_path / "after.xlsx")
        assert list(after) == list(before) and len(before) > 1
        for sheet in before:
            assert after[sheet] == before[sheet], sheet
    finally:
        for name in (restored, source):
            subprocess.run(
                ["dropdb", *options, "--if-exists", name], env=env, capture_output=True, timeout=120
            )
