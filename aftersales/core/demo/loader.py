"""Loading the demo dataset in one transaction, and the questions the command asks first."""

import datetime as dt
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.cases.choices import Status
from aftersales.cases.models import Case, Consultation, TimelineEntry
from aftersales.core.clock import frozen, now
from aftersales.core.demo import catalogue, customers, people
from aftersales.core.demo.plan import stories_plan
from aftersales.core.demo.stories import World, stories_run
from aftersales.customers.models import Asset, Organisation
from aftersales.dispatch import demo as dispatch_demo
from aftersales.feedback.demo import feedback_add
from aftersales.knowledge.demo import knowledge_demo_create
from aftersales.notifications.services import outbox_settle_history
from aftersales.rma.demo import rma_demo_create
from aftersales.sla.sweep import sla_next_due, sla_sweep

SEED = 20240517
CREDENTIALS_FILE = "demo-credentials.txt"
ORGANISATION_CODES = tuple(spec.code for spec in customers.ORGANISATIONS)


@dataclass(frozen=True)
class Credential:
    username: str
    roles: str
    password: str


@dataclass
class DemoReport:
    credentials: list[Credential]
    organisations: int
    assets: int
    cases: int
    entries: int
    consultations: int
    states: dict[str, int]
    seconds: float


def demo_present() -> bool:
    """Whether this database holds the demo dataset (or part of it)."""
    return (
        User.objects.filter(username__in=people.USERNAMES).exists()
        or Organisation.objects.filter(code__in=ORGANISATION_CODES).exists()
    )


def database_has_data() -> bool:
    """Whether anything but what migrations create is in the database."""
    return User.objects.exists() or Organisation.objects.exists() or Case.objects.exists()


def _roles(spec: people.UserSpec) -> str:
    return ", ".join(str(Role(role).label) for role in spec.roles)


def _sweep_until(moment: dt.datetime) -> None:
    """What the worker's sweep would have done up to `moment`, each at the minute it fell due:
    reminders, escalation steps and breaches stamped with their own times."""
    swept = None
    while (due := sla_next_due(until=moment)) is not None and due != swept:
        with frozen(due):
            sla_sweep(now=due)
        swept = due  # a step the sweep could not fire is not tried forever


def demo_load(*, password: str | None = None, seed: int = SEED) -> DemoReport:
    """Load the whole dataset: customers, people, and a few months of cases told through the
    case services, each step at its moment. Every user gets `password`, or one of their own."""
    started = time.monotonic()
    passwords = {username: password or people.password_generate() for username in people.USERNAMES}
    hashes = people.password_hashes(passwords)
    anchor = now()
    today = timezone.localdate(anchor)
    rng = random.Random(seed)
    with transaction.atomic():
        people.regions_and_skills_create()
        dispatch_demo.category_skills_create()
        models = catalogue.catalogue_create()
        orgs = customers.organisations_create(rng=rng, models=models, today=today)
        users = people.users_create(hashes=hashes, joined=anchor - dt.timedelta(days=400))
        teams = people.teams_create(users=users)
        portal = {user.organisation.code: user for user in users.values() if user.is_customer}
        world = World(anchor=anchor, users=users, teams=teams, orgs=orgs, portal=portal)
        stories_run(stories_plan(world, seed), before=_sweep_until)
        # Survey answers and revisit calls, with a generator of their own so that the
        # stories stay as they were.
        feedback_add(rng=random.Random(seed + 1), anchor=anchor, desk=users["dispatcher"])
        rma_demo_create(anchor=anchor, users=users)
        knowledge_demo_create(users=users)
        # The clocks as the worker leaves them: reminders, escalation steps and breaches
        # due by now have fired, each at its time (a manager finds escalations addressed
        # to them); the cases opened after the stories (complaints, RMA) included.
        _sweep_until(anchor)
        # The mail and SMS of that history went out long ago; the worker still brings the
        # in-app ones to each person's bell (and the console is not flooded on first start).
        outbox_settle_history(at=anchor)
        states = Counter(Case.objects.values_list("status", flat=True))
        missing = set(Status.values) - set(states)
        if missing:
            raise RuntimeError(f"The demo misses cases in states: {sorted(missing)}")
    return DemoReport(
        credentials=[
            Credential(spec.username, _roles(spec), passwords[spec.username])
            for spec in people.USERS
        ],
        organisations=len(orgs),
        assets=Asset.objects.count(),
        cases=sum(states.values()),
        entries=TimelineEntry.objects.count(),
        consultations=Consultation.objects.count(),
        states={status: states[status] for status in Status.values},
        seconds=time.monotonic() - started,
    )


def credentials_write(*, path: Path, text: str) -> Path:
    """Write the credentials where only the owner reads them (0600), replacing any old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file keeps its mode otherwise
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
