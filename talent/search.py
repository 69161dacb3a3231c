"""Searching the registry by what people type: part of a name, part of a
mobile number, an organization, or the last characters of a resident ID.

On PostgreSQL each kind of text has an index (migration 0010_national_scale): names through
`talent_name_grams(name)`, the array of every character and every pair of
neighbouring characters of the name, in a GIN index; mobiles through a
trigram index; resident IDs through `reverse(resident_id)`, so that "ends
with" is a prefix search. Trigrams alone would not do for names: a Chinese
search is usually two characters, and pg_trgm finds nothing to look up in a
two-character pattern. SQLite keeps plain LIKE.

Plans relied on (EXPLAIN ANALYZE, 1.5 million practitioners, 2026-12):
"晓东" → Bitmap Index Scan on practitioner_name_grams_idx, the LIKE rechecked,
statements of a few milliseconds; an ID tail → BitmapOr of
practitioner_id_reversed_idx (135 rows) and practitioner_mobile_trgm_idx.
"""

import re

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Func, Q
from django.db.models.functions import Collate, Reverse

from talent import names, resident_id

DIGITS = re.compile(r"[\dX]+")


class NameGrams(Func):
    """The SQL function that migration 0010_national_scale creates and indexes."""

    function = "talent_name_grams"
    output_field = ArrayField(models.TextField())


def grams(text: str) -> list[str]:
    """What every name containing `text` has among its grams."""
    text = text.lower()
    if len(text) == 1:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def _found_first(queryset):
    """A search finds few rows: have PostgreSQL fetch them through their own
    index and sort them, rather than walk the registry's name index hoping to
    meet them early — which it did for an ID tail, reading all 150,000 names
    (200 ms) to find 23. Ordering by the name under the "C" collation, the same
    code-point order as the database's C.UTF-8, leaves that index out of it."""
    if connection.vendor == "postgresql":
        return queryset.order_by(Collate("name", "C"), "pk")
    return queryset


def search(queryset, text: str, *, full_id: bool, organizations):
    """The rows of `queryset` that `text` finds.

    Digits (with X) look in mobiles and resident IDs, anything else in names
    and organizations: each test then has its own index, where an OR of every
    column would read the whole table."""
    text = text.strip()
    if not text:
        return queryset
    id_text = resident_id.normalize(text)
    if DIGITS.fullmatch(id_text):
        found = Q(mobile__contains=id_text)
        if full_id or len(id_text) <= 4:
            # The ID is masked for this user unless full_id: then only the last
            # four characters, which are shown anyway, can be searched.
            found |= Q(resident_id_reversed__startswith=id_text[::-1])
        return _found_first(queryset.alias(resident_id_reversed=Reverse("resident_id")).filter(found))
    # Names are stored normalised (talent.names): typed with a look-alike dot, they still match.
    name = names.normalize_name(text)
    in_name = Q(name__icontains=name)
    if connection.vendor == "postgresql":
        # The gram index finds the candidates; the LIKE confirms them.
        queryset = queryset.alias(name_grams=NameGrams("name"))
        in_name &= Q(name_grams__contains=grams(name))
    # At most a page of organizations' ids, looked up first, so that the
    # database can combine two index scans (BitmapOr) instead of joining.
    organization_ids = list(organizations.filter(name__icontains=text).values_list("pk", flat=True)[:100])
    return _found_first(queryset.filter(in_name | Q(organization__in=organization_ids)))
