"""Counting and paginating lists that can hold millions of rows.

Counting every matching row of a national registry to print "1,482,377
practitioners" reads the whole table on every page view. Up to `cap` rows the
count is exact; beyond it the query stops counting (a LIMIT inside the count)
and the page says "more than 10,000" and asks for a narrower search, whose
rows are then all reachable.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property


@dataclass(frozen=True)
class CappedCount:
    count: int  # exact when not capped, else the cap
    capped: bool
    cap: int


def capped_count(queryset, cap: int | None = None) -> CappedCount:
    """One query: SELECT COUNT(*) FROM (… LIMIT cap + 1); the cap is LIST_COUNT_CAP by default."""
    cap = settings.LIST_COUNT_CAP if cap is None else cap
    # Unordered: a count needs no sort (Django keeps ORDER BY in a sliced subquery).
    matched = queryset.order_by()[: cap + 1].count()
    return CappedCount(min(matched, cap), matched > cap, cap)


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int | None = None, count_from=None, **kwargs):
        """`count_from`: a cheaper queryset with as many rows as `object_list`
        (the ids of an unfiltered scope, say), counted instead of it."""
        super().__init__(object_list, per_page, **kwargs)
        self.cap = settings.LIST_COUNT_CAP if cap is None else cap
        self.count_from = object_list if count_from is None else count_from

    @cached_property
    def counted(self) -> CappedCount:
        return capped_count(self.count_from, self.cap)

    @property
    def capped(self) -> bool:
        return self.counted.capped

    @cached_property
    def count(self) -> int:
        return self.counted.count
