"""Sitemap sections besides Wagtail's pages: the register views and the static pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from register.models import County, Municipality, register_url


class MunicipalitySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.3

    def items(self):
        return Municipality.objects.order_by("ags").values_list("ags", flat=True)

    def location(self, ags):
        return register_url("register:municipality", ags)


class CountySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return County.objects.order_by("key").values_list("key", flat=True)

    def location(self, key):
        return register_url("register:county", key)


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return ["search:page", "matchmaking:page", "boerse:list", "data_sources"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,  # Wagtail: live, public pages only
    "static": StaticSitemap,
    "counties": CountySitemap,
    "municipalities": MunicipalitySitemap,
}
