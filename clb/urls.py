from django.contrib import admin
from django.urls import include, path, register_converter

from core.converters import PublicIdConverter

register_converter(PublicIdConverter, "pid")

# imported once "pid" is registered: their patterns use it
from frameworks import urls as framework_urls  # noqa: E402
from people import ladder_urls  # noqa: E402
from people import urls as people_urls  # noqa: E402
from spreadsheets import people_urls as people_csv_urls  # noqa: E402

urlpatterns = [
    path("", include("core.urls")),
    path("", include("sso.urls")),
    path("scim/v2/", include("sso.scim.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organization/", include("organizations.urls")),
    # the people CSV import's pages are the importer's views under the people paths and names
    path("people/", include((people_csv_urls.urlpatterns + people_urls.urlpatterns, "people"))),
    # a person's ladder pages are people's views under the frameworks' paths and names
    path(
        "frameworks/",
        include((ladder_urls.urlpatterns + framework_urls.urlpatterns, "frameworks")),
    ),
    path("onet/", include("onet.urls")),
    path("spreadsheets/", include("spreadsheets.urls")),
    path("api/", include("api.urls")),
    path("settings/api-tokens/", include("api.web_urls")),
    path("", include("billing.urls")),
    path("growth/", include("growth.urls")),
    path("reviews/", include("reviews.urls")),
    path("promotions/", include("promotions.urls")),
    path("data-rights/", include("datarights.urls")),
    path("fairness/", include("fairness.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.not_found"
