"""`aftersales search rebuild`: write every search document anew, in batches, with progress."""

import time

from django.core.management.base import BaseCommand, CommandError

from aftersales.search.registry import INDEXES
from aftersales.search.services import index_rebuild


class Command(BaseCommand):
    help = "Search index upkeep: `rebuild` rewrites the index of cases and articles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Rewrite every search document, in batches.")
        rebuild.add_argument(
            "--only", choices=sorted(INDEXES), help="One index only (default: all of them)."
        )
        rebuild.add_argument(
            "--batch", type=int, default=1000, help="Records per transaction (default 1000)."
        )
        rebuild.add_argument(
            "--offline",
            action="store_true",
            help="Empty the index and write it in one transaction, building its structure once "
            "at the end: much faster after a bulk load, but searches wait until it is done.",
        )

    def handle(self, *args, action, only=None, batch=1000, offline=False, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        for name, index in INDEXES.items():
            if only and name != only:
                continue
            started = time.monotonic()
            last = [0.0]

            def progress(done, total, name=name, started=started, last=last):
                now = time.monotonic()
                if now - last[0] < 2 and done < total:
                    return
                last[0] = now
                rate = done / max(now - started, 1e-6)
                left = (total - done) / rate if rate else 0
                self.stdout.write(
                    f"{name}: {done}/{total} ({100 * done / max(total, 1):.1f}%), "
                    f"{rate:.0f}/s, about {left:.0f} s left"
                )

            written = index_rebuild(
                index=index, batch_size=batch, progress=progress, offline=offline
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"{name}: {written} documents in {time.monotonic() - started:.1f} s"
                )
            )
