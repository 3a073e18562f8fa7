from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from opendata import views as opendata_views
from opendata.sitemaps import SITEMAPS

from . import views
from .api import AtlasAPI

# The one JSON API: /api/v1/… operations, /api/openapi.json, /api/docs (kooperationsatlas.api).
api = AtlasAPI()
api.add_router("/v1", "search.api.router")
api.add_router("/v1", "matchmaking.api.router")
api.add_router("/v1", "opendata.api.router")

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("daten/", views.data_sources, name="data_sources"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", opendata_views.robots_txt, name="robots_txt"),
    path("api/", api.urls),
    path("", include("search.urls")),
    path("", include("register.urls")),
    path("", include("matchmaking.urls")),
    path("", include("boerse.urls")),
    path("", include("accounts.urls")),
    path("", include("alerts.urls")),
    path("", include("funding.urls")),
    path("", include("events.urls")),
    path("", include("opendata.urls")),
    path("", include("guides.urls")),
    path("", include("inventory.urls")),
    path("", include("reports.urls")),
    path("", include("cooperations.urls")),
    path("", include("legal.urls")),
    path("", include("surveys.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's pages (routed below the home page by HomePage.route, site/routing.py).
    path("", include(wagtail_urls)),
]

# German error pages, JSON under /api/ (kooperationsatlas.errors); CSRF: CSRF_FAILURE_VIEW.
handler400 = "kooperationsatlas.errors.bad_request"
handler404 = "kooperationsatlas.errors.page_not_found"
handler500 = "kooperationsatlas.errors.server_error"
