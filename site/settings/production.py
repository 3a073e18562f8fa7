"""Production: DEBUG off, secrets from the environment, HTTPS-only cookies and HSTS."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool, require_secret_key, task_settings

DEBUG = False
require_secret_key()

# Mails and index updates wait in the database for `manage.py db_worker` (docker-compose).
TASKS = task_settings("database")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Production runs behind one TLS proxy (nginx) that appends the client address to
# X-Forwarded-For; the login throttle and rate limits count that address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
