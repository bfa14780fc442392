"""The health endpoint's answers with each service stopped in turn, live (issue #11): one web
node (gunicorn, the deployment's config file) and one Celery worker under the production
settings, whose PostgreSQL, Redis and object-store connections all go through TCP proxies this
test owns (tests/support/tcp_proxy.py). Stopping a proxy closes its listener and every connection
it forwards: for the node and the worker the service is gone; starting it again on the same port
brings it back. The real PostgreSQL and Redis keep running (other work shares them).

All up: ``/health/`` 200, every check ok. Then the database, Redis, the object store, and the
worker (SIGTERM, then started again), one at a time, stopped (the proxy's port refuses); then
each hung (the proxy accepts a connection and never answers; the worker frozen by SIGSTOP, then
SIGCONT): ``/health/`` 503 within a few seconds with
that check an error and the others ok (the worker's ping also fails while Redis is down: its
ping travels through Redis), ``/health/live/`` still 200; then, the service back, ``/health/``
200 again within a bound (the reused database connection is checked before reuse:
CONN_HEALTH_CHECKS). One line per state is printed and written to
test-artifacts/health-matrix.txt (docs/deploy.md §5 quotes it).

The node's database is an empty one of this test's (the checks need no table: nothing is
migrated); Redis database 13, emptied before and after; a bucket of its own on the suite's S3
server. Skipped without PostgreSQL or Redis, except in CI. Every process is stopped in a
``finally``."""

from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.support.s3 import create_bucket, s3_environ
from tests.support.services import require_redis
from tests.support.tcp_proxy import TcpProxy

from .cluster import ROOT, Database, Process, _base_env, free_port

URL = os.environ.get("DATABASE_URL", "")
REDIS = ("127.0.0.1", 6379)
REDIS_DB = 13  # this test's alone: a worker of another test on the same database would answer its ping
CHECKS = ("database", "redis", "storage", "worker")
# seconds: /health/ with a service down (DATABASE_CONNECT_TIMEOUT is 5, the worker ping 2): about
# 6 s measured; the bound leaves room for a CI machine busy with the rest of the suite.
ANSWER_WITHIN = 12.0
ASKS = 3  # a state is asked again (at most this often) when only a service left up was slow to answer
BACK_WITHIN = 30.0  # seconds: /health/ 200 again after the service is back
# Each service stopped (its port refuses: a service down, a host that says so), then hung (a
# connection is accepted and nothing ever answers: a service stuck, a host overloaded).
STATES = [(service, "stopped") for service in CHECKS] + [(service, "hung") for service in CHECKS]
MATRIX = ROOT / "test-artifacts" / "health-matrix.txt"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.services,
    pytest.mark.skipif(not URL.startswith(("postgres://", "postgresql://")), reason="needs PostgreSQL"),
]


@pytest.fixture
def redis_db():
    require_redis()
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], db=REDIS_DB)
    client.flushdb()  # this test's own database number: nothing of anyone else's
    yield REDIS_DB
    client.flushdb()
    client.close()


class Node:
    """One gunicorn node and one worker, every service behind a proxy of the test's."""

    def __init__(self, tmp: Path, database: Database, redis_db: int, s3_endpoint: str, bucket: str):
        s3_host, s3_port = s3_endpoint.rsplit("//", 1)[1].split(":")
        self.proxies = {
            "database": TcpProxy(database.server),
            "redis": TcpProxy(REDIS),
            "storage": TcpProxy((s3_host, int(s3_port))),
        }
        for proxy in self.proxies.values():
            proxy.start()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ports = {name: proxy.port for name, proxy in self.proxies.items()}
        var = tmp / "var"
        var.mkdir()
        env = {
            **_base_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": uuid.uuid4().hex * 2,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database.url_via(ports["database"]),
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{ports['redis']}/{redis_db}",
            "BUDGET_VAR_DIR": str(var),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "HEALTH_WORKER_TIMEOUT": "2.0",
            **s3_environ(f"http://127.0.0.1:{ports['storage']}", bucket),
        }
        web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "1"}
        self.web = Process(
            "web",
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            web_env,
            tmp / "web.log",
        )
        self.worker = Process(
            "worker",
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"health-{uuid.uuid4().hex[:8]}@%h",
             "--concurrency", "1", "--loglevel", "INFO"],
            env,
            tmp / "worker.log",
        )  # fmt: skip

    timeout = ANSWER_WITHIN * 2  # seconds this test waits for an answer to /health/

    def health(self) -> tuple[int, dict, float]:
        started = time.monotonic()
        answer = requests.get(f"{self.url}/health/", timeout=self.timeout)
        took = time.monotonic() - started
        return answer.status_code, answer.json(), took

    def live(self) -> int | str:
        try:
            return requests.get(f"{self.url}/health/live/", timeout=5).status_code
        except requests.Timeout:
            return "no answer in 5 s"

    def until_healthy(self, timeout: float) -> tuple[int, dict, float, int]:
        """Asks /health/ until it answers 200 with one worker; (status, body, seconds, asked)."""
        started, asked, last = time.monotonic(), 0, None
        while time.monotonic() - started < timeout:
            assert self.web.alive(), f"the web node exited:\n{self.web.text()[-3000:]}"
            try:
                status, body, _ = self.health()
                asked += 1
                last = (status, body)
                if status == 200 and body["checks"]["worker"].get("workers") == 1:
                    return status, body, time.monotonic() - started, asked
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.25)
        raise AssertionError(
            f"/health/ not 200 in {timeout:.0f} s: {last}\n--- web\n{self.web.text()[-2000:]}"
            f"\n--- worker\n{self.worker.text()[-2000:]}"
        )

    def take_away(self, service: str, how: str) -> None:
        if service == "worker" and how == "stopped":
            self.worker.signal(signal.SIGTERM)  # a warm shutdown, as systemd stops it
            assert self.worker.wait(time.monotonic() + 30), "the worker did not stop on SIGTERM"
        elif service == "worker":
            self.worker.signal(signal.SIGSTOP)  # alive, answering nothing
        elif how == "stopped":
            self.proxies[service].stop()
        else:
            self.proxies[service].hang()

    def bring_back(self, service: str, how: str) -> None:
        if service == "worker" and how == "stopped":
            self.worker.start()
        elif service == "worker":
            self.worker.signal(signal.SIGCONT)
        else:
            self.proxies[service].start()

    def stop(self) -> None:
        """SIGTERM to each process group still running, SIGKILL to what is left after 15 s and
        in the end to each of those groups (a pool's child that outlived its parent); a process
        that had already ended is left alone (its id may be another's by now)."""
        running = [process for process in (self.web, self.worker) if process.alive()]
        for process in running:
            process.signal(signal.SIGCONT)  # a worker left frozen (SIGSTOP) would ignore SIGTERM
            process.signal(signal.SIGTERM)
        for process in running:
            if not process.wait(time.monotonic() + 15):
                process.signal(signal.SIGKILL)
                process.wait(time.monotonic() + 10)
        for process in running:
            process.signal(signal.SIGKILL)
        for proxy in self.proxies.values():
            proxy.stop()


def describe(checks: dict) -> str:
    parts = []
    for name in CHECKS:
        check = checks[name]
        text = f"{name} {check['status']}"
        if check["status"] == "error":
            text += f" ({check['error']})"
        elif name == "worker" and "workers" in check:
            text += f" ({check['workers']})"
        parts.append(text)
    return ", ".join(parts)


def test_each_service_stopped_in_turn(tmp_path, redis_db, s3_server):
    bucket = f"budget-health-{uuid.uuid4().hex[:8]}"
    create_bucket(s3_server, bucket)
    database = Database(URL, tag="health")
    database.create()
    node = Node(tmp_path, database, redis_db, s3_server, bucket)
    matrix: list[str] = []

    def record(line: str) -> None:
        matrix.append(line)
        print(line)

    try:
        started = time.monotonic()
        node.web.start()
        node.worker.start()
        status, body, up, _ = node.until_healthy(timeout=60)
        _, body, took = node.health()
        record(f"{'all up':<16} -> {status} in {took:.2f} s: {describe(body['checks'])} [up in {up:.1f} s]")

        failures = []
        for service, how in STATES:
            node.take_away(service, how)
            for ask in range(1, ASKS + 1):
                asks_made = ask
                try:
                    status, body, took = node.health()
                except requests.Timeout:
                    status, body, took = None, None, node.timeout
                live = node.live()
                word = f"{service} {how}"
                if body is None:
                    problem = (word, "no answer")
                    break  # a hang is the finding itself: not asked again
                checks = body["checks"]
                others = {
                    name: checks[name]["status"]
                    for name in CHECKS
                    if name != service and not (service == "redis" and name == "worker")
                }
                this_one = status == 503 and checks[service]["status"] == "error" and live == 200
                problem = (
                    None
                    if this_one and set(others.values()) == {"ok"} and took < ANSWER_WITHIN
                    else (word, status, round(took, 2), checks, live)
                )
                if problem is None or not this_one:
                    break  # right, or wrong about the service taken away: either way, final
            if body is None:
                record(f"{word:<16} -> no answer in {took:.0f} s; live {live}")
            else:
                again = f" (asked {asks_made} times: a service left up was slow)" if asks_made > 1 else ""
                record(f"{word:<16} -> {status} in {took:.2f} s: {describe(checks)}; live {live}{again}")
            if problem is not None:
                failures.append(problem)
            node.bring_back(service, how)
            status, body, back, asked = node.until_healthy(timeout=BACK_WITHIN)
            record(
                f"{service + ' back':<16} -> {status} after {back:.2f} s ({asked} asked): {describe(body['checks'])}"
            )
        record(f"{'total':<16}    {time.monotonic() - started:.1f} s")
    finally:
        try:
            node.stop()
        finally:
            database.drop()
            MATRIX.parent.mkdir(exist_ok=True)
            MATRIX.write_text("\n".join(matrix) + "\n", encoding="utf-8")
    assert not failures, failures
