"""More than one machine, on loopback (issue #11 item 7): two web nodes (gunicorn, the
deployment's config file) and two Celery workers (``w1@…``, ``w2@…``, one process each), all
under the production settings, against one PostgreSQL database, one Redis database and the
object store (moto's S3 server on loopback, a bucket of this test's); HTTP clients that post the
pages' forms like a browser.

The approval path crosses the nodes: the branch preparer creates a project request with
sub-items and targets and submits it on web A, the branch head signs off on web B, the HQ
reviewer (second factor enrolled for real: the code computed from the key the enrolment page
shows) cuts and recommends on A, the HQ approver approves on B; both nodes then show the same
state and amounts. Then the disclosure export: two workbooks asked for on A, their progress
polled on B, downloaded from B; the file is in the bucket and on no node's disk; the downloaded
workbook has the cells of one built by a separate
process from the same database, and the row of the approved project carries the database's
amount. Which worker built which export is read from the workers' logs, and the emails (the
outbox, sent by the workers over SMTP to a server in this process) arrive once each.

Runs in CI's PostgreSQL pass (Redis on 127.0.0.1:6379, database 12, emptied before and after);
skipped on SQLite, and without Redis outside CI. Every process is stopped in a ``finally``."""

from __future__ import annotations

import io
import os
import re
import time
import uuid
from base64 import b32decode
from collections import Counter
from decimal import Decimal
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.support.s3 import S3Bucket, create_bucket
from tests.support.services import require_redis

from .cluster import Browser, Cluster, Database, Page, free_port

URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "demo-2020"
YEAR = 2021
PROJECT = "社保政策宣传与培训（两节点）"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.services,
    pytest.mark.skipif(not URL.startswith(("postgres://", "postgresql://")), reason="needs PostgreSQL"),
]


class Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], str, str]] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content)
        subject = str(make_header(decode_header(message["Subject"])))
        payload = message.get_payload(decode=True) if not message.is_multipart() else b""
        self.messages.append((envelope.rcpt_tos, subject, (payload or b"").decode(errors="replace")))
        return "250 OK"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


@pytest.fixture
def redis_db():
    require_redis()
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # this test's own database number: nothing of anyone else's
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def bucket(s3_server) -> S3Bucket:
    """The files every node shares: a bucket of this test's on the object store (moto's S3
    server on loopback, tests/support/s3.py), FILE_STORAGE=s3 as production has it."""
    name = S3Bucket(s3_server, f"budget-two-nodes-{uuid.uuid4().hex[:8]}")
    create_bucket(s3_server, name.name)
    return name


@pytest.fixture
def cluster(tmp_path, smtp, redis_db, bucket):
    database = Database(URL)
    nodes = Cluster(tmp_path, database, redis_db, smtp[0], storage_env=bucket.environ)
    try:
        nodes.up()
        yield nodes
    finally:
        try:
            nodes.stop()
        finally:
            database.drop()


def _totp(secret: str) -> str:
    from django_otp.oath import totp

    return f"{totp(b32decode(secret), step=30, t0=0, digits=6):06d}"


def log_in(browser: Browser, node: str, username: str) -> Page:
    """The login form; for an HQ role, the enrolment of the second factor that follows the first
    login: the key as the page shows it in letters, the code an authenticator app would show."""
    page = browser.get(node, "/accounts/login/")
    page = browser.submit(node, page, page.form(has_field="username"), username=username, password=PASSWORD)
    assert "/accounts/login/" not in page.url, f"{username}: login refused"
    if "/accounts/second-factor/enrol/" in page.url:
        secret = page.text("otp-secret").replace(" ", "")
        page = browser.submit(node, page, page.form(has_field="code"), code=_totp(secret))
        assert "/accounts/second-factor/" not in page.url, f"{username}: code refused"
    return page


def act(browser: Browser, node: str, path: str, action: str, **values: str) -> Page:
    """One workflow step from the item's page: its form ``data-action=…``."""
    page = browser.get(node, path)
    form = page.form(data_action=action)
    assert all("disabled" not in b for b in form.buttons), f"{action} is disabled on {path}"
    return browser.submit(node, page, form, **values)


def create_project(browser: Browser, node: str) -> str:
    page = browser.get(node, f"/budgets/{YEAR}/baoan/projects/new/")
    form = page.form(has_field="fiscal_amount")
    form.choose("category", "社保政策法规研究")
    form.choose("functional_code", "2080109 社会保险经办机构")
    form.choose("funding_source", "履职类项目拨款")
    page = browser.submit(
        node,
        page,
        form,
        name=PROJECT,
        start_date=f"{YEAR}-01-01",
        end_date=f"{YEAR}-12-31",
        fiscal_amount="600000.00",
        other_amount="0",
        purpose="社保政策法规宣传、培训。",
        annual_goal="开展宣传活动 6 次，培训 2000 人次。",
        **{"sub-0-name": "宣传册印刷", "sub-0-amount": "400000.00"},
        **{"sub-1-name": "业务培训", "sub-1-amount": "200000.00"},
    )
    match = re.search(rf"/budgets/{YEAR}/baoan/projects/(\d+)/$", page.url)
    assert match, (page.url, page.html[:2000])
    # The performance targets, two rows as the page's "add a row" button makes them.
    project_path = match.group(0)
    targets = browser.get(node, page.link("targets-link"))
    form = targets.form(data_targets_form="")
    rows = [
        ("output", "quantity", "宣传活动次数", "≥6次", "年度工作计划"),
        ("satisfaction", "service_satisfaction", "参训人员满意度", "≥90%", "行业标准"),
    ]
    form.set("ind-TOTAL_FORMS", str(len(rows)))
    for n, (level1, level2, name, target, source) in enumerate(rows):
        for key, value in zip(
            ("level1", "level2", "name", "target_text", "target_source", "ORDER"),
            (level1, level2, name, target, source, str(n + 1)),
            strict=True,
        ):
            form.set(f"ind-{n}-{key}", value)
    saved = browser.submit(node, targets, form)
    assert "target-problems-none" in saved.html, saved.html[:3000]
    return project_path


def _cells(content: bytes) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        name: [[c.value for c in row] for row in workbook[name].iter_rows()] for name in workbook.sheetnames
    }


def _reference_workbook(cluster: Cluster, out: Path):
    """The same workbook built by a separate process (no web node, no worker) from the database."""
    return cluster.manage(
        "reference-workbook", cluster.local_env(), "export_disclosure", "--year", str(YEAR), "-o", str(out)
    )


def test_the_approval_path_and_an_export_across_two_web_nodes_and_two_workers(
    cluster, smtp, bucket, tmp_path
):
    _, inbox = smtp
    timings = dict(cluster.timings)
    started = time.monotonic()
    timings["t0"] = started - timings["up"]
    preparer, head = Browser(cluster, "baoan_preparer"), Browser(cluster, "baoan_head")
    reviewer, approver = Browser(cluster, "hq_reviewer"), Browser(cluster, "hq_approver")

    # 1. The preparer, on web A: a new request, its targets, submitted.
    log_in(preparer, "web_a", "baoan_preparer")
    project = create_project(preparer, "web_a")
    page = act(preparer, "web_a", project, "submit")
    assert page.text("state") == "待分局负责人审核"
    # 2. The branch head, on web B.
    log_in(head, "web_b", "baoan_head")
    assert act(head, "web_b", project, "sign_off").text("state") == "已报市局"
    # 3. The HQ reviewer, on web A, second factor enrolled: a cut with its reason, then recommends.
    log_in(reviewer, "web_a", "hq_reviewer")
    page = reviewer.get("web_a", project)
    sub_items = [name for name in page.form(data_action="cut").names() if name.startswith("sub_item_")]
    assert len(sub_items) == 2
    act(
        reviewer, "web_a", project, "cut",
        fiscal_amount="500000.00", reason="印刷费按定额压减", **{sub_items[0]: "300000.00"},
    )  # fmt: skip
    act(reviewer, "web_a", project, "recommend")
    # 4. The HQ approver, on web B.
    log_in(approver, "web_b", "hq_approver")
    assert act(approver, "web_b", project, "approve").text("state") == "已批复"
    timings["journey"] = time.monotonic() - started

    # 5. The same state from both nodes, for the preparer (whose session began on A) too.
    pk = int(project.rstrip("/").rsplit("/", 1)[1])
    ((state, amount),) = cluster.database.query(
        "SELECT state, fiscal_amount + other_amount FROM budgets_project WHERE id = %s", pk
    )
    assert state == "approved" and amount == 500000
    for node in ("web_a", "web_b"):
        for browser in (preparer, approver):
            page = browser.get(node, project)
            assert page.text("state") == "已批复", (node, browser.who)
            assert "500,000.00" in page.field("amount"), (node, browser.who)
            assert "300,000.00" in page.text("sub-items"), (node, browser.who)
        preparer.get(node, project + "edit/", expect=403)

    # 6. Two exports asked for on web A (the bureau's 2021 workbook by the reviewer, 2020's by
    # the approver), polled and downloaded on web B.
    reference = _reference_workbook(cluster, tmp_path / "reference.xlsx")
    started = time.monotonic()
    jobs = {}
    for who, year in ((reviewer, YEAR), (approver, 2020)):
        index = who.get("web_a", "/disclosure/")
        form = index.form(has_field="year", action="/disclosure/exports/")
        form.set("year", str(year))
        form.set("unit", "")
        page = who.submit("web_a", index, form)
        match = re.search(r"/disclosure/exports/(\d+)/$", page.url)
        assert match, page.url
        jobs[year] = (who, int(match.group(1)))
    done: dict[int, dict] = {}
    deadline = time.monotonic() + 60
    while len(done) < len(jobs) and time.monotonic() < deadline:
        for year, (who, job) in jobs.items():
            if year not in done:
                status = who.get("web_b", f"/disclosure/exports/{job}/status/").response.json()
                assert status["status"] != "failed", status
                if status["status"] == "done":
                    done[year] = status
        time.sleep(0.2)
    assert len(done) == len(jobs), (done, cluster.logs(["w1", "w2"]))
    timings["exports"] = time.monotonic() - started
    who, job = jobs[YEAR]
    download = who.get("web_b", done[YEAR]["download"])
    assert download.response.headers["Content-Type"] == XLSX
    assert f"disclosure-{YEAR}-bureau.xlsx" in download.response.headers["Content-Disposition"]
    cells = _cells(download.response.content)
    # The file is in the bucket (the object store), on no node's disk.
    stored = bucket.keys()
    keys = [k for k in stored if k.startswith("disclosure/exports/")]
    assert len(keys) == 2, keys
    assert download.response.content in [bucket.read(k) for k in keys]
    for node in ("web_a", "web_b", "w1", "w2"):
        assert not [p for p in (tmp_path / f"var-{node}").rglob("*") if p.is_file()], node
    # The branch preparer may not download the bureau's workbook, from either node.
    for node in ("web_a", "web_b"):
        preparer.get(node, done[YEAR]["download"], expect=404)

    # The workbook has the cells of one built from the same database by another process, and the
    # approved project's row its amount (in 万元 to two places, as the tables print it).
    cluster.finished(reference, time.monotonic() + 120)
    expected = _cells((tmp_path / "reference.xlsx").read_bytes())
    assert list(cells) == list(expected) and len(cells) > 1
    for sheet in expected:
        assert cells[sheet] == expected[sheet], sheet
    rows = [row for sheet in cells.values() for row in sheet if PROJECT in row]
    assert rows, "the approved project is in no table"
    in_wan = amount / 10000  # the tables print 万元
    assert any(Decimal(str(v)) == in_wan for row in rows for v in row if isinstance(v, int | float)), rows

    # 7. Which worker built which export: each export was taken once, and the queue is first in,
    # first out, so the first export received (by either worker) is the first asked for, 2021's.
    exports = sorted(
        (when, worker)
        for worker in ("w1", "w2")
        for when, name, _ in cluster.worker_tasks(worker, "received")
        if name == "disclosure.export_workbook"
    )
    assert len(exports) == len(jobs), exports
    built_by = {YEAR: exports[0][1], 2020: exports[1][1]}
    finished = {w: cluster.worker_tasks(w) for w in ("w1", "w2")}
    assert sum(name == "disclosure.export_workbook" for t in finished.values() for _, name, _ in t) == 2

    # The emails, sent by the workers from the outbox: the head's and the reviewer's about the
    # request once each, the reviewer's "your export is ready" with the link (web A's address, as
    # the request came there), which downloads the same file from web B.
    def mails_to(address: str, text: str) -> list:
        return [m for m in inbox.messages if address in m[0] and (text in m[1] or text in m[2])]

    link_path = f"/disclosure/exports/{job}/download/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (
        mails_to("hq_reviewer@demo.invalid", link_path) and mails_to("baoan_head@demo.invalid", PROJECT)
    ):
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now
    (ready,) = mails_to("hq_reviewer@demo.invalid", link_path)
    assert f"https://127.0.0.1:{cluster.ports['web_a']}{link_path}" in ready[2], ready[2]
    assert reviewer.get("web_b", link_path).response.content == download.response.content
    about = Counter((tuple(m[0]), m[1]) for m in inbox.messages if PROJECT in m[1])
    assert max(about.values()) == 1, about

    # Both workers took tasks over the run (the outbox's batches, the exports), both nodes served.
    counts = {w: Counter(name for _, name, _ in t) for w, t in finished.items()}
    assert all(counts.values()), f"a worker took no task: {counts}"
    served = {n: cluster.served(n) for n in ("web_a", "web_b")}
    assert all(served.values()), served
    print(
        f"\ntwo nodes: up in {timings['up']:.1f} s (migrated {timings['migrate']:.1f} s, demo loaded "
        f"{timings['demo']:.1f} s, 2 gunicorn x {cluster.web_workers} + 2 workers healthy), journey {timings['journey']:.1f} s, exports {timings['exports']:.1f} s; "
        f"requests served: web_a {served['web_a']}, web_b {served['web_b']}; tasks: "
        + "; ".join(f"{w} {dict(c)}" for w, c in counts.items())
        + f"; {YEAR} bureau workbook built by {built_by[YEAR]}, 2020's by {built_by[2020]}, "
        f"{YEAR}'s downloaded from web_b ({len(download.response.content)} bytes, {len(cells)} sheets, "
        f"cells equal to a separate build); {len(inbox.messages)} emails; "
        f"{len(stored)} objects in the bucket, no file on a node's disk; "
        f"total {time.monotonic() - timings['t0']:.1f} s"
    )
