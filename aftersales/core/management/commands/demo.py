"""`aftersales demo`: load the demo dataset, once per database."""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.core.demo.database import database_rebuild
from aftersales.core.demo.loader import (
    CREDENTIALS_FILE,
    DemoReport,
    credentials_write,
    database_has_data,
    demo_load,
    demo_present,
)
from aftersales.core.errors import DomainError


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def credentials_table(report: DemoReport) -> str:
    header = (_("Username"), _("Role"), _("Password"))
    rows = [(c.username, c.roles, c.password) for c in report.credentials]
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(3)]
    lines = [
        "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, tuple("-" * w for w in widths), *rows]
    ]
    return "\n".join(lines) + "\n"


def _shown(path: Path) -> str:
    """The path relative to the working directory where it lies inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the demo dataset: customers, assets, users and a few months of cases. "
        "Refuses a database that already holds data, unless --reset rebuilds it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=gettext_lazy("Give every demo user this password (default: a random one each)."),
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--reset",
            action="store_true",
            help=gettext_lazy(
                "Rebuild the database (deleting everything in it), migrate, then load."
            ),
        )
        mode.add_argument(
            "--first-start",
            action="store_true",
            help=gettext_lazy("Load only into an empty database; otherwise say so and succeed."),
        )

    def handle(self, *args, password=None, reset=False, first_start=False, **options):
        path = Path(settings.VAR_DIR) / CREDENTIALS_FILE
        try:
            if reset:
                database_rebuild()
            elif demo_present():
                if first_start:
                    self.stdout.write(
                        _("Demo data is already loaded; the demo users' passwords are in %(path)s.")
                        % {"path": _shown(path)}
                    )
                    return
                raise CommandError(
                    _(
                        "Demo data is already loaded in this database. `aftersales demo --reset` "
                        "rebuilds the database, deleting everything in it, and loads it again."
                    )
                )
            elif database_has_data():
                if first_start:
                    self.stdout.write(
                        _("The database already holds data; the demo data is not loaded.")
                    )
                    return
                raise CommandError(
                    _(
                        "The database already holds data, so the demo data is not loaded. "
                        "`aftersales demo --reset` rebuilds the database, deleting everything "
                        "in it, and loads the demo."
                    )
                )
            report = demo_load(password=password)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        table = credentials_table(report)
        loaded_at = timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")
        credentials_write(
            path=path,
            text=_("Aftersales demo users, loaded %(time)s") % {"time": loaded_at} + "\n\n" + table,
        )
        self.stdout.write(table)
        self.stdout.write(
            _(
                "Loaded %(organisations)s organisations, %(assets)s assets, %(cases)s cases "
                "(%(entries)s timeline entries) and %(consultations)s consultations "
                "in %(seconds).1f s."
            )
            % {
                "organisations": report.organisations,
                "assets": report.assets,
                "cases": report.cases,
                "entries": report.entries,
                "consultations": report.consultations,
                "seconds": report.seconds,
            }
        )
        self.stdout.write(_("The passwords are also in %(path)s.") % {"path": _shown(path)})
