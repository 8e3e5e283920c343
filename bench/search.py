"""Search latency on a seeded PostgreSQL database (bench/seed.py), through the app's own
search path: query parsing with the synonym dictionary, the backend's candidate search,
ranking, and reading the 50 cases shown.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftersales_search_bench \\
        .venv/bin/python bench/search.py [--rebuild] [--repeat 5] [--out bench/out/search.json]

The database must have the search tables (`aftersales migrate`) and a full index
(`aftersales search rebuild --offline`, or `--rebuild` here). The query mix: two-word
Chinese queries pairing trade words the seed uses often (摄像头, 断网…) and rarely (拼缝错位,
阵列降级…), each word's share of cases measured first. Scopes: staff across every
organisation; staff within the largest organisation and within a small one; a customer
contact of the largest organisation (its cases, public text only). Each query runs once cold
(not counted) and `--repeat` times; the report gives p50, p95 and the worst per scope and
per kind of pair.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

COMMON = ["摄像头", "黑屏", "断网", "硬盘", "宕机", "丢包", "报警", "交换机", "无法登录", "频繁"]
MEDIUM = ["花屏", "录像丢失", "光模块", "蓝屏", "云台", "风扇", "解码器", "防火墙"]
RARE = ["拼缝错位", "阵列降级", "夜视失效", "闪退", "光衰", "网闸", "人脸抓拍机", "数据不同步"]
RESULTS_SHOWN = 50


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.base")
    import django

    django.setup()


def _share(word: str, total: int) -> float:
    """The share of cases the word (with its synonyms) matches."""
    from django.db import connection

    from aftersales.search.backends import Scope
    from aftersales.search.backends.postgres import text_query
    from aftersales.search.selectors import query_parse

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_case WHERE vector @@ %s::tsquery",
            [text_query(query_parse(word), Scope(), "all")],
        )
        return cursor.fetchone()[0] / max(total, 1)


def _pairs() -> list[tuple[str, str, str]]:
    """(kind, word, word): every kind of pair, in a fixed order."""
    pairs = []
    for i, a in enumerate(COMMON):
        pairs.append(("common+common", a, COMMON[(i + 3) % len(COMMON)]))
    for i, a in enumerate(COMMON[:8]):
        pairs.append(("common+medium", a, MEDIUM[i % len(MEDIUM)]))
    for i, a in enumerate(COMMON[:8]):
        pairs.append(("common+rare", a, RARE[i % len(RARE)]))
    for i, a in enumerate(MEDIUM):
        pairs.append(("medium+rare", a, RARE[(i + 2) % len(RARE)]))
    for i, a in enumerate(RARE[:4]):
        pairs.append(("rare+rare", a, RARE[(i + 1) % len(RARE)]))
    return pairs


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def _summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(_percentile(samples, 95), 1),
        "max_ms": round(max(samples), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the index first")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    _setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from aftersales.cases.models import Case
    from aftersales.search.backends import CASES, Scope
    from aftersales.search.selectors import find, ordered_by_hits, query_parse

    if connection.vendor != "postgresql":
        raise SystemExit("bench/search.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    if args.rebuild:
        call_command("search", "rebuild", "--only", "cases", "--offline", "--batch", "5000")
    total = Case.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_case")
        indexed = cursor.fetchone()[0]
    if indexed < total:
        raise SystemExit(
            f"The index holds {indexed} of {total} cases: run "
            "`aftersales search rebuild --offline` (or this script with --rebuild)."
        )
    sizes = list(
        Case.objects.values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("organisation_id", "n")
    )
    largest, largest_n = sizes[0]
    small, small_n = sizes[len(sizes) // 2]
    scopes = {
        "staff, all organisations": Scope(),
        f"staff, largest organisation ({largest_n} cases)": Scope(organisation_id=largest),
        f"staff, a median organisation ({small_n} cases)": Scope(organisation_id=small),
        "customer of the largest organisation": Scope(organisation_id=largest, public_only=True),
    }
    shares = {w: round(_share(w, total) * 100, 2) for w in COMMON + MEDIUM + RARE}
    print(f"{total} cases indexed; share of cases per word (%): {shares}", flush=True)

    def run(q: str, scope: Scope) -> tuple[float, int]:
        started = time.perf_counter()
        hits = find(table=CASES, query=query_parse(q), scope=scope, limit=RESULTS_SHOWN)
        rows = list(
            ordered_by_hits(Case.objects.select_related("organisation"), hits).only(
                "id", "number", "title", "status", "severity", "organisation__code"
            )
        )
        return (time.perf_counter() - started) * 1000, len(rows)

    report: dict = {"cases": total, "word_share_percent": shares, "scopes": {}}
    everything: list[float] = []
    worst: tuple[float, str, str] = (0.0, "", "")
    for scope_name, scope in scopes.items():
        by_kind: dict[str, list[float]] = {}
        found: dict[str, int] = {}
        for kind, a, b in _pairs():
            q = f"{a} {b}"
            run(q, scope)  # cold run, not counted
            for _ in range(args.repeat):
                ms, n = run(q, scope)
                by_kind.setdefault(kind, []).append(ms)
                found[q] = n
                if ms > worst[0]:
                    worst = (ms, q, scope_name)
        samples = [ms for values in by_kind.values() for ms in values]
        everything.extend(samples)
        report["scopes"][scope_name] = {
            "all": _summary(samples),
            "by_pair": {kind: _summary(values) for kind, values in by_kind.items()},
            "results_per_query": found,
        }
        line = _summary(samples)
        print(
            f"{scope_name}: p50 {line['p50_ms']} ms, p95 {line['p95_ms']} ms, "
            f"worst {line['max_ms']} ms over {line['n']} runs",
            flush=True,
        )
        for kind, values in by_kind.items():
            s = _summary(values)
            print(f"    {kind:14} p50 {s['p50_ms']:7} p95 {s['p95_ms']:7} max {s['max_ms']:7}")
    report["all"] = _summary(everything)
    report["worst"] = {"ms": round(worst[0], 1), "query": worst[1], "scope": worst[2]}
    print(f"all: {report['all']}; worst: {report['worst']}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
