"""The RMA sweep: every minute, fire what is due, exactly once even when several workers run.

Due times live in indexed columns: an order's shipping deadline (`ship_due_at`), the next
reminder or chase of its faulty part's return (`return_notice_at`), its exchange-repair
deadline (`repair_due_at`); a loan's next reminder or chase (`notice_at`). Candidates are read
without locks; each is then handled in a transaction of its own that locks its case (SKIP
LOCKED: a case someone is working on waits for the next minute) and the record, re-checks
that it is still due, writes the flag, the timeline entry and the notifications, and moves the
due time on. Notifications carry a dedupe key besides.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.cases.choices import EntryKind
from aftersales.cases.models import Case
from aftersales.core.clock import local_iso
from aftersales.core.clock import now as clock_now
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify
from aftersales.rma import deadlines
from aftersales.rma.choices import RMA_REPAIRING, LoanStatus, RmaStatus
from aftersales.rma.models import Loan, RmaOrder
from aftersales.rma.services import common

BATCH = 200

TARGETS = {
    "shipping": gettext_lazy("shipping the replacement"),
    "repair": gettext_lazy("the exchange repair"),
}


@dataclass
class SweepReport:
    ship_late: int = 0
    return_reminders: int = 0
    return_overdue: int = 0
    repair_late: int = 0
    loan_reminders: int = 0
    loan_overdue: int = 0

    @property
    def fired(self) -> int:
        return sum(asdict(self).values())


def _ship_due(moment):
    return Q(status=RmaStatus.CONFIRMED, ship_breached=False, ship_due_at__lte=moment)


def _return_due(moment):
    return Q(status=RmaStatus.SHIPPED, return_notice_at__lte=moment)


def _repair_due(moment):
    return Q(status__in=RMA_REPAIRING, repair_breached=False, repair_due_at__lte=moment)


def _loan_due(moment):
    return Q(status=LoanStatus.OUT, notice_at__lte=moment)


class _Sweep:
    def __init__(self, moment: dt.datetime, batch: int):
        self.moment = moment
        self.batch = batch
        self.report = SweepReport()
        self._admins: list[User] | None = None
        self._calendar = None

    @property
    def admins(self) -> list[User]:
        if self._admins is None:
            self._admins = common.parts_admins()
        return self._admins

    @property
    def calendar(self):
        if self._calendar is None:
            self._calendar = common.desk_calendar()
        return self._calendar

    def run(self) -> SweepReport:
        m = self.moment
        for model, condition, order_by, fire in (
            (RmaOrder, _ship_due(m), "ship_due_at", self._ship_late),
            (RmaOrder, _return_due(m), "return_notice_at", self._return_notice),
            (RmaOrder, _repair_due(m), "repair_due_at", self._repair_late),
            (Loan, _loan_due(m), "notice_at", self._loan_notice),
        ):
            due = model.objects.filter(condition).order_by(order_by, "pk")
            for pk, case_id in due.values_list("pk", "case_id")[: self.batch]:
                with transaction.atomic():
                    case = (
                        Case.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("organisation", "assignee")
                        .filter(pk=case_id)
                        .first()
                    )
                    if case is None:
                        continue  # someone is working on the case: next minute
                    record = (
                        model.objects.select_for_update(of=("self",))
                        .select_related("part")
                        .filter(condition, pk=pk)
                        .first()
                    )
                    if record is None:
                        continue  # handled meanwhile
                    record.case = case
                    fire(case, record)
        return self.report

    def _entry(self, case: Case, kind: str, data: dict) -> None:
        common._entry(case, kind, actor=None, at=self.moment, data=data)

    def _ship_late(self, case: Case, order: RmaOrder) -> None:
        order.ship_breached = True
        order.updated_at = self.moment
        order.save(update_fields=["ship_breached", "updated_at"])
        self._late(case, order, "shipping", order.ship_due_at)
        self.report.ship_late += 1

    def _repair_late(self, case: Case, order: RmaOrder) -> None:
        order.repair_breached = True
        order.updated_at = self.moment
        order.save(update_fields=["repair_breached", "updated_at"])
        self._late(case, order, "repair", order.repair_due_at)
        self.report.repair_late += 1

    def _late(self, case: Case, order: RmaOrder, target: str, due: dt.datetime) -> None:
        self._entry(
            case,
            EntryKind.RMA_OVERDUE,
            {**common._rma_data(order), "target": target, "due_at": local_iso(due)},
        )
        notify(
            event=Event.RMA_OVERDUE,
            recipients=[*self.admins, *common._owner(case)],
            case=case,
            context={
                "rma": order.number,
                "part": str(order.part),
                "target": TARGETS[target],
                "due": due,
                "url": common._site_url(f"/rma/{order.number}/"),
            },
            dedupe_key=f"rma:{order.pk}:{target}-late",
        )

    def _return_notice(self, case: Case, order: RmaOrder) -> None:
        order.return_notices += 1
        notice = order.return_notices
        data = {
            **common._rma_data(order),
            "return_due_at": local_iso(order.return_due_at),
            "notice": notice,
        }
        context = {
            "rma": order.number,
            "part": str(order.part),
            "due": order.return_due_at,
            "notice": notice,
        }
        if self.moment < order.return_due_at:
            order.return_notice_at = order.return_due_at
            self._entry(case, EntryKind.RMA_RETURN_REMINDER, data)
            event, recipients = Event.RMA_RETURN_DUE, common._reporters(case)
            self.report.return_reminders += 1
        else:
            order.return_overdue_at = order.return_overdue_at or self.moment
            order.return_notice_at = deadlines.chase_after(self.moment, self.calendar)
            self._entry(case, EntryKind.RMA_RETURN_OVERDUE, data)
            event, recipients = Event.RMA_RETURN_OVERDUE, [*common._reporters(case), *self.admins]
            self.report.return_overdue += 1
        order.updated_at = self.moment
        order.save(
            update_fields=["return_notices", "return_notice_at", "return_overdue_at", "updated_at"]
        )
        notify(
            event=event,
            recipients=[*recipients, *common._owner(case)],
            case=case,
            context=context,
            dedupe_key=f"rma:{order.pk}:return:{notice}",
        )

    def _loan_notice(self, case: Case, loan: Loan) -> None:
        loan.notices += 1
        notice = loan.notices
        data = {
            "loan": loan.number,
            **common._part_data(loan.part),
            "serial_number": loan.serial_number,
            "due_back_at": local_iso(loan.due_back_at),
            "notice": notice,
        }
        context = {
            "loan": loan.number,
            "part": str(loan.part),
            "serial_number": loan.serial_number,
            "site": loan.site.name,
            "due": loan.due_back_at,
            "notice": notice,
        }
        people = [*common._reporters(case), *common._owner(case)]
        lender = User.objects.filter(pk=loan.lent_by_id, is_active=True).first()
        if lender is not None:
            people.append(lender)
        if self.moment < loan.due_back_at:
            loan.notice_at = loan.due_back_at
            self._entry(case, EntryKind.RMA_LOAN_REMINDER, data)
            event = Event.LOAN_DUE
            self.report.loan_reminders += 1
        else:
            loan.overdue_at = loan.overdue_at or self.moment
            loan.notice_at = deadlines.chase_after(self.moment, self.calendar)
            self._entry(case, EntryKind.RMA_LOAN_OVERDUE, data)
            event = Event.LOAN_OVERDUE
            people.extend(self.admins)
            self.report.loan_overdue += 1
        loan.updated_at = self.moment
        loan.save(update_fields=["notices", "notice_at", "overdue_at", "updated_at"])
        notify(
            event=event,
            recipients=people,
            case=case,
            context=context,
            dedupe_key=f"loan:{loan.pk}:{notice}",
        )


def rma_sweep(*, now: dt.datetime | None = None, batch: int = BATCH) -> SweepReport:
    """Fire the shipping and repair deadlines missed, the faulty parts' return reminders and
    chases, and the loaners' reminders and chases due up to `now`: at most `batch` of each
    kind per run (the rest next minute)."""
    return _Sweep(now or clock_now(), batch).run()
