"""Settings shared by every environment. Values that differ come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # site/
BASE_DIR = PACKAGE_DIR.parent  # the checkout
VAR_DIR = Path(os.environ.get("KOOPERATIONSATLAS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's own apps: a save or delete of any of their models makes cached pages stale
# unless the model opts out (kooperationsatlas.caching.is_watched).
PROJECT_APPS = [
    "kooperationsatlas",
    "register",
    "cooperations",
    "search",
    "accounts",
    "boerse",
    "matchmaking",
    "alerts",
    "funding",
    "events",
    "opendata",
    "guides",
    "inventory",
    "reports",
    "legal",
    "surveys",
]

INSTALLED_APPS = [
    *PROJECT_APPS,
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "ninja",  # its templates and static files: the API docs load nothing from a CDN
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: a hit is answered before any other middleware runs; what it stores is the
    # finished response, with the headers the middlewares below have set.
    "kooperationsatlas.caching.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kooperationsatlas.security.SecurityHeadersMiddleware",
    "kooperationsatlas.api.ApiMiddleware",  # CORS and the error envelope under /api/
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kooperationsatlas.security.LoginThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "kooperationsatlas.urls"
WSGI_APPLICATION = "kooperationsatlas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL (e.g. postgresql://user@host:5432/db) overrides it.
# Connections are kept for 60 s, on SQLite too: opening one (with Django's SQL functions
# and the pragmas below) costs more than a page-cache hit itself (docs/load.md).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the dev server read while an import writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE): a
            # transaction that read first and then writes could otherwise fail at once
            # with "database is locked" when another process wrote meanwhile, instead of
            # waiting. Waits up to SQLITE_TIMEOUT seconds for the lock; beyond that the
            # request answers 503 (kooperationsatlas.errors).
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("SQLITE_TIMEOUT", "20")),
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches (policy and invalidation: kooperationsatlas.caching, docs/load.md): per-process
# local memory, or Redis when CACHE_URL (or REDIS_URL) is set. "default" holds counters
# (login throttling) and Wagtail's own entries, "pages" the page cache (its own store, so
# culling pages never drops a counter), "shared" what every process must see: the page
# cache's content generation, in the database (table from manage.py createcachetable) or
# in that Redis. If Redis cannot be reached the site degrades instead of failing: page cache
# off, counters per process in local memory, logged once (caching.RedisCache).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    _redis = {
        "BACKEND": "kooperationsatlas.caching.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "kooperationsatlas"),
    }
    _pages = {**_redis, "KEY_PREFIX": f"{_redis['KEY_PREFIX']}-pages"}
    CACHES = {
        "default": {**_redis, "OPTIONS": {"OUTAGE_FALLBACK": "local-memory"}},
        "pages": _pages,
        # the same store and prefix as the pages: one MGET reads generation and page
        "shared": {**_pages, "TIMEOUT": None},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},  # about 50 MB per process
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "atlas_cache",
            "TIMEOUT": None,
            # room for the throttle counters of many clients (culling drops counters)
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
# Where throttle and rate-limit counters live (kooperationsatlas.throttle): a store all
# worker processes share, so a limit is one limit for the site, not one per process.
THROTTLE_CACHE_ALIAS = "default" if CACHE_URL else "shared"
# Seconds a page stays in the page cache (also bounds what no signal reports); 0: off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# The HTTP cache in front (Varnish, docker/varnish/default.vcl), e.g. http://varnish:6081:
# cacheable responses tell it their lifetime, every change of public content purges it
# through wagtail.contrib.frontend_cache (kooperationsatlas.caching, docs/operations.md).
FRONTEND_CACHE_URL = os.environ.get("FRONTEND_CACHE_URL", "")
if FRONTEND_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "edge": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }

# Security (docs/security.md). Headers on every response; production adds HSTS and
# HTTPS-only cookies. CSP and Permissions-Policy: kooperationsatlas.security.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kooperationsatlas.errors.csrf_failure"  # German, styled; JSON under /api/
# Login throttling (kooperationsatlas.throttle): failed logins per window, counted by the
# backend; the middleware answers these login URLs with 429 while throttled.
AUTHENTICATION_BACKENDS = ["kooperationsatlas.throttle.LoginThrottleBackend"]
LOGIN_THROTTLE = {"user_ip": (5, 15 * 60), "ip": (30, 15 * 60)}
LOGIN_THROTTLE_PATHS = ["/konto/anmelden/", "/admin/login/", "/django-admin/login/"]
# Reverse proxies in front of the site that append to X-Forwarded-For (0: none).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

LOGIN_URL = "/konto/anmelden/"
LOGIN_REDIRECT_URL = "/konto/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de-de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Request bodies without files: 5 MB (forms, admin page edits); file uploads above 2.5 MB
# are streamed to a temporary file. Upload size limits per type are below (Wagtail).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o644

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail server may take per connection step; a background task sends, and a failed
# mail stays queued and is retried (kooperationsatlas.mail).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kooperationsatlas@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (django-tasks): mails and Elasticsearch updates are enqueued after the
# commit. "immediate" runs a task at once in the process that enqueues it (make run, tests:
# no extra process); "database" stores it for the worker, `manage.py db_worker`
# (production's docker-compose service "worker"). docs/operations.md, "Hintergrundaufgaben".
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def task_settings(default):
    name = os.environ.get("TASKS_BACKEND", default)
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND={name!r} ist unbekannt; erlaubt: {', '.join(TASK_BACKENDS)}."
        )
    return {"default": {"BACKEND": TASK_BACKENDS[name]}}


TASKS = task_settings("immediate")
# How often a mail is tried before it is given up (kept for `manage.py retry_mail`).
MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))

# Search engine: the embedded engine on the site's own database unless
# ELASTICSEARCH_URL points to an Elasticsearch server.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Seconds a search may take before the embedded engine answers instead (no retries).
ELASTICSEARCH_TIMEOUT = float(os.environ.get("ELASTICSEARCH_TIMEOUT", "2"))
# Seconds a live index update (publishing, unpublishing) may take; no retries. What fails is
# recorded and repaired later (search.indexing, manage.py repair_search_index).
ELASTICSEARCH_UPDATE_TIMEOUT = float(os.environ.get("ELASTICSEARCH_UPDATE_TIMEOUT", "3"))
# After a failed search, Elasticsearch is skipped for this many seconds (circuit breaker).
ELASTICSEARCH_BREAKER_SECONDS = float(os.environ.get("ELASTICSEARCH_BREAKER_SECONDS", "30"))
# Index names start with this, so several sites (or test runs) can share one cluster.
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "kooperationsatlas")

WAGTAIL_SITE_NAME = "Kooperationsatlas"
# The one public base URL (scheme and host, e.g. https://atlas.example) of every absolute link
# (sitemap, feeds, iCalendar, API, mails; site/links.py). Empty: the request's host, and
# WAGTAILADMIN_BASE_URL where there is no request.
SITE_BASE_URL = os.environ.get("SITE_BASE_URL", "").rstrip("/")
WAGTAILADMIN_BASE_URL = (
    os.environ.get("WAGTAILADMIN_BASE_URL") or SITE_BASE_URL or "http://127.0.0.1:8000"
)
# Slugs in ASCII; German letters are transliterated (ä -> ae, ß -> ss) by site/slugs.py.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_I18N_ENABLED = False
# No calls to third-party hosts: no update check, no Gravatar avatars in the admin.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_USAGE_COUNT_ENABLED = True
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Decompression-bomb limit (pixels x frames) checked on upload; PIL.Image.MAX_IMAGE_PIXELS
# is set from it in kooperationsatlas.security.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
WAGTAILADMIN_COMMENTS_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


def require_secret_key():
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment.")
