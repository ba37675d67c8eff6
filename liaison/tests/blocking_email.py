"""An e-mail backend for test_kill_worker, used in a separate worker process.

While the file named by KILL_TEST_BLOCK_ONCE exists, the first send removes it,
touches KILL_TEST_STARTED and hangs (the test kills the process there, before the
message was accepted). Every accepted message is appended to KILL_TEST_SENT_LOG.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class BlockOnceBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        flag = Path(os.environ["KILL_TEST_BLOCK_ONCE"])
        if flag.exists():
            flag.unlink()
            Path(os.environ["KILL_TEST_STARTED"]).touch()
            time.sleep(600)
        with open(os.environ["KILL_TEST_SENT_LOG"], "a", encoding="utf-8") as log:
            for message in email_messages:
                log.write(json.dumps({"to": message.to, "id": message.extra_headers.get("Message-ID")}) + "\n")
        return len(email_messages)
