from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from opendata import views as opendata_views
from opendata.sitemaps import SITEMAPS

from . import routing, views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    path("daten/", views.data_sources, name="data_sources"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", opendata_views.robots_txt, name="robots_txt"),
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
    path("", include("legal.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's pages, routed from a map of paths (site/routing.py); Wagtail's own URLs
    # behind it (its "_util/" views, and its serve view under the name "wagtail_serve").
    re_path(routing.SERVE_PATTERN, routing.serve),
    path("", include(wagtail_urls)),
]
