"""Built-in calendars, and policies reproducing the commitments of the source documents (see
SPEC.md, "Response and escalation"). The default policy is seed 001's: it works out of the box."""

import datetime as dt

from django.db import migrations

H = 60
DAY = 24 * H
WORKDAY = 8 * H
SEVERITIES = ("P1", "P2", "P3", "P4")

CALENDARS = [
    # name, title, always open, weekdays with 09:00-17:00, holidays
    ("24x7", "7×24 全天候 / all hours", True, (), "none"),
    ("7x8", "7×8 每天 9:00-17:00 / every day 9-17", False, range(7), "none"),
    ("5x8", "5×8 周一至周五 9:00-17:00 / Mon-Fri 9-17", False, range(5), "none"),
    ("5x8-cn", "5×8 工作日（含法定节假日与调休）/ China working days 9-17", False, range(5), "cn"),
]

# The escalation ladder of seed 001: hours after the report without a confirmed cause -> level.
LADDER = {
    "P1": [(1, 1), (4, 2), (24, 3), (48, 4), (72, 5)],
    "P2": [(4, 1), (24, 2), (48, 3), (72, 4)],
    "P3": [(24, 1), (48, 2), (72, 3)],
    "P4": [(48, 1), (72, 2)],
}


def _all(minutes):
    return {severity: minutes for severity in SEVERITIES}


POLICIES = [
    {
        "name": "default",
        "title": "默认：规范001（响应30分钟/1小时，逐级上报）/ Default: seed 001",
        "description": (
            "Seed 001: the engineer contacts the customer within 1 hour, 30 minutes for P1 and "
            "P2; the dispatcher is reminded at 30 and 45 minutes; until the cause is confirmed "
            "the case escalates up the management ladder by severity. On site within 12 h and "
            "repaired within 48 h (001)."
        ),
        "calendar": "24x7",
        "is_default": True,
        "targets": {
            "response": {"P1": 30, "P2": 30, "P3": H, "P4": H},
            "onsite": _all(12 * H),
            "resolution": _all(48 * H),
        },
    },
    {
        "name": "seed000-standard",
        "title": "规范000：30分钟响应，一般问题1天、重大问题3天解决 / 30 min, 1 or 3 days",
        "description": "Seed 000: 30-minute response; ordinary problems solved in 1 day, major ones in 3 days.",
        "calendar": "24x7",
        "targets": {
            "response": _all(30),
            "resolution": {"P1": 3 * DAY, "P2": 3 * DAY, "P3": DAY, "P4": DAY},
        },
    },
    {
        "name": "seed000-onsite",
        "title": "规范000：4小时到场24小时修复，保修期内1小时/12小时 / on site 4 h, fixed 24 h",
        "description": (
            "Seed 000: on site within 4 h and fixed within 24 h, or within 1 h and 12 h under "
            "warranty; otherwise a loaner device until repaired."
        ),
        "calendar": "24x7",
        "targets": {
            "response": _all(30),
            "onsite": _all(4 * H),
            "resolution": _all(DAY),
        },
        "warranty": {"onsite": _all(H), "resolution": _all(12 * H)},
    },
    {
        "name": "seed001-hardware",
        "title": "规范001：2小时响应，12小时到场，48小时修复 / 2 h, 12 h, 48 h",
        "description": "Seed 001: 2-hour response, on site within 12 h, repaired within 48 h.",
        "calendar": "24x7",
        "targets": {"response": _all(2 * H), "onsite": _all(12 * H), "resolution": _all(48 * H)},
    },
    {
        "name": "seed001-network",
        "title": "规范001：网络支持7×8 / network support 7×8",
        "description": "Seed 001's network support limits, counted 7 days × 8 hours.",
        "calendar": "7x8",
        "targets": {"response": _all(2 * H), "resolution": _all(2 * WORKDAY)},
    },
    {
        "name": "seed003-working-days",
        "title": "规范003：4小时响应，2个工作日修复 / 4 h, 2 working days",
        "description": (
            "Seed 003: response within 4 h; faults fixed within 2 working days (else a written "
            "plan within 2 days); usability requests within 2 weeks; performance within a month."
        ),
        "calendar": "5x8-cn",
        "targets": {"response": _all(4 * H), "resolution": _all(2 * WORKDAY)},
        "case_types": {
            "service_request": {"resolution": _all(10 * WORKDAY)},
            "change": {"resolution": _all(22 * WORKDAY)},
        },
    },
]


def forward(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    WorkingHours = apps.get_model("sla", "WorkingHours")
    Policy = apps.get_model("sla", "SlaPolicy")
    Target = apps.get_model("sla", "SlaTarget")
    Step = apps.get_model("sla", "EscalationStep")
    calendars = {}
    for name, title, always, weekdays, holidays in CALENDARS:
        calendar = Calendar.objects.create(
            name=name, title=title, always_open=always, holidays=holidays, builtin=True
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=dt.time(9), end=dt.time(17))
            for d in weekdays
        )
        calendars[name] = calendar
    for spec in POLICIES:
        policy = Policy.objects.create(
            name=spec["name"],
            title=spec["title"],
            description=spec["description"],
            calendar=calendars[spec["calendar"]],
            is_default=spec.get("is_default", False),
            reminder_minutes=[30, 45],
        )
        rows = []
        for metric, minutes in spec["targets"].items():
            rows += [Target(policy=policy, metric=metric, severity=s, minutes=m) for s, m in minutes.items()]
        for metric, minutes in spec.get("warranty", {}).items():
            rows += [
                Target(policy=policy, metric=metric, severity=s, minutes=m, in_warranty=True)
                for s, m in minutes.items()
            ]
        for case_type, targets in spec.get("case_types", {}).items():
            for metric, minutes in targets.items():
                rows += [
                    Target(policy=policy, metric=metric, severity=s, minutes=m, case_type=case_type)
                    for s, m in minutes.items()
                ]
        Target.objects.bulk_create(rows)
        Step.objects.bulk_create(
            Step(policy=policy, severity=severity, after_minutes=hours * H, level=level)
            for severity, steps in LADDER.items()
            for hours, level in steps
        )


def backward(apps, schema_editor):
    apps.get_model("sla", "SlaPolicy").objects.filter(name__in=[p["name"] for p in POLICIES]).delete()
    apps.get_model("sla", "Calendar").objects.filter(builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
