"""Before the match: a practice base's coordinators may mark a trainee who
ranked one of their positions as not acceptable there, with a reason. The
matching (`services.waiting_trainees_and_eligible_choices`) and placements by
hand never put anyone where they are marked."""

from django.db import transaction
from django.utils.translation import gettext as _

from placements import services
from placements.errors import PlacementRefused
from placements.models import NotAcceptable, PlacementRound, Position
from talent.models import Practitioner, User


def _check_marking(position: Position, trainee: Practitioner, by: User) -> PlacementRound:
    round = services._lock_round(position.round_id)
    if not Position.objects.visible_to(by).filter(pk=position.pk).exists():
        raise PlacementRefused(
            _("Only the base's coordinators can mark trainees for its positions."), code="not_allowed"
        )
    if round.status not in (PlacementRound.Status.COLLECTING, PlacementRound.Status.MATCHING) or round.published_at:
        raise PlacementRefused(_("Marks are made before the proposals are published."), code="status")
    if not position.preferences.filter(trainee=trainee).exists():
        raise PlacementRefused(_("%(name)s did not rank this position.") % {"name": trainee.name}, code="not_ranked")
    return round


@transaction.atomic
def mark_not_acceptable(*, position: Position, trainee: Practitioner, reason: str, by: User) -> NotAcceptable:
    _check_marking(position, trainee, by)
    if not reason.strip():
        raise PlacementRefused(_("Give the reason; the trainee will read it."), code="reason_required")
    mark, _created = NotAcceptable.objects.update_or_create(
        position=position, trainee=trainee, defaults={"reason": reason.strip(), "marked_by": by}
    )
    return mark


@transaction.atomic
def clear_mark(*, position: Position, trainee: Practitioner, by: User) -> None:
    _check_marking(position, trainee, by)
    NotAcceptable.objects.filter(position=position, trainee=trainee).delete()
