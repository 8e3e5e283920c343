"""Run the background worker: the Huey consumer with the periodic tasks, until stopped."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig


class Command(BaseCommand):
    help = (
        "Run the background worker: deliver notifications, run the periodic jobs "
        "(every minute; daily reminders). Several workers may run at once."
    )

    def add_arguments(self, parser):
        consumer = settings.HUEY.get("consumer", {})
        parser.add_argument(
            "--workers",
            type=int,
            default=consumer.get("workers", 4),
            help="Worker threads (default: WORKER_THREADS, 4): tasks mostly wait on mail "
            "servers and webhooks, so threads beat processes on a small machine.",
        )
        parser.add_argument(
            "--worker-type", choices=["thread", "process", "greenlet"], default=None
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not run the periodic jobs here (when another worker runs them).",
        )

    def handle(self, *args, workers: int, worker_type: str | None, no_periodic: bool, **options):
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            self.stderr.write("HUEY runs in immediate mode here: there is nothing to consume.")
            return
        autodiscover_modules("tasks")
        values = {**settings.HUEY.get("consumer", {}), "workers": workers}
        if worker_type:
            values["worker_type"] = worker_type
        if no_periodic:
            values["periodic"] = False
        config = ConsumerConfig(**values)
        config.validate()
        logger = logging.getLogger("huey")
        if not logger.handlers and not logging.getLogger().handlers:
            config.setup_logger(logger)
        self.stdout.write(
            f"Worker: {config.workers} {config.worker_type} worker(s) on "
            f"{type(HUEY).__name__}, periodic tasks {'on' if config.periodic else 'off'}."
        )
        HUEY.create_consumer(**config.values).run()
