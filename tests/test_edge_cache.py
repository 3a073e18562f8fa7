"""The HTTP cache in front (docs/operations.md): what the application tells it, that every
change of public content purges it after the commit (wagtail.contrib.frontend_cache), and
the repository's Varnish configuration (docker/varnish/default.vcl) run by a real varnishd
against a small recording backend."""

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.cache import caches
from wagtail.contrib.frontend_cache.utils import purge_url_from_cache
from wagtail.models import Site

from benchmarks.edge import Varnish, vcl_for_backend
from cooperations.models import TaskArea
from kooperationsatlas import caching

ROOT = Path(__file__).resolve().parent.parent


class Recorder(BaseHTTPRequestHandler):
    """A backend that records every request; /seite* answers as a cacheable page of the
    application does, /privat without the edge header, /cookie with a cookie."""

    def log_message(self, *args):
        pass

    def answer(self, body=b""):
        server = self.server
        with server.lock:
            server.requests.append((self.command, self.path, dict(self.headers)))
            count = len(server.requests)
        body = body or f"Antwort {count} auf {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.path.startswith("/seite"):
            self.send_header("Surrogate-Control", "max-age=300")
            self.send_header("Vary", "Cookie")
        if self.path.startswith("/cookie"):
            self.send_header("Surrogate-Control", "max-age=300")
            self.send_header("Set-Cookie", "sessionid=abc; Path=/")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PURGE = answer


@pytest.fixture
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests, server.lock = [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def requests_to(recorder, method=None):
    return [r for r in recorder.requests if method is None or r[0] == method]


@pytest.fixture
def edge_settings(settings, recorder):
    settings.PAGE_CACHE_SECONDS = 300
    settings.WAGTAILFRONTENDCACHE = {
        "edge": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{recorder.server_port}",
        }
    }
    caches[caching.PAGE_ALIAS].clear()
    yield settings
    caches[caching.PAGE_ALIAS].clear()


# --- the application's side ----------------------------------------------------------------


@pytest.mark.django_db
def test_cacheable_pages_tell_the_edge_their_lifetime(client, make_profile, edge_settings):
    page = make_profile("Standesamt am Rand")
    miss = client.get(page.url)
    hit = client.get(page.url)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    assert miss["Surrogate-Control"] == hit["Surrogate-Control"] == "max-age=300"
    # What the page cache does not store, the edge is not told to store either.
    assert "Surrogate-Control" not in client.get("/konto/anmelden/")
    assert "Surrogate-Control" not in client.get("/gibt-es-nicht/")


@pytest.mark.django_db
def test_without_an_edge_no_surrogate_header(client, make_profile, settings):
    settings.PAGE_CACHE_SECONDS = 300
    page = make_profile("Standesamt ohne Rand")
    assert "Surrogate-Control" not in client.get(page.url)


@pytest.mark.django_db
def test_publishing_purges_the_edge_once_after_the_commit(
    make_profile, edge_settings, recorder, django_capture_on_commit_callbacks
):
    page = make_profile("Standesamt Purge")
    recorder.requests.clear()
    page.title = "Standesamt Purge neu"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save_revision().publish()
    assert callbacks, "the purge waits for the commit"
    assert requests_to(recorder, "PURGE") == []
    for callback in callbacks:
        callback()
    purges = requests_to(recorder, "PURGE")
    site = Site.objects.get(is_default_site=True)
    # Several rows changed in the transaction, one purge per site.
    assert [(path, headers["Host"]) for _m, path, headers in purges] == [
        ("/", site.root_url.split("://", 1)[1])
    ]


@pytest.mark.django_db
def test_a_snippet_change_purges_the_edge(
    edge_settings, recorder, site_tree, django_capture_on_commit_callbacks
):
    area = TaskArea.objects.first()
    area.name = area.name + " (geändert)"
    with django_capture_on_commit_callbacks(execute=True):
        area.save()
    assert len(requests_to(recorder, "PURGE")) == 1


def test_the_edge_is_configured_from_the_environment():
    code = (
        "import django; django.setup();"
        "from wagtail.contrib.frontend_cache.utils import get_backends;"
        "b = get_backends()['edge']; print(type(b).__name__, b.cache_netloc)"
    )
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="kooperationsatlas.settings.test",
        FRONTEND_CACHE_URL="http://varnish:6081",
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.split() == ["HTTPBackend", "varnish:6081"], out.stderr


# --- Varnish with the repository's configuration ----------------------------------------


def test_the_vcl_backend_is_replaced_only_there():
    text = vcl_for_backend("127.0.0.1", 8123)
    assert '.host = "127.0.0.1";' in text and '.port = "8123";' in text
    assert '("app");' in text  # the purge ACL still names compose's app


needs_varnish = pytest.mark.skipif(
    shutil.which("varnishd") is None and not Path("/usr/sbin/varnishd").exists(),
    reason="varnishd fehlt (apt-get install -y varnish)",
)


@pytest.fixture
def varnish(recorder):
    work_dir = tempfile.mkdtemp(prefix="atlas-varnish-")
    edge = Varnish(work_dir, recorder.server_port, memory="16m")
    try:
        edge.wait_ready()
        yield edge
    finally:
        edge.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


def backend_gets(recorder, path):
    return [r for r in recorder.requests if r[0] == "GET" and r[1] == path]


@needs_varnish
def test_varnish_serves_marked_pages_without_the_backend(varnish, recorder):
    status, first, body = varnish.get("/seite?q=1")
    assert (status, first["X-Edge-Cache"]) == (200, "MISS")
    status, second, again = varnish.get("/seite?q=1")
    assert (second["X-Edge-Cache"], second["X-Cache"]) == ("HIT", "HIT")
    assert again == body
    assert len(backend_gets(recorder, "/seite?q=1")) == 1
    assert second["Vary"] == "Cookie" and "Surrogate-Control" not in second
    # another query string, host or scheme is another entry
    varnish.get("/seite?q=2")
    varnish.get("/seite?q=1", {"Host": "localhost"})
    varnish.get("/seite?q=1", {"X-Forwarded-Proto": "https"})
    assert len(backend_gets(recorder, "/seite?q=2")) == 1
    assert len(backend_gets(recorder, "/seite?q=1")) == 3


@needs_varnish
def test_varnish_passes_what_the_application_did_not_mark(varnish, recorder):
    for path in ("/privat", "/privat", "/cookie", "/cookie"):
        varnish.get(path)
    assert len(backend_gets(recorder, "/privat")) == 2
    assert len(backend_gets(recorder, "/cookie")) == 2


@needs_varnish
def test_varnish_never_serves_signed_in_visitors_from_the_cache(varnish, recorder):
    varnish.get("/seite")
    assert varnish.get("/seite", {"Cookie": "csrftoken=x"})[1]["X-Edge-Cache"] == "HIT"
    for cookie in ("sessionid=abc", "csrftoken=x; messages=y"):
        assert varnish.get("/seite", {"Cookie": cookie})[1]["X-Edge-Cache"] == "MISS"
    assert varnish.get("/seite", {"Authorization": "Basic eDp5"})[1]["X-Edge-Cache"] == "MISS"
    assert len(backend_gets(recorder, "/seite")) == 4


@needs_varnish
def test_a_purge_through_wagtail_drops_every_stored_page(varnish, recorder):
    for path in ("/seite-a", "/seite-b"):
        varnish.get(path)
        assert varnish.get(path)[1]["X-Edge-Cache"] == "HIT"
    backend = {"edge": {"BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                        "LOCATION": varnish.url}}
    purge_url_from_cache("http://127.0.0.1/", backend_settings=backend)
    assert requests_to(recorder, "PURGE") == []  # answered by Varnish itself
    for path in ("/seite-a", "/seite-b"):
        assert varnish.get(path)[1]["X-Edge-Cache"] == "MISS"
        assert len(backend_gets(recorder, path)) == 2


@needs_varnish
def test_varnish_refuses_other_methods_from_the_cache(varnish):
    request = urllib.request.Request(varnish.url + "/seite", data=b"x=1", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["X-Edge-Cache"] == "MISS"
    with pytest.raises(urllib.error.HTTPError):
        # An unknown method is not passed on as a purge.
        urllib.request.urlopen(urllib.request.Request(varnish.url + "/", method="BAN"), timeout=10)
