"""Shared pieces of the REST API: error format, pagination, the role permission."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.validators import MaxValueValidator
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import defaults
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from aftersales.accounts.roles import DESK
from aftersales.core.errors import DomainError
from aftersales.core.ids import MAX_ID


def _as_lists(detail: Any) -> Any:
    """{field: [messages]} for a dict of errors, else [messages]. Errors nested below a field
    (a list's items: {"assets": {0: [...]}}) become that field's messages."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return _messages(detail)


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    return [str(detail)]


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            return _first_message(value)
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error is JSON: {"detail": one sentence, "code": ..., "errors": {field: [..]}}."""
    if isinstance(exc, DomainError):
        field = exc.field or "non_field_errors"
        return Response(
            {"detail": str(exc.message), "code": exc.code, "errors": {field: [str(exc.message)]}},
            status=exc.status_code,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _as_lists(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = {
            "detail": _first_message(errors) or _("Invalid input."),
            "code": "invalid",
            "errors": errors,
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        message = _first_message(_as_lists(detail))
        codes = exc.get_codes()
        response.data = {
            "detail": message,
            "code": codes if isinstance(codes, str) else "error",
            "errors": {"non_field_errors": [message]},
        }
    return response


def page_not_found(request, exception):
    """Django's 404 for addresses no view serves: JSON in the API's error format under
    /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        message = _("Not found.")
        body = {"detail": message, "code": "not_found", "errors": {"non_field_errors": [message]}}
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A record's id: a whole number the database can hold. NumberFilter takes any decimal
    up to 1e50, and SQLite answers one beyond 64 bits with OverflowError, a 500."""

    field_class = forms.IntegerField

    def get_max_validator(self):
        return MaxValueValidator(MAX_ID)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CursorPagination(pagination.CursorPagination):
    """For lists that grow without bound: no COUNT(*), stable under inserts."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class DeskWrites(permissions.BasePermission):
    """Everyone signed in reads (querysets are scoped); the service desk writes. A write to a
    record the reader cannot see is a 404, decided by the scoped lookup before this check."""

    message = _lazy("Only the service desk keeps these records.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False  # answered 401: this class replaces the default IsAuthenticated
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or view.lookup_field):
            return True
        return _is_desk(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in permissions.SAFE_METHODS or _is_desk(request.user)


def _is_desk(user) -> bool:
    return not user.is_customer and bool(user.roles & DESK)
