from django.core.management.base import BaseCommand, CommandError

from aftersales.audit.services import audit_verify


class Command(BaseCommand):
    help = "Audit the case timelines. `audit verify` recomputes every digest and hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("verify", help="Verify digests and hash chains.")
        verify.add_argument("--case", action="append", dest="cases", help="Only this case number")

    def handle(self, *args, verb: str, cases=None, **options):
        def progress(report):
            if options["verbosity"] > 1:
                self.stderr.write(f"… {report.cases} cases, {report.entries} entries")

        report = audit_verify(case_numbers=cases, progress=progress)
        if report.first_mismatch is not None:
            raise CommandError(f"Timeline does not verify: {report.first_mismatch}")
        self.stdout.write(
            f"OK: {report.cases} cases, {report.entries} entries verified "
            f"({report.redacted} redacted)."
        )
