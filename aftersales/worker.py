"""The background worker's configuration: Huey on Redis when REDIS_URL is set, otherwise on a
SQLite file in VAR_DIR; and schedules counted in the project's time zone.

Imported by the settings, so nothing here may import Django models."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo


def huey_settings(*, redis_url: str, var_dir: Path, threads: int, immediate: bool = False) -> dict:
    """The HUEY setting read by huey.contrib.djhuey. `immediate` runs tasks in the caller (the
    test settings only; never tied to DEBUG)."""
    config: dict = {
        "name": "aftersales",
        "immediate": immediate,
        "utc": True,
        "consumer": {
            "workers": threads,
            "worker_type": "thread",
            "periodic": True,
            "check_worker_health": True,
            "health_check_interval": 10,
            # Poll an empty queue at most every 2 s; tasks enqueued after a commit start soon.
            "max_delay": 2.0,
        },
    }
    if redis_url:
        config.update({"huey_class": "huey.RedisHuey", "url": redis_url})
    else:
        config.update({"huey_class": "huey.SqliteHuey", "filename": str(var_dir / "huey.sqlite3")})
    return config


def daily_at(hour: int, minute: int = 0) -> Callable[[dt.datetime], bool]:
    """A Huey schedule: once a day at hour:minute in settings.TIME_ZONE. Huey hands the
    validator naive UTC times (utc=True)."""

    def validate(moment: dt.datetime) -> bool:
        from django.conf import settings

        local = moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(settings.TIME_ZONE))
        return (local.hour, local.minute) == (hour, minute)

    return validate
