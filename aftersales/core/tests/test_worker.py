"""The worker: Huey configured from the environment (Redis, else SQLite in VAR_DIR; immediate
only in tests), its periodic tasks, the `worker` command that `serve` starts beside gunicorn,
and a task's round trip through a real Redis."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands
from huey import RedisHuey, SqliteHuey
from huey.utils import load_class

from aftersales import env
from aftersales.worker import daily_at, huey_settings


def build_huey(config: dict, name: str):
    """A Huey instance from a HUEY setting, as huey.contrib.djhuey builds it."""
    config = {**config}
    config.pop("consumer", None)
    config.pop("name", None)
    huey_class = load_class(config.pop("huey_class"))
    return huey_class(name, **config)


def test_without_redis_the_queue_is_a_sqlite_file_in_var(tmp_path):
    config = huey_settings(redis_url="", var_dir=tmp_path, threads=4)
    assert config["huey_class"] == "huey.SqliteHuey"
    assert config["filename"] == str(tmp_path / "huey.sqlite3")
    assert config["immediate"] is False
    assert config["consumer"] == {
        "workers": 4,
        "worker_type": "thread",
        "periodic": True,
        "check_worker_health": True,
        "health_check_interval": 10,
        "max_delay": 2.0,
    }
    huey = build_huey(config, "probe")
    assert isinstance(huey, SqliteHuey) and not huey.immediate


def test_with_redis_the_queue_is_redis(tmp_path):
    config = huey_settings(redis_url="redis://127.0.0.1:6379/15", var_dir=tmp_path, threads=2)
    assert config["huey_class"] == "huey.RedisHuey"
    assert config["url"] == "redis://127.0.0.1:6379/15"
    assert "filename" not in config and config["immediate"] is False


@pytest.mark.parametrize("debug", ["1", "0"])
def test_the_settings_never_run_tasks_in_place_outside_tests(tmp_path, debug):
    environment = {
        **os.environ,
        "DEBUG": debug,
        "SECRET_KEY": "probe",
        "AFTERSALES_VAR_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    environment.pop("DATABASE_URL", None)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from aftersales.settings import base; "
            "print(base.HUEY['immediate'], base.HUEY['huey_class'], base.HUEY['filename'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert probe.stdout.split() == ["False", "huey.SqliteHuey", str(tmp_path / "huey.sqlite3")]


def test_the_test_settings_run_tasks_in_place():
    from huey.contrib.djhuey import HUEY

    assert settings.HUEY["immediate"] is True and HUEY.immediate


def test_the_periodic_tasks_are_registered():
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    autodiscover_modules("tasks")
    names = {task.name for task in HUEY._registry.periodic_tasks}
    assert names == {
        "deliver_due",
        "deem_confirmed_due",
        "send_expiry_reminders",
        "sweep",
        "book_periodic_revisits",
        "warn_of_rising_complaints",
        "rma_due",
        "tidy_exports",
    }


def test_every_minute_and_daily_schedules():
    from aftersales.cases.tasks import deem_confirmed_due
    from aftersales.notifications.tasks import deliver_due
    from aftersales.rma.tasks import rma_due
    from aftersales.sla.tasks import sweep

    minute = dt.datetime(2026, 1, 5, 3, 17)  # naive UTC, as Huey hands it over
    for task in (deliver_due, deem_confirmed_due, sweep, rma_due):
        assert task.task_class().validate_datetime(minute)
    eight = daily_at(8, 0)
    assert eight(dt.datetime(2026, 1, 5, 0, 0))  # 08:00 in Asia/Shanghai
    assert not eight(dt.datetime(2026, 1, 5, 8, 0))
    assert not eight(dt.datetime(2026, 1, 5, 0, 1))


def test_serve_starts_the_worker_beside_gunicorn():
    assert "worker" in get_commands()
    started = []

    class Finished:
        def __init__(self, command):
            started.append(command)

        def poll(self):
            return 0

        def wait(self, timeout=None):
            return 0

    with mock.patch("subprocess.Popen", Finished), mock.patch("signal.signal"):
        call_command("serve", "--port", "8123")
    assert started[0][1:4] == ["aftersales.wsgi:application", "--bind", "127.0.0.1:8123"]
    assert started[1] == [sys.executable, "-m", "aftersales.manage", "worker"]


def test_the_worker_has_nothing_to_do_in_immediate_mode(capsys):
    call_command("worker")
    assert "immediate mode" in capsys.readouterr().err


@pytest.mark.redis
def test_a_task_round_trips_through_redis(tmp_path):
    config = huey_settings(redis_url=env.REDIS_URL, var_dir=tmp_path, threads=1)
    huey = build_huey(config, f"aftersales-test-{uuid.uuid4().hex}")
    assert isinstance(huey, RedisHuey) and not huey.immediate

    @huey.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        # The task waits in Redis, serialised, until a worker takes it.
        assert huey.storage.conn.llen(huey.storage.queue_key) == 1
        task = huey.dequeue()
        assert task.args == (2, 3)
        assert huey.storage.conn.llen(huey.storage.queue_key) == 0
        huey.execute(task)
        assert result.get() == 5
    finally:
        huey.storage.flush_all()
