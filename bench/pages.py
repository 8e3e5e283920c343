"""HTML page benchmark on a seeded PostgreSQL database (bench/seed.py), served as in production.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/pages.py

Starts gunicorn as bench/api.py does (2 workers × 4 threads, production settings, DEBUG off),
signs the service-desk user `bench-desk` in (a session made in the database, sent as its
cookie), and after a warm-up measures the server's time (`Server-Timing: app;dur=`) of:

  (a) the case list filtered as a dispatcher does: one team's open cases   /cases/?team=…&status=…
  (b) the case list of the largest customer, all states, newest first      /cases/?organisation=…
  (c) the case page of a case with 50 timeline entries                     /cases/<number>/

printing p50 / p95 (target p95 ≤ 150 ms) and the CPU per request, and writes everything to
bench/out/pages-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import signal
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.api import (  # noqa: E402
    BENCH_USER,
    HEADER,
    OUT,
    BenchError,
    CpuMeter,
    Request,
    Server,
    _row,
    free_port,
    gunicorn_argv,
    measure,
    prepare,
)

TARGET_MS = 150.0
OPEN_STATES = "new,assigned,in_progress,waiting_customer,waiting_vendor,waiting_parts"


def session_cookie() -> str:
    """A signed-in session of the benchmark user, as the Cookie header."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from aftersales.accounts.models import User

    user = User.objects.get(username=BENCH_USER)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def largest_organisation() -> str:
    from django.db.models import Count

    from aftersales.cases.models import Case
    from aftersales.customers.models import Organisation

    top = Case.objects.values("organisation").annotate(n=Count("id")).order_by("-n").first()
    if top is None:
        raise BenchError("No cases: is the database seeded?")
    return Organisation.objects.get(pk=top["organisation"]).code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per measurement")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the app from this source tree (e.g. an older commit's `git archive`)",
    )
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("pages: set DATABASE_URL to the seeded PostgreSQL database", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    # The session is signed here and read by the server: one secret for both.
    secret = os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    import django

    django.setup()
    import logging

    from django.db import connection

    logging.getLogger("httpx").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    plan = prepare()
    cookie = session_cookie()
    organisation = largest_organisation()
    connection.close()
    paths = {
        "list_team": "/cases/?" + urlencode({"team": plan.team, "status": OPEN_STATES}),
        "list_org": "/cases/?" + urlencode({"organisation": organisation}),
        "case": f"/cases/{plan.detail}/",
    }
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "requests": args.requests,
        "cases": plan.cases,
        "paths": paths,
        "app_root": str(args.app_root),
        "load_before": os.getloadavg(),
    }
    print(
        f"{plan.cases:,} cases; team {plan.team} has {plan.team_open} open; largest customer "
        f"{organisation}; case {plan.detail} has {plan.detail_entries} entries"
    )
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings.production",
        "SECRET_KEY": secret,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(args.app_root),
    }
    argv_ = gunicorn_argv(
        Path(sys.executable), port, args.workers, args.threads, "aftersales.wsgi:application"
    )
    headers = {"Cookie": cookie, "Accept": "text/html"}
    with Server("pages", argv_, env, args.app_root, port) as server:
        import httpx

        for key, path in paths.items():
            answer = httpx.get(server.url + path, headers=headers, timeout=60)
            if answer.status_code != 200 or "server-timing" not in answer.headers:
                raise BenchError(f"{key}: {path} answered {answer.status_code}, not the page")
        meter = CpuMeter(server.process.pid, database_url)
        measured = {
            key: measure(
                name=key,
                base_url=server.url,
                headers=headers,
                make=lambda i, path=path: Request("GET", path),
                count=args.requests,
                warmup=args.warmup,
                meter=meter,
            )
            for key, path in paths.items()
        }
    results["pages"] = {k: v.summary() for k, v in measured.items()}
    results["load_after"] = os.getloadavg()
    labels = {
        "list_team": f"(a) case list: team {plan.team}, open",
        "list_org": f"(b) case list: customer {organisation}",
        "case": f"(c) case page, {plan.detail_entries} entries",
    }
    lines = [
        "",
        f"HTML pages, {plan.cases:,} cases, gunicorn {args.workers} workers × {args.threads} "
        f"threads, {args.requests} requests each (ms)",
        *HEADER,
        *(
            _row(label, results["pages"][key], f"≤ {TARGET_MS:.0f}")
            for key, label in labels.items()
        ),
        f"\nload average before {results['load_before'][0]:.2f}, "
        f"after {results['load_after'][0]:.2f}",
    ]
    print("\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"pages-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"pages: {exc}", file=sys.stderr)
        sys.exit(1)
