"""`aftersales demo`: the dataset it loads, and how the command guards the database."""

import datetime as dt
import io
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase, override_settings

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.audit.services import audit_verify
from aftersales.cases.choices import FINISHED, Status
from aftersales.cases.models import Case, Consultation, TimelineEntry
from aftersales.core.clock import now
from aftersales.core.demo.database import (
    POSTGRESQL_SCHEMA,
    SQLITE_FILE,
    rebuild_strategy,
    sqlite_files,
)
from aftersales.core.demo.people import USERNAMES, password_generate
from aftersales.core.errors import Conflict
from aftersales.customers.models import Asset, AssetLink, Organisation
from aftersales.notifications.choices import Channel, OutboxStatus
from aftersales.notifications.models import OutboxMessage
from aftersales.workspace.selectors import manager_board

PASSWORD = "demo-password-1"
ROLES = {
    "admin": {Role.ADMINISTRATOR},
    "dispatcher": {Role.DISPATCHER},
    "engineer": {Role.ENGINEER},
    "engineer2": {Role.ENGINEER},
    "expert": {Role.EXPERT},
    "manager": {Role.DEPARTMENT_MANAGER, Role.RESPONSE_CENTRE_MANAGER},
    "manager2": {Role.TECHNICAL_MANAGER},
    "manager3": {Role.TECHNICAL_CENTRE_MANAGER},
    "manager4": {Role.INTEGRATION_MANAGER},
    "manager5": {Role.INTEGRATION_GENERAL_MANAGER},
    "quality": {Role.QUALITY_MANAGER},
    "parts": {Role.SPARE_PARTS_ADMIN},
    "customer": {Role.CUSTOMER},
    "customer_b": {Role.CUSTOMER},
}


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), TimelineEntry.objects.count(), User.objects.count()


def _passwords(credentials: str) -> dict[str, str]:
    """Username → password from the credentials file: a title, a blank line, the table."""
    rows = credentials.splitlines()[4:]
    return {row.split()[0]: row.split()[-1] for row in rows}


class LoadedDemoTests(TestCase):
    """The dataset, loaded once for the class, each user with a password of their own."""

    @classmethod
    def setUpTestData(cls):
        cls.var_dir = tempfile.mkdtemp(prefix="aftersales-demo-")
        cls.addClassCleanup(shutil.rmtree, cls.var_dir, ignore_errors=True)
        out = io.StringIO()
        with override_settings(VAR_DIR=Path(cls.var_dir)):
            call_command("demo", stdout=out)
        cls.output = out.getvalue()

    def test_every_workflow_state_has_cases(self):
        self.assertEqual(set(Case.objects.values_list("status", flat=True)), set(Status.values))
        self.assertGreaterEqual(Case.objects.count(), 100)
        self.assertGreaterEqual(Asset.objects.count(), 300)
        self.assertTrue(AssetLink.objects.exists())
        self.assertTrue(Consultation.objects.filter(case__isnull=False).exists())
        self.assertTrue(Consultation.objects.filter(case__isnull=True).exists())

    def test_duplicates_wait_on_an_open_master_or_closed_with_theirs(self):
        for duplicate in Case.objects.filter(master__isnull=False).select_related("master"):
            if duplicate.status == Status.WAITING_MASTER:
                self.assertNotIn(duplicate.master.status, FINISHED)
            else:
                self.assertEqual(duplicate.status, Status.CLOSED)
                self.assertEqual(duplicate.master.status, Status.CLOSED)

    def test_the_managers_day_has_escalations_breaches_and_fixes_to_close(self):
        board = manager_board(user=User.objects.get(username="manager"), now=now())
        self.assertTrue(board.escalations)
        self.assertTrue(board.awaiting)
        self.assertTrue(any(item.case.confirmed_at for item in board.awaiting))  # confirmed

    def test_the_sweep_ran_through_the_history_each_step_at_its_own_time(self):
        steps = TimelineEntry.objects.filter(kind__in=["sla_reminder", "sla_escalation"])
        moments = set(steps.values_list("created_at", flat=True))
        self.assertGreater(len(moments), 10)
        self.assertLess(min(moments), now() - dt.timedelta(days=2))

    def test_only_the_in_app_messages_of_the_history_wait_for_the_worker(self):
        pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        self.assertTrue(pending.exists())
        self.assertEqual(set(pending.values_list("channel", flat=True)), {Channel.IN_APP})

    def test_users_have_their_roles(self):
        users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
        self.assertEqual(set(users), set(ROLES))
        for username, roles in ROLES.items():
            self.assertEqual(users[username].roles, roles, username)
        self.assertTrue(users["admin"].is_superuser)
        self.assertFalse(any(u.is_superuser for name, u in users.items() if name != "admin"))

    def test_customers_belong_to_organisations_a_and_b(self):
        customer = User.objects.select_related("organisation", "contact").get(username="customer")
        customer_b = User.objects.select_related("organisation").get(username="customer_b")
        self.assertEqual(customer.organisation.code, "HDGA")
        self.assertEqual(customer.contact.organisation_id, customer.organisation_id)
        self.assertEqual(customer_b.organisation.code, "RMYY")
        self.assertFalse(User.objects.filter(username="dispatcher", organisation__isnull=False))

    def test_every_user_signs_in_with_the_password_printed_for_them(self):
        path = Path(self.var_dir) / "demo-credentials.txt"
        passwords = _passwords(path.read_text(encoding="utf-8"))
        self.assertEqual(set(passwords), set(USERNAMES))
        self.assertEqual(len(set(passwords.values())), len(USERNAMES))
        for username, password in passwords.items():
            self.assertIn(f"{password}\n", self.output)
            self.assertIsNotNone(authenticate(username=username, password=password), username)
        self.assertIsNone(authenticate(username="dispatcher", password=passwords["engineer"]))

    def test_the_knowledge_base_has_articles_from_closed_cases(self):
        from aftersales.knowledge.models import Article

        articles = Article.objects.select_related("source_case")
        published = [a for a in articles if a.status == "published"]
        self.assertGreaterEqual(len(published), 5)
        self.assertTrue(any(a.audience == "public" for a in published))
        self.assertEqual([a.status for a in articles if a.status != "published"], ["in_review"])
        self.assertTrue(all(a.source_case.status == Status.CLOSED for a in articles))
        self.assertTrue(all(a.created_at <= now() for a in articles))

    def test_every_screenshot_finds_its_page_in_the_demo(self):
        from django.urls import Resolver404, resolve

        from aftersales.core.management.commands.screenshots import Command
        from aftersales.core.screenshots import SHOTS

        out = io.StringIO()
        found = dict(Command(stdout=out).addresses(SHOTS))
        expected = []
        for shot in SHOTS:
            try:
                resolve(shot.url.split("?")[0] if isinstance(shot.url, str) else "/")
            except Resolver404:  # a page not built yet (/reports/)
                self.assertIn(f"{shot.name}: skipped, no page at {shot.url}", out.getvalue())
            else:
                expected.append(shot.name)
        self.assertEqual([shot.name for shot in found], expected)
        urls = {shot.name: url for shot, url in found.items()}
        self.assertRegex(urls["03-case"], r"^/cases/\d{8}-\d{6}/$")
        self.assertRegex(urls["09-portal-case"], r"^/portal/cases/\d{8}-\d{6}/$")
        self.assertRegex(urls["07-visit-phone"], r"^/visits/\d+/$")

    def test_timelines_verify(self):
        report = audit_verify()
        self.assertIsNone(report.first_mismatch)
        self.assertEqual(report.cases, Case.objects.count())
        self.assertEqual(report.entries, TimelineEntry.objects.count())

    def test_history_lies_in_the_last_months_and_never_in_the_future(self):
        moment = now()
        times = TimelineEntry.objects.values_list("created_at", flat=True)
        self.assertLessEqual(max(times), moment)
        self.assertGreater(min(times), moment - dt.timedelta(days=100))
        self.assertFalse(
            [c.number for c in Case.objects.all() if not c.reported_at <= c.created_at]
        )

    def test_credentials_file_is_for_the_owner_only(self):
        path = Path(self.var_dir) / "demo-credentials.txt"
        self.assertEqual(stat.S_IMODE(path.stat().st_mode), 0o600)

    def test_a_second_run_refuses_and_changes_nothing(self):
        before = _counts()
        with self.assertRaisesMessage(CommandError, "--reset"):
            call_command("demo", stdout=io.StringIO())
        self.assertEqual(_counts(), before)

    def test_first_start_on_a_loaded_database_does_nothing(self):
        before = _counts()
        out = io.StringIO()
        with override_settings(VAR_DIR=Path(self.var_dir)):
            call_command("demo", first_start=True, stdout=out)
        self.assertEqual(len(out.getvalue().strip().splitlines()), 1)
        self.assertIn("demo-credentials.txt", out.getvalue())
        self.assertEqual(_counts(), before)


def test_refuses_a_database_that_holds_other_data(org_a):
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", stdout=io.StringIO())
    assert not Case.objects.exists()
    assert list(Organisation.objects.values_list("code", flat=True)) == ["HDGA"]


def test_first_start_leaves_a_database_with_other_data_alone(org_a):
    out = io.StringIO()
    call_command("demo", first_start=True, stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 1
    assert not User.objects.exists()


def test_reset_never_rebuilds_from_inside_a_transaction(org_a):
    """What keeps a test from dropping its own database: tests run in a transaction."""
    with pytest.raises(CommandError, match="transaction"):
        call_command("demo", reset=True, stdout=io.StringIO())
    assert Organisation.objects.filter(code="HDGA").exists()


def _connection(vendor: str, memory: bool = False):
    return SimpleNamespace(vendor=vendor, is_in_memory_db=lambda: memory)


def test_rebuild_deletes_a_sqlite_file_and_drops_a_postgresql_schema():
    assert rebuild_strategy(_connection("sqlite")) == SQLITE_FILE
    assert rebuild_strategy(_connection("postgresql")) == POSTGRESQL_SCHEMA
    with pytest.raises(Conflict):
        rebuild_strategy(_connection("sqlite", memory=True))
    with pytest.raises(Conflict):
        rebuild_strategy(_connection("oracle"))
    assert [p.name for p in sqlite_files("/srv/var/db.sqlite3")] == [
        "db.sqlite3",
        "db.sqlite3-wal",
        "db.sqlite3-shm",
        "db.sqlite3-journal",
    ]


def test_generated_passwords_differ():
    passwords = {password_generate() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 14 and p.count("-") == 2 for p in passwords)


def _aftersales(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "AFTERSALES_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "aftersales.manage", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_reset_rebuilds_a_sqlite_database_and_password_sets_every_password(tmp_path):
    """The command in its own process on its own SQLite file, which held something else:
    --reset deletes the file, migrates and loads; --password is everyone's password."""
    database = tmp_path / "demo.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE left_over (id INTEGER PRIMARY KEY)")
        db.execute("INSERT INTO left_over VALUES (1)")
    result = _aftersales(tmp_path, "demo", "--reset", "--password", PASSWORD)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        states = {row[0] for row in db.execute("SELECT DISTINCT status FROM cases_case")}
        hashes = dict(db.execute("SELECT username, password FROM accounts_user").fetchall())
    assert "left_over" not in tables
    assert states == set(Status.values)
    assert set(hashes) == set(USERNAMES)
    assert all(check_password(PASSWORD, hashed) for hashed in hashes.values())
    credentials = (tmp_path / "var" / "demo-credentials.txt").read_text(encoding="utf-8")
    assert set(_passwords(credentials).values()) == {PASSWORD}
