"""The heavy pages under gunicorn (2 sync workers) against the bench's trivial logged-in page on
the same server, interleaved, over loopback: requests per second with 4 client threads."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from .measure import Samples, row

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, workers: int = 2) -> None:
        self.port = free_port()
        self.log = Path(os.environ["BUDGET_VAR_DIR"]) / "gunicorn.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=30)


def get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def throughput(port: int, path: str, cookie: str, seconds: float, clients: int = 4) -> float:
    """Requests per second over ``seconds`` with ``clients`` threads (every answer must be 200)."""
    assert get(port, path, cookie) == 200, path
    done = [0] * clients
    errors: list[int] = []
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        while time.perf_counter() < stop:
            status = get(port, path, cookie)
            if status != 200:
                errors.append(status)
            done[i] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, (path, errors[:3])
    return sum(done) / (time.perf_counter() - started)


def session_of(username: str) -> str:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies["sessionid"].value


def run(report, *, scales, seconds, rounds=3) -> dict:
    from django.urls import reverse

    from bench.data import review_cycle, scaled_cycle

    for scale in scales:
        scaled_cycle(scale)
    hq = session_of("hq_reviewer")
    results: dict = {}
    report(
        row(
            "pages under gunicorn, 2 workers",
            "page req/s",
            "trivial req/s",
            "page/trivial (target ≥ 30%)",
            "rounds",
        )
    )
    server = Server()
    try:
        for scale in scales:
            year = 2100 + scale
            review_cycle(scale)
            for label, path in (
                ("bureau overview", reverse("budgets:bureau", args=[year])),
                ("HQ dashboard", reverse("approvals:dashboard", args=[year])),
                ("inbox (HQ reviewer)", reverse("approvals:inbox")),
            ):
                page, trivial = Samples(label), Samples("trivial")
                for _ in range(rounds):
                    trivial.values.append(throughput(server.port, "/bench/trivial/", hq, seconds / rounds))
                    page.values.append(throughput(server.port, path, hq, seconds / rounds))
                share = page.median / trivial.median
                results[(label, scale)] = {"page": page, "trivial": trivial, "share": share}
                report(
                    row(
                        f"  {label} {scale}x",
                        f"{page.median:.1f}",
                        f"{trivial.median:.1f}",
                        f"{share:.0%}",
                        rounds,
                    )
                )
                report(row("    spread (min-max req/s)", page.spread, trivial.spread, "", ""))
    finally:
        server.stop()
    return results


def performance_page(report, *, runs, budget_s) -> dict:
    """The unit performance page at 300 projects x 8 indicators, in this process (target < 100 ms),
    beside the trivial page through the same test client; the page shows 50 projects a page, so
    the statuses of all 300 (the selector alone) are timed too."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.data import PERFORMANCE_YEAR, performance_cycle

    from .measure import interleaved

    performance_cycle(300)
    client = Client()
    client.force_login(get_user_model().objects.get(username="baoan_head"))
    url = f"/performance/{PERFORMANCE_YEAR}/baoan/"

    def page():
        assert client.get(url).status_code == 200

    def trivial():
        assert client.get("/bench/trivial/").status_code == 200

    from budgets.models import BudgetCycle
    from core.models import Unit
    from performance.selectors import unit_overview

    cycle, unit = BudgetCycle.objects.get(year=PERFORMANCE_YEAR), Unit.objects.get(code="baoan")

    def whole_list():
        # The page shows 50 projects a page: this is the statuses of all 300 at once.
        assert len(unit_overview(cycle=cycle, unit=unit)) == 300

    page()
    with CaptureQueriesContext(connection) as captured:
        page()
    # Counted now: ``captured`` slices the connection's log when read, and every later request
    # clears that log when it starts (django.db.reset_queries), so read after the runs it was 0.
    queries = len(captured)
    samples = interleaved(
        [("page", page), ("trivial", trivial), ("whole list", whole_list)], runs=runs, budget_s=budget_s
    )
    ours, base, whole = samples
    report(row("unit performance page, 300 x 8", "page ms", "trivial ms", "target < 100 ms", "queries"))
    report(
        row(
            f"  {len(ours.values)} runs",
            f"{ours.median * 1000:.0f}",
            f"{base.median * 1000:.1f}",
            "met" if ours.median < 0.1 else "not met",
            queries,
        )
    )
    report(row("    spread (min-max, s)", ours.spread, base.spread, "", ""))
    report(row("  statuses of all 300 (unit_overview)", f"{whole.median * 1000:.0f}", "", "", whole.spread))
    return {"page": ours, "trivial": base, "whole": whole, "queries": queries}
