import datetime

import pytest
from django.utils import timezone

from placements.models import Placement, PlacementRound, Position
from tests.factories import PractitionerFactory, meet_internship_requirements


@pytest.fixture
def supervisor(db):
    return PractitionerFactory(
        name="督导老师", qualification_level="intermediate", qualification_certificate_number="Z1"
    )


@pytest.fixture
def position_a(base_a, supervisor):
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="2026 春季实习",
        internship_start=today - datetime.timedelta(days=10),
        internship_end=today + datetime.timedelta(days=80),
        preference_deadline=timezone.now() - datetime.timedelta(days=20),
        status=PlacementRound.Status.MATCHING,
        required_hours=16,
    )
    return Position.objects.create(
        round=round, base=base_a, code="P1", title="社区岗", capacity=2, supervisor=supervisor
    )


@pytest.fixture
def confirmed_placement(position_a, trainee):
    placement = Placement.objects.create(
        trainee=trainee.practitioner, round=position_a.round, position=position_a, status=Placement.Status.CONFIRMED
    )
    meet_internship_requirements(placement)  # hours are logged under a confirmed agreement
    return placement
