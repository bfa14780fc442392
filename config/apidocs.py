"""ReDoc's bundle, from drf-spectacular-sidecar's static files, without its one reference to
another host: the "API docs by Redocly" footer loads its logo from cdn.redoc.ly, which the
bureau's intranet cannot reach and the Content-Security-Policy refuses (img-src 'self'). The
pinned sidecar stays the source; only that URL is replaced, by an empty inline image."""

import re
from functools import cache

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.http import require_safe

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
# Any address on Redocly's CDN (the logo today), replaced by a transparent 1x1 image inline.
CDN_ADDRESS = re.compile(rb"https?://cdn\.redoc\.ly[^\"'\s)]*")
NO_LOGO = b"data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


@cache
def redoc_bundle_bytes() -> bytes:
    path = finders.find(BUNDLE)
    if path is None:
        raise FileNotFoundError(BUNDLE)
    with open(path, "rb") as bundle:
        return CDN_ADDRESS.sub(NO_LOGO, bundle.read())


@require_safe
def redoc_bundle(request):
    response = HttpResponse(redoc_bundle_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response
