"""Caps and proofs hold under concurrent reviews and issues. SQLite serialises
writers, so these tests mean something only on PostgreSQL, where the services
rely on row locks (the practitioner's row for the ledger, the year's counter
for proof serials)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from research import services
from talent import services as talent_services
from talent.models import LearningRecord, Practitioner
from talent.roles import Role
from tests.factories import PractitionerFactory, TrainingBaseFactory, UserFactory
from tests.training.test_concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks; SQLite serialises writers"
    ),
]


def test_approvals_at_once_stay_within_the_cap():
    base = TrainingBaseFactory()
    user = UserFactory(role=Role.TRAINEE)
    person = PractitionerFactory(
        user=user, qualification_level="intermediate", registration_date=datetime.date(2025, 3, 1)
    )
    reviewers = []
    for _n in range(4):
        reviewer = UserFactory(role=Role.COORDINATOR)
        base.coordinators.add(reviewer)
        reviewers.append(reviewer)
    claims = [
        talent_services.submit_claim(
            practitioner=person,
            by=user,
            category="publication",
            date=datetime.date(2026, 5, 1),
            quantity=Decimal(2),
            title=f"论文{n}",
            evidence=SimpleUploadedFile("p.pdf", b"%PDF-1.4 " + bytes([n])),
            review_scope=services.training_scope(base),
        )
        for n in range(4)
    ]

    errors = run_together(
        [
            lambda claim=claim, reviewer=reviewer: services.review_claim(claim=claim, reviewer=reviewer, approve=True)
            for claim, reviewer in zip(claims, reviewers, strict=True)
        ]
    )

    assert errors == []
    credited = sum(r.hours for r in LearningRecord.objects.filter(practitioner=person, category="publication"))
    assert credited == Decimal(27)  # 30% of 90, however the four approvals interleaved


def test_proofs_issued_at_once_have_one_current_and_gap_free_serials():
    people = []
    for _n in range(4):
        user = UserFactory(role=Role.TRAINEE)
        people.append(PractitionerFactory(user=user))
    me = people[0]

    errors = run_together(
        [lambda person=person: services.issue_proof(practitioner=person, by=person.user) for person in people]
        + [lambda: services.issue_proof(practitioner=me, by=me.user)]
    )

    assert errors == []
    proofs = [
        p for person in Practitioner.objects.filter(pk__in=[p.pk for p in people]) for p in person.ce_proofs.all()
    ]
    assert sorted(p.sequence for p in proofs) == [1, 2, 3, 4, 5]
    assert me.ce_proofs.filter(superseded_at__isnull=True).count() == 1
