"""Why a trainee got the choice they got: the solver's own account.

For each choice a trainee ranked above the one they were given, the
explanation says what giving it to them would have cost the others: the
trainees who would move down (and by how many ranks, or out of the round) and
those who would move up, in the best assignment that has the trainee there.
Or, when the position is not open to them, why (required courses, an
overlapping placement, a base's not-acceptable mark).

The cost is exact and cheap. The matching is a minimum-cost flow, and the best
assignment with one more pair forced in is the optimal one plus the cheapest
cycle through that pair in the residual graph (any other cycle in the
difference has non-negative cost, because the assignment was optimal). That
cycle is: the trainee takes a seat at the wanted position, someone there moves
on (to another position, out of the round), ... and the chain ends where a seat
is free, or where the trainee's own seat becomes free. Contracted to positions
(plus one node, `OUT`, for "not placed" and "a free seat"), the graph has a few
hundred nodes whatever the number of trainees; one all-pairs shortest-path run
(Floyd–Warshall, vectorised) answers every trainee's every question, and the
path gives who moves. A 3,000-trainee round takes seconds (bench/match.py).
The algorithm is `matching.costs`; this module applies it to a round, in the
background, once its proposals are published.
"""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from placements import matching

logger = logging.getLogger(__name__)

# The round -------------------------------------------------------------------


def explain_round(round_id: int) -> int:
    """Write the explanation of every proposal of the round below the first
    choice, and of everyone left without one; returns how many proposals were explained. Run in the background (see
    `explain_round_task`) once the proposals are published."""
    from placements import services  # the services enqueue this module's task
    from placements.models import NotAcceptable, Placement, PlacementRound, Preference, UnplacedExplanation

    round = PlacementRound.objects.get(pk=round_id)
    positions = list(round.positions.order_by("pk").prefetch_related("required_courses"))
    proposals = list(round.placements.filter(status=Placement.Status.PROPOSED))
    held = services.seats_held_outside_matching(round)
    trainees, eligible = services.waiting_trainees_and_eligible_choices(round, positions, include_proposed=True)
    proposed = {p.trainee_id: p for p in proposals}
    eligible_pairs = {(c.trainee, c.position) for c in eligible}
    # Trainees placed by hand where they did not rank keep their seat: fixed, outside the instance.
    fixed = {t for t, p in proposed.items() if (t, p.position_id) not in eligible_pairs}
    capacity = {p.pk: p.capacity - held.get(p.pk, 0) for p in positions}
    for t in fixed:
        capacity[proposed[t].position_id] -= 1
    choices = [c for c in eligible if c.trainee not in fixed]
    assignment = matching.Assignment(
        placed={t: (p.position_id, p.preference_rank) for t, p in proposed.items() if t not in fixed},
        unplaced=[t for t in trainees if t not in proposed],
    )
    try:
        by_trainee = matching.costs(choices, capacity, assignment)
    except matching.NotOptimal:
        logger.warning("Round %s: proposals were changed by hand; no exact explanations", round_id)
        by_trainee = None

    unplaced = [t for t in trainees if t not in proposed]
    preferences: dict[int, list[Preference]] = {}
    for preference in round.preferences.filter(trainee__in=[*proposed, *unplaced]).order_by("rank"):
        preferences.setdefault(preference.trainee_id, []).append(preference)
    marks = {(m.trainee_id, m.position_id): m.reason for m in NotAcceptable.objects.filter(position__round=round_id)}
    now = timezone.now()

    def explained(trainee_id: int, above: list[Preference]) -> dict:
        cost_of = {c.position: c for c in (by_trainee or {}).get(trainee_id, [])}
        entries = []
        for preference in above:
            entry: dict = {"position": preference.position_id, "rank": preference.rank}
            if (trainee_id, preference.position_id) in marks:
                entry["ineligible"] = "not_acceptable"
                entry["reason"] = marks[(trainee_id, preference.position_id)]
            elif (trainee_id, preference.position_id) not in eligible_pairs:
                entry["ineligible"] = "requirements"
            elif trainee_id in fixed or preference.position_id not in cost_of:
                entry["unavailable"] = True
            else:
                entry |= cost_of[preference.position_id].as_json()
            entries.append(entry)
        return {"computed_at": now.isoformat(), "choices": entries}

    written = []
    for trainee_id, placement in proposed.items():
        rank = placement.preference_rank
        above = [p for p in preferences.get(trainee_id, []) if rank is None or p.rank < rank]
        if above:
            placement.explanation = explained(trainee_id, above)
            written.append(placement)
    # Those given nothing: every choice they ranked.
    without = [
        UnplacedExplanation(round_id=round_id, trainee_id=trainee_id, explanation=explained(trainee_id, ranked))
        for trainee_id in unplaced
        if (ranked := preferences.get(trainee_id))
    ]
    with transaction.atomic():
        Placement.objects.bulk_update(written, ["explanation"], batch_size=500)
        UnplacedExplanation.objects.filter(round_id=round_id).delete()
        UnplacedExplanation.objects.bulk_create(without, batch_size=500)
        PlacementRound.objects.filter(pk=round_id).update(explained_at=now)
    return len(written)


@task()
def explain_round_task(round_id: int) -> int:
    return explain_round(round_id)
