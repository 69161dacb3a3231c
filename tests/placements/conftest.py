import datetime

import pytest
from django.utils import timezone

from placements.models import PlacementRound, Position
from tests.factories import PractitionerFactory


@pytest.fixture(autouse=True)
def _administrators_without_second_factor(settings):
    # These pages are about rounds; the second factor has its own tests.
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False


@pytest.fixture
def make_round(db):
    def make(**fields):
        today = timezone.localdate()
        defaults = {
            "name": f"实习轮次{PlacementRound.objects.count() + 1}",
            "internship_start": today - datetime.timedelta(days=10),
            "internship_end": today + datetime.timedelta(days=80),
            "preference_deadline": timezone.now() + datetime.timedelta(days=3),
            "status": PlacementRound.Status.COLLECTING,
            "required_hours": 16,
        }
        return PlacementRound.objects.create(**(defaults | fields))

    return make


@pytest.fixture
def supervisor(db):
    return PractitionerFactory(
        name="督导老师", qualification_level="intermediate", qualification_certificate_number="Z1"
    )


@pytest.fixture
def make_position(db, supervisor):
    def make(round, base, *, capacity=1, **fields):
        code = f"P{Position.objects.count() + 1}"
        return Position.objects.create(
            round=round, base=base, code=code, title=f"岗位{code}", capacity=capacity, supervisor=supervisor, **fields
        )

    return make


@pytest.fixture
def round_a(make_round):
    return make_round()
