"""`aftersales sla calc` and `aftersales sla sweep`."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from aftersales.core.clock import frozen
from aftersales.core.errors import NotFound
from aftersales.sla.calendars import parse_duration
from aftersales.sla.selectors import calendar_by_name
from aftersales.sla.sweep import sla_sweep


class Command(BaseCommand):
    help = "Service-level tools: working-time arithmetic and the sweep of due steps."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        calc = sub.add_parser("calc", help="Print the due time of a duration in a calendar.")
        calc.add_argument("--calendar", required=True)
        calc.add_argument("--from", dest="start", required=True, help="ISO 8601 start")
        calc.add_argument("--duration", required=True, help="e.g. 4h, 30m, 1h30m, 2d")
        sweep = sub.add_parser("sweep", help="Fire reminders, escalation steps and breaches due.")
        sweep.add_argument("--now", help="ISO 8601 moment to sweep up to (default: now)")

    def _fail(self, message: str):
        self.stderr.write(message)
        sys.exit(2)

    def _moment(self, text: str, zone) -> dt.datetime:
        try:
            moment = parse_datetime(text)
        except ValueError:
            moment = None
        if moment is None:
            self._fail(f"error: “{text}” is not an ISO 8601 time, e.g. 2026-09-30T16:00+08:00")
        return moment if moment.tzinfo else moment.replace(tzinfo=zone)

    def handle(self, *args, verb: str, **options):
        if verb == "calc":
            self._calc(options)
        else:
            self._sweep(options)

    def _calc(self, options) -> None:
        try:
            calendar = calendar_by_name(options["calendar"])
        except NotFound:
            self._fail(f"error: unknown calendar “{options['calendar']}”")
        start = self._moment(options["start"], calendar.zone)
        try:
            minutes = parse_duration(options["duration"])
        except ValueError:
            self._fail(f"error: “{options['duration']}” is not a duration: use e.g. 4h, 30m, 1h30m")
        due = calendar.due(start, minutes).astimezone(calendar.zone)
        self.stdout.write(due.isoformat())

    def _sweep(self, options) -> None:
        if options.get("now"):
            moment = self._moment(options["now"], timezone.get_default_timezone())
            with frozen(moment):
                report = sla_sweep(now=moment)
        else:
            report = sla_sweep()
        self.stdout.write(
            f"fired {report.fired}: {report.reminders} reminders, {report.escalations} "
            f"escalation steps, {report.breaches} breaches, {report.reassigned} reassigned; "
            f"{report.messages} messages queued"
        )
