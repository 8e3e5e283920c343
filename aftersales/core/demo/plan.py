"""Which stories the demo tells and when: a few months of closed history, and the cases still
open today in every state of the workflow."""

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from aftersales.cases import services as cs
from aftersales.cases.choices import Channel, Status, Visibility, WaitingOn
from aftersales.core.demo import episodes, phrases
from aftersales.core.demo.customers import OrgData
from aftersales.core.demo.faults import FAULTS, Fault
from aftersales.core.demo.stories import Plot, Story, World, act, applies, fault_story

# How many ordinary fault stories end in each state; the episodes add more.
COUNTS = {
    Status.CLOSED: 66,
    Status.CANCELLED: 4,
    Status.RESOLVED: 5,
    Status.IN_PROGRESS: 5,
    Status.ASSIGNED: 4,
    Status.NEW: 4,
    Status.WAITING_CUSTOMER: 3,
    Status.WAITING_VENDOR: 3,
    Status.WAITING_PARTS: 3,
}
# When a story in that state took its last step: between so many hours ago.
WINDOWS = {
    Status.NEW: (0.1, 4),
    Status.ASSIGNED: (0.3, 6),
    Status.IN_PROGRESS: (1, 48),
    Status.WAITING_CUSTOMER: (2, 120),
    Status.WAITING_VENDOR: (2, 120),
    Status.WAITING_PARTS: (2, 72),
    Status.RESOLVED: (1, 40),
    Status.CLOSED: (24, 80 * 24),
    Status.CANCELLED: (24, 80 * 24),
}
WAITING_ON = {
    Status.WAITING_CUSTOMER: WaitingOn.CUSTOMER,
    Status.WAITING_VENDOR: WaitingOn.VENDOR,
    Status.WAITING_PARTS: WaitingOn.PARTS,
}


class Planner:
    def __init__(self, world: World, seed: int):
        self.w = world
        self.seed = seed
        self.rng = random.Random(seed)
        self.stories: list[Story] = []
        self.limit = world.anchor - dt.timedelta(minutes=2)

    def _rng(self, key: str) -> random.Random:
        return random.Random(f"{self.seed}:{len(self.stories)}:{key}")

    def place(self, build: Callable[[Story], Story], window: tuple[float, float]) -> Story:
        """Build the story so that it ends within `window` hours ago (never after now), starting
        in the daytime; rebuilt from the same seed each time it moves, so it tells the same."""
        pick = self._rng("place")
        end = self.w.anchor - dt.timedelta(hours=pick.uniform(*window))
        trial = build(Story(self._rng("story"), end))
        start = end - (trial.end - trial.start)
        for _attempt in range(50):
            start = _daytime(start, pick)
            story = build(Story(self._rng("story"), start))
            if story.end <= self.limit:
                self.stories.append(story)
                return story
            start -= story.end - self.limit
            if _attempt > 10:  # the working day keeps pushing it past now: a day earlier
                start -= dt.timedelta(days=1)
        raise RuntimeError("A demo story does not fit before now.")

    def at(self, build: Callable[[Story], Story], start: dt.datetime) -> Story:
        story = build(Story(self._rng("story"), start))
        if story.end > self.limit:
            raise RuntimeError("A demo story does not fit before now.")
        self.stories.append(story)
        return story

    def org(self, fault: Fault | None = None) -> OrgData:
        candidates = [o for o in self.w.orgs if fault is None or applies(o, fault)]
        return self.rng.choices(candidates, weights=[o.weight for o in candidates])[0]

    def by_code(self, code: str) -> OrgData:
        return next(o for o in self.w.orgs if o.organisation.code == code)

    def fault(self, final: str) -> tuple[OrgData, Fault]:
        on = WAITING_ON.get(final)
        faults = [f for f in FAULTS if on is None or (f.wait and f.wait[0] == on)]
        while True:
            org = self.org()
            usable = [f for f in faults if applies(org, f)]
            if usable:
                return org, self.rng.choice(usable)

    def plot(self, final: str, fault: Fault) -> Plot:
        chance = self.rng.random
        closed = final == Status.CLOSED
        return Plot(
            final=final,
            takeover=chance() < 0.08,
            reject=closed and chance() < 0.08,
            severity=chance() < 0.06,
            timeout=closed and chance() < 0.15,
            expert=bool(fault.expert) and chance() < 0.6,
        )

    def tell(
        self,
        final: str,
        org: OrgData,
        fault: Fault,
        plot: Plot | None = None,
        window: tuple[float, float] | None = None,
        **options,
    ) -> Story:
        plot = plot or self.plot(final, fault)
        return self.place(
            lambda story: fault_story(self.w, story, org, fault, plot, **options),
            window or WINDOWS[final],
        )

    # --- the episodes ---------------------------------------------------------------

    def outage(self, fault: Fault, duplicate: str, final: str, window: tuple[float, float]) -> None:
        """A platform-wide fault and three stations reporting it, linked to it as duplicates."""
        org = self.by_code("HDGA")
        plot = Plot(final=final, expert=True)
        master = self.place(lambda s: fault_story(self.w, s, org, fault, plot), window)
        stations = [site for key, site in org.sites.items() if key != "center"]
        sites = self.rng.sample(stations, 3)
        if final == Status.CLOSED:
            offsets = [10, 25, 45]
        else:
            span = (self.limit - master.start).total_seconds() / 60
            offsets = [span * share for share in (0.2, 0.45, 0.7)]
        dispatcher = self.w.users["dispatcher"]
        for site, minutes in zip(sites, offsets, strict=True):

            def build(story: Story, site=site) -> Story:
                platform = org.assets[fault.asset][0]
                story.then(
                    0,
                    lambda _case: cs.case_create(
                        actor=dispatcher,
                        organisation=org.organisation,
                        title=duplicate.format(site=site.name),
                        description=f"{site.contact.name}来电：{fault.description}",
                        severity=fault.severities[0],
                        channel=Channel.PHONE,
                        assets=[platform],
                        site=site,
                        contact=site.contact,
                    ),
                )
                story.then(
                    story.pause(1, 3),
                    act(
                        cs.case_note,
                        actor=dispatcher,
                        body=phrases.DUPLICATE_NOTE,
                        visibility=Visibility.INTERNAL,
                    ),
                )
                story.then(
                    story.pause(1, 3),
                    lambda case: cs.case_link_master(
                        case=case, master=master.case, actor=dispatcher
                    ),
                )
                return story

            self.at(build, master.start + dt.timedelta(minutes=minutes))

    def consultations(self) -> None:
        dispatcher = self.w.users["dispatcher"]
        for code, name, question, answer, resolved in episodes.CONSULTATIONS:
            org = self.by_code(code)
            contact = next(c for c in org.contacts if c.name == name)
            record = {
                "actor": dispatcher,
                "caller_name": contact.name,
                "caller_phone": contact.mobile,
                "organisation": org.organisation,
                "contact": contact,
                "question": question,
                "answer": answer,
                "resolved": resolved,
                "satisfied": resolved,
            }
            if resolved:
                self.place(
                    lambda story, record=record: _one_step(story, cs.consultation_record, record),
                    (24, 60 * 24),
                )
                continue

            def create(story: Story, ctx: dict, record=record) -> None:
                held = {}
                story.then(0, lambda _case: held.setdefault("c", cs.consultation_record(**record)))
                story.then(
                    story.pause(3, 10),
                    lambda _case: cs.consultation_to_case(
                        consultation=held["c"],
                        actor=dispatcher,
                        severity="P4",
                        title=episodes.RETENTION.title,
                    ),
                )

            self.tell(Status.CLOSED, org, episodes.RETENTION, create=create, contact=contact)

    def follow_ups(self) -> None:
        """Closed cases whose leftover issues open follow-up cases: one long done, one still
        being worked."""
        for (parent_key, follow), window, final in zip(
            episodes.FOLLOW_UPS,
            [(25 * 24, 60 * 24), (3 * 24, 5 * 24)],
            [Status.CLOSED, Status.IN_PROGRESS],
            strict=True,
        ):
            parent_fault = next(f for f in FAULTS if f.key == parent_key)
            org = self.org(parent_fault)
            parent = self.tell(
                Status.CLOSED, org, parent_fault, Plot(final=Status.CLOSED), window=window
            )
            self._follow_up(org, parent, follow, final)

    def _follow_up(self, org: OrgData, parent: Story, follow: Fault, final: str) -> Story:
        engineer = self.w.engineer_for(org)[0]

        def create(story: Story, ctx: dict) -> None:
            story.then(
                0,
                lambda _case: cs.case_follow_up(
                    case=parent.case,
                    actor=engineer,
                    title=follow.title,
                    description=follow.description,
                    severity=follow.severities[0],
                ),
            )

        def build(story: Story) -> Story:
            plot = Plot(final=final)
            return fault_story(
                self.w,
                story,
                org,
                follow,
                plot,
                create=create,
                asset=parent.asset,
                contact=parent.contact,
            )

        return self.at(build, parent.end + dt.timedelta(minutes=self.rng.uniform(30, 180)))


def _one_step(story: Story, service, arguments: dict) -> Story:
    story.then(0, lambda _case: service(**arguments))
    return story


def _daytime(moment: dt.datetime, rng: random.Random) -> dt.datetime:
    """Move a moment out of the night to an earlier working hour (08:00-18:59 local)."""
    local = timezone.localtime(moment)
    if 8 <= local.hour < 19:
        return moment
    day = local.date() if local.hour >= 19 else local.date() - dt.timedelta(days=1)
    earlier = dt.datetime.combine(day, dt.time(rng.randint(8, 18), rng.randint(0, 59)))
    return timezone.make_aware(earlier)


def stories_plan(world: World, seed: int) -> list[Story]:
    planner = Planner(world, seed)
    for final, count in COUNTS.items():
        for _index in range(count):
            org, fault = planner.fault(final)
            planner.tell(final, org, fault)
    # One closed case reopened once, complaints, episodes.
    org, fault = planner.fault(Status.CLOSED)
    planner.tell(Status.CLOSED, org, fault, Plot(final=Status.CLOSED, reopen=True))
    for code, final in (("XSWL", Status.CLOSED), ("HDGA", Status.IN_PROGRESS)):
        planner.tell(final, planner.by_code(code), episodes.COMPLAINT)
    (closed, closed_dup), (open_, open_dup) = episodes.OUTAGES
    planner.outage(closed, closed_dup, Status.CLOSED, (20 * 24, 50 * 24))
    planner.outage(open_, open_dup, Status.IN_PROGRESS, (1, 2))
    planner.consultations()
    planner.follow_ups()
    return planner.stories
