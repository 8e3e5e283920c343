"""Pages of the staff workspace. Each view parses, calls a selector or a service, renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.cases import selectors, services, transitions
from aftersales.cases.api.actions import ACTIONS
from aftersales.cases.choices import CallKind, CaseType, Cause, Severity, Status, Visibility
from aftersales.cases.filters import (
    NOBODY,
    OPEN_STATES,
    SORTS,
    CaseFilterForm,
    case_ordering,
    sort_toggle,
)
from aftersales.core.clock import now
from aftersales.core.decorators import safe_next, staff_required
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.paging import keyset_page
from aftersales.sla.selectors import QUEUES, case_clocks, case_queue
from aftersales.workspace import forms
from aftersales.workspace import selectors as workspace_selectors
from aftersales.workspace import services as workspace_services
from aftersales.workspace.navigation import landing_url
from aftersales.workspace.selectors import saved_filters_of


@login_required
def home(request):
    return redirect(landing_url(request.user))


def _case_or_404(request, number: str):
    try:
        return selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


TIMELINE_FILTERS = {
    "all": gettext_lazy("All"),
    "public": gettext_lazy("Customer-visible"),
    "internal": gettext_lazy("Internal"),
    "system": gettext_lazy("System"),
}


def _timeline(case, user, show: str):
    entries = list(selectors.timeline_for(case=case, user=user))
    if show == "public":
        entries = [e for e in entries if e.visibility == Visibility.PUBLIC]
    elif show == "internal":
        entries = [e for e in entries if e.visibility == Visibility.INTERNAL]
    elif show == "system":
        entries = [e for e in entries if e.is_system]
    return entries


def _case_context(request, case, **extra) -> dict:
    show = request.GET.get("show", "all")
    if show not in TIMELINE_FILTERS:
        show = "all"
    actions = [a for a in transitions.allowed_actions(case, request.user) if a in ACTIONS]
    return {
        "case": case,
        "clocks": case_clocks(case=case, now=now()),
        "timeline": _timeline(case, request.user, show),
        "show": show,
        "timeline_filters": TIMELINE_FILTERS,
        "actions": [a for a in actions if a != "note"],
        "can_note": "note" in actions,
        "related": selectors.related_cases(case=case, user=request.user),
        "assets": list(case.assets.select_related("model__vendor", "contract", "site")),
        "choices": forms.action_choices(case),
        "case_url_name": "workspace:case",
        "action_url_name": "workspace:case-action",
        "attachment_url_name": "workspace:attachment",
        **extra,
    }


@staff_required
def case_detail(request, number: str):
    case = _case_or_404(request, number)
    return render(request, "workspace/case_detail.html", _case_context(request, case))


@staff_required
def case_live(request, number: str):
    """Polled by the case page: the header and timeline again when the case changed since
    the page was drawn (204, nothing to swap, otherwise)."""
    case = _case_or_404(request, number)
    if request.GET.get("seen") == str(case.timeline_count):
        return HttpResponse(status=204)
    return render(request, "workspace/partials/case_live.html", _case_context(request, case))


@staff_required
@require_POST
def case_action(request, number: str, action: str):
    case = _case_or_404(request, number)
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    serializer = spec.input(data=request.POST, context={"request": request})
    try:
        transitions.check(spec.name, case, request.user)
        if serializer.is_valid():
            result = spec.run(case, request.user, serializer.validated_data)
            messages.success(
                request,
                _("%(number)s: %(action)s done.")
                % {"number": result.number, "action": transitions.Action(action).label},
            )
            back = safe_next(request, request.POST.get("next"))
            return redirect(back or reverse("workspace:case", args=[result.number]))
        errors = {field: [str(m) for m in msgs] for field, msgs in serializer.errors.items()}
    except DomainError as exc:
        errors = {exc.field or "non_field_errors": [str(exc)]}
    context = _case_context(
        request, case, open_action=action, action_errors=errors, posted=request.POST
    )
    return render(request, "workspace/case_detail.html", context, status=400)


@staff_required
@require_POST
def case_note(request, number: str):
    """A note, with files dropped on it: each file its own timeline entry."""
    case = _case_or_404(request, number)
    form = forms.NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        context = _case_context(request, case, note_form=form)
        return render(request, "workspace/case_detail.html", context, status=400)
    body = form.cleaned_data["body"].strip()
    visibility = form.cleaned_data["visibility"]
    try:
        if body:
            case = services.case_note(
                case=case, actor=request.user, body=body, visibility=visibility
            )
        for upload in request.FILES.getlist("files"):
            services.case_attach(
                case=case, actor=request.user, upload=upload, visibility=visibility
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Added to the timeline."))
    return redirect("workspace:case", number=number)


@staff_required
def attachment_download(request, number: str, attachment_id: int):
    try:
        attachment = selectors.attachment_get(
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


LIST_COLUMNS = [
    ("number", gettext_lazy("Number")),
    ("title", gettext_lazy("Title")),
    ("organisation", gettext_lazy("Organisation")),
    ("severity", gettext_lazy("Severity")),
    ("status", gettext_lazy("State")),
    ("assignee", gettext_lazy("Owner")),
    ("reported_at", gettext_lazy("Reported at")),
    ("updated_at", gettext_lazy("Updated")),
]
LIST_PAGE_SIZE = 50


@staff_required
def case_list(request):
    """Every case the reader may see, filtered and sorted by the query string (a list is a
    URL to share), a page at a time without counting them."""
    form = CaseFilterForm(request.GET, user=request.user)
    context = {
        "form": form,
        "saved_filters": list(saved_filters_of(user=request.user)),
        "states": Status.choices,
        "severities": Severity.choices,
        "case_types": CaseType.choices,
        "nobody": NOBODY,
    }
    if not form.is_valid():
        return render(request, "workspace/case_list.html", context, status=400)
    filters = form.cleaned_data
    sort = filters["sort"]
    page = keyset_page(
        selectors.case_search(user=request.user, filters=filters),
        case_ordering(sort),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=LIST_PAGE_SIZE,
    )
    query = form.query_string()
    sortable = {name for name in SORTS}
    context.update(
        {
            "page": page,
            "query": query,
            "sort": sort,
            "columns": [
                {
                    "name": name,
                    "label": label,
                    "url": f"?{form.query_string(sort=sort_toggle(sort, name))}"
                    if name in sortable
                    else None,
                    "sorted": "asc" if sort == name else "desc" if sort == f"-{name}" else "",
                }
                for name, label in LIST_COLUMNS
            ],
            "current_filter": next((f for f in context["saved_filters"] if f.query == query), None),
        }
    )
    return render(request, "workspace/case_list.html", context)


@staff_required
@require_POST
def saved_filter_save(request):
    form = CaseFilterForm(QueryDict(request.POST.get("query", "")), user=request.user)
    if not form.is_valid():
        messages.error(request, _("These filters are not valid: correct them before saving."))
        return redirect("workspace:case-list")
    query = form.query_string()
    try:
        saved = workspace_services.saved_filter_save(
            owner=request.user, name=request.POST.get("name", ""), query=query
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(f"{reverse('workspace:case-list')}?{query}" if query else "workspace:case-list")


@staff_required
@require_POST
def saved_filter_delete(request, pk: int):
    try:
        workspace_services.saved_filter_delete(owner=request.user, filter_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("Filter deleted."))
    return redirect("workspace:case-list")


@staff_required
def desk(request):
    """The service desk: look a caller up, answer or open a case, and watch the queues."""
    queue = request.GET.get("queue", "unassigned")
    if queue not in QUEUES:
        queue = "unassigned"
    team_id = request.GET.get("team")
    team_id = int(team_id) if team_id and team_id.isdigit() else None
    return render(
        request,
        "workspace/desk.html",
        {
            "queue": queue,
            "queues": forms.QUEUE_LABELS,
            "team_id": team_id,
            "cases": case_queue(user=request.user, queue=queue, now=now(), team_id=team_id),
            "choices": forms.action_choices(None),
            "case_form": forms.CaseForm(),
            "consultation_form": forms.ConsultationForm(),
            "consultations": list(
                selectors.consultation_queryset(user=request.user).order_by("-id")[:10]
            ),
        },
    )


@staff_required
def desk_lookup(request):
    """Typed-ahead caller lookup: the organisation, contacts, sites, contracts and their
    warranty state, assets, recent cases and engineers."""
    q = request.GET.get("q", "").strip()
    matches = selectors.caller_lookup(user=request.user, q=q) if len(q) >= 2 else []
    return render(request, "workspace/partials/lookup.html", {"q": q, "matches": matches})


@staff_required
@require_POST
def desk_case_create(request):
    form = forms.CaseForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.case_arguments())
            if form.cleaned_data.get("assignee"):
                case = services.case_assign(
                    case=case, assignee=form.cleaned_data["assignee"], actor=request.user
                )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("workspace:case", number=case.number)
    messages.error(
        request, _("The case was not opened: %(errors)s") % {"errors": form.errors_text()}
    )
    return redirect(f"{reverse('workspace:desk')}?q={request.POST.get('organisation', '')}")


@staff_required
@require_POST
def desk_consultation(request):
    form = forms.ConsultationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            consultation = services.consultation_record(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Consultation recorded."))
            if not (consultation.resolved and consultation.satisfied):
                messages.info(request, _("Not resolved or not satisfied: open a case from it."))
    else:
        messages.error(request, _("Not recorded: %(errors)s") % {"errors": form.errors_text()})
    return redirect("workspace:desk")


@staff_required
@require_POST
def consultation_to_case(request, pk: int):
    consultation = selectors.consultation_queryset(user=request.user).filter(pk=pk).first()
    if consultation is None:
        raise Http404
    try:
        case = services.consultation_to_case(
            consultation=consultation,
            actor=request.user,
            severity=request.POST.get("severity", "P4"),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("workspace:desk")
    return redirect("workspace:case", number=case.number)


@staff_required
def my_work(request):
    """An engineer's day on one screen (a phone's, too): own open cases, next due first,
    with their clocks and the actions that move them; colleagues' cases to take over."""
    work = workspace_selectors.my_work(user=request.user, now=now())
    return render(
        request,
        "workspace/my_work.html",
        {
            "work": work,
            "causes": Cause.choices,
            "call_kinds": CallKind.choices,
            "more_url": f"{reverse('workspace:case-list')}?assignee={request.user.username}&"
            + "&".join(f"status={s}" for s in OPEN_STATES),
        },
    )


@staff_required
def manager(request):
    """A manager's page: escalations addressed to them, breaches today and this week, and
    resolved cases to close after reading the customer's confirmation."""
    board = workspace_selectors.manager_board(user=request.user, now=now())
    return render(request, "workspace/manager.html", {"board": board})
