"""Pages of feedback: the customer's one-page survey (no sign-in: the link's token is the
key), and the service desk's revisit lists and call records. Each view parses, calls a
selector or a service, renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from aftersales.accounts.roles import STAFF
from aftersales.cases.selectors import case_get
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, DomainError, NotFound
from aftersales.feedback import forms, selectors, services
from aftersales.feedback.choices import RevisitView, SurveyState

PAGE_SIZE = 50


# --- the survey (anonymous) -----------------------------------------------------------------


def _link_language(request) -> None:
    """The language the link asks for (?lang=en), else the browser's (LocaleMiddleware)."""
    code = (request.GET.get("lang") or "").strip().lower()
    if not code:
        return
    try:
        language = translation.get_supported_language_variant(code)
    except LookupError:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language


def _private(response):
    """The token is in the address: keep it out of other sites' logs and search engines.
    Same-origin, not no-referrer: with no referrer, browsers send "Origin: null" with the
    form, which Django's CSRF check rightly refuses."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _survey_closed(request, reason: str, status: int):
    """A polite page for a link that is unknown, used or expired. It never names the case."""
    return _private(
        render(request, "feedback/survey_closed.html", {"reason": reason}, status=status)
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    _link_language(request)
    try:
        found = services.survey_find(token=token)
    except NotFound:
        return _survey_closed(request, "unknown", status=404)
    state = found.state_at(now())
    if state != SurveyState.OPEN:
        return _survey_closed(request, state, status=410)
    form = forms.SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            answered = services.survey_record_answer(
                survey=found,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except Conflict as exc:
            return _survey_closed(request, exc.code, status=410)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return _private(
                render(
                    request,
                    "feedback/survey_thanks.html",
                    {"low": answered.rating <= settings.FEEDBACK_LOW_RATING},
                )
            )
    return _private(
        render(
            request,
            "feedback/survey.html",
            {"survey": found, "case": found.case, "form": form},
            status=400 if form.errors else 200,
        )
    )


# --- revisits (the service desk) ------------------------------------------------------------


def staff_required(view):
    """Signed-in service staff only; customers have the portal."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.is_customer or not (request.user.roles & STAFF):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _can_record(user) -> bool:
    return not user.is_customer and bool(user.roles & services.REVISIT_STAFF)


@staff_required
def revisit_list(request):
    """Revisits due today, overdue, upcoming, or done (newest first, a page at a time)."""
    view = request.GET.get("view", RevisitView.TODAY)
    if view not in RevisitView.values:
        view = RevisitView.TODAY
    at = now()
    revisits = selectors.revisits_in_view(user=request.user, view=view, at=at)
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    rows = list(revisits[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    counts = selectors.revisit_counts(user=request.user, at=at)
    return render(
        request,
        "feedback/revisits.html",
        {
            "view": view,
            "tabs": [(key, label, counts.get(key)) for key, label in RevisitView.choices],
            "revisits": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "can_record": _can_record(request.user),
        },
    )


def _revisit_or_404(request, pk: int):
    revisit = selectors.revisit_list(user=request.user).filter(pk=pk).first()
    if revisit is None:
        raise Http404
    return revisit


def _back(request, revisit) -> str:
    if revisit.case_id and request.GET.get("from") == "case":
        return reverse("workspace:case", args=[revisit.case.number])
    return reverse("feedback:revisits")


@staff_required
@require_http_methods(["GET", "POST"])
def revisit_detail(request, pk: int):
    """One revisit: whom to call, its calls so far, and the form to record this one."""
    revisit = _revisit_or_404(request, pk)
    form = forms.RevisitRecordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not _can_record(request.user):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                revisit = services.revisit_record(
                    revisit=revisit,
                    actor=request.user,
                    reached=data["reached"],
                    satisfied=data["satisfied"],
                    notes=data["notes"],
                    retry_at=data["retry_at"],
                    open_complaint=data["open_complaint"],
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                messages.success(request, _("The call is recorded."))
                if revisit.complaint_id:
                    messages.info(
                        request,
                        _("Complaint case %(number)s opened for the quality manager.")
                        % {"number": revisit.complaint.number},
                    )
                return redirect(_back(request, revisit))
    return render(
        request,
        "feedback/revisit_detail.html",
        {
            "revisit": revisit,
            "form": form,
            "can_record": _can_record(request.user) and not revisit.is_done,
            "from_case": request.GET.get("from") == "case",
        },
        status=400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def revisit_new(request):
    """Book a call back about a case by hand (?case=<number>)."""
    if not _can_record(request.user):
        raise PermissionDenied
    try:
        case = case_get(user=request.user, number=request.GET.get("case", ""))
    except NotFound as exc:
        raise Http404 from exc
    form = forms.RevisitScheduleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revisit_schedule(
                actor=request.user,
                case=case,
                due_at=form.cleaned_data["due_at"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The call back is booked."))
            return redirect("workspace:case", number=case.number)
    return render(
        request,
        "feedback/revisit_new.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )
