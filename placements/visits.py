"""Tutor site visits (督导走访): date, who was met, notes, follow-up actions."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from placements.errors import PlacementRefused
from placements.models import Placement, SiteVisit
from talent.models import Practitioner


@transaction.atomic
def record_visit(
    *,
    placement: Placement,
    tutor: Practitioner,
    date: datetime.date,
    people_met: str,
    notes: str,
    follow_up: str = "",
) -> SiteVisit:
    if placement.tutor_id != tutor.pk:
        raise PlacementRefused(_("Only the trainee's tutor records site visits."), code="not_allowed")
    if placement.status == Placement.Status.PROPOSED or placement.status == Placement.Status.WITHDRAWN:
        raise PlacementRefused(_("Visits are recorded for a confirmed placement."), code="status")
    if date > timezone.localdate():
        raise PlacementRefused(_("A visit is recorded once it has happened."), code="future")
    if date < placement.round.internship_start:
        raise PlacementRefused(_("The date is before the internship."), code="outside_internship")
    if not people_met.strip() or not notes.strip():
        raise PlacementRefused(_("Say whom you met and what you saw."), code="incomplete")
    return SiteVisit.objects.create(
        placement=placement,
        tutor=tutor,
        date=date,
        people_met=people_met.strip(),
        notes=notes.strip(),
        follow_up=follow_up.strip(),
    )
