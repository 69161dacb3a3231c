"""A small city with hand-countable figures, in the year before this one (Y)
and the year before that (Y-1).

Training (finished sessions by start date):
  base A: 2 sessions in March Y (10 h each): 3 completed + 1 failed (+1 cancelled), 2 completed;
          1 session in March Y-1: 1 completed + 1 failed; a cancelled session in Y counts nothing.
  base B: 1 session in June Y (8 h): 1 completed + 1 failed.
Internships (rounds by internship start):
  round Y: base A position of 3 seats: placements at choice 1 and 2 (+1 withdrawn);
           base B position of 2 seats: one placement at choice 1.
  round Y-1: base A position of 4 seats: one completed placement at choice 1.
Certificates: 2 course certificates of base A issued in Y (one revoked in Y), 1 in Y-1;
  1 internship certificate of base A in Y-1, 1 of base B in Y.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from certificates.models import Certificate
from placements.models import Evaluation, HourLog, Placement, PlacementRound, Position, Preference
from tests.factories import (
    CourseFactory,
    CourseSessionFactory,
    EnrollmentFactory,
    PractitionerFactory,
    TrainingBaseFactory,
)
from training.models import CourseSession, Enrollment

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


@dataclass
class City:
    year: int
    training_base_a: object
    training_base_b: object
    base_a: object
    base_b: object
    placements: dict


def finished_session(course, start, **fields):
    return CourseSessionFactory(
        course=course,
        status=fields.pop("status", CourseSession.Status.FINISHED),
        start_date=start,
        end_date=start + datetime.timedelta(days=1),
        **fields,
    )


def results(session, completed=0, failed=0, cancelled=0):
    made = []
    for status, n in [
        (Enrollment.Status.COMPLETED, completed),
        (Enrollment.Status.FAILED, failed),
        (Enrollment.Status.CANCELLED, cancelled),
    ]:
        made += [EnrollmentFactory(session=session, status=status) for _ in range(n)]
    return made


def certificate(*, holder, kind, issued, enrollment=None, placement=None, revoked=None):
    n = Certificate.objects.count() + 1
    return Certificate.objects.create(
        serial=f"DQ-{issued.year}-{n:06d}",
        kind=kind,
        year=issued.year,
        sequence=n,
        holder=holder,
        title="证书",
        hours=Decimal(10),
        issuing_base="基地",
        start_date=issued.date(),
        end_date=issued.date(),
        issued_at=issued,
        enrollment=enrollment,
        placement=placement,
        pdf=f"certificates/{n}.pdf",
        pdf_sha256="0" * 64,
        revoked_at=revoked,
        revocation_reason="更正" if revoked else "",
    )


def at(year, month, day=1):
    return datetime.datetime(year, month, day, 12, tzinfo=SHANGHAI)


@pytest.fixture
def city(db, base_a, base_b, training_base_a, coordinator_a, coordinator_b):
    year = timezone.localdate().year - 1
    training_base_b = TrainingBaseFactory(name="东北石油大学")
    training_base_b.coordinators.add(coordinator_b)
    course_a = CourseFactory(base=training_base_a, hours=Decimal(10))
    course_b = CourseFactory(base=training_base_b, hours=Decimal(8))

    a1 = finished_session(course_a, D(year, 3, 10))
    a2 = finished_session(course_a, D(year, 3, 20))
    b1 = finished_session(course_b, D(year, 6, 5))
    a0 = finished_session(course_a, D(year - 1, 3, 1))
    finished_session(course_a, D(year, 4, 1), status=CourseSession.Status.CANCELLED)
    a1_done = results(a1, completed=3, failed=1, cancelled=1)
    results(a2, completed=2)
    results(b1, completed=1, failed=1)
    a0_done = results(a0, completed=1, failed=1)

    mentor = PractitionerFactory(qualification_level="intermediate", qualification_certificate_number="Z1")
    tutor = PractitionerFactory(qualification_level="senior", qualification_certificate_number="Z2")

    def make_round(y, name):
        return PlacementRound.objects.create(
            name=name,
            internship_start=D(y, 4, 1),
            internship_end=D(y, 6, 30),
            preference_deadline=at(y, 3, 1),
            status=PlacementRound.Status.CONFIRMED,
            required_hours=40,
        )

    round_y, round_before = make_round(year, "Y"), make_round(year - 1, "Y-1")
    pos_a = Position.objects.create(
        round=round_y, base=base_a, code="A1", title="调解岗", capacity=3, supervisor=mentor
    )
    pos_b = Position.objects.create(round=round_y, base=base_b, code="B1", title="养老岗", capacity=2)
    pos_a0 = Position.objects.create(round=round_before, base=base_a, code="A0", title="旧岗", capacity=4)

    def place(position, rank, status=Placement.Status.CONFIRMED):
        trainee = PractitionerFactory()
        Preference.objects.create(trainee=trainee, round=position.round, position=position, rank=rank or 1)
        return Placement.objects.create(
            trainee=trainee,
            round=position.round,
            position=position,
            preference_rank=rank,
            status=status,
            tutor=tutor,
        )

    first_a, second_a = place(pos_a, 1), place(pos_a, 2)
    place(pos_a, 1, Placement.Status.WITHDRAWN)
    first_b = place(pos_b, 1)
    before_a = place(pos_a0, 1, Placement.Status.COMPLETED)

    for placement, hours, status, day in [
        (first_a, "8", HourLog.Status.APPROVED, 2),
        (first_a, "6", HourLog.Status.APPROVED, 3),
        (first_a, "5", HourLog.Status.SUBMITTED, 4),
        (first_a, "3", HourLog.Status.REJECTED, 5),
        (first_b, "4", HourLog.Status.APPROVED, 2),
        (first_b, "2", HourLog.Status.SUBMITTED, 3),
        (before_a, "10", HourLog.Status.APPROVED, 2),
    ]:
        HourLog.objects.create(
            placement=placement,
            date=D(placement.round.internship_start.year, 4, day),
            hours=Decimal(hours),
            activity="服务",
            status=status,
        )
    Evaluation.objects.create(placement=first_a, mentor=mentor, role="supervisor", score=Decimal(80))
    Evaluation.objects.create(placement=first_a, mentor=tutor, role="tutor", score=Decimal(90))
    Evaluation.objects.create(placement=before_a, mentor=tutor, role="tutor", score=Decimal(70))

    course = Certificate.Kind.COURSE
    internship = Certificate.Kind.INTERNSHIP
    certificate(holder=a1_done[0].trainee, kind=course, issued=at(year, 3, 12), enrollment=a1_done[0])
    certificate(
        holder=a1_done[1].trainee, kind=course, issued=at(year, 3, 12), enrollment=a1_done[1], revoked=at(year, 5)
    )
    certificate(holder=a0_done[0].trainee, kind=course, issued=at(year - 1, 3, 5), enrollment=a0_done[0])
    certificate(holder=before_a.trainee, kind=internship, issued=at(year - 1, 7), placement=before_a)
    certificate(holder=first_b.trainee, kind=internship, issued=at(year, 7), placement=first_b)

    return City(
        year=year,
        training_base_a=training_base_a,
        training_base_b=training_base_b,
        base_a=base_a,
        base_b=base_b,
        placements={"first_a": first_a, "second_a": second_a, "first_b": first_b, "before_a": before_a},
    )
