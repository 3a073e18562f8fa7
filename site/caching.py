"""The site's one cache policy: what is cached where, and one invalidation for all of it.

Three layers, each dropped by the same change of the *content generation*:

1. the edge cache in front (Varnish in production): whole anonymous pages, without Python;
2. the page cache (``PageCacheMiddleware``): whole anonymous GET responses;
3. named cache entries (``entry``, ``entries``): what many pages share (menu, breadcrumbs,
   taxonomy terms, facet labels, list entries of profiles), in the page store, under a key
   that holds the generation, with the page cache's timeout.

Beside them, ``in_process`` keeps the few structures that requests use in place and that
would cost more to move through a cache store than to keep (the partner search's arrays,
projected map paths, all boundaries, the Kreise's centres): per process, per generation, at most
``IN_PROCESS_SECONDS``. No other module keeps content in memory, except the embedded
search engine's index state (the facet index, on SQLite the typo vocabulary, the editors'
synonyms), which catches up change by change through the index's own log
(``search.models.IndexVersion``, docs/architecture.md).

The page cache is applied by ``PageCacheMiddleware``, the first entry of
``MIDDLEWARE``: a hit is answered before any other middleware runs, and what is stored is
the finished response with every header the other middlewares set (security headers, CSP,
``Content-Language``). The key holds the scheme and host, so an ``http://`` request that
``SecurityMiddleware`` redirects to HTTPS never finds the ``https://`` entry, and a host
outside ``ALLOWED_HOSTS`` never gets a 200 to be stored.

Where entries live (``settings.CACHES``, built in ``settings/base.py``):

* ``"pages"`` holds the pages: the per-process local-memory cache, or Redis when
  ``CACHE_URL`` / ``REDIS_URL`` is set (shared by all workers and hosts). It is not
  ``"default"``, so culling pages never drops a login-throttle counter.
* ``"shared"`` holds the *content generation*, a random stamp every process must see:
  the database (Django's ``DatabaseCache``, table ``atlas_cache``, created by
  the migration ``kooperationsatlas.0003_cache_table``), or, with Redis, the page store
  itself (same key prefix), so that one MGET reads the generation and the page.

The key of a page is ``page:<hash of the full URL>`` (scheme, host, path and the raw query
string, so ``?a=1`` and ``?a=2`` are different entries); the entry is ``(generation,
response)`` and is a hit only while its generation is the current one. Changing the
generation makes every entry of every process stale at once; a miss overwrites the stale
entry, others expire by their timeout (LocMem also culls at ``MAX_ENTRIES``). A hit costs
one Redis round trip, or one primary-key read in the database and one local-memory read.

The generation is bumped (``bump()``) when public content changes, derived from the
signals, not from a list of models (``connect_signals``, ``is_watched``): Wagtail's
``page_published``, ``page_unpublished`` and ``post_page_move``; a live page saved, any page
deleted; a row of any model of the project's apps (``settings.PROJECT_APPS``: snippets,
settings, the register, Börse entries …) or of Wagtail's content models (images,
documents, tags, sites, collections, view restrictions) saved or deleted, unless its model
says ``shown_on_public_pages = False``; and whenever the search index changes
(``IndexVersion.bump()``, in any process: publishing, ``rebuild_search_index``, also after
``import_register``).
With the database store the new stamp is written in the same
transaction as the change, so other processes see both at the same moment. With Redis it
is written at once and again after the commit (a request that rendered the old content in
between cannot keep it).

What is cached (both request and response must qualify):

* GET only; not below ``PAGE_CACHE_EXCLUDED_PREFIXES`` (admin, accounts, Börse,
  documents …);
* the request carries no session cookie, no messages cookie and no Authorization header
  (so signed-in users are never served from the cache and never fill it);
* status 200, not streamed, no Set-Cookie, no CSRF token in the page, no ``Cache-Control:
  private / no-cache / no-store`` (``never_cache`` views stay uncached), no ``Vary: *``,
  and the user is not authenticated.

``PAGE_CACHE_SECONDS`` (default 300) is the timeout and bounds what no signal reports
(e.g. an event date passing); 0 switches the page cache off.
Responses carry ``X-Cache: HIT`` or ``MISS`` when the page was cacheable.

The edge cache in front (Varnish in production, ``docker/varnish/default.vcl``) applies the
same policy without Python: with ``WAGTAILFRONTENDCACHE`` configured (``FRONTEND_CACHE_URL``)
every cacheable response also carries ``Surrogate-Control: max-age=<PAGE_CACHE_SECONDS>``,
the only responses the edge stores, and every ``bump()`` purges it after the commit
through ``wagtail.contrib.frontend_cache`` (``purge_edge``); the edge answers any purge by
dropping every stored page, as a new generation does here.
"""

import hashlib
import logging
import re
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import redis as redis_backend
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.cache import cc_delim_re, has_vary_header
from redis import exceptions as redis_exceptions

logger = logging.getLogger(__name__)

PAGE_ALIAS = "pages"
GENERATION_ALIAS = "shared"
GENERATION_KEY = "page-cache:generation"
DEFAULT_SECONDS = 300
DEFAULT_EXCLUDED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/konto/",
    "/boerse/",  # entries expire by date (no signal) and the pages carry forms
    "/dokumente/",
    "/static/",
    "/media/",
)
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}
CSRF_MARKER = b"csrfmiddlewaretoken"
MESSAGES_COOKIE = "messages"  # django.contrib.messages CookieStorage


def timeout():
    return int(getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_SECONDS))


def excluded_prefixes():
    return tuple(getattr(settings, "PAGE_CACHE_EXCLUDED_PREFIXES", DEFAULT_EXCLUDED_PREFIXES))


# --- the content generation ----------------------------------------------------------------


def _new_stamp():
    return uuid.uuid4().hex


def _write_generation():
    try:
        caches[GENERATION_ALIAS].set(GENERATION_KEY, _new_stamp(), timeout=None)
    except Exception:  # a cache outage must never break publishing
        logger.exception("Page cache generation could not be changed")


def bump():
    """Make every cached page of every process stale (call when public content changes).

    In the database the new stamp commits (or rolls back) with the change itself; another
    store (Redis) gets it now and once more after the commit."""
    _write_generation()
    in_atomic_block = transaction.get_connection().in_atomic_block
    in_database = isinstance(caches[GENERATION_ALIAS], DatabaseCache)
    if not in_database and in_atomic_block:
        transaction.on_commit(_write_generation)
    if edge_configured():
        requested = time.monotonic()
        if in_atomic_block:
            transaction.on_commit(lambda: purge_edge(since=requested))
        else:
            purge_edge()


def generation():
    """The current cache generation, '' when it cannot be read (then nothing is cached)."""
    try:
        return _stamp_or_new(caches[GENERATION_ALIAS].get(GENERATION_KEY))
    except Exception:
        logger.warning(
            "Page cache off for this request: generation not readable (run manage.py migrate?)",
            exc_info=True,
        )
        return ""


def _stamp_or_new(stamp):
    """``stamp`` as read, or the stamp a first process sets (``add``: one of several wins)."""
    if stamp is None:
        store = caches[GENERATION_ALIAS]
        store.add(GENERATION_KEY, _new_stamp(), timeout=None)
        stamp = store.get(GENERATION_KEY)
    return stamp or ""


def generation_in_page_store():
    """Whether the generation lives in the page store itself (Redis, one key prefix): then
    one MGET reads the generation and a page."""
    shared, pages = settings.CACHES[GENERATION_ALIAS], settings.CACHES[PAGE_ALIAS]
    return all(
        shared.get(name) == pages.get(name) for name in ("BACKEND", "LOCATION", "KEY_PREFIX")
    )


def lookup(key):
    """(generation, the stored entry of ``key`` or None): one round trip where both live
    in one store. An entry is ``(generation it was rendered in, response)``."""
    if generation_in_page_store():
        found = caches[PAGE_ALIAS].get_many([GENERATION_KEY, key])
        return _stamp_or_new(found.get(GENERATION_KEY)), found.get(key)
    stamp = generation()
    return stamp, (caches[PAGE_ALIAS].get(key) if stamp else None)


# --- the edge cache in front ---------------------------------------------------------------


def edge_configured():
    """Whether an HTTP cache in front is purged (``WAGTAILFRONTENDCACHE``, settings/base.py)."""
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


_edge = {"last_purge": 0.0}


def purge_edge(since=None):
    """Purge the edge cache for every site (after the commit of a change to public content).

    Wagtail's frontend cache sends one PURGE per site root; the edge drops every stored
    page on any purge (``docker/varnish/default.vcl``), as a new generation does here.
    ``since``: when the change was made; a purge this process started later already
    covers it (a transaction that saved many rows purges once, not once per row)."""
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
    from wagtail.models import Site

    if since is not None and _edge["last_purge"] > since:
        return
    _edge["last_purge"] = time.monotonic()
    try:
        purge_urls_from_cache([site.root_url + "/" for site in Site.objects.all()])
    except Exception:  # an unreachable edge must never break publishing
        logger.exception("Edge cache could not be purged")


# --- the Redis backend --------------------------------------------------------------------


# Redis errors that mean "the server is not there" (refused, reset, timed out), as opposed
# to a wrong command; BusyLoadingError is a ConnectionError.
REDIS_OUTAGE_ERRORS = (redis_exceptions.ConnectionError, redis_exceptions.TimeoutError)
# After an outage, Redis is tried again at most this often per process (each try costs up
# to the socket timeouts below); meanwhile the stand-in answers at once.
REDIS_RETRY_SECONDS = 10
REDIS_SOCKET_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}
# The cache operations a RedisCache answers; during an outage its stand-in answers them.
CACHE_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)
_redis_outages = {}  # LOCATION -> time.monotonic() of the last failure, in this process
_redis_outages_lock = threading.Lock()


class RedisCache(redis_backend.RedisCache):
    """``CACHES`` backend for Redis (``settings/base.py``): Django's, with short socket
    timeouts, and a stand-in while Redis cannot be reached.

    When Redis refuses or times out, the site degrades instead of answering 500: the outage
    is logged once (and its end once), and for ``REDIS_RETRY_SECONDS`` every call goes to
    the stand-in without trying Redis. The stand-in is chosen by the option
    ``OUTAGE_FALLBACK``: ``"none"`` (default) stores nothing, so the page cache is off
    (the generation reads as unknown); ``"local-memory"`` keeps entries in this process
    (``"default"``: login-throttle and rate-limit counters still count, per process)."""

    def __init__(self, server, params):
        options = {**REDIS_SOCKET_TIMEOUTS, **params.get("OPTIONS", {})}
        fallback = options.pop("OUTAGE_FALLBACK", "none")
        super().__init__(server, {**params, "OPTIONS": options})
        self.location = server if isinstance(server, str) else ",".join(server)
        standin_params = {key: value for key, value in params.items() if key != "OPTIONS"}
        if fallback == "local-memory":
            self.standin = LocMemCache(f"redis-outage:{self.location}", standin_params)
        elif fallback == "none":
            self.standin = DummyCache(self.location, standin_params)
        else:
            raise ImproperlyConfigured(
                f"OUTAGE_FALLBACK must be 'none' or 'local-memory', not {fallback!r}"
            )

    def redis_resting(self):
        """Whether Redis failed less than REDIS_RETRY_SECONDS ago (then it is not tried)."""
        failed_at = _redis_outages.get(self.location)
        return failed_at is not None and time.monotonic() - failed_at < REDIS_RETRY_SECONDS

    def redis_failed(self, operation):
        with _redis_outages_lock:
            first = self.location not in _redis_outages
            _redis_outages[self.location] = time.monotonic()
        if first:
            logger.error(
                "Redis at %s not reachable (%s): caching degraded, retried every %s s",
                redact_url(self.location),
                operation,
                REDIS_RETRY_SECONDS,
                exc_info=True,
            )

    def redis_answered(self):
        if self.location in _redis_outages:
            with _redis_outages_lock:
                recovered = _redis_outages.pop(self.location, None) is not None
            if recovered:
                logger.warning("Redis at %s reachable again", redact_url(self.location))
                redis_recovered(self.location)


def redis_recovered(location):
    """Pages stored before an outage may predate a publish during it (whose new generation
    could not be written): the first process that reaches Redis again starts a new one."""
    if settings.CACHES[GENERATION_ALIAS].get("LOCATION") == location:
        _write_generation()


def redact_url(url):
    """``url`` without a password (redis://:secret@host → redis://:***@host)."""
    return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", url)


def _guarded(operation):
    def call(self, *args, **kwargs):
        if self.redis_resting():
            return getattr(self.standin, operation)(*args, **kwargs)
        try:
            result = getattr(redis_backend.RedisCache, operation)(self, *args, **kwargs)
        except REDIS_OUTAGE_ERRORS:
            self.redis_failed(operation)
            return getattr(self.standin, operation)(*args, **kwargs)
        self.redis_answered()
        return result

    call.__name__ = operation
    call.__doc__ = getattr(redis_backend.RedisCache, operation).__doc__
    return call


for _operation in CACHE_OPERATIONS:
    setattr(RedisCache, _operation, _guarded(_operation))


# --- named cache entries under the same invalidation -----------------------------------------

MISSING = object()


def request_generation(request):
    """The content generation for ``request``, read once per request (the middleware's read
    is reused); None when it cannot be read."""
    if request is None:
        return generation() or None
    current = getattr(request, "page_cache_generation", None)
    if current is None:
        current = request.page_cache_generation = generation()
    return current or None


def entry_key(current, name):
    return f"content:{current}:{name}"


def entry(request, name, compute):
    """``compute()``, kept as the cache entry ``name`` in the page store (Redis in
    production) while the content generation stays the same, at most ``PAGE_CACHE_SECONDS``.

    For what many pages share and only published content decides (the menu, the taxonomy
    terms …): every change that makes the cached pages stale starts a new generation and so
    a new key. Off with the page cache (``PAGE_CACHE_SECONDS`` = 0): computed every time.
    ``name`` says what is computed and everything it depends on, e.g. ``menu:<host>``; the
    value must pickle."""
    current = request_generation(request) if timeout() > 0 else None
    if current is None:
        return compute()
    key = entry_key(current, name)
    store = caches[PAGE_ALIAS]
    value = store.get(key, MISSING)
    if value is MISSING:
        value = compute()
        store.set(key, value, timeout())
    return value


def entries(request, name, keys, compute):
    """``{key: value}`` for each of ``keys``, each kept like ``entry`` as ``name:<key>``;
    ``compute(missing)`` returns ``{key: value}`` for the keys not stored yet, all in one go
    (e.g. one query for the entries of a list instead of one per entry). One round trip to
    read them all, one to store the missing ones."""
    current = request_generation(request) if timeout() > 0 else None
    if current is None:
        return compute(list(keys))
    store = caches[PAGE_ALIAS]
    key_of = {key: entry_key(current, f"{name}:{key}") for key in keys}
    stored = store.get_many(list(key_of.values()))
    found = {key: stored[cache_key] for key, cache_key in key_of.items() if cache_key in stored}
    missing = [key for key in keys if key not in found]
    if missing:
        computed = compute(missing)
        store.set_many({key_of[key]: value for key, value in computed.items()}, timeout())
        found.update(computed)
    return found


# --- structures built in this process from content ------------------------------------------

# The one per-process store: structures derived from the whole register or all profiles
# that a request uses in place (numpy arrays of the partner search, projected map paths).
# Moving them through a cache store would cost a (de)serialisation of megabytes per request;
# building them costs a fraction of a second. Kept per name while the generation stays the
# same, at most IN_PROCESS_SECONDS (changes no signal reports, e.g. a bulk import), and
# independent of PAGE_CACHE_SECONDS (the partner search would rebuild its index per request).
IN_PROCESS_SECONDS = DEFAULT_SECONDS
_in_process = {}  # name -> (generation, built at, value)
_in_process_lock = threading.Lock()


def in_process(name, build, request=None):
    """``build()``, kept in this process under ``name`` while the content generation stays
    the same (at most ``IN_PROCESS_SECONDS``). ``name`` is a tuple: what is built, then what
    else it depends on (e.g. the date); only the newest of a kind is kept. Builds run one
    at a time per process."""
    current = request_generation(request) or ""
    now = time.monotonic()
    found = _in_process.get(name)
    if found is not None and found[0] == current and now - found[1] < IN_PROCESS_SECONDS:
        return found[2]
    with _in_process_lock:
        found = _in_process.get(name)
        if found is None or found[0] != current or now - found[1] >= IN_PROCESS_SECONDS:
            found = (current, time.monotonic(), build())
            for old in [key for key in _in_process if key[:1] == name[:1] and key != name]:
                del _in_process[old]  # e.g. yesterday's snapshot
            _in_process[name] = found
        return found[2]


def forget_in_process():
    """Drop every structure built in this process (tests: each starts from the database)."""
    with _in_process_lock:
        _in_process.clear()


# --- the policy ----------------------------------------------------------------------------


def cache_key(request):
    url = request.build_absolute_uri()  # scheme, host, path and the raw query string
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{digest}"


def request_is_cacheable(request):
    if timeout() <= 0 or request.method != "GET":
        return False
    if request.path.startswith(excluded_prefixes()):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNCACHEABLE_DIRECTIVES or has_vary_header(response, "*"):
        return False
    return CSRF_MARKER not in response.content


class PageCacheMiddleware:
    """Serve and store whole responses under the policy above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request_is_cacheable(request):
            return self.get_response(request)
        key = cache_key(request)
        try:
            current, entry = lookup(key)
        except Exception:
            logger.warning("Page cache not readable", exc_info=True)
            return self.get_response(request)
        if not current:
            return self.get_response(request)
        if entry is not None and entry[0] == current:
            response = entry[1]
            response["X-Cache"] = "HIT"
            return response
        request.page_cache_generation = current  # for the named entries (request_generation)
        response = self.get_response(request)
        if response_is_cacheable(request, response):
            if edge_configured():
                response["Surrogate-Control"] = f"max-age={timeout()}"
            try:
                caches[PAGE_ALIAS].set(key, (current, response), timeout())
            except Exception:
                logger.warning("Page cache not writable", exc_info=True)
            response["X-Cache"] = "MISS"
        return response


# --- invalidation --------------------------------------------------------------------------


def project_app_labels():
    """The labels of the project's own apps (``settings.PROJECT_APPS``)."""
    from django.apps import apps

    return {
        config.label
        for config in apps.get_app_configs()
        if config.name in set(getattr(settings, "PROJECT_APPS", ()))
    }


def wagtail_content_types():
    """Wagtail's and taggit's models whose rows public pages show or that decide who sees
    what: every page type, images, documents, tags, sites, collections, view restrictions."""
    from taggit.models import Tag
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import (
        Collection,
        CollectionViewRestriction,
        Page,
        PageViewRestriction,
        Site,
    )

    return (
        Page,
        PageViewRestriction,
        CollectionViewRestriction,
        Collection,
        Site,
        Tag,
        get_image_model(),
        get_document_model(),
    )


def is_watched(model):
    """Whether saving or deleting a row of ``model`` starts a new generation: any model of
    the project's apps (pages, snippets, settings, the register, Börse entries …) and
    Wagtail's content models, unless the model says ``shown_on_public_pages = False``
    (rows that no public page shows, written by public forms or by mailing: feedback,
    alerts). Derived, not listed: a new model is watched until it opts out. Migrations'
    historical models are not (their rows are the installation's start)."""
    from django.apps import apps

    if model._meta.apps is not apps or getattr(model, "shown_on_public_pages", True) is False:
        return False
    return model._meta.app_label in project_app_labels() or issubclass(
        model, wagtail_content_types()
    )


def _model_saved(sender, instance, created=False, **kwargs):
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.models import Page

    if not is_watched(sender):
        return
    if created and isinstance(instance, (BaseSiteSetting, BaseGenericSetting)):
        return  # settings rows are created with their defaults on first use (a GET)
    if isinstance(instance, Page) and not instance.live:
        return  # a draft changes no public page (unpublishing sends its own signal)
    bump()


def _model_deleted(sender, instance, **kwargs):
    if is_watched(sender):
        bump()


def _content_changed(sender, **kwargs):
    bump()


def connect_signals():
    """Connect the invalidation (idempotent). Called from KooperationsatlasConfig.ready(), so
    management commands (publish_scheduled_pages …) invalidate as the web processes do.

    Pages: Wagtail's ``page_published``, ``page_unpublished`` and ``post_page_move``, and a
    live page saved or any page deleted; every other watched model (``is_watched``): Django's
    ``post_save`` and ``post_delete``."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    post_save.connect(_model_saved, dispatch_uid="page_cache_saved")
    post_delete.connect(_model_deleted, dispatch_uid="page_cache_deleted")
    page_published.connect(_content_changed, dispatch_uid="page_cache_published")
    page_unpublished.connect(_content_changed, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_content_changed, dispatch_uid="page_cache_moved")
