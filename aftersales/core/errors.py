"""Errors raised by services. The API turns them into JSON with a message per field."""

from typing import Any


class DomainError(Exception):
    """A request the domain refuses. `field` names the input at fault, if one is."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationError(DomainError):
    status_code = 400
    code = "invalid"


class NotFound(DomainError):
    """Missing, or not visible to this reader: the two are never told apart."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The reader may see the record but not do this to it."""

    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    """Not allowed in the record's current state."""

    status_code = 409
    code = "conflict"
