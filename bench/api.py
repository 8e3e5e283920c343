"""API benchmark on a seeded PostgreSQL database (bench/seed.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/api.py [--with-peer]

Starts gunicorn with 2 workers (4 threads each, as `aftersales serve` does) with the production
settings (DEBUG off), then, after a warm-up, sends a few hundred requests per measurement:

  (a) the first page of one team's open cases   GET  /api/v1/cases/?team=<code>&open=true
  (b) one case with 50 timeline entries          GET  /api/v1/cases/<number>/
  (c) a caller lookup (phone, code or serial)    GET  /api/v1/lookup/?q=...
  (d) creating cases, from 1 and from 4 clients  POST /api/v1/cases/

and prints p50 and p95 of the server's own time (its `Server-Timing: app;dur=` header) and of
the client's, and creation as cases per second. With --with-peer it sets django-helpdesk up
beside it (bench/peer_helpdesk.py) and measures its ticket creation with the same client code.
Results are also written to bench/out/api-<time>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

OUT = ROOT / "bench" / "out"
TARGETS = {"list": 50.0, "detail": 50.0, "lookup": 30.0}  # p95 server ms
RATE_TARGETS = {1: 50.0, 4: 80.0}  # cases/s
BENCH_USER = "bench-desk"


class BenchError(Exception):
    pass


# --- the client: shared with the peer's measurement ------------------------------------


@dataclass
class Request:
    method: str
    path: str
    json: dict | None = None


@dataclass
class Series:
    name: str
    clients: int
    server: list[float] = field(default_factory=list)
    client: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: tuple[float, float] | None = None  # CPU seconds of the app's processes, of PostgreSQL

    def summary(self) -> dict:
        return {
            "requests": len(self.client),
            "clients": self.clients,
            "server_p50": percentile(self.server, 50),
            "server_p95": percentile(self.server, 95),
            "client_p50": percentile(self.client, 50),
            "client_p95": percentile(self.client, 95),
            "per_second": len(self.client) / self.wall if self.wall else None,
            # CPU per request, which the other jobs on a shared machine disturb far less than
            # time: 2 cores / (app + db) is what an idle machine could serve.
            "app_cpu_ms": self.cpu[0] / len(self.client) * 1000 if self.cpu else None,
            "db_cpu_ms": self.cpu[1] / len(self.client) * 1000 if self.cpu else None,
        }


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def server_time(response: httpx.Response) -> float | None:
    for part in response.headers.get("server-timing", "").split(","):
        name, _sep, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    return None


def _send(client: httpx.Client, request: Request) -> tuple[float, float | None]:
    started = time.perf_counter()
    response = client.request(request.method, request.path, json=request.json)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code >= 400:
        raise BenchError(
            f"{request.method} {request.path} answered {response.status_code}: "
            f"{response.text[:300]}"
        )
    return elapsed, server_time(response)


def measure(
    *,
    name: str,
    base_url: str,
    headers: dict,
    make: Callable[[int], Request],
    count: int,
    clients: int = 1,
    warmup: int = 30,
    meter: CpuMeter | None = None,
) -> Series:
    """`count` requests (make(0), make(1)...) spread over `clients` concurrent clients, after
    `warmup` requests that are not counted. Wall time runs from the common start to the last
    answer."""
    series = Series(name=name, clients=clients)
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        for i in range(warmup):
            _send(client, make(count + i))
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
            client.get("/", follow_redirects=False)  # open the connection before the start
            start.wait()
            try:
                for i in range(k, count, clients):
                    elapsed, server = _send(client, make(i))
                    with lock:
                        series.client.append(elapsed)
                        if server is not None:
                            series.server.append(server)
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(clients)]
    for thread in threads:
        thread.start()
    before = meter.read() if meter else None
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=900)
    series.wall = time.perf_counter() - began
    if meter and before:
        series.cpu = meter.since(before)
    if errors:
        raise BenchError(f"{name}: {errors[0]}") from errors[0]
    return series


# --- CPU accounting ---------------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class CpuMeter:
    """CPU seconds used by a server's process group and by the PostgreSQL backends of its
    database (other than this process's own)."""

    def __init__(self, group: int, database_url: str):
        self.group, self.database_url = group, database_url

    def _app(self) -> dict[int, float]:
        found = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.group:  # the process group
                found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
        return found

    def _db(self) -> dict[int, float]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            pids = [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
            ]
        return {pid: cpu for pid in pids if (cpu := _process_cpu(pid)) is not None}

    def read(self) -> tuple[dict[int, float], dict[int, float]]:
        return self._app(), self._db()

    def since(self, before) -> tuple[float, float]:
        now = self.read()
        return tuple(
            sum(cpu - then.get(pid, 0.0) for pid, cpu in current.items())
            for then, current in zip(before, now, strict=True)
        )


# --- servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn in its own process group, stopped (with everything it started) on exit."""

    def __init__(self, name: str, argv: list[str], env: dict, cwd: Path, port: int):
        self.name, self.argv, self.env, self.cwd, self.port = name, argv, env, cwd, port
        self.process: subprocess.Popen | None = None
        self.log = OUT / f"{name}-server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.name} did not start: see {self.log}")
            try:
                httpx.get(self.url + "/", timeout=2)
                return self
            except httpx.TransportError:
                time.sleep(0.3)
        raise BenchError(f"{self.name} did not answer within 60 s: see {self.log}")

    def __exit__(self, *exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def gunicorn_argv(python: Path, port: int, workers: int, threads: int, app: str) -> list[str]:
    return [
        str(python.parent / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]


# --- what to ask for -----------------------------------------------------------------------


@dataclass
class Plan:
    token: str
    team: str
    team_open: int
    detail: str
    detail_entries: int
    lookups: list[tuple[str, str]]  # (kind, q)
    creates: list[dict]
    cases: int


def prepare(*, notes_to: int = 50, sample: int = 400, seed: int = 1) -> Plan:
    """Set up what the requests need: a service-desk user with a token, the team with the
    most open cases, a case with `notes_to` timeline entries, lookup queries and case
    payloads drawn from random seeded cases (so bigger customers are asked about more)."""
    from django.db.models import Count

    from aftersales.accounts.models import User
    from aftersales.accounts.roles import Role
    from aftersales.accounts.services import user_set_roles, user_token
    from aftersales.cases.choices import OPEN
    from aftersales.cases.models import Case
    from aftersales.cases.services import case_note
    from aftersales.customers.models import Asset

    rng = random.Random(seed)
    user, created = User.objects.get_or_create(
        username=BENCH_USER, defaults={"display_name": "Benchmark", "email": "bench@example.com"}
    )
    if created or not user.has_role(Role.DISPATCHER):
        user_set_roles(user=user, roles=[Role.DISPATCHER])
    token = user_token(username=BENCH_USER)

    busiest = (
        Case.objects.filter(status__in=OPEN, team__isnull=False)
        .values("team__code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        raise BenchError("No open case has a team: is the database seeded?")

    detail = Case.objects.filter(timeline_count=notes_to).order_by("id").first()
    if detail is None:
        detail = Case.objects.filter(status="closed").order_by("id").first()
        if detail is None:
            raise BenchError("No closed case to add notes to: is the database seeded?")
        for k in range(notes_to - detail.timeline_count):
            detail = case_note(
                case=detail,
                actor=user,
                body=f"回访记录{k + 1}：客户反馈设备运行正常，继续观察。",
                visibility="internal",
            )

    low = Case.objects.order_by("id").values_list("id", flat=True)[:1].get()
    high = Case.objects.order_by("-id").values_list("id", flat=True)[:1].get()
    ids = rng.sample(range(low, high + 1), min(sample * 3, high - low + 1))
    picked = list(
        Case.objects.filter(pk__in=ids)
        .select_related("organisation", "contact")
        .prefetch_related("assets")
        .order_by("?")[:sample]
    )
    lookups: list[tuple[str, str]] = []
    creates: list[dict] = []
    for k, case in enumerate(picked):
        assets = list(case.assets.all())
        asset = assets[0] if assets else None
        if asset is None and k % 3 == 2:
            asset = Asset.objects.filter(organisation=case.organisation).first()
        if k % 3 == 0 and case.contact is not None:
            lookups.append(("phone", case.contact.mobile))
        elif k % 3 == 2 and asset is not None:
            lookups.append(("serial", asset.serial_number))
        else:
            lookups.append(("code", case.organisation.code))
        payload = {
            "organisation": case.organisation.code,
            "title": case.title,
            "description": case.description,
            "severity": case.severity,
            "channel": "phone",
        }
        if case.contact_id:
            payload["contact"] = case.contact_id
        if asset is not None:
            payload["assets"] = [asset.pk]
        creates.append(payload)
    return Plan(
        token=token,
        team=busiest["team__code"],
        team_open=busiest["n"],
        detail=detail.number,
        detail_entries=detail.timeline_count,
        lookups=lookups,
        creates=creates,
        cases=Case.objects.count(),
    )


# --- the run ----------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


def _row(label: str, s: dict, target: str = "") -> str:
    return (
        f"{label:<44} {_fmt(s['server_p50']):>8} {_fmt(s['server_p95']):>8}   "
        f"{_fmt(s['client_p50']):>8} {_fmt(s['client_p95']):>8}   "
        f"{_fmt(s['app_cpu_ms']):>6} {_fmt(s['db_cpu_ms']):>6}   {target}"
    )


HEADER = [
    f"{'':<44} {'server':>8} {'':>8}   {'client':>8} {'':>8}   {'CPU/request':>13}",
    f"{'':<44} {'p50':>8} {'p95':>8}   {'p50':>8} {'p95':>8}   {'app':>6} {'db':>6}   "
    "target (server p95)",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per measurement")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--with-peer", action="store_true", help="measure django-helpdesk too")
    parser.add_argument("--peer-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the app from this source tree (e.g. an older commit's `git archive`)",
    )
    parser.add_argument(
        "--only",
        type=lambda v: set(v.split(",")),
        default={"list", "detail", "lookup", "create_1", "create_4"},
        help="comma-separated subset of list,detail,lookup,create_1,create_4",
    )
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("api: set DATABASE_URL to the seeded PostgreSQL database", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()
    import logging

    from django.db import connection

    logging.getLogger("httpx").setLevel(logging.WARNING)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "requests": args.requests,
        "load_before": os.getloadavg(),
    }
    n = args.requests
    lines: list[str] = []

    if not args.peer_only:
        plan = prepare()
        connection.close()
        results.update(
            app_root=str(args.app_root),
            cases=plan.cases,
            team=plan.team,
            team_open_cases=plan.team_open,
            detail_case=plan.detail,
            detail_entries=plan.detail_entries,
        )
        print(
            f"{plan.cases:,} cases; team {plan.team} has {plan.team_open} open; "
            f"case {plan.detail} has {plan.detail_entries} entries; "
            f"{len(plan.lookups)} lookups, {len(plan.creates)} case payloads"
        )
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aftersales.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONPATH": str(args.app_root),
        }
        argv_ = gunicorn_argv(
            Path(sys.executable), port, args.workers, args.threads, "aftersales.wsgi:application"
        )
        headers = {"Authorization": f"Token {plan.token}", "Accept": "application/json"}
        with Server("aftersales", argv_, env, args.app_root, port) as server:
            common = {
                "base_url": server.url,
                "headers": headers,
                "warmup": args.warmup,
                "meter": CpuMeter(server.process.pid, database_url),
            }
            lookups = plan.lookups
            creates = plan.creates
            specs = {
                "list": (lambda i: Request("GET", f"/api/v1/cases/?team={plan.team}&open=true"), 1),
                "detail": (lambda i: Request("GET", f"/api/v1/cases/{plan.detail}/"), 1),
                "lookup": (
                    lambda i: Request(
                        "GET", f"/api/v1/lookup/?q={quote(lookups[i % len(lookups)][1])}"
                    ),
                    1,
                ),
                "create_1": (
                    lambda i: Request("POST", "/api/v1/cases/", creates[i % len(creates)]),
                    1,
                ),
                "create_4": (
                    lambda i: Request("POST", "/api/v1/cases/", creates[i % len(creates)]),
                    4,
                ),
            }
            measured = {
                key: measure(
                    name=key, make=make, count=n * min(clients, 2), clients=clients, **common
                )
                for key, (make, clients) in specs.items()
                if key in args.only
            }
        results["aftersales"] = {k: v.summary() for k, v in measured.items()}
        r = results["aftersales"]
        labels = {
            "list": (f"(a) open cases of team {plan.team}", f"≤ {TARGETS['list']:.0f}"),
            "detail": (
                f"(b) case with {plan.detail_entries} entries",
                f"≤ {TARGETS['detail']:.0f}",
            ),
            "lookup": ("(c) caller lookup (phone/code/serial)", f"≤ {TARGETS['lookup']:.0f}"),
            "create_1": ("(d) create a case, 1 client", ""),
            "create_4": ("(d) create a case, 4 clients", ""),
        }
        lines += [
            "",
            f"Aftersales{'' if args.app_root == ROOT else f' from {args.app_root}'}, "
            f"{plan.cases:,} cases, gunicorn {args.workers} workers × "
            f"{args.threads} threads, {n} requests each (ms)",
            *HEADER,
            *(_row(label, r[key], target) for key, (label, target) in labels.items() if key in r),
        ]
        if "create_1" in r and "create_4" in r:
            lines.append(
                f"creating: {r['create_1']['per_second']:.1f} cases/s from 1 client "
                f"(target ≥ {RATE_TARGETS[1]:.0f}), {r['create_4']['per_second']:.1f} cases/s "
                f"from 4 (target ≥ {RATE_TARGETS[4]:.0f})"
            )

    if args.with_peer or args.peer_only:
        from bench import peer_helpdesk

        peer = peer_helpdesk.setup(database_url, out=OUT)
        port = free_port()
        argv_ = gunicorn_argv(peer.python, port, args.workers, args.threads, "wsgi:application")
        headers = {"Authorization": f"Token {peer.token}", "Accept": "application/json"}
        with Server("peer-helpdesk", argv_, peer.env, peer.project, port) as server:
            common = {
                "base_url": server.url,
                "headers": headers,
                "warmup": args.warmup,
                "meter": CpuMeter(server.process.pid, peer.env["PEER_DATABASE_URL"]),
            }
            make = peer.ticket_request
            peer_measured = {
                "create_1": measure(name="peer_create_1", make=make, count=n, **common),
                "create_4": measure(
                    name="peer_create_4", make=make, count=n * 2, clients=4, **common
                ),
            }
        results["peer"] = {
            "name": f"django-helpdesk {peer.version}",
            **{k: v.summary() for k, v in peer_measured.items()},
        }
        p = results["peer"]
        lines += [
            "",
            f"Peer: django-helpdesk {peer.version}, same gunicorn shape, its own PostgreSQL "
            f"database, POST {peer_helpdesk.TICKETS_PATH} (ms)",
            *HEADER,
            _row("create a ticket, 1 client", p["create_1"]),
            _row("create a ticket, 4 clients", p["create_4"]),
            f"creating: {p['create_1']['per_second']:.1f} tickets/s from 1 client, "
            f"{p['create_4']['per_second']:.1f} tickets/s from 4",
        ]
        if "create_4" in results.get("aftersales", {}):
            a = results["aftersales"]
            results["ratio"] = {
                "create_1": a["create_1"]["per_second"] / p["create_1"]["per_second"],
                "create_4": a["create_4"]["per_second"] / p["create_4"]["per_second"],
            }
            lines.append(
                f"Aftersales / django-helpdesk: ×{results['ratio']['create_1']:.2f} from 1 "
                f"client, ×{results['ratio']['create_4']:.2f} from 4"
            )

    results["load_after"] = os.getloadavg()
    lines.append(
        f"\nload average before {results['load_before'][0]:.2f}, "
        f"after {results['load_after'][0]:.2f}"
    )
    print("\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"api-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"api: {exc}", file=sys.stderr)
        sys.exit(1)
