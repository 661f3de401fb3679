"""One JSON error shape for every API (API.md "Errors").

400 `{"field": ["message"]}` or `{"detail": "..."}`, 403 and 404 `{"detail"}`,
409 `{"detail", ...}`. Django's ValidationError and the project's exceptions
are translated here so services never need to know about HTTP.
"""

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import Conflict, NotAllowed


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_validation_error_detail(exc))
    elif isinstance(exc, NotAllowed):
        exc = exceptions.PermissionDenied(exc.detail)
    elif isinstance(exc, TooManyFieldsSent):
        # Django refuses to read more fields than this (a flood of them is a denial of service).
        exc = exceptions.ParseError(
            f"The request has too many fields: the most is {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}."
        )
    elif isinstance(exc, Conflict):
        return Response({"detail": exc.detail, **exc.data}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _validation_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"detail": " ".join(exc.messages)}
