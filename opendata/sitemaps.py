"""The sitemap: Wagtail's pages, the register views and the static pages.

Every location is on the public host of ``kooperationsatlas.links`` (the configured
SITE_BASE_URL or the request's host), the Wagtail pages included: Wagtail would take the
host of its Site record (``http://localhost/`` on a fresh install).
"""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from kooperationsatlas import links
from register.models import County, Municipality, register_url


class PublicHost:
    """The ``site`` Django's sitemap framework asks for a domain: the public base URL's."""

    def __init__(self, domain):
        self.domain = self.name = domain


class Sitemap(DjangoSitemap):
    """Locations on the configured base URL when one is set (else the request's host)."""

    def get_urls(self, page=1, site=None, protocol=None):
        base = urlsplit(links.base_url()) if links.configured() else None
        if base is not None:
            site, protocol = PublicHost(base.netloc), base.scheme
        return super().get_urls(page=page, site=site, protocol=protocol)


class PageSitemap(WagtailSitemap):
    """Wagtail's live, public pages, their URLs moved onto the public host."""

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            url["location"] = links.relocate(url["location"], self.request)
        return urls


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
