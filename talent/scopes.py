"""Which practitioners a coordinator may see.

Coordinators are scoped to the bases they coordinate, and the bases live in the
apps built on top of talent (training, placements). Each of those apps adds its
rule here from its AppConfig.ready(), so that talent never imports them.
"""

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

_coordinator_rules: list[Callable[..., Iterable[QuerySet]]] = []


def add_coordinator_rule(rule: Callable[..., Iterable[QuerySet]]) -> None:
    """`rule(user)` returns querysets of practitioner ids (one column each,
    `.values("trainee")` or `.values("pk")`), one per relation that ties
    people to the user's bases."""
    if rule not in _coordinator_rules:
        _coordinator_rules.append(rule)


def _union(parts, *, keep_repeats: bool = False) -> QuerySet:
    first, *rest = (part.order_by() for part in parts)
    return first.union(*rest, all=keep_repeats) if rest else first


def _tied(user) -> list[QuerySet]:
    return [part for rule in _coordinator_rules for part in rule(user)]


def coordinator_filter(user, field: str = "pk") -> Q:
    """The people a coordinator may see: their own record, and the people
    tied to their bases by any rule.

    One subquery per relation, combined by UNION, never an OR of joins through
    several multi-valued relations: that multiplied every person's enrolments
    by their placements and preferences, minutes at 500,000 people. Kept
    behind an OR with the user's own record on purpose: PostgreSQL then hashes
    the union once and tests rows against it as it walks the registry's
    (name, id) index, stopping after a page (EXPLAIN ANALYZE at 1.5 million,
    2026-12: Index Only Scan using practitioner_name_idx as a page reads its
    ids first (talent.paging), Filter: (hashed SubPlan 1) OR (hashed SubPlan
    2); the parts are Index Only Scans of enrollment_scope_idx,
    practitioner_resident_idx, placement_scope_idx, preference_scope_idx).
    As a plain semi-join the planner preferred a hash join over the whole
    table and a sort. UNION ALL: the hash keeps each id once anyway, and
    removing repeats first (a person enrolled five times) took 35 of the 80 ms
    of building it.

    `field` names the practitioner's id in another model's query
    ("practitioner_id" for continuing-education standings)."""
    from talent.models import Practitioner

    own = Practitioner.objects.filter(user=user).values("pk")
    tied = _tied(user)
    return Q(**{f"{field}__in": own}) | Q(**{f"{field}__in": _union(tied, keep_repeats=True) if tied else []})


def coordinator_ids(user) -> QuerySet:
    """The same people's ids, as one UNION: counted without reading the registry."""
    from talent.models import Practitioner

    return _union([Practitioner.objects.filter(user=user).values("pk"), *_tied(user)])
