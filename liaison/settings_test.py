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
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"  # casework-roles: reply attachments
