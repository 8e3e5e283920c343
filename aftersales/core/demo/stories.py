"""Case stories: each demo case is a script of calls to the case services at given moments.

A story is built first (pure: no database), as a list of steps with their times; then every
story's steps run together in time order, each with the clock frozen at its moment, so case
numbers, timeline entries and ids follow the calendar as they would have on the day.
"""

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

from aftersales.accounts.models import Team, User
from aftersales.cases import services as cs
from aftersales.cases.choices import CallKind, CaseType, Channel, Status, Visibility
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.core.demo import phrases
from aftersales.core.demo.customers import OrgData
from aftersales.core.demo.faults import Fault
from aftersales.core.workdays import add_working_days
from aftersales.customers.models import Asset, Contact, Site
from aftersales.dispatch import demo as dispatch_demo

INTERNAL, PUBLIC = Visibility.INTERNAL, Visibility.PUBLIC
# How long after the call or alert the case is typed in, in minutes.
REPORT_LAG = {Channel.MONITORING: 2, Channel.PHONE: 5, Channel.EMAIL: 30, Channel.PORTAL: 0}
UPGRADE = {"P4": "P3", "P3": "P2", "P2": "P1", "P1": "P1"}
# What a visit found when the case then waits on parts or a vendor.
VISIT_RESULT = {"parts": "needs_parts", "vendor": "needs_vendor"}


@dataclass
class Step:
    at: dt.datetime
    run: Callable[[Case | None], object]


@dataclass
class Story:
    rng: random.Random
    start: dt.datetime
    steps: list[Step] = field(default_factory=list)
    case: Case | None = None
    asset: Asset | None = None
    contact: Contact | None = None

    def __post_init__(self) -> None:
        self.t = self.start
        # Its own generator, so the texts drawn after a step moved to the working day are
        # the same whatever the time of day the demo is loaded.
        self.clock_rng = random.Random(self.rng.random())

    def then(
        self, minutes: float, run: Callable[[Case | None], object], *, office: bool = False
    ) -> None:
        """Add a step `minutes` after the last one; an `office` step waits for the working
        day (08:00-19:00) when it would fall at night."""
        self.t += dt.timedelta(minutes=minutes)
        if office:
            self.t = office_hours(self.t, self.clock_rng)
        self.steps.append(Step(self.t, run))

    def pause(self, low: float, high: float) -> float:
        """A pause of `low` to `high` minutes."""
        return self.rng.uniform(low, high)

    @property
    def end(self) -> dt.datetime:
        return self.t


def office_hours(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    local = timezone.localtime(moment)
    if 8 <= local.hour < 19:
        return moment
    day = local.date() + dt.timedelta(days=1 if local.hour >= 19 else 0)
    morning = dt.datetime.combine(day, dt.time(8, 0)) + dt.timedelta(minutes=rng.uniform(0, 210))
    return timezone.make_aware(morning)


@dataclass
class World:
    anchor: dt.datetime
    users: dict[str, User]
    teams: dict[str, Team]
    orgs: list[OrgData]
    portal: dict[str, User]  # organisation code → its customer user

    def engineer_for(self, org: OrgData) -> tuple[User, User]:
        """The engineer covering the organisation's region, and the other one."""
        first, second = self.users["engineer"], self.users["engineer2"]
        return (second, first) if org.kind in {"hospital", "school"} else (first, second)


@dataclass
class Plot:
    """What happens in one story besides the common path."""

    final: str
    takeover: bool = False
    reject: bool = False
    severity: bool = False
    timeout: bool = False
    reopen: bool = False
    expert: bool = False


def _text(template: str, context: dict) -> str:
    return template.format(**context) if template else ""


def context_for(
    rng: random.Random, org: OrgData, fault: Fault, asset: Asset | None, site: Site
) -> dict:
    """What fills a fault's texts in; the caller is added once the story knows it."""
    vendor = asset.model.vendor if asset else None
    others = [s for s in org.sites.values() if s.pk != site.pk] or [site]
    if asset is not None and asset.in_warranty(on=timezone.localdate()):
        warranty = f"在质保期内（至 {asset.warranty_end:%Y-%m-%d}）"
    else:
        warranty = "已过质保期，按维保合同服务"
    return {
        "org": org.organisation.short_name,
        "site": site.name,
        "place": rng.choice(others).name,
        "asset": asset.name if asset else "",
        "model": f"{vendor.name} {asset.model.name}" if asset else "",
        "vendor": vendor.name if vendor else "",
        "ref": f"{(vendor.code if vendor else 'SR')[:2].upper()}{rng.randint(10**7, 10**8 - 1)}",
        "warranty": warranty,
    }


def pick_asset(rng: random.Random, org: OrgData, fault: Fault) -> Asset | None:
    if not fault.asset:
        return None
    assets = org.assets.get(fault.asset, [])
    if fault.asset_names:
        assets = [a for a in assets if any(part in a.name for part in fault.asset_names)]
    return rng.choice(assets) if assets else None


def applies(org: OrgData, fault: Fault) -> bool:
    if fault.kinds and org.kind not in fault.kinds:
        return False
    if not fault.asset:
        return True
    return pick_asset(random.Random(0), org, fault) is not None


def act(service: Callable[..., object], **arguments) -> Callable[[Case | None], object]:
    """A step calling `service` on the story's case with these arguments, bound now."""
    return lambda case: service(case=case, **arguments)


def fault_story(
    w: World,
    story: Story,
    org: OrgData,
    fault: Fault,
    plot: Plot,
    *,
    create: Callable[[Story, dict], None] | None = None,
    asset: Asset | None = None,
    contact: Contact | None = None,
) -> Story:
    """The common path of a fault, cut where `plot.final` says; `create` replaces the
    opening step (follow-ups, consultations), whose caller is `contact`."""
    rng, u, final = story.rng, w.users, plot.final
    dispatcher, expert = u["dispatcher"], u["expert"]
    asset = asset or pick_asset(rng, org, fault)
    story.asset = asset
    site = asset.site if asset else rng.choice(list(org.sites.values()))
    ctx = context_for(rng, org, fault, asset, site)
    portal_user = w.portal.get(org.organisation.code)
    channel = rng.choice(fault.channels)
    if channel == Channel.PORTAL and portal_user is None:
        channel = Channel.PHONE
    if contact is None:
        contact = portal_user.contact if channel == Channel.PORTAL else site.contact
    story.contact = contact
    ctx["caller"] = contact.name
    severity = rng.choice(fault.severities)
    urgent = severity in {"P1", "P2"}
    owner, other = w.engineer_for(org)

    def say(template: str) -> str:
        return _text(template, ctx)

    def note(actor: User, body: str, visibility: str = PUBLIC):
        return act(cs.case_note, actor=actor, body=body, visibility=visibility)

    def call(actor: User, summary: str, kind: str = CallKind.PHONE):
        minutes = rng.randint(3, 15) if kind == CallKind.PHONE else rng.randint(10, 45)
        consent = kind == CallKind.REMOTE
        return act(
            cs.case_log_call,
            actor=actor,
            kind=kind,
            summary=summary,
            minutes=minutes,
            consent=consent,
        )

    def assign():
        return act(cs.case_assign, assignee=owner, actor=dispatcher, team=w.teams["onsite"])

    if create is not None:
        create(story, ctx)
    else:
        description = say(fault.description)
        if channel == Channel.MONITORING:
            description = "【7×24 监控告警】" + description
        opening = {
            "actor": portal_user if channel == Channel.PORTAL else dispatcher,
            "organisation": org.organisation,
            "title": say(fault.title),
            "description": description,
            "severity": severity,
            "channel": channel,
            "reported_at": story.t - dt.timedelta(minutes=REPORT_LAG[channel]),
            "assets": [asset] if asset else [],
            "case_type": fault.case_type,
            "category": fault.category,
            "site": site,
            "contact": contact,
        }
        story.then(0, lambda _case: cs.case_create(**opening))
    if final == Status.NEW:
        if portal_user and fault.customer_note and channel == Channel.PORTAL:
            story.then(story.pause(5, 40), note(portal_user, say(fault.customer_note)))
        return story
    if final == Status.CANCELLED:
        if rng.random() < 0.5:
            story.then(story.pause(3, 15), assign())
        reason = rng.choice(phrases.CANCEL_REASONS)
        cancel = act(cs.case_cancel, actor=dispatcher, reason=reason)
        story.then(story.pause(20, 180), cancel, office=True)
        return story

    story.then(story.pause(2, 12) if urgent else story.pause(5, 25), assign())
    if final == Status.ASSIGNED:
        return story
    if plot.takeover:
        reason = rng.choice(phrases.TAKEOVER_REASONS).format(owner=owner, other=other)
        story.then(story.pause(10, 40), act(cs.case_takeover, actor=other, reason=reason))
        owner = other
    else:
        usual = (
            phrases.RESPONSES if fault.case_type == CaseType.FAULT else phrases.REQUEST_RESPONSES
        )
        words = say(fault.respond or rng.choice(usual))
        pause = story.pause(4, 25) if urgent else story.pause(8, 55)
        story.then(pause, act(cs.case_respond, actor=owner, note=words))
    for summary in fault.calls:
        story.then(story.pause(5, 30), call(owner, say(summary)))
    if not fault.calls and fault.case_type == CaseType.FAULT and rng.random() < 0.4:
        story.then(story.pause(30, 150), call(owner, say(rng.choice(phrases.PROGRESS_CALLS))))
    for body in fault.notes:
        story.then(story.pause(3, 20), note(owner, say(body), INTERNAL))
    if fault.case_type == CaseType.COMPLAINT:
        words = rng.choice(phrases.QUALITY_NOTES)
        story.then(story.pause(30, 120), note(u["quality"], words, INTERNAL))
        story.then(story.pause(20, 90), call(u["manager"], phrases.APOLOGY.format(**ctx)))
    if severity == "P1":
        words = rng.choice(phrases.P1_MANAGER_NOTES)
        story.then(story.pause(20, 50), note(u["manager2"], words, INTERNAL))
    if plot.severity and severity != "P1":
        reason = rng.choice(phrases.SEVERITY_REASONS)
        severity = UPGRADE[severity]
        story.then(
            story.pause(30, 120),
            act(cs.case_set_severity, severity=severity, reason=reason, actor=owner),
        )
    if fault.remote:
        story.then(story.pause(10, 60), call(owner, say(fault.remote), CallKind.REMOTE))
    resolver = owner
    if fault.expert and plot.expert:
        story.then(
            story.pause(20, 90),
            act(cs.case_escalate, expert=expert, actor=owner, reason=say(fault.expert)),
        )
        words = rng.choice(phrases.EXPERT_NOTES)
        story.then(story.pause(30, 150), note(expert, words, INTERNAL))
        resolver = expert if rng.random() < 0.4 else owner
    if fault.transfer:
        team = w.teams["application"]
        reason = say(fault.transfer)
        story.then(
            story.pause(30, 120),
            act(cs.case_transfer, team=team, assignee=expert, actor=owner, reason=reason),
        )
        words = phrases.APPLICATION_RESPONSE
        story.then(story.pause(10, 40), act(cs.case_respond, actor=expert, note=words))
        owner = resolver = expert
    # Older closed stories keep the on-site note of the days before field service; the others
    # have a visit: dispatched, driven to, logged; signed and reported once the story goes
    # on past "in progress" (a PDF each, so not for every closed case).
    as_note = final == Status.CLOSED and random.Random(rng.random()).random() > 0.3
    if fault.onsite and as_note:
        story.then(story.pause(60, 240), note(owner, say(fault.onsite)), office=not urgent)
    elif fault.onsite:
        waits_on = fault.wait[0] if fault.wait else ""
        story.then(story.pause(30, 200), lambda _case: None, office=not urgent)
        dispatch_demo.visit_steps(
            story,
            dispatcher=dispatcher,
            engineer=owner,
            signer=story.contact.name if story.contact else ctx["caller"],
            log=[say(fault.onsite)],
            fault_found=say(fault.diagnosis),
            work_done=say(fault.solution),
            result=VISIT_RESULT.get(waits_on, "fixed"),
            finish=final != Status.IN_PROGRESS,
            office=not urgent,
        )
    if portal_user and fault.customer_note and rng.random() < 0.6:
        story.then(story.pause(10, 90), note(portal_user, say(fault.customer_note)))
    cause = act(
        cs.case_confirm_cause, cause=fault.cause, diagnosis=say(fault.diagnosis), actor=owner
    )
    if final == Status.IN_PROGRESS:
        if rng.random() < 0.5:
            story.then(story.pause(20, 120), cause)
        return story
    story.then(story.pause(15, 90), cause)
    if fault.wait is not None:
        on, reason, resumed = fault.wait
        story.then(story.pause(10, 60), act(cs.case_wait, on=on, actor=owner, reason=say(reason)))
        if final.startswith("waiting_"):
            return story
        resume = act(cs.case_resume, actor=owner, note=say(resumed))
        story.then(story.pause(12 * 60, 4 * 24 * 60), resume, office=True)
    low, high = {"P1": (1, 3), "P2": (2, 8), "P3": (3, 30), "P4": (4, 72)}[severity]
    solution = say(fault.solution)
    resolve = act(cs.case_resolve, cause=fault.cause, solution=solution, actor=resolver)
    story.then(story.pause(low * 60, high * 60), resolve, office=not urgent)
    if final == Status.RESOLVED:
        if portal_user is not None and rng.random() < 0.5:  # confirmed, for a manager to close
            words = rng.choice(phrases.CONFIRMATIONS).format(**ctx)
            confirm = act(cs.case_confirm, actor=portal_user, note=words)
            story.then(story.pause(30, 6 * 60), confirm, office=True)
        return story
    if plot.reject:
        reason = say(fault.reject) or rng.choice(phrases.REJECTIONS)
        rejecter = portal_user or dispatcher
        reject = act(cs.case_reject, actor=rejecter, reason=reason)
        story.then(story.pause(6 * 60, 30 * 60), reject, office=True)
        story.then(story.pause(20, 90), call(owner, say(rng.choice(phrases.RECHECKS))))
        again = solution + phrases.RECHECK_SUFFIX
        story.then(
            story.pause(3 * 60, 24 * 60),
            act(cs.case_resolve, cause=fault.cause, solution=again, actor=owner),
            office=True,
        )
    confirm_and_close(w, story, portal_user, timeout=plot.timeout, severity=severity, ctx=ctx)
    if plot.reopen:
        reason = rng.choice(phrases.REOPEN_REASONS)
        story.then(
            story.pause(2 * 24 * 60, 5 * 24 * 60),
            act(cs.case_reopen, actor=dispatcher, reason=reason),
            office=True,
        )
        words = say(phrases.RESPONSES[0])
        story.then(story.pause(10, 40), act(cs.case_respond, actor=owner, note=words))
        solution = phrases.REOPEN_SOLUTION
        story.then(
            story.pause(3 * 60, 24 * 60),
            act(cs.case_resolve, cause=fault.cause, solution=solution, actor=owner),
            office=True,
        )
        confirm_and_close(w, story, portal_user, timeout=False, severity=severity, ctx=ctx)
    return story


def confirm_and_close(
    w: World, story: Story, portal_user: User | None, *, timeout: bool, severity: str, ctx: dict
) -> None:
    """The customer (or the desk, on a revisit call) confirms, or the confirmation times out;
    then a manager closes."""
    rng = story.rng
    if timeout:
        deadline = add_working_days(story.t, cs.CONFIRMATION_WORKING_DAYS)
        wait = (deadline - story.t).total_seconds() / 60 + story.pause(60, 20 * 60)
    else:
        by_customer = portal_user is not None and rng.random() < 0.6
        confirmer = portal_user if by_customer else w.users["dispatcher"]
        words = rng.choice(phrases.CONFIRMATIONS if by_customer else phrases.REVISITS)
        story.then(
            story.pause(60, 30 * 60),
            act(cs.case_confirm, actor=confirmer, note=words.format(**ctx)),
            office=True,
        )
        wait = story.pause(2 * 60, 48 * 60)
    senior = severity in {"P1", "P2"} and rng.random() < 0.3
    closer = w.users["manager2" if senior else "manager"]
    close = act(cs.case_close, actor=closer, note=rng.choice(phrases.CLOSING_NOTES))
    story.then(wait, close, office=True)


def stories_run(stories: list[Story], *, before: Callable[[dt.datetime], None] | None = None):
    """Run every story's steps in time order, the clock frozen at each step's moment;
    `before(at)` runs first (the worker's sweep of what fell due meanwhile)."""
    queue = [(story.steps[0].at, index, 0) for index, story in enumerate(stories) if story.steps]
    heapq.heapify(queue)
    while queue:
        at, index, position = heapq.heappop(queue)
        if before is not None:
            before(at)
        story = stories[index]
        with frozen(at):
            result = story.steps[position].run(story.case)
        if isinstance(result, Case):
            story.case = result
        if position + 1 < len(story.steps):
            heapq.heappush(queue, (story.steps[position + 1].at, index, position + 1))
