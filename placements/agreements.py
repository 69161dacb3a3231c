"""The learning agreement (实习协议 / 学习计划) of a placement: goals, tasks,
schedule and supervision. The trainee drafts it (and so confirms it); the
on-site supervisor and the tutor each confirm it. Any change resets the
others' confirmations: a changed agreement needs all three again. Hours are
logged only under a confirmed agreement (`services.log_hours`).

Lock order (see `placements.services`): placement → agreement.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify
from placements import completion
from placements.errors import PlacementRefused
from placements.models import LearningAgreement, Placement
from talent.models import Practitioner

FIELDS = ("goals", "tasks", "schedule", "supervision")


def role_of(placement: Placement, person: Practitioner | None) -> str | None:
    """'trainee', 'supervisor' or 'tutor' (the first that fits), or None."""
    if person is None:
        return None
    if placement.trainee_id == person.pk:
        return "trainee"
    if placement.position.supervisor_id == person.pk:
        return "supervisor"
    if placement.tutor_id == person.pk:
        return "tutor"
    return None


@transaction.atomic
def save_agreement(*, placement: Placement, trainee: Practitioner, **text: str) -> LearningAgreement:
    """The trainee's draft or change; saving it is the trainee's confirmation."""
    placement = completion.lock_placement(placement.pk)
    if placement.trainee_id != trainee.pk:
        raise PlacementRefused(_("Only the trainee drafts the learning agreement."), code="not_allowed")
    if placement.status != Placement.Status.CONFIRMED:
        raise PlacementRefused(_("The agreement is written for a confirmed placement."), code="status")
    values = {name: text.get(name, "").strip() for name in FIELDS}
    if not all(values.values()):
        raise PlacementRefused(_("Fill in the goals, tasks, schedule and supervision."), code="incomplete")
    agreement = LearningAgreement.objects.select_for_update().filter(placement=placement).first()
    now = timezone.now()
    if agreement is None:
        agreement = LearningAgreement.objects.create(placement=placement, trainee_confirmed_at=now, **values)
    elif any(getattr(agreement, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.revision += 1
        agreement.trainee_confirmed_at = now
        agreement.supervisor_confirmed_at = None
        agreement.tutor_confirmed_at = None
        agreement.save()
    else:
        return agreement
    mentors = [m for m in (placement.position.supervisor, placement.tutor) if m is not None]
    notify(
        kind="placements.agreement_to_confirm",
        recipients=mentors,
        context={"trainee": placement.trainee.name, "position": str(placement.position)},
        link=reverse("placements:agreement", args=[placement.pk]),
        occasion=f"agreement:{agreement.pk}:{agreement.revision}",
    )
    return agreement


@transaction.atomic
def confirm_agreement(*, placement: Placement, mentor: Practitioner, revision: int) -> LearningAgreement:
    """The supervisor's or tutor's confirmation of the revision they read."""
    placement = completion.lock_placement(placement.pk)
    role = role_of(placement, mentor)
    if role not in ("supervisor", "tutor"):
        raise PlacementRefused(_("Only the supervisor and the tutor confirm the agreement."), code="not_allowed")
    agreement = LearningAgreement.objects.select_for_update().filter(placement=placement).first()
    if agreement is None or agreement.trainee_confirmed_at is None:
        raise PlacementRefused(_("The trainee has not written the agreement yet."), code="no_agreement")
    if agreement.revision != revision:
        raise PlacementRefused(_("The agreement changed while you read it; read it again."), code="changed")
    now = timezone.now()
    # A person who is both supervisor and tutor confirms for both.
    if placement.position.supervisor_id == mentor.pk:
        agreement.supervisor_confirmed_at = agreement.supervisor_confirmed_at or now
    if placement.tutor_id == mentor.pk:
        agreement.tutor_confirmed_at = agreement.tutor_confirmed_at or now
    agreement.save(update_fields=["supervisor_confirmed_at", "tutor_confirmed_at", "updated_at"])
    completion.update_completion(placement)
    return agreement
