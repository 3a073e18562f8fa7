"""Tests: fast hashing, mail kept in memory, media in a throw-away folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kooperationsatlas-media-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Page tests search the embedded engine; the Elasticsearch tests read ELASTICSEARCH_URL
# from the environment themselves and use their own index prefix, so a real server's
# production alias is never touched by the suite.
ELASTICSEARCH_URL = ""
ELASTICSEARCH_INDEX_PREFIX = "test-kooperationsatlas"

# The page cache stays on (PAGE_CACHE_SECONDS from base.py), as in production: tests run
# the path production takes. A test that needs it off says so (settings fixture); the
# caches are emptied before each test (tests/conftest.py).

# Background tasks run at once in the test process (tests/test_tasks.py also runs the
# database backend's worker).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
