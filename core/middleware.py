"""Request-level plumbing: the health endpoint (answered before host checks and HTTPS
redirects, so that a load balancer may ask a node by its address) and the request context of
the structured logs (a request id and the user)."""

import logging
import re
import time
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse

from config.logging import request_id_var, user_var

request_log = logging.getLogger("budget.request")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

LIVE_PATH = "/health/live/"
HEALTH_PATH = "/health/"


class HealthCheckMiddleware:
    """`/health/live/`: the process answers. `/health/`: every service (config/health.py) as
    JSON, 200 when none fails, 503 otherwise."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == LIVE_PATH:
            return HttpResponse("ok", content_type="text/plain")
        if request.path == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            from config.health import run_checks

            healthy, checks = run_checks()
            response = JsonResponse({"status": "ok" if healthy else "error", "checks": checks})
            response.status_code = 200 if healthy else 503
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


def _username(request) -> str:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else ""


class RequestContextMiddleware:
    """Gives each request an id (nginx's X-Request-ID when it sends a sane one), puts it and the
    user on every log record written while serving it, answers it in X-Request-ID, and logs one
    line per request: method, path, status, duration, user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished below): Django logs a 4xx after
        # the middleware has returned, and that line belongs to the request too.
        request_id_var.set(request_id)
        user_var.set(_username(request))
        started = time.monotonic()
        response = self.get_response(request)
        # The user may have changed while serving: a login, or an API token (DRF sets it).
        user_var.set(_username(request))
        response["X-Request-ID"] = request_id
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response


@receiver(request_finished)
def _clear_request_context(**kwargs):
    request_id_var.set("")
    user_var.set("")
