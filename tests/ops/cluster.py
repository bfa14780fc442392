"""Support for tests/ops/test_two_nodes.py: an installation of two web nodes (gunicorn) and two
Celery workers on loopback, under the production settings, sharing one PostgreSQL database of
their own, one Redis database and the object store; and a small HTTP "browser" that fills in and
posts the pages' forms as a person's browser would (cookies, the CSRF token, the Origin header).

Each process has its own ``BUDGET_VAR_DIR`` (as each host has its own ``/var/lib/budget``): the
only files they share are on the object store (``storage_env``: FILE_STORAGE=s3 and its
STORAGE_S3_*)."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import dj_database_url
import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
NODES = ("web_a", "web_b", "w1", "w2")
# Kept from this process's environment for the children: nothing that the settings read.
PASSED_ON = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SYSTEMROOT")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _base_env() -> dict[str, str]:
    return {key: os.environ[key] for key in PASSED_ON if key in os.environ}


# -- the database ----------------------------------------------------------------------------


class Database:
    """A PostgreSQL database of the test's own on DATABASE_URL's server: created empty, dropped
    (with any connection left to it) at the end. Named after DATABASE_URL's database, with a
    random suffix (after ``tag``, the test's), so that runs in parallel (xdist, two checkouts)
    never meet."""

    def __init__(self, server_url: str, tag: str = "2n") -> None:
        parts = dj_database_url.parse(server_url)
        self.name = f"{parts['NAME']}_{tag}_{uuid.uuid4().hex[:8]}"
        self.url = server_url.rsplit("/", 1)[0] + "/" + self.name
        self._admin = {
            "host": parts["HOST"] or "127.0.0.1",
            "port": parts["PORT"] or 5432,
            "user": parts["USER"] or "postgres",
            "password": parts["PASSWORD"] or None,
            "dbname": "postgres",
            "connect_timeout": 10,
            "autocommit": True,
        }

    @property
    def server(self) -> tuple[str, int]:
        """The PostgreSQL server's address (a proxy in front of it forwards there)."""
        return self._admin["host"], int(self._admin["port"])

    def url_via(self, port: int) -> str:
        """This database's URL through a proxy on 127.0.0.1:``port``."""
        parts = urlsplit(self.url)
        user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
        return f"{parts.scheme}://{user}127.0.0.1:{port}{parts.path}"

    def create(self) -> None:
        with psycopg.connect(**self._admin) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        with psycopg.connect(**self._admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str, *params) -> list[tuple]:
        with psycopg.connect(**{**self._admin, "dbname": self.name}) as connection:
            return connection.execute(sql, params).fetchall()


# -- the processes ---------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen | None = None

    def start(self) -> None:
        self.popen = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped whole, children included
        )

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, sig: int) -> None:
        """To the whole process group: a pool's or gunicorn's children too."""
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, sig)

    def wait(self, until: float) -> bool:
        if self.popen is None:
            return True
        try:
            self.popen.wait(timeout=max(0.1, until - time.monotonic()))
        except subprocess.TimeoutExpired:
            return False
        return True

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Cluster:
    """Two web nodes (``web_a``, ``web_b``) and two workers (``w1``, ``w2``)."""

    tmp: Path
    database: Database
    redis_url: str
    smtp_port: int
    storage_env: dict[str, str] = field(default_factory=dict)
    web_workers: int = 2
    processes: dict[str, Process] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    timings: dict[str, float] = field(default_factory=dict)

    def url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}"

    def node_dir(self, node: str) -> Path:
        """The node's own BUDGET_VAR_DIR, with the static files collected once for all (each
        host collects its own: the same files)."""
        var = self.tmp / f"var-{node}"
        var.mkdir(exist_ok=True)
        (var / "static").symlink_to(self.tmp / "static")
        return var

    def production_env(self, var: Path) -> dict[str, str]:
        """A node's environment, as /etc/budget/budget.env would give it (docs/deploy.md §1):
        the same secret, database, broker and files everywhere; its own var folder."""
        return {
            **_base_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{self.ports.get('web_a', 443)}",
            "DATABASE_URL": self.database.url,
            "CELERY_BROKER_URL": self.redis_url,
            "BUDGET_VAR_DIR": str(var),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **self.storage_env,
        }

    def local_env(self) -> dict[str, str]:
        """The development settings on the cluster's database: ``loaddemo`` refuses to run under
        the production settings (its accounts share a published password)."""
        return {
            **_base_env(),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": self.database.url,
            "BUDGET_VAR_DIR": str(self.tmp / "var-setup"),
            "PYTHONUNBUFFERED": "1",
            **self.storage_env,
        }

    def up(self) -> None:
        """Everything started, on a new database, in the order of an installation, overlapped
        where nothing depends on it: the migrations (development settings, as ``loaddemo``
        needs them) beside ``collectstatic`` (production settings: WhiteNoise's manifest); then
        the four processes start while the demo loads; then /health/ on both web nodes."""
        started = time.monotonic()
        self.database.create()
        self.ports = {"web_a": free_port(), "web_b": free_port()}
        load = self.manage(
            "setup-demo",
            self.local_env(),
            "shell",
            "-c",
            "from django.core.management import call_command\n"
            "call_command('migrate', interactive=False, verbosity=0)\n"
            "print('migrated', flush=True)\n"
            "call_command('loaddemo')",
        )
        collect = self.manage(
            "setup-static", self.production_env(self.tmp), "collectstatic", "--noinput", "-v0"
        )
        deadline = time.monotonic() + 240
        while "migrated" not in load.text():
            assert load.alive() and time.monotonic() < deadline, f"migrate failed:\n{load.text()[-3000:]}"
            time.sleep(0.2)
        self.timings["migrate"] = time.monotonic() - started
        self.finished(collect, deadline)
        self._start_nodes()
        self.finished(load, deadline)
        self.timings["demo"] = time.monotonic() - started
        self.wait_healthy(timeout=90)
        self.timings["up"] = time.monotonic() - started

    def manage(self, name: str, env: dict[str, str], *args: str) -> Process:
        """``manage.py …`` in a process of its own, stopped with the others."""
        process = Process(name, [sys.executable, "manage.py", *args], env, self.tmp / f"{name}.log")
        self.processes[process.name] = process
        process.start()
        return process

    @staticmethod
    def finished(process: Process, deadline: float) -> None:
        assert process.popen is not None
        try:
            code = process.popen.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(f"{process.name} did not finish:\n{process.text()[-3000:]}") from exc
        assert code == 0, f"{process.name} failed ({code}):\n{process.text()[-3000:]}"

    def _start_nodes(self) -> None:
        for node in ("web_a", "web_b"):
            env = {
                **self.production_env(self.node_dir(node)),
                "GUNICORN_BIND": f"127.0.0.1:{self.ports[node]}",
                "GUNICORN_WORKERS": str(self.web_workers),
                "GUNICORN_TIMEOUT": "60",
            }
            self.processes[node] = Process(
                node,
                [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"],
                env,
                self.tmp / f"{node}.log",
            )
        for worker in ("w1", "w2"):
            self.processes[worker] = Process(
                worker,
                [sys.executable, "-m", "celery", "-A", "config", "worker", "-n", f"{worker}@%h",
                 "--concurrency", "1", "--loglevel", "INFO"],
                self.production_env(self.node_dir(worker)),
                self.tmp / f"{worker}.log",
            )  # fmt: skip
        for name in NODES:
            self.processes[name].start()

    def wait_healthy(self, timeout: float) -> None:
        """Until /health/ on each web node says every check is ok with both workers answering."""
        deadline = time.monotonic() + timeout
        last: dict = {}
        while time.monotonic() < deadline:
            dead = [name for name in NODES if not self.processes[name].alive()]
            if dead:
                raise AssertionError(f"{dead} exited at start:\n{self.logs(dead)}")
            ready = 0
            for node in ("web_a", "web_b"):
                try:
                    answer = requests.get(f"{self.url(node)}/health/", timeout=5)
                    last[node] = (
                        answer.json()
                        if answer.headers.get("content-type", "").startswith("application/json")
                        else answer.status_code
                    )
                    if answer.status_code == 200 and last[node]["checks"]["worker"].get("workers") == 2:
                        ready += 1
                except (requests.RequestException, ValueError, KeyError):
                    pass
            if ready == 2:
                return
            time.sleep(0.5)
        raise AssertionError(f"not healthy in {timeout:.0f} s: {last}\n{self.logs(list(NODES))}")

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM to every process group at once (gunicorn's graceful stop, a worker's warm
        shutdown), SIGKILL to whatever is left after ``timeout``, and to every group in the end
        (a child that outlived its parent). A process that had ended before (a setup command) is
        left alone: its id may be another's by now."""
        processes = [process for process in self.processes.values() if process.alive()]
        for process in processes:
            process.signal(signal.SIGTERM)
        until = time.monotonic() + timeout
        for process in processes:
            if not process.wait(until):
                process.signal(signal.SIGKILL)
                process.wait(time.monotonic() + 10)
        for process in processes:
            process.signal(signal.SIGKILL)

    def logs(self, names: list[str], tail: int = 3000) -> str:
        return "\n".join(f"--- {n}\n{self.processes[n].text()[-tail:]}" for n in names)

    def worker_tasks(self, worker: str, event: str = "succeeded") -> list[tuple[str, str, str]]:
        """(time, task name, task id) of each task this worker received or finished, in order,
        from its log (Celery's own lines: ``[time: INFO/…] Task name[id] succeeded in …``)."""
        pattern = rf"^\[([\d\- :,]+): INFO/\S+\] Task ([\w.]+)\[([0-9a-f-]{{36}})\] {event}"
        return re.findall(pattern, self.processes[worker].text(), flags=re.MULTILINE)

    def served(self, node: str) -> int:
        """How many requests this web node logged (core.middleware's one JSON line each)."""
        return sum(
            1 for line in self.processes[node].text().splitlines() if '"logger": "budget.request"' in line
        )


# -- the browser -----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Form:
    attrs: dict[str, str]
    fields: list[list[str]] = field(default_factory=list)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    buttons: list[dict[str, str]] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str) -> None:
        self.fields = [pair for pair in self.fields if pair[0] != name] + [[name, value]]

    def choose(self, name: str, label: str) -> None:
        """A <select>'s option by the label a person reads."""
        value = next((v for v, text in self.options[name] if text == label), None)
        assert value is not None, f"{name}: no option {label!r} in {self.options[name][:10]}"
        self.set(name, value)

    def names(self) -> list[str]:
        return [key for key, _ in self.fields]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, str]], list[str | None]] | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "button":
            form.buttons.append(a)
        elif tag == "input" and name and "disabled" not in a and "__prefix__" not in name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    form.fields.append([name, a.get("value", "on")])
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                form.fields.append([name, a.get("value", "")])
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = [name, []]
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = (name, [], [None])
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), [], "selected" in a]

    def handle_data(self, data):
        if self._option is not None:
            self._option[1].append(data)
        elif self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._textarea[1])
            self._form.fields.append([self._textarea[0], text[1:] if text.startswith("\n") else text])
            self._textarea = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, text, selected = self._option
            label = " ".join("".join(text).split())
            self._select[1].append((label if value is None else value, label))
            if selected:
                self._select[2][0] = label if value is None else value
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, chosen = self._select
            self._form.options[name] = options
            value = chosen[0] if chosen[0] is not None else (options[0][0] if options else "")
            self._form.fields.append([name, value])
            self._select = None


class _TextOf(HTMLParser):
    """The text inside the first element whose attribute ``name`` is ``value``."""

    def __init__(self, name: str, value: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.value = name, value
        self.depth, self.parts, self.done, self.attrs = 0, [], False, {}

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.depth:
            self.depth += tag not in VOID
        elif dict(attrs).get(self.name) == self.value:
            self.depth, self.attrs = 1, dict(attrs)

    def handle_endtag(self, tag):
        if self.depth and not self.done:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth and not self.done:
            self.parts.append(data)


@dataclass
class Page:
    response: requests.Response

    @property
    def url(self) -> str:
        return self.response.url

    @property
    def html(self) -> str:
        return self.response.text

    def forms(self) -> list[Form]:
        parser = _Parser()
        parser.feed(self.html)
        return parser.forms

    def form(self, **attrs: str) -> Form:
        """The one form whose attributes include these (``data_action="submit"``), or whose
        fields include ``has_field``."""
        has_field = attrs.pop("has_field", None)
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        found = [
            f
            for f in self.forms()
            if all(f.attrs.get(k) == v for k, v in wanted.items())
            and (has_field is None or has_field in f.names())
        ]
        assert len(found) == 1, f"{len(found)} forms match {attrs} {has_field} on {self.url}"
        return found[0]

    def _element(self, name: str, value: str) -> _TextOf:
        parser = _TextOf(name, value)
        parser.feed(self.html)
        assert parser.depth or parser.done, f"no {name}={value} on {self.url}"
        return parser

    def text(self, testid: str) -> str:
        """The text a person reads in the element with this data-testid, spaces collapsed."""
        return " ".join("".join(self._element("data-testid", testid).parts).split())

    def field(self, name: str) -> str:
        """The text of the element showing this data-field (an amount, a date)."""
        return " ".join("".join(self._element("data-field", name).parts).split())

    def link(self, testid: str) -> str:
        return self._element("data-testid", testid).attrs["href"]


class _BehindProxy(requests.Session):
    """Secure cookies travel over this plain loopback hop: TLS ended at the (absent) nginx.
    requests builds each request's Cookie header from a copy of the jar with the default policy
    (https only); this builds it from the session's own jar, whose policy says otherwise (and
    whose copies, for the redirects, keep it)."""

    def __init__(self) -> None:
        super().__init__()
        self.cookies.set_policy(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))

    def prepare_request(self, request):
        prepared = super().prepare_request(request)
        prepared.headers.pop("Cookie", None)
        prepared.prepare_cookies(self.cookies)
        return prepared


class Browser:
    """One person's browser: one cookie jar for every node (cookies name the host, not the port,
    as behind the one name nginx answers to), each request as nginx passes it on after ending
    TLS (``X-Forwarded-Proto: https``), so the production settings' secure cookies and HTTPS
    redirect stay on."""

    def __init__(self, cluster: Cluster, who: str) -> None:
        self.cluster, self.who = cluster, who
        self.session = _BehindProxy()
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1", "Accept-Language": "zh-CN,zh"}
        )
        self.requests: dict[str, int] = {}

    def _count(self, url: str) -> None:
        node = next(n for n, p in self.cluster.ports.items() if urlsplit(url).port == p)
        self.requests[node] = self.requests.get(node, 0) + 1

    def _url(self, node: str, path: str) -> str:
        return (
            urljoin(self.cluster.url(node) + "/", path.lstrip("/")) if not path.startswith("http") else path
        )

    def get(self, node: str, path: str, *, expect: int = 200) -> Page:
        response = self.session.get(self._url(node, path), timeout=60)
        self._count(response.url)
        assert response.status_code == expect, (node, path, response.status_code, response.text[:500])
        self._no_https_redirect(response)
        return Page(response)

    def submit(self, node: str, page: Page, form: Form, *, expect: int = 200, **values: str) -> Page:
        """Post ``form`` (as filled in, with ``values`` over it) to the node, as the page's
        browser would: to its action (the page itself when empty), with the Origin header."""
        for name, value in values.items():
            form.set(name, value)
        path = urlsplit(urljoin(page.url, form.attrs.get("action", "") or page.url))
        target = self.cluster.url(node) + path.path + (f"?{path.query}" if path.query else "")
        origin = f"https://127.0.0.1:{self.cluster.ports[node]}"
        response = self.session.post(
            target,
            data=[tuple(pair) for pair in form.fields],
            headers={"Origin": origin, "Referer": origin + urlsplit(page.url).path},
            timeout=60,
        )
        self._count(target)
        assert response.status_code == expect, (node, target, response.status_code, response.text[:800])
        self._no_https_redirect(response)
        return Page(response)

    @staticmethod
    def _no_https_redirect(response: requests.Response) -> None:
        for hop in response.history:
            assert not hop.headers.get("Location", "").startswith("https://"), hop.headers["Location"]
