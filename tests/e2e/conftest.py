"""Browser tests: a real site served on 127.0.0.1, driven by Playwright in Debian's Chromium.

The site is built once per session in a temporary folder, independent of the pytest test
database (an in-memory SQLite in transactions, which a browser cannot reach): its own SQLite
file, the real register, the demo profiles, the funding programmes, the events page, the
search index and one user per role (see sitebuilder.py). It is then served by
`manage.py runserver --noreload --insecure` with DEBUG off, so error pages are the real
ones and `--insecure` serves the static files.

Chromium is Debian's (/usr/bin/chromium, or $E2E_CHROMIUM); Playwright never downloads a
browser. Failed tests leave a full-page screenshot and the page's HTML in
$E2E_ARTIFACTS_DIR (default: var/test-artifacts/e2e/ in the checkout).
"""

import email
import email.policy
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .sitebuilder import PASSWORD

CHECKOUT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_PATH = CHECKOUT / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 20_000


def artifacts_dir():
    return Path(os.environ.get("E2E_ARTIFACTS_DIR") or CHECKOUT / "var" / "test-artifacts" / "e2e")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed e2e test keep a full-page screenshot and the HTML of every open page."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    pages = [p for context in browser.contexts for p in context.pages] if browser else []
    if not pages:
        return
    folder = artifacts_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])[:150]
    saved = []
    for number, open_page in enumerate(pages):
        suffix = "" if number == 0 else f"-{number}"
        try:
            png = folder / f"{stem}{suffix}.png"
            open_page.screenshot(path=str(png), full_page=True)
            html = folder / f"{stem}{suffix}.html"
            html.write_text(open_page.content(), encoding="utf-8")
            saved += [str(png), f"{html} (URL {open_page.url})"]
        except Exception as error:  # the page may be gone; report that instead
            saved.append(f"page {number}: nicht gesichert ({error})")
    report.sections.append(("e2e artefacts", "\n".join(saved)))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(var_dir):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kooperationsatlas.settings.dev",
            "KOOPERATIONSATLAS_VAR_DIR": str(var_dir),
            # CI sets DATABASE_URL to PostgreSQL: the served site keeps its own SQLite file.
            "DATABASE_URL": f"sqlite:///{var_dir}/db.sqlite3",
            "DEBUG": "0",
            "SECRET_KEY": "e2e-only-key-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "ELASTICSEARCH_URL": "",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def wait_for(url, process, log_path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.3)
    log = Path(log_path).read_text(encoding="utf-8", errors="replace")[-4000:]
    raise RuntimeError(f"Die Test-Site unter {url} antwortet nicht. Server-Log:\n{log}")


@pytest.fixture(scope="package")
def live_site_dir(tmp_path_factory):
    """The folder of the served site (SQLite file, media, ``server.log``)."""
    reuse = os.environ.get("E2E_SITE_DIR")
    var_dir = Path(reuse) if reuse else tmp_path_factory.mktemp("e2e-site")
    var_dir.mkdir(parents=True, exist_ok=True)
    return var_dir


@pytest.fixture(scope="package")
def live_site(live_site_dir):
    """Base URL of the served throw-away site, e.g. "http://127.0.0.1:43121".

    E2E_SITE_DIR=<folder> keeps the built site in that folder and reuses it on the next run
    (for working on the tests; a fresh folder is built from scratch).
    """
    reuse = os.environ.get("E2E_SITE_DIR")
    var_dir = live_site_dir
    env = site_env(var_dir)
    if not (reuse and (var_dir / "built").exists()):
        if reuse:
            shutil.rmtree(var_dir)
            var_dir.mkdir(parents=True)
        build = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("sitebuilder.py"))],
            cwd=CHECKOUT,
            env={**env, "PYTHONPATH": str(CHECKOUT)},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if build.returncode != 0:
            raise RuntimeError(f"Aufbau der Test-Site fehlgeschlagen:\n{build.stderr[-6000:]}")
        (var_dir / "built").touch()
    port = free_port()
    log_path = var_dir / "server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",
                f"127.0.0.1:{port}",
            ],
            cwd=CHECKOUT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for(base_url + "/", server, log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def missing(reason):
    """In CI a missing browser dependency fails the run; elsewhere the test is skipped."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def playwright_instance():
    try:
        from playwright import sync_api
    except ImportError:
        missing("Playwright fehlt: pip install -e '.[dev]' (PyPI-Paket playwright)")
    if not Path(CHROMIUM).exists():
        missing(f"{CHROMIUM} fehlt: scripts/install-browser-deps installiert Chromium.")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request):
    """Parametrise a journey over a context with and one without JavaScript."""
    return request.param


DESKTOP_WIDTH = 1280


def new_context(browser, live_site, *, javascript=True, bypass_csp=False, width=DESKTOP_WIDTH):
    context = browser.new_context(
        base_url=live_site,
        java_script_enabled=javascript,
        bypass_csp=bypass_csp,
        locale="de-DE",
        viewport={"width": width, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def open_page(browser, live_site):
    """open_page(javascript=True, bypass_csp=False, width=1280): a page in a fresh browser
    context (own cookies: one per user) with a viewport `width` pixels wide. The contexts
    stay open until the test's report is made, so a failure's screenshots show every page."""
    contexts = []

    def make(javascript=True, bypass_csp=False, width=DESKTOP_WIDTH):
        context = new_context(
            browser, live_site, javascript=javascript, bypass_csp=bypass_csp, width=width
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(request, open_page):
    """A page in a fresh context; with JavaScript unless the test uses the `javascript`
    fixture (then once with and once without)."""
    uses_param = "javascript" in request.fixturenames
    return open_page(javascript=request.getfixturevalue("javascript") if uses_param else True)


@pytest.fixture
def login():
    """login(page, username): sign in through the public login form /konto/anmelden/."""

    def sign_in(page, username, next_url=None):
        url = "/konto/anmelden/" + (f"?next={next_url}" if next_url else "")
        page.goto(url)
        page.get_by_label("Benutzername").fill(username)
        page.get_by_label("Passwort").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Anmelden").click()
        page.wait_for_load_state()

    return sign_in


MAIL_SEPARATOR = "\n" + "-" * 79 + "\n"


@pytest.fixture
def sent_mails(live_site, live_site_dir):
    """sent_mails(to=None): the mails the served site wrote so far (console backend, in its
    server.log), oldest first, as email.message.EmailMessage; only those to ``to``."""

    def read(to=None):
        log = (live_site_dir / "server.log").read_text(encoding="utf-8", errors="replace")
        found = []
        for chunk in log.split(MAIL_SEPARATOR):
            start = chunk.find("Content-Type: ")
            if start < 0 or "\nSubject: " not in chunk:
                continue
            message = email.message_from_string(chunk[start:], policy=email.policy.default)
            if to is None or to in str(message.get("To", "")):
                found.append(message)
        return found

    return read
