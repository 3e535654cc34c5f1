"""URLs of bench/cached_path.py: the framework floor — a bare async view returning constant JSON through the
same middleware stack — beside every real route."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

_CONSTANT = b'{"ok": true}'


async def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_CONSTANT, content_type="application/json")


urlpatterns = [path("bench/floor/", floor), path("", include("config.urls"))]
