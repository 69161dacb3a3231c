"""The coordinator's scope, built from one id query per tie (talent.scopes),
gives the same people as the join-based rule it replaced, on a fixture with
every kind of tie and people holding several."""

import datetime
import itertools

import pytest
from django.db.models import Q
from django.utils import timezone

from placements.models import Placement, PlacementRound, Position, Preference
from talent import scopes
from talent.models import Practitioner
from talent.paging import capped_count
from talent.roles import Role
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PracticeBaseFactory,
    PractitionerFactory,
    TrainingBaseFactory,
    UserFactory,
)
from training.models import Enrollment

pytestmark = pytest.mark.django_db


def joined_rule(user):
    """The rule as it was written before (ORed joins), with DISTINCT."""
    return (
        Practitioner.objects.filter(
            Q(user=user)
            | Q(enrollments__session__course__base__coordinators=user)
            | Q(sub_district__practice_base__coordinators=user)
            | Q(placements__position__base__coordinators=user)
            | Q(placement_preferences__position__base__coordinators=user)
        )
        .distinct()
        .values_list("pk", flat=True)
    )


@pytest.fixture
def mixed():
    """Two coordinators over a training base and a practice base each, one over
    both of the second pair; people tied by one, several or no tie."""
    training = [TrainingBaseFactory(), TrainingBaseFactory()]
    practice = [PracticeBaseFactory(), PracticeBaseFactory()]
    today = timezone.localdate()
    round = PlacementRound.objects.create(
        name="轮次",
        internship_start=today,
        internship_end=today + datetime.timedelta(days=60),
        preference_deadline=timezone.now() + datetime.timedelta(days=3),
        status=PlacementRound.Status.COLLECTING,
        required_hours=16,
    )
    positions = [
        Position.objects.create(round=round, base=base, code=f"P{n}", title="岗位", capacity=5)
        for n, base in enumerate(practice)
    ]
    sessions = [CourseSessionFactory(course=CourseFactory(base=base)) for base in training]
    coordinators = [UserFactory(role=Role.COORDINATOR) for _ in range(3)]
    training[0].coordinators.add(coordinators[0])
    practice[0].coordinators.add(coordinators[0])
    training[1].coordinators.add(coordinators[1])
    practice[1].coordinators.add(coordinators[1], coordinators[2])
    # Every combination of ties, each at either pair of bases.
    ties = ["enrolled", "cancelled", "resident", "placed", "ranked"]
    for n, combination in enumerate(
        itertools.chain.from_iterable(itertools.combinations(ties, k) for k in range(len(ties) + 1))
    ):
        side = n % 2
        person = PractitionerFactory(sub_district=practice[side].sub_district if "resident" in combination else None)
        if "enrolled" in combination:
            EnrollmentFactory(session=sessions[side], trainee=person)
        if "cancelled" in combination:
            EnrollmentFactory(session=sessions[1 - side], trainee=person, status=Enrollment.Status.CANCELLED)
        if "placed" in combination:
            Placement.objects.create(trainee=person, round=round, position=positions[side])
        if "ranked" in combination:
            Preference.objects.create(trainee=person, round=round, position=positions[1 - side], rank=1)
    # A coordinator's own registry record, tied to nothing.
    PractitionerFactory(user=coordinators[2])
    return coordinators


def test_the_scope_is_the_people_the_joined_rule_gave(mixed):
    for coordinator in mixed:
        expected = set(joined_rule(coordinator))
        assert expected, "the fixture ties someone to every coordinator"
        assert set(Practitioner.objects.visible_to(coordinator).values_list("pk", flat=True)) == expected
        assert set(scopes.coordinator_ids(coordinator).values_list("pk", flat=True)) == expected
        assert capped_count(scopes.coordinator_ids(coordinator)).count == len(expected)


def test_someone_with_several_ties_is_listed_once(client, mixed):
    coordinator = mixed[0]
    client.force_login(coordinator)
    page = client.get("/talent/").context["page"]
    shown = [p.pk for p in page.object_list]
    assert len(shown) == len(set(shown))
    assert page.paginator.count == len(set(joined_rule(coordinator)))


def test_the_registry_count_is_capped_and_says_so(client, administrator, settings):
    settings.MFA_REQUIRED_FOR_ADMINISTRATORS = False
    PractitionerFactory.create_batch(4)
    settings.LIST_COUNT_CAP = 3
    client.force_login(administrator)
    response = client.get("/talent/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["page"].paginator.capped
    assert b"More than 3 practitioners" in response.content
