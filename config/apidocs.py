"""ReDoc's bundle, from drf-spectacular-sidecar's static files, without its one reference to
another host: the "API docs by Redocly" footer loads its logo from cdn.redoc.ly, which the
bureau's intranet cannot reach and the Content-Security-Policy refuses (img-src 'self'). The
pinned sidecar stays the source; only that URL is replaced, by an empty inline image."""

from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
NO_LOGO = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@cache
def redoc_bundle_bytes() -> bytes:
    path = finders.find(BUNDLE)
    if path is None:
        raise FileNotFoundError(BUNDLE)
    with open(path, "rb") as bundle:
        return bundle.read().replace(CDN_LOGO, NO_LOGO)


@require_safe
def redoc_bundle(request):
    response = HttpResponse(redoc_bundle_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
