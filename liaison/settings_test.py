"""Tests: the same settings, with fast hashing, eager tasks and no lockouts.

A test that needs a real worker turns eager mode off for itself.
"""

from .settings import *  # noqa: F403
from .settings import BASE_DIR, broker_transport_options

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
BROKER_FOLDER = BASE_DIR / "var" / "test-broker"
CELERY_BROKER_TRANSPORT_OPTIONS = broker_transport_options(BROKER_FOLDER)
# 2FA off unless a test turns it on; plain http in the test client.
LIAISON_REQUIRE_2FA = False
LIAISON_HTTPS = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"  # casework-roles: reply attachments
# One process: the cache is shared by all of it, so what is kept there is tested (perf, issue 11).
LIAISON_SHARED_CACHE = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# On SQLite, a file like `make run`'s, not the shared-cache in-memory default: there a second
# connection gets "database table is locked" at once instead of waiting its turn, so the tests
# of two workers or two relays at once would test the test database, not the app.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
