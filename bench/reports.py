"""Reports benchmark: the dashboard's selectors on a seeded PostgreSQL database (bench/seed.py).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_bench \\
        .venv/bin/python bench/reports.py [--repeat 20] [--days 365] [--organisation CODE]

Reads only. By default it measures the largest organisation (most cases) over the year up to
its latest case, then all organisations together over the same year; each run calls
`reports.selectors.dashboard` (every figure of the dashboard, 19 queries) after one warm-up
run, `--repeat` times, as a reader of reports found in the database. It prints p50, p95 and the
worst, per selector as well, and writes bench/out/reports-<time>.json. Target: p95 ≤ 500 ms for
the largest organisation's year.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
TARGET_MS = 500.0


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    rank = max(0, math.ceil(pct / 100 * len(ordered)) - 1)
    return ordered[rank]


def _stats(samples: list[float]) -> dict:
    return {
        "p50_ms": round(_percentile(samples, 50), 1),
        "p95_ms": round(_percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
    }


def _reader():
    from aftersales.accounts.models import User
    from aftersales.reports.selectors import reports_allowed

    for user in User.objects.filter(is_active=True, organisation__isnull=True).order_by("pk"):
        if reports_allowed(user):
            return user
    raise SystemExit("No reader of reports (a manager or dispatcher) in this database.")


def _measure(user, f, repeat: int) -> dict:
    from django.db import connection, reset_queries

    from aftersales.reports import selectors

    parts = {
        "summary": lambda: selectors.summary(user=user, f=f),
        "response_times": lambda: selectors.response_times(user=user, f=f),
        "sla_breaches": lambda: selectors.sla_breaches(user=user, f=f),
        "satisfaction": lambda: selectors.satisfaction(user=user, f=f),
        **{
            f"faults_by_{d}": (lambda d=d: selectors.faults_by(user=user, f=f, dimension=d))
            for d in selectors.FAULT_DIMENSIONS
        },
        "major_faults": lambda: selectors.major_faults(user=user, f=f),
        "complaint_trend": lambda: selectors.complaint_trend(user=user, f=f),
        "engineer_scorecards": lambda: selectors.engineer_scorecards(user=user, f=f),
    }
    selectors.dashboard(user=user, f=f)  # warm-up
    totals, each = [], {name: [] for name in parts}
    connection.force_debug_cursor = True
    reset_queries()
    selectors.dashboard(user=user, f=f)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    for _ in range(repeat):
        started = time.perf_counter()
        board = selectors.dashboard(user=user, f=f)
        totals.append((time.perf_counter() - started) * 1000)
    for name, call in parts.items():
        for _ in range(max(3, repeat // 4)):
            started = time.perf_counter()
            call()
            each[name].append((time.perf_counter() - started) * 1000)
    return {
        "filter": f.describe(),
        "cases_reported": board.summary.reported,
        "queries": queries,
        "dashboard": _stats(totals),
        "selectors": {name: _stats(samples) for name, samples in each.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--organisation", help="organisation code (default: the largest)")
    args = parser.parse_args()
    _setup()
    from django.db.models import Count, Max

    from aftersales.cases.models import Case
    from aftersales.reports import selectors

    if args.organisation:
        code = args.organisation
    else:
        code = (
            Case.objects.order_by()
            .values("organisation__code")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("organisation__code", flat=True)
            .first()
        )
    if code is None:
        raise SystemExit("No cases: seed the database first (bench/seed.py).")
    latest = Case.objects.filter(organisation__code=code).aggregate(at=Max("reported_at"))["at"]
    end = latest.astimezone(selectors.zone()).date()
    start = end - dt.timedelta(days=args.days - 1)
    user = _reader()
    results = {"at": dt.datetime.now().isoformat(timespec="seconds"), "runs": []}
    for organisation in (code, None):
        f = selectors.report_filter(user=user, start=start, end=end, organisation=organisation)
        line = _measure(user, f, args.repeat)
        results["runs"].append(line)
        d = line["dashboard"]
        print(
            f"{line['filter']}: {line['cases_reported']} cases reported, {line['queries']} "
            f"queries; dashboard p50 {d['p50_ms']} ms, p95 {d['p95_ms']} ms, max {d['max_ms']} ms"
        )
        for name, s in line["selectors"].items():
            print(f"    {name:22} p50 {s['p50_ms']:7} p95 {s['p95_ms']:7} max {s['max_ms']:7}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"reports-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"written to {path.relative_to(ROOT)}")
    worst = results["runs"][0]["dashboard"]["p95_ms"]
    print(
        f"target p95 ≤ {TARGET_MS:.0f} ms for one organisation's year: "
        + ("met" if worst <= TARGET_MS else "NOT met")
    )
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
