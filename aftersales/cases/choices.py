from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_CUSTOMER = "waiting_customer", _("Waiting on customer")
    WAITING_VENDOR = "waiting_vendor", _("Waiting on vendor")
    WAITING_PARTS = "waiting_parts", _("Waiting on parts")
    WAITING_MASTER = "waiting_master", _("Duplicate, waiting on master")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


WAITING = frozenset({Status.WAITING_CUSTOMER, Status.WAITING_VENDOR, Status.WAITING_PARTS})
OPEN = frozenset({Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, *WAITING})
# Not finished: everything a queue or an SLA clock still cares about.
UNFINISHED = frozenset({*OPEN, Status.WAITING_MASTER, Status.RESOLVED})
FINISHED = frozenset({Status.CLOSED, Status.CANCELLED})


class Severity(models.TextChoices):
    P1 = "P1", _("P1 – system down")
    P2 = "P2", _("P2 – severely degraded")
    P3 = "P3", _("P3 – partial fault")
    P4 = "P4", _("P4 – request / little impact")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    PORTAL = "portal", _("Web portal")
    API = "api", _("API")
    MONITORING = "monitoring", _("Monitoring alert")
    ONSITE = "onsite", _("On site")


class CaseType(models.TextChoices):
    FAULT = "fault", _("Fault")
    CONSULTATION = "consultation", _("Consultation")
    SERVICE_REQUEST = "service_request", _("Service request")
    COMPLAINT = "complaint", _("Complaint")
    CHANGE = "change", _("Change")


class Cause(models.TextChoices):
    MISOPERATION = "misoperation", _("Misoperation")
    HARDWARE = "hardware", _("Hardware")
    CABLING = "cabling", _("Connector / cabling")
    SOFTWARE = "software", _("Software defect")
    NETWORK = "network", _("Network")
    POWER = "power", _("Power")
    ENVIRONMENT = "environment", _("Environment")
    VENDOR = "vendor", _("Vendor")
    OTHER = "other", _("Other")


class WaitingOn(models.TextChoices):
    CUSTOMER = "customer", _("customer")
    VENDOR = "vendor", _("vendor")
    PARTS = "parts", _("parts")


WAITING_STATUS = {
    WaitingOn.CUSTOMER: Status.WAITING_CUSTOMER,
    WaitingOn.VENDOR: Status.WAITING_VENDOR,
    WaitingOn.PARTS: Status.WAITING_PARTS,
}


class Confirmation(models.TextChoices):
    CUSTOMER = "customer", _("Confirmed by the customer")
    ON_BEHALF = "on_behalf", _("Confirmed by the service desk on the customer's behalf")
    TIMEOUT = "timeout", _("Deemed confirmed: no answer within 3 working days")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Visible to the customer")
    INTERNAL = "internal", _("Internal")


class CallKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    REMOTE = "remote", _("Remote session")
    EMAIL = "email", _("Email")


class EntryKind(models.TextChoices):
    CREATED = "created", _("Case opened")
    ASSIGNED = "assigned", _("Assigned")
    RESPONDED = "responded", _("Responded")
    TAKEN_OVER = "taken_over", _("Taken over")
    TRANSFERRED = "transferred", _("Transferred")
    EXPERT = "expert", _("Escalated to an expert")
    WAITING = "waiting", _("Waiting")
    RESUMED = "resumed", _("Resumed")
    CAUSE_CONFIRMED = "cause_confirmed", _("Cause confirmed")
    SEVERITY = "severity", _("Severity changed")
    CALL = "call", _("Call")
    REMOTE_SESSION = "remote_session", _("Remote session")
    RESOLVED = "resolved", _("Resolved")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    REJECTED = "rejected", _("Resolution rejected")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")
    LINKED_MASTER = "linked_master", _("Linked to master incident")
    DUPLICATE_ADDED = "duplicate_added", _("Duplicate linked")
    FOLLOW_UP = "follow_up", _("Follow-up case")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment")
    REDACTION = "redaction", _("Redaction")
    CONSULTATION = "consultation", _("From a consultation")
    SLA_REMINDER = "sla_reminder", _("Reminder: assignment not answered")
    SLA_ESCALATION = "sla_escalation", _("Escalated to a manager")
    SLA_BREACH = "sla_breach", _("Service level breached")
    SURVEY_SENT = "survey_sent", _("Satisfaction survey sent")
    SURVEY_ANSWERED = "survey_answered", _("Satisfaction survey answered")
    REVISIT = "revisit", _("Revisit call")
    # Field service (dispatch): every change of a visit.
    VISIT_SCHEDULED = "visit_scheduled", _("Visit scheduled")
    VISIT_RESCHEDULED = "visit_rescheduled", _("Visit rescheduled")
    VISIT_DEPARTED = "visit_departed", _("Engineer on the way")
    VISIT_ARRIVED = "visit_arrived", _("Engineer on site")
    VISIT_LOG = "visit_log", _("Work log")
    VISIT_SIGNED = "visit_signed", _("Visit signed")
    VISIT_DONE = "visit_done", _("Visit done")
    VISIT_CANCELLED = "visit_cancelled", _("Visit cancelled")
    ARTICLE_LINKED = "article_linked", _("Knowledge article linked")
    # Spare parts, advance replacement (RMA), loaners and vendor tickets (the rma app).
    RMA_CONFIRMED = "rma_confirmed", _("Hardware fault confirmed for RMA")
    RMA_SHIPPED = "rma_shipped", _("Replacement shipped")
    RMA_FAULTY_RECEIVED = "rma_faulty_received", _("Faulty part received")
    RMA_RETURN_REMINDER = "rma_return_reminder", _("Faulty part return reminded")
    RMA_RETURN_OVERDUE = "rma_return_overdue", _("Faulty part return overdue")
    RMA_SENT_TO_REPAIR = "rma_sent_to_repair", _("Faulty part sent to repair")
    RMA_REPAIRED = "rma_repaired", _("Part back from repair")
    RMA_INSPECTED = "rma_inspected", _("Repaired part inspected")
    RMA_WRITTEN_OFF = "rma_written_off", _("Unreturned part written off")
    RMA_CANCELLED = "rma_cancelled", _("RMA order cancelled")
    RMA_OVERDUE = "rma_overdue", _("RMA deadline missed")
    RMA_PARTS_RESERVED = "rma_parts_reserved", _("Parts reserved")
    RMA_PARTS_RELEASED = "rma_parts_released", _("Parts released")
    RMA_PARTS_CONSUMED = "rma_parts_consumed", _("Parts used")
    RMA_LOAN_OUT = "rma_loan_out", _("Loaner lent")
    RMA_LOAN_EXTENDED = "rma_loan_extended", _("Loan extended")
    RMA_LOAN_REMINDER = "rma_loan_reminder", _("Loaner return reminded")
    RMA_LOAN_OVERDUE = "rma_loan_overdue", _("Loaner overdue")
    RMA_LOAN_RETURNED = "rma_loan_returned", _("Loaner returned")
    RMA_LOAN_LOST = "rma_loan_lost", _("Loaner written off")
    RMA_VENDOR_OPENED = "rma_vendor_opened", _("Handed to the vendor's support")
    RMA_VENDOR_ANSWER = "rma_vendor_answer", _("Vendor's answer")
    RMA_VENDOR_CLOSED = "rma_vendor_closed", _("Vendor ticket closed")


# Entries that record what people did or wrote, as against state changes the system records.
PERSONAL_KINDS = frozenset(
    {EntryKind.NOTE, EntryKind.CALL, EntryKind.REMOTE_SESSION, EntryKind.ATTACHMENT}
)
