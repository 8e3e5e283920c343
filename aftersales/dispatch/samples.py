"""Sample documents (`aftersales samples`): the service report of the demo's latest visit,
as archived on its case, and the two case documents made for demo cases."""

from aftersales.cases.models import Case
from aftersales.core.errors import NotFound
from aftersales.dispatch import demo, documents
from aftersales.dispatch.choices import VisitStatus
from aftersales.dispatch.models import Visit


def service_report() -> bytes:
    visit = (
        Visit.objects.filter(status=VisitStatus.DONE, report__isnull=False)
        .select_related("report")
        .order_by("-finished_at")
        .first()
    )
    if visit is None:
        raise NotFound("No visit with a service report: load the demo first (aftersales demo).")
    with visit.report.file.open("rb") as handle:
        return handle.read()


def _case(**filters) -> Case:
    case = Case.objects.filter(**filters).order_by("-reported_at").first()
    if case is None:
        raise NotFound("No demo case for this sample: load the demo first (aftersales demo).")
    return case


def diagnosis_report() -> bytes:
    """For a demo camera that lost its link through an oxidised connector (what the sample
    text describes)."""
    case = _case(diagnosis__contains="水晶头", severity="P3")
    return documents.diagnosis_pdf(case=case, fields=demo.SAMPLE_DIAGNOSIS, author=case.assignee)


def major_fault_report() -> bytes:
    case = _case(severity="P1", resolved_at__isnull=False)
    fields = {**demo.SAMPLE_MAJOR_FAULT, "cause": case.diagnosis or "—"}
    return documents.major_fault_pdf(
        case=case, fields=fields, author=case.assignee, visibility="public"
    )


SAMPLES = [
    ("service-report.pdf", service_report),
    ("diagnosis-report.pdf", diagnosis_report),
    ("major-fault-report.pdf", major_fault_report),
]
