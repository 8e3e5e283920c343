"""What the dashboard's charts draw (Apache ECharts options' data), labelled in the reader's
language; reports/static/reports/charts.js turns each into a chart."""

from django.utils.translation import gettext as _

from aftersales.reports.selectors import Dashboard, FieldService, dimension_label
from aftersales.reports.tables import percent

TOP = 10


def _bars(title: str, labels: list, values: list, series: str, horizontal: bool = False) -> dict:
    return {
        "kind": "bar",
        "title": title,
        "labels": labels,
        "series": [{"name": series, "data": values}],
        "horizontal": horizontal,
    }


def dashboard_charts(d: Dashboard) -> list[dict]:
    s = d.summary
    charts = [
        {
            "kind": "gauges",
            "title": _("Resolution and on-time repair"),
            "items": [
                {"name": _("Resolution rate"), "value": percent(s.resolution_rate)},
                {"name": _("On-time repair rate"), "value": percent(s.on_time_rate)},
            ],
        },
        {
            "kind": "bar",
            "title": _("Median hours by severity"),
            "labels": sorted({t.severity for t in d.times}),
            "series": [
                {
                    "name": str(label),
                    "data": [t.median_hours for t in d.times if t.metric == metric],
                }
                for metric, label in (
                    ("response", _("First response")),
                    ("resolution", _("Resolution")),
                )
            ],
            "horizontal": False,
        },
        _bars(
            _("SLA breaches"),
            [b.label for b in d.breaches],
            [b.breaches for b in d.breaches],
            _("Breaches"),
        ),
        _bars(
            _("Satisfaction"),
            [str(n) for n in sorted(d.satisfaction.distribution)],
            [d.satisfaction.distribution[n] for n in sorted(d.satisfaction.distribution)],
            _("Answers"),
        ),
        {
            "kind": "line",
            "title": _("Complaints per month"),
            "labels": [m.month.strftime("%Y-%m") for m in d.complaints],
            "series": [{"name": _("Complaints"), "data": [m.count for m in d.complaints]}],
        },
    ]
    for dimension in ("cause", "category"):
        rows = d.faults[dimension][:TOP]
        charts.append(
            {
                "kind": "pie",
                "title": _("Faults by %(what)s") % {"what": dimension_label(dimension).lower()},
                "items": [{"name": g.label, "value": g.count} for g in rows],
            }
        )
    for dimension in ("vendor", "model", "site", "project"):
        rows = d.faults[dimension][:TOP]
        charts.append(
            _bars(
                _("Faults by %(what)s") % {"what": dimension_label(dimension).lower()},
                [g.label for g in reversed(rows)],
                [g.count for g in reversed(rows)],
                _("Faults"),
                horizontal=True,
            )
        )
    engineers = d.engineers[:TOP]
    charts.append(
        _bars(
            _("Cases resolved per engineer"),
            [e.name for e in reversed(engineers)],
            [e.resolved for e in reversed(engineers)],
            _("Cases resolved"),
            horizontal=True,
        )
    )
    return charts


def field_service_charts(fs: FieldService) -> list[dict]:
    return [
        {
            "kind": "bar",
            "title": _("On-site arrival"),
            "labels": [a.period.strftime("%Y-%m") for a in fs.arrivals],
            "series": [
                {"name": _("Met"), "data": [a.met for a in fs.arrivals]},
                {"name": _("Breached"), "data": [a.breached for a in fs.arrivals]},
            ],
            "horizontal": False,
            "stack": True,
        },
    ]
