"""The talent registry's notifications: continuing-education hours behind
pace, and re-registration due in 180, 90 and 30 days.

They are registered here rather than by talent, which sits below
notifications in the app order and may not import it.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications import kinds
from notifications.reminders import reminder
from talent import ledger
from talent.models import Practitioner

CE_BEHIND = "talent.ce_behind"
REREGISTRATION_DUE = "talent.reregistration_due"
#: Days before the re-registration date at which people are reminded.
REREGISTRATION_NOTICE_DAYS = (180, 90, 30)

_RECIPIENT_FIELDS = ("pk", "name", "user_id", "email", "mobile", "preferred_language")


def register_kinds() -> None:
    kinds.register(
        kinds.Kind(
            code=CE_BEHIND,
            label=_("Continuing-education hours behind pace"),
            template="notifications/talent/ce_behind",
        )
    )
    kinds.register(
        kinds.Kind(
            code=REREGISTRATION_DUE,
            label=_("Re-registration due"),
            template="notifications/talent/reregistration_due",
        )
    )


def setup() -> None:
    register_kinds()
    reminder(CE_BEHIND)(continuing_education_behind)
    reminder(REREGISTRATION_DUE)(reregistration_due)


def _qualified():
    return Practitioner.objects.filter(status=Practitioner.Status.ACTIVE, registration_date__isnull=False).exclude(
        qualification_level=Practitioner.QualificationLevel.NONE
    )


def continuing_education_behind(today: datetime.date):
    """Once a month, everyone behind the pace of their cycle (or short near
    its end) is told how many hours are missing. Two queries (ledger.report)."""
    link = reverse("talent:my-profile")
    occasion = f"ce:{today:%Y-%m}"
    for status in ledger.report(_qualified(), today=today):
        if status.state not in (ledger.AT_RISK, ledger.SHORT):
            continue
        # No name (the greeting has it) and the month of re-registration: many
        # people share a context, which is rendered once.
        context = {
            "earned": status.earned,
            "required": status.required,
            "missing": status.missing,
            "reregistration_month": status.reregistration_date.replace(day=1),
        }
        yield status.practitioner, context, link, occasion


def reregistration_due(today: datetime.date):
    """180, 90 and 30 days before a qualified social worker's re-registration
    date (each once; a late run sends the nearest one). One query."""
    link = reverse("talent:my-profile")
    widest = max(REREGISTRATION_NOTICE_DAYS)
    required = settings.CONTINUING_EDUCATION_REQUIRED_HOURS
    people = _qualified().filter(registration_date__lte=today)
    for practitioner in people.only(*_RECIPIENT_FIELDS, "qualification_level", "registration_date").iterator(
        chunk_size=5000
    ):
        _start, end = ledger.current_cycle(practitioner.registration_date, today)
        days = (end - today).days
        if days > widest:
            continue
        notice = min(d for d in REREGISTRATION_NOTICE_DAYS if d >= days)
        context = {
            "reregistration_date": end,
            "days": days,
            "required": required.get(practitioner.qualification_level),
        }
        yield practitioner, context, link, f"reregistration:{end}:{notice}"
