"""The bell in the header and the page of one's own notifications: for everyone signed in,
customer contacts too (the header is shared with the portal)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.decorators import safe_next, signed_in_fragment
from aftersales.core.errors import NotFound
from aftersales.core.paging import Ordering, keyset_page
from aftersales.notifications import selectors, services

LATEST = 8
PAGE = 30
NEWEST_FIRST = Ordering(("id",), descending=True)


@signed_in_fragment
def bell_count(request):
    """Polled every 30 s by every page: the unread count, nothing else."""
    unread = selectors.inapp_unread_count(user=request.user)
    # No request context: the menu and the rest of the page's context are not needed here.
    return HttpResponse(render_to_string("workspace/partials/bell_count.html", {"unread": unread}))


@signed_in_fragment
def bell_latest(request):
    """Loaded when the bell opens: the latest notifications."""
    latest = list(selectors.inapp_list(user=request.user)[:LATEST])
    return render(request, "workspace/partials/bell_latest.html", {"latest": latest})


@login_required
def notification_list(request):
    page = keyset_page(
        selectors.inapp_list(user=request.user),
        NEWEST_FIRST,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE,
    )
    return render(request, "workspace/notifications.html", {"page": page})


def _target(request, notification) -> str:
    """Where a notification leads this reader: its case on the reader's side (workspace or
    portal), else its link if it points at this site, else the list."""
    if notification.case_id is not None:
        number = notification.case.number
        if request.user.is_customer:
            return reverse("portal:case", args=[number])
        return reverse("workspace:case", args=[number])
    return safe_next(request, notification.url) or reverse("workspace:notifications")


@login_required
@require_POST
def notification_open(request, pk: int):
    """Mark one of one's notifications read and go where it leads."""
    try:
        notification = services.inapp_mark_read(user=request.user, notification_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    return redirect(_target(request, notification))


@login_required
@require_POST
def notification_read_all(request):
    count = services.inapp_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications marked read."))
    return redirect(safe_next(request, request.POST.get("next")) or "workspace:notifications")
