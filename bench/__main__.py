"""python -m bench: see bench/__init__.py."""

from __future__ import annotations

import argparse
import os
import platform
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEASURES = ("workbook", "pages", "performance", "reminders", "import")


def _reachable(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="default: postgres://postgres@127.0.0.1:5432/bench_speed if PostgreSQL listens, else SQLite",
    )
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/7"))
    parser.add_argument("--scales", type=_ints, default=[1, 3, 10])
    parser.add_argument("--only", default=",".join(MEASURES), help=f"some of {','.join(MEASURES)}")
    parser.add_argument(
        "--runs", type=int, default=7, help="rounds of an in-process measure (bounded by --budget)"
    )
    parser.add_argument("--budget", type=float, default=20.0, help="seconds one in-process measure may take")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds of load per page and scale")
    parser.add_argument("--import-sizes", type=_ints, default=[1000, 3000, 10000])
    parser.add_argument("--reminder-sizes", type=_ints, default=[500, 1500, 5000])
    parser.add_argument("--reminder-rounds", type=int, default=2)
    parser.add_argument("--kill-rounds", type=int, default=1, help="times the worker is killed mid-batch")
    args = parser.parse_args()
    only = set(args.only.split(","))

    from bench import data

    url = args.database
    if url is None:
        url = "postgres://postgres@127.0.0.1:5432/bench_speed" if _reachable(5432) else None
    from bench.pages import free_port

    sink_port = free_port()
    os.environ.update(
        {
            "CELERY_BROKER_URL": args.broker,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(sink_port),
        }
    )
    if url:
        data.recreate_database(url)
    url = data.configure(url)

    import django

    django.setup()
    from django.db import connection

    from bench.measure import Report

    report = Report()
    started = time.perf_counter()
    data.load_demo()
    with connection.cursor() as cursor:
        version = connection.vendor
        if connection.vendor == "postgresql":
            cursor.execute("show server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    report(f"# bench: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    report(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
        f"Python {platform.python_version()}, {version} and Redis on loopback, DEBUG off"
    )
    report(
        f"bureau (1x) = the 2020 demo: 13 units, 69 projects, 93 basic lines, 826 indicators; scales {args.scales}"
    )
    report(f"demo loaded in {time.perf_counter() - started:.1f} s")
    report()
    results = {}
    if "workbook" in only:
        from bench import workbook

        results["workbook"] = workbook.run(report, scales=args.scales, runs=args.runs, budget_s=args.budget)
        report()
    if "pages" in only:
        from bench import pages

        results["pages"] = pages.run(report, scales=args.scales, seconds=args.seconds)
        report()
    if "performance" in only:
        from bench import pages

        results["performance"] = pages.performance_page(report, runs=args.runs * 3, budget_s=args.budget)
        report()
    if "reminders" in only:
        from bench import reminders

        results["reminders"] = reminders.run(
            report,
            sizes=args.reminder_sizes,
            rounds=args.reminder_rounds,
            sink_port=sink_port,
            kill_rounds=args.kill_rounds,
        )
        report()
    if "import" in only:
        from bench import importing

        results["import"] = importing.run(
            report, sizes=args.import_sizes, workdir=Path(os.environ["BUDGET_VAR_DIR"])
        )
        report()
    report(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
