"""One error shape for the API: {"code": ..., "message": ..., "details": ...}."""

from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import BusinessRuleError

# Constraints the services leave to the database, as a preparer would read them.
CONSTRAINT_MESSAGES = {
    "project_name_unique_in_budget": "同一单位的项目名称不得重复：本单位本年度已有同名项目。"
}


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        text = str(exc)
        for name, message in CONSTRAINT_MESSAGES.items():
            if name in text or ("UNIQUE" in text.upper() and "name" in text):
                return Response({"code": "duplicate", "message": message, "details": {"constraint": name}},
                                status=status.HTTP_400_BAD_REQUEST)  # fmt: skip
        return None
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
