"""Fault: throttle counters were per process, and password reset was not rate-limited
(issue 17). Two separate processes (two connections to the store) share one limit: with
Redis (CACHE_URL) and without it (the database cache)."""

import json
import os
import uuid

import pytest

from tests.sqlite_worker_client import finish, worker
from tests.test_caching import REDIS_URL, redis_available

RESET_LIMIT = 5  # accounts.views: password-reset, 5 per hour per client


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("throttle") / "atlas.sqlite3"
    finish(worker(path, "setup"))
    return path


def two_processes(database, env):
    first = json.loads(finish(worker(database, "reset-posts", 3, env=env)))["statuses"]
    second = json.loads(finish(worker(database, "reset-posts", 3, env=env)))["statuses"]
    return first, second


def test_without_redis_two_processes_share_the_reset_limit(database):
    env = {"CACHE_URL": "", "REDIS_URL": ""}
    first, second = two_processes(database, env)
    assert first == [302, 302, 302]
    assert second == [302, 302, 429]  # the sixth request of the client, in another process


@pytest.mark.skipif(not redis_available(), reason="no Redis at TEST_REDIS_URL")
def test_with_redis_two_processes_share_the_reset_limit(database):
    import redis

    prefix = f"throttle-test-{uuid.uuid4().hex[:8]}"
    env = {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    try:
        first, second = two_processes(database, env)
    finally:
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{prefix}*"):
            server.delete(key)
    assert first == [302, 302, 302]
    assert second == [302, 302, 429]
    assert os.environ.get("CACHE_URL", "") == ""  # the suite itself is untouched
