"""Weekly journals (实习周志): the trainee writes, for each week of the
internship, what they did and what they reflected on; the tutor comments.
Missing weeks (begun and not written) are shown to the tutor and the
coordinators. Journals for `completion.JOURNAL_SHARE` of the weeks are needed
to complete.

Lock order (see `placements.services`): placement → journal entries.
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from placements import completion
from placements.errors import PlacementRefused
from placements.models import JournalEntry, Placement
from talent.models import Practitioner


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def weeks_begun(placement: Placement, today: datetime.date | None = None) -> list[datetime.date]:
    today = today or timezone.localdate()
    return [week for week in placement.round.internship_weeks() if week <= today]


def missing_weeks(placement: Placement, today: datetime.date | None = None) -> list[datetime.date]:
    """Weeks that have begun (the current one excepted: it is still being lived) without an entry."""
    today = today or timezone.localdate()
    written = set(placement.journal_entries.values_list("week_start", flat=True))
    return [week for week in weeks_begun(placement, today) if week not in written and week < monday(today)]


@transaction.atomic
def write_entry(
    *, placement: Placement, trainee: Practitioner, week_start: datetime.date, activities: str, reflection: str
) -> JournalEntry:
    placement = completion.lock_placement(placement.pk)
    if placement.trainee_id != trainee.pk:
        raise PlacementRefused(_("Only the trainee writes their journal."), code="not_allowed")
    if placement.status not in completion.SETTLED_OR_RUNNING:
        raise PlacementRefused(_("Journals are written for a confirmed placement."), code="status")
    week_start = monday(week_start)
    if week_start not in placement.round.internship_weeks():
        raise PlacementRefused(_("That week is outside the internship."), code="outside_internship")
    if week_start > timezone.localdate():
        raise PlacementRefused(_("A week is written once it has begun."), code="future")
    if not activities.strip() or not reflection.strip():
        raise PlacementRefused(_("Write what you did and what you reflected on."), code="incomplete")
    entry = JournalEntry.objects.select_for_update().filter(placement=placement, week_start=week_start).first()
    if entry is not None:
        if entry.tutor_comment:
            raise PlacementRefused(
                _("The tutor has commented on this week; it can no longer change."), code="commented"
            )
        entry.activities, entry.reflection = activities.strip(), reflection.strip()
        entry.save(update_fields=["activities", "reflection", "updated_at"])
    else:
        try:
            with transaction.atomic():
                entry = JournalEntry.objects.create(
                    placement=placement,
                    week_start=week_start,
                    activities=activities.strip(),
                    reflection=reflection.strip(),
                )
        except IntegrityError:
            raise PlacementRefused(_("This week already has a journal entry."), code="week_already_written") from None
    completion.update_completion(placement)
    return entry


@transaction.atomic
def comment_entry(*, entry: JournalEntry, tutor: Practitioner, comment: str) -> JournalEntry:
    placement = completion.lock_placement(entry.placement_id)
    if placement.tutor_id != tutor.pk:
        raise PlacementRefused(_("Only the trainee's tutor comments on the journal."), code="not_allowed")
    if not comment.strip():
        raise PlacementRefused(_("Write the comment."), code="incomplete")
    entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    entry.tutor_comment = comment.strip()
    entry.commented_at = timezone.now()
    entry.save(update_fields=["tutor_comment", "commented_at", "updated_at"])
    notify(
        kind="placements.journal_comment",
        recipients=[placement.trainee],
        context={"tutor": tutor.name, "week": entry.week_start},
        link=reverse("placements:journal", args=[placement.pk]),
        occasion=f"journal-comment:{entry.pk}:{entry.commented_at.isoformat()}",
    )
    return entry
