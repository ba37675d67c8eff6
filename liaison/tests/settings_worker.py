"""Settings for a real worker process started by test_kill_worker: the test settings, an
e-mail backend that hangs on its first message (so the test can kill the worker mid-task)
and a short lease, so the next worker may take the message over within the test."""

from liaison.settings_test import *  # noqa: F403

EMAIL_BACKEND = "liaison.tests.blocking_email.BlockOnceBackend"
LIAISON_EMAIL_LEASE_SECONDS = 2
