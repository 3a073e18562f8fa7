"""Absolute URLs, built in one place.

A link that leaves the page (sitemap, feeds, iCalendar, JSON API, e-mails) is built from
``settings.SITE_BASE_URL`` when it is set (e.g. ``https://atlas.example``), otherwise from
the host of the request it answers (checked against ``ALLOWED_HOSTS`` by Django), and
without a request (management commands, mails) from ``WAGTAILADMIN_BASE_URL``. Wagtail's
own ``get_full_url`` is not used for public links: it takes the host of the Wagtail Site
record (``localhost`` on a fresh install), not the one the site is reached under.
"""

from urllib.parse import urlsplit

from django.conf import settings


def base_url(request=None):
    """``scheme://host[:port]`` without a trailing slash."""
    configured = getattr(settings, "SITE_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def base_host(request=None):
    """The host name of ``base_url`` (for iCalendar UIDs)."""
    return urlsplit(base_url(request)).hostname or "localhost"


def absolute_url(path, request=None):
    """``path`` (``/…``, may carry a query) on the public host; absolute URLs stay as they are."""
    if path.startswith(("http://", "https://")):
        return path
    if not path.startswith("/"):
        path = "/" + path
    return base_url(request) + path


def page_path(page, request=None):
    """The path of a Wagtail page below the site root (``/kooperationen/…/``), or None."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    return parts[2]


def page_url(page, request=None):
    """The absolute URL of a Wagtail page on the public host, or None if it is not routable."""
    path = page_path(page, request)
    return None if path is None else absolute_url(path, request)


def relocate(url, request=None):
    """An absolute URL built by someone else (e.g. Wagtail) moved onto the public host."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return absolute_url(path, request)


def configured():
    """True when SITE_BASE_URL fixes the public host (the request's host is not used)."""
    return bool(getattr(settings, "SITE_BASE_URL", ""))
