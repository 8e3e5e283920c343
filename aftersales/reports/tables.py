"""The reports as tables: a title, column headings and rows of plain values. The dashboard
shows them under its charts and the Excel export writes one sheet per table, so both say the
same thing."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.reports.selectors import (
    FAULT_DIMENSIONS,
    Dashboard,
    FieldService,
    dimension_label,
    zone,
)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[tuple]
    widths: tuple[int, ...] = ()


def percent(rate: float | None) -> float | None:
    return round(rate * 100, 1) if rate is not None else None


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the service's local time, naive, to the minute."""
    if moment is None:
        return None
    return timezone.localtime(moment, zone()).replace(tzinfo=None, second=0, microsecond=0)


def summary_rows(d: Dashboard) -> list[tuple]:
    s, sat, major = d.summary, d.satisfaction, d.major_faults
    rows = [
        (_("Cases reported"), s.reported),
        (_("Cases resolved (of those reported)"), s.resolved),
        (_("Resolution rate (%)"), percent(s.resolution_rate)),
        (_("Fault cases resolved in the period"), s.faults_resolved),
        (_("Resolved before their due time"), s.faults_on_time),
        (_("On-time repair rate (%)"), percent(s.on_time_rate)),
        (_("Still open (of those reported)"), s.open),
        (_("Survey answers"), sat.count),
        (_("Average rating (1-5)"), sat.average),
        (_("Major faults (P1)"), major.count),
        (_("Major faults' total duration (hours)"), major.total_hours),
    ]
    rows += [(_("SLA breaches: %(clock)s") % {"clock": b.label}, b.breaches) for b in d.breaches]
    return rows


def dashboard_tables(d: Dashboard) -> list[Table]:
    tables = [
        Table("summary", _("Summary"), [_("Figure"), _("Value")], summary_rows(d), (44, 14)),
        Table(
            "times",
            _("Response and resolution times"),
            [_("Clock"), _("Severity"), _("Cases"), _("Median (hours)"), _("Average (hours)")],
            [
                (t.metric_label, t.severity, t.count, t.median_hours, t.average_hours)
                for t in d.times
            ],
            (18, 10, 10, 16, 16),
        ),
        Table(
            "breaches",
            _("SLA breaches"),
            [_("Clock"), _("Breaches")],
            [(b.label, b.breaches) for b in d.breaches],
            (22, 12),
        ),
        Table(
            "satisfaction",
            _("Satisfaction"),
            [_("Rating"), _("Answers")],
            [(n, count) for n, count in sorted(d.satisfaction.distribution.items(), reverse=True)],
            (12, 12),
        ),
    ]
    for dimension in FAULT_DIMENSIONS:
        label = dimension_label(dimension)
        title = (
            _("Cases by type")
            if dimension == "type"
            else _("Faults by %(what)s") % {"what": label.lower()}
        )
        tables.append(
            Table(
                f"faults-{dimension}",
                title,
                [label, _("Cases"), _("Resolved"), _("Average to resolve (hours)")],
                [(g.label, g.count, g.resolved, g.average_hours) for g in d.faults[dimension]],
                (30, 10, 10, 22),
            )
        )
    tables += [
        Table(
            "major-faults",
            _("Major faults (P1)"),
            [
                _("Number"),
                _("Title"),
                _("Organisation"),
                _("Site"),
                _("Reported at"),
                _("Resolved at"),
                _("Duration (hours)"),
            ],
            [
                (
                    m.number,
                    m.title,
                    m.organisation,
                    m.site,
                    local(m.reported_at),
                    local(m.resolved_at),
                    m.hours,
                )
                for m in d.major_faults.rows
            ],
            (18, 36, 24, 20, 17, 17, 14),
        ),
        Table(
            "complaints",
            _("Complaints per month"),
            [_("Month"), _("Complaints")],
            [(m.month.strftime("%Y-%m"), m.count) for m in d.complaints],
            (10, 12),
        ),
        Table(
            "engineers",
            _("Engineer scorecards"),
            [
                _("Engineer"),
                _("Cases resolved"),
                _("Fault cases resolved"),
                _("On time"),
                _("On-time rate (%)"),
                _("Ratings"),
                _("Average rating"),
                _("Visits done"),
            ],
            [
                (
                    e.name,
                    e.resolved,
                    e.faults_resolved,
                    e.faults_on_time,
                    percent(e.on_time_rate),
                    e.ratings,
                    e.average_rating,
                    e.visits,
                )
                for e in d.engineers
            ],
            (18, 12, 14, 10, 14, 10, 12, 10),
        ),
    ]
    return tables


def field_service_tables(fs: FieldService) -> list[Table]:
    return [
        Table(
            "arrivals",
            _("On-site arrival"),
            [_("Month"), _("Met"), _("Breached"), _("Met (%)")],
            [
                (a.period.strftime("%Y-%m"), a.met, a.breached, percent(a.met_rate))
                for a in fs.arrivals
            ],
            (10, 10, 10, 10),
        ),
        Table(
            "parts-by-case",
            _("Parts used per case"),
            [_("Case"), _("Organisation"), _("Part number"), _("Part"), _("Quantity")],
            [
                (r["case_number"], r["organisation"], r["part_number"], r["part"], r["quantity"])
                for r in fs.parts_by_case
            ],
            (18, 12, 16, 30, 10),
        ),
        Table(
            "parts-by-model",
            _("Parts used per asset model"),
            [_("Vendor"), _("Asset model"), _("Part number"), _("Part"), _("Quantity")],
            [
                (
                    r["vendor"] or "",
                    r["asset_model"] or _("No asset named"),
                    r["part_number"],
                    r["part"],
                    r["quantity"],
                )
                for r in fs.parts_by_model
            ],
            (14, 20, 16, 30, 10),
        ),
        Table(
            "rma-turnaround",
            _("RMA turnaround"),
            [
                _("RMA order"),
                _("Case"),
                _("Organisation"),
                _("Part number"),
                _("Confirmed at"),
                _("Shipped at"),
                _("Shipping (working hours)"),
                _("Shipped on time"),
                _("Repair (working hours)"),
                _("Repaired on time"),
            ],
            [
                (
                    r.number,
                    r.case_number,
                    r.organisation,
                    r.part_number,
                    local(r.confirmed_at),
                    local(r.shipped_at),
                    round(r.ship_minutes / 60, 1) if r.ship_minutes is not None else None,
                    _yes_no(r.shipped_on_time),
                    round(r.repair_minutes / 60, 1) if r.repair_minutes is not None else None,
                    _yes_no(r.repaired_on_time),
                )
                for r in fs.turnaround_rows
            ],
            (16, 18, 12, 16, 17, 17, 14, 10, 14, 10),
        ),
        Table(
            "overdue-returns",
            _("Faulty parts overdue"),
            [_("RMA order"), _("Case"), _("Organisation"), _("Part number"), _("Due back")],
            [
                (
                    o.number,
                    o.case.number,
                    o.case.organisation.code,
                    o.part.part_number,
                    local(o.return_due_at),
                )
                for o in fs.overdue_returns
            ],
            (16, 18, 12, 16, 17),
        ),
        Table(
            "loans-out",
            _("Loaners out"),
            [
                _("Loan"),
                _("Case"),
                _("Organisation"),
                _("Site"),
                _("Part number"),
                _("Due back"),
                _("Overdue"),
            ],
            [
                (
                    loan.number,
                    loan.case.number if loan.case_id else "",
                    loan.organisation.code,
                    loan.site.name,
                    loan.part.part_number,
                    local(loan.due_back_at),
                    _yes_no(loan.overdue),
                )
                for loan in fs.loans_out
            ],
            (16, 18, 12, 20, 16, 17, 10),
        ),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")
