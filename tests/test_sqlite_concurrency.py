"""Faults: concurrent writes on SQLite lost task areas; a locked database gave a bare 500
(issue 17).

Real processes on one SQLite file (tests/sqlite_worker.py) with the settings of
settings/base.py: IMMEDIATE transactions, a busy timeout, multi-step writes in one
transaction."""

import json
import sqlite3

import pytest

from tests.sqlite_worker_client import finish, worker

WRITERS, EACH = 4, 40


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "atlas.sqlite3"
    finish(worker(path, "setup"))
    return path


def test_the_settings_use_immediate_transactions_and_a_busy_timeout():
    from kooperationsatlas.settings import base

    if base.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("DATABASE_URL is not SQLite")
    options = base.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5


def test_concurrent_writers_never_store_a_saved_search_without_its_task_areas(database):
    writers = [worker(database, "saved-searches", EACH) for _ in range(WRITERS)]
    results = [json.loads(finish(process)) for process in writers]
    assert sum(result["failed"] for result in results) == 0
    assert sum(result["saved"] for result in results) == WRITERS * EACH
    with sqlite3.connect(database) as db:
        (searches,) = db.execute("SELECT COUNT(*) FROM alerts_savedsearch").fetchone()
        incomplete = db.execute(
            "SELECT s.id FROM alerts_savedsearch s LEFT JOIN alerts_savedsearch_task_areas a "
            "ON a.savedsearch_id = s.id GROUP BY s.id HAVING COUNT(a.id) != 2"
        ).fetchall()
    assert searches == WRITERS * EACH
    assert incomplete == []


def test_a_locked_database_answers_a_german_503_that_keeps_the_input(database):
    holder = worker(database, "lock", 30)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # a short busy timeout, so the request gives up while the lock is held
        answer = json.loads(finish(worker(database, "login-post", env={"SQLITE_TIMEOUT": "0.5"})))
    finally:
        holder.kill()
        holder.communicate()
    assert answer["status"] == 503
    assert answer["retry_after"] == "10"
    page = answer["content"]
    assert "Vorübergehend nicht verfügbar" in page
    assert "Es wurde nichts gespeichert" in page
    # what was typed is there to send again, the password is not
    assert '<textarea id="eingabe-1" name="username"' in page and ">schreiber</textarea>" in page
    assert ">/konto/</textarea>" in page
    assert "falsch" not in page
    assert "Erneut senden" in page and "csrfmiddlewaretoken" in page
    assert 'href="/static/css/site.css"' in page  # styled like the site
