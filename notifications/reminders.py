"""Scheduled reminders.

An app registers, in its `AppConfig.ready()`, a function that says who is due
a reminder of a kind on a day:

    from notifications.reminders import reminder

    @reminder("training.session_tomorrow")
    def sessions_tomorrow(today):
        for enrollment in ...:
            yield enrollment.practitioner, {"session": ...}, "/training/mine/", f"session:{pk}:{date}"

Each item is (recipient, context, link, occasion). `manage.py send_reminders`
runs every registered function and notifies the items; a person gets a kind
once per occasion, so the command may run any number of times a day. Write the
function with a fixed number of queries (select_related, annotations, no query
per person): the command's query count must not grow with the registry.
"""

import datetime
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from notifications import kinds
from notifications.services import Item, notify_many

logger = logging.getLogger(__name__)

ReminderFunction = Callable[[datetime.date], Iterable[tuple]]

_REMINDERS: dict[str, dict[str, ReminderFunction]] = {}


def reminder(kind: str) -> Callable[[ReminderFunction], ReminderFunction]:
    """Register the decorated function(today) as the source of reminders of `kind`."""

    def decorate(function: ReminderFunction) -> ReminderFunction:
        _REMINDERS.setdefault(kind, {})[f"{function.__module__}.{function.__qualname__}"] = function
        return function

    return decorate


def registered() -> dict[str, list[ReminderFunction]]:
    return {kind: list(functions.values()) for kind, functions in sorted(_REMINDERS.items())}


def run(today: datetime.date | None = None, *, kinds_only: Iterable[str] | None = None) -> dict[str, int]:
    """Run every registered reminder for `today`; returns how many new
    notifications each kind made (0 on a second run the same day)."""
    today = today or timezone.localdate()
    wanted = set(kinds_only) if kinds_only else None
    sent: dict[str, int] = {}
    for kind, functions in registered().items():
        if wanted is not None and kind not in wanted:
            continue
        kinds.get(kind)  # fails loudly for a reminder of an unregistered kind
        for function in functions:
            with transaction.atomic():
                items = [Item(*entry) for entry in function(today)]
                count = notify_many(kind=kind, items=items)
            logger.info("Reminders %s (%s): %s new of %s", kind, function.__name__, count, len(items))
            sent[kind] = sent.get(kind, 0) + count
    return sent
