"""A background loop that posts escalations the support channel refused earlier.

It runs in every instance; each attempt is claimed in the database, so instances sharing one
database never post the same escalation twice.
"""

from __future__ import annotations

import logging
import threading

from bot.escalations import Escalations, Outbox

log = logging.getLogger(__name__)

EVERY = 30.0  # seconds between looks; each escalation also waits Escalations.retry_after


def start_redelivery(
    escalations: Escalations, out: Outbox, every: float = EVERY
) -> threading.Event:
    """Start the loop in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                if delivered := escalations.retry_due(out):
                    log.info("redelivered %d escalation(s)", delivered)
            except Exception:  # the database may be briefly away; look again next time
                log.exception("redelivery pass failed")

    threading.Thread(target=loop, name="escalation-redelivery", daemon=True).start()
    return stop
