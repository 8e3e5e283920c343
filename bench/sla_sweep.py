"""SLA sweep benchmark on a database of open cases with running clocks (bench/seed.py --all-open).

    createdb -h 127.0.0.1 -U postgres aftersales_bench_sla
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench_sla
    .venv/bin/aftersales migrate
    .venv/bin/python bench/seed.py --cases 1000000 --all-open --days 30
    .venv/bin/python bench/sla_sweep.py [--due 10000] [--idle 50] [--profile]

Calls the sweep the worker runs (`aftersales.sla.sweep.sla_sweep`, what `aftersales sla sweep`
calls) in this process, so Django's start-up is not counted:

  1. catch-up: one sweep at the current time, firing what fell due since the seeding (what the
     worker would have fired meanwhile; not a measurement);
  2. idle: `--idle` sweeps at that same moment, with nothing due: p50 / p95 / max;
  3. due: one sweep at the moment by which `--due` more steps (reminders, escalation steps and
     breaches) are due — the due time of the Nth pending one — checked afterwards: every one
     of them fired, a timeline entry per step that applied, outbox messages written.

Each run consumes `--due` pending steps of the seeded backlog (and adds their timeline
entries): the script says how many are left. Results go to bench/out/sla-<time>.json;
--profile also writes the due sweep's cProfile statistics next to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
IDLE_TARGET_MS = 20.0
DUE_TARGET_S = 20.0


def _percentile(values: list[float], p: float) -> float:
    import math

    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _pending():
    from aftersales.sla.models import SlaEvent

    return SlaEvent.objects.filter(
        fired_at__isnull=True, cancelled_at__isnull=True, due_at__isnull=False
    )


def _timed_sweep(moment: dt.datetime, profile: Path | None = None):
    """One sweep: (report, wall seconds, CPU seconds of this process, queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.sla.sweep import sla_sweep

    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        cpu, began = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        report = sla_sweep(now=moment)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    if profiler:
        profiler.dump_stats(profile)
    return report, wall, cpu, len(queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=10_000, help="steps due in the due sweep")
    parser.add_argument("--idle", type=int, default=50, help="sweeps with nothing due")
    parser.add_argument("--profile", action="store_true", help="cProfile the due sweep")
    args = parser.parse_args(argv)

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("sla_sweep: set DATABASE_URL to the seeded PostgreSQL database", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from aftersales.cases.choices import OPEN
    from aftersales.cases.models import Case, TimelineEntry
    from aftersales.core.clock import now as clock_now
    from aftersales.notifications.models import OutboxMessage
    from aftersales.sla.models import CaseClock

    results: dict = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "database": connection.settings_dict["NAME"],
        "load_before": os.getloadavg(),
    }
    open_cases = Case.objects.filter(status__in=OPEN).count()
    running = CaseClock.objects.filter(met_at__isnull=True, due_at__isnull=False).count()
    results.update(open_cases=open_cases, running_clocks=running, pending=_pending().count())
    print(
        f"{open_cases:,} open cases, {running:,} running clocks with a due time, "
        f"{results['pending']:,} steps pending"
    )

    # 1. Catch up with what fell due since the seeding, as the worker would have.
    moment = clock_now()
    report, wall, _cpu, _q = _timed_sweep(moment)
    results["catch_up"] = {"fired": report.fired, "seconds": wall}
    print(f"catch-up sweep at {moment:%Y-%m-%d %H:%M:%S}: fired {report.fired:,} in {wall:.1f} s")

    # 2. Nothing due.
    idle_ms, idle_cpu_ms, idle_queries = [], [], set()
    for _ in range(args.idle):
        report, wall, cpu, queries = _timed_sweep(moment)
        if report.fired:
            print(f"sla_sweep: an idle sweep fired {report.fired}", file=sys.stderr)
            return 1
        idle_ms.append(wall * 1000)
        idle_cpu_ms.append(cpu * 1000)
        idle_queries.add(queries)
    results["idle"] = {
        "runs": args.idle,
        "p50_ms": _percentile(idle_ms, 50),
        "p95_ms": _percentile(idle_ms, 95),
        "max_ms": max(idle_ms),
        "cpu_p50_ms": _percentile(idle_cpu_ms, 50),
        "queries": sorted(idle_queries),
        "target_p95_ms": IDLE_TARGET_MS,
    }
    idle = results["idle"]
    print(
        f"idle sweep ×{args.idle}: p50 {idle['p50_ms']:.2f} ms, p95 {idle['p95_ms']:.2f} ms, "
        f"max {idle['max_ms']:.2f} ms (CPU p50 {idle['cpu_p50_ms']:.2f} ms, queries "
        f"{idle['queries']}); target ≤ {IDLE_TARGET_MS:.0f} ms"
    )

    # 3. `--due` steps due: the moment of the Nth pending one.
    nth = (
        _pending()
        .filter(due_at__gt=moment)
        .order_by("due_at", "id")
        .values_list("due_at", flat=True)[args.due - 1 : args.due]
    )
    if not nth:
        print(
            f"sla_sweep: fewer than {args.due:,} steps pending: seed a new database",
            file=sys.stderr,
        )
        return 1
    due_moment = nth[0]
    due_set = _pending().filter(due_at__lte=due_moment)
    kinds = dict(due_set.values_list("kind").annotate(n=Count("id")).order_by())
    due_count = sum(kinds.values())
    cases = due_set.values("case_id").distinct().count()
    entries_before = TimelineEntry.objects.filter(kind__startswith="sla_").count()
    outbox_before = OutboxMessage.objects.count()
    profile = OUT / f"sla-{dt.datetime.now():%Y%m%d-%H%M%S}.prof" if args.profile else None
    OUT.mkdir(parents=True, exist_ok=True)
    report, wall, cpu, queries = _timed_sweep(due_moment, profile)
    left = _pending().filter(due_at__lte=due_moment).count()
    entries = TimelineEntry.objects.filter(kind__startswith="sla_").count() - entries_before
    outbox = OutboxMessage.objects.count() - outbox_before
    results["due"] = {
        "moment": due_moment.isoformat(),
        "due": due_count,
        "kinds": kinds,
        "cases": cases,
        "fired": report.fired,
        "reminders": report.reminders,
        "escalations": report.escalations,
        "breaches": report.breaches,
        "reassigned": report.reassigned,
        "timeline_entries": entries,
        "outbox_messages": outbox,
        "messages_reported": report.messages,
        "left_unfired": left,
        "seconds": wall,
        "cpu_seconds": cpu,
        "queries": queries,
        "target_s": DUE_TARGET_S,
        "pending_after": _pending().count(),
    }
    d = results["due"]
    print(
        f"due sweep: {due_count:,} steps due on {cases:,} cases ({kinds}) → fired {report.fired:,} "
        f"({report.reminders:,} reminders, {report.escalations:,} escalations, "
        f"{report.breaches:,} breaches), {entries:,} timeline entries, {outbox:,} outbox "
        f"messages, {left} left unfired, in {wall:.2f} s (CPU of this process {cpu:.2f} s, "
        f"{queries:,} queries); target ≤ {DUE_TARGET_S:.0f} s"
    )
    print(f"{d['pending_after']:,} steps still pending for later runs")
    results["load_after"] = os.getloadavg()
    print(
        f"load average before {results['load_before'][0]:.2f}, after {results['load_after'][0]:.2f}"
    )
    path = OUT / f"sla-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    print(f"written to {path.relative_to(ROOT)}")
    if profile:
        print(f"profile: {profile.relative_to(ROOT)} (python -m pstats)")
    return 0 if not left else 1


if __name__ == "__main__":
    sys.exit(main())
