"""The application's URLs plus the bench's trivial logged-in page (the baseline of the pages)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns


@login_required
def trivial(request):
    """What any logged-in page costs at the least: the session, the user, a response."""
    return HttpResponse(f"<html><body>{request.user.username}</body></html>")


urlpatterns = [path("bench/trivial/", trivial), *app_urlpatterns]
