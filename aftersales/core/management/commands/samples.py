"""`aftersales samples`: write the sample documents of docs/samples/ from the data in the
database (the demo dataset: `aftersales demo` first).

Each app lists its samples in `<app>/samples.py` as `SAMPLES`, a list of (file name, writer)
where the writer takes nothing and returns the file's bytes; add yours there."""

import importlib
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from aftersales.core.errors import DomainError


def samples() -> list[tuple[str, object]]:
    found = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.samples")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.samples":
                raise
            continue
        found.extend(module.SAMPLES)
    return found


class Command(BaseCommand):
    help = "Write docs/samples/* (service report PDF…) from the demo data in the database."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/samples", help="Folder to write to.")
        parser.add_argument("--only", nargs="*", default=None, help="File names to write.")

    def handle(self, *args, out: str, only: list[str] | None, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        wanted = [(name, writer) for name, writer in samples() if not only or name in only]
        if not wanted:
            raise CommandError("No such sample.")
        with translation.override("zh-hans"):
            for name, writer in wanted:
                try:
                    content = writer()
                except DomainError as exc:
                    raise CommandError(f"{name}: {exc}") from exc
                (folder / name).write_bytes(content)
                self.stdout.write(f"{folder / name} ({len(content) // 1024} KiB)")
