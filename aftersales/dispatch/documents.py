"""PDF documents of visits and cases, made with WeasyPrint from HTML templates.

The font is a full CJK OpenType font (settings.PDF_FONT, Debian's fonts-noto-cjk by default)
declared with @font-face; the document's language (zh-Hans) makes the collection's Simplified
Chinese face the one used. Each document has a template per language (see
docs/decisions/0007-field-service-documents-and-offline-visits.md). Rendering fetches nothing but
the configured font files and data: URIs (signatures are embedded as data: URIs)."""

import base64
import datetime as dt
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import select_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aftersales.cases.choices import Visibility
from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.presenters import entry_summary
from aftersales.core.clock import now
from aftersales.core.errors import DomainError
from aftersales.dispatch.choices import SignatureRole


class DocumentUnavailable(DomainError):
    """The server cannot make PDFs as configured (its font is missing)."""

    status_code = 503
    code = "pdf_unavailable"


def font_faces() -> list[tuple[str, Path]]:
    """(weight, file) of the fonts documents are set in; refuses clearly where the regular
    face is missing. The bold face is optional."""
    regular = Path(settings.PDF_FONT)
    if not regular.is_file():
        raise DocumentUnavailable(
            _(
                "The PDF font %(path)s is missing, so no PDF can be made. Install it "
                "(apt-get install fonts-noto-cjk) or set PDF_FONT to a CJK OpenType font."
            )
            % {"path": regular}
        )
    faces = [("normal", regular)]
    bold = Path(settings.PDF_FONT_BOLD) if settings.PDF_FONT_BOLD else None
    if bold is not None and bold.is_file():
        faces.append(("bold", bold))
    return faces


def _fetcher(allowed: set[str]):
    from weasyprint.urls import URLFetcher

    class Fetcher(URLFetcher):
        """data: URIs and the font files; nothing from the network or the rest of the disk."""

        def fetch(self, url, headers=None):
            if not (url.startswith("data:") or url.split("?")[0] in allowed):
                raise ValueError(f"Not fetched while making a PDF: {url[:80]}")
            return super().fetch(url, headers)

    return Fetcher(allowed_protocols={"file", "data"})


def language() -> str:
    return settings.LANGUAGE_CODE


_fonts_lock = threading.Lock()
_font_config = None


def _shared_font_config():
    """One WeasyPrint font configuration per process: a CJK collection is tens of megabytes,
    which WeasyPrint copies and fontconfig scans once per configuration, not once per PDF."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def render_pdf(name: str, context: dict, *, folder: str = "dispatch/pdf") -> bytes:
    """The PDF of template `<folder>/<name>.<language>.html` (English where the language
    has none); other apps' documents name their own folder (and may extend
    dispatch/pdf/base.html)."""
    from weasyprint import HTML

    faces = font_faces()
    uris = [(weight, path.as_uri()) for weight, path in faces]
    template = select_template([f"{folder}/{name}.{language()}.html", f"{folder}/{name}.en.html"])
    html = template.render({**context, "font_faces": uris, "lang": "zh-Hans"})
    fetcher = _fetcher({uri for _weight, uri in uris})
    with _fonts_lock:
        return HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=_shared_font_config())


# --- what the documents say -------------------------------------------------------------------


def _zone(case: Case) -> ZoneInfo:
    return ZoneInfo(case.organisation.time_zone or settings.TIME_ZONE)


def _at(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def _window(start: dt.datetime, end: dt.datetime, zone: ZoneInfo) -> str:
    first, last = _at(start, zone), _at(end, zone)
    return f"{first} – {last[11:] if first[:10] == last[:10] else last}"


def _duration(minutes: float | None) -> dict | None:
    if minutes is None:
        return None
    minutes = max(0, round(minutes))
    return {"hours": minutes // 60, "minutes": minutes % 60, "total": minutes}


def _data_uri(field) -> str:
    if not field:
        return ""
    with field.open("rb") as handle:
        return "data:image/png;base64," + base64.b64encode(handle.read()).decode()


def _assets(case: Case, zone: ZoneInfo) -> list[dict]:
    today = timezone.localtime(now(), zone).date()
    return [
        {
            "name": asset.name or asset.model.name,
            "model": asset.model.name,
            "vendor": asset.model.vendor.name,
            "category": asset.model.category,
            "serial": asset.serial_number,
            "site": asset.site.name,
            "in_warranty": asset.in_warranty(today),
        }
        for asset in case.assets.select_related("model__vendor", "site", "contract")
    ]


def _case(case: Case, zone: ZoneInfo) -> dict:
    site = case.site
    return {
        "number": case.number,
        "title": case.title,
        "description": case.description,
        "severity": case.severity,
        "reported_at": _at(case.reported_at, zone),
        "organisation": case.organisation.name,
        "caller": case.caller_name,
        "phone": case.caller_phone,
        "site": site.name if site else "",
        "address": (site.address if site else "") or case.organisation.address,
        "contract": case.contract.number if case.contract_id else "",
        "cause": case.cause,
        "diagnosis": case.diagnosis,
        "solution": case.solution,
    }


def service_report_pdf(*, visit) -> bytes:
    """用户服务报告: customer's copy and company's copy of one visit, in one PDF."""
    from aftersales.dispatch.selectors import visit_parts, work_log

    case = visit.case
    zone = _zone(case)
    spent = visit.minutes_spent
    context = {
        "number": visit.number,
        "case": _case(case, zone),
        "assets": _assets(case, zone),
        "engineer": str(visit.engineer),
        "engineer_phone": visit.engineer.phone,
        "window": _window(visit.window_start, visit.window_end, zone),
        "departed": _at(visit.departed_at, zone),
        "arrived": _at(visit.arrived_at, zone),
        "finished": _at(visit.finished_at, zone),
        "spent": _duration(spent),
        "purpose": visit.purpose,
        "fault_found": visit.fault_found,
        "work_done": visit.work_done,
        "log": [
            {"at": _at(entry.written_at, zone), "body": entry.body} for entry in work_log(visit)
        ],
        "parts": visit_parts(visit),
        "result": visit.result,
        "leftovers": [
            {"description": left.description, "case": left.follow_up.number}
            for left in visit.leftovers.select_related("follow_up").order_by("id")
        ],
        "signatures": {
            SignatureRole.CUSTOMER: {
                "image": _data_uri(visit.customer_signature),
                "name": visit.customer_signer,
                "at": _at(visit.customer_signed_at, zone),
            },
            SignatureRole.ENGINEER: {
                "image": _data_uri(visit.engineer_signature),
                "name": visit.engineer_signer,
                "at": _at(visit.engineer_signed_at, zone),
            },
        },
        "copies": ["customer", "company"],
        "made_at": _at(now(), zone),
    }
    return render_pdf("service_report", context)


def diagnosis_pdf(*, case: Case, fields: dict, author) -> bytes:
    """故障诊断报告: site situation, fault level, emergency handling."""
    zone = _zone(case)
    arrivals = [
        _at(moment, zone)
        for moment in case.visits.filter(arrived_at__isnull=False)
        .order_by("arrived_at")
        .values_list("arrived_at", flat=True)
    ]
    context = {
        "case": _case(case, zone),
        "assets": _assets(case, zone),
        "fields": fields,
        "arrivals": arrivals,
        "author": str(author),
        "made_at": _at(now(), zone),
    }
    return render_pdf("diagnosis", context)


def major_fault_pdf(*, case: Case, fields: dict, author, visibility: str) -> bytes:
    """重大故障分析报告: the outage's timeline, its duration, cause and measures. A document
    the customer may read lists only the entries the customer may read."""
    zone = _zone(case)
    entries = (
        TimelineEntry.objects.filter(case=case).select_related("content", "author").order_by("seq")
    )
    if visibility == Visibility.PUBLIC:
        entries = entries.filter(visibility=Visibility.PUBLIC)
    with translation.override(language()):
        timeline = [
            {
                "at": _at(entry.created_at, zone),
                "who": str(entry.author) if entry.author else "",
                "summary": entry_summary(entry),
            }
            for entry in entries
        ]
    ended = case.resolved_at or case.closed_at
    context = {
        "case": _case(case, zone),
        "assets": _assets(case, zone),
        "fields": fields,
        "timeline": timeline,
        "started": _at(case.reported_at, zone),
        "ended": _at(ended, zone),
        "ongoing": ended is None,
        "duration": _duration(((ended or now()) - case.reported_at).total_seconds() / 60),
        "author": str(author),
        "made_at": _at(now(), zone),
    }
    return render_pdf("major_fault", context)
