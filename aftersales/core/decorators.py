"""Decorators shared by the pages of several apps."""

import zoneinfo
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from aftersales.accounts.roles import STAFF


def staff_required(view):
    """Signed-in service staff only; customers have the portal."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_customer or not (request.user.roles & STAFF):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _zone(user) -> zoneinfo.ZoneInfo | None:
    """The customer's own time zone, else its organisation's (Asia/Shanghai by default)."""
    name = user.time_zone or user.organisation.time_zone
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def customer_required(view):
    """Signed-in customer contacts only, with times in their zone; staff have the workspace."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_customer:
            raise PermissionDenied
        zone = _zone(request.user)
        if zone is None:
            return view(request, *args, **kwargs)
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapper


def signed_in_fragment(view):
    """For fragments a page polls (htmx): 401 with nothing to swap when the session has
    ended, rather than the sign-in page drawn inside the fragment."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponse(status=401)
        return view(request, *args, **kwargs)

    return wrapper


def safe_next(request, value: str | None) -> str | None:
    """`value` if it is a place on this site to send the browser back to, else None."""
    if not value:
        return None
    hosts = {request.get_host()}
    site = urlsplit(settings.SITE_URL).netloc
    if site:
        hosts.add(site)
    if url_has_allowed_host_and_scheme(value, allowed_hosts=hosts, require_https=False):
        return value
    return None
