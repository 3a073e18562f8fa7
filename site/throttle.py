"""The one rate-limit helper of the project: fixed-window counters in Django's cache.

* ``rate_limit(scope, limit, period)`` decorates a view: at most ``limit`` requests (POST by
  default) per ``period`` seconds per signed-in user, or per client IP for anonymous
  visitors. Beyond that the view answers 429 with a German page and ``Retry-After``.
* ``LoginThrottleBackend`` (in ``AUTHENTICATION_BACKENDS``) counts failed logins per
  (username, IP) and per IP and refuses further attempts for the rest of the window. It runs
  for every login form that calls ``authenticate()``: /konto/anmelden/, the Wagtail admin
  login and the Django admin login. ``force_login`` in tests does not authenticate, so it is
  never throttled.

Counters use ``cache.add`` + ``cache.incr``, which are atomic in Redis/Memcached and in the
local-memory cache. With the per-process local-memory cache each worker process counts on
its own; a shared cache (Redis, Memcached or the database cache) makes the limits global.
"""

import functools
import hashlib
import math
import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

# Failed logins allowed per window: per (username, IP) and, higher, per IP alone, so that
# nobody can lock another person out by guessing with their username from elsewhere.
DEFAULT_LOGIN_LIMITS = {"user_ip": (5, 15 * 60), "ip": (30, 15 * 60)}


def _cache():
    alias = getattr(settings, "THROTTLE_CACHE_ALIAS", "default")
    return caches[alias]


def client_ip(request):
    """The client address: REMOTE_ADDR, or the X-Forwarded-For entry our own proxies added.

    ``TRUSTED_PROXY_COUNT`` says how many reverse proxies in front of the site append to
    X-Forwarded-For (0: none, the site is reached directly). Entries further left are
    written by the client and can be forged, so they are never used.
    """
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def _key(scope, ident, window):
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{window}"


def _window(period, now=None):
    now = time.time() if now is None else now
    window = int(now // period)
    retry_after = max(1, math.ceil((window + 1) * period - now))
    return window, retry_after


def hit(scope, ident, limit, period):
    """Count one event; returns (allowed, retry_after_seconds)."""
    window, retry_after = _window(period)
    key = _key(scope, ident, window)
    cache = _cache()
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        count = 1
    return count <= limit, retry_after


def count(scope, ident, period):
    window, retry_after = _window(period)
    return _cache().get(_key(scope, ident, window), 0), retry_after


def reset(scope, ident, period):
    window, _ = _window(period)
    _cache().delete(_key(scope, ident, window))


def retry_text(seconds):
    minutes = math.ceil(seconds / 60)
    if minutes <= 1:
        return "in einer Minute"
    if minutes < 120:
        return f"in {minutes} Minuten"
    return f"in {math.ceil(minutes / 60)} Stunden"


def too_many_requests(request, retry_after, reason=None):
    response = render(
        request,
        "kooperationsatlas/too_many_requests.html",
        {
            "reason": reason or "Sie haben dieses Formular in kurzer Zeit zu oft abgeschickt.",
            "retry_text": retry_text(retry_after),
        },
        status=429,
    )
    response["Retry-After"] = str(int(retry_after))
    return response


def requester(request):
    """Who is counted: the signed-in user, otherwise the client IP."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # date_joined: an id re-used after a deletion never inherits the old counter.
        joined = int(user.date_joined.timestamp()) if user.date_joined else 0
        return f"user:{user.pk}:{joined}"
    return f"ip:{client_ip(request)}"


def rate_limit(scope, limit, period, methods=("POST",)):
    """At most ``limit`` requests with one of ``methods`` per ``period`` seconds per requester.

    Put it under ``@login_required`` so anonymous visitors are sent to the login first.
    ``settings.RATE_LIMITS`` may override the numbers per scope: {"scope": (limit, period)}.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                lim, per = getattr(settings, "RATE_LIMITS", {}).get(scope, (limit, period))
                allowed, retry_after = hit(f"rl:{scope}", requester(request), lim, per)
                if not allowed:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        wrapped.rate_limit = (scope, limit, period)
        return wrapped

    return decorator


# --- login throttling ---------------------------------------------------------------------


def login_limits():
    return {**DEFAULT_LOGIN_LIMITS, **getattr(settings, "LOGIN_THROTTLE", {})}


def _login_idents(request, username):
    ip = client_ip(request)
    return {"user_ip": f"{str(username).casefold()}|{ip}", "ip": ip}


def login_blocked(request, username):
    """Seconds until the next login attempt is accepted, or 0 if one is accepted now."""
    limits = login_limits()
    wait = 0
    for name, ident in _login_idents(request, username).items():
        limit, period = limits[name]
        seen, retry_after = count(f"login:{name}", ident, period)
        if seen >= limit:
            wait = max(wait, retry_after)
    return wait


def record_login_failure(request, username):
    limits = login_limits()
    for name, ident in _login_idents(request, username).items():
        limit, period = limits[name]
        hit(f"login:{name}", ident, limit, period)


def record_login_success(request, username):
    limit, period = login_limits()["user_ip"]
    reset("login:user_ip", _login_idents(request, username)["user_ip"], period)


LOGIN_BLOCKED_MESSAGE = (
    "Zu viele fehlgeschlagene Anmeldeversuche. Aus Sicherheitsgründen ist die Anmeldung "
    "vorübergehend gesperrt."
)


class LoginThrottleBackend(ModelBackend):
    """ModelBackend that refuses while a (username, IP) or IP is throttled and counts failures.

    Raising PermissionDenied stops ``authenticate()`` at once (no other backend is asked) and
    makes the form show its usual error; LoginThrottleMiddleware answers the known login
    URLs with a clear 429 page before the form is even checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        if request is None or username is None:
            return super().authenticate(request, username=username, password=password, **kwargs)
        if login_blocked(request, username):
            raise PermissionDenied("login throttled")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            record_login_failure(request, username)
        else:
            record_login_success(request, username)
        return user

    @staticmethod
    def _username_field():
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
