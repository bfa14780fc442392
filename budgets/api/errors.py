"""One error shape for the API: {"code": ..., "message": ..., "details": ...}."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import BusinessRuleError


def exception_handler(exc, context):
    if isinstance(exc, BusinessRuleError):
        return Response(
            {"code": exc.code, "message": str(exc.message), "details": exc.params},
            status=status.HTTP_400_BAD_REQUEST,
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data
        code = getattr(exc, "default_code", "error")
        message = detail.get("detail", "") if isinstance(detail, dict) else ""
        response.data = {"code": code, "message": str(message), "details": detail}
    return response
