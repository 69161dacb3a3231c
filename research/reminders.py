"""The daily digest of hours claims awaiting review, for each base's coordinators."""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model

from talent.models import LearningClaim


def claims_awaiting(today: datetime.date):
    """(coordinator, context, link, occasion) for every coordinator of a base
    with claims awaiting review, once a day (three queries)."""
    waiting = Counter(
        LearningClaim.objects.filter(status=LearningClaim.Status.SUBMITTED).values_list("review_scope", flat=True)
    )
    if not waiting:
        return
    User = get_user_model()
    per_user: Counter = Counter()
    users = {}
    for relation, prefix in (("coordinated_training_bases", "training"), ("coordinated_practice_bases", "practice")):
        rows = User.objects.filter(**{f"{relation}__isnull": False}, is_active=True).values_list(
            "pk", f"{relation}__pk"
        )
        for user_pk, base_pk in rows:
            count = waiting.get(f"{prefix}:{base_pk}", 0)
            if count:
                per_user[user_pk] += count
    for user in User.objects.filter(pk__in=per_user):
        users[user.pk] = user
    for user_pk, count in per_user.items():
        yield users[user_pk], {"count": count}, "/research/claims/review/", f"claims-awaiting:{today.isoformat()}"
