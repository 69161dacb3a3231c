"""Events of the placements app that apps to its right react to.

`placement_completed(sender=Placement, placement=..., approved_hours=...)` is
sent once the transaction that completed the placement has committed, so a
receiver sees the completion and nothing it does (or fails to do) can undo it.
The certificates app issues the internship certificate on it; what a receiver
misses, `manage.py reconcile_completions` catches up on.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.dispatch import Signal

from placements.models import Placement

logger = logging.getLogger(__name__)

placement_completed = Signal()


def announce_completion(placement: Placement, approved_hours: Decimal) -> None:
    transaction.on_commit(lambda: _send_completed(placement, approved_hours), robust=True)


def _send_completed(placement: Placement, approved_hours: Decimal) -> None:
    # send_robust: one failing receiver neither stops the others nor reaches the caller.
    for receiver, result in placement_completed.send_robust(
        sender=Placement, placement=placement, approved_hours=approved_hours
    ):
        if isinstance(result, Exception):
            logger.error("%s failed on the completion of placement %s", receiver, placement.pk, exc_info=result)
