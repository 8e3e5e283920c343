"""Pages of the spare-parts desk (/parts/, /rma/), the spare-parts panel of the workspace case
page, and the customer's view of its replacements and loaners in the portal. Each view parses
a form, calls one service or selector, and renders or redirects."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.cases import selectors as case_selectors
from aftersales.core.clock import now
from aftersales.core.decorators import staff_required
from aftersales.core.errors import DomainError, NotFound, ValidationError
from aftersales.core.paging import offset_page
from aftersales.customers.models import Vendor
from aftersales.rma import forms, selectors, services
from aftersales.rma.choices import RMA_OPEN, MoveKind, RmaStatus
from aftersales.rma.models import SparePart, StockLocation
from aftersales.rma.workflow import RMA, LoanAction, RmaAction, VendorAction

# --- helpers ---------------------------------------------------------------------------------


def _back(request, default: str):
    """Back where the form was posted from (a `next` on this site), else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _run(request, form, call: Callable, done: str) -> bool:
    """Call the service with the valid form's data; tell the user how it went."""
    if not form.is_valid():
        messages.error(request, _("Not done: %(errors)s") % {"errors": form.errors_text()})
        return False
    try:
        call(form.cleaned_data)
    except DomainError as exc:
        messages.error(request, _("Not done: %(reason)s") % {"reason": exc})
        return False
    messages.success(request, done)
    return True


def _case_or_404(request, number: str):
    try:
        return case_selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _steps(record, actions: list[str], choices, prefix: str) -> list[tuple[str, str, str]]:
    """(step, label, modal id) of the actions the reader may take on `record`: passing and
    failing an inspection are one "inspect" step."""
    steps = []
    for action in actions:
        if action in (RmaAction.PASS, RmaAction.FAIL):
            step, label = "inspect", _("Inspect")
        else:
            step, label = action, str(choices(action).label)
        if all(s[0] != step for s in steps):
            steps.append((step, label, f"{prefix}-{record.pk}-{step}"))
    return steps


def _choices() -> dict:
    """What the stock and action forms offer, read once per page."""
    return {
        "parts": list(
            SparePart.objects.filter(is_active=True)
            .select_related("vendor")
            .order_by("part_number")
        ),
        "locations": list(
            StockLocation.objects.filter(is_active=True)
            .select_related("owner")
            .order_by("kind", "code")
        ),
        "vendors": list(Vendor.objects.order_by("name")),
    }


# --- the stock board -------------------------------------------------------------------------


@staff_required
@require_GET
def parts(request):
    """Stock by location, what is below its minimum first and highlighted; recent moves;
    receiving and transferring."""
    rows = selectors.stock_queryset(user=request.user)
    location = (request.GET.get("location") or "").strip()
    if location:
        rows = rows.filter(location__code=location)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(Q(part__part_number__icontains=q) | Q(part__name__icontains=q))
    below = request.GET.get("below") == "1"
    if below:
        rows = rows.filter(short=1)
    rows = rows.order_by("-short", "location__kind", "location__code", "part__part_number")
    moves = selectors.move_queryset(user=request.user)
    if location:
        moves = moves.filter(Q(from_location__code=location) | Q(to_location__code=location))
    return render(
        request,
        "rma/parts.html",
        {
            **offset_page(rows, request, size=100),
            "location": location,
            "q": q,
            "below": below,
            "short_count": selectors.stock_queryset(user=request.user).filter(short=1).count(),
            "moves": list(moves[:15]),
            "choices": _choices(),
        },
    )


@staff_required
@require_GET
def moves(request):
    rows = selectors.move_queryset(user=request.user)
    location = (request.GET.get("location") or "").strip()
    if location:
        rows = rows.filter(Q(from_location__code=location) | Q(to_location__code=location))
    kind = request.GET.get("kind")
    if kind in MoveKind.values:
        rows = rows.filter(kind=kind)
    q = (request.GET.get("q") or "").strip()
    if q:
        rows = rows.filter(
            Q(part__part_number__icontains=q)
            | Q(serial_number__iexact=q)
            | Q(case__number=q)
            | Q(rma_order__number=q)
        )
    return render(
        request,
        "rma/moves.html",
        {
            **offset_page(rows.order_by("-id"), request),
            "location": location,
            "kind": kind or "",
            "q": q,
            "kinds": MoveKind.choices,
            "locations": list(selectors.location_queryset(user=request.user).order_by("code")),
        },
    )


@staff_required
@require_POST
def receive(request):
    form = forms.ReceiveForm(request.POST)
    _run(
        request,
        form,
        lambda d: services.stock_receive(
            actor=request.user,
            part=d["part"],
            location=d["location"],
            note=d["note"],
            **form.stock_arguments(),
        ),
        _("Received into stock."),
    )
    return _back(request, reverse("rma:parts"))


@staff_required
@require_POST
def transfer(request):
    form = forms.TransferForm(request.POST)
    _run(
        request,
        form,
        lambda d: services.stock_transfer(
            actor=request.user,
            part=d["part"],
            from_location=d["from_location"],
            to_location=d["to_location"],
            note=d["note"],
            **form.stock_arguments(),
        ),
        _("Transferred."),
    )
    return _back(request, reverse("rma:parts"))


@staff_required
@require_POST
def minimum(request):
    form = forms.MinimumForm(request.POST)
    _run(
        request,
        form,
        lambda d: services.stock_set_minimum(actor=request.user, **d),
        _("Minimum level set."),
    )
    return _back(request, reverse("rma:parts"))


# --- the RMA desk --------------------------------------------------------------------------------

BOARD_TABS = ["open", *RmaStatus.values]
# Tabs name the states shortly; the table says them in full.
TAB_LABELS = {
    RmaStatus.CONFIRMED: gettext_lazy("To ship"),
    RmaStatus.SHIPPED: gettext_lazy("Awaiting return"),
    RmaStatus.FAULTY_RECEIVED: gettext_lazy("Faulty part in"),
    RmaStatus.IN_REPAIR: gettext_lazy("In repair"),
    RmaStatus.REPAIRED: gettext_lazy("To inspect"),
    RmaStatus.RESTOCKED: gettext_lazy("Back in stock"),
    RmaStatus.SCRAPPED: gettext_lazy("Scrapped"),
    RmaStatus.WRITTEN_OFF: gettext_lazy("Written off"),
    RmaStatus.CANCELLED: gettext_lazy("Cancelled"),
}


@staff_required
@require_GET
def board(request):
    """Orders by state with their due times, overdue returns first; loaners out; vendor
    tickets open."""
    tab = request.GET.get("status", "open")
    if tab not in BOARD_TABS:
        tab = "open"
    counts = selectors.rma_counts(user=request.user)
    moment = now()
    orders = selectors.rma_board(user=request.user, status=tab)
    for order in orders:
        order.due = selectors.next_due(order)
        order.late = order.due is not None and order.due <= moment
    return render(
        request,
        "rma/board.html",
        {
            "tab": tab,
            "tabs": [("open", _("Open"), sum(counts.get(s, 0) for s in RMA_OPEN))]
            + [(s, TAB_LABELS[s], counts.get(s, 0)) for s in RmaStatus.values],
            "orders": orders,
            "loans": selectors.loans_out(user=request.user, now=moment),
            "tickets": list(
                selectors.vendor_ticket_queryset(user=request.user)
                .filter(closed_at__isnull=True)
                .order_by("opened_at")[:100]
            ),
        },
    )


@staff_required
@require_GET
def order(request, number: str):
    try:
        rma = selectors.rma_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    rma.steps = _steps(rma, RMA.allowed_actions(rma, request.user), RmaAction, "order")
    rma.due = selectors.next_due(rma)
    return render(
        request,
        "rma/order.html",
        {
            "order": rma,
            "moves": list(selectors.move_queryset(user=request.user).filter(rma_order=rma)),
            "choices": _choices(),
        },
    )


# --- steps of orders, loans and vendor tickets ------------------------------------------------


@dataclass(frozen=True)
class Step:
    form: type
    run: Callable  # (record, actor, cleaned data) -> record
    check: str = ""  # the workflow action to check first, when it differs from the step's


ORDER_STEPS: dict[str, Step] = {
    RmaAction.SHIP: Step(forms.ShipForm, lambda o, u, d: services.rma_ship(order=o, actor=u, **d)),
    RmaAction.RECEIVE_FAULTY: Step(
        forms.ReceiveFaultyForm,
        lambda o, u, d: services.rma_receive_faulty(order=o, actor=u, **d),
    ),
    RmaAction.SEND_TO_REPAIR: Step(
        forms.SendToRepairForm,
        lambda o, u, d: services.rma_send_to_repair(order=o, actor=u, **d),
    ),
    RmaAction.RECEIVE_REPAIRED: Step(
        forms.NoteForm, lambda o, u, d: services.rma_receive_repaired(order=o, actor=u, **d)
    ),
    "inspect": Step(
        forms.InspectForm,
        lambda o, u, d: services.rma_inspect(order=o, actor=u, **d),
        check=RmaAction.PASS,
    ),
    RmaAction.WRITE_OFF: Step(
        forms.ReasonForm, lambda o, u, d: services.rma_write_off(order=o, actor=u, **d)
    ),
    RmaAction.CANCEL: Step(
        forms.ReasonForm, lambda o, u, d: services.rma_cancel(order=o, actor=u, **d)
    ),
}

LOAN_STEPS: dict[str, Step] = {
    LoanAction.EXTEND: Step(
        forms.ExtendForm, lambda r, u, d: services.loan_extend(loan=r, actor=u, **d)
    ),
    LoanAction.RETURN: Step(
        forms.ReturnForm, lambda r, u, d: services.loan_return(loan=r, actor=u, **d)
    ),
    LoanAction.WRITE_OFF: Step(
        forms.ReasonForm, lambda r, u, d: services.loan_write_off(loan=r, actor=u, **d)
    ),
}

TICKET_STEPS: dict[str, Step] = {
    VendorAction.ANSWER: Step(
        forms.AnswerForm, lambda t, u, d: services.vendor_ticket_answer(ticket=t, actor=u, **d)
    ),
    VendorAction.CLOSE: Step(
        forms.CloseForm, lambda t, u, d: services.vendor_ticket_close(ticket=t, actor=u, **d)
    ),
}


def _step(request, record, steps: dict, action: str, label: str) -> None:
    spec = steps.get(action)
    if spec is None:
        raise Http404
    form = spec.form(request.POST)
    _run(
        request,
        form,
        lambda d: spec.run(record, request.user, d),
        _("Done: %(action)s.") % {"action": label},
    )


@staff_required
@require_POST
def order_step(request, number: str, action: str):
    try:
        rma = selectors.rma_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    label = str(RmaAction(action).label) if action in RmaAction.values else _("Inspect")
    _step(request, rma, ORDER_STEPS, action, label)
    return _back(request, reverse("rma:order", args=[rma.number]))


@staff_required
@require_POST
def loan_step(request, number: str, action: str):
    try:
        loan = selectors.loan_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if action not in LoanAction.values:
        raise Http404
    _step(request, loan, LOAN_STEPS, action, str(LoanAction(action).label))
    return _back(request, reverse("workspace:case", args=[loan.case.number]))


@staff_required
@require_POST
def ticket_step(request, pk: int, action: str):
    try:
        ticket = selectors.vendor_ticket_get(user=request.user, ticket_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    if action not in VendorAction.values:
        raise Http404
    _step(request, ticket, TICKET_STEPS, action, str(VendorAction(action).label))
    return _back(request, reverse("workspace:case", args=[ticket.case.number]))


@staff_required
@require_POST
def release(request, pk: int):
    reservation = selectors.reservation_queryset(user=request.user).filter(pk=pk).first()
    if reservation is None:
        raise Http404
    form = forms.ReleaseForm(request.POST)
    _run(
        request,
        form,
        lambda d: services.stock_release(reservation=reservation, actor=request.user, **d),
        _("Released."),
    )
    default = (
        reverse("workspace:case", args=[reservation.case.number])
        if reservation.case_id
        else reverse("rma:parts")
    )
    return _back(request, default)


# --- the case page's panel --------------------------------------------------------------------


@staff_required
@require_GET
def case_panel(request, number: str):
    """The "spare parts and RMA" panel of the workspace case page (loaded by htmx)."""
    case = _case_or_404(request, number)
    panel = selectors.case_panel(case=case, user=request.user)
    for order in panel.orders:
        order.steps = _steps(order, order.actions, RmaAction, "order")
    for loan in panel.loans:
        loan.steps = _steps(loan, loan.actions, LoanAction, "loan")
    for ticket in panel.tickets:
        ticket.steps = _steps(ticket, ticket.actions, VendorAction, "ticket")
    for reservation in panel.reservations:
        reservation.modal_id = f"reservation-{reservation.pk}-release"
    assets = list(case.assets.select_related("model"))
    choices = _choices()
    # Parts that fit the case's assets first.
    fits = set(
        SparePart.compatible_models.through.objects.filter(
            assetmodel_id__in={a.model_id for a in assets}
        ).values_list("sparepart_id", flat=True)
    )
    for part in choices["parts"]:
        part.fits = part.pk in fits
    choices["parts"].sort(key=lambda part: not part.fits)
    return render(
        request,
        "rma/partials/case_panel.html",
        {
            "case": case,
            "panel": panel,
            "choices": choices,
            "assets": assets,
            "sites": list(case.organisation.sites.order_by("name")),
            "next": reverse("workspace:case", args=[case.number]),
        },
    )


CASE_ACTIONS: dict[str, tuple[type, Callable, str]] = {
    "confirm": (
        forms.ConfirmFaultForm,
        lambda c, u, d: services.rma_confirm_fault(case=c, actor=u, **d),
        RmaAction.CONFIRM.label,
    ),
    "lend": (
        forms.LendForm,
        lambda c, u, d: services.loan_lend(case=c, actor=u, **d),
        LoanAction.LEND.label,
    ),
    "vendor": (
        forms.VendorForm,
        lambda c, u, d: services.vendor_ticket_open(case=c, actor=u, **d),
        VendorAction.OPEN.label,
    ),
}


@staff_required
@require_POST
def case_action(request, number: str, action: str):
    case = _case_or_404(request, number)
    if action in CASE_ACTIONS:
        form_class, call, label = CASE_ACTIONS[action]
        form = (
            form_class(request.POST, case=case) if action != "vendor" else form_class(request.POST)
        )
        _run(
            request,
            form,
            lambda d: call(case, request.user, d),
            _("Done: %(action)s.") % {"action": label},
        )
    elif action in ("reserve", "consume"):
        form = forms.TakeForm(request.POST)
        if action == "reserve":

            def call(d):
                if not d.get("quantity"):
                    raise ValidationError(_("Give the quantity to reserve."), field="quantity")
                return services.stock_reserve(
                    part=d["part"],
                    quantity=d["quantity"],
                    location=d["location"],
                    actor=request.user,
                    case=case,
                    note=d["note"],
                )

            done = _("Reserved.")
        else:

            def call(d):
                return services.stock_consume(
                    part=d["part"],
                    location=d["location"],
                    actor=request.user,
                    case=case,
                    note=d["note"],
                    **form.stock_arguments(),
                )

            done = _("Recorded as used.")
        _run(request, form, call, done)
    else:
        raise Http404
    return redirect("workspace:case", number=case.number)


# --- the customer's view ------------------------------------------------------------------------


@login_required
@require_GET
def portal_panel(request, number: str):
    """A customer's replacements and loaners on one of its cases (loaded by htmx)."""
    if not request.user.is_customer:
        raise PermissionDenied
    case = _case_or_404(request, number)
    return render(
        request,
        "rma/partials/portal_panel.html",
        {
            "orders": list(selectors.rma_queryset(user=request.user).filter(case=case)),
            "loans": list(selectors.loan_queryset(user=request.user).filter(case=case)),
        },
    )
