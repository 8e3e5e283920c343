"""The customer portal: an organisation's own requests, their public timeline and promised
times, notes and files, confirming or rejecting a fix, opening a request. Each view parses,
calls a selector or a service, renders. Anything outside the customer's organisation, and
any internal entry or file, is a 404."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from aftersales.cases import selectors as case_selectors
from aftersales.cases import services as case_services
from aftersales.cases import transitions
from aftersales.cases.choices import EntryKind, Status
from aftersales.cases.transitions import Action
from aftersales.core.clock import now
from aftersales.core.decorators import customer_required
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.ids import parse_id
from aftersales.customers.selectors import asset_queryset
from aftersales.portal import forms, selectors, services
from aftersales.portal.presenters import plain_state, promises
from aftersales.sla.selectors import case_clocks

PAGE_SIZE = 25
FILTER_LABELS = {
    selectors.ALL: gettext_lazy("All"),
    selectors.OPEN_REQUESTS: gettext_lazy("Open"),
    selectors.AWAITING: gettext_lazy("Awaiting my confirmation"),
    selectors.DONE: gettext_lazy("Closed"),
}


def _case_or_404(request, number: str):
    try:
        return case_selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _page(queryset, request) -> dict:
    """A page without COUNT(*): one row more than shown tells whether there is a next page."""
    size = PAGE_SIZE
    page = parse_id(request.GET.get("page", "1")) or 1
    page = min(page, 10_000)
    rows = list(queryset[(page - 1) * size : page * size + 1])
    return {"rows": rows[:size], "page": page, "has_next": len(rows) > size}


# --- my requests ----------------------------------------------------------------------------


@customer_required
@require_safe
def home(request):
    show = request.GET.get("show", selectors.ALL)
    if show not in selectors.FILTERS:
        show = selectors.ALL
    q = request.GET.get("q", "").strip()
    error = ""
    try:
        requests = selectors.request_list(user=request.user, show=show, q=q)
    except DomainError as exc:  # a search the index cannot run: say why
        error, requests = str(exc), selectors.request_list(user=request.user, show=show).none()
    page = _page(requests, request)
    for case in page["rows"]:
        case.plain = plain_state(case)
    return render(
        request,
        "portal/home.html",
        {
            **page,
            "show": show,
            "q": q,
            "error": error,
            "filters": FILTER_LABELS,
            "awaiting": selectors.awaiting_confirmation(user=request.user),
        },
    )


# --- one request ----------------------------------------------------------------------------


def _waiting_for(case, timeline) -> str:
    """What the engineer asked for when the case started waiting on the customer."""
    if case.status != Status.WAITING_CUSTOMER:
        return ""
    for entry in reversed(timeline):
        if entry.kind == EntryKind.WAITING:
            return entry.body
    return ""


def _case_context(request, case, **extra) -> dict:
    user = request.user
    at = now()
    timeline = list(case_selectors.timeline_for(case=case, user=user))
    return {
        "case": case,
        "state": plain_state(case),
        "promises": promises(case=case, clocks=case_clocks(case=case, now=at), now=at),
        "timeline": timeline,
        "last_update": timeline[-1].created_at if timeline else case.created_at,
        "marker": selectors.marker(case=case, last_seq=timeline[-1].seq if timeline else 0),
        "waiting_for": _waiting_for(case, timeline),
        "can_confirm": transitions.allowed(Action.CONFIRM, case, user),
        "can_reject": transitions.allowed(Action.REJECT, case, user),
        "can_note": transitions.allowed(Action.NOTE, case, user),
        "related": case_selectors.related_cases(case=case, user=user),
        "assets": list(
            asset_queryset(user=user).filter(cases=case).order_by("name", "serial_number")
        ),
        **extra,
    }


@customer_required
@require_safe
def case_detail(request, number: str):
    case = _case_or_404(request, number)
    return render(request, "portal/case_detail.html", _case_context(request, case))


@customer_required
@require_safe
def case_live(request, number: str):
    """Polled by the case page: the state, promises and timeline again when staff changed
    something the customer may see since the page was drawn; 204, nothing to swap, otherwise."""
    case = _case_or_404(request, number)
    if request.GET.get("seen") == selectors.public_marker(case=case):
        return HttpResponse(status=204)
    return render(request, "portal/partials/case_live.html", _case_context(request, case))


def _refused(request, case, error: DomainError, **extra):
    """The case page again, saying why, with what the customer typed still in place."""
    context = _case_context(request, case, action_error=str(error), **extra)
    return render(request, "portal/case_detail.html", context, status=error.status_code)


@customer_required
@require_POST
def case_confirm(request, number: str):
    case = _case_or_404(request, number)
    form = forms.ConfirmForm(request.POST)
    form.is_valid()
    try:
        case_services.case_confirm(
            case=case, actor=request.user, note=form.cleaned_data.get("note", "")
        )
    except DomainError as exc:
        return _refused(request, case, exc)
    messages.success(request, _("Thank you: you confirmed that the problem is fixed."))
    return redirect("portal:case", number=case.number)


@customer_required
@require_POST
def case_reject(request, number: str):
    case = _case_or_404(request, number)
    form = forms.RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(" ".join(form.errors["reason"]), field="reason")
        case_services.case_reject(case=case, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, case, exc, reject_form=form, reject_open=True)
    messages.success(request, _("Thank you: we are working on your request again."))
    return redirect("portal:case", number=case.number)


@customer_required
@require_POST
def case_note(request, number: str):
    """A note, always visible to both sides, with files dropped on it."""
    case = _case_or_404(request, number)
    form = forms.NoteForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.request_note(
                case=case,
                actor=request.user,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["files"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your note was added."))
            return redirect("portal:case", number=case.number)
    context = _case_context(request, case, note_form=form)
    return render(request, "portal/case_detail.html", context, status=400)


@customer_required
@require_safe
def attachment_download(request, number: str, attachment_id: int):
    """A public file of one of the organisation's cases; anything else is not found."""
    try:
        attachment = case_selectors.attachment_get(
            user=request.user, number=number, attachment_id=attachment_id
        )
    except NotFound as exc:
        raise Http404 from exc
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


# --- a new request --------------------------------------------------------------------------


@customer_required
def request_new(request):
    user = request.user
    sites = selectors.request_sites(user=user)
    if request.method == "POST":
        form = forms.RequestForm(request.POST, request.FILES, user=user, sites=sites)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.request_open(
                    actor=user,
                    title=data["title"],
                    description=data["description"],
                    severity=data["severity"],
                    site=data["site"],
                    asset=data["asset"],
                    uploads=data["files"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(
                    request,
                    _(
                        "Your request %(number)s has been received. Keep this number: we "
                        "will contact you soon."
                    )
                    % {"number": case.number},
                )
                return redirect("portal:case", number=case.number)
        status = 400
    else:
        # A link may name the site (and device) already; one site needs no choosing.
        initial = {key: request.GET[key] for key in ("site", "asset") if request.GET.get(key)}
        if len(sites) == 1:
            initial.setdefault("site", str(sites[0].pk))
        form = forms.RequestForm(initial=initial, user=user, sites=sites)
        status = 200
    site_id = parse_id(form["site"].value() or "")
    asset_id = parse_id(form["asset"].value() or "")
    return render(
        request,
        "portal/request_new.html",
        {
            "form": form,
            "sites": sites,
            "site_id": site_id,
            "asset_id": asset_id,
            "assets": selectors.request_assets(user=user, site_id=site_id),
            "severities": forms.severity_options(),
        },
        status=status,
    )


@customer_required
@require_safe
def request_assets(request):
    """The devices of one of the organisation's sites, as options (htmx, on choosing a site)."""
    site_id = parse_id(request.GET.get("site", ""))
    assets = selectors.request_assets(user=request.user, site_id=site_id)
    return render(
        request, "portal/partials/asset_options.html", {"site_id": site_id, "assets": assets}
    )
