"""Which practitioners a coordinator may see.

Coordinators are scoped to the bases they coordinate, and the bases live in the
apps built on top of talent (training, placements). Each of those apps adds its
rule here from its AppConfig.ready(), so that talent never imports them.
"""

from collections.abc import Callable

from django.db.models import Q

_coordinator_rules: list[Callable[..., Q]] = []


def add_coordinator_rule(rule: Callable[..., Q]) -> None:
    """`rule(user)` returns a filter on Practitioner for the people tied to the user's bases."""
    if rule not in _coordinator_rules:
        _coordinator_rules.append(rule)


def coordinator_filter(user) -> Q:
    # Each rule is its own subquery: OR-ing the rules' joins in one query would
    # multiply every person's enrolments by their placements and preferences,
    # which takes minutes on a city-sized registry.
    from talent.models import Practitioner

    condition = Q(pk__in=[])
    for rule in _coordinator_rules:
        condition |= Q(pk__in=Practitioner.objects.filter(rule(user)).values("pk"))
    return condition
