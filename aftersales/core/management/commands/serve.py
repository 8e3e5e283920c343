"""Serve the web app with gunicorn and run the background worker beside it, until stopped."""

import shutil
import signal
import subprocess
import sys
import time

from django.core.management import get_commands
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app (gunicorn) and run the worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args, host: str, port: str, workers: int, no_worker: bool, **options):
        bin_dir = shutil.which("gunicorn") or f"{sys.prefix}/bin/gunicorn"
        commands = [
            [
                bin_dir,
                "aftersales.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ]
        ]
        if not no_worker and "worker" in get_commands():
            commands.append([sys.executable, "-m", "aftersales.manage", "worker"])
        processes = [subprocess.Popen(command) for command in commands]  # noqa: S603
        self.stdout.write(f"Serving on http://{host}:{port}/ (Ctrl-C stops)")

        def stop(*_args):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                process.wait(timeout=30)
