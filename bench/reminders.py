"""The reminders' fan-out: outbox messages sent by a real Celery worker (2 processes, Redis on
loopback as the broker) to an SMTP server on loopback (aiosmtpd), against a plain Celery fan-out
of the same messages to the same server (``bench.tasks.plain_send``: no outbox, no claim, one
connection per batch). Then exactly-once: a worker SIGKILLed in the middle of the messages and
started again; every message must arrive once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from .measure import Samples, row

ROOT = Path(__file__).resolve().parents[1]
BODY = (
    "截止日期提醒：请在期限前提交本单位预算。Deadline reminder: please submit your unit's budget. " * 20
).strip()


class Sink:
    """Counts what arrives, by subject (each run's subjects carry its tag)."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.lock = threading.Lock()
        self.subjects: Counter = Counter()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope):
        subject = ""
        for line in envelope.content.split(b"\r\n"):
            if line.startswith(b"Subject:"):
                subject = line[8:].strip().decode("ascii", "replace")
                break
        with self.lock:
            self.subjects[subject] += 1
        return "250 OK"

    def received(self, tag: str) -> tuple[int, int]:
        """(messages of the run ``tag``, of them duplicates)."""
        with self.lock:
            mine = [n for s, n in self.subjects.items() if s.startswith(tag)]
        return sum(mine), sum(n - 1 for n in mine)

    def stop(self) -> None:
        self.controller.stop()


def start_worker(log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "2",
            "--include",
            "bench.tasks",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(sink: Sink, tag: str, n: int, timeout: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if sink.received(tag)[0] >= n:
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def _outbox(tag: str, n: int) -> list[int]:
    from django.contrib.auth import get_user_model

    from core.models import MessageKind, OutboxMessage

    user = get_user_model().objects.get(username="admin")
    rows = OutboxMessage.objects.bulk_create(
        OutboxMessage(
            recipient=user,
            email=f"r{i}@example.invalid",
            kind=MessageKind.REMINDER,
            subject=f"{tag}-{i}",
            body=BODY,
        )
        for i in range(n)
    )
    return [m.pk for m in rows]


def ours(sink: Sink, n: int, timeout: float) -> tuple[float | None, int]:
    from core.mail import dispatch

    tag = f"o{uuid.uuid4().hex[:8]}"
    ids = _outbox(tag, n)
    started = time.perf_counter()
    dispatch(ids)
    elapsed = wait_for(sink, tag, n, timeout)
    time.sleep(0.3)
    return (None if elapsed is None else time.perf_counter() - started - 0.3), sink.received(tag)[1]


def plain(sink: Sink, n: int, timeout: float) -> tuple[float | None, int]:
    from config.celery import app

    tag = f"p{uuid.uuid4().hex[:8]}"
    messages = [[f"r{i}@example.invalid", f"{tag}-{i}", BODY] for i in range(n)]
    started = time.perf_counter()
    for start in range(0, n, 20):
        app.send_task("bench.plain_send", [messages[start : start + 20]])
    elapsed = wait_for(sink, tag, n, timeout)
    time.sleep(0.3)
    return (None if elapsed is None else time.perf_counter() - started - 0.3), sink.received(tag)[1]


def flush_broker() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def run(report, *, sizes, rounds, sink_port: int, kill_rounds: int = 1) -> dict:
    log = Path(os.environ["BUDGET_VAR_DIR"]) / "worker.log"
    flush_broker()
    sink = Sink(sink_port)
    worker = start_worker(log)
    results: dict = {}
    report(
        row(
            "reminders: 2 worker processes, SMTP",
            "ours msg/s",
            "plain msg/s",
            "ours/plain (target ≥ 300/s)",
            "duplicates",
        )
    )
    try:
        # Warm-up: both kinds of task once, so that the worker has started and connected.
        assert ours(sink, 20, 60)[0] is not None, log.read_text()[-3000:]
        assert plain(sink, 20, 60)[0] is not None, log.read_text()[-3000:]
        for n in sizes:
            a, b = Samples("ours"), Samples("plain")
            duplicates = 0
            timeout = max(60.0, n / 10)
            for _ in range(rounds):
                elapsed, dup = ours(sink, n, timeout)
                duplicates += dup
                a.values.append(n / elapsed if elapsed else 0.0)
                elapsed, dup = plain(sink, n, timeout)
                b.values.append(n / elapsed if elapsed else 0.0)
            results[n] = {"ours": a, "plain": b, "duplicates": duplicates}
            report(
                row(
                    f"  {n:,} messages x {rounds} rounds",
                    f"{a.median:.0f}",
                    f"{b.median:.0f}",
                    f"{a.median / b.median:.0%}" if b.median else "-",
                    duplicates,
                )
            )
            report(row("    spread (min-max msg/s)", a.spread, b.spread, "", ""))
        kills = []
        for _ in range(kill_rounds):
            worker = kill_mid_batch(report, sink, worker, log, results)
            kills.append(results.pop("kill"))
        results["kills"] = kills
        lost = sum(k["messages"] - k["received"] for k in kills)
        report(
            f"  {len(kills)} kills: {lost} of {sum(k['messages'] for k in kills):,} never arrived, "
            f"{sum(k['duplicates'] for k in kills)} duplicates"
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        sink.stop()
        flush_broker()
    return results


def kill_mid_batch(report, sink: Sink, worker, log: Path, results: dict, n: int = 1000):
    """SIGKILL the worker (both processes) a fifth of the way through ``n`` messages, start it
    again, let Redis redeliver (visibility timeout) and the sweep re-queue (lease): count."""
    from core.mail import dispatch, sweep
    from core.models import OutboxMessage

    tag = f"k{uuid.uuid4().hex[:8]}"
    ids = _outbox(tag, n)
    dispatch(ids)
    wait_for(sink, tag, n // 5, 120)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    at_kill = sink.received(tag)[0]
    worker = start_worker(log)
    deadline = time.perf_counter() + 180
    while time.perf_counter() < deadline and sink.received(tag)[0] < n:
        time.sleep(1)
        sweep()  # what beat does every minute: re-queue what a dead worker left (after the lease)
    time.sleep(3)  # anything sent twice arrives now
    got, duplicates = sink.received(tag)
    statuses = Counter(OutboxMessage.objects.filter(pk__in=ids).values_list("status", flat=True))
    results["kill"] = {
        "messages": n,
        "at_kill": at_kill,
        "received": got,
        "duplicates": duplicates,
        "statuses": dict(statuses),
    }
    report(
        f"  killed mid-batch: {at_kill} of {n} had arrived at the SIGKILL; after the restart {got} arrived, "
        f"{duplicates} duplicates, outbox {dict(statuses)}"
    )
    return worker
