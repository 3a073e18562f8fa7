"""Fault: with CACHE_URL set and Redis down, the site degrades to no cache (issue 17).

Redis is "down" by pointing the cache at a local port nobody listens on (connection
refused), the configuration settings/base.py builds for CACHE_URL.
"""

import logging
import socket

import pytest
from django.core.cache import caches
from django.test import Client

from kooperationsatlas import caching
from tests.users import PASSWORD, make_user

pytestmark = pytest.mark.django_db

ERWITTE = "05974016"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def redis_caches(url, prefix="outage-test"):
    """CACHES as settings/base.py builds them when CACHE_URL is set."""
    redis = {"BACKEND": "kooperationsatlas.caching.RedisCache", "LOCATION": url}
    pages = {**redis, "KEY_PREFIX": f"{prefix}-pages"}
    return {
        "default": {**redis, "KEY_PREFIX": prefix, "OPTIONS": {"OUTAGE_FALLBACK": "local-memory"}},
        "pages": pages,
        "shared": {**pages, "TIMEOUT": None},
    }


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = redis_caches(url)
    settings.THROTTLE_CACHE_ALIAS = "default"
    settings.PAGE_CACHE_SECONDS = 300
    caching._redis_outages.clear()
    yield url
    caching._redis_outages.clear()


PUBLIC_PAGES = [
    "/",
    "/kooperationen/",
    f"/gemeinden/{ERWITTE}/",
    "/kreise/05974/",
    "/suche/?q=Standesamt",
    "/partnersuche/",
    "/daten/steckbriefe.json",
    "/api/v1/steckbriefe/",
    "/sitemap.xml",
    "/konto/anmelden/",
]


def test_public_pages_and_the_login_work_while_redis_is_down(redis_down, make_profile, caplog):
    page = make_profile("Standesamt Ausfalltest")
    user = make_user("ausfall")
    caching._redis_outages.clear()  # publishing above already met the outage
    client = Client()
    with caplog.at_level(logging.WARNING, logger="kooperationsatlas.caching"):
        for url in [*PUBLIC_PAGES, page.url]:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response, url  # degraded to no page cache
        assert "Ausfalltest" in client.get(page.url).content.decode()
        response = client.post("/konto/anmelden/", {"username": "ausfall", "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/konto/").wsgi_request.user == user
    outage_logs = [r for r in caplog.records if "not reachable" in r.getMessage()]
    # logged once per store (per Redis location), not once per request
    assert len(outage_logs) == 1
    assert outage_logs[0].levelno == logging.ERROR


def test_login_throttling_still_counts_while_redis_is_down(redis_down, settings):
    settings.LOGIN_THROTTLE = {"user_ip": (3, 900), "ip": (30, 900)}
    make_user("gesperrt")
    client = Client()
    for _ in range(3):
        response = client.post("/konto/anmelden/", {"username": "gesperrt", "password": "x"})
        assert response.status_code == 400  # the form's error
    blocked = client.post("/konto/anmelden/", {"username": "gesperrt", "password": PASSWORD})
    assert blocked.status_code == 429


def test_redis_is_retried_and_a_recovery_starts_a_new_generation(redis_down, settings):
    import redis as redis_client

    from tests.test_caching import REDIS_URL, redis_available

    if not redis_available():
        pytest.skip("no Redis at TEST_REDIS_URL")
    store = caches["shared"]
    assert store.get(caching.GENERATION_KEY) is None  # down: the stand-in answers
    assert caching.generation() == ""
    # Redis comes back at the same address: simulated by moving the store to a live server.
    settings.CACHES = redis_caches(REDIS_URL, prefix="outage-recovery")
    caching._redis_outages[REDIS_URL] = 0.0  # the outage was noticed long ago
    server = redis_client.Redis.from_url(REDIS_URL)
    server.set("outage-recovery-pages:1:" + caching.GENERATION_KEY, b"x")  # raw: not ours
    try:
        caches["shared"].get("anything")  # first answer after the outage
        assert REDIS_URL not in caching._redis_outages
        assert caches["shared"].get(caching.GENERATION_KEY) not in (None, "")
    finally:
        for key in server.scan_iter("outage-recovery*"):
            server.delete(key)


def test_the_password_of_the_redis_url_is_not_logged():
    assert (
        caching.redact_url("redis://:geheim@cache.example:6379/0")
        == "redis://:***@cache.example:6379/0"
    )
    assert caching.redact_url("redis://nutzer:geheim@h/0") == "redis://nutzer:***@h/0"
    assert caching.redact_url("redis://h:6379/0") == "redis://h:6379/0"
