"""Errors as JSON naming the field, whichever layer found them.

The services raise Django's ``ValidationError`` (from a model's ``clean``, a database constraint
or a form); DRF knows only its own. Both come back in DRF's shape, ``{"field": ["message"]}``,
with rules about the whole record under ``non_field_errors``.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone else changed this record since you read it. Read it again, apply your change "
        "to the new version and send it with the new ETag (If-Match) or version."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the version you read: the event's ETag as an If-Match header, or its version in "
        "the body. Without it a change could overwrite someone else's without either of you "
        "knowing."
    )
    default_code = "precondition_required"


def field_errors(exc: DjangoValidationError, rename: dict[str, str] | None = None) -> dict:
    """A Django ValidationError as ``{"field": ["message", ...]}`` (API field names)."""
    rename = rename or {}
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    errors: dict[str, list[str]] = {}
    for field, field_exc in exc.error_dict.items():
        name = (
            api_settings.NON_FIELD_ERRORS_KEY
            if field == NON_FIELD_ERRORS
            else rename.get(field, field)
        )
        errors.setdefault(name, []).extend(DjangoValidationError(field_exc).messages)
    return errors


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    return drf_exception_handler(exc, context)
