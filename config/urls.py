from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    # First: the API takes the most requests (streams included), and every pattern tried before a match is
    # kept on the request (ResolverMatch.tried) for as long as it lives, a stream's whole life.
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Before allauth's URLs: the atomic sign-up views override allauth's at the same paths.
    path("", include("unse.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("unse.core.urls")),
    path("", include("unse.web.urls")),
    path("", include("unse.fortunes.urls")),
]

# Errors raised outside views (unknown URL, disallowed host, ...) use the same error model.
handler400 = "unse.core.responses.bad_request"
handler403 = "unse.core.responses.permission_denied"
handler404 = "unse.core.responses.page_not_found"
handler500 = "unse.core.responses.server_error"
